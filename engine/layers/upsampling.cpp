// UpSampling1D/2D/3D: each spatial axis grows `size` times, each element repeated (nearest); UpSampling2D
// can also interpolate bilinearly, as Keras does through jax.image.resize (half-pixel centres, edges clamped).
// https://keras.io/api/layers/reshaping_layers/up_sampling2d/
#include "core/error.h"
#include "layers/layer.h"
#include "layers/spatial_layers.h"

namespace cornu {

namespace {

class UpSampling final : public Layer {
 public:
  UpSampling(const std::string& class_name, int rank, Config config)
      : Layer(class_name, std::move(config)), rank_(rank) {
    size_ = spatial::int_tuple(param("size"), rank, class_name + " '" + name() + "': size", 1);
    if (rank > 1) {
      spatial::require_channels_last(params_, class_name, name());
      params_["size"] = size_;  // Keras writes one value per axis (UpSampling1D keeps its int)
    }
    if (params_.contains("interpolation")) {
      const std::string how = param("interpolation").get<std::string>();
      if (how != "nearest" && how != "bilinear")
        throw ValueError(class_name + " '" + name() + "': interpolation '" + how +
                         "' is not supported yet. Use 'nearest' or 'bilinear'.");
      if (how == "bilinear") kind_ = Backend::ResizeKind::Linear;
    }
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    spatial::expect_spatial_input(class_name(), name(), inputs[0], rank_);
    Shape out = inputs[0];
    for (int a = 0; a < rank_; ++a)
      if (out[a + 1] != Shape::kNone) out[a + 1] = mul_saturated(out[a + 1], size_[a]);
    return {out};
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    ctx.backend().upsample(kind_, geometry(x[0]->shape()), x[0]->data(), y[0]->data());
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (dx[0]) ctx.backend().upsample_backward(kind_, geometry(x[0]->shape()), dy[0]->data(), dx[0]->data());
  }

 private:
  Backend::ResizeGeometry geometry(const Shape& in) const {
    Backend::ResizeGeometry g;
    g.batch = in[0];
    g.channels = in[-1];
    for (int a = 0; a < rank_; ++a) {
      g.in[3 - rank_ + a] = in[a + 1];
      g.factor[3 - rank_ + a] = size_[a];
    }
    return g;
  }

  int rank_;
  std::vector<int64_t> size_;
  Backend::ResizeKind kind_ = Backend::ResizeKind::Nearest;
};

ParamSpec size_param(int rank) {
  if (rank == 1)
    return {.name = "size", .type = ParamType::Int, .default_value = 2, .doc = "How many times each step is repeated.",
            .minimum = 1};
  return {.name = "size", .type = ParamType::IntOrTuple, .default_value = std::vector<int64_t>(size_t(rank), 2),
          .doc = "Upsampling factor on each spatial axis (an int: the same on every axis).", .minimum = 1};
}

}  // namespace

void register_upsampling(LayerRegistry& r) {
  r.add({.name = "UpSampling1D",
         .category = "Reshaping",
         .doc = "Repeats each time step `size` times along the time axis.",
         .params = {size_param(1)},
         .create = [](const Config& c) { return std::make_shared<UpSampling>("UpSampling1D", 1, c); }});
  r.add({.name = "UpSampling2D",
         .category = "Reshaping",
         .doc = "Enlarges images `size` times on each axis, by repetition or bilinear interpolation.",
         .params = {size_param(2), spatial::data_format_param(),
                    {.name = "interpolation", .type = ParamType::Enum, .default_value = "nearest",
                     .doc = "'nearest' repeats pixels; 'bilinear' interpolates (others are not supported yet).",
                     .choices = {"nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area"}}},
         .create = [](const Config& c) { return std::make_shared<UpSampling>("UpSampling2D", 2, c); }});
  r.add({.name = "UpSampling3D",
         .category = "Reshaping",
         .doc = "Enlarges volumes `size` times on each axis by repeating each element.",
         .params = {size_param(3), spatial::data_format_param()},
         .create = [](const Config& c) { return std::make_shared<UpSampling>("UpSampling3D", 3, c); }});
}

}  // namespace cornu
