// BatchNormalization: y = (x - mean) / sqrt(variance + epsilon) * gamma + beta, per channel (the last axis).
// https://keras.io/api/layers/normalization_layers/batch_normalization/
// Training (and trainable): the batch's mean and biased variance, and the moving statistics move towards them
// by (1 - momentum). Inference, or a frozen layer (trainable=False, as in Keras 3): the moving statistics.
// A mask (batch, time) leaves the masked steps out of the batch statistics, as Keras's _moments.
#include "core/error.h"
#include "layers/layer.h"
#include "layers/normalization.h"

namespace cornu {

namespace {

enum Slot { kMean, kVariance };

class BatchNormalization final : public Layer {
 public:
  explicit BatchNormalization(Config config) : Layer("BatchNormalization", std::move(config)) {
    supports_masking_ = true;
    const std::string what = "BatchNormalization '" + name() + "'";
    momentum_ = param("momentum").get<float>();
    epsilon_ = param("epsilon").get<float>();
    center_ = param("center").get<bool>();
    scale_ = param("scale").get<bool>();
    if (param("synchronized").get<bool>())
      throw ValueError(what + ": synchronized=True needs several devices training together (TensorFlow only in "
                       "Keras); Cornu trains on one. Set synchronized to False.");
    if (param("renorm").get<bool>())
      throw ValueError(what + ": batch renormalization (renorm=True) is not supported yet. Set renorm to False.");
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    const Shape& in = inputs[0];
    if (in.rank() < 2)
      throw ShapeError("BatchNormalization '" + name() + "' expects (batch, ..., channels), but it received " +
                       in.to_string() + ".");
    channel_axis(in);
    return {in};
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const Backend::NormGeometry g = geometry(*x[0]);
    const float *mean = moving_mean().value.data(), *variance = moving_variance().value.data();
    if (uses_batch_statistics(ctx)) {
      float* batch_mean = ctx.scratch(kMean, Shape{g.groups}).data();
      float* batch_variance = ctx.scratch(kVariance, Shape{g.groups}).data();
      b.norm_moments(g, x[0]->data(), row_weights(ctx, g), batch_mean, batch_variance);
      for (auto [moving, batch] : {std::pair{&moving_mean(), batch_mean}, std::pair{&moving_variance(), batch_variance}}) {
        b.scale(g.groups, momentum_, moving->value.data());
        b.axpy(g.groups, 1.0f - momentum_, batch, moving->value.data());
      }
      mean = batch_mean, variance = batch_variance;
    }
    b.norm_apply(g, x[0]->data(), mean, variance, scale_ ? gamma().value.data() : nullptr,
                 center_ ? beta().value.data() : nullptr, y[0]->data());
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    const Backend::NormGeometry g = geometry(*x[0]);
    const bool batch = uses_batch_statistics(ctx);
    const float* mean = batch ? ctx.scratch(kMean, Shape{g.groups}).data() : moving_mean().value.data();
    const float* variance = batch ? ctx.scratch(kVariance, Shape{g.groups}).data() : moving_variance().value.data();
    float* dgamma = scale_ && gamma().trainable ? gamma().grad.data() : nullptr;
    float* dbeta = center_ && beta().trainable ? beta().grad.data() : nullptr;
    ctx.backend().norm_backward(g, x[0]->data(), batch ? row_weights(ctx, g) : nullptr, mean, variance,
                                scale_ ? gamma().value.data() : nullptr, dy[0]->data(),
                                dx[0] ? dx[0]->data() : nullptr, dgamma, dbeta, batch);
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    const Shape channels{inputs[0][channel_axis(inputs[0])]};
    if (scale_)
      add_weight("gamma", channels, param("gamma_initializer"), seed_key, param("gamma_regularizer"),
                 param("gamma_constraint"));
    if (center_)
      add_weight("beta", channels, param("beta_initializer"), seed_key, param("beta_regularizer"),
                 param("beta_constraint"));
    add_weight("moving_mean", channels, param("moving_mean_initializer"), seed_key, nullptr, nullptr, false);
    add_weight("moving_variance", channels, param("moving_variance_initializer"), seed_key, nullptr, nullptr, false);
  }

