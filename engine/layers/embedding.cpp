// Embedding: turns integer indices (floats holding whole numbers, in Cornu) into rows of a trainable table
// (input_dim, output_dim). With mask_zero, index 0 is padding: it starts a mask that recurrent layers skip.
// https://keras.io/api/layers/core_layers/embedding/
#include <cmath>

#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

class Embedding final : public Layer {
 public:
  explicit Embedding(const Config& config) : Layer("Embedding", config) {
    // Layer takes "input_dim" as Keras 2's input shape of a first Dense; here it is the vocabulary size.
    params_["input_dim"] = config.at("input_dim");
    input_dim_ = param("input_dim").get<int64_t>();
    output_dim_ = param("output_dim").get<int64_t>();
    mask_zero_ = param("mask_zero").get<bool>();
    const std::string label = "Embedding '" + name() + "'";
    if (!param("lora_rank").is_null())
      throw ValueError(label + ": LoRA (lora_rank=" + param("lora_rank").dump() + ") is not supported yet. " +
                       "Remove lora_rank, or set it to None.");
    if (!param("quantization_config").is_null())
      throw ValueError(label + ": quantized layers are not supported yet. Set quantization_config to None.");
    if (!param("activity_regularizer").is_null())
      throw ValueError(label + ": activity_regularizer is not supported on Embedding yet. Set it to None, or add an " +
                       "ActivityRegularization layer after this one.");
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    const Shape& in = inputs[0];
    if (in.rank() < 1)
      throw ShapeError("Embedding '" + name() + "' expects indices of shape (batch, ...), got " + in.to_string() + ".");
    if (mask_zero_ && in.rank() != 2)
      throw ShapeError("Embedding '" + name() + "' with mask_zero expects sequences of indices (batch, time), but it " +
                       "received " + in.to_string() + ".");
    std::vector<int64_t> dims = in.dims();
    dims.push_back(output_dim_);
    return {Shape(std::move(dims))};
  }

  std::vector<int> output_mask_sources(const std::vector<bool>&, size_t output_count) const override {
    return std::vector<int>(output_count, mask_zero_ ? kOwnMask : kNoMask);
  }

  void compute_mask(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& masks) override {
    if (masks[0]) ctx.backend().mask_not_equal(x[0]->data(), masks[0]->data(), x[0]->size(), 1, 0.0f);
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    const int64_t bad = ctx.backend().embedding_lookup(x[0]->data(), table().value.data(), y[0]->data(),
                                                       x[0]->size(), input_dim_, output_dim_);
    if (bad >= 0) {
      float value = 0;
      ctx.backend().copy_to_host(&value, x[0]->data() + bad, sizeof(float));
      throw ValueError("Embedding '" + name() + "' received the index " + std::to_string(value) + " (input position " +
                       std::to_string(bad) + "), outside its table of input_dim=" + std::to_string(input_dim_) +
                       " rows: indices must be whole numbers in [0, " + std::to_string(input_dim_ - 1) + "]. " +
                       "Raise input_dim to the vocabulary size, or check how the data encodes its tokens.");
    }
  }

  // Indices have no gradient (as in Keras); the table gets a scatter-add of the output gradient.
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>&) override {
    if (table().trainable)
      ctx.backend().embedding_backward(x[0]->data(), dy[0]->data(), table().grad.data(), x[0]->size(), input_dim_,
                                       output_dim_);
  }

  int64_t count_macs(const Shapes&, const Shapes&) const override { return 0; }

 protected:
  void build_weights(const Shapes&, uint64_t seed_key) override {
    add_weight("embeddings", Shape{input_dim_, output_dim_}, param("embeddings_initializer"), seed_key,
               param("embeddings_regularizer"), param("embeddings_constraint"));
  }

 private:
  Variable& table() { return variables()[0]; }
  int64_t input_dim_ = 0, output_dim_ = 0;
  bool mask_zero_ = false;
};

}  // namespace

void register_embedding(LayerRegistry& r) {
  r.add({.name = "Embedding",
         .category = "Core",
         .doc = "Turns indices (whole numbers in [0, input_dim)) into dense vectors of size output_dim.",
         .params = {{.name = "input_dim", .type = ParamType::Int, .doc = "Size of the vocabulary: largest index + 1.",
                     .minimum = 1, .required = true},
                    {.name = "output_dim", .type = ParamType::Int, .doc = "Dimension of the dense embedding.",
                     .minimum = 1, .required = true},
                    {.name = "embeddings_initializer", .type = ParamType::Initializer, .default_value = "uniform",
                     .doc = "Initializer of the embeddings table."},
                    {.name = "embeddings_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                     .doc = "Regularizer applied to the embeddings table."},
                    {.name = "activity_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                     .doc = "Regularizer of the output (not supported yet: must be None)."},
                    {.name = "embeddings_constraint", .type = ParamType::Constraint, .default_value = nullptr,
                     .doc = "Constraint applied to the embeddings table after each update."},
                    {.name = "mask_zero", .type = ParamType::Bool, .default_value = false,
                     .doc = "Treat index 0 as padding: later layers that support masks skip those steps."},
                    {.name = "input_length", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Keras 2's sequence length (ignored, as Keras 3 does).", .minimum = 1, .nullable = true},
                    {.name = "lora_rank", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Rank of a LoRA update (not supported yet: must be None).", .nullable = true},
                    {.name = "lora_alpha", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Scale of a LoRA update (used with lora_rank).", .nullable = true},
                    {.name = "quantization_config", .type = ParamType::Any, .default_value = nullptr,
                     .doc = "Quantization settings (not supported yet: must be None)."}},
         .create = [](const Config& c) { return std::make_shared<Embedding>(c); }});
}

}  // namespace cornu
