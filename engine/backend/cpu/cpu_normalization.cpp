// Normalization statistics and their gradients over an (outer, reduce_outer, groups, reduce_inner) view
// (backend.h explains the view). Sums are accumulated in double so that a batch statistic over millions of
// elements keeps float precision; work is split across the `outer` statistics when there are several.
#include <algorithm>
#include <cmath>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

namespace cornu {

namespace {

using Geometry = Backend::NormGeometry;

// Keras's masked moments divide by sum(mask) + backend.epsilon().
constexpr double kWeightEpsilon = 1e-7;

// Sums body(o, r1, acc) over every (outer, reduce_outer) row into `total` (size doubles). per_statistic: body
// writes only statistic o's entries, so with many samples (layer and group normalization) each thread takes
// whole samples and writes `total` directly; otherwise (batch normalization: one sample of statistics) the
// rows are cut into fixed parts, each with its own partial sums, added in order: the same result whatever the
// threads' timing.
template <class Body>
void sum_over_rows(const Geometry& g, size_t size, std::vector<double>& total, bool per_statistic, Body&& body) {
  const int64_t rows = g.outer * g.reduce_outer;
  const int64_t parts = g.size() > kParallelThreshold ? std::min<int64_t>(cpu_threads(), rows) : 1;
  total.assign(size, 0.0);
  if (per_statistic && (g.outer >= parts || parts == 1)) {
    parallel_for(g.outer, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o)
        for (int64_t r1 = 0; r1 < g.reduce_outer; ++r1) body(o, r1, total.data());
    }, parts == 1 ? g.outer : 0);
    return;
  }
  thread_local std::vector<double> partial;  // sized once per thread: a training step allocates nothing
  partial.assign(static_cast<size_t>(parts) * size, 0.0);
  double* parts_sums = partial.data();  // a worker naming `partial` would get its own thread's vector
  parallel_for(parts, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p)
      for (int64_t row = rows * p / parts; row < rows * (p + 1) / parts; ++row)
        body(row / g.reduce_outer, row % g.reduce_outer, parts_sums + static_cast<size_t>(p) * size);
  }, parts == 1 ? 1 : 0);
  for (int64_t p = 0; p < parts; ++p)
    for (size_t k = 0; k < size; ++k) total[k] += partial[static_cast<size_t>(p) * size + k];
}

// rsqrt(variance + epsilon) per statistic, computed once per call.
const float* inverse_std(const Geometry& g, const float* variance) {
  thread_local std::vector<float> inv;
  inv.resize(static_cast<size_t>(g.stats()));
  for (int64_t s = 0; s < g.stats(); ++s) inv[static_cast<size_t>(s)] = 1.0f / std::sqrt(variance[s] + g.epsilon);
  return inv.data();
}

inline double weight_of(const float* weights, const Geometry& g, int64_t o, int64_t r1) {
  return weights ? weights[o * g.reduce_outer + r1] : 1.0;
}

}  // namespace

void CpuBackend::norm_moments(const NormGeometry& g, const float* x, const float* weights, float* mean, float* variance) {
  const int64_t G = g.groups, R2 = g.reduce_inner;
  thread_local std::vector<double> sums;
  // Sums and counts first, then a second pass around the mean (E[x^2] - E[x]^2 loses precision).
  sum_over_rows(g, static_cast<size_t>(2 * g.stats()), sums, true, [&](int64_t o, int64_t r1, double* acc) {
    const double w = weight_of(weights, g, o, r1);
    if (w == 0) return;
    const float* row = x + (o * g.reduce_outer + r1) * G * R2;
    for (int64_t gi = 0; gi < G; ++gi) {
      float s = 0;
      for (int64_t r = 0; r < R2; ++r) s += row[gi * R2 + r];
      acc[2 * (o * G + gi)] += w * s, acc[2 * (o * G + gi) + 1] += w;
    }
  });
  const double pad = weights ? kWeightEpsilon : 0.0;
  for (int64_t s = 0; s < g.stats(); ++s)
    mean[s] = static_cast<float>(sums[static_cast<size_t>(2 * s)] / (sums[static_cast<size_t>(2 * s + 1)] * R2 + pad));
  thread_local std::vector<double> squares;
  sum_over_rows(g, static_cast<size_t>(g.stats()), squares, true, [&](int64_t o, int64_t r1, double* acc) {
    const double w = weight_of(weights, g, o, r1);
    if (w == 0) return;
    const float* row = x + (o * g.reduce_outer + r1) * G * R2;
    for (int64_t gi = 0; gi < G; ++gi) {
      const float m = mean[o * G + gi];
      float s = 0;
      for (int64_t r = 0; r < R2; ++r) s += (row[gi * R2 + r] - m) * (row[gi * R2 + r] - m);
      acc[o * G + gi] += w * s;
    }
  });
  for (int64_t s = 0; s < g.stats(); ++s)
    variance[s] = static_cast<float>(squares[static_cast<size_t>(s)] / (sums[static_cast<size_t>(2 * s + 1)] * R2 + pad));
}

void CpuBackend::norm_apply(const NormGeometry& g, const float* x, const float* mean, const float* variance,
                            const float* gamma, const float* beta, float* y) {
  const int64_t G = g.groups, R2 = g.reduce_inner;
  const float* inv = inverse_std(g, variance);
  parallel_for(g.outer * g.reduce_outer, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t o = row / g.reduce_outer, at = row * G * R2;
      for (int64_t gi = 0; gi < G; ++gi) {
        const float s = inv[o * G + gi], m = g.centered ? mean[o * G + gi] : 0.0f;
        for (int64_t r = 0; r < R2; ++r) {
          const int64_t c = gi * R2 + r;
          y[at + c] = (x[at + c] - m) * s * (gamma ? gamma[c] : 1.0f) + (beta ? beta[c] : 0.0f);
        }
      }
    }
  }, kParallelThreshold / std::max<int64_t>(G * R2, 1));
}

