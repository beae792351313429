// TimeDistributed(layer): the inner layer applied to every time step of (batch, time, ...). The steps are
// independent, so time folds into the batch: the inner layer sees (batch * time, ...) views of the same
// memory and runs once. https://keras.io/api/layers/recurrent_layers/time_distributed/
// Keras runs the inner layer's call() per step, so its activity regularizer never applies: Cornu drops it too.
// A layer with batch statistics (BatchNormalization in training) would see batch * time samples at once,
// where Keras computes them per step.
#include <map>
#include <mutex>

#include "core/error.h"
#include "core/random.h"
#include "layers/layer.h"

namespace cornu {

namespace {

class TimeDistributed final : public Layer {
 public:
  explicit TimeDistributed(Config config) : Layer("TimeDistributed", std::move(config)) {
    supports_masking_ = true;  // the mask over time passes on; the inner layer sees single steps, unmasked
    const Config& nested = param("layer");
    if (!nested.is_object() || !nested.contains("class_name") || !nested["class_name"].is_string())
      throw ValueError("TimeDistributed '" + name() + "' needs the layer to apply, as {\"class_name\": \"Dense\", " +
                       "\"config\": {\"units\": 8}}; it received " + nested.dump().substr(0, 200) + ".");
    const std::string cls = nested["class_name"].get<std::string>();
    if (cls == "InputLayer" || cls == "Sequential" || cls == "Functional" || cls == "Model")
      throw ValueError("TimeDistributed '" + name() + "' wraps one layer; a " + cls + " cannot be wrapped yet.");
    inner_ = make_layer(cls, nested.contains("config") && nested["config"].is_object() ? nested["config"]
                                                                                        : Config::object());
    // The config names the inner layer as it is now (its resolved parameters and its name).
    params_["layer"] = {{"class_name", cls}, {"config", inner_->config()}};
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    expect_rank(name(), inputs[0], 3, -1,
                "TimeDistributed applies its layer to each step of (batch, time, ...): give it a sequence.");
    const Shapes inner_out = inner_->compute_output_shape({step_shape(inputs[0])});
    if (inner_out.size() != 1)
      throw ShapeError("TimeDistributed '" + name() + "' wraps a layer with one output; '" + inner_->name() + "' has " +
                       std::to_string(inner_out.size()) + ".");
    std::vector<int64_t> out{inputs[0][0], inputs[0][1]};
    for (int a = 1; a < inner_out[0].rank(); ++a) out.push_back(inner_out[0][a]);
    return {Shape(std::move(out))};
  }

  int64_t count_macs(const Shapes& inputs, const Shapes& outputs) const override {
    const Shape step = step_shape(inputs[0]);
    const int64_t per_step = inner_->count_macs({step}, inner_->compute_output_shape({step}));
    return inputs[0][1] == Shape::kNone ? per_step : mul_saturated(per_step, inputs[0][1]);
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    InnerCall& call = inner_call(ctx, *x[0], *y[0]);
    call.context->training = ctx.training;
    call.context->step = ctx.step;
    if (inner_->trainable() != trainable()) inner_->set_trainable(trainable());
    inner_->forward(*call.context, call.x, call.y);
    call.context->take_added_loss();  // Keras applies no activity regularizer inside TimeDistributed
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    InnerCall& call = inner_call(ctx, *x[0], *y[0]);
    const int64_t folded = x[0]->shape()[0] * x[0]->shape()[1];
    if (refresh(call.dy_view, *dy[0], folded)) call.dy = {&call.dy_view};
    if (!dx[0]) call.dx = {nullptr};
    else if (refresh(call.dx_view, *dx[0], folded) || call.dx.empty() || !call.dx[0]) call.dx = {&call.dx_view};
    inner_->backward(*call.context, call.x, call.y_const, call.dy, call.dx);
  }

  std::vector<Variable*> all_variables() override {
    if (inner_->trainable() != trainable()) inner_->set_trainable(trainable());
    return inner_->all_variables();
  }
  int64_t count_params() const override { return inner_->count_params(); }

