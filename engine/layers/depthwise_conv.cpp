// DepthwiseConv1D/2D: each input channel convolved with its own depth_multiplier filters (output channel
// c * depth_multiplier + m); SeparableConv1D/2D: that, then a 1x1 convolution mixing the channels.
// https://keras.io/api/layers/convolution_layers/depthwise_convolution2d/
// https://keras.io/api/layers/convolution_layers/separable_convolution2d/
// The depthwise kernel (k..., channels, depth_multiplier) is laid out as a grouped convolution's with one
// group per channel, so each channel is im2col (one channel) and one small gemm.
#include "core/error.h"
#include "layers/conv_common.h"

namespace cornu {

namespace {

enum Slot { kCols, kPreActivation, kOutputGrad, kPreActivationGrad, kDepthwise, kDepthwiseGrad };

class DepthwiseConv final : public Layer {
 public:
  DepthwiseConv(int rank, bool separable, Config config)
      : Layer(std::string(separable ? "SeparableConv" : "DepthwiseConv") + std::to_string(rank) + "D", std::move(config)),
        rank_(rank), separable_(separable), output_(params_) {
    spatial::require_channels_last(params_, class_name(), name());
    multiplier_ = param("depth_multiplier").get<int64_t>();
    if (separable_) filters_ = param("filters").get<int64_t>();
    window_ = conv::read_window(params_, rank, class_name() + " '" + name() + "'");
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    const Shape& in = inputs[0];
    spatial::expect_spatial_input(class_name(), name(), in, rank_);
    if (in[-1] == Shape::kNone)
      throw ShapeError(class_name() + " '" + name() + "' needs to know its input's channels (last axis) to create its "
                       "kernel, but it received " + in.to_string() + ". Give that axis a size in the Input shape.");
    std::vector<int64_t> out{in[0]};
    for (int d = 0; d < rank_; ++d) out.push_back(conv::output_size(window_, d, in[d + 1], class_name() + " '" + name() + "'", in));
    out.push_back(separable_ ? filters_ : in[-1] * multiplier_);
    return {Shape(out)};
  }

  int64_t count_macs(const Shapes& inputs, const Shapes& outputs) const override {
    int64_t taps = multiplier_;
    for (int64_t k : window_.kernel) taps = mul_saturated(taps, k);
    const int64_t positions = outputs[0].without_batch().size() / outputs[0][-1], depthwise = inputs[0][-1] * multiplier_;
    return mul_saturated(positions, mul_saturated(inputs[0][-1], taps) + (separable_ ? depthwise * filters_ : 0));
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const ConvGeometry g = conv::geometry(window_, x[0]->shape(), y[0]->shape(), x[0]->shape()[-1]);
    const int64_t rows = g.batch * g.out_positions(), depth = g.channels * multiplier_;
    float* z = output_.z(ctx, *y[0], kPreActivation);
    float* d = separable_ ? ctx.scratch(kDepthwise, Shape{rows, depth}).data() : z;
    Tensor& cols = ctx.scratch(kCols, Shape{rows, g.kernel_positions()});
    for (int64_t c = 0; c < g.channels; ++c) {
      im2col_channel(b, g, x[0]->data(), c, cols.data());
      b.gemm(false, false, rows, multiplier_, g.kernel_positions(), 1.0f, cols.data(), g.kernel_positions(),
             depthwise().value.data() + c * multiplier_, depth, 0.0f, d + c * multiplier_, depth);
    }
    if (separable_)  // the pointwise (1x1) convolution
      b.gemm(false, false, rows, filters_, depth, 1.0f, d, depth, pointwise().value.data(), filters_, 0.0f, z, filters_);
    output_.forward(ctx, bias(), z, *y[0], g.batch);
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    Backend& b = ctx.backend();
    const ConvGeometry g = conv::geometry(window_, x[0]->shape(), y[0]->shape(), x[0]->shape()[-1]);
    const int64_t rows = g.batch * g.out_positions(), depth = g.channels * multiplier_, taps = g.kernel_positions();
    const float* dd = output_.backward(ctx, bias(), *y[0], *dy[0], g.batch, kPreActivation, kOutputGrad,
                                       kPreActivationGrad);
    if (separable_) {
      const float* d = ctx.scratch(kDepthwise, Shape{rows, depth}).data();
      if (pointwise().trainable)  // dP (depth, filters) += Dᵀ · dz
        b.gemm(true, false, depth, filters_, rows, 1.0f, d, depth, dd, filters_, 1.0f, pointwise().grad.data(), filters_);
      Tensor& d_grad = ctx.scratch(kDepthwiseGrad, Shape{rows, depth});
      b.gemm(false, true, rows, depth, filters_, 1.0f, dd, filters_, pointwise().value.data(), filters_, 0.0f,
             d_grad.data(), depth);
      dd = d_grad.data();
    }
    Tensor& cols = ctx.scratch(kCols, Shape{rows, taps});
    for (int64_t c = 0; c < g.channels; ++c) {
      if (depthwise().trainable) {
        im2col_channel(b, g, x[0]->data(), c, cols.data());
        b.gemm(true, false, taps, multiplier_, rows, 1.0f, cols.data(), taps, dd + c * multiplier_, depth, 1.0f,
               depthwise().grad.data() + c * multiplier_, depth);
      }
      if (!dx[0]) continue;
      b.gemm(false, true, rows, taps, multiplier_, 1.0f, dd + c * multiplier_, depth,
             depthwise().value.data() + c * multiplier_, depth, 0.0f, cols.data(), taps);
      ConvGeometry gc = g;
      gc.channel_begin = c;
      b.col2im(gc, cols.data(), dx[0]->data());
    }
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    std::vector<int64_t> shape = window_.kernel;
    shape.push_back(inputs[0][-1]);
    shape.push_back(multiplier_);
    add_weight("depthwise_kernel", Shape(shape), param("depthwise_initializer"), seed_key,
               param("depthwise_regularizer"), param("depthwise_constraint"));
    if (separable_) {
      std::vector<int64_t> pointwise(static_cast<size_t>(rank_), 1);
      pointwise.push_back(inputs[0][-1] * multiplier_);
      pointwise.push_back(filters_);
      add_weight("pointwise_kernel", Shape(pointwise), param("pointwise_initializer"), seed_key,
                 param("pointwise_regularizer"), param("pointwise_constraint"));
    }
    const int64_t out_channels = separable_ ? filters_ : inputs[0][-1] * multiplier_;
    if (output_.use_bias())
      add_weight("bias", Shape{out_channels}, param("bias_initializer"), seed_key, param("bias_regularizer"),
                 param("bias_constraint"));
  }

