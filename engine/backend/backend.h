// The Backend: every number the engine computes goes through this interface, so a device (CPU on OpenBLAS,
// CUDA on cuBLAS/cuDNN) is one implementation and layers, losses and optimizers never name a device.
// Pointers are device pointers of this backend; matrices are row-major. Functions named *_backward
// ACCUMULATE into their gradient outputs (dx += ...): the model zeroes gradient buffers once per step, and
// a tensor feeding several layers then receives the sum of their gradients for free.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cornu {

enum class Device { CPU, CUDA };

// Elementwise functions with a derivative. Parameters (a, b, c) are per-op, documented on each.
enum class UnaryOp : uint8_t {
  Identity,
  Relu,         // a = negative_slope, b = max_value (<0: none; note UnaryParams{} caps at 0: pass {0, -1, 0}), c = threshold
  Sigmoid,
  HardSigmoid,  // Keras 3: relu6(x + 3) / 6
  Tanh,
  Softplus,
  Softsign,
  Elu,          // a = alpha
  Selu,
  Gelu,         // exact (erf)
  GeluTanh,     // tanh approximation
  Silu,         // x * sigmoid(x), a.k.a. swish
  Mish,
  Exponential,
  Square,
  Sqrt,
  Abs,
  Neg,
  Exp,
  Log,
  Sign,         // derivative 0
  Scale,        // a * x + b
};

struct UnaryParams {
  float a = 0.0f, b = 0.0f, c = 0.0f;
};

enum class BinaryOp : uint8_t { Add, Sub, Mul, Div, Max, Min };

// Losses computed row by row over the last axis (y is seen as rows x cols). See losses/loss.h.
enum class LossKind : uint8_t {
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  BinaryCrossentropy,
  MeanSquaredError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  Huber,
  LogCosh,
  KLDivergence,
  Poisson,
  Hinge,
  SquaredHinge,
  CategoricalHinge,
  CosineSimilarity,
};

struct LossParams {
  bool from_logits = false;
  float label_smoothing = 0.0f;
  float delta = 1.0f;  // Huber
  int axis = -1;       // only -1 (last axis) is supported
};

enum class OptimizerKind : uint8_t { SGD, RMSprop, Adagrad, Adadelta, Adam, AdamW, Adamax, Nadam };

// Everything a fused optimizer update needs for one step; unused fields are ignored by a kind.
struct OptimizerStep {
  float learning_rate = 0.001f;
  float momentum = 0.0f;  // SGD, RMSprop
  bool nesterov = false;  // SGD
  float rho = 0.9f;       // RMSprop, Adadelta
  bool centered = false;  // RMSprop
  float beta_1 = 0.9f, beta_2 = 0.999f;
  float epsilon = 1e-7f;
  bool amsgrad = false;
  float weight_decay = 0.0f;  // decoupled: w -= lr * weight_decay * w before the update (Keras 3)
  int64_t iteration = 0;      // Keras's `iterations` before this step (0 for the first)
  // Nadam's running product of momentum schedules before this step; the update multiplies in this step's
  // factor beta_1 * (1 - 0.5 * 0.96^(iteration + 1)) itself, as Keras does.
  float nadam_u_product = 1.0f;
};

// Reductions over the middle axis of an (outer, mid, inner) view (see Backend::reduce_mid).
enum class ReduceKind : uint8_t { Sum, Mean, Max };

// Where a convolution's windows lie (channels_last): input (batch, in..., channels), output (batch, out...,
// filters), for 1 to 3 spatial axes (unused axes are 1). A group's im2col reads channels
// [channel_begin, channel_begin + channel_count).
struct ConvGeometry {
  int spatial = 2;
  int64_t batch = 0, channels = 0;
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1}, dilation[3] = {1, 1, 1}, pad_before[3] = {0, 0, 0};
  int64_t channel_begin = 0, channel_count = 0;
  int64_t out_positions() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_positions() const { return kernel[0] * kernel[1] * kernel[2]; }
};

