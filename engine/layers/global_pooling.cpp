// GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D: the max or mean of each channel over all
// spatial axes, (batch, spatial..., channels) -> (batch, channels), or (batch, 1..., channels) with keepdims.
// https://keras.io/api/layers/pooling_layers/
// Masks, as Keras 3 does: GlobalAveragePooling1D averages only the unmasked steps (sum of kept steps divided
// by their count: NaN for a sample whose every step is masked, as in Keras) and ends the mask;
// GlobalMaxPooling1D ignores the mask (its call takes none) and ends it too.
#include "core/error.h"
#include "layers/layer.h"
#include "layers/spatial_layers.h"

namespace cornu {

namespace {

// Scratch slots of a masked average: x * mask, kept steps per sample, dy / count, and that spread over steps.
enum Slot { kMaskedInput, kCounts, kScaledGrad, kSpreadGrad };

class GlobalPooling final : public Layer {
 public:
  GlobalPooling(const std::string& class_name, int rank, ReduceKind kind, Config config)
      : Layer(class_name, std::move(config)), rank_(rank), kind_(kind) {
    spatial::require_channels_last(params_, class_name, name());
    keepdims_ = param("keepdims").get<bool>();
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    const Shape& in = inputs[0];
    spatial::expect_spatial_input(class_name(), name(), in, rank_);
    if (!keepdims_) return {Shape{in[0], in[-1]}};
    Shape out = in;
    for (int a = 1; a <= rank_; ++a) out[a] = 1;
    return {out};
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const auto [N, S, C] = view(*x[0]);
    const Tensor* mask = masked_average(ctx) ? ctx.input_mask(0) : nullptr;
    if (!mask) {
      b.reduce_mid(kind_, x[0]->data(), y[0]->data(), N, S, C);
      return;
    }
    // y[n, c] = sum_t mask[n, t] x[n, t, c] / sum_t mask[n, t]. Seen as (N * S, C, 1), mask[n, t] scales a row.
    float* masked = ctx.scratch(kMaskedInput, x[0]->shape()).data();
    float* counts = ctx.scratch(kCounts, Shape{N}).data();
    b.broadcast_binary(BinaryOp::Mul, x[0]->data(), mask->data(), masked, N * S, C, 1);
    b.reduce_mid(ReduceKind::Sum, masked, y[0]->data(), N, S, C);
    b.reduce_mid(ReduceKind::Sum, mask->data(), counts, N, S, 1);
    b.broadcast_binary(BinaryOp::Div, y[0]->data(), counts, y[0]->data(), N, C, 1);
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (!dx[0]) return;
    Backend& b = ctx.backend();
    const auto [N, S, C] = view(*x[0]);
    const Tensor* mask = masked_average(ctx) ? ctx.input_mask(0) : nullptr;
    if (!mask) {
      b.reduce_mid_backward(kind_, x[0]->data(), y[0]->data(), dy[0]->data(), dx[0]->data(), N, S, C);
      return;
    }
    // dx[n, t, c] += mask[n, t] * dy[n, c] / count[n]
    const float* counts = ctx.scratch(kCounts, Shape{N}).data();
    float* scaled = ctx.scratch(kScaledGrad, Shape{N, C}).data();
    Tensor& spread = ctx.scratch(kSpreadGrad, x[0]->shape());
    b.broadcast_binary(BinaryOp::Div, dy[0]->data(), counts, scaled, N, C, 1);
    b.fill(spread.data(), spread.size(), 0.0f);
    b.reduce_mid_backward(ReduceKind::Sum, x[0]->data(), y[0]->data(), scaled, spread.data(), N, S, C);
    b.broadcast_binary_backward(BinaryOp::Mul, spread.data(), mask->data(), spread.data(), dx[0]->data(), nullptr,
                                N * S, C, 1);
  }

 private:
  struct View {
    int64_t N, S, C;
  };
  static View view(const Tensor& x) {
    const Shape& s = x.shape();
    int64_t positions = 1;  // every spatial axis (an empty batch must not divide by zero)
    for (int a = 1; a < s.rank() - 1; ++a) positions *= s[a];
    return {s[0], positions, s[-1]};
  }
  bool masked_average(const Context& ctx) const {
    return rank_ == 1 && kind_ == ReduceKind::Mean && ctx.input_mask(0) != nullptr;
  }

  int rank_;
  ReduceKind kind_;
  bool keepdims_ = false;
};

void register_global_pooling_layer(LayerRegistry& r, const std::string& name, const std::string& alias, int rank,
                                   ReduceKind kind) {
  const std::string what = kind == ReduceKind::Max ? "maximum" : "mean";
  const std::string mask_note = rank == 1 && kind == ReduceKind::Mean ? " Masked steps are left out of the mean." : "";
  r.add({.name = name,
         .aliases = {alias},
         .category = "Pooling",
         .doc = "The " + what + " of each channel over all " + spatial::dims_name(rank) + " positions." + mask_note,
         .params = {spatial::data_format_param(),
                    {.name = "keepdims", .type = ParamType::Bool, .default_value = false,
                     .doc = "Keep the spatial axes, with length 1: (batch, 1..., channels)."}},
         .create = [name, rank, kind](const Config& c) { return std::make_shared<GlobalPooling>(name, rank, kind, c); }});
}

}  // namespace

void register_global_pooling(LayerRegistry& r) {
  register_global_pooling_layer(r, "GlobalMaxPooling1D", "GlobalMaxPool1D", 1, ReduceKind::Max);
  register_global_pooling_layer(r, "GlobalMaxPooling2D", "GlobalMaxPool2D", 2, ReduceKind::Max);
  register_global_pooling_layer(r, "GlobalMaxPooling3D", "GlobalMaxPool3D", 3, ReduceKind::Max);
  register_global_pooling_layer(r, "GlobalAveragePooling1D", "GlobalAvgPool1D", 1, ReduceKind::Mean);
  register_global_pooling_layer(r, "GlobalAveragePooling2D", "GlobalAvgPool2D", 2, ReduceKind::Mean);
  register_global_pooling_layer(r, "GlobalAveragePooling3D", "GlobalAvgPool3D", 3, ReduceKind::Mean);
}

}  // namespace cornu
