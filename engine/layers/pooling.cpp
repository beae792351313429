// MaxPooling1D/2D/3D and AveragePooling1D/2D/3D: the max or mean of each pool_size window, moved by
// strides (None: pool_size). 'valid' keeps whole windows only; 'same' pads so that out = ceil(in / stride),
// the extra split as XLA does (the smaller half before), and an average counts only real elements.
// https://keras.io/api/layers/pooling_layers/
#include "core/error.h"
#include "layers/layer.h"
#include "layers/spatial_layers.h"

namespace cornu {

namespace {

class Pooling final : public Layer {
 public:
  Pooling(const std::string& class_name, int rank, Backend::PoolKind kind, Config config)
      : Layer(class_name, std::move(config)), rank_(rank), kind_(kind) {
    const std::string what = class_name + " '" + name() + "': ";
    pool_size_ = spatial::int_tuple(param("pool_size"), rank, what + "pool_size", 1);
    strides_ = param("strides").is_null() ? pool_size_ : spatial::int_tuple(param("strides"), rank, what + "strides", 1);
    same_ = param("padding") == "same";
    spatial::require_channels_last(params_, class_name, name());
    params_["pool_size"] = pool_size_;  // as Keras writes them: one value per axis
    params_["strides"] = strides_;
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    const Shape& in = inputs[0];
    spatial::expect_spatial_input(class_name(), name(), in, rank_);
    Shape out = in;
    for (int a = 0; a < rank_; ++a) {
      const int64_t size = in[a + 1];
      if (size == Shape::kNone) continue;
      if (same_) {
        out[a + 1] = (size + strides_[a] - 1) / strides_[a];
      } else if (size < pool_size_[a]) {
        throw ShapeError(class_name() + " '" + name() + "': its pool of " + std::to_string(pool_size_[a]) +
                         " does not fit in axis " + std::to_string(a + 1) + " of its input " + in.to_string() +
                         ", which has only " + std::to_string(size) + " elements. Use a pool_size of at most " +
                         std::to_string(size) + ", or padding='same'.");
      } else {
        out[a + 1] = (size - pool_size_[a]) / strides_[a] + 1;
      }
    }
    return {out};
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    ctx.backend().pool(kind_, geometry(x[0]->shape(), y[0]->shape()), x[0]->data(), y[0]->data());
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (dx[0])
      ctx.backend().pool_backward(kind_, geometry(x[0]->shape(), y[0]->shape()), x[0]->data(), dy[0]->data(),
                                  dx[0]->data());
  }

 private:
  Backend::PoolGeometry geometry(const Shape& in, const Shape& out) const {
    Backend::PoolGeometry g;
    g.batch = in[0];
    g.channels = in[-1];
    for (int a = 0; a < rank_; ++a) {
      const int axis = 3 - rank_ + a;  // 1D and 2D use the last spatial axes, so runs stay long
      g.in[axis] = in[a + 1];
      g.out[axis] = out[a + 1];
      g.window[axis] = pool_size_[a];
      g.stride[axis] = strides_[a];
      if (same_) {
        const int64_t total = std::max<int64_t>((out[a + 1] - 1) * strides_[a] + pool_size_[a] - in[a + 1], 0);
        g.pad_before[axis] = total / 2;
      }
    }
    return g;
  }

  int rank_;
  Backend::PoolKind kind_;
  std::vector<int64_t> pool_size_, strides_;
  bool same_ = false;
};

void register_pooling_layer(LayerRegistry& r, const std::string& name, const std::string& alias, int rank,
                            Backend::PoolKind kind) {
  const std::string what = kind == Backend::PoolKind::Max ? "Max" : "Average";
  const std::string axes = rank == 1 ? "temporal" : rank == 2 ? "spatial" : "3D (spatial or spatio-temporal)";
  Config default_pool = rank == 1 ? Config(2) : Config(std::vector<int64_t>(static_cast<size_t>(rank), 2));
  r.add({.name = name,
         .aliases = {alias},
         .category = "Pooling",
         .doc = what + " pooling over " + axes + " windows of channels_last inputs.",
         .params = {{.name = "pool_size", .type = ParamType::IntOrTuple, .default_value = default_pool,
                     .doc = "Size of the pooling window on each spatial axis (an int: the same on every axis).",
                     .minimum = 1},
                    {.name = "strides", .type = ParamType::IntOrTuple, .default_value = nullptr,
                     .doc = "Step between windows on each axis (None: pool_size).", .minimum = 1, .nullable = true},
                    {.name = "padding", .type = ParamType::Enum, .default_value = "valid",
                     .doc = "'valid': whole windows only; 'same': pads so that the output is ceil(input / strides).",
                     .choices = {"valid", "same"}},
                    spatial::data_format_param()},
         .create = [name, rank, kind](const Config& c) { return std::make_shared<Pooling>(name, rank, kind, c); }});
}

}  // namespace

void register_pooling(LayerRegistry& r) {
  using Kind = Backend::PoolKind;
  register_pooling_layer(r, "MaxPooling1D", "MaxPool1D", 1, Kind::Max);
  register_pooling_layer(r, "MaxPooling2D", "MaxPool2D", 2, Kind::Max);
  register_pooling_layer(r, "MaxPooling3D", "MaxPool3D", 3, Kind::Max);
  register_pooling_layer(r, "AveragePooling1D", "AvgPool1D", 1, Kind::Average);
  register_pooling_layer(r, "AveragePooling2D", "AvgPool2D", 2, Kind::Average);
  register_pooling_layer(r, "AveragePooling3D", "AvgPool3D", 3, Kind::Average);
}

}  // namespace cornu
