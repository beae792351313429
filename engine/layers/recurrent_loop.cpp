// RecurrentLayer's time loop, forward and backward through time (see recurrent.h). Buffers are time-major in
// processing order: X (T, B, in), Z (T, B, G·u), H (T + 1, B, u) with H[0] the initial state. Keras's outputs
// come in processing order too (go_backwards does not flip them back).
#include "core/error.h"
#include "core/random.h"
#include "layers/recurrent.h"

namespace cornu {

float* RecurrentLayer::z_at(Context& ctx, int64_t s) {
  return ctx.scratch(offset_ + kZ, Shape{time_, batch_, gates_ * units_}).data() + s * batch_ * gates_ * units_;
}
float* RecurrentLayer::dz_at(Context& ctx, int64_t s) {
  return ctx.scratch(offset_ + kDZ, Shape{time_, batch_, gates_ * units_}).data() + s * batch_ * gates_ * units_;
}

void RecurrentLayer::make_dropout_mask(Context& ctx, int slot, int64_t n, float rate, uint64_t stream) {
  Backend& b = ctx.backend();
  float* mask = ctx.scratch(offset_ + slot, Shape{n}).data();
  float* draw = ctx.scratch(offset_ + kDropScratch, Shape{n}).data();
  b.fill(mask, n, 1.0f);
  b.dropout(mask, mask, draw, n, rate, ctx.random_key(mix_key(stream_, offset_, stream)));
}

void RecurrentLayer::forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) {
  Backend& b = ctx.backend();
  const Shape& in = x[0]->shape();
  batch_ = in[0], time_ = in[1], features_ = in[2];
  const int64_t B = batch_, T = time_, u = units_, G = gates_ * units_, rows = T * B;
  float* X = ctx.scratch(offset_ + kX, Shape{T, B, features_}).data();
  b.time_major_copy(x[0]->data(), X, B, T, features_, true, go_backwards_, false);
  if (dropping(ctx)) {  // one mask per sequence: the same for every step
    make_dropout_mask(ctx, kDropMask, B * features_, dropout_, 1);
    b.broadcast_binary(BinaryOp::Mul, X, ctx.scratch(offset_ + kDropMask, Shape{B * features_}).data(), X, 1, T,
                       B * features_);
  }
  float* Z = z_at(ctx, 0);
  b.gemm(false, false, rows, G, features_, 1.0f, X, features_, kernel().value.data(), G, 0.0f, Z, G);
  if (use_bias_) b.add_row_vector(Z, bias().value.data(), rows, G);  // row 0 of GRU's (2, 3u) bias: the input part
  float* H = ctx.scratch(offset_ + kH, Shape{T + 1, B, u}).data();
  if (x.size() > 1) b.copy(H, x[1]->data(), static_cast<size_t>(B * u) * sizeof(float));
  else b.fill(H, B * u, 0.0f);
  load_carry(ctx, x.size() > 2 ? x[2]->data() : nullptr);
  const Tensor* mask = ctx.input_mask(0);
  float* K = nullptr;
  if (mask) {  // keep flags per step, in processing order
    K = ctx.scratch(offset_ + kKeep, Shape{T, B}).data();
    b.time_major_copy(mask->data(), K, B, T, 1, true, go_backwards_, false);
  }
  float* Hin = rec_dropping(ctx) ? ctx.scratch(offset_ + kHin, Shape{T, B, u}).data() : H;
  if (rec_dropping(ctx)) make_dropout_mask(ctx, kRecMask, B * u, recurrent_dropout_, 2);
  for (int64_t s = 0; s < T; ++s) {
    const float* h_prev = H + s * B * u;
    if (rec_dropping(ctx))
      b.binary(BinaryOp::Mul, h_prev, ctx.scratch(offset_ + kRecMask, Shape{B * u}).data(), Hin + s * B * u, B * u);
    step_forward(ctx, {s, B, h_prev, Hin + s * B * u, H + (s + 1) * B * u, K ? K + s * B : nullptr});
  }
  // Output s is h_s, or zeros at masked steps with zero_output_for_mask.
  const float* outputs = H + B * u;
  if (zero_output_for_mask_ && K) {
    float* O = ctx.scratch(offset_ + kOut, Shape{T, B, u}).data();
    b.broadcast_binary(BinaryOp::Mul, outputs, K, O, rows, u, 1);
    outputs = O;
  }
  if (return_sequences_) b.time_major_copy(outputs, y[0]->data(), B, T, u, false, false, false);
  else b.copy(y[0]->data(), outputs + (T - 1) * B * u, static_cast<size_t>(B * u) * sizeof(float));
  if (return_state_) {
    b.copy(y[1]->data(), H + T * B * u, static_cast<size_t>(B * u) * sizeof(float));
    if (states_ > 1) write_carry(ctx, y[2]->data());
  }
}

