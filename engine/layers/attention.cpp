// Attention (Luong-style): scores = query · key^T ("dot", times a learned scalar `scale` with use_scale), or
// concat_score_weight * sum_d tanh(scale * (query + key)) ("concat"); the rest is AttentionBase.
// https://keras.io/api/layers/attention_layers/attention/
#include "core/error.h"
#include "layers/attention_base.h"

namespace cornu {

namespace {

enum Slot { kRawScores = AttentionBase::kFirstSubclassSlot, kRawScoresGrad, kScaledQuery, kScaledKey, kScaledQueryGrad,
            kScaledKeyGrad };

class Attention final : public AttentionBase {
 public:
  explicit Attention(Config config) : AttentionBase("Attention", std::move(config)) {
    use_scale_ = param("use_scale").get<bool>();
    concat_ = param("score_mode").get<std::string>() == "concat";
  }

 protected:
  void build_weights(const Shapes&, uint64_t seed_key) override {
    if (use_scale_) add_weight("scale", Shape{}, "ones", seed_key);
    if (concat_) add_weight("concat_score_weight", Shape{}, "ones", seed_key);
  }

  void compute_scores(Context& ctx, const Dims& d, const float* query, const float* key, float* scores) override {
    Backend& b = ctx.backend();
    const Shape& score_shape = shapes_.get(0, {d.batch, d.tq, d.tv});
    const int64_t n = score_shape.size();
    float* raw = ctx.scratch(kRawScores, score_shape).data();
    if (!concat_) {  // raw (Tq, Tv) = query (Tq, D) · key^T, per batch row
      b.gemm_strided_batched(false, true, d.tq, d.tv, d.dim, 1.0f, query, d.dim, d.tq * d.dim, key, d.dim,
                             d.tv * d.dim, 0.0f, raw, d.tv, d.tq * d.tv, d.batch);
      if (use_scale_) b.broadcast_binary(BinaryOp::Mul, raw, scale().value.data(), scores, 1, n, 1);
      else b.copy(scores, raw, static_cast<size_t>(n) * sizeof(float));
      return;
    }
    if (use_scale_) {
      query = scaled(ctx, kScaledQuery, query, d.batch * d.tq * d.dim);
      key = scaled(ctx, kScaledKey, key, d.batch * d.tv * d.dim);
    }
    b.additive_scores(query, key, nullptr, raw, d.batch, d.tq, d.tv, d.dim);
    b.broadcast_binary(BinaryOp::Mul, raw, concat_weight().value.data(), scores, 1, n, 1);
  }

  void scores_backward(Context& ctx, const Dims& d, const float* query, const float* key, const float* dscores,
                       float* dquery, float* dkey) override {
    Backend& b = ctx.backend();
    const Shape& score_shape = shapes_.get(0, {d.batch, d.tq, d.tv});
    const int64_t n = score_shape.size();
    const float* raw = ctx.scratch(kRawScores, score_shape).data();
    // draw = dscores * (scale or concat_score_weight), and that scalar's gradient.
    float* grad_raw = ctx.scratch(kRawScoresGrad, score_shape).data();
    b.fill(grad_raw, n, 0.0f);
    if (!concat_ && !use_scale_) {
      b.axpy(n, 1.0f, dscores, grad_raw);
    } else {
      Variable& factor = concat_ ? concat_weight() : scale();
      b.broadcast_binary_backward(BinaryOp::Mul, raw, factor.value.data(), dscores, grad_raw,
                                  factor.trainable ? factor.grad.data() : nullptr, 1, n, 1);
    }
    if (!concat_) {  // dquery (Tq, D) += draw · key; dkey (Tv, D) += draw^T · query
      if (dquery)
        b.gemm_strided_batched(false, false, d.tq, d.dim, d.tv, 1.0f, grad_raw, d.tv, d.tq * d.tv, key, d.dim,
                               d.tv * d.dim, 1.0f, dquery, d.dim, d.tq * d.dim, d.batch);
      if (dkey)
        b.gemm_strided_batched(true, false, d.tv, d.dim, d.tq, 1.0f, grad_raw, d.tv, d.tq * d.tv, query, d.dim,
                               d.tq * d.dim, 1.0f, dkey, d.dim, d.tv * d.dim, d.batch);
      return;
    }
    if (!use_scale_) {
      b.additive_scores_backward(query, key, nullptr, grad_raw, dquery, dkey, nullptr, d.batch, d.tq, d.tv, d.dim);
      return;
    }
    // Through the scaled copies: d(scale * x) gives dx and dscale.
    const int64_t nq = d.batch * d.tq * d.dim, nk = d.batch * d.tv * d.dim;
    float* grad_sq = ctx.scratch(kScaledQueryGrad, shapes_.get(1, {nq})).data();
    float* grad_sk = ctx.scratch(kScaledKeyGrad, shapes_.get(2, {nk})).data();
    b.fill(grad_sq, nq, 0.0f);
    b.fill(grad_sk, nk, 0.0f);
    b.additive_scores_backward(ctx.scratch(kScaledQuery, shapes_.get(1, {nq})).data(), ctx.scratch(kScaledKey, shapes_.get(2, {nk})).data(),
                               nullptr, grad_raw, grad_sq, grad_sk, nullptr, d.batch, d.tq, d.tv, d.dim);
    float* grad_scale = scale().trainable ? scale().grad.data() : nullptr;
    b.broadcast_binary_backward(BinaryOp::Mul, query, scale().value.data(), grad_sq, dquery, grad_scale, 1, nq, 1);
    b.broadcast_binary_backward(BinaryOp::Mul, key, scale().value.data(), grad_sk, dkey, grad_scale, 1, nk, 1);
  }

 private:
  const float* scaled(Context& ctx, int slot, const float* x, int64_t n) {
    float* out = ctx.scratch(slot, shapes_.get(slot == kScaledQuery ? 1 : 2, {n})).data();
    ctx.backend().broadcast_binary(BinaryOp::Mul, x, scale().value.data(), out, 1, n, 1);
    return out;
  }
  Variable& scale() { return variables()[0]; }
  Variable& concat_weight() { return variables()[use_scale_ ? 1 : 0]; }

  bool use_scale_ = false, concat_ = false;
};

}  // namespace

void register_attention(LayerRegistry& r) {
  std::vector<ParamSpec> params = attention_common_params(false);
  params.push_back({.name = "score_mode", .type = ParamType::Enum, .default_value = "dot",
                    .doc = "How queries meet keys: 'dot' (their dot product) or 'concat' (tanh of their sum).",
                    .choices = {"dot", "concat"}});
  r.add({.name = "Attention",
         .category = "Attention",
         .doc = "Dot-product (Luong-style) attention over [query, value] or [query, value, key].",
         .params = std::move(params),
         .min_inputs = 2,
         .max_inputs = 3,
         .create = [](const Config& c) { return std::make_shared<Attention>(c); }});
}

}  // namespace cornu