 private:
  // The axis must be the last (channels_last); its size must be known to create the weights.
  int channel_axis(const Shape& in) const {
    const Config& axis = param("axis");
    const Config last = axis.is_array() && axis.size() == 1 ? axis[0] : axis;  // Keras 2 wrote [3]
    const int rank = in.rank();
    if (!last.is_number_integer() || (last.get<int>() != -1 && last.get<int>() != rank - 1))
      throw ShapeError("BatchNormalization '" + name() + "' normalizes the last axis (axis=-1, channels_last), but "
                       "axis is " + axis.dump() + ". Put that axis last with a Permute layer first.");
    if (in[-1] == Shape::kNone)
      throw ShapeError("BatchNormalization '" + name() + "' needs to know its input's channels (last axis), but it "
                       "received " + in.to_string() + ". Give that axis a size in the Input shape.");
    return rank - 1;
  }

  Backend::NormGeometry geometry(const Tensor& x) const {
    const int64_t channels = x.shape()[-1];
    return {.outer = 1, .reduce_outer = x.size() / channels, .groups = channels, .reduce_inner = 1,
            .epsilon = epsilon_};
  }

  bool uses_batch_statistics(const Context& ctx) const { return ctx.training && trainable(); }

  // A (batch, time) mask weighs the rows of a (batch, time, channels) input.
  static const float* row_weights(const Context& ctx, const Backend::NormGeometry& g) {
    const Tensor* mask = ctx.input_mask(0);
    return mask && mask->size() == g.reduce_outer ? mask->data() : nullptr;
  }

  Variable& gamma() { return variables()[0]; }
  Variable& beta() { return variables()[scale_ ? 1 : 0]; }
  Variable& moving_mean() { return variables()[(scale_ ? 1 : 0) + (center_ ? 1 : 0)]; }
  Variable& moving_variance() { return variables()[(scale_ ? 1 : 0) + (center_ ? 1 : 0) + 1]; }

  float momentum_ = 0.99f, epsilon_ = 1e-3f;
  bool center_ = true, scale_ = true;
};

}  // namespace

void register_batch_normalization(LayerRegistry& r) {
  std::vector<ParamSpec> params{
      {.name = "axis", .type = ParamType::IntOrTuple, .default_value = -1,
       .doc = "The channels axis, normalized separately (Cornu: the last, -1)."},
      {.name = "momentum", .type = ParamType::Float, .default_value = 0.99,
       .doc = "How much of the moving statistics each training batch keeps.", .minimum = 0.0, .maximum = 1.0}};
  for (auto& p : normalization::affine_params()) params.push_back(std::move(p));
  params.push_back({.name = "moving_mean_initializer", .type = ParamType::Initializer, .default_value = "zeros",
                    .doc = "Initializer for the moving mean."});
  params.push_back({.name = "moving_variance_initializer", .type = ParamType::Initializer, .default_value = "ones",
                    .doc = "Initializer for the moving variance."});
  params.push_back({.name = "synchronized", .type = ParamType::Bool, .default_value = false,
                    .doc = "Synchronize the statistics across devices (not supported: False)."});
  params.push_back({.name = "renorm", .type = ParamType::Bool, .default_value = false,
                    .doc = "Batch renormalization (not supported yet: False)."});
  params.push_back({.name = "renorm_clipping", .type = ParamType::Any, .default_value = nullptr,
                    .doc = "Renormalization clipping (only with renorm).", .nullable = true});
  params.push_back({.name = "renorm_momentum", .type = ParamType::Float, .default_value = 0.99,
                    .doc = "Renormalization momentum (only with renorm)."});
  r.add({.name = "BatchNormalization",
         .category = "Normalization",
         .doc = "Normalizes each channel with the batch's statistics while training, moving averages after.",
         .params = std::move(params),
         .create = [](const Config& c) { return std::make_shared<BatchNormalization>(c); }});
}

}  // namespace cornu
