// UnitNormalization: each sample scaled to unit L2 norm over its last axes, x * min(rsqrt(sum x^2), 1e12).
// https://keras.io/api/layers/normalization_layers/unit_normalization/
#include "core/error.h"
#include "layers/layer.h"
#include "layers/normalization.h"

namespace cornu {

namespace {

// Keras's ops.normalize(order=2, epsilon=1e-12): the inverse norm is capped at 1 / epsilon.
constexpr float kEpsilon = 1e-12f;

class UnitNormalization final : public Layer {
 public:
  explicit UnitNormalization(Config config) : Layer("UnitNormalization", std::move(config)) { supports_masking_ = true; }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    normalization::axes_size(inputs[0], axes(inputs[0]), what());
    return {inputs[0]};
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    const int64_t cols = features(*x[0]);
    ctx.backend().l2_normalize(x[0]->data(), y[0]->data(), x[0]->size() / cols, cols, kEpsilon);
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (!dx[0]) return;
    const int64_t cols = features(*x[0]);
    ctx.backend().l2_normalize_backward(x[0]->data(), dy[0]->data(), dx[0]->data(), x[0]->size() / cols, cols, kEpsilon);
  }

 private:
  std::string what() const { return "UnitNormalization '" + name() + "'"; }
  std::vector<int> axes(const Shape& in) const { return normalization::trailing_axes(param("axis"), in.rank(), what()); }
  int64_t features(const Tensor& x) const { return normalization::axes_size(x.shape(), axes(x.shape()), what()); }
};

}  // namespace

void register_unit_normalization(LayerRegistry& r) {
  r.add({.name = "UnitNormalization",
         .category = "Normalization",
         .doc = "Scales each sample to unit L2 norm over the given axes.",
         .params = {{.name = "axis", .type = ParamType::IntOrTuple, .default_value = -1,
                     .doc = "The axis or axes the norm is taken over (Cornu: the last ones)."}},
         .create = [](const Config& c) { return std::make_shared<UnitNormalization>(c); }});
}

}  // namespace cornu
