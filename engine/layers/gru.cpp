// GRU (Cho et al. 2014), Keras's gate order z, r, h: h_t = z ⊙ h_{t-1} + (1 - z) ⊙ act(x·W_h + r ⊙ (h·U_h + b_h))
// with reset_after (the default, cuDNN's form: bias (2, 3u), input row then recurrent row), or
// act(x·W_h + (r ⊙ h)·U_h) without (bias (3u)). https://keras.io/api/layers/recurrent_layers/gru/
#include "layers/recurrent.h"

namespace cornu {

namespace {

// The GRU's own buffers: recurrent projections hz, pre-activations, gates, r ⊙ h_in, and their gradients.
enum CellSlot { kHz, kPre, kGates, kResetH, kHzGrad, kResetHGrad };

class GRU final : public RecurrentLayer {
 public:
  explicit GRU(Config config) : RecurrentLayer("GRU", std::move(config), "gru_cell", 3, 1) {
    reset_after_ = param("reset_after").get<bool>();
  }

 protected:
  Shape bias_shape() const override { return reset_after_ ? Shape{2, 3 * units_} : Shape{3 * units_}; }

  void step_forward(Context& ctx, const Step& st) override {
    Backend& b = ctx.backend();
    const int64_t u = units_, B = st.batch;
    const float* U = recurrent_kernel().value.data();
    float* hz = at(ctx, kHz, 3, st.s);
    float* rh = at(ctx, kResetH, 1, st.s);
    // reset_after: all three blocks in one gemm; otherwise z and r first, then the h block from r ⊙ h_in.
    b.gemm(false, false, B, reset_after_ ? 3 * u : 2 * u, u, 1.0f, st.h_in, u, U, 3 * u, 0.0f, hz, 3 * u);
    if (reset_after_ && use_bias_) b.add_row_vector(hz, bias().value.data() + 3 * u, B, 3 * u);
    float* pre = at(ctx, kPre, 3, st.s);
    float* g = at(ctx, kGates, 3, st.s);
    const float* xz = z_at(ctx, st.s);
    b.gru_gates_forward(acts_, reset_after_, xz, hz, pre, g, st.h_in, rh, B, u);
    if (!reset_after_) b.gemm(false, false, B, u, u, 1.0f, rh, u, U + 2 * u, 3 * u, 0.0f, hz + 2 * u, 3 * u);
    b.gru_cell_forward(acts_, reset_after_, xz, hz, pre, g, st.h_prev, st.h, st.keep, 1, B, u);
  }

  void step_backward(Context& ctx, const Step& st, float* dh, float* dh_in) override {
    Backend& b = ctx.backend();
    const int64_t u = units_, B = st.batch;
    const float* U = recurrent_kernel().value.data();
    float* dxz = dz_at(ctx, st.s);
    float* dhz = at(ctx, kHzGrad, 3, st.s);
    const float* pre = at(ctx, kPre, 3, st.s);
    const float* g = at(ctx, kGates, 3, st.s);
    b.gru_cell_backward(acts_, reset_after_, at(ctx, kHz, 3, st.s), pre, g, st.h_prev, st.keep, 1, dh, dxz, dhz, B, u);
    if (reset_after_) {
      b.gemm(false, true, B, u, 3 * u, 1.0f, dhz, 3 * u, U, 3 * u, 0.0f, dh_in, u);
      return;
    }
    float* drh = cell_buffer(ctx, kResetHGrad, Shape{B, u});  // dL/d(r ⊙ h_in) = dpre_h · U_hᵀ
    b.gemm(false, true, B, u, u, 1.0f, dhz + 2 * u, 3 * u, U + 2 * u, 3 * u, 0.0f, drh, u);
    b.fill(dh_in, B * u, 0.0f);
    b.gru_reset_backward(acts_, pre, g, st.h_in, drh, dh_in, dxz, dhz, B, u);
    b.gemm(false, true, B, u, 2 * u, 1.0f, dhz, 3 * u, U, 3 * u, 1.0f, dh_in, u);
  }

  void recurrent_grads(Context& ctx, const float* h_in, int64_t rows) override {
    Backend& b = ctx.backend();
    const int64_t u = units_;
    float* dU = recurrent_kernel().grad.data();
    const float* dhz = at(ctx, kHzGrad, 3, 0);
    if (reset_after_) {
      b.gemm(true, false, u, 3 * u, rows, 1.0f, h_in, u, dhz, 3 * u, 1.0f, dU, 3 * u);
      if (use_bias_ && bias().trainable) b.sum_rows(dhz, bias().grad.data() + 3 * u, rows, 3 * u, 1.0f);
      return;
    }
    b.gemm(true, false, u, 2 * u, rows, 1.0f, h_in, u, dhz, 3 * u, 1.0f, dU, 3 * u);
    b.gemm(true, false, u, u, rows, 1.0f, at(ctx, kResetH, 1, 0), u, dhz + 2 * u, 3 * u, 1.0f, dU + 2 * u, 3 * u);
  }

 private:
  // Step s of a (T, batch, blocks·u) cell buffer.
  float* at(Context& ctx, int slot, int64_t blocks, int64_t s) {
    return cell_buffer(ctx, slot, Shape{time_, batch_, blocks * units_}) + s * batch_ * blocks * units_;
  }

  bool reset_after_ = true;
};

}  // namespace

void register_gru(LayerRegistry& r) {
  std::vector<ParamSpec> params = recurrent_param_specs(true);
  params.push_back({.name = "reset_after", .type = ParamType::Bool, .default_value = true,
                    .doc = "Apply the reset gate after the recurrent kernel (True: Keras 2+ and cuDNN's form)."});
  r.add({.name = "GRU",
         .category = "Recurrent",
         .doc = "Gated Recurrent Unit (Cho et al., 2014).",
         .params = std::move(params),
         .min_inputs = 1,
         .max_inputs = 2,
         .create = [](const Config& c) { return std::make_shared<GRU>(c); },
         .output_count = [](const Config& c) { return c.at("return_state").get<bool>() ? 2 : 1; }});
}

}  // namespace cornu
