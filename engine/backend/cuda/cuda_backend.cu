// CUDA backend: device query, memory, cuBLAS gemm and the elementwise kernels. Compiled whenever nvcc is
// found; every entry point checks cudaGetDeviceCount first, so binaries run where there is no GPU.
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <cmath>
#include <memory>
#include <mutex>
#include <string>

#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cuda_info.h"
#include "core/error.h"

namespace cornu {

namespace {

void check(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return;
  if (e == cudaErrorMemoryAllocation)
    throw DeviceError(std::string("The GPU ran out of memory during ") + what +
                      ": use a smaller batch size or model, or train on the CPU.");
  throw DeviceError(std::string("CUDA error during ") + what + ": " + cudaGetErrorString(e) + ".");
}

void check(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS) throw DeviceError(std::string("cuBLAS error ") + std::to_string(static_cast<int>(s)) + " during " + what + ".");
}

constexpr int kThreads = 256;
int blocks_for(int64_t n) { return static_cast<int>(std::min<int64_t>((n + kThreads - 1) / kThreads, 65535)); }

__global__ void fill_kernel(float* x, int64_t n, float v) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(blockDim.x) * gridDim.x) x[i] = v;
}
__global__ void axpy_kernel(int64_t n, float a, const float* x, float* y) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(blockDim.x) * gridDim.x) y[i] += a * x[i];
}
__global__ void scale_kernel(int64_t n, float a, float* x) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(blockDim.x) * gridDim.x) x[i] *= a;
}

__device__ float sigmoidf(float x) { return x >= 0 ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x)); }
__device__ float softplusf(float x) { return x > 20.0f ? x : log1pf(expf(x)); }

