#include "layers/conv_common.h"

#include <algorithm>

#include "core/error.h"

namespace cornu::conv {

Window read_window(Config& params, int rank, const std::string& what) {
  Window w;
  w.rank = rank;
  w.kernel = spatial::int_tuple(params.at("kernel_size"), rank, what + ": kernel_size", 1);
  w.strides = spatial::int_tuple(params.at("strides"), rank, what + ": strides", 1);
  w.dilation = spatial::int_tuple(params.at("dilation_rate"), rank, what + ": dilation_rate", 1);
  params["kernel_size"] = w.kernel, params["strides"] = w.strides, params["dilation_rate"] = w.dilation;
  w.padding = params.at("padding").get<std::string>();
  bool strided = false, dilated = false;
  for (int d = 0; d < rank; ++d) strided |= w.strides[d] > 1, dilated |= w.dilation[d] > 1;
  if (strided && dilated)
    throw ValueError(what + ": strides > 1 together with dilation_rate > 1 is not supported (Keras refuses it too).");
  return w;
}

int64_t output_size(const Window& w, int d, int64_t size, const std::string& what, const Shape& input) {
  if (size == Shape::kNone) return Shape::kNone;
  if (w.padding == "valid" && size < w.span(d))
    throw ShapeError(what + ": its " + std::to_string(w.kernel[d]) + "-wide kernel" +
                     (w.dilation[d] > 1 ? " (dilated to " + std::to_string(w.span(d)) + ")" : std::string()) +
                     " does not fit in axis " +
                     std::to_string(d + 1) + " of " + input.to_string() + ", which is " + std::to_string(size) +
                     " long. Use padding='same', a smaller kernel_size, or a larger input.");
  return w.padding == "valid" ? (size - w.span(d)) / w.strides[d] + 1 : (size + w.strides[d] - 1) / w.strides[d];
}

ConvGeometry geometry(const Window& w, const Shape& in, const Shape& out, int64_t groups) {
  ConvGeometry g;
  g.spatial = w.rank;
  g.batch = in[0];
  g.channels = in[-1];
  g.channel_count = g.channels / groups;
  for (int d = 0; d < w.rank; ++d) {
    g.in[d] = in[d + 1], g.out[d] = out[d + 1], g.kernel[d] = w.kernel[d];
    g.stride[d] = w.strides[d], g.dilation[d] = w.dilation[d];
    const int64_t total = std::max<int64_t>((g.out[d] - 1) * w.strides[d] + w.span(d) - g.in[d], 0);
    // 'same' pads the extra element after (as Keras/XLA); 'causal' pads everything before.
    g.pad_before[d] = w.padding == "valid" ? 0 : w.padding == "causal" ? total : total / 2;
  }
  return g;
}

std::vector<ParamSpec> common_params(int rank, bool causal) {
  std::vector<std::string> paddings{"valid", "same"};
  if (causal) paddings.push_back("causal");
  return {{.name = "strides", .type = ParamType::IntOrTuple, .default_value = 1, .doc = "Step of the window."},
          {.name = "padding", .type = ParamType::Enum, .default_value = "valid",
           .doc = "'valid': no padding; 'same': output size = ceil(input / strides) (transposed: input * strides).",
           .choices = paddings},
          spatial::data_format_param(),
          {.name = "dilation_rate", .type = ParamType::IntOrTuple, .default_value = 1,
           .doc = "Spacing between the window's taps (atrous convolution)."},
          {.name = "activation", .type = ParamType::Activation, .default_value = "linear",
           .doc = "Activation applied to the output."},
          {.name = "use_bias", .type = ParamType::Bool, .default_value = true, .doc = "Whether to add a bias."},
          {.name = "bias_initializer", .type = ParamType::Initializer, .default_value = "zeros",
           .doc = "Initializer for the bias."},
          {.name = "bias_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
           .doc = "Regularizer applied to the bias."},
          {.name = "activity_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
           .doc = "Regularizer applied to the output, divided by the batch size."},
          {.name = "bias_constraint", .type = ParamType::Constraint, .default_value = nullptr,
           .doc = "Constraint applied to the bias after each update."}};
}

OutputStage::OutputStage(const Config& params)
    : use_bias_(params.at("use_bias").get<bool>()),
      activation_(make_activation(params.at("activation"))),
      activity_regularizer_(make_regularizer(params.at("activity_regularizer"))) {}

float* OutputStage::z(Context& ctx, Tensor& y, int slot) const {
  return activation_->is_linear() ? y.data() : ctx.scratch(slot, y.shape()).data();
}

void OutputStage::forward(Context& ctx, const Variable* bias, float* z, Tensor& y, int64_t batch) const {
  Backend& b = ctx.backend();
  const int64_t channels = y.shape()[-1], rows = y.size() / channels;
  if (use_bias_) b.add_row_vector(z, bias->value.data(), rows, channels);
  if (!activation_->is_linear()) activation_->forward(b, z, y.data(), rows, channels);
  if (activity_regularizer_)
    ctx.add_loss(activity_regularizer_->penalty(b, y.data(), y.size()) / static_cast<double>(batch));
}

const float* OutputStage::backward(Context& ctx, Variable* bias, const Tensor& y, const Tensor& dy, int64_t batch,
                                   int z_slot, int grad_slot, int z_grad_slot) const {
  Backend& b = ctx.backend();
  const int64_t channels = y.shape()[-1], rows = y.size() / channels, n = y.size();
  const float* dz = dy.data();
  if (activity_regularizer_) {  // dL/dy + d(penalty / batch)/dy
    Tensor& grad = ctx.scratch(grad_slot, y.shape());
    b.fill(grad.data(), n, 0.0f);
    activity_regularizer_->add_gradient(b, y.data(), grad.data(), n);
    b.scale(n, 1.0f / static_cast<float>(batch), grad.data());
    b.axpy(n, 1.0f, dz, grad.data());
    dz = grad.data();
  }
  if (!activation_->is_linear()) {
    Tensor& g_z = ctx.scratch(z_grad_slot, y.shape());
    b.fill(g_z.data(), n, 0.0f);
    activation_->backward(b, ctx.scratch(z_slot, y.shape()).data(), y.data(), dz, g_z.data(), rows, channels);
    dz = g_z.data();
  }
  if (use_bias_ && bias->trainable) b.sum_rows(dz, bias->grad.data(), rows, channels, 1.0f);
  return dz;
}

}  // namespace cornu::conv
