// AlphaDropout: in training, sets dropped inputs to SELU's negative saturation -alpha * scale instead of 0,
// then applies the affine map a * x + b that keeps the inputs' mean and variance (Keras 3's formula):
// a = ((1 - rate) * (1 + rate * alpha_p^2))^-1/2, b = -a * alpha_p * rate, alpha_p = -alpha * scale.
// In inference, the identity. https://keras.io/api/layers/regularization_layers/alpha_dropout/
#include <cmath>

#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

// Scratch slots: a buffer of ones (then x * gain), the kept mask 0 or 1 / (1 - rate), and gain = a * kept.
enum Slot { kWork, kKeep, kGain };

constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

class AlphaDropout final : public Layer {
 public:
  explicit AlphaDropout(Config config) : Layer("AlphaDropout", std::move(config)) {
    supports_masking_ = true;
    rate_ = param("rate").get<double>();
    if (rate_ >= 1.0)
      throw ValueError("AlphaDropout '" + name() + "': rate must be in [0, 1), got " + param("rate").dump() +
                       ". A rate of 1 would drop every input; use a smaller rate.");
    if (!param("noise_shape").is_null())
      throw ValueError("AlphaDropout '" + name() + "': noise_shape " + param("noise_shape").dump() +
                       " is not supported yet: each input gets its own mask. Set noise_shape to None.");
    stream_ = param("seed").is_null() ? 0 : param("seed").get<uint64_t>() + 1;
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    return inputs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const int64_t n = x[0]->size();
    if (!dropping(ctx)) {
      b.copy(y[0]->data(), x[0]->data(), static_cast<size_t>(n) * sizeof(float));
      return;
    }
    const double alpha_p = -kSeluAlpha * kSeluScale;
    const double a = 1.0 / std::sqrt((1.0 - rate_) * (1.0 + rate_ * alpha_p * alpha_p));
    const double shift = -a * alpha_p * rate_;
    float* work = ctx.scratch(kWork, x[0]->shape()).data();
    float* keep = ctx.scratch(kKeep, x[0]->shape()).data();
    float* gain = ctx.scratch(kGain, x[0]->shape()).data();
    b.fill(work, n, 1.0f);
    b.dropout(work, work, keep, n, static_cast<float>(rate_), ctx.random_key(stream_));
    // keep * (1 - rate) is the 0/1 kept indicator k: y = a * k * x + (a * alpha_p * (1 - k) + shift).
    const double k_scale = 1.0 - rate_;
    b.unary(UnaryOp::Scale, keep, gain, n, {static_cast<float>(a * k_scale), 0.0f});
    b.unary(UnaryOp::Scale, keep, y[0]->data(), n,
            {static_cast<float>(-a * alpha_p * k_scale), static_cast<float>(a * alpha_p + shift)});
    b.binary(BinaryOp::Mul, x[0]->data(), gain, work, n);
    b.axpy(n, 1.0f, work, y[0]->data());
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (!dx[0]) return;
    Backend& b = ctx.backend();
    const int64_t n = x[0]->size();
    if (dropping(ctx)) {  // dx += dy * a * k
      const float* gain = ctx.scratch(kGain, x[0]->shape()).data();
      b.binary_backward(BinaryOp::Mul, x[0]->data(), gain, dy[0]->data(), dx[0]->data(), nullptr, n);
    } else {
      b.axpy(n, 1.0f, dy[0]->data(), dx[0]->data());
    }
  }

 private:
  bool dropping(const Context& ctx) const { return ctx.training && rate_ > 0.0; }

  double rate_ = 0.0;
  uint64_t stream_ = 0;
};

}  // namespace

void register_alpha_dropout(LayerRegistry& r) {
  r.add({.name = "AlphaDropout",
         .category = "Regularization",
         .doc = "Dropout for SELU networks: keeps the inputs' mean and variance during training.",
         .params = {{.name = "rate", .type = ParamType::Float, .doc = "Fraction of the inputs to drop, in [0, 1).",
                     .minimum = 0.0, .maximum = 1.0, .required = true},
                    {.name = "noise_shape", .type = ParamType::Any, .default_value = nullptr,
                     .doc = "Shape of the mask, to share it along axes (only None is supported yet).",
                     .nullable = true},
                    {.name = "seed", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Random seed for the masks (None: derived from the model's seed).", .minimum = 0,
                     .nullable = true}},
         .create = [](const Config& c) { return std::make_shared<AlphaDropout>(c); }});
}

}  // namespace cornu
