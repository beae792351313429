// MultiHeadAttention, split in two files: its maths (multi_head_attention.cpp) and its configuration, shapes,
// weights and registry entry (multi_head_attention_config.cpp).
#pragma once
#include "layers/attention_base.h"

namespace cornu {

class MultiHeadAttention final : public Layer {
 public:
  explicit MultiHeadAttention(Config config);

  Shapes compute_output_shape(const Shapes& inputs) const override;
  int64_t count_macs(const Shapes& inputs, const Shapes& outputs) const override;
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override;
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override;
  // Keras keeps each projection in its own EinsumDense: query_dense, key_dense, value_dense, output_dense.
  std::vector<WeightGroup> keras_weight_groups() override;

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override;

 private:
  struct Dims {
    int64_t batch, t, s;  // query and value time steps
  };
  struct Masks {
    const float* query = nullptr;  // (B, T)
    const float* key = nullptr;    // (B, S): the value's mask, and the key's
    bool any = false;
  };
  static Dims dims(const std::vector<const Tensor*>& x) {
    return {x[0]->shape()[0], x[0]->shape()[1], x[1]->shape()[1]};
  }
  Masks masks(Context& ctx, const Dims& d);
  // y (rows, heads * dim) = x · kernel + bias for projection `which` (0 query, 1 key, 2 value, 3 output).
  float* project(Backend& b, const Tensor& x, int which, Tensor& y);
  void project_backward(Backend& b, const float* x, const float* grad_y, int which, int64_t rows, int64_t in,
                        float* grad_x, bool accumulate);
  Variable& kernel(int which) { return variables()[static_cast<size_t>(which * (use_bias_ ? 2 : 1))]; }
  Variable& bias(int which) { return variables()[static_cast<size_t>(which * 2 + 1)]; }
  int64_t output_size() const;
  std::vector<int64_t> output_dims(const Shape& query) const;

  int64_t heads_ = 1, key_dim_ = 1, value_dim_ = 1;
  float scale_ = 1.0f, dropout_ = 0.0f;
  bool use_bias_ = true, causal_ = false;
  std::vector<int64_t> output_shape_;  // empty: the query's feature size
  int64_t query_dim_ = 0;              // set by build
  int64_t output_size_ = 1;            // the product of the output's feature dims, set by build
  ShapeCache shapes_;
};

}  // namespace cornu
