// The CPU backend: matrix work on OpenBLAS sgemm, everything else in plain loops that the compiler
// vectorises, split across cores by parallel_for (parallel.h) when an array is large enough to pay for it.
// The implementation is spread over a few files by family: cpu_backend.cpp (memory, BLAS, layout,
// random, reductions), cpu_unary.cpp (activations), cpu_loss.cpp (losses), cpu_optimizer.cpp
// (optimizer updates, regularizers, constraints), and one file per layer family (cpu_conv.cpp, ...).
#pragma once
#include "backend/backend.h"

namespace cornu {

class CpuBackend final : public Backend {
 public:
  CpuBackend();
  Device device() const override { return Device::CPU; }
  std::string name() const override;

  void* allocate(size_t bytes) override;
  void deallocate(void* ptr) override;
  void copy(void* dst, const void* src, size_t bytes) override;
  void copy_from_host(void* dst, const void* host_src, size_t bytes) override;
  void copy_to_host(void* host_dst, const void* src, size_t bytes) override;
  void fill(float* x, int64_t n, float value) override;

  void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
            const float* B, int64_t ldb, float beta, float* C, int64_t ldc) override;
  void gemm_strided_batched(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                            int64_t lda, int64_t stride_a, const float* B, int64_t ldb, int64_t stride_b, float beta,
                            float* C, int64_t ldc, int64_t stride_c, int64_t batch) override;
  void axpy(int64_t n, float alpha, const float* x, float* y) override;
  void scale(int64_t n, float alpha, float* x) override;

  void unary(UnaryOp op, const float* x, float* y, int64_t n, UnaryParams p) override;
  void unary_backward(UnaryOp op, const float* x, const float* y, const float* dy, float* dx, int64_t n,
                      UnaryParams p) override;
  void binary(BinaryOp op, const float* a, const float* b, float* y, int64_t n) override;
  void binary_backward(BinaryOp op, const float* a, const float* b, const float* dy, float* da, float* db,
                       int64_t n) override;

  void add_row_vector(float* y, const float* v, int64_t rows, int64_t cols) override;
  void sum_rows(const float* x, float* out, int64_t rows, int64_t cols, float beta) override;
  void softmax(const float* x, float* y, int64_t rows, int64_t cols) override;
  void softmax_backward(const float* y, const float* dy, float* dx, int64_t rows, int64_t cols) override;
  void log_softmax(const float* x, float* y, int64_t rows, int64_t cols) override;
  void log_softmax_backward(const float* y, const float* dy, float* dx, int64_t rows, int64_t cols) override;
  void copy_block(const float* src, int64_t src_ld, float* dst, int64_t dst_ld, int64_t rows, int64_t cols,
                  bool accumulate) override;
  void permute(const float* x, float* y, const std::vector<int64_t>& dims, const std::vector<int>& perm,
               bool accumulate) override;

  void random_uniform(float* y, int64_t n, float low, float high, uint64_t key) override;
  void random_normal(float* y, int64_t n, float mean, float stddev, uint64_t key) override;
  void dropout(const float* x, float* y, float* mask, int64_t n, float rate, uint64_t key) override;

  void loss(LossKind kind, const LossParams& p, const float* y_true, const int32_t* labels, const float* y_pred,
            const float* weights, float* row_loss, float* dy_pred, float grad_scale, int64_t rows,
            int64_t cols) override;

  double sum(const float* x, int64_t n) override;
  double sum_squares(const float* x, int64_t n) override;
  double sum_abs(const float* x, int64_t n) override;
  void clip(float* x, int64_t n, float low, float high) override;
  void add_l1_l2_gradient(const float* w, float* g, int64_t n, float l1, float l2) override;
  void constrain(ConstraintKind kind, const ConstraintParams& p, float* w, int64_t rows, int64_t cols) override;
  void optimizer_update(OptimizerKind kind, const OptimizerStep& step, float* w, const float* g, float* const* slots,
                        int64_t n) override;

  // Broadcasting and reductions (cpu_broadcast.cpp).
  void broadcast_binary(BinaryOp op, const float* a, const float* b, float* y, int64_t outer, int64_t mid,
                        int64_t inner) override;
  void broadcast_binary_backward(BinaryOp op, const float* a, const float* b, const float* dy, float* da, float* db,
                                 int64_t outer, int64_t mid, int64_t inner) override;
  void reduce_mid(ReduceKind kind, const float* x, float* y, int64_t outer, int64_t mid, int64_t inner) override;
  void reduce_mid_backward(ReduceKind kind, const float* x, const float* y, const float* dy, float* dx, int64_t outer,
                           int64_t mid, int64_t inner) override;

