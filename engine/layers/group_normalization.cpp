// GroupNormalization: the channels split into `groups`; each sample's groups normalized over their channels and
// every spatial position (Wu & He, 2018), then gamma and beta per channel. groups=-1: one group per channel
// (instance normalization); groups=1: the whole sample (layer normalization over every axis).
// https://keras.io/api/layers/normalization_layers/group_normalization/
#include "core/error.h"
#include "layers/layer.h"
#include "layers/normalization.h"

namespace cornu {

namespace {


class GroupNormalization final : public Layer {
 public:
  explicit GroupNormalization(Config config) : Layer("GroupNormalization", std::move(config)) {
    supports_masking_ = true;
    groups_ = param("groups").get<int64_t>();
    if (groups_ == 0 || groups_ < -1)
      throw ValueError(what() + ": groups must be a positive number, or -1 for one group per channel; it is " +
                       std::to_string(groups_) + ".");
    const Config& axis = param("axis");
    if (!axis.is_number_integer() || axis.get<int>() != -1)
      throw ValueError(what() + ": Cornu groups the last axis (axis=-1, channels_last), but axis is " + axis.dump() +
                       ". Put the channels last with a Permute layer first.");
    epsilon_ = param("epsilon").get<float>();
    center_ = param("center").get<bool>();
    scale_ = param("scale").get<bool>();
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    const Shape& in = inputs[0];
    if (in.rank() < 2) throw ShapeError(what() + " expects (batch, ..., channels), but it received " + in.to_string() + ".");
    const int64_t channels = normalization::axes_size(in, {in.rank() - 1}, what());
    if (channels % group_count(channels) != 0)
      throw ShapeError(what() + ": its input has " + std::to_string(channels) + " channels, which " +
                       std::to_string(groups_) + " groups cannot split evenly. Choose groups that divide " +
                       std::to_string(channels) + ".");
    return {in};
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    normalization::forward_with_own_statistics(ctx, geometry(*x[0]), *x[0], *y[0], gamma(), beta());
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    normalization::backward_with_own_statistics(ctx, geometry(*x[0]), *x[0], *dy[0], dx[0], gamma(), beta());
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    const Shape channels{inputs[0][-1]};
    if (scale_)
      add_weight("gamma", channels, param("gamma_initializer"), seed_key, param("gamma_regularizer"),
                 param("gamma_constraint"));
    if (center_)
      add_weight("beta", channels, param("beta_initializer"), seed_key, param("beta_regularizer"),
                 param("beta_constraint"));
  }

 private:
  std::string what() const { return "GroupNormalization '" + name() + "'"; }
  int64_t group_count(int64_t channels) const { return groups_ == -1 ? channels : groups_; }

  // (batch, positions, groups, channels per group): statistics per sample and group.
  Backend::NormGeometry geometry(const Tensor& x) const {
    const int64_t channels = x.shape()[-1], batch = x.shape()[0], groups = group_count(channels);
    return {.outer = batch, .reduce_outer = x.size() / (batch * channels), .groups = groups,
            .reduce_inner = channels / groups, .epsilon = epsilon_};
  }

  Variable* gamma() { return scale_ ? &variables()[0] : nullptr; }
  Variable* beta() { return center_ ? &variables()[scale_ ? 1 : 0] : nullptr; }

  int64_t groups_ = 32;
  float epsilon_ = 1e-3f;
  bool center_ = true, scale_ = true;
};

}  // namespace

void register_group_normalization(LayerRegistry& r) {
  std::vector<ParamSpec> params{
      {.name = "groups", .type = ParamType::Int, .default_value = 32,
       .doc = "Groups the channels are split into (-1: one per channel, instance normalization).", .minimum = -1},
      {.name = "axis", .type = ParamType::Int, .default_value = -1,
       .doc = "The channels axis (Cornu: the last, -1)."}};
  for (auto& p : normalization::affine_params()) params.push_back(std::move(p));
  r.add({.name = "GroupNormalization",
         .category = "Normalization",
         .doc = "Normalizes groups of channels of each sample (Wu & He, 2018), independent of the batch.",
         .params = std::move(params),
         .create = [](const Config& c) { return std::make_shared<GroupNormalization>(c); }});
}

}  // namespace cornu
