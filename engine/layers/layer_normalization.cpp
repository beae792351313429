// LayerNormalization: each sample normalized over its last axes (the features), then gamma and beta.
// https://keras.io/api/layers/normalization_layers/layer_normalization/
// rms_scaling (deprecated in Keras 3.15, kept for its files): x * rsqrt(variance + epsilon) * gamma, no beta.
#include "core/error.h"
#include "layers/layer.h"
#include "layers/normalization.h"

namespace cornu {

namespace {


class LayerNormalization final : public Layer {
 public:
  explicit LayerNormalization(Config config) : Layer("LayerNormalization", std::move(config)) {
    supports_masking_ = true;
    epsilon_ = param("epsilon").get<float>();
    rms_scaling_ = param("rms_scaling").get<bool>();
    // As Keras: rms_scaling always has gamma and never beta.
    scale_ = param("scale").get<bool>() || rms_scaling_;
    center_ = param("center").get<bool>() && !rms_scaling_;
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    normalization::axes_size(inputs[0], axes(inputs[0]), what());
    return {inputs[0]};
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    normalization::forward_with_own_statistics(ctx, geometry(*x[0]), *x[0], *y[0], gamma(), beta());
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    normalization::backward_with_own_statistics(ctx, geometry(*x[0]), *x[0], *dy[0], dx[0], gamma(), beta());
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    const std::vector<int> normalized = axes(inputs[0]);
    std::vector<int64_t> dims;
    for (int a : normalized) dims.push_back(inputs[0][a]);
    if (scale_)
      add_weight("gamma", Shape(dims), param("gamma_initializer"), seed_key, param("gamma_regularizer"),
                 param("gamma_constraint"));
    if (center_)
      add_weight("beta", Shape(dims), param("beta_initializer"), seed_key, param("beta_regularizer"),
                 param("beta_constraint"));
  }

 private:
  std::string what() const { return "LayerNormalization '" + name() + "'"; }
  std::vector<int> axes(const Shape& in) const { return normalization::trailing_axes(param("axis"), in.rank(), what()); }

  Backend::NormGeometry geometry(const Tensor& x) const {
    const int64_t features = normalization::axes_size(x.shape(), axes(x.shape()), what());
    return {.outer = x.size() / features, .reduce_outer = 1, .groups = 1, .reduce_inner = features,
            .epsilon = epsilon_, .centered = !rms_scaling_};
  }

  Variable* gamma() { return scale_ ? &variables()[0] : nullptr; }
  Variable* beta() { return center_ ? &variables()[scale_ ? 1 : 0] : nullptr; }

  float epsilon_ = 1e-3f;
  bool center_ = true, scale_ = true, rms_scaling_ = false;
};

}  // namespace

void register_layer_normalization(LayerRegistry& r) {
  std::vector<ParamSpec> params{{.name = "axis", .type = ParamType::IntOrTuple, .default_value = -1,
                                 .doc = "The axis or axes to normalize over (Cornu: the last ones)."}};
  for (auto& p : normalization::affine_params()) params.push_back(std::move(p));
  params.push_back({.name = "rms_scaling", .type = ParamType::Bool, .default_value = false,
                    .doc = "Scale by rsqrt(variance + epsilon) without centering (deprecated in Keras)."});
  r.add({.name = "LayerNormalization",
         .category = "Normalization",
         .doc = "Normalizes each sample over its features (Ba et al., 2016), then scales and shifts.",
         .params = std::move(params),
         .create = [](const Config& c) { return std::make_shared<LayerNormalization>(c); }});
}

}  // namespace cornu
