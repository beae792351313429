// Flatten: (batch, d1, d2, ...) -> (batch, d1 * d2 * ...); the batch axis is kept.
// https://keras.io/api/layers/reshaping_layers/flatten/
#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

class Flatten final : public Layer {
 public:
  explicit Flatten(Config config) : Layer("Flatten", std::move(config)) {
    // Keras stores None as the configured default, which is channels_last.
    if (params_["data_format"].is_null()) params_["data_format"] = "channels_last";
    if (params_["data_format"] != "channels_last")
      throw ValueError("Flatten '" + name() + "': data_format " + params_["data_format"].dump() +
                       " is not supported yet. Use 'channels_last' (features on the last axis).");
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    expect_rank(name(), inputs[0], 1, -1);
    Shape sample = inputs[0].without_batch();
    return {Shape{inputs[0][0], sample.fully_known() ? sample.size() : Shape::kNone}};
  }

  // Row-major memory is already flat: forward copies, backward accumulates.
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    ctx.backend().copy(y[0]->data(), x[0]->data(), static_cast<size_t>(x[0]->size()) * sizeof(float));
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (dx[0]) ctx.backend().axpy(x[0]->size(), 1.0f, dy[0]->data(), dx[0]->data());
  }
};

}  // namespace

void register_flatten(LayerRegistry& r) {
  r.add({.name = "Flatten",
         .category = "Reshaping",
         .doc = "Flattens each sample into one feature axis; the batch axis is kept.",
         .params = {{.name = "data_format", .type = ParamType::Enum, .default_value = "channels_last",
                     .doc = "Position of the channels axis (only 'channels_last' is supported yet).",
                     .choices = {"channels_last", "channels_first"}, .nullable = true}},
         .create = [](const Config& c) { return std::make_shared<Flatten>(c); }});
}

}  // namespace cornu
