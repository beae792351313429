// Bidirectional: runs a recurrent layer forwards and a copy of it backwards over the same sequence and merges
// their outputs (concat, sum, mul, ave, or None: both). https://keras.io/api/layers/recurrent_layers/bidirectional/
// As in Keras, the backward half's sequences are flipped back into time order, and with return_sequences both
// halves output zeros at masked steps.
#include "core/error.h"
#include "core/random.h"
#include "layers/recurrent.h"
#include "layers/wrapped_layer.h"

namespace cornu {

namespace {

// The halves take their scratch slots from these offsets on the shared Context; the wrapper's own after them.
constexpr int kForwardSlots = 0, kBackwardSlots = 100;
enum Slot { kYf = 200, kYb, kYbTime, kDyf, kDyb, kDybTime, kFlip, kFlipGrad, kLast };

class Bidirectional final : public Layer {
 public:
  explicit Bidirectional(Config config) : Layer("Bidirectional", std::move(config)) {
    const std::string label = "Bidirectional '" + name() + "'";
    merge_ = param("merge_mode").is_null() ? "" : param("merge_mode").get<std::string>();
    LayerPtr f = make_wrapped_layer(label, param("layer"), {{"name", "forward_" + strip(param("layer"), "forward_")}});
    Config back_overrides{{"name", "backward_" + strip(param("layer"), "backward_")}, {"go_backwards", !go(param("layer"))}};
    LayerPtr b = param("backward_layer").is_null() ? make_wrapped_layer(label, param("layer"), back_overrides)
                                                   : make_wrapped_layer(label, param("backward_layer"));
    forward_ = std::dynamic_pointer_cast<RecurrentLayer>(f);
    backward_ = std::dynamic_pointer_cast<RecurrentLayer>(b);
    if (!forward_ || !backward_)
      throw ValueError(label + " wraps a " + (forward_ ? b : f)->class_name() + ", but it takes a recurrent layer " +
                       "(SimpleRNN, LSTM or GRU).");
    if (forward_->go_backwards() == backward_->go_backwards())
      throw ValueError(label + ": the forward and backward layers must have different go_backwards values.");
    if (forward_->return_sequences() != backward_->return_sequences() ||
        forward_->return_state() != backward_->return_state() || forward_->units() != backward_->units() ||
        forward_->state_count() != backward_->state_count())
      throw ValueError(label + ": the forward and backward layers must agree on units, return_sequences and " +
                       "return_state.");
    forward_->set_context_offset(kForwardSlots);
    backward_->set_context_offset(kBackwardSlots);
    for (auto* half : {forward_.get(), backward_.get()}) half->set_zero_output_for_mask(half->return_sequences());
    params_["layer"] = wrapped_layer_object(*forward_);
    params_["backward_layer"] = wrapped_layer_object(*backward_);
    supports_masking_ = true;
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    Shapes f = forward_->compute_output_shape(inputs);
    Shapes out{f[0]};
    if (merge_ == "concat") {
      std::vector<int64_t> dims = out[0].dims();
      dims.back() = 2 * forward_->units();
      out[0] = Shape(std::move(dims));
    }
    if (merge_.empty()) out.push_back(f[0]);
    for (int k = 0; k < 2; ++k) out.insert(out.end(), f.begin() + 1, f.end());  // forward's states, then backward's
    return out;
  }

  std::vector<int> output_mask_sources(const std::vector<bool>& masked, size_t count) const override {
    std::vector<int> out(count, kNoMask);
    const bool pass = forward_->return_sequences() && !masked.empty() && masked[0];
    for (size_t k = 0; k < (merge_.empty() ? 2u : 1u) && k < count; ++k) out[k] = pass ? 0 : kNoMask;
    return out;
  }

