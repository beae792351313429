// ActivityRegularization: the identity, whose output adds l1 * sum|y| + l2 * sum y^2 to the loss, divided by
// the batch size as Keras 3 does for every activity regularizer (Layer.__call__).
// https://keras.io/api/layers/regularization_layers/activity_regularization/
#include "layers/layer.h"

namespace cornu {

namespace {

class ActivityRegularization final : public Layer {
 public:
  explicit ActivityRegularization(Config config) : Layer("ActivityRegularization", std::move(config)) {
    l1_ = param("l1").get<float>();
    l2_ = param("l2").get<float>();
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    return inputs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const int64_t n = x[0]->size();
    b.copy(y[0]->data(), x[0]->data(), static_cast<size_t>(n) * sizeof(float));
    double penalty = 0;
    if (l1_ != 0.0f) penalty += l1_ * b.sum_abs(x[0]->data(), n);
    if (l2_ != 0.0f) penalty += l2_ * b.sum_squares(x[0]->data(), n);
    if (penalty != 0) ctx.add_loss(penalty / static_cast<double>(batch_size(*x[0])));
  }

  // dx += dy + (l1 * sign(x) + 2 * l2 * x) / batch
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (!dx[0]) return;
    Backend& b = ctx.backend();
    const int64_t n = x[0]->size();
    b.axpy(n, 1.0f, dy[0]->data(), dx[0]->data());
    const float inv_batch = 1.0f / static_cast<float>(batch_size(*x[0]));
    if (l1_ != 0.0f || l2_ != 0.0f)
      b.add_l1_l2_gradient(x[0]->data(), dx[0]->data(), n, l1_ * inv_batch, l2_ * inv_batch);
  }

 private:
  static int64_t batch_size(const Tensor& t) { return t.shape().rank() ? t.shape()[0] : 1; }

  float l1_ = 0.0f, l2_ = 0.0f;
};

}  // namespace

void register_activity_regularization(LayerRegistry& r) {
  r.add({.name = "ActivityRegularization",
         .category = "Regularization",
         .doc = "Passes its input through and adds an L1/L2 penalty on it to the loss.",
         .params = {{.name = "l1", .type = ParamType::Float, .default_value = 0.0, .doc = "L1 factor (penalty l1 * sum |x|).",
                     .minimum = 0.0},
                    {.name = "l2", .type = ParamType::Float, .default_value = 0.0, .doc = "L2 factor (penalty l2 * sum x^2).",
                     .minimum = 0.0}},
         .create = [](const Config& c) { return std::make_shared<ActivityRegularization>(c); }});
}

}  // namespace cornu
