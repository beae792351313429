// Pooling and resampling on the CPU: windowed max/mean, nearest and linear upsampling, and the box copy
// behind padding and cropping. Every op sees a channels_last tensor with three spatial axes (unused ones
// are 1), so the innermost loops run over the contiguous channels and vectorise. Samples are independent:
// the batch is split across cores, and backward passes (whose windows may overlap) never race.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

namespace cornu {

namespace {

// Runs body(n) for each sample, across cores when the whole job is large enough to pay for waking them.
template <class Body>
void for_samples(int64_t batch, int64_t work_per_sample, Body&& body) {
  const int64_t threshold = kParallelThreshold / std::max<int64_t>(work_per_sample, 1);
  parallel_for(batch, [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) body(n);
  }, threshold);
}

// The real (unpadded) input range [lo, hi) that output o's window covers on one axis.
struct Range {
  int64_t lo, hi;
};
inline Range window_range(const Backend::PoolGeometry& g, int axis, int64_t o) {
  const int64_t start = o * g.stride[axis] - g.pad_before[axis];
  return {std::max<int64_t>(start, 0), std::min(start + g.window[axis], g.in[axis])};
}

// Calls body(y_offset, x_offsets of the window's first element per axis...) for each output position.
template <class Body>
void for_windows(const Backend::PoolGeometry& g, Body&& body) {
  for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
    const Range r0 = window_range(g, 0, o0);
    for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
      const Range r1 = window_range(g, 1, o1);
      for (int64_t o2 = 0; o2 < g.out[2]; ++o2) {
        const Range r2 = window_range(g, 2, o2);
        body(((o0 * g.out[1] + o1) * g.out[2] + o2) * g.channels, r0, r1, r2);
      }
    }
  }
}

constexpr int64_t kChannelChunk = 64;  // channels whose running argmax lives on the stack at once

}  // namespace

void CpuBackend::pool(PoolKind kind, const PoolGeometry& g, const float* x, float* y) {
  const int64_t C = g.channels, in_size = g.in[0] * g.in[1] * g.in[2] * C, out_size = g.out[0] * g.out[1] * g.out[2] * C;
  const int64_t work = out_size * g.window[0] * g.window[1] * g.window[2];
  for_samples(g.batch, work, [&](int64_t n) {
    const float* xn = x + n * in_size;
    float* yn = y + n * out_size;
    for_windows(g, [&](int64_t at, Range r0, Range r1, Range r2) {
      float* yo = yn + at;
      std::fill(yo, yo + C, kind == PoolKind::Max ? -std::numeric_limits<float>::infinity() : 0.0f);
      for (int64_t i0 = r0.lo; i0 < r0.hi; ++i0)
        for (int64_t i1 = r1.lo; i1 < r1.hi; ++i1)
          for (int64_t i2 = r2.lo; i2 < r2.hi; ++i2) {
            const float* xi = xn + ((i0 * g.in[1] + i1) * g.in[2] + i2) * C;
            if (kind == PoolKind::Max) {
#pragma omp simd
              for (int64_t c = 0; c < C; ++c) yo[c] = std::max(yo[c], xi[c]);
            } else {
#pragma omp simd
              for (int64_t c = 0; c < C; ++c) yo[c] += xi[c];
            }
          }
      if (kind == PoolKind::Average) {
        const float inv = 1.0f / static_cast<float>((r0.hi - r0.lo) * (r1.hi - r1.lo) * (r2.hi - r2.lo));
        for (int64_t c = 0; c < C; ++c) yo[c] *= inv;
      }
    });
  });
}

