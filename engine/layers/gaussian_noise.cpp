// GaussianNoise: in training, adds zero-centred Gaussian noise of standard deviation `stddev`; in inference,
// the identity. https://keras.io/api/layers/regularization_layers/gaussian_noise/
#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

class GaussianNoise final : public Layer {
 public:
  explicit GaussianNoise(Config config) : Layer("GaussianNoise", std::move(config)) {
    supports_masking_ = true;
    stddev_ = param("stddev").get<float>();
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
    if (ctx.training && stddev_ > 0.0f) {  // y = noise, then y += x
      b.random_normal(y[0]->data(), n, 0.0f, stddev_, ctx.random_key(stream_));
      b.axpy(n, 1.0f, x[0]->data(), y[0]->data());
    } else {
      b.copy(y[0]->data(), x[0]->data(), static_cast<size_t>(n) * sizeof(float));
    }
  }

  // The noise does not depend on x: dx += dy in both modes.
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (dx[0]) ctx.backend().axpy(x[0]->size(), 1.0f, dy[0]->data(), dx[0]->data());
  }

 private:
  float stddev_ = 0.0f;
  uint64_t stream_ = 0;
};

}  // namespace

void register_gaussian_noise(LayerRegistry& r) {
  r.add({.name = "GaussianNoise",
         .category = "Regularization",
         .doc = "Adds zero-centred Gaussian noise to its inputs during training.",
         .params = {{.name = "stddev", .type = ParamType::Float, .doc = "Standard deviation of the noise, in [0, 1].",
                     .minimum = 0.0, .maximum = 1.0, .required = true},
                    {.name = "seed", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Random seed for the noise (None: derived from the model's seed).", .minimum = 0,
                     .nullable = true}},
         .create = [](const Config& c) { return std::make_shared<GaussianNoise>(c); }});
}

}  // namespace cornu
