// Embedding lookups and Keras's masks on the CPU: a gather of table rows by float indices, its scatter-add
// gradient, and the "any feature differs from a value" test that starts a mask (Embedding, Masking).
#include <cmath>
#include <cstring>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

namespace cornu {

int64_t CpuBackend::embedding_lookup(const float* ids, const float* table, float* y, int64_t count, int64_t rows,
                                     int64_t dim) {
  for (int64_t i = 0; i < count; ++i)  // checked first, so that a bad index never reads outside the table
    if (!(ids[i] >= 0.0f && ids[i] < static_cast<float>(rows))) return i;
  parallel_for(count, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      std::memcpy(y + i * dim, table + static_cast<int64_t>(ids[i]) * dim, static_cast<size_t>(dim) * sizeof(float));
  }, std::max<int64_t>(1, kParallelThreshold / std::max<int64_t>(1, dim)));
  return -1;
}

void CpuBackend::embedding_backward(const float* ids, const float* dy, float* dtable, int64_t count, int64_t rows,
                                    int64_t dim) {
  // Split by columns, not by indices: two positions may name the same row.
  parallel_for(dim, [&](int64_t begin, int64_t end) {
    for (int64_t i = 0; i < count; ++i) {
      const auto row = static_cast<int64_t>(ids[i]);
      if (row < 0 || row >= rows) continue;
      float* to = dtable + row * dim;
      const float* from = dy + i * dim;
      for (int64_t j = begin; j < end; ++j) to[j] += from[j];
    }
  }, std::max<int64_t>(1, kParallelThreshold / std::max<int64_t>(1, count)));
}

void CpuBackend::mask_not_equal(const float* x, float* keep, int64_t rows, int64_t cols, float value) {
  parallel_for(rows, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      bool any = false;
      for (int64_t c = 0; c < cols; ++c) any |= x[r * cols + c] != value;
      keep[r] = any ? 1.0f : 0.0f;
    }
  }, std::max<int64_t>(1, kParallelThreshold / std::max<int64_t>(1, cols)));
}

}  // namespace cornu