  std::vector<WeightGroup> keras_weight_groups() override {
    return {{"forward_layer", forward_->name(), {}}, {"forward_layer/cell", forward_->cell_name(), forward_->all_variables()},
            {"backward_layer", backward_->name(), {}},
            {"backward_layer/cell", backward_->cell_name(), backward_->all_variables()}};
  }
  std::vector<Variable*> all_variables() override {
    std::vector<Variable*> out = forward_->all_variables();
    for (Variable* v : backward_->all_variables()) out.push_back(v);
    return out;
  }
  int64_t count_params() const override { return forward_->count_params() + backward_->count_params(); }
  int64_t count_macs(const Shapes& in, const Shapes& out) const override { return 2 * forward_->count_macs(in, out); }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    reserve_slots(ctx);
    const Shape half = forward_->compute_output_shape({x[0]->shape()})[0];
    Tensor& yf = merge_.empty() ? *y[0] : ctx.scratch(kYf, half);
    Tensor& yb = ctx.scratch(kYb, half);
    std::vector<Tensor*> of{&yf}, ob{&yb};
    const size_t states = y.size() - (merge_.empty() ? 2 : 1), first = merge_.empty() ? 2 : 1;
    for (size_t k = 0; k < states / 2; ++k) of.push_back(y[first + k]), ob.push_back(y[first + states / 2 + k]);
    forward_->forward(ctx, x, of);
    backward_->forward(ctx, x, ob);
    Tensor& yb_time = merge_.empty() ? *y[1] : ctx.scratch(kYbTime, half);
    flip_time(ctx, yb.data(), yb_time.data(), half, false);
    const int64_t n = half.size(), u = forward_->units(), rows = n / u;
    if (merge_ == "concat") {
      b.copy_block(yf.data(), u, y[0]->data(), 2 * u, rows, u, false);
      b.copy_block(yb_time.data(), u, y[0]->data() + u, 2 * u, rows, u, false);
    } else if (merge_ == "sum" || merge_ == "ave") {
      b.binary(BinaryOp::Add, yf.data(), yb_time.data(), y[0]->data(), n);
      if (merge_ == "ave") b.scale(n, 0.5f, y[0]->data());
    } else if (merge_ == "mul") {
      b.binary(BinaryOp::Mul, yf.data(), yb_time.data(), y[0]->data(), n);
    }
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    Backend& b = ctx.backend();
    reserve_slots(ctx);
    const Shape half = forward_->compute_output_shape({x[0]->shape()})[0];
    const int64_t n = half.size(), u = forward_->units(), rows = n / u;
    Tensor& dyf = ctx.scratch(kDyf, half);
    Tensor& dyb_time = ctx.scratch(kDybTime, half);
    b.fill(dyf.data(), n, 0.0f);
    b.fill(dyb_time.data(), n, 0.0f);
    if (merge_ == "concat") {
      b.copy_block(dy[0]->data(), 2 * u, dyf.data(), u, rows, u, true);
      b.copy_block(dy[0]->data() + u, 2 * u, dyb_time.data(), u, rows, u, true);
    } else if (merge_ == "sum" || merge_ == "ave") {
      const float scale = merge_ == "ave" ? 0.5f : 1.0f;
      b.axpy(n, scale, dy[0]->data(), dyf.data());
      b.axpy(n, scale, dy[0]->data(), dyb_time.data());
    } else if (merge_ == "mul") {
      const Tensor& yf = ctx.scratch(kYf, half);
      const Tensor& yb_time = ctx.scratch(kYbTime, half);
      b.binary_backward(BinaryOp::Mul, yf.data(), yb_time.data(), dy[0]->data(), dyf.data(), dyb_time.data(), n);
    } else {
      b.axpy(n, 1.0f, dy[0]->data(), dyf.data());
      b.axpy(n, 1.0f, dy[1]->data(), dyb_time.data());
    }
    Tensor& dyb = ctx.scratch(kDyb, half);
    flip_time(ctx, dyb_time.data(), dyb.data(), half, true);
    std::vector<const Tensor*> gf{&dyf}, gb{&dyb}, none;
    const size_t states = dy.size() - (merge_.empty() ? 2 : 1), first = merge_.empty() ? 2 : 1;
    for (size_t k = 0; k < states / 2; ++k) gf.push_back(dy[first + k]), gb.push_back(dy[first + states / 2 + k]);
    forward_->backward(ctx, x, none, gf, dx);
    backward_->backward(ctx, x, none, gb, dx);
    (void)y;
  }

