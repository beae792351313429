// ActivityRegularization: the identity, whose output adds l1 * sum|y| + l2 * sum y^2 to the loss, divided by
// the batch size as Keras 3 does for every activity regularizer (Layer.__call__).
// https://keras.io/api/layers/regularization_layers/activity_regularization/
#include "layers/layer.h"
#include "regularizers/regularizer.h"

namespace cornu {

namespace {

// Scratch slot: the activity gradient d(penalty / batch)/dx, summed apart before it joins dx.
enum Slot { kActivityGrad };

class ActivityRegularization final : public Layer {
 public:
  // The penalty is Keras's L1L2 regularizer (as Keras builds it), the one Dense's activity_regularizer uses.
  explicit ActivityRegularization(Config config) : Layer("ActivityRegularization", std::move(config)) {
    supports_masking_ = true;
    regularizer_ = make_regularizer(
        Config{{"class_name", "L1L2"}, {"config", {{"l1", param("l1")}, {"l2", param("l2")}}}});
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    return inputs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const int64_t n = x[0]->size();
    b.copy(y[0]->data(), x[0]->data(), static_cast<size_t>(n) * sizeof(float));
    const double penalty = regularizer_->penalty(b, x[0]->data(), n);
    if (penalty != 0) ctx.add_loss(penalty / static_cast<double>(batch_size(*x[0])));
  }

  // dx += dy + (l1 * sign(x) + 2 * l2 * x) / batch
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (!dx[0]) return;
    Backend& b = ctx.backend();
    const int64_t n = x[0]->size();
    b.axpy(n, 1.0f, dy[0]->data(), dx[0]->data());
    if (regularizer_->l1 == 0.0f && regularizer_->l2 == 0.0f) return;
    float* g = ctx.scratch(kActivityGrad, x[0]->shape()).data();
    b.fill(g, n, 0.0f);
    regularizer_->add_gradient(b, x[0]->data(), g, n);
    b.axpy(n, 1.0f / static_cast<float>(batch_size(*x[0])), g, dx[0]->data());
  }

 private:
  static int64_t batch_size(const Tensor& t) { return t.shape().rank() ? t.shape()[0] : 1; }

  RegularizerPtr regularizer_;
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