// f(x) for every UnaryOp, with the same definitions as the CPU backend (cpu_unary.cpp).
__device__ float unary_value(UnaryOp op, float x, UnaryParams p) {
  switch (op) {
    case UnaryOp::Identity: return x;
    case UnaryOp::Relu: {
      float y = x >= p.c ? x : (p.a != 0.0f ? p.a * (x - p.c) : 0.0f);
      if (x >= p.c && p.b >= 0.0f) y = fminf(y, p.b);
      return y;
    }
    case UnaryOp::Sigmoid: return sigmoidf(x);
    case UnaryOp::HardSigmoid: return fminf(fmaxf(x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case UnaryOp::Tanh: return tanhf(x);
    case UnaryOp::Softplus: return softplusf(x);
    case UnaryOp::Softsign: return x / (1.0f + fabsf(x));
    case UnaryOp::Elu: return x > 0 ? x : p.a * expm1f(x);
    case UnaryOp::Selu: {
      const float alpha = 1.6732632423543772f, scale = 1.0507009873554805f;
      return scale * (x > 0 ? x : alpha * expm1f(x));
    }
    case UnaryOp::Gelu: return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
    case UnaryOp::GeluTanh: return 0.5f * x * (1.0f + tanhf(0.7978845608028654f * (x + 0.044715f * x * x * x)));
    case UnaryOp::Silu: return x * sigmoidf(x);
    case UnaryOp::Mish: return x * tanhf(softplusf(x));
    case UnaryOp::Exponential: return expf(x);
    case UnaryOp::Square: return x * x;
    case UnaryOp::Sqrt: return sqrtf(x);
    case UnaryOp::Abs: return fabsf(x);
    case UnaryOp::Neg: return -x;
    case UnaryOp::Exp: return expf(x);
    case UnaryOp::Log: return logf(x);
    case UnaryOp::Sign: return (x > 0) - (x < 0);
    case UnaryOp::Scale: return p.a * x + p.b;
  }
  return x;
}

// f'(x); derivatives of the smooth ops come from x (the forward output is not needed).
__device__ float unary_derivative(UnaryOp op, float x, UnaryParams p) {
  switch (op) {
    case UnaryOp::Identity: return 1.0f;
    case UnaryOp::Relu:
      if (x >= p.c) return (p.b >= 0.0f && x > p.b) ? 0.0f : 1.0f;
      return p.a;
    case UnaryOp::Sigmoid: { float s = sigmoidf(x); return s * (1.0f - s); }
    case UnaryOp::HardSigmoid: return (x > -3.0f && x < 3.0f) ? 1.0f / 6.0f : 0.0f;
    case UnaryOp::Tanh: { float t = tanhf(x); return 1.0f - t * t; }
    case UnaryOp::Softplus: return sigmoidf(x);
    case UnaryOp::Softsign: { float d = 1.0f + fabsf(x); return 1.0f / (d * d); }
    case UnaryOp::Elu: return x > 0 ? 1.0f : p.a * expf(x);
    case UnaryOp::Selu: {
      const float alpha = 1.6732632423543772f, scale = 1.0507009873554805f;
      return scale * (x > 0 ? 1.0f : alpha * expf(x));
    }
    case UnaryOp::Gelu: return 0.5f * (1.0f + erff(x * 0.70710678118654752f)) + x * 0.3989422804014327f * expf(-0.5f * x * x);
    case UnaryOp::GeluTanh: {
      float u = 0.7978845608028654f * (x + 0.044715f * x * x * x), t = tanhf(u);
      return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * 0.7978845608028654f * (1.0f + 3.0f * 0.044715f * x * x);
    }
    case UnaryOp::Silu: { float s = sigmoidf(x); return s * (1.0f + x * (1.0f - s)); }
    case UnaryOp::Mish: {
      float sp = softplusf(x), t = tanhf(sp);
      return t + x * (1.0f - t * t) * sigmoidf(x);
    }
    case UnaryOp::Exponential: return expf(x);
    case UnaryOp::Square: return 2.0f * x;
    case UnaryOp::Sqrt: return 0.5f / sqrtf(x);
    case UnaryOp::Abs: return (x > 0) - (x < 0);
    case UnaryOp::Neg: return -1.0f;
    case UnaryOp::Exp: return expf(x);
    case UnaryOp::Log: return 1.0f / x;
    case UnaryOp::Sign: return 0.0f;
    case UnaryOp::Scale: return p.a;
  }
  return 1.0f;
}

__global__ void unary_kernel(UnaryOp op, const float* x, float* y, int64_t n, UnaryParams p) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(blockDim.x) * gridDim.x)
    y[i] = unary_value(op, x[i], p);
}
__global__ void unary_backward_kernel(UnaryOp op, const float* x, const float* dy, float* dx, int64_t n, UnaryParams p) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(blockDim.x) * gridDim.x)
    dx[i] += dy[i] * unary_derivative(op, x[i], p);
}