void RecurrentLayer::backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>&,
                              const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) {
  Backend& b = ctx.backend();
  const Shape& in = x[0]->shape();  // a layer shared by several calls: this call's sizes
  batch_ = in[0], time_ = in[1], features_ = in[2];
  const int64_t B = batch_, T = time_, u = units_, G = gates_ * units_, rows = T * B;
  float* H = ctx.scratch(offset_ + kH, Shape{T + 1, B, u}).data();
  float* Hin = rec_dropping(ctx) ? ctx.scratch(offset_ + kHin, Shape{T, B, u}).data() : H;
  float* K = ctx.input_mask(0) ? ctx.scratch(offset_ + kKeep, Shape{T, B}).data() : nullptr;
  float* dO = ctx.scratch(offset_ + kDOut, Shape{T, B, u}).data();  // dL/d output s, time-major
  if (return_sequences_) {
    b.time_major_copy(dy[0]->data(), dO, B, T, u, true, false, false);
  } else {
    b.fill(dO, rows * u, 0.0f);
    b.copy(dO + (T - 1) * B * u, dy[0]->data(), static_cast<size_t>(B * u) * sizeof(float));
  }
  if (zero_output_for_mask_ && K) b.broadcast_binary(BinaryOp::Mul, dO, K, dO, rows, u, 1);
  float* dh = ctx.scratch(offset_ + kDH, Shape{B, u}).data();
  float* dh_in = ctx.scratch(offset_ + kDHin, Shape{B, u}).data();
  if (return_state_) b.copy(dh, dy[1]->data(), static_cast<size_t>(B * u) * sizeof(float));
  else b.fill(dh, B * u, 0.0f);
  begin_carry_grad(ctx, return_state_ && states_ > 1 ? dy[2]->data() : nullptr);
  const float* rec_mask = rec_dropping(ctx) ? ctx.scratch(offset_ + kRecMask, Shape{B * u}).data() : nullptr;
  for (int64_t s = T - 1; s >= 0; --s) {
    b.axpy(B * u, 1.0f, dO + s * B * u, dh);
    const Step step{s, B, H + s * B * u, Hin + s * B * u, H + (s + 1) * B * u, K ? K + s * B : nullptr};
    step_backward(ctx, step, dh, dh_in);
    if (rec_mask) b.binary_backward(BinaryOp::Mul, dh_in, rec_mask, dh_in, dh, nullptr, B * u);  // dh += dh_in * mask
    else b.axpy(B * u, 1.0f, dh_in, dh);
  }
  if (x.size() > 1 && dx[1]) b.axpy(B * u, 1.0f, dh, dx[1]->data());
  end_carry_grad(ctx, x.size() > 2 && dx[2] ? dx[2]->data() : nullptr);

  const float* X = ctx.scratch(offset_ + kX, Shape{T, B, features_}).data();
  const float* dZ = dz_at(ctx, 0);
  if (kernel().trainable)
    b.gemm(true, false, features_, G, rows, 1.0f, X, features_, dZ, G, 1.0f, kernel().grad.data(), G);
  if (use_bias_ && bias().trainable) b.sum_rows(dZ, bias().grad.data(), rows, G, 1.0f);
  if (recurrent_kernel().trainable) recurrent_grads(ctx, Hin, rows);
  if (dx[0]) {
    float* dX = ctx.scratch(offset_ + kDX, Shape{T, B, features_}).data();
    b.gemm(false, true, rows, features_, G, 1.0f, dZ, G, kernel().value.data(), G, 0.0f, dX, features_);
    if (dropping(ctx))
      b.broadcast_binary(BinaryOp::Mul, dX, ctx.scratch(offset_ + kDropMask, Shape{B * features_}).data(), dX, 1, T,
                         B * features_);
    b.time_major_copy(dX, dx[0]->data(), B, T, features_, false, go_backwards_, true);
  }
}

void RecurrentLayer::recurrent_grads(Context& ctx, const float* h_in, int64_t rows) {
  const int64_t G = gates_ * units_;
  ctx.backend().gemm(true, false, units_, G, rows, 1.0f, h_in, units_, dz_at(ctx, 0), G, 1.0f,
                     recurrent_kernel().grad.data(), G);
}

}  // namespace cornu
