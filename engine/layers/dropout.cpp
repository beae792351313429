// Dropout: in training, zeroes each input with probability `rate` and scales the rest by 1 / (1 - rate);
// in inference, the identity. https://keras.io/api/layers/regularization_layers/dropout/
#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

constexpr int kMaskSlot = 0;

class Dropout final : public Layer {
 public:
  explicit Dropout(Config config) : Layer("Dropout", std::move(config)) {
    supports_masking_ = true;
    rate_ = param("rate").get<float>();
    if (rate_ >= 1.0f)
      throw ValueError("Dropout '" + name() + "': rate must be in [0, 1), got " + param("rate").dump() +
                       ". A rate of 1 would drop every input; use a smaller rate.");
    if (!param("noise_shape").is_null())
      throw ValueError("Dropout '" + name() + "': noise_shape " + param("noise_shape").dump() +
                       " is not supported yet: each input gets its own mask. Set noise_shape to None.");
    // A seed adds its own stream, so two layers with different seeds draw different masks.
    stream_ = param("seed").is_null() ? 0 : param("seed").get<uint64_t>() + 1;
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    return inputs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const int64_t n = x[0]->size();
    if (dropping(ctx)) {
      float* mask = ctx.scratch(kMaskSlot, x[0]->shape()).data();  // 0 or 1 / (1 - rate), kept for backward
      b.dropout(x[0]->data(), y[0]->data(), mask, n, rate_, ctx.random_key(stream_));
    } else {
      b.copy(y[0]->data(), x[0]->data(), static_cast<size_t>(n) * sizeof(float));
    }
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (!dx[0]) return;
    Backend& b = ctx.backend();
    const int64_t n = x[0]->size();
    if (dropping(ctx)) {  // dx += dy * mask
      const float* mask = ctx.scratch(kMaskSlot, x[0]->shape()).data();
      b.binary_backward(BinaryOp::Mul, mask, mask, dy[0]->data(), dx[0]->data(), nullptr, n);
    } else {
      b.axpy(n, 1.0f, dy[0]->data(), dx[0]->data());
    }
  }

 private:
  bool dropping(const Context& ctx) const { return ctx.training && rate_ > 0.0f; }

  float rate_ = 0.0f;
  uint64_t stream_ = 0;
};

}  // namespace

void register_dropout(LayerRegistry& r) {
  r.add({.name = "Dropout",
         .category = "Regularization",
         .doc = "Randomly sets a fraction `rate` of inputs to 0 during training, scaling the others up.",
         .params = {{.name = "rate", .type = ParamType::Float, .doc = "Fraction of the inputs to drop, in [0, 1).",
                     .minimum = 0.0, .maximum = 1.0, .required = true},
                    {.name = "seed", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Random seed for the masks (None: derived from the model's seed).", .minimum = 0,
                     .nullable = true},
                    {.name = "noise_shape", .type = ParamType::Any, .default_value = nullptr,
                     .doc = "Shape of the mask, to share it along axes (only None is supported yet).",
                     .nullable = true}},
         .create = [](const Config& c) { return std::make_shared<Dropout>(c); }});
}

}  // namespace cornu