[[noreturn]] void not_yet(const char* op) {
  throw DeviceError(std::string("'") + op + "' is not available on the GPU backend yet; train on the CPU for now.");
}

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(int index) : index_(index) {
    check(cudaSetDevice(index), "selecting the GPU");
    check(cublasCreate(&cublas_), "creating the cuBLAS handle");
    cudaDeviceProp prop{};
    check(cudaGetDeviceProperties(&prop, index), "reading the GPU's properties");
    name_ = std::string("CUDA: ") + prop.name;
  }
  ~CudaBackend() override { cublasDestroy(cublas_); }
  Device device() const override { return Device::CUDA; }
  std::string name() const override { return name_; }

  void* allocate(size_t bytes) override {
    void* p = nullptr;
    check(cudaMalloc(&p, bytes ? bytes : 1), "allocating GPU memory");
    return p;
  }
  void deallocate(void* p) override { cudaFree(p); }
  void copy(void* d, const void* s, size_t b) override { check(cudaMemcpy(d, s, b, cudaMemcpyDeviceToDevice), "a copy"); }
  void copy_from_host(void* d, const void* s, size_t b) override { check(cudaMemcpy(d, s, b, cudaMemcpyHostToDevice), "an upload"); }
  void copy_to_host(void* d, const void* s, size_t b) override { check(cudaMemcpy(d, s, b, cudaMemcpyDeviceToHost), "a download"); }
  void synchronize() override { check(cudaDeviceSynchronize(), "synchronising"); }
  void fill(float* x, int64_t n, float v) override {
    if (n) fill_kernel<<<blocks_for(n), kThreads>>>(x, n, v);
    check(cudaGetLastError(), "fill");
  }

  void gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda, const float* B,
            int64_t ldb, float beta, float* C, int64_t ldc) override {
    // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands.
    check(cublasSgemm(cublas_, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N, static_cast<int>(N),
                      static_cast<int>(M), static_cast<int>(K), &alpha, B, static_cast<int>(ldb), A,
                      static_cast<int>(lda), &beta, C, static_cast<int>(ldc)),
          "gemm");
  }
  void gemm_strided_batched(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                            int64_t sa, const float* B, int64_t ldb, int64_t sb, float beta, float* C, int64_t ldc,
                            int64_t sc, int64_t batch) override {
    check(cublasSgemmStridedBatched(cublas_, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N,
                                    static_cast<int>(N), static_cast<int>(M), static_cast<int>(K), &alpha, B,
                                    static_cast<int>(ldb), sb, A, static_cast<int>(lda), sa, &beta, C,
                                    static_cast<int>(ldc), sc, static_cast<int>(batch)),
          "batched gemm");
  }
  void axpy(int64_t n, float a, const float* x, float* y) override {
    if (n) axpy_kernel<<<blocks_for(n), kThreads>>>(n, a, x, y);
    check(cudaGetLastError(), "axpy");
  }
  void scale(int64_t n, float a, float* x) override {
    if (n) scale_kernel<<<blocks_for(n), kThreads>>>(n, a, x);
    check(cudaGetLastError(), "scale");
  }
  void unary(UnaryOp op, const float* x, float* y, int64_t n, UnaryParams p) override {
    if (n) unary_kernel<<<blocks_for(n), kThreads>>>(op, x, y, n, p);
    check(cudaGetLastError(), "an activation");
  }
  void unary_backward(UnaryOp op, const float* x, const float*, const float* dy, float* dx, int64_t n, UnaryParams p) override {
    if (n) unary_backward_kernel<<<blocks_for(n), kThreads>>>(op, x, dy, dx, n, p);
    check(cudaGetLastError(), "an activation's gradient");
  }

  void binary(BinaryOp, const float*, const float*, float*, int64_t) override { not_yet("binary"); }
  void binary_backward(BinaryOp, const float*, const float*, const float*, float*, float*, int64_t) override { not_yet("binary_backward"); }
  void add_row_vector(float*, const float*, int64_t, int64_t) override { not_yet("add_row_vector"); }
  void sum_rows(const float*, float*, int64_t, int64_t, float) override { not_yet("sum_rows"); }
  void softmax(const float*, float*, int64_t, int64_t) override { not_yet("softmax"); }
  void softmax_backward(const float*, const float*, float*, int64_t, int64_t) override { not_yet("softmax_backward"); }
  void log_softmax(const float*, float*, int64_t, int64_t) override { not_yet("log_softmax"); }
  void log_softmax_backward(const float*, const float*, float*, int64_t, int64_t) override { not_yet("log_softmax_backward"); }
  void copy_block(const float*, int64_t, float*, int64_t, int64_t, int64_t, bool) override { not_yet("copy_block"); }
  void permute(const float*, float*, const std::vector<int64_t>&, const std::vector<int>&, bool) override { not_yet("permute"); }
  void random_uniform(float*, int64_t, float, float, uint64_t) override { not_yet("random_uniform"); }
  void random_normal(float*, int64_t, float, float, uint64_t) override { not_yet("random_normal"); }
  void dropout(const float*, float*, float*, int64_t, float, uint64_t) override { not_yet("dropout"); }
  void loss(LossKind, const LossParams&, const float*, const int32_t*, const float*, const float*, float*, float*, float,
            int64_t, int64_t) override { not_yet("loss"); }
  double sum(const float*, int64_t) override { not_yet("sum"); }
  double sum_squares(const float*, int64_t) override { not_yet("sum_squares"); }
  double sum_abs(const float*, int64_t) override { not_yet("sum_abs"); }
  void clip(float*, int64_t, float, float) override { not_yet("clip"); }
  void add_l1_l2_gradient(const float*, float*, int64_t, float, float) override { not_yet("add_l1_l2_gradient"); }
  void constrain(ConstraintKind, const ConstraintParams&, float*, int64_t, int64_t) override { not_yet("constrain"); }
  void optimizer_update(OptimizerKind, const OptimizerStep&, float*, const float*, float* const*, int64_t) override { not_yet("optimizer_update"); }
  void broadcast_binary(BinaryOp, const float*, const float*, float*, int64_t, int64_t, int64_t) override { not_yet("broadcast_binary"); }
  void broadcast_binary_backward(BinaryOp, const float*, const float*, const float*, float*, float*, int64_t, int64_t,
                                 int64_t) override { not_yet("broadcast_binary_backward"); }
  void reduce_mid(ReduceKind, const float*, float*, int64_t, int64_t, int64_t) override { not_yet("reduce_mid"); }
  void reduce_mid_backward(ReduceKind, const float*, const float*, const float*, float*, int64_t, int64_t, int64_t) override {
    not_yet("reduce_mid_backward");
  }

  // Convolution.
  void im2col(const ConvGeometry&, const float*, float*) override { not_yet("im2col"); }
  void col2im(const ConvGeometry&, const float*, float*) override { not_yet("col2im"); }

  // Pooling and resampling.
  void pool(PoolKind, const PoolGeometry&, const float*, float*) override { not_yet("pool"); }
  void pool_backward(PoolKind, const PoolGeometry&, const float*, const float*, float*) override { not_yet("pool_backward"); }
  void upsample(ResizeKind, const ResizeGeometry&, const float*, float*) override { not_yet("upsample"); }
  void upsample_backward(ResizeKind, const ResizeGeometry&, const float*, float*) override { not_yet("upsample_backward"); }
  void copy_box(const BoxCopy&, const float*, float*, bool) override { not_yet("copy_box"); }

  // Normalization.
  void norm_moments(const NormGeometry&, const float*, const float*, float*, float*) override { not_yet("norm_moments"); }
  void norm_apply(const NormGeometry&, const float*, const float*, const float*, const float*, const float*,
                  float*) override {
    not_yet("norm_apply");
  }
  void norm_backward(const NormGeometry&, const float*, const float*, const float*, const float*, const float*,
                     const float*, float*, float*, float*, bool) override {
    not_yet("norm_backward");
  }
  void l2_normalize(const float*, float*, int64_t, int64_t, float) override { not_yet("l2_normalize"); }
  void l2_normalize_backward(const float*, const float*, float*, int64_t, int64_t, float) override {
    not_yet("l2_normalize_backward");
  }

  // Recurrent cells.
  void lstm_cell_forward(const RecurrentActivations&, const float*, float*, const float*, float*, float*, const float*, float*, const float*, int64_t, int64_t, int64_t) override {
    not_yet("lstm_cell_forward");
  }
  void lstm_cell_backward(const RecurrentActivations&, const float*, const float*, const float*, const float*, const float*, int64_t, float*, float*, float*, int64_t, int64_t) override {
    not_yet("lstm_cell_backward");
  }
  void gru_gates_forward(const RecurrentActivations&, bool, const float*, const float*, float*, float*, const float*, float*, int64_t, int64_t) override {
    not_yet("gru_gates_forward");
  }
  void gru_cell_forward(const RecurrentActivations&, bool, const float*, const float*, float*, float*, const float*, float*, const float*, int64_t, int64_t, int64_t) override {
    not_yet("gru_cell_forward");
  }
  void gru_cell_backward(const RecurrentActivations&, bool, const float*, const float*, const float*, const float*, const float*, int64_t, float*, float*, float*, int64_t, int64_t) override {
    not_yet("gru_cell_backward");
  }
  void gru_reset_backward(const RecurrentActivations&, const float*, const float*, const float*, const float*, float*, float*, float*, int64_t, int64_t) override {
    not_yet("gru_reset_backward");
  }
  void simple_rnn_cell_forward(const RecurrentActivations&, const float*, const float*, float*, const float*, int64_t, int64_t, int64_t) override {
    not_yet("simple_rnn_cell_forward");
  }
  void simple_rnn_cell_backward(const RecurrentActivations&, const float*, const float*, const float*, int64_t, float*, float*, int64_t, int64_t) override {
    not_yet("simple_rnn_cell_backward");
  }
  void time_major_copy(const float*, float*, int64_t, int64_t, int64_t, bool, bool, bool) override { not_yet("time_major_copy"); }

  // Embedding lookups.
  int64_t embedding_lookup(const float*, const float*, float*, int64_t, int64_t, int64_t) override { not_yet("embedding_lookup"); }
  void embedding_backward(const float*, const float*, float*, int64_t, int64_t, int64_t) override { not_yet("embedding_backward"); }
  void mask_not_equal(const float*, float*, int64_t, int64_t, float) override { not_yet("mask_not_equal"); }

  // Attention.
  void attention_mask(float*, const float*, const float*, bool, bool, float, int64_t, int64_t, int64_t, int64_t) override {
    not_yet("attention_mask");
  }
  void additive_scores(const float*, const float*, const float*, float*, int64_t, int64_t, int64_t, int64_t) override {
    not_yet("additive_scores");
  }
  void additive_scores_backward(const float*, const float*, const float*, const float*, float*, float*, float*, int64_t,
                                int64_t, int64_t, int64_t) override {
    not_yet("additive_scores_backward");
  }

 private:
  int index_;
  std::string name_;
  cublasHandle_t cublas_ = nullptr;
};

}  // namespace

