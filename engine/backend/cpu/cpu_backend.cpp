#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "backend/cpu/openblas.h"
#include "core/error.h"
#include "core/random.h"

namespace cornu {

Backend& cpu_backend() {
  static CpuBackend backend;
  return backend;
}

CpuBackend::CpuBackend() { openblas::api(); }

std::string CpuBackend::name() const {
  auto i = openblas::info();
  return "CPU (OpenBLAS " + i.core + ", " + std::to_string(i.threads) + " threads)";
}

void* CpuBackend::allocate(size_t bytes) {
  // 64-byte alignment: whole cache lines and aligned AVX-512 loads.
  void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!p)
    throw DeviceError("Out of memory: could not allocate " + std::to_string(bytes >> 20) +
                      " MiB. Use a smaller batch size or a smaller model.");
  return p;
}
void CpuBackend::deallocate(void* ptr) { std::free(ptr); }
void CpuBackend::copy(void* dst, const void* src, size_t bytes) { std::memmove(dst, src, bytes); }
void CpuBackend::copy_from_host(void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }
void CpuBackend::copy_to_host(void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }

void CpuBackend::fill(float* x, int64_t n, float value) {
  parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) x[i] = value;
  });
}

void CpuBackend::gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                      int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  openblas::api().sgemm(openblas::RowMajor, trans_a ? openblas::Trans : openblas::NoTrans,
                        trans_b ? openblas::Trans : openblas::NoTrans, static_cast<int>(M), static_cast<int>(N),
                        static_cast<int>(K), alpha, A, static_cast<int>(lda), B, static_cast<int>(ldb), beta, C,
                        static_cast<int>(ldc));
}

void CpuBackend::gemm_strided_batched(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                                      const float* A, int64_t lda, int64_t stride_a, const float* B, int64_t ldb,
                                      int64_t stride_b, float beta, float* C, int64_t ldc, int64_t stride_c,
                                      int64_t batch) {
  for (int64_t i = 0; i < batch; ++i)
    gemm(trans_a, trans_b, M, N, K, alpha, A + i * stride_a, lda, B + i * stride_b, ldb, beta, C + i * stride_c, ldc);
}

void CpuBackend::axpy(int64_t n, float alpha, const float* x, float* y) {
  parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) y[i] += alpha * x[i];
  });
}

void CpuBackend::scale(int64_t n, float alpha, float* x) {
  parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) x[i] *= alpha;
  });
}

void CpuBackend::binary(BinaryOp op, const float* a, const float* b, float* y, int64_t n) {
  switch (op) {
    case BinaryOp::Add:
      parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
        for (int64_t i = begin; i < end; ++i) y[i] = a[i] + b[i];
      });
      break;
    case BinaryOp::Sub:
      parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
        for (int64_t i = begin; i < end; ++i) y[i] = a[i] - b[i];
      });
      break;
    case BinaryOp::Mul:
      parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
        for (int64_t i = begin; i < end; ++i) y[i] = a[i] * b[i];
      });
      break;
    case BinaryOp::Div:
      parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
        for (int64_t i = begin; i < end; ++i) y[i] = a[i] / b[i];
      });
      break;
    case BinaryOp::Max:
      parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
        for (int64_t i = begin; i < end; ++i) y[i] = std::max(a[i], b[i]);
      });
      break;
    case BinaryOp::Min:
      parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
        for (int64_t i = begin; i < end; ++i) y[i] = std::min(a[i], b[i]);
      });
      break;
  }
}

void CpuBackend::binary_backward(BinaryOp op, const float* a, const float* b, const float* dy, float* da, float* db,
                                 int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float ga = 0, gb = 0;
    switch (op) {
      case BinaryOp::Add: ga = dy[i], gb = dy[i]; break;
      case BinaryOp::Sub: ga = dy[i], gb = -dy[i]; break;
      case BinaryOp::Mul: ga = dy[i] * b[i], gb = dy[i] * a[i]; break;
      case BinaryOp::Div: ga = dy[i] / b[i], gb = -dy[i] * a[i] / (b[i] * b[i]); break;
      // Ties send the gradient to the first operand, as TensorFlow's maximum does.
      case BinaryOp::Max: (a[i] >= b[i] ? ga : gb) = dy[i]; break;
      case BinaryOp::Min: (a[i] <= b[i] ? ga : gb) = dy[i]; break;
    }
    if (da) da[i] += ga;
    if (db) db[i] += gb;
  }
}

void CpuBackend::add_row_vector(float* y, const float* v, int64_t rows, int64_t cols) {
  parallel_for(rows, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      float* row = y + r * cols;
#pragma omp simd
      for (int64_t c = 0; c < cols; ++c) row[c] += v[c];
    }
  }, kParallelThreshold / std::max<int64_t>(cols, 1));
}

void CpuBackend::sum_rows(const float* x, float* out, int64_t rows, int64_t cols, float beta) {
  // beta == 0 overwrites, as in BLAS: whatever the buffer held (even NaN) does not leak through.
  for (int64_t c = 0; c < cols; ++c) out[c] = beta == 0.0f ? 0.0f : out[c] * beta;
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
#pragma omp simd
    for (int64_t c = 0; c < cols; ++c) out[c] += row[c];
  }
}

void CpuBackend::softmax(const float* x, float* y, int64_t rows, int64_t cols) {
  parallel_for(rows, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      float m = *std::max_element(xr, xr + cols);
      float s = 0;
      for (int64_t c = 0; c < cols; ++c) s += (yr[c] = std::exp(xr[c] - m));
      float inv = 1.0f / s;
      for (int64_t c = 0; c < cols; ++c) yr[c] *= inv;
    }
  }, kParallelThreshold / std::max<int64_t>(cols, 1));
}

