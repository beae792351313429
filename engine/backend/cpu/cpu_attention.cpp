// Attention: score masking and additive (Bahdanau) scores. The dot-product parts of attention are batched
// sgemm and the generic softmax; only what has no generic form lives here.
#include <algorithm>
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

namespace cornu {

namespace {
// Keras's "large" score offset for float32 (Attention subtracts it, MultiHeadAttention's Softmax fills it).
constexpr float kMaskOffset = 1.0e9f;
}  // namespace

void CpuBackend::attention_mask(float* x, const float* query_mask, const float* key_mask, bool causal, bool subtract,
                                float fill, int64_t batch, int64_t heads, int64_t tq, int64_t tv) {
  // One task per score row (b, h, i); rows with nothing to mask are left alone.
  parallel_for(batch * heads * tq, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / (heads * tq), i = r % tq;
      float* row = x + r * tv;
      const float* keys = key_mask ? key_mask + b * tv : nullptr;
      const bool whole_row = query_mask && query_mask[b * tq + i] == 0.0f;
      for (int64_t j = 0; j < tv; ++j) {
        const bool masked = whole_row || (keys && keys[j] == 0.0f) || (causal && j > i);
        if (masked) row[j] = subtract ? row[j] - kMaskOffset : fill;
      }
    }
  }, kParallelThreshold / std::max<int64_t>(tv, 1));
}

void CpuBackend::additive_scores(const float* q, const float* k, const float* w, float* s, int64_t batch, int64_t tq,
                                 int64_t tv, int64_t dim) {
  parallel_for(batch * tq, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / tq;
      const float* qr = q + r * dim;
      for (int64_t j = 0; j < tv; ++j) {
        const float* kr = k + (b * tv + j) * dim;
        float sum = 0.0f;
        for (int64_t d = 0; d < dim; ++d) sum += (w ? w[d] : 1.0f) * std::tanh(qr[d] + kr[d]);
        s[r * tv + j] = sum;
      }
    }
  }, kParallelThreshold / std::max<int64_t>(tv * dim, 1));
}

void CpuBackend::additive_scores_backward(const float* q, const float* k, const float* w, const float* ds, float* dq,
                                          float* dk, float* dw, int64_t batch, int64_t tq, int64_t tv, int64_t dim) {
  // dq and dk: one task per batch row, so no two threads add into the same element.
  if (dq || dk)
    parallel_for(batch, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b)
        for (int64_t i = 0; i < tq; ++i) {
          const float* qr = q + (b * tq + i) * dim;
          for (int64_t j = 0; j < tv; ++j) {
            const float g = ds[(b * tq + i) * tv + j];
            const float* kr = k + (b * tv + j) * dim;
            for (int64_t d = 0; d < dim; ++d) {
              const float t = std::tanh(qr[d] + kr[d]);
              const float grad = g * (w ? w[d] : 1.0f) * (1.0f - t * t);
              if (dq) dq[(b * tq + i) * dim + d] += grad;
              if (dk) dk[(b * tv + j) * dim + d] += grad;
            }
          }
        }
    }, kParallelThreshold / std::max<int64_t>(tq * tv * dim, 1));
  // dw[d] = sum over b, i, j of ds * tanh: one task per d.
  if (dw)
    parallel_for(dim, [&](int64_t begin, int64_t end) {
      for (int64_t d = begin; d < end; ++d) {
        double sum = 0.0;
        for (int64_t b = 0; b < batch; ++b)
          for (int64_t i = 0; i < tq; ++i)
            for (int64_t j = 0; j < tv; ++j)
              sum += static_cast<double>(ds[(b * tq + i) * tv + j]) *
                     std::tanh(q[(b * tq + i) * dim + d] + k[(b * tv + j) * dim + d]);
        dw[d] += static_cast<float>(sum);
      }
    }, kParallelThreshold / std::max<int64_t>(batch * tq * tv, 1));
}

}  // namespace cornu
