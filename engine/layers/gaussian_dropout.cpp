// GaussianDropout: in training, multiplies each input by noise drawn from N(1, rate / (1 - rate)), the
// variance of Dropout's own multiplicative noise; in inference, the identity.
// https://keras.io/api/layers/regularization_layers/gaussian_dropout/
#include <cmath>

#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

constexpr int kNoiseSlot = 0;

class GaussianDropout final : public Layer {
 public:
  explicit GaussianDropout(Config config) : Layer("GaussianDropout", std::move(config)) {
    supports_masking_ = true;
    rate_ = param("rate").get<float>();
    if (rate_ >= 1.0f)
      throw ValueError("GaussianDropout '" + name() + "': rate must be in [0, 1), got " + param("rate").dump() +
                       ": the noise's standard deviation sqrt(rate / (1 - rate)) is infinite at 1. Use a smaller rate.");
    // A seed adds its own stream, so two layers with different seeds draw different noise.
    stream_ = param("seed").is_null() ? 0 : param("seed").get<uint64_t>() + 1;
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    return inputs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const int64_t n = x[0]->size();
    if (!noisy(ctx)) {
      b.copy(y[0]->data(), x[0]->data(), static_cast<size_t>(n) * sizeof(float));
      return;
    }
    float* noise = ctx.scratch(kNoiseSlot, x[0]->shape()).data();  // kept for backward
    b.random_normal(noise, n, 1.0f, std::sqrt(rate_ / (1.0f - rate_)), ctx.random_key(stream_));
    b.binary(BinaryOp::Mul, x[0]->data(), noise, y[0]->data(), n);
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (!dx[0]) return;
    Backend& b = ctx.backend();
    const int64_t n = x[0]->size();
    if (noisy(ctx)) {  // dx += dy * noise
      const float* noise = ctx.scratch(kNoiseSlot, x[0]->shape()).data();
      b.binary_backward(BinaryOp::Mul, x[0]->data(), noise, dy[0]->data(), dx[0]->data(), nullptr, n);
    } else {
      b.axpy(n, 1.0f, dy[0]->data(), dx[0]->data());
    }
  }

 private:
  bool noisy(const Context& ctx) const { return ctx.training && rate_ > 0.0f; }

  float rate_ = 0.0f;
  uint64_t stream_ = 0;
};

}  // namespace

void register_gaussian_dropout(LayerRegistry& r) {
  r.add({.name = "GaussianDropout",
         .category = "Regularization",
         .doc = "Multiplies its inputs by 1-centred Gaussian noise during training.",
         .params = {{.name = "rate", .type = ParamType::Float,
                     .doc = "Drop probability, as in Dropout: the noise's variance is rate / (1 - rate), in [0, 1).",
                     .minimum = 0.0, .maximum = 1.0, .required = true},
                    {.name = "seed", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Random seed for the noise (None: derived from the model's seed).", .minimum = 0,
                     .nullable = true}},
         .create = [](const Config& c) { return std::make_shared<GaussianDropout>(c); }});
}

}  // namespace cornu