// With the statistics from x (weights w, W = their sum times reduce_inner), for y0 = the normalized x and
// g = dy * gamma: dx_i = s * (g_i - (w_i / W) * (sum g, when centered) - (w_i / W) * xhat_i * sum(g * y0)),
// xhat_i = (x_i - mean) * s. For constant statistics: dx_i = s * g_i.
void CpuBackend::norm_backward(const NormGeometry& g, const float* x, const float* weights, const float* mean,
                               const float* variance, const float* gamma, const float* dy, float* dx, float* dgamma,
                               float* dbeta, bool statistics_from_x) {
  const int64_t G = g.groups, R2 = g.reduce_inner, C = g.channels();
  const float* inv = inverse_std(g, variance);
  auto y0 = [&](int64_t o, int64_t gi, float v) { return (v - (g.centered ? mean[o * G + gi] : 0.0f)) * inv[o * G + gi]; };
  thread_local std::vector<double> channel_sums, sums;
  if (dgamma || dbeta) {  // per channel, over every row
    sum_over_rows(g, static_cast<size_t>(2 * C), channel_sums, false, [&](int64_t o, int64_t r1, double* acc) {
      const int64_t at = (o * g.reduce_outer + r1) * C;
      for (int64_t gi = 0; gi < G; ++gi)
        for (int64_t r = 0; r < R2; ++r) {
          const int64_t c = gi * R2 + r;
          acc[2 * c] += dy[at + c] * y0(o, gi, x[at + c]), acc[2 * c + 1] += dy[at + c];
        }
    });
    for (int64_t c = 0; c < C; ++c) {
      if (dgamma) dgamma[c] += static_cast<float>(channel_sums[static_cast<size_t>(2 * c)]);
      if (dbeta) dbeta[c] += static_cast<float>(channel_sums[static_cast<size_t>(2 * c + 1)]);
    }
  }
  if (!dx) return;
  if (statistics_from_x)  // sum g, sum g * y0 and the weight, per statistic
    sum_over_rows(g, static_cast<size_t>(3 * g.stats()), sums, true, [&](int64_t o, int64_t r1, double* acc) {
      const int64_t at = (o * g.reduce_outer + r1) * C;
      for (int64_t gi = 0; gi < G; ++gi) {
        float sg = 0, sgy = 0;
        for (int64_t r = 0; r < R2; ++r) {
          const int64_t c = gi * R2 + r;
          const float grad = dy[at + c] * (gamma ? gamma[c] : 1.0f);
          sg += grad, sgy += grad * y0(o, gi, x[at + c]);
        }
        double* a = acc + 3 * (o * G + gi);
        a[0] += sg, a[1] += sgy, a[2] += weight_of(weights, g, o, r1);
      }
    });
  const double pad = weights ? kWeightEpsilon : 0.0;
  const double* stat_sums = sums.data();  // thread_local: the workers must not name `sums` themselves
  parallel_for(g.outer * g.reduce_outer, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t o = row / g.reduce_outer, r1 = row % g.reduce_outer, at = row * C;
      for (int64_t gi = 0; gi < G; ++gi) {
        const int64_t st = o * G + gi;
        const float s = inv[st], m = mean ? mean[st] : 0.0f;
        float a = 0, b = 0;
        if (statistics_from_x) {
          const double* sum = stat_sums + 3 * st;
          const double share = weight_of(weights, g, o, r1) / (sum[2] * static_cast<double>(R2) + pad);
          a = g.centered ? static_cast<float>(share * sum[0]) : 0.0f, b = static_cast<float>(share * sum[1]);
        }
        for (int64_t r = 0; r < R2; ++r) {
          const int64_t c = gi * R2 + r;
          const float grad = dy[at + c] * (gamma ? gamma[c] : 1.0f);
          dx[at + c] += s * (grad - a - (x[at + c] - m) * s * b);
        }
      }
    }
  }, kParallelThreshold / std::max<int64_t>(C, 1));
}

void CpuBackend::l2_normalize(const float* x, float* y, int64_t rows, int64_t cols, float epsilon) {
  parallel_for(rows, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* in = x + r * cols;
      double squares = 0;
      for (int64_t c = 0; c < cols; ++c) squares += static_cast<double>(in[c]) * in[c];
      const float inv = static_cast<float>(std::min(1.0 / std::sqrt(squares), 1.0 / epsilon));
      for (int64_t c = 0; c < cols; ++c) y[r * cols + c] = in[c] * inv;
    }
  }, kParallelThreshold / std::max<int64_t>(cols, 1));
}

// Where the norm is above eps: dx = inv * dy - x * inv^3 * sum(dy * x); below, inv = 1/eps is a constant.
void CpuBackend::l2_normalize_backward(const float* x, const float* dy, float* dx, int64_t rows, int64_t cols,
                                       float epsilon) {
  parallel_for(rows, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* in = x + r * cols;
      const float* g = dy + r * cols;
      double squares = 0, dot = 0;
      for (int64_t c = 0; c < cols; ++c) squares += static_cast<double>(in[c]) * in[c], dot += static_cast<double>(g[c]) * in[c];
      const double inv = 1.0 / std::sqrt(squares);
      const bool clipped = !(inv < 1.0 / epsilon);
      for (int64_t c = 0; c < cols; ++c)
        dx[r * cols + c] += clipped ? static_cast<float>(g[c] / epsilon)
                                    : static_cast<float>(inv * g[c] - in[c] * inv * inv * inv * dot);
    }
  }, kParallelThreshold / std::max<int64_t>(cols, 1));
}

}  // namespace cornu
