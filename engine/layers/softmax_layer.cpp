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
    supports_masking_ = true;
    const Config& axis = param("axis");
    if (axis.is_array() && axis.size() != 1)
      throw ValueError("Softmax over several axes at once (axis=" + axis.dump() +
                       ") is not supported. Give one axis, or Reshape the axes into one first.");
    axis_ = small_int(axis.is_array() ? axis[0] : axis, "Softmax '" + name() + "': axis");
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
    // Raw pointers, not Tensor handles: a later scratch() call may move the slots, not their memory. The
    // scratch has x's shape; only its size matters, so no Shape is built per step.
    float* xt = ctx.scratch(0, x[0]->shape()).data();
    float* yt = ctx.scratch(1, x[0]->shape()).data();
    set_layouts(s);
    be.permute(x[0]->data(), xt, split_dims_, kSwapLastTwo, false);
    be.softmax(xt, yt, s.outer * s.inner, s.axis);
    be.permute(yt, y[0]->data(), moved_dims_, kSwapLastTwo, false);
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
    const Shape& shape = x[0]->shape();
    float* yt = ctx.scratch(1, shape).data();
    float* dyt = ctx.scratch(2, shape).data();
    float* dxt = ctx.scratch(3, shape).data();
    set_layouts(s);
    be.permute(y[0]->data(), yt, split_dims_, kSwapLastTwo, false);
    be.permute(dy[0]->data(), dyt, split_dims_, kSwapLastTwo, false);
    be.fill(dxt, shape.size(), 0.0f);
    be.softmax_backward(yt, dyt, dxt, s.outer * s.inner, s.axis);
    be.permute(dxt, dx[0]->data(), moved_dims_, kSwapLastTwo, true);
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

  // The permute layouts (outer, axis, inner) and (outer, inner, axis), updated in place: vectors that
  // keep their size allocate nothing.
  void set_layouts(const Split& s) {
    split_dims_[0] = moved_dims_[0] = s.outer;
    split_dims_[1] = moved_dims_[2] = s.axis;
    split_dims_[2] = moved_dims_[1] = s.inner;
  }

  inline static const std::vector<int> kSwapLastTwo{0, 2, 1};
  int axis_ = -1;
  std::vector<int64_t> split_dims_ = std::vector<int64_t>(3), moved_dims_ = std::vector<int64_t>(3);
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
