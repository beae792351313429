// Dot: per-sample dot products of two inputs along one axis each; with normalize, of their L2-normalised
// versions (cosine similarity). https://keras.io/api/layers/merging_layers/dot/
// Each input is seen as a batch of matrices (rows, depth) with the contracted axis last: (None, d) as
// (None, 1, d), (None, r, d) as it is, (None, d, r) transposed into scratch. Then y = A · Bᵀ per sample,
// one strided-batched gemm, and y's (rows_a, rows_b) layout is Keras's output shape.
#include <algorithm>

#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

constexpr float kEpsilon = 1e-7f;  // Keras's backend.epsilon(): norms are clamped at it

// Scratch slots, per input.
enum Slot { kCanonical, kNormalized, kSumSquares, kInvNorm, kOnes, kEpsSquared, kRowTemp, kRouted, kTemp,
            kGradMatrix, kGradCanonical, kSlotsPerInput };

// y[r, :] = alpha * s[r] * x[r, :] + beta * y[r, :] for R rows of K values: R products of (1x1)·(1xK).
void scale_rows(Backend& b, const float* x, const float* s, float* y, int64_t R, int64_t K, float alpha, float beta) {
  b.gemm_strided_batched(false, false, 1, K, 1, alpha, s, 1, 1, x, K, K, beta, y, K, K, R);
}

