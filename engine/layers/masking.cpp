// Masking: marks the time steps whose features all equal mask_value as padding (a mask later layers skip) and
// zeroes them. https://keras.io/api/layers/core_layers/masking/
#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

constexpr int kKeepSlot = 0;

class Masking final : public Layer {
 public:
  explicit Masking(Config config) : Layer("Masking", std::move(config)) {
    mask_value_ = param("mask_value").get<float>();
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    if (inputs[0].rank() != 3)
      throw ShapeError("Masking '" + name() + "' expects sequences of shape (batch, time, features), but it received " +
                       inputs[0].to_string() + ".");
    return inputs;
  }

  std::vector<int> output_mask_sources(const std::vector<bool>&, size_t output_count) const override {
    return std::vector<int>(output_count, kOwnMask);
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const int64_t features = x[0]->shape()[-1], rows = x[0]->size() / features;
    float* keep = ctx.scratch(kKeepSlot, Shape{rows}).data();
    b.mask_not_equal(x[0]->data(), keep, rows, features, mask_value_);
    b.broadcast_binary(BinaryOp::Mul, x[0]->data(), keep, y[0]->data(), rows, features, 1);
  }

  void compute_mask(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& masks) override {
    if (!masks[0]) return;
    const int64_t rows = x[0]->size() / x[0]->shape()[-1];
    ctx.backend().copy(masks[0]->data(), ctx.scratch(kKeepSlot, Shape{rows}).data(),
                       static_cast<size_t>(rows) * sizeof(float));
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (!dx[0]) return;
    const int64_t features = x[0]->shape()[-1], rows = x[0]->size() / features;
    const float* keep = ctx.scratch(kKeepSlot, Shape{rows}).data();
    ctx.backend().broadcast_binary_backward(BinaryOp::Mul, x[0]->data(), keep, dy[0]->data(), dx[0]->data(), nullptr,
                                            rows, features, 1);
  }

 private:
  float mask_value_ = 0.0f;
};

}  // namespace

void register_masking(LayerRegistry& r) {
  r.add({.name = "Masking",
         .category = "Core",
         .doc = "Masks the time steps whose features all equal mask_value (padding), for the layers after it.",
         .params = {{.name = "mask_value", .type = ParamType::Float, .default_value = 0.0,
                     .doc = "The padding value: a step whose features all equal it is skipped."}},
         .create = [](const Config& c) { return std::make_shared<Masking>(c); }});
}

}  // namespace cornu
