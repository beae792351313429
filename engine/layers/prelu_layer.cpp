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
// Scratch slots: A, min(x, 0) and a product (shape of x) are kept from forward for backward; alpha's
// partial broadcasts and partial sums ping-pong between two slots each.
enum Slot { kAlphaFull, kNegative, kProduct, kExpand, kReduce = kExpand + 2 };

class PReLU final : public Layer {
 public:
  explicit PReLU(Config config) : Layer("PReLU", std::move(config)) {
    if (params_["shared_axes"].is_number()) params_["shared_axes"] = Config::array({params_["shared_axes"]});
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    expect_rank(name(), inputs[0], 2, -1);
    for (int axis : shared_axes())
      if (axis < 1 || axis >= inputs[0].rank())
        throw ShapeError("PReLU layer '" + name() + "' shares alpha along axis " + std::to_string(axis) +
                         ", but its input " + inputs[0].to_string() + " has axes 1 to " +
                         std::to_string(inputs[0].rank() - 1) + " besides the batch. Fix shared_axes.");
    return inputs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& be = ctx.backend();
    const Tensor& in = *x[0];
    // Copies of the handles: a later scratch() call may move the slots.
    Tensor alpha_full = ctx.scratch(kAlphaFull, in.shape());
    Tensor negative = ctx.scratch(kNegative, in.shape());
    Tensor product = ctx.scratch(kProduct, in.shape());
    expand_alpha(ctx, alpha_full);
    be.unary(UnaryOp::Relu, in.data(), negative.data(), in.size(), kNegativePart);
    be.binary(BinaryOp::Mul, alpha_full.data(), negative.data(), product.data(), in.size());
    be.unary(UnaryOp::Relu, in.data(), y[0]->data(), in.size(), kPositivePart);
    be.axpy(in.size(), 1.0f, product.data(), y[0]->data());
  }

  // dx += dy * (x > 0 ? 1 : A); d alpha += dy * min(x, 0) summed over the batch and the shared axes.
  // Uses A and min(x, 0) saved by forward.
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    Backend& be = ctx.backend();
    const Tensor& in = *x[0];
    const int64_t n = in.size();
    // Copies of the handles: a later scratch() call may move the slots.
    Tensor alpha_full = ctx.scratch(kAlphaFull, in.shape());
    Tensor negative = ctx.scratch(kNegative, in.shape());
    Tensor product = ctx.scratch(kProduct, in.shape());
    if (dx[0]) {
      be.unary_backward(UnaryOp::Relu, in.data(), nullptr, dy[0]->data(), dx[0]->data(), n, kPositivePart);
      be.binary(BinaryOp::Mul, dy[0]->data(), alpha_full.data(), product.data(), n);
      be.unary_backward(UnaryOp::Relu, in.data(), nullptr, product.data(), dx[0]->data(), n, kNegativePart);
    }
    Variable& alpha = variables()[0];
    if (!alpha.trainable) return;
    be.binary(BinaryOp::Mul, dy[0]->data(), negative.data(), product.data(), n);
    if (shared_axes().empty()) be.sum_rows(product.data(), alpha.grad.data(), in.rows(), in.cols(), 1.0f);
    else reduce_to_alpha(ctx, product, in.shape());
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    std::vector<int64_t> alpha_dims = inputs[0].without_batch().dims();
    for (int axis : shared_axes()) alpha_dims[static_cast<size_t>(axis - 1)] = 1;
    for (int64_t d : alpha_dims)
      if (d < 0)
        throw ShapeError("PReLU layer '" + name() + "' needs every non-shared input dimension to be known, got " +
                         inputs[0].to_string() + ". Give the Input a full shape, or share alpha along that axis.");
    add_weight("alpha", Shape(alpha_dims), param("alpha_initializer"), seed_key, param("alpha_regularizer"),
               param("alpha_constraint"));
  }

 private:
  std::vector<int> shared_axes() const {
    const Config& axes = param("shared_axes");
    return axes.is_null() ? std::vector<int>{} : axes.get<std::vector<int>>();
  }

  // Sample dims seen as (outer, d, inner) around sample axis `axis`.
  struct Block {
    int64_t outer = 1, d = 1, inner = 1;
  };
  static Block block(const std::vector<int64_t>& dims, int axis) {
    Block b;
    for (int i = 0; i < static_cast<int>(dims.size()); ++i) (i < axis ? b.outer : i == axis ? b.d : b.inner) *= dims[i];
    return b;
  }

  // A = alpha broadcast to `full`'s shape: shared axes innermost first, then the batch.
  void expand_alpha(Context& ctx, Tensor& full) {
    Backend& be = ctx.backend();
    const Tensor& alpha = variables()[0].value;
    std::vector<int64_t> dims = alpha.shape().dims();
    const std::vector<int64_t> sample = full.shape().without_batch().dims();
    const float* src = alpha.data();
    std::vector<int> axes = shared_axes();
    std::sort(axes.rbegin(), axes.rend());
    for (size_t k = 0; k < axes.size(); ++k) {
      int a = axes[k] - 1;
      Block from = block(dims, a);
      dims[static_cast<size_t>(a)] = sample[static_cast<size_t>(a)];
      Tensor dst = ctx.scratch(kExpand + static_cast<int>(k % 2), Shape(dims));
      for (int64_t o = 0; o < from.outer; ++o)  // each (1, inner) slab repeated d times
        be.copy_block(src + o * from.inner, 0, dst.data() + o * dims[static_cast<size_t>(a)] * from.inner, from.inner,
                      dims[static_cast<size_t>(a)], from.inner, false);
      src = dst.data();
    }
    be.copy_block(src, 0, full.data(), full.cols(), full.rows(), full.cols(), false);
  }

  // alpha.grad += g summed over the batch, then over each shared axis (outermost first).
  void reduce_to_alpha(Context& ctx, const Tensor& g, const Shape& shape) {
    Backend& be = ctx.backend();
    std::vector<int64_t> dims = shape.without_batch().dims();
    Tensor sum = ctx.scratch(kReduce, Shape(dims));
    be.fill(sum.data(), sum.size(), 0.0f);  // scratch memory is uninitialised: beta = 0 could keep a NaN
    be.sum_rows(g.data(), sum.data(), shape[0], shape.sample_size(), 1.0f);
    std::vector<int> axes = shared_axes();
    std::sort(axes.begin(), axes.end());
    for (size_t k = 0; k < axes.size(); ++k) {
      int a = axes[k] - 1;
      Block from = block(dims, a);
      dims[static_cast<size_t>(a)] = 1;
      Tensor next = ctx.scratch(kReduce + 1 + static_cast<int>(k % 2), Shape(dims));
      be.fill(next.data(), next.size(), 0.0f);
      for (int64_t o = 0; o < from.outer; ++o)
        be.sum_rows(sum.data() + o * from.d * from.inner, next.data() + o * from.inner, from.d, from.inner, 1.0f);
      sum = next;
    }
    Variable& alpha = variables()[0];
    be.axpy(alpha.grad.size(), 1.0f, sum.data(), alpha.grad.data());
  }
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
