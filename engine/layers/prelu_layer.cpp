// PReLU: x for x >= 0, alpha * x below, with a learned alpha per input element; shared_axes gives alpha
// size 1 along those axes (e.g. [1, 2] for one alpha per channel of an (N, H, W, C) feature map).
// https://keras.io/api/layers/activation_layers/prelu/
//
// y = relu(x) + A * min(x, 0), where A is alpha broadcast to x's shape (N, d1..dk). The backend has no
// broadcasting multiply, so A is expanded with strided block copies, one shared axis at a time, and
// the alpha gradient is summed back the same way.
#include <algorithm>

#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

// max(x, 0) and min(x, 0) as the backend's Relu (a = negative_slope, b = max_value, < 0 for none).
constexpr UnaryParams kPositivePart{0.0f, -1.0f, 0.0f};
constexpr UnaryParams kNegativePart{1.0f, 0.0f, 0.0f};
// Scratch slots: A, min(x, 0) and a product (shape of x) are kept from forward for backward; then one
// slot per partial broadcast of alpha, and one per partial sum of its gradient (see expand_slot).
enum Slot { kAlphaFull, kNegative, kProduct, kFirstPartial };

class PReLU final : public Layer {
 public:
  explicit PReLU(Config config) : Layer("PReLU", std::move(config)) {
    supports_masking_ = true;
    if (params_["shared_axes"].is_number()) params_["shared_axes"] = Config::array({params_["shared_axes"]});
    const Config& axes = param("shared_axes");
    if (!axes.is_null())
      for (const auto& a : axes) shared_axes_.push_back(small_int(a, "PReLU '" + name() + "': shared_axes"));
    std::sort(shared_axes_.begin(), shared_axes_.end());
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    expect_rank(name(), inputs[0], 2, -1);
    for (int axis : shared_axes_)
      if (axis < 1 || axis >= inputs[0].rank())
        throw ShapeError("PReLU layer '" + name() + "' shares alpha along axis " + std::to_string(axis) +
                         ", but its input " + inputs[0].to_string() + " has axes 1 to " +
                         std::to_string(inputs[0].rank() - 1) + " besides the batch. Fix shared_axes.");
    return inputs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& be = ctx.backend();
    const Tensor& in = *x[0];
    const int64_t n = in.size();
    plan_for(in.shape());
    // Raw pointers: a later scratch() call may move the slots, not their memory.
    float* alpha_full = ctx.scratch(kAlphaFull, in.shape()).data();
    float* negative = ctx.scratch(kNegative, in.shape()).data();
    float* product = ctx.scratch(kProduct, in.shape()).data();
    expand_alpha(ctx, alpha_full, in.rows(), in.cols());
    be.unary(UnaryOp::Relu, in.data(), negative, n, kNegativePart);
    be.binary(BinaryOp::Mul, alpha_full, negative, product, n);
    be.unary(UnaryOp::Relu, in.data(), y[0]->data(), n, kPositivePart);
    be.axpy(n, 1.0f, product, y[0]->data());
  }

