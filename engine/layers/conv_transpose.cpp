// Conv1DTranspose, Conv2DTranspose, Conv3DTranspose: the input gradient of a convolution, used as a layer
// ("deconvolution"). https://keras.io/api/layers/convolution_layers/convolution2d_transpose/
// The kernel (k..., filters, in_channels) is the kernel of the forward convolution from the output back to the
// input; so the forward pass is cols = x · kernelᵀ then col2im onto the output, and the backward pass im2col.
// Sizes and alignment follow Keras on JAX (lax.conv_transpose with the padding Keras computes for it).
#include <algorithm>

#include "core/error.h"
#include "layers/conv_common.h"

namespace cornu {

namespace {

enum Slot { kCols, kPreActivation, kOutputGrad, kPreActivationGrad };

class ConvTranspose final : public Layer {
 public:
  ConvTranspose(int rank, Config config)
      : Layer("Conv" + std::to_string(rank) + "DTranspose", std::move(config)), rank_(rank), output_(params_) {
    spatial::require_channels_last(params_, class_name(), name());
    filters_ = param("filters").get<int64_t>();
    window_ = conv::read_window(params_, rank, what());
    if (!param("output_padding").is_null()) {
      output_padding_ = spatial::int_tuple(param("output_padding"), rank, what() + ": output_padding", 0);
      params_["output_padding"] = output_padding_;
      for (int d = 0; d < rank; ++d)
        if (output_padding_[d] >= std::max(window_.strides[d], window_.dilation[d]))
          throw ValueError(what() + ": output_padding must be smaller than the stride (or the dilation) of its axis.");
    }
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    const Shape& in = inputs[0];
    spatial::expect_spatial_input(class_name(), name(), in, rank_);
    if (in[-1] == Shape::kNone)
      throw ShapeError(what() + " needs to know its input's channels (last axis) to create its kernel, but it "
                       "received " + in.to_string() + ". Give that axis a size in the Input shape.");
    std::vector<int64_t> out{in[0]};
    for (int d = 0; d < rank_; ++d) {
      const auto [left, right] = jax_padding(d);
      out.push_back(in[d + 1] == Shape::kNone ? Shape::kNone
                                              : (in[d + 1] - 1) * window_.strides[d] + left + right - window_.span(d) + 2);
    }
    out.push_back(filters_);
    return {Shape(out)};
  }

  int64_t count_macs(const Shapes& inputs, const Shapes&) const override {
    int64_t macs = mul_saturated(inputs[0].without_batch().size(), filters_);
    for (int64_t k : window_.kernel) macs = mul_saturated(macs, k);
    return macs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const ConvGeometry g = geometry(x[0]->shape(), y[0]->shape());
    const int64_t rows = g.batch * g.out_positions(), width = g.kernel_positions() * filters_, in = g_in(x[0]->shape());
    float* cols = ctx.scratch(kCols, Shape{rows, width}).data();
    b.gemm(false, true, rows, width, in, 1.0f, x[0]->data(), in, kernel().value.data(), in, 0.0f, cols, width);
    float* z = output_.z(ctx, *y[0], kPreActivation);
    b.fill(z, y[0]->size(), 0.0f);
    b.col2im(g, cols, z);
    output_.forward(ctx, output_.use_bias() ? &variables()[1] : nullptr, z, *y[0], g.batch);
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    Backend& b = ctx.backend();
    const ConvGeometry g = geometry(x[0]->shape(), y[0]->shape());
    const int64_t rows = g.batch * g.out_positions(), width = g.kernel_positions() * filters_, in = g_in(x[0]->shape());
    const float* dz = output_.backward(ctx, output_.use_bias() ? &variables()[1] : nullptr, *y[0], *dy[0], g.batch,
                                       kPreActivation, kOutputGrad, kPreActivationGrad);
    Tensor& dcols = ctx.scratch(kCols, Shape{rows, width});  // the forward's cols are no longer needed
    b.im2col(g, dz, dcols.data());
    if (kernel().trainable)  // dK (k * filters, in) += dcolsᵀ · x
      b.gemm(true, false, width, in, rows, 1.0f, dcols.data(), width, x[0]->data(), in, 1.0f, kernel().grad.data(), in);
    if (dx[0])  // dx (rows, in) += dcols · K
      b.gemm(false, false, rows, in, width, 1.0f, dcols.data(), width, kernel().value.data(), in, 1.0f, dx[0]->data(), in);
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    std::vector<int64_t> shape = window_.kernel;
    shape.push_back(filters_);
    shape.push_back(inputs[0][-1]);
    add_weight("kernel", Shape(shape), param("kernel_initializer"), seed_key, param("kernel_regularizer"),
               param("kernel_constraint"));
    if (output_.use_bias())
      add_weight("bias", Shape{filters_}, param("bias_initializer"), seed_key, param("bias_regularizer"),
                 param("bias_constraint"));
  }