  // Keras 3 keeps the inner layer's variables under "layer" (legacy .h5: "time_distributed/dense/kernel").
  std::vector<WeightGroup> keras_weight_groups() override {
    std::vector<WeightGroup> groups{{"", name(), {}}};
    for (auto& g : inner_->keras_weight_groups())
      groups.push_back({g.path.empty() ? "layer" : "layer/" + g.path, g.name, g.variables});
    return groups;
  }

  // The inner layer's variables are its own, so the editor's parameter count asks it, at one time step's shape.
  std::vector<WeightShape> weight_shapes(const Shapes& inputs) override {
    expect_inputs(name(), inputs, 1, 1);
    auto shapes = inner_->weight_shapes({step_shape(inputs[0])});
    for (auto& w : shapes) w.trainable = w.trainable && trainable();
    return shapes;
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    if (!inner_->built()) inner_->build({step_shape(inputs[0])}, seed_key);
  }

 private:
  // The inner layer's own Context per call of this layer (its scratch and random stream), and views of this
  // call's tensors with time folded into the batch, made once per arena so that a step allocates nothing.
  struct InnerCall {
    std::unique_ptr<Context> context;
    Tensor x_view, y_view, dy_view, dx_view;
    std::vector<const Tensor*> x, y_const, dy;
    std::vector<Tensor*> y, dx;
  };

  // (batch, time, ...) -> (batch * time, ...) for one step's view; None stays None.
  static Shape step_shape(const Shape& s) {
    const int64_t folded = s[0] == Shape::kNone || s[1] == Shape::kNone ? Shape::kNone : s[0] * s[1];
    return folded_shape(s, folded);
  }
  static Shape folded_shape(const Shape& s, int64_t folded) {
    std::vector<int64_t> dims{folded};
    for (int a = 2; a < s.rank(); ++a) dims.push_back(s[a]);
    return Shape(std::move(dims));
  }

  // Points `view` at `t` with time folded into the batch, unless it already is; says whether it changed.
  static bool refresh(Tensor& view, const Tensor& t, int64_t folded) {
    const Shape& s = t.shape();
    bool same = view.defined() && view.data() == t.data() && view.shape().rank() == s.rank() - 1 &&
                view.shape()[0] == folded;
    for (int a = 2; same && a < s.rank(); ++a) same = view.shape()[a - 1] == s[a];
    if (same) return false;  // compared in place: a step allocates nothing
    view = t.view(folded_shape(s, folded));
    return true;
  }

  InnerCall& inner_call(Context& ctx, const Tensor& x, const Tensor& y) {
    std::lock_guard lock(mutex_);
    InnerCall& call = calls_[&ctx];
    if (!call.context) {
      call.context = std::make_unique<Context>(ctx.backend(), mix_key(ctx.random_key(0x7D), 0x7D));
      call.context->input_masks = {nullptr};
    }
    const int64_t folded = x.shape()[0] * x.shape()[1];
    if (refresh(call.x_view, x, folded)) call.x = {&call.x_view};
    if (refresh(call.y_view, y, folded)) call.y = {&call.y_view}, call.y_const = {&call.y_view};
    return call;
  }

  LayerPtr inner_;
  std::mutex mutex_;
  std::map<const Context*, InnerCall> calls_;  // keyed by the caller's Context: one per call site and batch size
};

}  // namespace

void register_time_distributed(LayerRegistry& r) {
  r.add({.name = "TimeDistributed",
         .category = "Recurrent",
         .doc = "Applies a layer to every time step of a sequence (batch, time, ...).",
         .params = {{.name = "layer", .type = ParamType::Any,
                     .doc = "The layer to apply, as a Keras config: {\"class_name\": \"Dense\", \"config\": {...}}.",
                     .required = true}},
         .create = [](const Config& c) { return std::make_shared<TimeDistributed>(c); }});
}

}  // namespace cornu
