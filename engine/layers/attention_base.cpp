#include "layers/attention_base.h"

#include "core/error.h"

namespace cornu {

namespace {
// Scratch slots of a call (subclasses use theirs from kFirstSubclassSlot on).
enum Slot { kScores, kWeights, kDropped, kDropMask, kOutputGrad, kWeightsGrad, kScoresGrad };
}  // namespace

std::vector<ParamSpec> attention_common_params(bool use_scale_default) {
  return {{.name = "use_scale", .type = ParamType::Bool, .default_value = use_scale_default,
           .doc = "Whether to learn a scale for the attention scores."},
          {.name = "dropout", .type = ParamType::Float, .default_value = 0.0,
           .doc = "Fraction of the attention weights to drop in training.", .minimum = 0.0, .maximum = 0.999},
          {.name = "seed", .type = ParamType::Int, .default_value = nullptr, .doc = "Seed of the dropout draws.",
           .nullable = true},
          {.name = "use_causal_mask", .type = ParamType::Bool, .default_value = false,
           .doc = "Keras's call argument use_causal_mask (written to the call in Keras files): position i attends to "
                  "positions j <= i only, for decoder self-attention."}};
}

AttentionBase::AttentionBase(std::string class_name, Config config) : Layer(std::move(class_name), std::move(config)) {
  supports_masking_ = true;  // the output keeps the query's mask (Keras's compute_mask returns mask[0])
  dropout_ = param("dropout").get<float>();
  causal_ = param("use_causal_mask").get<bool>();
}

Shapes AttentionBase::compute_output_shape(const Shapes& inputs) const {
  expect_inputs(name(), inputs, 2, 3);
  const std::string hint = "Attention works on sequences: give it [query, value] or [query, value, key], each of "
                           "shape (batch, time, features).";
  for (const auto& s : inputs) expect_rank(name(), s, 3, 3, hint);
  const Shape &q = inputs[0], &v = inputs[1], &k = inputs.size() > 2 ? inputs[2] : inputs[1];
  if (v[1] != Shape::kNone && k[1] != Shape::kNone && v[1] != k[1])
    throw ShapeError(class_name() + " '" + name() + "': the value " + v.to_string() + " and the key " + k.to_string() +
                     " must have the same number of time steps.");
  if (q[2] == Shape::kNone || k[2] == Shape::kNone || v[2] == Shape::kNone)
    throw ShapeError(class_name() + " '" + name() + "' needs to know the feature size of its inputs, but it received " +
                     q.to_string() + " and " + k.to_string() + ". Give that axis a size in the Input shape.");
  if (q[2] != k[2])
    throw ShapeError(class_name() + " '" + name() + "' compares each query with each key, so they need the same " +
                     "feature size, but the query is " + q.to_string() + " and the key " + k.to_string() +
                     ". Add a Dense layer to bring one to the other's size.");
  return {Shape{q[0], q[1], v[2]}};
}

int64_t AttentionBase::count_macs(const Shapes& inputs, const Shapes&) const {
  auto known = [](int64_t d) { return d == Shape::kNone ? int64_t{1} : d; };
  const int64_t pairs = mul_saturated(known(inputs[0][1]), known(inputs[1][1]));
  return mul_saturated(pairs, inputs[0][2] + inputs[1][2]);
}

void AttentionBase::forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) {
  Backend& b = ctx.backend();
  const Shape &qs = x[0]->shape(), &vs = x[1]->shape();
  const Dims d{qs[0], qs[1], vs[1], qs[2], vs[2]};
  const Shape& score_shape = shapes_.get(0, {d.batch, d.tq, d.tv});
  const int64_t n = score_shape.size();
  const float* key = (x.size() > 2 ? x[2] : x[1])->data();
  // Pointers, not Tensor&: a later scratch() call may move the Tensor objects (their memory stays put).
  float* scores = ctx.scratch(kScores, score_shape).data();
  compute_scores(ctx, d, x[0]->data(), key, scores);
  // Keras uses mask[1] (the value's) for the keys, whether or not a separate key is given.
  const Tensor* value_mask = ctx.input_mask(1);
  if (value_mask || causal_)
    b.attention_mask(scores, nullptr, value_mask ? value_mask->data() : nullptr, causal_, true, 0.0f, d.batch,
                     1, d.tq, d.tv);
  float* weights = ctx.scratch(kWeights, score_shape).data();
  b.softmax(scores, weights, d.batch * d.tq, d.tv);
  const float* used = weights;
  if (ctx.training && dropout_ > 0) {
    float* dropped = ctx.scratch(kDropped, score_shape).data();
    b.dropout(weights, dropped, ctx.scratch(kDropMask, score_shape).data(), n, dropout_, ctx.random_key());
    used = dropped;
  }
  // y (Tq, Dv) = weights (Tq, Tv) · value (Tv, Dv), per batch row.
  b.gemm_strided_batched(false, false, d.tq, d.value_dim, d.tv, 1.0f, used, d.tv, d.tq * d.tv, x[1]->data(),
                         d.value_dim, d.tv * d.value_dim, 0.0f, y[0]->data(), d.value_dim, d.tq * d.value_dim, d.batch);
  if (const Tensor* query_mask = ctx.input_mask(0))
    b.attention_mask(y[0]->data(), query_mask->data(), nullptr, false, false, 0.0f, d.batch, 1, d.tq, d.value_dim);
}

