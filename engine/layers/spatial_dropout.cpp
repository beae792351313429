// SpatialDropout1D/2D/3D: Dropout that drops whole channels (feature maps): one draw per (sample, channel),
// noise shape (batch, 1..., channels), kept channels scaled by 1 / (1 - rate); the identity in inference.
// https://keras.io/api/layers/regularization_layers/spatial_dropout2d/
#include "core/error.h"
#include "layers/layer.h"
#include "layers/spatial_layers.h"

namespace cornu {

namespace {

enum Slot { kOnes, kChannelMask };

class SpatialDropout final : public Layer {
 public:
  SpatialDropout(const std::string& class_name, int rank, Config config)
      : Layer(class_name, std::move(config)), rank_(rank) {
    supports_masking_ = true;  // Keras's SpatialDropout is a Dropout
    rate_ = param("rate").get<float>();
    if (rate_ >= 1.0f)
      throw ValueError(class_name + " '" + name() + "': rate must be in [0, 1), got " + param("rate").dump() +
                       ". A rate of 1 would drop every channel; use a smaller rate.");
    if (rank > 1) spatial::require_channels_last(params_, class_name, name());
    // A seed adds its own stream, so two layers with different seeds draw different masks.
    stream_ = param("seed").is_null() ? 0 : param("seed").get<uint64_t>() + 1;
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    spatial::expect_spatial_input(class_name(), name(), inputs[0], rank_);
    return inputs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    if (!dropping(ctx)) {
      b.copy(y[0]->data(), x[0]->data(), static_cast<size_t>(x[0]->size()) * sizeof(float));
      return;
    }
    // One mask value per (sample, channel), 0 or 1 / (1 - rate), broadcast over the spatial positions.
    const auto [N, S, C] = view(x[0]->shape());
    float* ones = ctx.scratch(kOnes, Shape{N, C}).data();
    float* mask = ctx.scratch(kChannelMask, Shape{N, C}).data();
    b.fill(ones, N * C, 1.0f);
    b.dropout(ones, ones, mask, N * C, rate_, ctx.random_key(stream_));
    b.broadcast_binary(BinaryOp::Mul, x[0]->data(), mask, y[0]->data(), N, S, C);
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (!dx[0]) return;
    Backend& b = ctx.backend();
    if (!dropping(ctx)) {
      b.axpy(x[0]->size(), 1.0f, dy[0]->data(), dx[0]->data());
      return;
    }
    const auto [N, S, C] = view(x[0]->shape());  // dx += dy * mask
    const float* mask = ctx.scratch(kChannelMask, Shape{N, C}).data();
    b.broadcast_binary_backward(BinaryOp::Mul, x[0]->data(), mask, dy[0]->data(), dx[0]->data(), nullptr, N, S, C);
  }

 private:
  struct View {
    int64_t N, S, C;
  };
  static View view(const Shape& s) {
    int64_t positions = 1;  // every spatial axis (an empty batch must not divide by zero)
    for (int a = 1; a < s.rank() - 1; ++a) positions *= s[a];
    return {s[0], positions, s[-1]};
  }
  bool dropping(const Context& ctx) const { return ctx.training && rate_ > 0.0f; }

  int rank_;
  float rate_ = 0.0f;
  uint64_t stream_ = 0;
};

void register_spatial_dropout_layer(LayerRegistry& r, const std::string& name, int rank) {
  std::vector<ParamSpec> params{
      {.name = "rate", .type = ParamType::Float, .doc = "Fraction of the channels to drop, in [0, 1).",
       .minimum = 0.0, .maximum = 1.0, .required = true},
      {.name = "seed", .type = ParamType::Int, .default_value = nullptr,
       .doc = "Random seed for the masks (None: derived from the model's seed).", .minimum = 0, .nullable = true}};
  if (rank > 1) params.push_back(spatial::data_format_param());
  r.add({.name = name,
         .category = "Regularization",
         .doc = "Dropout of whole channels of " + spatial::dims_name(rank) + " feature maps during training.",
         .params = params,
         .create = [name, rank](const Config& c) { return std::make_shared<SpatialDropout>(name, rank, c); }});
}

}  // namespace

void register_spatial_dropout(LayerRegistry& r) {
  register_spatial_dropout_layer(r, "SpatialDropout1D", 1);
  register_spatial_dropout_layer(r, "SpatialDropout2D", 2);
  register_spatial_dropout_layer(r, "SpatialDropout3D", 3);
}

}  // namespace cornu
