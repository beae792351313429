// What SimpleRNN, LSTM and GRU share (Keras's RNN layer, keras/src/layers/rnn/rnn.py): the config keys, the
// shapes, the masks, the weights (kernel (in, G·u), recurrent_kernel (u, G·u), bias, kept in Keras's "cell"
// group) and the time loop. The loop works time-major, in processing order (reversed for go_backwards):
// the inputs of every step are projected by ONE gemm, each step makes ONE gemm for its recurrent projection plus
// a fused backend cell op, and every intermediate lives in ctx.scratch, so a step allocates nothing. Backward
// runs through time with one gemm per step, then one big gemm per weight.
#pragma once
#include <vector>

#include "activations/activation.h"
#include "layers/layer.h"
#include "regularizers/regularizer.h"

namespace cornu {

// The registry parameters of a recurrent layer; `gated` adds recurrent_activation (LSTM, GRU).
std::vector<ParamSpec> recurrent_param_specs(bool gated);

class RecurrentLayer : public Layer {
 public:
  // `gates`: blocks of `units` columns in the kernels (SimpleRNN 1, LSTM 4, GRU 3); `states`: h, or h and c.
  RecurrentLayer(const std::string& class_name, Config config, std::string cell_name, int gates, int states);

  Shapes compute_output_shape(const Shapes& inputs) const override;
  std::vector<int> output_mask_sources(const std::vector<bool>& inputs_masked, size_t output_count) const override;
  std::vector<WeightGroup> keras_weight_groups() override;
  int64_t count_macs(const Shapes& inputs, const Shapes& outputs) const override;
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override;
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override;

  int64_t units() const { return units_; }
  int state_count() const { return states_; }
  bool return_sequences() const { return return_sequences_; }
  bool return_state() const { return return_state_; }
  bool go_backwards() const { return go_backwards_; }
  const std::string& cell_name() const { return cell_name_; }
  // A wrapper (Bidirectional) runs two recurrent layers on one Context: each takes its own scratch slots and
  // random streams from `offset` on. It also sets zero_output_for_mask as Keras's Bidirectional does.
  void set_context_offset(int offset) { offset_ = offset; }
  void set_zero_output_for_mask(bool zero) { zero_output_for_mask_ = zero; }

 protected:
  // One step s (processing order) of the cell. h_in is h_prev, or h_prev times the recurrent dropout mask.
  struct Step {
    int64_t s, batch;
    const float* h_prev;
    const float* h_in;
    float* h;
    const float* keep;  // (batch) 1 = kept, or null
  };
  virtual void step_forward(Context& ctx, const Step& step) = 0;
  // From dh (dL/dh_s), writes dZ_s (and the cell's own gradients), leaves in dh what reaches h_prev directly
  // (masked rows) and writes dh_in = dL/dh_in.
  virtual void step_backward(Context& ctx, const Step& step, float* dh, float* dh_in) = 0;
  // The LSTM's second state c: set c_0 from the initial state (null: zeros) before the loop, write c_T after it;
  // in backward, start dc from dL/dc_T (null: zeros) and add dL/dc_0 to the initial state's gradient (if any).
  virtual void load_carry(Context&, const float* /*initial*/) {}
  virtual void write_carry(Context&, float* /*y*/) {}
  virtual void begin_carry_grad(Context&, const float* /*dy*/) {}
  virtual void end_carry_grad(Context&, float* /*dx*/) {}
  // dL/d recurrent weights from h_in of every step (T·batch rows) and the saved gradients.
  virtual void recurrent_grads(Context& ctx, const float* h_in, int64_t rows);
  // The first slot a cell may use for its own buffers, with their per-call shapes.
  float* cell_buffer(Context& ctx, int k, const Shape& shape) { return ctx.scratch(offset_ + kCellSlots + k, shape).data(); }
  // The time-major buffers the loop keeps: input projections Z (T, batch, G·u) and their gradients dZ.
  float* z_at(Context& ctx, int64_t s);
  float* dz_at(Context& ctx, int64_t s);

  void build_weights(const Shapes& inputs, uint64_t seed_key) override;
  // The bias shape and the first row's input part (GRU reset_after keeps (2, 3u): input then recurrent).
  virtual Shape bias_shape() const { return Shape{gates_ * units_}; }

  Variable& kernel() { return variables()[0]; }
  Variable& recurrent_kernel() { return variables()[1]; }
  Variable& bias() { return variables()[2]; }

  RecurrentActivations acts_;
  int64_t units_ = 0;
  int gates_ = 1;
  bool use_bias_ = true;
  int64_t batch_ = 0, time_ = 0, features_ = 0;  // of the current call

 private:
  enum Slot { kX, kZ, kH, kHin, kKeep, kDropMask, kDropScratch, kRecMask, kDZ, kDH, kDHin, kDOut, kDX, kOut, kCellSlots };
  bool dropping(const Context& ctx) const { return ctx.training && dropout_ > 0.0f; }
  bool rec_dropping(const Context& ctx) const { return ctx.training && recurrent_dropout_ > 0.0f; }
  void make_dropout_mask(Context& ctx, int slot, int64_t n, float rate, uint64_t stream);

  std::string cell_name_;
  int states_ = 1;
  int offset_ = 0;
  bool return_sequences_ = false, return_state_ = false, go_backwards_ = false, zero_output_for_mask_ = false;
  float dropout_ = 0.0f, recurrent_dropout_ = 0.0f;
  uint64_t stream_ = 0;
};

}  // namespace cornu