  // The halves' variables are their own, so the editor's parameter count asks them.
  std::vector<WeightShape> weight_shapes(const Shapes& inputs) override {
    auto shapes = forward_->weight_shapes(inputs);
    for (auto& named : backward_->weight_shapes(inputs)) shapes.push_back(std::move(named));
    for (auto& w : shapes) w.trainable = w.trainable && trainable();
    return shapes;
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    forward_->build(inputs, mix_key(seed_key, 1));
    backward_->build(inputs, mix_key(seed_key, 2));
  }

 private:
  static std::string strip(const Config& object, const std::string& prefix) {
    std::string n = object.contains("config") && object["config"].contains("name") && object["config"]["name"].is_string()
                        ? object["config"]["name"].get<std::string>() : snake_case(object.value("class_name", std::string("rnn")));
    return n.rfind(prefix, 0) == 0 ? n.substr(prefix.size()) : n;
  }
  // Context::scratch grows its list of slots on demand, which would move the tensors this layer holds while
  // its halves run: the last slot taken first keeps them in place.
  static void reserve_slots(Context& ctx) { ctx.scratch(kLast, Shape{1}); }
  static bool go(const Config& object) {
    return object.contains("config") && object["config"].value("go_backwards", false);
  }
  // Reverses the time axis of a (batch, time, units) sequence (through a time-major copy); a copy otherwise.
  void flip_time(Context& ctx, const float* src, float* dst, const Shape& shape, bool grad) {
    Backend& b = ctx.backend();
    if (shape.rank() != 3) {
      b.copy(dst, src, static_cast<size_t>(shape.size()) * sizeof(float));
      return;
    }
    Tensor& tmp = ctx.scratch(grad ? kFlipGrad : kFlip, shape);
    b.time_major_copy(src, tmp.data(), shape[0], shape[1], shape[2], true, true, false);
    b.time_major_copy(tmp.data(), dst, shape[0], shape[1], shape[2], false, false, false);
  }

  std::string merge_;
  std::shared_ptr<RecurrentLayer> forward_, backward_;
};

}  // namespace

void register_bidirectional(LayerRegistry& r) {
  r.add({.name = "Bidirectional",
         .category = "Recurrent",
         .doc = "Runs a recurrent layer forwards and backwards over the sequence and merges both outputs.",
         .params = {{.name = "layer", .type = ParamType::Any, .doc = "The recurrent layer to run forwards, as "
                     "{\"class_name\": \"LSTM\", \"config\": {...}}.", .required = true},
                    {.name = "merge_mode", .type = ParamType::Enum, .default_value = "concat",
                     .doc = "How the two outputs combine (None: return both).",
                     .choices = {"concat", "sum", "mul", "ave"}, .nullable = true},
                    {.name = "backward_layer", .type = ParamType::Any, .default_value = nullptr,
                     .doc = "The layer to run backwards (None: a copy of layer with go_backwards flipped).",
                     .nullable = true}},
         .create = [](const Config& c) { return std::make_shared<Bidirectional>(c); },
         // Both outputs when merge_mode is None, then each direction's states when the layer returns them.
         .output_count = [](const Config& c) {
           const Config& inner = c.at("layer");
           const Config settings = inner.is_object() ? inner.value("config", Config::object()) : Config::object();
           const int per_direction = inner.is_object() && inner.value("class_name", "") == "LSTM" ? 2 : 1;
           const int outputs = c.at("merge_mode").is_null() ? 2 : 1;
           return outputs + (settings.value("return_state", false) ? 2 * per_direction : 0);
         }});
}

}  // namespace cornu
