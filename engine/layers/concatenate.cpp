// Concatenate: joins its inputs along `axis`; every other dimension must match.
// https://keras.io/api/layers/merging_layers/concatenate/
#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

class Concatenate final : public Layer {
 public:
  explicit Concatenate(Config config) : Layer("Concatenate", std::move(config)) {
    axis_ = small_int(param("axis"), "Concatenate '" + name() + "': axis");
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 2, -1);
    const int rank = inputs[0].rank();
    if (axis_ >= rank || axis_ < -rank)
      throw ShapeError("Concatenate '" + name() + "' joins along axis " + std::to_string(axis_) + ", but its inputs " +
                       inputs[0].to_string() + " have only " + std::to_string(rank) + " axes. Use an axis between 1 and " +
                       std::to_string(rank - 1) + " (-1: the last).");
    const int axis = inputs[0].normalize_axis(axis_);
    if (axis == 0)
      throw ShapeError("Concatenate '" + name() + "' cannot join along axis " + std::to_string(axis_) +
                       ", the batch axis. Use an axis between 1 and " + std::to_string(rank - 1) + " (-1: the last).");
    Shape out = inputs[0];
    for (size_t i = 1; i < inputs.size(); ++i) {
      const Shape& s = inputs[i];
      bool fits = s.rank() == rank;
      for (int a = 0; fits && a < rank; ++a) {
        if (a == axis) {
          if (out[a] == Shape::kNone || s[a] == Shape::kNone) out[a] = Shape::kNone;
          else if (__builtin_add_overflow(out[a], s[a], &out[a]))
            throw ShapeError("Concatenate '" + name() + "': the joined axis would hold more values than can be counted.");
        }
        else if (out[a] == Shape::kNone) out[a] = s[a];
        else fits = s[a] == Shape::kNone || s[a] == out[a];
      }
      if (!fits) throw ShapeError(mismatch(inputs, axis));
    }
    return {out};
  }

  // Each input is (outer, width_i) with outer = the dimensions before the axis and width_i = the rest; its
  // block lands at a column offset of the output (outer, sum of widths).
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    const int64_t outer = outer_size(*x[0]), total = y[0]->size() / outer;
    int64_t offset = 0;
    for (const Tensor* t : x) {
      const int64_t width = t->size() / outer;
      ctx.backend().copy_block(t->data(), width, y[0]->data() + offset, total, outer, width, false);
      offset += width;
    }
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    const int64_t outer = outer_size(*x[0]), total = y[0]->size() / outer;
    int64_t offset = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const int64_t width = x[i]->size() / outer;
      if (dx[i]) ctx.backend().copy_block(dy[0]->data() + offset, total, dx[i]->data(), width, outer, width, true);
      offset += width;
    }
  }

 private:
  int64_t outer_size(const Tensor& t) const {
    const int axis = t.shape().normalize_axis(axis_);
    int64_t outer = 1;
    for (int a = 0; a < axis; ++a) outer *= t.shape()[a];
    return outer;
  }

  std::string mismatch(const Shapes& inputs, int axis) const {
    std::string shapes;
    for (const auto& s : inputs) shapes += (shapes.empty() ? "" : ", ") + s.to_string();
    return "Concatenate '" + name() + "' joins its inputs along axis " + std::to_string(axis_) + " (axis " +
           std::to_string(axis) + " of rank-" + std::to_string(inputs[0].rank()) +
           " inputs), so they must have the same rank and the same size on every other axis, but it received " +
           shapes + ". Reshape the inputs, or pick the axis along which they differ.";
  }

  int axis_ = -1;
};

}  // namespace

void register_concatenate(LayerRegistry& r) {
  r.add({.name = "Concatenate",
         .category = "Merge",
         .doc = "Joins its inputs along one axis; all other dimensions must match.",
         .params = {{.name = "axis", .type = ParamType::Int, .default_value = -1,
                     .doc = "Axis along which to concatenate (-1: the last)."}},
         .min_inputs = 2,
         .max_inputs = -1,
         .create = [](const Config& c) { return std::make_shared<Concatenate>(c); }});
}

}  // namespace cornu
