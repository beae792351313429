// Conv1D, Conv2D, Conv3D: channels_last convolutions as im2col + one sgemm per group.
// https://keras.io/api/layers/convolution_layers/convolution2d/
// The kernel (k..., in_channels / groups, filters) seen as a (k... * in/groups, filters) matrix multiplies the
// im2col matrix (batch * output positions, k... * in/groups); a 1x1 kernel at stride 1 needs no im2col.
#include "core/error.h"
#include "layers/conv_common.h"

namespace cornu {

namespace {

enum Slot { kCols, kPreActivation, kPreActivationGrad, kColsGrad, kOutputGrad };

class Conv final : public Layer {
 public:
  Conv(int rank, Config config)
      : Layer("Conv" + std::to_string(rank) + "D", std::move(config)), rank_(rank), output_(params_) {
    const std::string what = class_name() + " '" + name() + "'";
    spatial::require_channels_last(params_, class_name(), name());
    filters_ = param("filters").get<int64_t>();
    window_ = conv::read_window(params_, rank, what);
    groups_ = param("groups").get<int64_t>();
    if (filters_ % groups_ != 0)
      throw ValueError(what + ": filters (" + std::to_string(filters_) + ") must be a multiple of groups (" +
                       std::to_string(groups_) + ").");
    supports_masking_ = rank == 1;  // a Conv1D with 'same' keeps the time axis; Keras passes Conv1D masks on too
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    const Shape& in = inputs[0];
    spatial::expect_spatial_input(class_name(), name(), in, rank_);
    const int64_t channels = in[-1];
    if (channels == Shape::kNone)
      throw ShapeError(class_name() + " '" + name() + "' needs to know its input's channels (last axis) to create its "
                       "kernel, but it received " + in.to_string() + ". Give that axis a size in the Input shape.");
    if (channels % groups_ != 0)
      throw ShapeError(class_name() + " '" + name() + "': its input has " + std::to_string(channels) +
                       " channels, which groups=" + std::to_string(groups_) + " cannot split evenly.");
    std::vector<int64_t> out{in[0]};
    for (int d = 0; d < rank_; ++d) out.push_back(conv::output_size(window_, d, in[d + 1], class_name() + " '" + name() + "'", in));
    out.push_back(filters_);
    return {Shape(out)};
  }

  int64_t count_macs(const Shapes& inputs, const Shapes& outputs) const override {
    int64_t taps = inputs[0][-1] / groups_;
    for (int64_t k : window_.kernel) taps = mul_saturated(taps, k);
    return mul_saturated(outputs[0].without_batch().size(), taps);
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const ConvGeometry g = geometry(x[0]->shape(), y[0]->shape());
    const int64_t rows = g.batch * g.out_positions(), width = g.kernel_positions() * g.channel_count;
    const int64_t group_filters = filters_ / groups_;
    float* z = output_.z(ctx, *y[0], kPreActivation);
    const float* w = variables()[0].value.data();
    for (int64_t gi = 0; gi < groups_; ++gi) {
      const float* a = group_matrix(ctx, g, x[0]->data(), gi);
      b.gemm(false, false, rows, group_filters, width, 1.0f, a, direct() ? g.channels : width, w + gi * group_filters,
             filters_, 0.0f, z + gi * group_filters, filters_);
    }
    output_.forward(ctx, bias(), z, *y[0], g.batch);
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    Backend& b = ctx.backend();
    const ConvGeometry g = geometry(x[0]->shape(), y[0]->shape());
    const int64_t rows = g.batch * g.out_positions(), width = g.kernel_positions() * g.channel_count;
    const int64_t group_filters = filters_ / groups_;
    const float* dz = output_.backward(ctx, bias(), *y[0], *dy[0], g.batch, kPreActivation, kOutputGrad,
                                       kPreActivationGrad);
    Variable& kernel = variables()[0];
    for (int64_t gi = 0; gi < groups_; ++gi) {
      // With one group the forward pass's im2col matrix is still in scratch; groups share it, so recompute.
      const float* a = groups_ == 1 ? (direct() ? x[0]->data() : ctx.scratch(kCols, Shape{rows, width}).data())
                                    : group_matrix(ctx, g, x[0]->data(), gi);
      const int64_t lda = direct() ? g.channels : width;
      if (kernel.trainable)
        b.gemm(true, false, width, group_filters, rows, 1.0f, a, lda, dz + gi * group_filters, filters_, 1.0f,
               kernel.grad.data() + gi * group_filters, filters_);
      if (!dx[0]) continue;
      if (direct()) {  // dx = dz · Wᵀ straight into the input gradient
        b.gemm(false, true, rows, width, group_filters, 1.0f, dz, filters_, kernel.value.data(), filters_, 1.0f,
               dx[0]->data(), g.channels);
        continue;
      }
      Tensor& dcols = ctx.scratch(kColsGrad, Shape{rows, width});
      b.gemm(false, true, rows, width, group_filters, 1.0f, dz + gi * group_filters, filters_,
             kernel.value.data() + gi * group_filters, filters_, 0.0f, dcols.data(), width);
      ConvGeometry gg = g;
      gg.channel_begin = gi * g.channel_count;
      b.col2im(gg, dcols.data(), dx[0]->data());
    }
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    std::vector<int64_t> shape = window_.kernel;
    shape.push_back(inputs[0][-1] / groups_);
    shape.push_back(filters_);
    add_weight("kernel", Shape(shape), param("kernel_initializer"), seed_key, param("kernel_regularizer"),
               param("kernel_constraint"));
    if (output_.use_bias())
      add_weight("bias", Shape{filters_}, param("bias_initializer"), seed_key, param("bias_regularizer"),
                 param("bias_constraint"));
  }

