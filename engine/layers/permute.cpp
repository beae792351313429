// Permute: reorders the axes of each sample; dims are 1-based and leave the batch axis alone, as in Keras:
// Permute((2, 1)) turns (None, 10, 64) into (None, 64, 10). https://keras.io/api/layers/reshaping_layers/permute/
#include <algorithm>

#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

class Permute final : public Layer {
 public:
  explicit Permute(Config config) : Layer("Permute", std::move(config)) {
    perm_.push_back(0);  // the batch axis stays first
    for (const auto& d : param("dims")) perm_.push_back(small_int(d, "Permute '" + name() + "': dims"));
    std::vector<int> sorted(perm_.begin() + 1, perm_.end());
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i)
      if (sorted[i] != static_cast<int>(i) + 1)
        throw ValueError("Permute '" + name() + "': dims " + param("dims").dump() + " is not a permutation of 1.." +
                         std::to_string(sorted.size()) + ". List each axis of a sample once, counting from 1 " +
                         "(the batch axis is 0 and does not move), e.g. [2, 1].");
    if (sorted.empty()) throw ValueError("Permute '" + name() + "': dims may not be empty, e.g. [2, 1].");
    inverse_.resize(perm_.size());
    for (size_t i = 0; i < perm_.size(); ++i) inverse_[static_cast<size_t>(perm_[i])] = static_cast<int>(i);
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    int rank = static_cast<int>(perm_.size());
    expect_rank(name(), inputs[0], rank, rank,
                "Its dims " + param("dims").dump() + " name " + std::to_string(rank - 1) + " axes per sample.");
    std::vector<int64_t> dims;
    for (int axis : perm_) dims.push_back(inputs[0][axis]);
    return {Shape(std::move(dims))};
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    ctx.backend().permute(x[0]->data(), y[0]->data(), x[0]->shape().dims(), perm_, false);
  }

  // The gradient goes back through the inverse permutation.
  void backward(Context& ctx, const std::vector<const Tensor*>&, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (dx[0]) ctx.backend().permute(dy[0]->data(), dx[0]->data(), y[0]->shape().dims(), inverse_, true);
  }

 private:
  std::vector<int> perm_, inverse_;  // over all axes, batch included
};

}  // namespace

void register_permute(LayerRegistry& r) {
  r.add({.name = "Permute",
         .category = "Reshaping",
         .doc = "Reorders the axes of each sample, e.g. dims [2, 1] swaps the two axes of (None, 10, 64).",
         .params = {{.name = "dims", .type = ParamType::IntTuple,
                     .doc = "Permutation of the sample axes, counted from 1 (the batch axis does not move).",
                     .required = true}},
         .create = [](const Config& c) { return std::make_shared<Permute>(c); }});
}

}  // namespace cornu
