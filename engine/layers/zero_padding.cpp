// ZeroPadding1D/2D/3D: adds rows of zeros before and after each spatial axis of a channels_last input.
// padding: an int (everywhere), one int per axis (symmetric) or (before, after) per axis.
// https://keras.io/api/layers/reshaping_layers/zero_padding2d/
#include "core/error.h"
#include "layers/layer.h"
#include "layers/spatial_layers.h"

namespace cornu {

namespace {

class ZeroPadding final : public Layer {
 public:
  ZeroPadding(const std::string& class_name, int rank, Config config)
      : Layer(class_name, std::move(config)), rank_(rank) {
    padding_ = spatial::pair_tuples(param("padding"), rank, class_name + " '" + name() + "': padding");
    params_["padding"] = spatial::pairs_config(padding_);
    spatial::require_channels_last(params_, class_name, name());
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    spatial::expect_spatial_input(class_name(), name(), inputs[0], rank_);
    Shape out = inputs[0];
    for (int a = 0; a < rank_; ++a)
      if (out[a + 1] != Shape::kNone) out[a + 1] += padding_[a].first + padding_[a].second;
    return {out};
  }

  // y = 0, then the input copied into the box between the paddings; dx += that box of dy.
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    ctx.backend().fill(y[0]->data(), y[0]->size(), 0.0f);
    ctx.backend().copy_box(box(x[0]->shape(), y[0]->shape(), false), x[0]->data(), y[0]->data(), false);
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (dx[0])
      ctx.backend().copy_box(box(x[0]->shape(), y[0]->shape(), true), dy[0]->data(), dx[0]->data(), true);
  }

 private:
  // The input's place in the output: forward copies input -> output, backward output -> input.
  Backend::BoxCopy box(const Shape& in, const Shape& out, bool from_output) const {
    Backend::BoxCopy g;
    g.batch = in[0];
    g.channels = in[-1];
    for (int a = 0; a < rank_; ++a) {
      const int axis = 3 - rank_ + a;
      g.box[axis] = in[a + 1];
      (from_output ? g.src : g.dst)[axis] = out[a + 1];
      (from_output ? g.dst : g.src)[axis] = in[a + 1];
      (from_output ? g.src_offset : g.dst_offset)[axis] = padding_[a].first;
    }
    return g;
  }

  int rank_;
  std::vector<std::pair<int64_t, int64_t>> padding_;
};

}  // namespace

void register_zero_padding(LayerRegistry& r) {
  const Config one = Config::array({1, 1});
  r.add({.name = "ZeroPadding1D",
         .category = "Reshaping",
         .doc = "Adds zeros at the start and end of the time axis.",
         .params = {{.name = "padding", .type = ParamType::IntOrTuple, .default_value = 1,
                     .doc = "Zeros to add: an int (both ends) or (before, after).", .minimum = 0},
                    spatial::data_format_param()},
         .create = [](const Config& c) { return std::make_shared<ZeroPadding>("ZeroPadding1D", 1, c); }});
  r.add({.name = "ZeroPadding2D",
         .category = "Reshaping",
         .doc = "Adds rows and columns of zeros around images.",
         .params = {{.name = "padding", .type = ParamType::Any, .default_value = Config::array({one, one}),
                     .doc = "An int, (symmetric_height, symmetric_width) or ((top, bottom), (left, right))."},
                    spatial::data_format_param()},
         .create = [](const Config& c) { return std::make_shared<ZeroPadding>("ZeroPadding2D", 2, c); }});
  r.add({.name = "ZeroPadding3D",
         .category = "Reshaping",
         .doc = "Adds zeros around 3D volumes.",
         .params = {{.name = "padding", .type = ParamType::Any, .default_value = Config::array({one, one, one}),
                     .doc = "An int, one int per axis (symmetric) or ((before, after), ...) for the three axes."},
                    spatial::data_format_param()},
         .create = [](const Config& c) { return std::make_shared<ZeroPadding>("ZeroPadding3D", 3, c); }});
}

}  // namespace cornu