void CpuBackend::pool_backward(PoolKind kind, const PoolGeometry& g, const float* x, const float* dy, float* dx) {
  const int64_t C = g.channels, in_size = g.in[0] * g.in[1] * g.in[2] * C, out_size = g.out[0] * g.out[1] * g.out[2] * C;
  const int64_t work = out_size * g.window[0] * g.window[1] * g.window[2];
  for_samples(g.batch, work, [&](int64_t n) {
    const float* xn = x + n * in_size;
    const float* gn = dy + n * out_size;
    float* dxn = dx + n * in_size;
    for_windows(g, [&](int64_t at, Range r0, Range r1, Range r2) {
      const float* go = gn + at;
      auto offset = [&](int64_t i0, int64_t i1, int64_t i2) { return ((i0 * g.in[1] + i1) * g.in[2] + i2) * C; };
      if (kind == PoolKind::Average) {
        const float inv = 1.0f / static_cast<float>((r0.hi - r0.lo) * (r1.hi - r1.lo) * (r2.hi - r2.lo));
        for (int64_t i0 = r0.lo; i0 < r0.hi; ++i0)
          for (int64_t i1 = r1.lo; i1 < r1.hi; ++i1)
            for (int64_t i2 = r2.lo; i2 < r2.hi; ++i2) {
              float* d = dxn + offset(i0, i1, i2);
#pragma omp simd
              for (int64_t c = 0; c < C; ++c) d[c] += inv * go[c];
            }
        return;
      }
      // Max: the first maximum in row-major window order takes the gradient (strictly greater replaces).
      for (int64_t c0 = 0; c0 < C; c0 += kChannelChunk) {
        const int64_t width = std::min(kChannelChunk, C - c0);
        // Positions are kept as offsets within the sample from xc, in 32 bits like the values, so that the
        // branch-free update below vectorises (a sample holds far fewer than 2^31 elements).
        const float* xc = xn + c0;
        float best[kChannelChunk];
        int32_t where[kChannelChunk];
        const int32_t first = static_cast<int32_t>(offset(r0.lo, r1.lo, r2.lo));
        for (int64_t k = 0; k < width; ++k) best[k] = xc[first + k], where[k] = first;
        for (int64_t i0 = r0.lo; i0 < r0.hi; ++i0)
          for (int64_t i1 = r1.lo; i1 < r1.hi; ++i1)
            for (int64_t i2 = r2.lo; i2 < r2.hi; ++i2) {
              const int32_t base = static_cast<int32_t>(offset(i0, i1, i2));
              const float* xi = xc + base;
#pragma omp simd
              for (int64_t k = 0; k < width; ++k) {  // masks, not branches: GCC vectorises this form
                const int32_t take = -static_cast<int32_t>(xi[k] > best[k]);
                where[k] = (where[k] & ~take) | (base & take);
                best[k] = std::max(best[k], xi[k]);
              }
            }
        for (int64_t k = 0; k < width; ++k) dxn[where[k] + c0 + k] += go[c0 + k];
      }
    });
  });
}

namespace {

// One output coordinate's taps on one axis: the inputs it reads and their weights.
struct Taps {
  int64_t index[2];
  float weight[2];
  int count;
};

// Nearest: the input the output repeats. Linear: half-pixel centres, f = (o + 0.5) / factor - 0.5, between
// floor(f) and floor(f) + 1, clamped at the edges (jax.image.resize renormalises the weights that fall
// inside, which comes to the same).
inline Taps taps_of(Backend::ResizeKind kind, int64_t in, int64_t factor, int64_t o) {
  if (kind == Backend::ResizeKind::Nearest || factor == 1) return {{o / factor, 0}, {1.0f, 0.0f}, 1};
  const float f = (static_cast<float>(o) + 0.5f) / static_cast<float>(factor) - 0.5f;
  const float lower = std::floor(f);
  const float w1 = f - lower;
  const int64_t i0 = static_cast<int64_t>(lower);
  return {{std::clamp<int64_t>(i0, 0, in - 1), std::clamp<int64_t>(i0 + 1, 0, in - 1)}, {1.0f - w1, w1}, 2};
}

// body(y offset, taps per axis) for each output position of one sample.
template <class Body>
void for_upsampled(Backend::ResizeKind kind, const Backend::ResizeGeometry& g, Body&& body) {
  const int64_t out[3] = {g.in[0] * g.factor[0], g.in[1] * g.factor[1], g.in[2] * g.factor[2]};
  for (int64_t o0 = 0; o0 < out[0]; ++o0) {
    const Taps t0 = taps_of(kind, g.in[0], g.factor[0], o0);
    for (int64_t o1 = 0; o1 < out[1]; ++o1) {
      const Taps t1 = taps_of(kind, g.in[1], g.factor[1], o1);
      for (int64_t o2 = 0; o2 < out[2]; ++o2)
        body(((o0 * out[1] + o1) * out[2] + o2) * g.channels, t0, t1, taps_of(kind, g.in[2], g.factor[2], o2));
    }
  }
}

}  // namespace

