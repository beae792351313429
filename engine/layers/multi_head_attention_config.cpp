// MultiHeadAttention's parameters, shapes, weights and registry entry (the maths: multi_head_attention.cpp).
#include <cmath>

#include "core/error.h"
#include "layers/multi_head_attention.h"

namespace cornu {

MultiHeadAttention::MultiHeadAttention(Config config) : Layer("MultiHeadAttention", std::move(config)) {
  supports_masking_ = true;  // the output keeps the query's mask
  heads_ = param("num_heads").get<int64_t>();
  key_dim_ = param("key_dim").get<int64_t>();
  value_dim_ = param("value_dim").is_null() ? key_dim_ : param("value_dim").get<int64_t>();
  scale_ = static_cast<float>(1.0 / std::sqrt(static_cast<double>(key_dim_)));
  dropout_ = param("dropout").get<float>();
  use_bias_ = param("use_bias").get<bool>();
  causal_ = param("use_causal_mask").get<bool>();
  const std::string who = "MultiHeadAttention '" + name() + "'";
  const Config& shape = param("output_shape");
  if (shape.is_number_integer()) output_shape_ = {shape.get<int64_t>()};
  else if (shape.is_array()) for (const auto& d : shape) output_shape_.push_back(d.is_number_integer() ? d.get<int64_t>() : 0);
  else if (!shape.is_null()) throw ValueError(who + ": output_shape must be an integer, a list of integers or None.");
  for (int64_t d : output_shape_)
    if (d <= 0 || d > (int64_t{1} << 30)) throw ValueError(who + ": output_shape " + shape.dump() + " holds a size that is not a positive integer.");
  // attention_axes: Keras writes the axes it resolved ([1] for (batch, time, features) inputs).
  const Config& axes = param("attention_axes");
  const bool default_axes = axes.is_null() || axes == Config(1) || axes == Config(-2) || axes == Config::array({1}) ||
                            axes == Config::array({-2});
  if (!default_axes)
    throw ValueError(who + ": attention_axes " + axes.dump() + " is not supported yet: Cornu attends over the time " +
                     "axis of (batch, time, features) inputs only. Set attention_axes to None.");
  if (param("use_gate").get<bool>()) throw ValueError(who + ": gated attention (use_gate) is not supported yet.");
  if (!param("sliding_window").is_null()) throw ValueError(who + ": sliding_window is not supported yet; set it to None.");
  if (!param("activity_regularizer").is_null())
    throw ValueError(who + ": activity_regularizer is not supported yet; set it to None.");
}

Shapes MultiHeadAttention::compute_output_shape(const Shapes& inputs) const {
  expect_inputs(name(), inputs, 2, 3);
  const std::string hint = "MultiHeadAttention takes query, value and optionally key, each of shape (batch, time, "
                           "features); Cornu does not attend over several axes yet.";
  for (const auto& s : inputs) expect_rank(name(), s, 3, 3, hint);
  const Shape &q = inputs[0], &v = inputs[1], &k = inputs.size() > 2 ? inputs[2] : inputs[1];
  if (v[1] != Shape::kNone && k[1] != Shape::kNone && v[1] != k[1])
    throw ShapeError("MultiHeadAttention '" + name() + "': the value " + v.to_string() + " and the key " +
                     k.to_string() + " must have the same number of time steps.");
  for (const Shape* s : {&q, &v, &k})
    if ((*s)[2] == Shape::kNone)
      throw ShapeError("MultiHeadAttention '" + name() + "' needs to know the feature size of its inputs to create " +
                       "its kernels, but it received " + s->to_string() + ". Give that axis a size in the Input shape.");
  std::vector<int64_t> out{q[0], q[1]};
  for (int64_t d : output_dims(q)) out.push_back(d);
  return {Shape(std::move(out))};
}

std::vector<int64_t> MultiHeadAttention::output_dims(const Shape& query) const {
  return output_shape_.empty() ? std::vector<int64_t>{query[2]} : output_shape_;
}

int64_t MultiHeadAttention::output_size() const {
  int64_t n = 1;
  for (int64_t d : output_shape_.empty() ? std::vector<int64_t>{query_dim_} : output_shape_) n *= d;
  return n;
}

int64_t MultiHeadAttention::count_macs(const Shapes& inputs, const Shapes&) const {
  auto known = [](int64_t d) { return d == Shape::kNone ? int64_t{1} : d; };
  const Shape &q = inputs[0], &v = inputs[1], &k = inputs.size() > 2 ? inputs[2] : inputs[1];
  const int64_t t = known(q[1]), s = known(v[1]), hk = heads_ * key_dim_, hv = heads_ * value_dim_;
  int64_t out = 1;
  for (int64_t d : output_dims(q)) out = mul_saturated(out, d);
  const int64_t projections = mul_saturated(t, q[2] * hk + hv * out) + mul_saturated(s, k[2] * hk + v[2] * hv);
  return projections + mul_saturated(mul_saturated(t, s), hk + hv);
}

void MultiHeadAttention::build_weights(const Shapes& inputs, uint64_t seed_key) {
  const Shape &q = inputs[0], &v = inputs[1], &k = inputs.size() > 2 ? inputs[2] : inputs[1];
  query_dim_ = q[2];
  output_size_ = output_size();
  auto dense = [&](const Shape& kernel_shape, const Shape& bias_shape) {
    add_weight("kernel", kernel_shape, param("kernel_initializer"), seed_key, param("kernel_regularizer"),
               param("kernel_constraint"));
    if (use_bias_)
      add_weight("bias", bias_shape, param("bias_initializer"), seed_key, param("bias_regularizer"),
                 param("bias_constraint"));
  };
  dense(Shape{q[2], heads_, key_dim_}, Shape{heads_, key_dim_});
  dense(Shape{k[2], heads_, key_dim_}, Shape{heads_, key_dim_});
  dense(Shape{v[2], heads_, value_dim_}, Shape{heads_, value_dim_});
  std::vector<int64_t> kernel{heads_, value_dim_};
  for (int64_t d : output_dims(q)) kernel.push_back(d);
  dense(Shape(std::move(kernel)), Shape(output_dims(q)));
}

std::vector<Layer::WeightGroup> MultiHeadAttention::keras_weight_groups() {
  std::vector<WeightGroup> groups{{"", name(), {}}};
  const char* paths[] = {"query_dense", "key_dense", "value_dense", "output_dense"};
  const char* names[] = {"query", "key", "value", "attention_output"};
  for (int i = 0; i < 4; ++i) {
    WeightGroup g{paths[i], names[i], {&kernel(i)}};
    if (use_bias_) g.variables.push_back(&bias(i));
    groups.push_back(std::move(g));
  }
  return groups;
}

void register_multi_head_attention(LayerRegistry& r) {
  r.add({.name = "MultiHeadAttention",
         .category = "Attention",
         .doc = "Multi-head attention (Vaswani et al.): query, value and optionally key, each (batch, time, features).",
         .params = {{.name = "num_heads", .type = ParamType::Int, .doc = "Number of attention heads.", .minimum = 1,
                     .required = true},
                    {.name = "key_dim", .type = ParamType::Int, .doc = "Size of each head for query and key.",
                     .minimum = 1, .required = true},
                    {.name = "value_dim", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Size of each head for value (None: key_dim).", .minimum = 1, .nullable = true},
                    {.name = "dropout", .type = ParamType::Float, .default_value = 0.0,
                     .doc = "Fraction of the attention weights to drop in training.", .minimum = 0.0, .maximum = 0.999},
                    {.name = "use_bias", .type = ParamType::Bool, .default_value = true,
                     .doc = "Whether the projections add biases."},
                    {.name = "output_shape", .type = ParamType::Any, .default_value = nullptr,
                     .doc = "Feature shape of the output, an integer or a tuple (None: the query's feature size)."},
                    {.name = "attention_axes", .type = ParamType::Any, .default_value = nullptr,
                     .doc = "Axes attention runs over (only None, the time axis, is supported)."},
                    {.name = "use_gate", .type = ParamType::Bool, .default_value = false,
                     .doc = "Gated attention (not supported yet: must be False)."},
                    {.name = "sliding_window", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Local attention window (not supported yet: must be None).", .nullable = true},
                    {.name = "kernel_initializer", .type = ParamType::Initializer, .default_value = "glorot_uniform",
                     .doc = "Initializer for the four projection kernels."},
                    {.name = "bias_initializer", .type = ParamType::Initializer, .default_value = "zeros",
                     .doc = "Initializer for the projection biases."},
                    {.name = "kernel_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                     .doc = "Regularizer applied to each kernel."},
                    {.name = "bias_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                     .doc = "Regularizer applied to each bias."},
                    {.name = "activity_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                     .doc = "Regularizer of the projections' outputs (not supported yet: must be None)."},
                    {.name = "kernel_constraint", .type = ParamType::Constraint, .default_value = nullptr,
                     .doc = "Constraint applied to each kernel after each update."},
                    {.name = "bias_constraint", .type = ParamType::Constraint, .default_value = nullptr,
                     .doc = "Constraint applied to each bias after each update."},
                    {.name = "seed", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Seed of the dropout draws.", .nullable = true},
                    {.name = "use_causal_mask", .type = ParamType::Bool, .default_value = false,
                     .doc = "Keras's call argument use_causal_mask (written to the call in Keras files): position i "
                            "attends to positions j <= i only, for decoder self-attention."}},
         .min_inputs = 2,
         .max_inputs = 3,
         .create = [](const Config& c) { return std::make_shared<MultiHeadAttention>(c); }});
}

}  // namespace cornu
