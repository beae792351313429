// What Attention (Luong, dot or concat scores) and AdditiveAttention (Bahdanau) share, as Keras's
// BaseDenseAttention did: inputs [query (B, Tq, D), value (B, Tv, Dv), key (B, Tv, D) = value if absent];
// scores (B, Tq, Tv) from query and key (the subclass), then the value mask and the causal mask (1e9
// subtracted from masked scores), softmax over Tv, dropout in training, times value, and the output rows of
// masked queries zeroed. https://keras.io/api/layers/attention_layers/attention/
#pragma once
#include <array>

#include "layers/layer.h"

namespace cornu {

// Shapes kept between steps, rebuilt only when their dims change: Context::scratch takes a Shape, and
// building one each step would allocate in the training step.
class ShapeCache {
 public:
  // A fixed array, so that references to earlier slots stay valid.
  const Shape& get(size_t slot, std::initializer_list<int64_t> dims) {
    Shape& s = shapes_.at(slot);
    bool same = s.rank() == static_cast<int>(dims.size());
    int a = 0;
    for (int64_t d : dims) same = same && s[a++] == d;
    if (!same) s = Shape(std::vector<int64_t>(dims));
    return s;
  }

 private:
  std::array<Shape, 8> shapes_;
};

class AttentionBase : public Layer {
 public:
  AttentionBase(std::string class_name, Config config);

  Shapes compute_output_shape(const Shapes& inputs) const override;
  int64_t count_macs(const Shapes& inputs, const Shapes& outputs) const override;
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override;
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override;

 protected:
  struct Dims {
    int64_t batch, tq, tv, dim, value_dim;
  };
  // scores (B, Tq, Tv) from query (B, Tq, D) and key (B, Tv, D).
  virtual void compute_scores(Context& ctx, const Dims& d, const float* query, const float* key, float* scores) = 0;
  // Accumulates dquery and dkey (either may be null) and the weights' gradients from dscores.
  virtual void scores_backward(Context& ctx, const Dims& d, const float* query, const float* key,
                               const float* dscores, float* dquery, float* dkey) = 0;
 public:
  // The first scratch slot free for subclasses.
  static constexpr int kFirstSubclassSlot = 8;

 protected:

  ShapeCache shapes_;
  float dropout_ = 0.0f;
  bool causal_ = false;
};

// The parameters both layers take (dropout, seed, use_causal_mask), with `use_scale` defaulting as Keras does.
std::vector<ParamSpec> attention_common_params(bool use_scale_default);

}  // namespace cornu