enum class ConstraintKind : uint8_t { MaxNorm, MinMaxNorm, NonNeg, UnitNorm };

struct ConstraintParams {
  float max_value = 2.0f, min_value = 0.0f, rate = 1.0f;
};

// A recurrent cell's two activations (Keras's activation and recurrent_activation) as elementwise ops.
struct RecurrentActivations {
  UnaryOp activation = UnaryOp::Tanh;
  UnaryParams activation_params;
  UnaryOp recurrent = UnaryOp::Sigmoid;
  UnaryParams recurrent_params;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Device device() const = 0;
  virtual std::string name() const = 0;  // "CPU (OpenBLAS SkylakeX, 2 threads)", "CUDA: NVIDIA H100"

  // Memory.
  virtual void* allocate(size_t bytes) = 0;
  virtual void deallocate(void* ptr) = 0;
  virtual void copy(void* dst, const void* src, size_t bytes) = 0;
  virtual void copy_from_host(void* dst, const void* host_src, size_t bytes) = 0;
  virtual void copy_to_host(void* host_dst, const void* src, size_t bytes) = 0;
  virtual void fill(float* x, int64_t n, float value) = 0;
  virtual void synchronize() {}

  // C = alpha * op(A) * op(B) + beta * C, row-major; op(A) is M x K, op(B) is K x N.
  virtual void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                    int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) = 0;
  // The same for `batch` matrices at fixed strides (elements) from one another.
  virtual void gemm_strided_batched(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                                    const float* A, int64_t lda, int64_t stride_a, const float* B, int64_t ldb,
                                    int64_t stride_b, float beta, float* C, int64_t ldc, int64_t stride_c,
                                    int64_t batch) = 0;

  // y = x * alpha + y; x *= alpha.
  virtual void axpy(int64_t n, float alpha, const float* x, float* y) = 0;
  virtual void scale(int64_t n, float alpha, float* x) = 0;

  // y = f(x); dx += dy * f'(x), given x and y = f(x) (y may be null for ops that do not use it).
  virtual void unary(UnaryOp op, const float* x, float* y, int64_t n, UnaryParams p = {}) = 0;
  virtual void unary_backward(UnaryOp op, const float* x, const float* y, const float* dy, float* dx, int64_t n,
                              UnaryParams p = {}) = 0;

  // y = a op b (same size n); da += dy * d(a op b)/da, db likewise (either may be null).
  virtual void binary(BinaryOp op, const float* a, const float* b, float* y, int64_t n) = 0;
  virtual void binary_backward(BinaryOp op, const float* a, const float* b, const float* dy, float* da, float* db,
                               int64_t n) = 0;

  // y[r, c] += v[c] for a rows x cols matrix; out[c] = beta * out[c] + sum_r x[r, c].
  virtual void add_row_vector(float* y, const float* v, int64_t rows, int64_t cols) = 0;
  virtual void sum_rows(const float* x, float* out, int64_t rows, int64_t cols, float beta) = 0;

  // Softmax and log-softmax over each row of a rows x cols matrix; backward accumulates into dx.
  virtual void softmax(const float* x, float* y, int64_t rows, int64_t cols) = 0;
  virtual void softmax_backward(const float* y, const float* dy, float* dx, int64_t rows, int64_t cols) = 0;
  virtual void log_softmax(const float* x, float* y, int64_t rows, int64_t cols) = 0;
  virtual void log_softmax_backward(const float* y, const float* dy, float* dx, int64_t rows, int64_t cols) = 0;

  // dst[r, dst_col0 + c] (+)= src[r, src_col0 + c] for c < cols: the block copy behind Concatenate,
  // RepeatVector and their gradients. Leading dimensions are in elements.
  virtual void copy_block(const float* src, int64_t src_ld, float* dst, int64_t dst_ld, int64_t rows, int64_t cols,
                          bool accumulate) = 0;
  // y = x transposed by `perm` (x has shape `dims`); with accumulate, y += instead.
  virtual void permute(const float* x, float* y, const std::vector<int64_t>& dims, const std::vector<int>& perm,
                       bool accumulate) = 0;

  // Counter-based random numbers (core/random.h): identical on every backend for the same key.
  virtual void random_uniform(float* y, int64_t n, float low, float high, uint64_t key) = 0;
  virtual void random_normal(float* y, int64_t n, float mean, float stddev, uint64_t key) = 0;
  // mask[i] = (uniform(key, i) >= rate) / (1 - rate); y = x * mask.
  virtual void dropout(const float* x, float* y, float* mask, int64_t n, float rate, uint64_t key) = 0;

  // Per-row loss values and gradients (dy_pred may be null: values only). y_pred is rows x cols; y_true is rows x cols floats, or `labels`
  // (rows int32 class indices) for sparse losses. row_loss[r] = weight_r * loss_r;
  // dy_pred[r, :] += grad_scale * weight_r * d loss_r / d y_pred[r, :]. weights may be null (all 1).
  virtual void loss(LossKind kind, const LossParams& p, const float* y_true, const int32_t* labels,
                    const float* y_pred, const float* weights, float* row_loss, float* dy_pred, float grad_scale,
                    int64_t rows, int64_t cols) = 0;

  // Sums returned to the host (a device synchronisation on GPUs).
  virtual double sum(const float* x, int64_t n) = 0;
  virtual double sum_squares(const float* x, int64_t n) = 0;
  virtual double sum_abs(const float* x, int64_t n) = 0;
  // x = clamp(x, low, high).
  virtual void clip(float* x, int64_t n, float low, float high) = 0;
  // g += l1 * sign(w) + 2 * l2 * w (the gradient of Keras's l1 * sum|w| + l2 * sum w^2).
  virtual void add_l1_l2_gradient(const float* w, float* g, int64_t n, float l1, float l2) = 0;
  // Applies a weight constraint to w seen as rows x cols, norms taken over rows (Keras's axis=0 for a
  // Dense kernel (in, out); all axes but the last for convolution kernels).
  virtual void constrain(ConstraintKind kind, const ConstraintParams& p, float* w, int64_t rows, int64_t cols) = 0;

  // One fused update of n parameters w from gradients g. slots: the optimizer's state arrays, each n long
  // (SGD momentum: 1; RMSprop: velocity, momentum, average_gradient; Adagrad: accumulator; Adadelta: 2;
  // Adam/AdamW: m, v, v_hat; Adamax: m, u; Nadam: m, v).
  virtual void optimizer_update(OptimizerKind kind, const OptimizerStep& step, float* w, const float* g,
                                float* const* slots, int64_t n) = 0;

  // --- Broadcasting and reductions over the middle axis of an (outer, mid, inner) view ---
  // Most layer families need these (bias and scale per channel, masks per time step, statistics per
  // channel): a tensor (N, T, C) is outer=N, mid=T, inner=C; per-channel work on (N, H, W, C) is
  // outer=1, mid=N*H*W, inner=C.
  // y[o, m, i] = a[o, m, i] op b[o, i].
  virtual void broadcast_binary(BinaryOp op, const float* a, const float* b, float* y, int64_t outer, int64_t mid,
                                int64_t inner) = 0;
  // da[o, m, i] += dy * d(a op b)/da; db[o, i] += sum over m of dy * d(a op b)/db (either may be null).
  virtual void broadcast_binary_backward(BinaryOp op, const float* a, const float* b, const float* dy, float* da,
                                         float* db, int64_t outer, int64_t mid, int64_t inner) = 0;
  // y[o, i] = sum / mean / max over m of x[o, m, i] (y overwritten).
  virtual void reduce_mid(ReduceKind kind, const float* x, float* y, int64_t outer, int64_t mid, int64_t inner) = 0;
  // dx[o, m, i] += dy[o, i] (Sum), dy[o, i] / mid (Mean), or dy[o, i] shared equally by the m where x == y
  // (Max, as JAX, TensorFlow and PyTorch amax).
  virtual void reduce_mid_backward(ReduceKind kind, const float* x, const float* y, const float* dy, float* dx,
                                   int64_t outer, int64_t mid, int64_t inner) = 0;

  // --- Convolution (layers/conv*.cpp) ---
  // cols[(n, out position), (kernel position, c)] = x at that window tap, 0 in the padding: the matrix whose
  // product with the kernel (kernel positions * channel_count, filters) is the convolution.
  virtual void im2col(const ConvGeometry& g, const float* x, float* cols) = 0;
  // The reverse scatter: dx += every tap's value from cols (the input gradient of im2col).
  virtual void col2im(const ConvGeometry& g, const float* cols, float* dx) = 0;

  // --- Pooling and resampling (layers/pooling*.cpp, layers/upsampling*.cpp) ---
  // Tensors are channels_last with up to 3 spatial axes, (batch, s0, s1, s2, channels); unused spatial axes
  // are 1, so one implementation serves 1D, 2D and 3D layers. Work is split across the batch.
  enum class PoolKind : uint8_t { Max, Average };
  struct PoolGeometry {
    int64_t batch = 1, channels = 1;
    int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1};
    int64_t window[3] = {1, 1, 1}, stride[3] = {1, 1, 1};
    int64_t pad_before[3] = {0, 0, 0};  // 'same' padding: window o covers in[o * stride - pad_before, ...)
  };
  // y = the max or mean of each window; Average divides by the window's real (not padded) elements, as Keras.
  virtual void pool(PoolKind kind, const PoolGeometry& g, const float* x, float* y) = 0;
  // dx += dy routed to the first maximum of each window in row-major window order (Max, as XLA's
  // select-and-scatter), or spread over the window's real elements (Average).
  virtual void pool_backward(PoolKind kind, const PoolGeometry& g, const float* x, const float* dy, float* dx) = 0;

  // Upsampling by integer factors: out = in * factor on each spatial axis. Nearest repeats each element;
  // Linear interpolates between the two nearest inputs at half-pixel centres, edges clamped (jax.image.resize
  // 'bilinear' / 'trilinear').
  enum class ResizeKind : uint8_t { Nearest, Linear };
  struct ResizeGeometry {
    int64_t batch = 1, channels = 1;
    int64_t in[3] = {1, 1, 1}, factor[3] = {1, 1, 1};
  };
  virtual void upsample(ResizeKind kind, const ResizeGeometry& g, const float* x, float* y) = 0;
  // dx += the transpose of upsample applied to dy.
  virtual void upsample_backward(ResizeKind kind, const ResizeGeometry& g, const float* dy, float* dx) = 0;

  // dst[n, dst_offset + i, c] (+)= src[n, src_offset + i, c] for every i < box (per spatial axis): the copy
  // behind zero padding and cropping and their gradients. Elements of dst outside the box are left alone.
  struct BoxCopy {
    int64_t batch = 1, channels = 1;
    int64_t src[3] = {1, 1, 1}, dst[3] = {1, 1, 1}, box[3] = {1, 1, 1};
    int64_t src_offset[3] = {0, 0, 0}, dst_offset[3] = {0, 0, 0};
  };
  virtual void copy_box(const BoxCopy& g, const float* src, float* dst, bool accumulate) = 0;

  // --- Normalization (layers/*normalization.cpp) ---
  // x seen as (outer, reduce_outer, groups, reduce_inner): one mean and variance per (outer, group), over the
  // reduce axes; gamma and beta (either may be null) per channel c = group * reduce_inner + r. Batch
  // normalization of (rows, C) is (1, rows, C, 1), layer normalization over the last C is (rows, 1, 1, C),
  // group normalization of (N, HW, C) is (N, HW, G, C / G).
  struct NormGeometry {
    int64_t outer = 1, reduce_outer = 1, groups = 1, reduce_inner = 1;
    float epsilon = 1e-3f;
    bool centered = true;  // false: x * rsqrt(var + eps), LayerNormalization's rms_scaling
    int64_t size() const { return outer * reduce_outer * groups * reduce_inner; }
    int64_t stats() const { return outer * groups; }
    int64_t channels() const { return groups * reduce_inner; }
  };
  // mean, variance (biased) per (outer, group). weights: null, or one per (outer, reduce_outer) position (a mask):
  // weighted statistics, sum(w x) / (sum(w) + 1e-7) as Keras's masked BatchNormalization.
  virtual void norm_moments(const NormGeometry& g, const float* x, const float* weights, float* mean,
                            float* variance) = 0;
  // y = (x - mean, or x) * rsqrt(variance + eps) * gamma + beta.
  virtual void norm_apply(const NormGeometry& g, const float* x, const float* mean, const float* variance,
                          const float* gamma, const float* beta, float* y) = 0;
  // dx += d/dx; dgamma += sum dy * normalized x; dbeta += sum dy (each may be null). statistics_from_x: the mean
  // and variance were norm_moments of this x with these weights (training), so the gradient flows through them;
  // false: they are constants (BatchNormalization's moving statistics).
  virtual void norm_backward(const NormGeometry& g, const float* x, const float* weights, const float* mean,
                             const float* variance, const float* gamma, const float* dy, float* dx, float* dgamma,
                             float* dbeta, bool statistics_from_x) = 0;
  // y = x * min(rsqrt(sum x^2), 1 / eps) over each row of `cols` (Keras's UnitNormalization); backward adds to dx.
  virtual void l2_normalize(const float* x, float* y, int64_t rows, int64_t cols, float epsilon) = 0;
  virtual void l2_normalize_backward(const float* x, const float* dy, float* dx, int64_t rows, int64_t cols,
                                     float epsilon) = 0;

  // --- Recurrent cells (layers/recurrent*.cpp) ---
  // One time step of a cell over `batch` rows, after the layer's gemms (rows contiguous, `units` = u). `keep` is
  // Keras's mask for this step (row b at keep[b * keep_stride]; null: every row kept): a masked row keeps its
  // previous state, and its backward passes dh and dc straight through. Activations are elementwise UnaryOps.
  // LSTM, Keras's gate order i, f, c, o: z (batch, 4u) pre-activations; writes gates (batch, 4u) activated,
  // c = f * c_prev + i * act(c~), c_act = act(c), h = o * c_act.
  virtual void lstm_cell_forward(const RecurrentActivations& a, const float* z, float* gates, const float* c_prev,
                                 float* c, float* c_act, const float* h_prev, float* h, const float* keep,
                                 int64_t keep_stride, int64_t batch, int64_t units) = 0;
  // Given dh = dL/dh (overwritten by the part of dL/dh_prev that bypasses the recurrent kernel: masked rows) and
  // dc = dL/dc (overwritten by dL/dc_prev), writes dz = dL/dz (batch, 4u).
  virtual void lstm_cell_backward(const RecurrentActivations& a, const float* z, const float* gates,
                                  const float* c_prev, const float* c_act, const float* keep, int64_t keep_stride,
                                  float* dh, float* dc, float* dz, int64_t batch, int64_t units) = 0;
  // GRU, gates z, r, h. xz (batch, 3u): input projection with the input bias; hz (batch, 3u): recurrent projection
  // (reset_after: h_prev · U + recurrent bias, all three blocks; otherwise the z and r blocks only). Phase one
  // writes pre (batch, 3u) and gates (batch, 3u) for z and r, and rh = r * h_prev (used when !reset_after, whose
  // layer then writes hz's h block as rh · U_h). Phase two finishes pre and gates for h and writes
  // h = z * h_prev + (1 - z) * act(pre_h).
  virtual void gru_gates_forward(const RecurrentActivations& a, bool reset_after, const float* xz, const float* hz,
                                 float* pre, float* gates, const float* h_prev, float* rh, int64_t batch,
                                 int64_t units) = 0;
  virtual void gru_cell_forward(const RecurrentActivations& a, bool reset_after, const float* xz, const float* hz,
                                float* pre, float* gates, const float* h_prev, float* h, const float* keep,
                                int64_t keep_stride, int64_t batch, int64_t units) = 0;
  // Phase one of the backward: from dh (overwritten as for the LSTM: the part of dL/dh_prev that bypasses the
  // recurrent kernel), writes dxz and dhz (batch, 3u) complete when reset_after; otherwise their r blocks are
  // finished by gru_reset_backward once the layer has computed drh = dhz_h · U_hᵀ.
  virtual void gru_cell_backward(const RecurrentActivations& a, bool reset_after, const float* hz, const float* pre,
                                 const float* gates, const float* h_prev, const float* keep, int64_t keep_stride,
                                 float* dh, float* dxz, float* dhz, int64_t batch, int64_t units) = 0;
  virtual void gru_reset_backward(const RecurrentActivations& a, const float* pre, const float* gates,
                                  const float* h_prev, const float* drh, float* dh, float* dxz, float* dhz,
                                  int64_t batch, int64_t units) = 0;
  // SimpleRNN: h = act(z) for z (batch, u); backward writes dz and overwrites dh as above.
  virtual void simple_rnn_cell_forward(const RecurrentActivations& a, const float* z, const float* h_prev, float* h,
                                       const float* keep, int64_t keep_stride, int64_t batch, int64_t units) = 0;
  virtual void simple_rnn_cell_backward(const RecurrentActivations& a, const float* z, const float* h,
                                        const float* keep, int64_t keep_stride, float* dh, float* dz, int64_t batch,
                                        int64_t units) = 0;
  // Copies rows between a batch-major (batch, time, cols) tensor and a time-major (time, batch, cols) one in
  // processing order (reversed when `backwards`: Keras's go_backwards); `to_time_major` picks the direction,
  // `accumulate` adds instead of overwriting.
  virtual void time_major_copy(const float* src, float* dst, int64_t batch, int64_t time, int64_t cols,
                               bool to_time_major, bool backwards, bool accumulate) = 0;

  // --- Embedding lookups (layers/embedding.cpp) ---
  // y[i, :] = table[ids[i], :] for `count` float indices; returns -1, or the position of the first index outside
  // [0, rows) (then y is unspecified).
  virtual int64_t embedding_lookup(const float* ids, const float* table, float* y, int64_t count, int64_t rows,
                                   int64_t dim) = 0;
  // dtable[ids[i], :] += dy[i, :].
  virtual void embedding_backward(const float* ids, const float* dy, float* dtable, int64_t count, int64_t rows,
                                  int64_t dim) = 0;
  // Keras's masks: keep[r] = 1 when some x[r, c] != value (Masking; Embedding with cols = 1, value 0), else 0.
  virtual void mask_not_equal(const float* x, float* keep, int64_t rows, int64_t cols, float value) = 0;

  // --- Attention (layers/*attention.cpp) ---
  // Masks attention scores x (batch, heads, tq, tv) in place at every [b, h, i, j] where query_mask[b, i] == 0,
  // key_mask[b, j] == 0 (either may be null: no such mask) or, with `causal`, j > i. `subtract`: x -= 1e9
  // (Keras's Attention); else x = fill (MultiHeadAttention: -1e9 before its softmax, 0 after it).
  virtual void attention_mask(float* x, const float* query_mask, const float* key_mask, bool causal, bool subtract,
                              float fill, int64_t batch, int64_t heads, int64_t tq, int64_t tv) = 0;
  // Additive (Bahdanau) scores: s[b, i, j] = sum_d w[d] * tanh(q[b, i, d] + k[b, j, d]); w null means all 1.
  virtual void additive_scores(const float* q, const float* k, const float* w, float* s, int64_t batch, int64_t tq,
                               int64_t tv, int64_t dim) = 0;
  // Accumulates dq, dk and dw (each may be null) from ds, the gradient of additive_scores' s.
  virtual void additive_scores_backward(const float* q, const float* k, const float* w, const float* ds, float* dq,
                                        float* dk, float* dw, int64_t batch, int64_t tq, int64_t tv, int64_t dim) = 0;
};

// The process-wide CPU backend (always present).
Backend& cpu_backend();

}  // namespace cornu
