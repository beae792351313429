// im2col / col2im for channels_last convolutions over 1 to 3 spatial axes. Each window tap copies a run of
// contiguous channels, so the inner loop is a memcpy; rows (output positions) are split across cores for
// im2col, samples for col2im (two positions of one sample may write the same input element).
#include <algorithm>
#include <cstring>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

namespace cornu {

namespace {

// Calls tap(row, col_offset, input_offset or -1 for padding) for every window tap of output rows [begin, end).
template <class Tap>
void for_taps(const ConvGeometry& g, int64_t begin, int64_t end, Tap&& tap) {
  const int64_t positions = g.out_positions(), cc = g.channel_count;
  for (int64_t row = begin; row < end; ++row) {
    const int64_t n = row / positions;
    int64_t p = row % positions;
    const int64_t o2 = p % g.out[2], o1 = (p / g.out[2]) % g.out[1], o0 = p / (g.out[2] * g.out[1]);
    int64_t col = 0;
    for (int64_t k0 = 0; k0 < g.kernel[0]; ++k0) {
      const int64_t i0 = o0 * g.stride[0] - g.pad_before[0] + k0 * g.dilation[0];
      for (int64_t k1 = 0; k1 < g.kernel[1]; ++k1) {
        const int64_t i1 = o1 * g.stride[1] - g.pad_before[1] + k1 * g.dilation[1];
        for (int64_t k2 = 0; k2 < g.kernel[2]; ++k2, col += cc) {
          const int64_t i2 = o2 * g.stride[2] - g.pad_before[2] + k2 * g.dilation[2];
          const bool inside = i0 >= 0 && i0 < g.in[0] && i1 >= 0 && i1 < g.in[1] && i2 >= 0 && i2 < g.in[2];
          tap(row, col, inside ? (((n * g.in[0] + i0) * g.in[1] + i1) * g.in[2] + i2) * g.channels + g.channel_begin : -1);
        }
      }
    }
  }
}

}  // namespace

void CpuBackend::im2col(const ConvGeometry& g, const float* x, float* cols) {
  const int64_t rows = g.batch * g.out_positions(), width = g.kernel_positions() * g.channel_count;
  const size_t bytes = static_cast<size_t>(g.channel_count) * sizeof(float);
  parallel_for(rows, [&](int64_t begin, int64_t end) {
    for_taps(g, begin, end, [&](int64_t row, int64_t col, int64_t at) {
      float* dst = cols + row * width + col;
      if (at >= 0) std::memcpy(dst, x + at, bytes);
      else std::memset(dst, 0, bytes);
    });
  }, kParallelThreshold / std::max<int64_t>(width, 1));
}

void CpuBackend::col2im(const ConvGeometry& g, const float* cols, float* dx) {
  const int64_t positions = g.out_positions(), width = g.kernel_positions() * g.channel_count, cc = g.channel_count;
  parallel_for(g.batch, [&](int64_t begin, int64_t end) {
    for_taps(g, begin * positions, end * positions, [&](int64_t row, int64_t col, int64_t at) {
      if (at < 0) return;
      const float* src = cols + row * width + col;
      float* d = dx + at;
#pragma omp simd
      for (int64_t c = 0; c < cc; ++c) d[c] += src[c];
    });
  }, g.batch > 1 && positions * width >= 4096 ? 0 : kParallelThreshold);
}

}  // namespace cornu
