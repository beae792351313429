// Cropping1D/2D/3D: removes elements at the start and end of each spatial axis of a channels_last input.
// cropping: an int (everywhere), one int per axis (symmetric) or (before, after) per axis.
// https://keras.io/api/layers/reshaping_layers/cropping2d/
#include "core/error.h"
#include "layers/layer.h"
#include "layers/spatial_layers.h"

namespace cornu {

namespace {

class Cropping final : public Layer {
 public:
  Cropping(const std::string& class_name, int rank, Config config) : Layer(class_name, std::move(config)), rank_(rank) {
    cropping_ = spatial::pair_tuples(param("cropping"), rank, class_name + " '" + name() + "': cropping");
    params_["cropping"] = spatial::pairs_config(cropping_);
    if (rank > 1) spatial::require_channels_last(params_, class_name, name());  // Cropping1D has no data_format
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    const Shape& in = inputs[0];
    spatial::expect_spatial_input(class_name(), name(), in, rank_);
    Shape out = in;
    for (int a = 0; a < rank_; ++a) {
      if (in[a + 1] == Shape::kNone) continue;
      const auto [before, after] = cropping_[a];
      if (before + after >= in[a + 1])
        throw ShapeError(class_name() + " '" + name() + "' would remove " + std::to_string(before) + " + " +
                         std::to_string(after) + " elements from axis " + std::to_string(a + 1) + " of its input " +
                         in.to_string() + ", which has only " + std::to_string(in[a + 1]) +
                         ". Crop less: at least one element must remain.");
      out[a + 1] = in[a + 1] - before - after;
    }
    return {out};
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    ctx.backend().copy_box(box(x[0]->shape(), y[0]->shape(), false), x[0]->data(), y[0]->data(), false);
  }

  // dx += dy placed back inside the cropped box (the cropped-away elements get no gradient).
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (dx[0])
      ctx.backend().copy_box(box(x[0]->shape(), y[0]->shape(), true), dy[0]->data(), dx[0]->data(), true);
  }

 private:
  // The output's place in the input: forward copies input -> output, backward output -> input.
  Backend::BoxCopy box(const Shape& in, const Shape& out, bool from_output) const {
    Backend::BoxCopy g;
    g.batch = in[0];
    g.channels = in[-1];
    for (int a = 0; a < rank_; ++a) {
      const int axis = 3 - rank_ + a;
      g.box[axis] = out[a + 1];
      (from_output ? g.src : g.dst)[axis] = out[a + 1];
      (from_output ? g.dst : g.src)[axis] = in[a + 1];
      (from_output ? g.dst_offset : g.src_offset)[axis] = cropping_[a].first;
    }
    return g;
  }

  int rank_;
  std::vector<std::pair<int64_t, int64_t>> cropping_;
};

}  // namespace

void register_cropping(LayerRegistry& r) {
  const Config zero = Config::array({0, 0}), one = Config::array({1, 1});
  r.add({.name = "Cropping1D",
         .category = "Reshaping",
         .doc = "Removes steps at the start and end of the time axis.",
         .params = {{.name = "cropping", .type = ParamType::IntOrTuple, .default_value = one,
                     .doc = "Steps to remove: an int (both ends) or (before, after).", .minimum = 0}},
         .create = [](const Config& c) { return std::make_shared<Cropping>("Cropping1D", 1, c); }});
  r.add({.name = "Cropping2D",
         .category = "Reshaping",
         .doc = "Removes rows and columns at the edges of images.",
         .params = {{.name = "cropping", .type = ParamType::Any, .default_value = Config::array({zero, zero}),
                     .doc = "An int, (symmetric_height, symmetric_width) or ((top, bottom), (left, right))."},
                    spatial::data_format_param()},
         .create = [](const Config& c) { return std::make_shared<Cropping>("Cropping2D", 2, c); }});
  r.add({.name = "Cropping3D",
         .category = "Reshaping",
         .doc = "Removes elements at the edges of 3D volumes.",
         .params = {{.name = "cropping", .type = ParamType::Any, .default_value = Config::array({one, one, one}),
                     .doc = "An int, one int per axis (symmetric) or ((before, after), ...) for the three axes."},
                    spatial::data_format_param()},
         .create = [](const Config& c) { return std::make_shared<Cropping>("Cropping3D", 3, c); }});
}

}  // namespace cornu