 private:
  std::string what() const { return class_name() + " '" + name() + "'"; }
  static int64_t g_in(const Shape& in) { return in[-1]; }
  Variable& kernel() { return variables()[0]; }

  // The padding Keras gives JAX's conv_transpose (on the stride-dilated input), left and right.
  std::pair<int64_t, int64_t> jax_padding(int d) const {
    const int64_t span = window_.span(d), stride = window_.strides[d];
    const bool given = !output_padding_.empty();
    if (window_.padding == "valid") {
      const int64_t extra = given ? output_padding_[d] : std::max(span, stride) - span;
      return {span - 1, span - 1 + extra};
    }
    const int64_t total = given ? span + span % 2 - 2 + output_padding_[d] : stride + span - 2;
    const int64_t left = std::min(total / 2 + total % 2, span - 1);
    return {left, total - left};
  }

  // The forward convolution from this layer's output (its input side) to this layer's input.
  ConvGeometry geometry(const Shape& in, const Shape& out) const {
    ConvGeometry g;
    g.spatial = rank_;
    g.batch = in[0];
    g.channels = g.channel_count = filters_;
    for (int d = 0; d < rank_; ++d) {
      g.in[d] = out[d + 1], g.out[d] = in[d + 1], g.kernel[d] = window_.kernel[d];
      g.stride[d] = window_.strides[d], g.dilation[d] = window_.dilation[d];
      g.pad_before[d] = window_.span(d) - 1 - jax_padding(d).first;
    }
    return g;
  }

  int rank_;
  conv::OutputStage output_;
  int64_t filters_ = 0;
  conv::Window window_;
  std::vector<int64_t> output_padding_;  // empty: None
};

LayerRegistry::Entry conv_transpose_entry(int rank) {
  std::vector<ParamSpec> params{
      {.name = "filters", .type = ParamType::Int, .doc = "Number of output channels.", .minimum = 1, .required = true},
      {.name = "kernel_size", .type = ParamType::IntOrTuple, .doc = "Size of the convolution window.", .required = true},
      {.name = "output_padding", .type = ParamType::IntOrTuple, .default_value = nullptr,
       .doc = "Extra rows/columns added on one side of the output (None: inferred).", .nullable = true}};
  for (auto& p : conv::common_params(rank, false)) params.push_back(std::move(p));
  params.push_back({.name = "kernel_initializer", .type = ParamType::Initializer, .default_value = "glorot_uniform",
                    .doc = "Initializer for the kernel."});
  params.push_back({.name = "kernel_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                    .doc = "Regularizer applied to the kernel."});
  params.push_back({.name = "kernel_constraint", .type = ParamType::Constraint, .default_value = nullptr,
                    .doc = "Constraint applied to the kernel after each update."});
  return {.name = "Conv" + std::to_string(rank) + "DTranspose",
          .category = "Convolution",
          .doc = std::to_string(rank) + "D transposed convolution (channels_last): upsamples with a learned kernel.",
          .params = std::move(params),
          .create = [rank](const Config& c) { return std::make_shared<ConvTranspose>(rank, c); }};
}

}  // namespace

void register_conv_transpose(LayerRegistry& r) {
  for (int rank = 1; rank <= 3; ++rank) r.add(conv_transpose_entry(rank));
}

}  // namespace cornu
