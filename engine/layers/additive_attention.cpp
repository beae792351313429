// AdditiveAttention (Bahdanau-style): scores[b, i, j] = sum_d scale[d] * tanh(query[b, i, d] + key[b, j, d]),
// with a learned `scale` vector (D) when use_scale; the rest is AttentionBase.
// https://keras.io/api/layers/attention_layers/additive_attention/
#include "layers/attention_base.h"

namespace cornu {

namespace {

class AdditiveAttention final : public AttentionBase {
 public:
  explicit AdditiveAttention(Config config) : AttentionBase("AdditiveAttention", std::move(config)) {
    use_scale_ = param("use_scale").get<bool>();
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    if (use_scale_) add_weight("scale", Shape{inputs[0][-1]}, "glorot_uniform", seed_key);
  }

  void compute_scores(Context& ctx, const Dims& d, const float* query, const float* key, float* scores) override {
    ctx.backend().additive_scores(query, key, use_scale_ ? variables()[0].value.data() : nullptr, scores, d.batch, d.tq,
                                  d.tv, d.dim);
  }

  void scores_backward(Context& ctx, const Dims& d, const float* query, const float* key, const float* dscores,
                       float* dquery, float* dkey) override {
    const float* w = use_scale_ ? variables()[0].value.data() : nullptr;
    float* dw = use_scale_ && variables()[0].trainable ? variables()[0].grad.data() : nullptr;
    ctx.backend().additive_scores_backward(query, key, w, dscores, dquery, dkey, dw, d.batch, d.tq, d.tv, d.dim);
  }

 private:
  bool use_scale_ = true;
};

}  // namespace

void register_additive_attention(LayerRegistry& r) {
  r.add({.name = "AdditiveAttention",
         .category = "Attention",
         .doc = "Additive (Bahdanau-style) attention over [query, value] or [query, value, key].",
         .params = attention_common_params(true),
         .min_inputs = 2,
         .max_inputs = 3,
         .create = [](const Config& c) { return std::make_shared<AdditiveAttention>(c); }});
}

}  // namespace cornu