 private:
  static void im2col_channel(Backend& b, ConvGeometry g, const float* x, int64_t c, float* cols) {
    g.channel_begin = c;
    b.im2col(g, x, cols);
  }
  Variable& depthwise() { return variables()[0]; }
  Variable& pointwise() { return variables()[1]; }
  Variable* bias() { return output_.use_bias() ? &variables()[separable_ ? 2 : 1] : nullptr; }

  int rank_;
  bool separable_;
  conv::OutputStage output_;
  int64_t multiplier_ = 1, filters_ = 0;
  conv::Window window_;
};

LayerRegistry::Entry entry(int rank, bool separable) {
  std::vector<ParamSpec> params;
  if (separable)
    params.push_back({.name = "filters", .type = ParamType::Int, .doc = "Number of output channels (after the "
                      "pointwise convolution).", .minimum = 1, .required = true});
  params.push_back({.name = "kernel_size", .type = ParamType::IntOrTuple, .doc = "Size of the depthwise window.",
                    .required = true});
  for (auto& p : conv::common_params(rank, false)) params.push_back(std::move(p));
  params.push_back({.name = "depth_multiplier", .type = ParamType::Int, .default_value = 1,
                    .doc = "Filters per input channel in the depthwise step.", .minimum = 1});
  for (const std::string& part : separable ? std::vector<std::string>{"depthwise", "pointwise"}
                                          : std::vector<std::string>{"depthwise"}) {
    params.push_back({.name = part + "_initializer", .type = ParamType::Initializer, .default_value = "glorot_uniform",
                      .doc = "Initializer for the " + part + " kernel."});
    params.push_back({.name = part + "_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                      .doc = "Regularizer applied to the " + part + " kernel."});
    params.push_back({.name = part + "_constraint", .type = ParamType::Constraint, .default_value = nullptr,
                      .doc = "Constraint applied to the " + part + " kernel after each update."});
  }
  const std::string cls = std::string(separable ? "SeparableConv" : "DepthwiseConv") + std::to_string(rank) + "D";
  return {.name = cls,
          .category = "Convolution",
          .doc = separable ? std::to_string(rank) + "D separable convolution: depthwise, then a 1x1 convolution."
                           : std::to_string(rank) + "D depthwise convolution: each channel with its own filters.",
          .params = std::move(params),
          .create = [rank, separable](const Config& c) { return std::make_shared<DepthwiseConv>(rank, separable, c); }};
}

}  // namespace

void register_depthwise_conv(LayerRegistry& r) {
  for (int rank = 1; rank <= 2; ++rank) r.add(entry(rank, false)), r.add(entry(rank, true));
}

}  // namespace cornu