void CpuBackend::softmax_backward(const float* y, const float* dy, float* dx, int64_t rows, int64_t cols) {
  // dx = y * (dy - sum(dy * y))
  parallel_for(rows, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float *yr = y + r * cols, *dyr = dy + r * cols;
      float* dxr = dx + r * cols;
      float dot = 0;
      for (int64_t c = 0; c < cols; ++c) dot += dyr[c] * yr[c];
      for (int64_t c = 0; c < cols; ++c) dxr[c] += yr[c] * (dyr[c] - dot);
    }
  }, kParallelThreshold / std::max<int64_t>(cols, 1));
}

void CpuBackend::log_softmax(const float* x, float* y, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float m = *std::max_element(xr, xr + cols);
    double s = 0;
    for (int64_t c = 0; c < cols; ++c) s += std::exp(static_cast<double>(xr[c] - m));
    float lse = m + static_cast<float>(std::log(s));
    for (int64_t c = 0; c < cols; ++c) yr[c] = xr[c] - lse;
  }
}

void CpuBackend::log_softmax_backward(const float* y, const float* dy, float* dx, int64_t rows, int64_t cols) {
  // dx = dy - softmax(x) * sum(dy), with softmax(x) = exp(y)
  for (int64_t r = 0; r < rows; ++r) {
    const float *yr = y + r * cols, *dyr = dy + r * cols;
    float* dxr = dx + r * cols;
    float s = 0;
    for (int64_t c = 0; c < cols; ++c) s += dyr[c];
    for (int64_t c = 0; c < cols; ++c) dxr[c] += dyr[c] - std::exp(yr[c]) * s;
  }
}

void CpuBackend::copy_block(const float* src, int64_t src_ld, float* dst, int64_t dst_ld, int64_t rows, int64_t cols,
                            bool accumulate) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* s = src + r * src_ld;
    float* d = dst + r * dst_ld;
    if (accumulate) {
#pragma omp simd
      for (int64_t c = 0; c < cols; ++c) d[c] += s[c];
    } else {
      std::memcpy(d, s, static_cast<size_t>(cols) * sizeof(float));
    }
  }
}

void CpuBackend::permute(const float* x, float* y, const std::vector<int64_t>& dims, const std::vector<int>& perm,
                         bool accumulate) {
  // Fixed-size arrays, not vectors: Permute, Softmax and Dot call this on every training step.
  constexpr int kMaxRank = 8;
  const int rank = static_cast<int>(dims.size());
  if (rank > kMaxRank)
    throw ShapeError("Transposing a tensor of rank " + std::to_string(rank) + " is not supported: the most is " +
                     std::to_string(kMaxRank) + " axes. Reshape the tensor to fewer axes first.");
  if (static_cast<int>(perm.size()) != rank)
    throw ShapeError("A transpose needs one permuted axis per dimension, got " + std::to_string(perm.size()) +
                     " axes for a tensor of rank " + std::to_string(rank) + " (an engine bug).");
  int64_t in_strides[kMaxRank], out_dims[kMaxRank], out_strides_in[kMaxRank], index[kMaxRank] = {};
  if (rank > 0) in_strides[rank - 1] = 1;
  for (int i = rank - 2; i >= 0; --i) in_strides[i] = in_strides[i + 1] * dims[i + 1];
  for (int i = 0; i < rank; ++i) out_dims[i] = dims[perm[i]], out_strides_in[i] = in_strides[perm[i]];
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  int64_t src = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (accumulate) y[i] += x[src];
    else y[i] = x[src];
    for (int a = rank - 1; a >= 0; --a) {  // odometer over the output's indices
      src += out_strides_in[a];
      if (++index[a] < out_dims[a]) break;
      src -= out_strides_in[a] * out_dims[a];
      index[a] = 0;
    }
  }
}

void CpuBackend::random_uniform(float* y, int64_t n, float low, float high, uint64_t key) {
  parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) y[i] = low + (high - low) * random_uniform_at(key, static_cast<uint64_t>(i));
  });
}

void CpuBackend::random_normal(float* y, int64_t n, float mean, float stddev, uint64_t key) {
  parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) y[i] = mean + stddev * random_normal_at(key, static_cast<uint64_t>(i));
  });
}

void CpuBackend::dropout(const float* x, float* y, float* mask, int64_t n, float rate, uint64_t key) {
  const float keep_scale = 1.0f / (1.0f - rate);
  parallel_for(n, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      mask[i] = random_uniform_at(key, static_cast<uint64_t>(i)) >= rate ? keep_scale : 0.0f;
      y[i] = x[i] * mask[i];
    }
  });
}

double CpuBackend::sum(const float* x, int64_t n) {
  return parallel_sum(n, [&](int64_t begin, int64_t end) {
    double s = 0;
    for (int64_t i = begin; i < end; ++i) s += x[i];
    return s;
  });
}

double CpuBackend::sum_squares(const float* x, int64_t n) {
  return parallel_sum(n, [&](int64_t begin, int64_t end) {
    double s = 0;
    for (int64_t i = begin; i < end; ++i) s += static_cast<double>(x[i]) * x[i];
    return s;
  });
}

double CpuBackend::sum_abs(const float* x, int64_t n) {
  return parallel_sum(n, [&](int64_t begin, int64_t end) {
    double s = 0;
    for (int64_t i = begin; i < end; ++i) s += std::fabs(x[i]);
    return s;
  });
}

void CpuBackend::clip(float* x, int64_t n, float low, float high) {
  parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) x[i] = std::min(std::max(x[i], low), high);
  });
}

}  // namespace cornu