  // dx += dy * (x > 0 ? 1 : A); d alpha += dy * min(x, 0) summed over the batch and the shared axes.
  // Uses A and min(x, 0) saved by forward.
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    Backend& be = ctx.backend();
    const Tensor& in = *x[0];
    const int64_t n = in.size();
    plan_for(in.shape());
    const float* alpha_full = ctx.scratch(kAlphaFull, in.shape()).data();
    const float* negative = ctx.scratch(kNegative, in.shape()).data();
    float* product = ctx.scratch(kProduct, in.shape()).data();
    if (dx[0]) {
      be.unary_backward(UnaryOp::Relu, in.data(), nullptr, dy[0]->data(), dx[0]->data(), n, kPositivePart);
      be.binary(BinaryOp::Mul, dy[0]->data(), alpha_full, product, n);
      be.unary_backward(UnaryOp::Relu, in.data(), nullptr, product, dx[0]->data(), n, kNegativePart);
    }
    Variable& alpha = variables()[0];
    if (!alpha.trainable) return;
    be.binary(BinaryOp::Mul, dy[0]->data(), negative, product, n);
    if (shared_axes_.empty()) be.sum_rows(product, alpha.grad.data(), in.rows(), in.cols(), 1.0f);
    else reduce_to_alpha(ctx, product, in.rows(), in.cols());
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    std::vector<int64_t> alpha_dims = inputs[0].without_batch().dims();
    for (int axis : shared_axes_) alpha_dims[static_cast<size_t>(axis - 1)] = 1;
    for (int64_t d : alpha_dims)
      if (d < 0)
        throw ShapeError("PReLU layer '" + name() + "' needs every non-shared input dimension to be known, got " +
                         inputs[0].to_string() + ". Give the Input a full shape, or share alpha along that axis.");
    add_weight("alpha", Shape(alpha_dims), param("alpha_initializer"), seed_key, param("alpha_regularizer"),
               param("alpha_constraint"));
  }

 private:
  // Sample dims seen as (outer, d, inner) around sample axis `axis`.
  struct Block { int64_t outer = 1, d = 1, inner = 1; };
  static Block block(const std::vector<int64_t>& dims, int axis) {
    Block b;
    for (int i = 0; i < static_cast<int>(dims.size()); ++i) (i < axis ? b.outer : i == axis ? b.d : b.inner) *= dims[i];
    return b;
  }
  // One broadcast (or sum) along a shared axis: the partial result's shape, the block it reads and the
  // axis's size after the step.
  struct PartialStep { Shape shape; Block from; int64_t to_d; };

  // The partial shapes for samples of `in`'s shape, computed when that sample shape is first seen (shared
  // axes may be None at build time), so that the steps build no Shape.
  void plan_for(const Shape& in) {
    const std::vector<int64_t>& dims = in.dims();
    if (dims.size() == sample_.size() + 1 && std::equal(sample_.begin(), sample_.end(), dims.begin() + 1)) return;
    sample_.assign(dims.begin() + 1, dims.end());
    sample_shape_ = Shape(sample_);
    expand_.clear(), reduce_.clear();
    std::vector<int64_t> partial = variables()[0].value.shape().dims();
    for (auto a = shared_axes_.rbegin(); a != shared_axes_.rend(); ++a) {  // innermost first
      const auto k = static_cast<size_t>(*a - 1);
      Block from = block(partial, *a - 1);
      partial[k] = sample_[k];
      expand_.push_back({Shape(partial), from, partial[k]});
    }
    partial = sample_;
    for (int a : shared_axes_) {  // outermost first
      const auto k = static_cast<size_t>(a - 1);
      Block from = block(partial, a - 1);
      partial[k] = 1;
      reduce_.push_back({Shape(partial), from, 1});
    }
  }

  // A distinct slot per partial result, so that each keeps its shape from step to step.
  int expand_slot(size_t k) const { return kFirstPartial + static_cast<int>(k); }
  int reduce_slot(size_t k) const { return expand_slot(shared_axes_.size() + k); }

  // A = alpha broadcast to (rows, cols): shared axes innermost first, then the batch.
  void expand_alpha(Context& ctx, float* full, int64_t rows, int64_t cols) {
    Backend& be = ctx.backend();
    const float* src = variables()[0].value.data();
    for (size_t k = 0; k < expand_.size(); ++k) {
      const PartialStep& step = expand_[k];
      float* dst = ctx.scratch(expand_slot(k), step.shape).data();
      for (int64_t o = 0; o < step.from.outer; ++o)  // each (1, inner) slab repeated to_d times
        be.copy_block(src + o * step.from.inner, 0, dst + o * step.to_d * step.from.inner, step.from.inner, step.to_d,
                      step.from.inner, false);
      src = dst;
    }
    be.copy_block(src, 0, full, cols, rows, cols, false);
  }

  // alpha.grad += g (rows, cols) summed over the batch, then over each shared axis (outermost first).
  void reduce_to_alpha(Context& ctx, const float* g, int64_t rows, int64_t cols) {
    Backend& be = ctx.backend();
    float* sum = ctx.scratch(reduce_slot(0), sample_shape_).data();
    be.fill(sum, cols, 0.0f);  // scratch memory is uninitialised: beta = 0 could keep a NaN
    be.sum_rows(g, sum, rows, cols, 1.0f);
    for (size_t k = 0; k < reduce_.size(); ++k) {
      const PartialStep& step = reduce_[k];
      float* next = ctx.scratch(reduce_slot(k + 1), step.shape).data();
      be.fill(next, step.from.outer * step.from.inner, 0.0f);
      for (int64_t o = 0; o < step.from.outer; ++o)
        be.sum_rows(sum + o * step.from.d * step.from.inner, next + o * step.from.inner, step.from.d, step.from.inner,
                    1.0f);
      sum = next;
    }
    be.axpy(variables()[0].grad.size(), 1.0f, sum, variables()[0].grad.data());
  }

  std::vector<int> shared_axes_;  // sorted, 1 = the first axis after the batch
  std::vector<int64_t> sample_;   // the sample dims the plan below was made for
  Shape sample_shape_;
  std::vector<PartialStep> expand_, reduce_;
};

}  // namespace

void register_prelu_layer(LayerRegistry& r) {
  r.add({.name = "PReLU",
         .category = "Activation",
         .doc = "Parametric ReLU: x for x >= 0, a learned alpha * x below.",
         .params = {{.name = "alpha_initializer",
                     .type = ParamType::Initializer,
                     .default_value = "zeros",
                     .doc = "Initializer for alpha."},
                    {.name = "alpha_regularizer",
                     .type = ParamType::Regularizer,
                     .default_value = nullptr,
                     .doc = "Regularizer applied to alpha."},
                    {.name = "alpha_constraint",
                     .type = ParamType::Constraint,
                     .default_value = nullptr,
                     .doc = "Constraint applied to alpha after each update."},
                    {.name = "shared_axes",
                     .type = ParamType::IntOrTuple,
                     .default_value = nullptr,
                     .doc = "Axes (1 = first after the batch) along which one alpha is shared, e.g. [1, 2] for images.",
                     .nullable = true}},
         .create = [](const Config& c) { return std::make_shared<PReLU>(c); }});
}

}  // namespace cornu