Backend& cuda_backend(int index) {
  static std::mutex mutex;
  static std::unique_ptr<CudaBackend> backends[16];
  std::lock_guard lock(mutex);
  int count = cuda::device_count();
  if (count == 0) throw DeviceError("No CUDA GPU can be used: " + cuda::runtime_info().problem + ". Train on the CPU.");
  if (index < 0 || index >= count || index >= 16)
    throw DeviceError("There is no GPU " + std::to_string(index) + "; this machine has " + std::to_string(count) + ".");
  if (!backends[index]) backends[index] = std::make_unique<CudaBackend>(index);
  return *backends[index];
}

namespace cuda {

bool compiled() { return true; }

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" error
    return 0;
  }
  return n;
}

RuntimeInfo runtime_info() {
  RuntimeInfo info;
  info.compiled = true;
  cudaRuntimeGetVersion(&info.runtime_version);
  cudaDriverGetVersion(&info.driver_version);
  info.cudnn_version = static_cast<int>(cudnnGetVersion());
  info.cublas_version = CUBLAS_VERSION;
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    info.problem = info.driver_version == 0 ? "no NVIDIA driver is installed" : cudaGetErrorString(e);
    cudaGetLastError();
    return info;
  }
  if (n == 0) info.problem = "no CUDA device was found";
  for (int i = 0; i < n; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
    DeviceInfo d;
    d.index = i;
    d.name = prop.name;
    d.total_memory = prop.totalGlobalMem;
    d.compute_major = prop.major, d.compute_minor = prop.minor;
    size_t free_bytes = 0, total = 0;
    if (cudaSetDevice(i) == cudaSuccess && cudaMemGetInfo(&free_bytes, &total) == cudaSuccess) d.free_memory = free_bytes;
    info.devices.push_back(d);
  }
  return info;
}

}  // namespace cuda

}  // namespace cornu
