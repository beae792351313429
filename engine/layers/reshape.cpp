// Reshape: (batch, ...) -> (batch, *target_shape), one entry of target_shape may be -1 (inferred).
// https://keras.io/api/layers/reshaping_layers/reshape/
#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

class Reshape final : public Layer {
 public:
  explicit Reshape(Config config) : Layer("Reshape", std::move(config)) {
    int unknown = 0;
    for (const auto& d : param("target_shape")) {
      int64_t v = d.get<int64_t>();
      if (v == -1) ++unknown;
      else if (v < 1) throw ValueError(message("its dimensions must be positive, or -1 for one inferred dimension"));
      target_.push_back(v);
    }
    if (target_.empty()) throw ValueError(message("it must have at least one dimension"));
    if (unknown > 1) throw ValueError(message("only one dimension may be -1"));
    infer_ = unknown == 1;
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    expect_rank(name(), inputs[0], 1, -1);
    Shape sample = inputs[0].without_batch();
    std::vector<int64_t> dims{inputs[0][0]};
    int64_t known = 1;
    for (int64_t d : target_) known = mul_saturated(known, d == -1 ? 1 : d);
    for (int64_t d : target_) {
      if (d != -1) dims.push_back(d);
      else dims.push_back(sample.fully_known() ? sample.size() / known : Shape::kNone);
    }
    if (sample.fully_known()) {
      int64_t size = sample.size();
      bool fits = infer_ ? size % known == 0 : size == known;
      if (!fits)
        throw ShapeError("Reshape '" + name() + "' cannot turn samples of shape " + sample.to_string() + " (" +
                         std::to_string(size) + " values) into target_shape " + param("target_shape").dump() + " (" +
                         (infer_ ? "a multiple of " : "") + std::to_string(known) +
                         " values): the total size must be unchanged.");
    }
    return {Shape(std::move(dims))};
  }

  // Row-major memory is unchanged by a reshape: forward copies, backward accumulates.
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    ctx.backend().copy(y[0]->data(), x[0]->data(), static_cast<size_t>(x[0]->size()) * sizeof(float));
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (dx[0]) ctx.backend().axpy(x[0]->size(), 1.0f, dy[0]->data(), dx[0]->data());
  }

 private:
  std::string message(const std::string& why) const {
    return "Reshape '" + name() + "': invalid target_shape " + param("target_shape").dump() + ": " + why + ".";
  }

  std::vector<int64_t> target_;
  bool infer_ = false;  // one dimension is -1
};

}  // namespace

void register_reshape(LayerRegistry& r) {
  r.add({.name = "Reshape",
         .category = "Reshaping",
         .doc = "Reshapes each sample to target_shape (one dimension may be -1, inferred); the batch axis is kept.",
         .params = {{.name = "target_shape", .type = ParamType::IntTuple,
                     .doc = "Shape of one output sample, e.g. [7, 7, 64]; -1 once for an inferred size.",
                     .required = true}},
         .create = [](const Config& c) { return std::make_shared<Reshape>(c); }});
}

}  // namespace cornu
