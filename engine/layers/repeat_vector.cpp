// RepeatVector: (None, d) -> (None, n, d), each sample repeated n times.
// https://keras.io/api/layers/reshaping_layers/repeat_vector/
#include "layers/layer.h"

namespace cornu {

namespace {

class RepeatVector final : public Layer {
 public:
  explicit RepeatVector(Config config) : Layer("RepeatVector", std::move(config)) { n_ = param("n").get<int64_t>(); }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    expect_rank(name(), inputs[0], 2, 2, "Add a Flatten layer before it to make each sample a vector.");
    return {Shape{inputs[0][0], n_, inputs[0][1]}};
  }

  // Copy k writes x (batch, d) into y[:, k, :], a block of d columns every n * d.
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    const int64_t batch = x[0]->shape()[0], d = x[0]->shape()[1];
    for (int64_t k = 0; k < n_; ++k)
      ctx.backend().copy_block(x[0]->data(), d, y[0]->data() + k * d, n_ * d, batch, d, false);
  }

  // dx sums the n copies' gradients.
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    if (!dx[0]) return;
    const int64_t batch = x[0]->shape()[0], d = x[0]->shape()[1];
    for (int64_t k = 0; k < n_; ++k)
      ctx.backend().copy_block(dy[0]->data() + k * d, n_ * d, dx[0]->data(), d, batch, d, true);
  }

 private:
  int64_t n_ = 1;
};

}  // namespace

void register_repeat_vector(LayerRegistry& r) {
  r.add({.name = "RepeatVector",
         .category = "Reshaping",
         .doc = "Repeats each input vector n times: (None, d) becomes (None, n, d).",
         .params = {{.name = "n", .type = ParamType::Int, .doc = "Number of repetitions.", .minimum = 1,
                     .required = true}},
         .create = [](const Config& c) { return std::make_shared<RepeatVector>(c); }});
}

}  // namespace cornu
