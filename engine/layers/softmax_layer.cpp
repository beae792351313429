// Softmax: exp(x) / sum(exp(x)) along one axis (the last by default).
// https://keras.io/api/layers/activation_layers/softmax/
// The backend normalises rows, so another axis is moved last with a permute, as (outer, axis, inner)
// -> (outer, inner, axis), and the result moved back. Keras's optional `mask` call argument is not supported.
#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

class Softmax final : public Layer {
 public:
  explicit Softmax(Config config) : Layer("Softmax", std::move(config)) {
    const Config& axis = param("axis");
    if (axis.is_array() && axis.size() != 1)
      throw ValueError("Softmax over several axes at once (axis=" + axis.dump() +
                       ") is not supported. Give one axis, or Reshape the axes into one first.");
    axis_ = axis.is_array() ? axis[0].get<int>() : axis.get<int>();
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    resolved_axis(inputs[0]);
    return inputs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& be = ctx.backend();
    Split s = split(x[0]->shape());
    if (s.inner == 1) {
      be.softmax(x[0]->data(), y[0]->data(), s.outer, s.axis);
      return;
    }
    // Handles copied out of the scratch slots (a later scratch() call may move them).
    Tensor xt = ctx.scratch(0, Shape{s.outer, s.inner, s.axis});
    Tensor yt = ctx.scratch(1, Shape{s.outer, s.inner, s.axis});
    be.permute(x[0]->data(), xt.data(), {s.outer, s.axis, s.inner}, {0, 2, 1}, false);
    be.softmax(xt.data(), yt.data(), s.outer * s.inner, s.axis);
    be.permute(yt.data(), y[0]->data(), {s.outer, s.inner, s.axis}, {0, 2, 1}, false);
  }

  // dx += y * (dy - sum(dy * y)) along the axis.
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (!dx[0]) return;
    Backend& be = ctx.backend();
    Split s = split(x[0]->shape());
    if (s.inner == 1) {
      be.softmax_backward(y[0]->data(), dy[0]->data(), dx[0]->data(), s.outer, s.axis);
      return;
    }
    Shape moved{s.outer, s.inner, s.axis};
    Tensor yt = ctx.scratch(1, moved);
    Tensor dyt = ctx.scratch(2, moved);
    Tensor dxt = ctx.scratch(3, moved);
    be.permute(y[0]->data(), yt.data(), {s.outer, s.axis, s.inner}, {0, 2, 1}, false);
    be.permute(dy[0]->data(), dyt.data(), {s.outer, s.axis, s.inner}, {0, 2, 1}, false);
    be.fill(dxt.data(), dxt.size(), 0.0f);
    be.softmax_backward(yt.data(), dyt.data(), dxt.data(), s.outer * s.inner, s.axis);
    be.permute(dxt.data(), dx[0]->data(), {s.outer, s.inner, s.axis}, {0, 2, 1}, true);
  }

 private:
  // The tensor as (outer, axis, inner) around the softmax axis.
  struct Split {
    int64_t outer = 1, axis = 1, inner = 1;
  };

  int resolved_axis(const Shape& shape) const {
    int rank = shape.rank();
    if (axis_ < -rank || axis_ >= rank)
      throw ShapeError("Softmax layer '" + name() + "' normalises along axis " + std::to_string(axis_) +
                       ", but its input " + shape.to_string() + " has rank " + std::to_string(rank) +
                       ". Use an axis between " + std::to_string(-rank) + " and " + std::to_string(rank - 1) +
                       " (-1 is the last).");
    return axis_ < 0 ? axis_ + rank : axis_;
  }

  Split split(const Shape& shape) const {
    int a = resolved_axis(shape);
    Split s;
    for (int i = 0; i < shape.rank(); ++i) (i < a ? s.outer : i == a ? s.axis : s.inner) *= shape[i];
    return s;
  }

  int axis_ = -1;
};

}  // namespace

void register_softmax_layer(LayerRegistry& r) {
  r.add({.name = "Softmax",
         .category = "Activation",
         .doc = "Softmax along one axis: turns scores into probabilities that sum to 1.",
         .params = {{.name = "axis",
                     .type = ParamType::IntOrTuple,
                     .default_value = -1,
                     .doc = "Axis along which to normalise (-1: the last). A list must hold exactly one axis."}},
         .create = [](const Config& c) { return std::make_shared<Softmax>(c); }});
}

}  // namespace cornu
