// MultiHeadAttention: query (B, T, dq), value (B, S, dv), key (B, S, dk) = value if absent, each projected per
// head (kernels (d, heads, key_dim or value_dim) as Keras's EinsumDense), softmax(q·k^T / sqrt(key_dim)) per head
// over S, times v, and the heads projected back to (B, T, *output_shape) (default: dq).
// https://keras.io/api/layers/attention_layers/multi_head_attention/
#include "core/error.h"
#include "layers/multi_head_attention.h"

namespace cornu {

namespace {
// Keras's masked scores before the softmax (its Softmax layer and JAX both leave those weights at 0).
constexpr float kMaskedScore = -1.0e9f;
enum Slot { kQ, kK, kV, kWeights, kDropped, kDropMask, kHeads, kKeyMask, kHeadsGrad, kWeightsGrad, kScoresGrad,
            kQGrad, kKGrad, kVGrad };
}  // namespace

void MultiHeadAttention::forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) {
  Backend& b = ctx.backend();
  const Dims d = dims(x);
  const Tensor* key = x.size() > 2 ? x[2] : x[1];
  float* q = project(b, *x[0], 0, ctx.scratch(kQ, shapes_.get(0, {d.batch, d.t, heads_ * key_dim_})));
  float* k = project(b, *key, 1, ctx.scratch(kK, shapes_.get(1, {d.batch, d.s, heads_ * key_dim_})));
  float* v = project(b, *x[1], 2, ctx.scratch(kV, shapes_.get(2, {d.batch, d.s, heads_ * value_dim_})));
  const Shape& score_shape = shapes_.get(3, {d.batch, heads_, d.t, d.s});
  float* weights = ctx.scratch(kWeights, score_shape).data();
  for (int64_t h = 0; h < heads_; ++h)  // scores_h (T, S) = q_h (T, K) · k_h^T / sqrt(K)
    b.gemm_strided_batched(false, true, d.t, d.s, key_dim_, scale_, q + h * key_dim_, heads_ * key_dim_,
                           d.t * heads_ * key_dim_, k + h * key_dim_, heads_ * key_dim_, d.s * heads_ * key_dim_, 0.0f,
                           weights + h * d.t * d.s, d.s, heads_ * d.t * d.s, d.batch);
  const Masks m = masks(ctx, d);
  if (m.any) b.attention_mask(weights, m.query, m.key, causal_, false, kMaskedScore, d.batch, heads_, d.t, d.s);
  b.softmax(weights, weights, d.batch * heads_ * d.t, d.s);
  // With dropout, Keras's explicit path zeroes the weights of masked positions (rows wholly masked included);
  // without, its fused dot_product_attention leaves such rows uniform.
  if (m.any && dropout_ > 0) b.attention_mask(weights, m.query, m.key, causal_, false, 0.0f, d.batch, heads_, d.t, d.s);
  const float* used = weights;
  if (ctx.training && dropout_ > 0) {
    float* dropped = ctx.scratch(kDropped, score_shape).data();
    b.dropout(weights, dropped, ctx.scratch(kDropMask, score_shape).data(), score_shape.size(), dropout_,
              ctx.random_key());
    used = dropped;
  }
  float* o = ctx.scratch(kHeads, shapes_.get(4, {d.batch, d.t, heads_ * value_dim_})).data();
  for (int64_t h = 0; h < heads_; ++h)  // o_h (T, Vd) = weights_h (T, S) · v_h (S, Vd)
    b.gemm_strided_batched(false, false, d.t, value_dim_, d.s, 1.0f, used + h * d.t * d.s, d.s, heads_ * d.t * d.s,
                           v + h * value_dim_, heads_ * value_dim_, d.s * heads_ * value_dim_, 0.0f, o + h * value_dim_,
                           heads_ * value_dim_, d.t * heads_ * value_dim_, d.batch);
  const int64_t rows = d.batch * d.t, out = output_size_, in = heads_ * value_dim_;
  b.gemm(false, false, rows, out, in, 1.0f, o, in, kernel(3).value.data(), out, 0.0f, y[0]->data(), out);
  if (use_bias_) b.add_row_vector(y[0]->data(), bias(3).value.data(), rows, out);
}

