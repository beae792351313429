// Broadcasting and reductions over the middle axis of an (outer, mid, inner) view. Loops run over the
// contiguous inner axis so that the compiler vectorises them; outer rows are split across cores.
#include <algorithm>
#include <limits>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

namespace cornu {

namespace {

inline float apply(BinaryOp op, float a, float b) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Sub: return a - b;
    case BinaryOp::Mul: return a * b;
    case BinaryOp::Div: return a / b;
    case BinaryOp::Max: return std::max(a, b);
    case BinaryOp::Min: return std::min(a, b);
  }
  return 0.0f;
}

// Splits the (outer * mid) rows of inner elements across cores.
template <class Body>
void for_rows(int64_t outer, int64_t mid, int64_t inner, Body&& body) {
  parallel_for(outer * mid, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) body(r / mid, r);
  }, kParallelThreshold / std::max<int64_t>(inner, 1));
}

}  // namespace

void CpuBackend::broadcast_binary(BinaryOp op, const float* a, const float* b, float* y, int64_t outer, int64_t mid,
                                  int64_t inner) {
  for_rows(outer, mid, inner, [&](int64_t o, int64_t r) {
    const float* ar = a + r * inner;
    const float* br = b + o * inner;
    float* yr = y + r * inner;
    switch (op) {  // the common cases as plain loops the compiler vectorises
      case BinaryOp::Add:
#pragma omp simd
        for (int64_t i = 0; i < inner; ++i) yr[i] = ar[i] + br[i];
        break;
      case BinaryOp::Mul:
#pragma omp simd
        for (int64_t i = 0; i < inner; ++i) yr[i] = ar[i] * br[i];
        break;
      default:
        for (int64_t i = 0; i < inner; ++i) yr[i] = apply(op, ar[i], br[i]);
    }
  });
}

void CpuBackend::broadcast_binary_backward(BinaryOp op, const float* a, const float* b, const float* dy, float* da,
                                           float* db, int64_t outer, int64_t mid, int64_t inner) {
  // db sums over mid: each outer slice is one task, so no two threads add into the same db row.
  parallel_for(outer, [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      const float* br = b + o * inner;
      float* dbr = db ? db + o * inner : nullptr;
      for (int64_t m = 0; m < mid; ++m) {
        const int64_t r = o * mid + m;
        const float* ar = a + r * inner;
        const float* g = dy + r * inner;
        float* dar = da ? da + r * inner : nullptr;
        for (int64_t i = 0; i < inner; ++i) {
          float ga = 0, gb = 0;
          switch (op) {
            case BinaryOp::Add: ga = g[i], gb = g[i]; break;
            case BinaryOp::Sub: ga = g[i], gb = -g[i]; break;
            case BinaryOp::Mul: ga = g[i] * br[i], gb = g[i] * ar[i]; break;
            case BinaryOp::Div: ga = g[i] / br[i], gb = -g[i] * ar[i] / (br[i] * br[i]); break;
            case BinaryOp::Max: (ar[i] >= br[i] ? ga : gb) = g[i]; break;
            case BinaryOp::Min: (ar[i] <= br[i] ? ga : gb) = g[i]; break;
          }
          if (dar) dar[i] += ga;
          if (dbr) dbr[i] += gb;
        }
      }
    }
  }, outer > 1 && mid * inner >= kParallelThreshold ? 0 : kParallelThreshold);
}

void CpuBackend::reduce_mid(ReduceKind kind, const float* x, float* y, int64_t outer, int64_t mid, int64_t inner) {
  parallel_for(outer, [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      float* yr = y + o * inner;
      const float init = kind == ReduceKind::Max ? -std::numeric_limits<float>::infinity() : 0.0f;
      std::fill(yr, yr + inner, init);
      for (int64_t m = 0; m < mid; ++m) {
        const float* xr = x + (o * mid + m) * inner;
        if (kind == ReduceKind::Max) {
#pragma omp simd
          for (int64_t i = 0; i < inner; ++i) yr[i] = std::max(yr[i], xr[i]);
        } else {
#pragma omp simd
          for (int64_t i = 0; i < inner; ++i) yr[i] += xr[i];
        }
      }
      if (kind == ReduceKind::Mean && mid > 0) {
        const float inv = 1.0f / static_cast<float>(mid);
        for (int64_t i = 0; i < inner; ++i) yr[i] *= inv;
      }
    }
  }, outer > 1 && mid * inner >= kParallelThreshold ? 0 : kParallelThreshold);
}

void CpuBackend::reduce_mid_backward(ReduceKind kind, const float* x, const float* y, const float* dy, float* dx,
                                     int64_t outer, int64_t mid, int64_t inner) {
  parallel_for(outer, [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      const float* g = dy + o * inner;
      if (kind == ReduceKind::Max) {
        // Positions tied at the maximum share its gradient equally, as in JAX, TensorFlow and PyTorch's amax
        // (Keras's GlobalMaxPooling is ops.max); a tie is rare with real data but common after ReLU (zeros).
        const float* yr = y + o * inner;
        for (int64_t i = 0; i < inner; ++i) {
          int64_t ties = 0;
          for (int64_t m = 0; m < mid; ++m) ties += x[(o * mid + m) * inner + i] == yr[i];
          if (ties == 0) continue;
          const float share = g[i] / static_cast<float>(ties);
          for (int64_t m = 0; m < mid; ++m)
            if (const int64_t at = (o * mid + m) * inner + i; x[at] == yr[i]) dx[at] += share;
        }
        continue;
      }
      const float s = kind == ReduceKind::Mean ? 1.0f / static_cast<float>(std::max<int64_t>(mid, 1)) : 1.0f;
      for (int64_t m = 0; m < mid; ++m) {
        float* d = dx + (o * mid + m) * inner;
#pragma omp simd
        for (int64_t i = 0; i < inner; ++i) d[i] += s * g[i];
      }
    }
  }, outer > 1 && mid * inner >= kParallelThreshold ? 0 : kParallelThreshold);
}

}  // namespace cornu