void CpuBackend::upsample(ResizeKind kind, const ResizeGeometry& g, const float* x, float* y) {
  const int64_t C = g.channels, in_size = g.in[0] * g.in[1] * g.in[2] * C;
  const int64_t out_size = in_size * g.factor[0] * g.factor[1] * g.factor[2];
  for_samples(g.batch, out_size, [&](int64_t n) {
    const float* xn = x + n * in_size;
    float* yn = y + n * out_size;
    for_upsampled(kind, g, [&](int64_t at, const Taps& t0, const Taps& t1, const Taps& t2) {
      float* yo = yn + at;
      std::fill(yo, yo + C, 0.0f);
      for (int a = 0; a < t0.count; ++a)
        for (int b = 0; b < t1.count; ++b)
          for (int d = 0; d < t2.count; ++d) {
            const float w = t0.weight[a] * t1.weight[b] * t2.weight[d];
            const float* xi = xn + ((t0.index[a] * g.in[1] + t1.index[b]) * g.in[2] + t2.index[d]) * C;
#pragma omp simd
            for (int64_t c = 0; c < C; ++c) yo[c] += w * xi[c];
          }
    });
  });
}

void CpuBackend::upsample_backward(ResizeKind kind, const ResizeGeometry& g, const float* dy, float* dx) {
  const int64_t C = g.channels, in_size = g.in[0] * g.in[1] * g.in[2] * C;
  const int64_t out_size = in_size * g.factor[0] * g.factor[1] * g.factor[2];
  for_samples(g.batch, out_size, [&](int64_t n) {
    const float* gn = dy + n * out_size;
    float* dxn = dx + n * in_size;
    for_upsampled(kind, g, [&](int64_t at, const Taps& t0, const Taps& t1, const Taps& t2) {
      const float* go = gn + at;
      for (int a = 0; a < t0.count; ++a)
        for (int b = 0; b < t1.count; ++b)
          for (int d = 0; d < t2.count; ++d) {
            const float w = t0.weight[a] * t1.weight[b] * t2.weight[d];
            float* di = dxn + ((t0.index[a] * g.in[1] + t1.index[b]) * g.in[2] + t2.index[d]) * C;
#pragma omp simd
            for (int64_t c = 0; c < C; ++c) di[c] += w * go[c];
          }
    });
  });
}

void CpuBackend::copy_box(const BoxCopy& g, const float* src, float* dst, bool accumulate) {
  const int64_t C = g.channels, run = g.box[2] * C;  // the innermost spatial axis and channels are contiguous
  const int64_t src_size = g.src[0] * g.src[1] * g.src[2] * C, dst_size = g.dst[0] * g.dst[1] * g.dst[2] * C;
  for_samples(g.batch, g.box[0] * g.box[1] * run, [&](int64_t n) {
    for (int64_t i0 = 0; i0 < g.box[0]; ++i0)
      for (int64_t i1 = 0; i1 < g.box[1]; ++i1) {
        const float* s = src + n * src_size +
                         (((g.src_offset[0] + i0) * g.src[1] + g.src_offset[1] + i1) * g.src[2] + g.src_offset[2]) * C;
        float* d = dst + n * dst_size +
                   (((g.dst_offset[0] + i0) * g.dst[1] + g.dst_offset[1] + i1) * g.dst[2] + g.dst_offset[2]) * C;
        if (accumulate) {
#pragma omp simd
          for (int64_t k = 0; k < run; ++k) d[k] += s[k];
        } else {
          std::copy(s, s + run, d);
        }
      }
  });
}

}  // namespace cornu