class Dot final : public Layer {
 public:
  explicit Dot(Config config) : Layer("Dot", std::move(config)) {
    const Config& axes = param("axes");
    if (axes.is_array() && axes.size() != 2)
      throw ValueError("Dot '" + name() + "': axes must be one integer or a pair [axis_a, axis_b], got " +
                       axes.dump() + ".");
    axes_[0] = small_int(axes.is_array() ? axes[0] : axes, "Dot '" + name() + "': axes");
    axes_[1] = small_int(axes.is_array() ? axes[1] : axes, "Dot '" + name() + "': axes");
    normalize_ = param("normalize").get<bool>();
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 2, 2);
    std::vector<int64_t> dims{inputs[0][0]};
    for (int i = 0; i < 2; ++i) {
      const Shape& s = inputs[static_cast<size_t>(i)];
      expect_rank(name(), s, 2, 3, "Dot supports inputs (batch, features) and (batch, steps, features) for now.");
      int axis = contracted_axis(s, i);
      if (s.rank() == 3) dims.push_back(s[3 - axis]);  // the axis that is not contracted
    }
    int64_t a = inputs[0][contracted_axis(inputs[0], 0)], b = inputs[1][contracted_axis(inputs[1], 1)];
    if (a != b && a != Shape::kNone && b != Shape::kNone)
      throw ShapeError("Dot '" + name() + "' multiplies axis " + std::to_string(axes_[0]) + " of " +
                       inputs[0].to_string() + " (size " + std::to_string(a) + ") with axis " +
                       std::to_string(axes_[1]) + " of " + inputs[1].to_string() + " (size " + std::to_string(b) +
                       "): the sizes must be equal.");
    if (dims.size() == 1) dims.push_back(1);  // (None, d)·(None, d) -> (None, 1), as Keras
    return {Shape(std::move(dims))};
  }

  int64_t count_macs(const Shapes& inputs, const Shapes& outputs) const override {
    const Shape out = outputs[0].without_batch();
    const int64_t depth = inputs[0][contracted_axis(inputs[0], 0)];
    if (!out.fully_known() || depth <= 0) return 0;
    int64_t macs = depth;
    for (int64_t d : out.dims()) macs = mul_saturated(macs, d);
    return macs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    const float* m[2];
    for (int i = 0; i < 2; ++i) {
      Operand o = operand(*x[static_cast<size_t>(i)], i);
      m[i] = x[static_cast<size_t>(i)]->data();
      if (o.transposed) {
        float* c = slot(ctx, i, kCanonical, o.R * o.K);
        ctx.backend().permute(m[i], c, x[static_cast<size_t>(i)]->shape().dims(), kSwapLastTwo, false);
        m[i] = c;
      }
      if (normalize_) m[i] = l2_normalize(ctx, i, m[i], o.R, o.K);
    }
    Operand a = operand(*x[0], 0), b = operand(*x[1], 1);
    ctx.backend().gemm_strided_batched(false, true, a.rows, b.rows, a.K, 1.0f, m[0], a.K, a.rows * a.K, m[1], a.K,
                                       b.rows * a.K, 0.0f, y[0]->data(), b.rows, a.rows * b.rows, a.batch);
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    Backend& be = ctx.backend();
    Operand o[2] = {operand(*x[0], 0), operand(*x[1], 1)};
    const float* m[2];
    float* grad_m[2];  // dL/d(the matrices of the gemm)
    for (int i = 0; i < 2; ++i) {
      m[i] = normalize_ ? slot(ctx, i, kNormalized, o[i].R * o[i].K)
             : o[i].transposed ? slot(ctx, i, kCanonical, o[i].R * o[i].K)
                               : x[static_cast<size_t>(i)]->data();
      Tensor* d = dx[static_cast<size_t>(i)];
      grad_m[i] = !d                                 ? nullptr
                  : (normalize_ || o[i].transposed) ? slot(ctx, i, kGradMatrix, o[i].R * o[i].K)
                                                    : d->data();
      if (grad_m[i] && grad_m[i] != d->data()) be.fill(grad_m[i], o[i].R * o[i].K, 0.0f);
    }
    const int64_t M = o[0].rows, N = o[1].rows, K = o[0].K, batch = o[0].batch;
    if (grad_m[0])  // dA (M, K) += dY (M, N) · B (N, K)
      be.gemm_strided_batched(false, false, M, K, N, 1.0f, dy[0]->data(), N, M * N, m[1], K, N * K, 1.0f, grad_m[0],
                              K, M * K, batch);
    if (grad_m[1])  // dB (N, K) += dYᵀ (N, M) · A (M, K)
      be.gemm_strided_batched(true, false, N, K, M, 1.0f, dy[0]->data(), N, M * N, m[0], K, M * K, 1.0f, grad_m[1],
                              K, N * K, batch);
    for (int i = 0; i < 2; ++i) {
      Tensor* d = dx[static_cast<size_t>(i)];
      if (!d) continue;
      float* grad = grad_m[i];
      if (normalize_) {
        float* target = o[i].transposed ? slot(ctx, i, kGradCanonical, o[i].R * o[i].K) : d->data();
        if (o[i].transposed) be.fill(target, o[i].R * o[i].K, 0.0f);
        l2_normalize_backward(ctx, i, grad, target, o[i].R, o[i].K);
        grad = target;
      }
      if (!o[i].transposed) continue;
      canonical_dims_[0] = batch, canonical_dims_[1] = o[i].rows, canonical_dims_[2] = o[i].K;
      be.permute(grad, d->data(), canonical_dims_, kSwapLastTwo, true);
    }
  }

 private:
  struct Operand {
    int64_t batch, rows, K, R;  // R = batch * rows: rows of the (R, K) view
    bool transposed;            // the contracted axis was axis 1 of a rank-3 input
  };

  int contracted_axis(const Shape& s, int i) const {
    int axis = axes_[i] < 0 ? axes_[i] + s.rank() : axes_[i];
    if (axis <= 0 || axis >= s.rank())
      throw ShapeError("Dot '" + name() + "': axis " + std::to_string(axes_[i]) + " is not a sample axis of input " +
                       std::to_string(i) + ", of shape " + s.to_string() + ". Use an axis between 1 and " +
                       std::to_string(s.rank() - 1) + " (the batch axis 0 cannot be contracted).");
    return axis;
  }

  Operand operand(const Tensor& t, int i) const {
    const Shape& s = t.shape();
    int axis = contracted_axis(s, i);
    Operand o{s[0], s.rank() == 3 ? s[3 - axis] : 1, s[axis], 0, s.rank() == 3 && axis == 1};
    o.R = o.batch * o.rows;
    return o;
  }

  // The slot's shape (size) is kept in slot_shapes_ and updated in place, so that no Shape is built per step.
  float* slot(Context& ctx, int input, Slot which, int64_t size) const {
    Shape& shape = slot_shapes_[input][which];
    if (shape.rank() == 1) shape[0] = size;
    else shape = Shape{size};
    return ctx.scratch(input * kSlotsPerInput + which, shape).data();
  }

  // n = p / max(||p||, eps) row by row, as Keras's ops.normalize: p * rsqrt(max(sum p², eps²)).
  const float* l2_normalize(Context& ctx, int i, const float* p, int64_t R, int64_t K) const {
    Backend& b = ctx.backend();
    float *n = slot(ctx, i, kNormalized, R * K), *ss = slot(ctx, i, kSumSquares, R), *inv = slot(ctx, i, kInvNorm, R);
    float *ones = slot(ctx, i, kOnes, std::max(R, K)), *eps2 = slot(ctx, i, kEpsSquared, R);
    float* norm = slot(ctx, i, kRowTemp, R);
    b.fill(ones, std::max(R, K), 1.0f);
    b.fill(eps2, R, kEpsilon * kEpsilon);
    b.binary(BinaryOp::Mul, p, p, n, R * K);                           // n holds p² for a moment
    b.gemm(false, false, R, 1, K, 1.0f, n, K, ones, 1, 0.0f, ss, 1);  // ss = row sums of p²
    b.binary(BinaryOp::Max, ss, eps2, inv, R);
    b.unary(UnaryOp::Sqrt, inv, norm, R);
    b.binary(BinaryOp::Div, ones, norm, inv, R);
    scale_rows(b, p, inv, n, R, K, 1.0f, 0.0f);
    return n;
  }

  // grad_p += inv * (grad_n - n * sum(grad_n * n)), the sum zeroed on rows whose norm was clamped.
  void l2_normalize_backward(Context& ctx, int i, const float* grad_n, float* grad_p, int64_t R, int64_t K) const {
    Backend& b = ctx.backend();
    const float *n = slot(ctx, i, kNormalized, R * K), *ss = slot(ctx, i, kSumSquares, R);
    const float *inv = slot(ctx, i, kInvNorm, R), *ones = slot(ctx, i, kOnes, std::max(R, K));
    const float* eps2 = slot(ctx, i, kEpsSquared, R);
    float *temp = slot(ctx, i, kTemp, R * K), *t = slot(ctx, i, kRowTemp, R), *routed = slot(ctx, i, kRouted, R);
    b.binary(BinaryOp::Mul, grad_n, n, temp, R * K);
    b.gemm(false, false, R, 1, K, 1.0f, temp, K, ones, 1, 0.0f, t, 1);
    b.fill(routed, R, 0.0f);
    b.binary_backward(BinaryOp::Max, ss, eps2, t, routed, nullptr, R);  // through max(sum p², eps²)
    b.copy(temp, grad_n, static_cast<size_t>(R * K) * sizeof(float));
    scale_rows(b, n, routed, temp, R, K, -1.0f, 1.0f);
    scale_rows(b, temp, inv, grad_p, R, K, 1.0f, 1.0f);
  }

  inline static const std::vector<int> kSwapLastTwo{0, 2, 1};
  int axes_[2] = {-1, -1};
  bool normalize_ = false;
  mutable Shape slot_shapes_[2][kSlotsPerInput];
  std::vector<int64_t> canonical_dims_ = std::vector<int64_t>(3);  // (batch, rows, K) of a transposed input
};

}  // namespace

void register_dot(LayerRegistry& r) {
  r.add({.name = "Dot",
         .category = "Merge",
         .doc = "Dot product of two inputs along one axis each (cosine similarity with normalize).",
         .params = {{.name = "axes", .type = ParamType::IntOrTuple,
                     .doc = "Axis, or pair of axes (one per input), along which to take the dot product.",
                     .required = true},
                    {.name = "normalize", .type = ParamType::Bool, .default_value = false,
                     .doc = "L2-normalise the inputs along the axes first, giving cosine similarities."}},
         .min_inputs = 2,
         .max_inputs = 2,
         .create = [](const Config& c) { return std::make_shared<Dot>(c); }});
}

}  // namespace cornu