 private:
  // A 1x1 kernel at stride 1 without padding reads the input as it is: no im2col.
  bool direct() const {
    if (groups_ != 1) return false;
    for (int d = 0; d < rank_; ++d)
      if (window_.kernel[d] != 1 || window_.strides[d] != 1) return false;
    return true;
  }

  ConvGeometry geometry(const Shape& in, const Shape& out) const { return conv::geometry(window_, in, out, groups_); }
  Variable* bias() { return output_.use_bias() ? &variables()[1] : nullptr; }

  // The matrix group `gi` multiplies: the input itself (direct) or its im2col in scratch.
  const float* group_matrix(Context& ctx, const ConvGeometry& g, const float* x, int64_t gi) {
    if (direct()) return x;
    Tensor& cols = ctx.scratch(kCols, Shape{g.batch * g.out_positions(), g.kernel_positions() * g.channel_count});
    ConvGeometry gg = g;
    gg.channel_begin = gi * g.channel_count;
    ctx.backend().im2col(gg, x, cols.data());
    return cols.data();
  }

  int rank_;
  conv::OutputStage output_;
  int64_t filters_ = 0, groups_ = 1;
  conv::Window window_;
};

LayerRegistry::Entry conv_entry(int rank) {
  const std::string cls = "Conv" + std::to_string(rank) + "D";
  std::vector<std::string> paddings{"valid", "same"};
  if (rank == 1) paddings.push_back("causal");
  return {.name = cls,
          .category = "Convolution",
          .doc = std::to_string(rank) + "D convolution (channels_last): activation(conv(inputs, kernel) + bias).",
          .params = {{.name = "filters", .type = ParamType::Int, .doc = "Number of output channels.", .minimum = 1,
                      .required = true},
                     {.name = "kernel_size", .type = ParamType::IntOrTuple, .doc = "Size of the convolution window.",
                      .required = true},
                     {.name = "strides", .type = ParamType::IntOrTuple, .default_value = 1, .doc = "Step of the window."},
                     {.name = "padding", .type = ParamType::Enum, .default_value = "valid",
                      .doc = "'valid': no padding; 'same': output size = ceil(input / strides)" +
                             std::string(rank == 1 ? "; 'causal': pad the start only (no look-ahead)." : "."),
                      .choices = paddings},
                     spatial::data_format_param(),
                     {.name = "dilation_rate", .type = ParamType::IntOrTuple, .default_value = 1,
                      .doc = "Spacing between the window's taps (atrous convolution)."},
                     {.name = "groups", .type = ParamType::Int, .default_value = 1,
                      .doc = "Channel groups convolved separately (input channels and filters divide by it).",
                      .minimum = 1},
                     {.name = "activation", .type = ParamType::Activation, .default_value = "linear",
                      .doc = "Activation applied to the output."},
                     {.name = "use_bias", .type = ParamType::Bool, .default_value = true, .doc = "Whether to add a bias."},
                     {.name = "kernel_initializer", .type = ParamType::Initializer, .default_value = "glorot_uniform",
                      .doc = "Initializer for the kernel."},
                     {.name = "bias_initializer", .type = ParamType::Initializer, .default_value = "zeros",
                      .doc = "Initializer for the bias."},
                     {.name = "kernel_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                      .doc = "Regularizer applied to the kernel."},
                     {.name = "bias_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                      .doc = "Regularizer applied to the bias."},
                     {.name = "activity_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                      .doc = "Regularizer applied to the output, divided by the batch size."},
                     {.name = "kernel_constraint", .type = ParamType::Constraint, .default_value = nullptr,
                      .doc = "Constraint applied to the kernel after each update."},
                     {.name = "bias_constraint", .type = ParamType::Constraint, .default_value = nullptr,
                      .doc = "Constraint applied to the bias after each update."}},
          .create = [rank](const Config& c) { return std::make_shared<Conv>(rank, c); }};
}

}  // namespace

void register_conv(LayerRegistry& r) {
  for (int rank = 1; rank <= 3; ++rank) r.add(conv_entry(rank));
}

}  // namespace cornu