void AttentionBase::backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                             const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) {
  Backend& b = ctx.backend();
  const Shape &qs = x[0]->shape(), &vs = x[1]->shape();
  const Dims d{qs[0], qs[1], vs[1], qs[2], vs[2]};
  const Shape& score_shape = shapes_.get(0, {d.batch, d.tq, d.tv});
  const int64_t n = score_shape.size();
  const bool dropped = ctx.training && dropout_ > 0;
  const float* used = ctx.scratch(dropped ? kDropped : kWeights, score_shape).data();
  const float* grad_y = dy[0]->data();
  if (const Tensor* query_mask = ctx.input_mask(0)) {  // zeroed outputs pass no gradient
    float* g = ctx.scratch(kOutputGrad, dy[0]->shape()).data();
    b.copy(g, grad_y, static_cast<size_t>(dy[0]->size()) * sizeof(float));
    b.attention_mask(g, query_mask->data(), nullptr, false, false, 0.0f, d.batch, 1, d.tq, d.value_dim);
    grad_y = g;
  }
  // dweights (Tq, Tv) = dy (Tq, Dv) · value^T; dvalue (Tv, Dv) += weights^T · dy.
  float* grad_weights = ctx.scratch(kWeightsGrad, score_shape).data();
  b.gemm_strided_batched(false, true, d.tq, d.tv, d.value_dim, 1.0f, grad_y, d.value_dim, d.tq * d.value_dim,
                         x[1]->data(), d.value_dim, d.tv * d.value_dim, 0.0f, grad_weights, d.tv, d.tq * d.tv,
                         d.batch);
  if (dx[1])
    b.gemm_strided_batched(true, false, d.tv, d.value_dim, d.tq, 1.0f, used, d.tv, d.tq * d.tv, grad_y, d.value_dim,
                           d.tq * d.value_dim, 1.0f, dx[1]->data(), d.value_dim, d.tv * d.value_dim, d.batch);
  if (dropped)
    b.binary(BinaryOp::Mul, grad_weights, ctx.scratch(kDropMask, score_shape).data(), grad_weights, n);
  float* grad_scores = ctx.scratch(kScoresGrad, score_shape).data();
  b.fill(grad_scores, n, 0.0f);
  b.softmax_backward(ctx.scratch(kWeights, score_shape).data(), grad_weights, grad_scores,
                     d.batch * d.tq, d.tv);
  // Masking subtracted a constant: the gradient passes through unchanged.
  Tensor* grad_key = x.size() > 2 ? dx[2] : dx[1];
  scores_backward(ctx, d, x[0]->data(), (x.size() > 2 ? x[2] : x[1])->data(), grad_scores,
                  dx[0] ? dx[0]->data() : nullptr, grad_key ? grad_key->data() : nullptr);
}

}  // namespace cornu