void MultiHeadAttention::backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                                  const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) {
  Backend& b = ctx.backend();
  const Dims d = dims(x);
  const int64_t hk = heads_ * key_dim_, hv = heads_ * value_dim_, rows = d.batch * d.t;
  const Shape& score_shape = shapes_.get(3, {d.batch, heads_, d.t, d.s});
  const float* q = ctx.scratch(kQ, shapes_.get(0, {d.batch, d.t, heads_ * key_dim_})).data();
  const float* k = ctx.scratch(kK, shapes_.get(1, {d.batch, d.s, heads_ * key_dim_})).data();
  const float* v = ctx.scratch(kV, shapes_.get(2, {d.batch, d.s, heads_ * value_dim_})).data();
  const float* o = ctx.scratch(kHeads, shapes_.get(4, {d.batch, d.t, heads_ * value_dim_})).data();
  const float* weights = ctx.scratch(kWeights, score_shape).data();
  const bool dropped = ctx.training && dropout_ > 0;
  const float* used = dropped ? ctx.scratch(kDropped, score_shape).data() : weights;
  // The output projection: do (B*T, H*Vd) = dy · Wo^T.
  float* grad_o = ctx.scratch(kHeadsGrad, shapes_.get(4, {d.batch, d.t, heads_ * value_dim_})).data();
  project_backward(b, o, dy[0]->data(), 3, rows, hv, grad_o, false);
  float* grad_weights = ctx.scratch(kWeightsGrad, score_shape).data();
  float* grad_v = ctx.scratch(kVGrad, shapes_.get(2, {d.batch, d.s, heads_ * value_dim_})).data();
  for (int64_t h = 0; h < heads_; ++h) {  // dweights_h = do_h · v_h^T; dv_h = weights_h^T · do_h
    b.gemm_strided_batched(false, true, d.t, d.s, value_dim_, 1.0f, grad_o + h * value_dim_, hv, d.t * hv,
                           v + h * value_dim_, hv, d.s * hv, 0.0f, grad_weights + h * d.t * d.s, d.s,
                           heads_ * d.t * d.s, d.batch);
    b.gemm_strided_batched(true, false, d.s, value_dim_, d.t, 1.0f, used + h * d.t * d.s, d.s, heads_ * d.t * d.s,
                           grad_o + h * value_dim_, hv, d.t * hv, 0.0f, grad_v + h * value_dim_, hv, d.s * hv, d.batch);
  }
  if (dropped)
    b.binary(BinaryOp::Mul, grad_weights, ctx.scratch(kDropMask, score_shape).data(), grad_weights,
             score_shape.size());
  float* grad_scores = ctx.scratch(kScoresGrad, score_shape).data();
  b.fill(grad_scores, score_shape.size(), 0.0f);
  b.softmax_backward(weights, grad_weights, grad_scores, d.batch * heads_ * d.t, d.s);
  // Masked scores were replaced by a constant: no gradient reaches them (rows wholly masked included).
  const Masks m = masks(ctx, d);
  if (m.any) b.attention_mask(grad_scores, m.query, m.key, causal_, false, 0.0f, d.batch, heads_, d.t, d.s);
  float* grad_q = ctx.scratch(kQGrad, shapes_.get(0, {d.batch, d.t, heads_ * key_dim_})).data();
  float* grad_k = ctx.scratch(kKGrad, shapes_.get(1, {d.batch, d.s, heads_ * key_dim_})).data();
  for (int64_t h = 0; h < heads_; ++h) {  // dq_h = dscores_h · k_h / sqrt(K); dk_h = dscores_h^T · q_h / sqrt(K)
    b.gemm_strided_batched(false, false, d.t, key_dim_, d.s, scale_, grad_scores + h * d.t * d.s, d.s,
                           heads_ * d.t * d.s, k + h * key_dim_, hk, d.s * hk, 0.0f, grad_q + h * key_dim_, hk,
                           d.t * hk, d.batch);
    b.gemm_strided_batched(true, false, d.s, key_dim_, d.t, scale_, grad_scores + h * d.t * d.s, d.s,
                           heads_ * d.t * d.s, q + h * key_dim_, hk, d.t * hk, 0.0f, grad_k + h * key_dim_, hk,
                           d.s * hk, d.batch);
  }
  const Tensor* key = x.size() > 2 ? x[2] : x[1];
  Tensor* grad_key = x.size() > 2 ? dx[2] : dx[1];
  project_backward(b, x[0]->data(), grad_q, 0, rows, x[0]->shape()[2], dx[0] ? dx[0]->data() : nullptr, true);
  project_backward(b, key->data(), grad_k, 1, d.batch * d.s, key->shape()[2], grad_key ? grad_key->data() : nullptr,
                   true);
  project_backward(b, x[1]->data(), grad_v, 2, d.batch * d.s, x[1]->shape()[2], dx[1] ? dx[1]->data() : nullptr, true);
}

float* MultiHeadAttention::project(Backend& b, const Tensor& x, int which, Tensor& y) {
  const int64_t in = x.shape()[-1], rows = x.size() / in, out = y.shape()[-1];
  b.gemm(false, false, rows, out, in, 1.0f, x.data(), in, kernel(which).value.data(), out, 0.0f, y.data(), out);
  if (use_bias_) b.add_row_vector(y.data(), bias(which).value.data(), rows, out);
  return y.data();
}

void MultiHeadAttention::project_backward(Backend& b, const float* x, const float* grad_y, int which, int64_t rows,
                                          int64_t in, float* grad_x, bool accumulate) {
  Variable& w = kernel(which);
  const int64_t out = w.value.size() / in;
  if (w.trainable)  // dW (in, out) += x^T · dy
    b.gemm(true, false, in, out, rows, 1.0f, x, in, grad_y, out, 1.0f, w.grad.data(), out);
  if (use_bias_ && bias(which).trainable) b.sum_rows(grad_y, bias(which).grad.data(), rows, out, 1.0f);
  if (grad_x)  // dx (rows, in) (+)= dy · W^T
    b.gemm(false, true, rows, in, out, 1.0f, grad_y, out, w.value.data(), out, accumulate ? 1.0f : 0.0f, grad_x, in);
}

MultiHeadAttention::Masks MultiHeadAttention::masks(Context& ctx, const Dims& d) {
  Masks m;
  const Tensor* query = ctx.input_mask(0);
  const Tensor* value = ctx.input_mask(1);
  const Tensor* key = ctx.input_mask(2);
  m.query = query ? query->data() : nullptr;
  m.key = value ? value->data() : key ? key->data() : nullptr;
  if (value && key) {  // both masks apply to the same S positions
    float* both = ctx.scratch(kKeyMask, shapes_.get(5, {d.batch, d.s})).data();
    ctx.backend().binary(BinaryOp::Mul, value->data(), key->data(), both, d.batch * d.s);
    m.key = both;
  }
  m.any = m.query || m.key || causal_;
  return m;
}

}  // namespace cornu