  // Convolution (cpu_conv.cpp).
  void im2col(const ConvGeometry& g, const float* x, float* cols) override;
  void col2im(const ConvGeometry& g, const float* cols, float* dx) override;

  // Pooling and resampling (cpu_pooling.cpp).
  void pool(PoolKind kind, const PoolGeometry& g, const float* x, float* y) override;
  void pool_backward(PoolKind kind, const PoolGeometry& g, const float* x, const float* dy, float* dx) override;
  void upsample(ResizeKind kind, const ResizeGeometry& g, const float* x, float* y) override;
  void upsample_backward(ResizeKind kind, const ResizeGeometry& g, const float* dy, float* dx) override;
  void copy_box(const BoxCopy& g, const float* src, float* dst, bool accumulate) override;

  // Normalization (cpu_normalization.cpp).
  void norm_moments(const NormGeometry& g, const float* x, const float* weights, float* mean, float* variance) override;
  void norm_apply(const NormGeometry& g, const float* x, const float* mean, const float* variance, const float* gamma,
                  const float* beta, float* y) override;
  void norm_backward(const NormGeometry& g, const float* x, const float* weights, const float* mean,
                     const float* variance, const float* gamma, const float* dy, float* dx, float* dgamma,
                     float* dbeta, bool statistics_from_x) override;
  void l2_normalize(const float* x, float* y, int64_t rows, int64_t cols, float epsilon) override;
  void l2_normalize_backward(const float* x, const float* dy, float* dx, int64_t rows, int64_t cols,
                             float epsilon) override;

  // Recurrent cells (cpu_recurrent.cpp).
  void lstm_cell_forward(const RecurrentActivations& a, const float* z, float* gates, const float* c_prev, float* c,
                         float* c_act, const float* h_prev, float* h, const float* keep, int64_t keep_stride,
                         int64_t batch, int64_t units) override;
  void lstm_cell_backward(const RecurrentActivations& a, const float* z, const float* gates, const float* c_prev,
                          const float* c_act, const float* keep, int64_t keep_stride, float* dh, float* dc, float* dz,
                          int64_t batch, int64_t units) override;
  void gru_gates_forward(const RecurrentActivations& a, bool reset_after, const float* xz, const float* hz, float* pre,
                         float* gates, const float* h_prev, float* rh, int64_t batch, int64_t units) override;
  void gru_cell_forward(const RecurrentActivations& a, bool reset_after, const float* xz, const float* hz, float* pre,
                        float* gates, const float* h_prev, float* h, const float* keep, int64_t keep_stride,
                        int64_t batch, int64_t units) override;
  void gru_cell_backward(const RecurrentActivations& a, bool reset_after, const float* hz, const float* pre,
                         const float* gates, const float* h_prev, const float* keep, int64_t keep_stride, float* dh,
                         float* dxz, float* dhz, int64_t batch, int64_t units) override;
  void gru_reset_backward(const RecurrentActivations& a, const float* pre, const float* gates, const float* h_prev,
                          const float* drh, float* dh, float* dxz, float* dhz, int64_t batch, int64_t units) override;
  void simple_rnn_cell_forward(const RecurrentActivations& a, const float* z, const float* h_prev, float* h,
                               const float* keep, int64_t keep_stride, int64_t batch, int64_t units) override;
  void simple_rnn_cell_backward(const RecurrentActivations& a, const float* z, const float* h, const float* keep,
                                int64_t keep_stride, float* dh, float* dz, int64_t batch, int64_t units) override;
  void time_major_copy(const float* src, float* dst, int64_t batch, int64_t time, int64_t cols, bool to_time_major,
                       bool backwards, bool accumulate) override;

  // Embedding lookups (cpu_embedding.cpp).
  int64_t embedding_lookup(const float* ids, const float* table, float* y, int64_t count, int64_t rows,
                           int64_t dim) override;
  void embedding_backward(const float* ids, const float* dy, float* dtable, int64_t count, int64_t rows,
                          int64_t dim) override;
  void mask_not_equal(const float* x, float* keep, int64_t rows, int64_t cols, float value) override;

  // Attention (cpu_attention.cpp).
  void attention_mask(float* x, const float* query_mask, const float* key_mask, bool causal, bool subtract, float fill,
                      int64_t batch, int64_t heads, int64_t tq, int64_t tv) override;
  void additive_scores(const float* q, const float* k, const float* w, float* s, int64_t batch, int64_t tq, int64_t tv,
                       int64_t dim) override;
  void additive_scores_backward(const float* q, const float* k, const float* w, const float* ds, float* dq, float* dk,
                                float* dw, int64_t batch, int64_t tq, int64_t tv, int64_t dim) override;
};

}  // namespace cornu
