// LSTM (Hochreiter & Schmidhuber 1997), Keras's gate order i, f, c, o in kernel (in, 4u), recurrent_kernel
// (u, 4u) and bias (4u): c_t = f ⊙ c_{t-1} + i ⊙ act(c~), h_t = o ⊙ act(c_t).
// https://keras.io/api/layers/recurrent_layers/lstm/ — the loop, masks and options are in recurrent.h.
#include "layers/recurrent.h"

namespace cornu {

namespace {

// The LSTM's own buffers: activated gates, c per step (c_0 first), act(c), and dL/dc.
enum CellSlot { kGates, kCarry, kCarryAct, kCarryGrad };

class LSTM final : public RecurrentLayer {
 public:
  explicit LSTM(Config config) : RecurrentLayer("LSTM", std::move(config), "lstm_cell", 4, 2) {
    unit_forget_bias_ = param("unit_forget_bias").get<bool>();
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    RecurrentLayer::build_weights(inputs, seed_key);
    // Keras: the forget gate's bias starts at 1 (Jozefowicz et al. 2015), the other blocks as bias_initializer.
    // weight_shapes (the canvas's parameter counts) records shapes and creates no variables: nothing to fill.
    if (use_bias_ && unit_forget_bias_ && variables().size() > 2)
      bias().value.backend().fill(bias().value.data() + units_, units_, 1.0f);
  }

  void load_carry(Context& ctx, const float* initial) override {
    float* c = carry(ctx);
    if (initial) ctx.backend().copy(c, initial, static_cast<size_t>(batch_ * units_) * sizeof(float));
    else ctx.backend().fill(c, batch_ * units_, 0.0f);
  }
  void write_carry(Context& ctx, float* y) override {
    ctx.backend().copy(y, carry(ctx) + time_ * batch_ * units_, static_cast<size_t>(batch_ * units_) * sizeof(float));
  }
  void begin_carry_grad(Context& ctx, const float* dy) override {
    float* dc = carry_grad(ctx);
    if (dy) ctx.backend().copy(dc, dy, static_cast<size_t>(batch_ * units_) * sizeof(float));
    else ctx.backend().fill(dc, batch_ * units_, 0.0f);
  }
  void end_carry_grad(Context& ctx, float* dx) override {
    if (dx) ctx.backend().axpy(batch_ * units_, 1.0f, carry_grad(ctx), dx);
  }

  void step_forward(Context& ctx, const Step& st) override {
    Backend& b = ctx.backend();
    const int64_t u = units_, n = st.batch * u;
    float* z = z_at(ctx, st.s);  // x·W + b, plus h·U: all four gates in one gemm
    b.gemm(false, false, st.batch, 4 * u, u, 1.0f, st.h_in, u, recurrent_kernel().value.data(), 4 * u, 1.0f, z, 4 * u);
    float* c = carry(ctx) + st.s * n;
    b.lstm_cell_forward(acts_, z, gates(ctx) + st.s * 4 * n, c, c + n, carry_act(ctx) + st.s * n, st.h_prev, st.h,
                        st.keep, 1, st.batch, u);
  }

  void step_backward(Context& ctx, const Step& st, float* dh, float* dh_in) override {
    Backend& b = ctx.backend();
    const int64_t u = units_, n = st.batch * u;
    float* dz = dz_at(ctx, st.s);
    b.lstm_cell_backward(acts_, z_at(ctx, st.s), gates(ctx) + st.s * 4 * n, carry(ctx) + st.s * n,
                         carry_act(ctx) + st.s * n, st.keep, 1, dh, carry_grad(ctx), dz, st.batch, u);
    b.gemm(false, true, st.batch, u, 4 * u, 1.0f, dz, 4 * u, recurrent_kernel().value.data(), 4 * u, 0.0f, dh_in, u);
  }

 private:
  float* gates(Context& ctx) { return cell_buffer(ctx, kGates, Shape{time_, batch_, 4 * units_}); }
  float* carry(Context& ctx) { return cell_buffer(ctx, kCarry, Shape{time_ + 1, batch_, units_}); }
  float* carry_act(Context& ctx) { return cell_buffer(ctx, kCarryAct, Shape{time_, batch_, units_}); }
  float* carry_grad(Context& ctx) { return cell_buffer(ctx, kCarryGrad, Shape{batch_, units_}); }

  bool unit_forget_bias_ = true;
};

}  // namespace

void register_lstm(LayerRegistry& r) {
  std::vector<ParamSpec> params = recurrent_param_specs(true);
  params.push_back({.name = "unit_forget_bias", .type = ParamType::Bool, .default_value = true,
                    .doc = "Start the forget gate's bias at 1 (recommended by Jozefowicz et al., 2015)."});
  r.add({.name = "LSTM",
         .category = "Recurrent",
         .doc = "Long Short-Term Memory layer (Hochreiter & Schmidhuber, 1997).",
         .params = std::move(params),
         .min_inputs = 1,
         .max_inputs = 3,
         .create = [](const Config& c) { return std::make_shared<LSTM>(c); },
         // The output, then the states h and c.
         .output_count = [](const Config& c) { return c.at("return_state").get<bool>() ? 3 : 1; }});
}

}  // namespace cornu
