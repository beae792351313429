// SimpleRNN: h_t = activation(x_t · kernel + bias + h_{t-1} · recurrent_kernel).
// https://keras.io/api/layers/recurrent_layers/simple_rnn/ — the loop, masks and options are in recurrent.h.
#include "layers/recurrent.h"

namespace cornu {

namespace {

class SimpleRNN final : public RecurrentLayer {
 public:
  explicit SimpleRNN(Config config) : RecurrentLayer("SimpleRNN", std::move(config), "simple_rnn_cell", 1, 1) {}

 protected:
  void step_forward(Context& ctx, const Step& st) override {
    Backend& b = ctx.backend();
    float* z = z_at(ctx, st.s);
    b.gemm(false, false, st.batch, units_, units_, 1.0f, st.h_in, units_, recurrent_kernel().value.data(), units_, 1.0f,
           z, units_);
    b.simple_rnn_cell_forward(acts_, z, st.h_prev, st.h, st.keep, 1, st.batch, units_);
  }

  void step_backward(Context& ctx, const Step& st, float* dh, float* dh_in) override {
    Backend& b = ctx.backend();
    float* dz = dz_at(ctx, st.s);
    b.simple_rnn_cell_backward(acts_, z_at(ctx, st.s), st.h, st.keep, 1, dh, dz, st.batch, units_);
    b.gemm(false, true, st.batch, units_, units_, 1.0f, dz, units_, recurrent_kernel().value.data(), units_, 0.0f,
           dh_in, units_);
  }
};

}  // namespace

void register_simple_rnn(LayerRegistry& r) {
  r.add({.name = "SimpleRNN",
         .category = "Recurrent",
         .doc = "Fully-connected RNN whose output is fed back as the next step's state.",
         .params = recurrent_param_specs(false),
         .min_inputs = 1,
         .max_inputs = 2,
         .create = [](const Config& c) { return std::make_shared<SimpleRNN>(c); },
         .output_count = [](const Config& c) { return c.at("return_state").get<bool>() ? 2 : 1; }});
}

}  // namespace cornu
