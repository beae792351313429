// Normalization statistics and their gradients over an (outer, reduce_outer, groups, reduce_inner) view
// (backend.h explains the view). Sums are accumulated in double so that a batch statistic over millions of
// elements keeps float precision; work is split across the `outer` statistics when there are several.
#include <cmath>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

namespace cornu {

namespace {

// Keras's masked moments divide by sum(mask) + backend.epsilon().
constexpr double kWeightEpsilon = 1e-7;

inline float inv_std(float variance, float epsilon) { return 1.0f / std::sqrt(variance + epsilon); }

// The elements of statistic group `gi` in row (o, r1) start at row + gi * reduce_inner.
inline const float* row_of(const Backend::NormGeometry& g, const float* x, int64_t o, int64_t r1) {
  return x + (o * g.reduce_outer + r1) * g.groups * g.reduce_inner;
}

int64_t threshold(const Backend::NormGeometry& g) {
  return g.outer > 1 ? kParallelThreshold / std::max<int64_t>(g.size() / g.outer, 1) : kParallelThreshold;
}

}  // namespace

void CpuBackend::norm_moments(const NormGeometry& g, const float* x, const float* weights, float* mean, float* variance) {
  const int64_t G = g.groups, R2 = g.reduce_inner;
  parallel_for(g.outer, [&](int64_t begin, int64_t end) {
    thread_local std::vector<double> sum;  // sized once per thread: a training step allocates nothing
    sum.resize(static_cast<size_t>(G));
    for (int64_t o = begin; o < end; ++o) {
      double count = 0;
      std::fill(sum.begin(), sum.end(), 0.0);
      for (int64_t r1 = 0; r1 < g.reduce_outer; ++r1) {
        const double w = weights ? weights[o * g.reduce_outer + r1] : 1.0;
        if (w == 0) continue;
        count += w;
        const float* row = row_of(g, x, o, r1);
        for (int64_t gi = 0; gi < G; ++gi) {
          double s = 0;
          for (int64_t r = 0; r < R2; ++r) s += row[gi * R2 + r];
          sum[static_cast<size_t>(gi)] += w * s;
        }
      }
      const double n = count * static_cast<double>(R2) + (weights ? kWeightEpsilon : 0.0);
      for (int64_t gi = 0; gi < G; ++gi) mean[o * G + gi] = static_cast<float>(sum[static_cast<size_t>(gi)] / n);
      // A second pass around the mean: E[x^2] - E[x]^2 loses precision when the mean is large.
      std::fill(sum.begin(), sum.end(), 0.0);
      for (int64_t r1 = 0; r1 < g.reduce_outer; ++r1) {
        const double w = weights ? weights[o * g.reduce_outer + r1] : 1.0;
        if (w == 0) continue;
        const float* row = row_of(g, x, o, r1);
        for (int64_t gi = 0; gi < G; ++gi) {
          const float m = mean[o * G + gi];
          double s = 0;
          for (int64_t r = 0; r < R2; ++r) s += static_cast<double>(row[gi * R2 + r] - m) * (row[gi * R2 + r] - m);
          sum[static_cast<size_t>(gi)] += w * s;
        }
      }
      for (int64_t gi = 0; gi < G; ++gi) variance[o * G + gi] = static_cast<float>(sum[static_cast<size_t>(gi)] / n);
    }
  }, threshold(g));
}

void CpuBackend::norm_apply(const NormGeometry& g, const float* x, const float* mean, const float* variance,
                            const float* gamma, const float* beta, float* y) {
  const int64_t G = g.groups, R2 = g.reduce_inner;
  parallel_for(g.outer * g.reduce_outer, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t o = row / g.reduce_outer, at = row * G * R2;
      for (int64_t gi = 0; gi < G; ++gi) {
        const float s = inv_std(variance[o * G + gi], g.epsilon), m = g.centered ? mean[o * G + gi] : 0.0f;
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
  const int64_t G = g.groups, R2 = g.reduce_inner, rows = g.outer * g.reduce_outer;
  auto y0 = [&](int64_t o, int64_t gi, float v) {
    return (v - (g.centered ? mean[o * G + gi] : 0.0f)) * inv_std(variance[o * G + gi], g.epsilon);
  };
  if (dgamma || dbeta)  // per channel over every row: one pass in memory order
    for (int64_t row = 0; row < rows; ++row) {
      const int64_t o = row / g.reduce_outer, at = row * G * R2;
      for (int64_t gi = 0; gi < G; ++gi)
        for (int64_t r = 0; r < R2; ++r) {
          const int64_t c = gi * R2 + r;
          if (dgamma) dgamma[c] += dy[at + c] * y0(o, gi, x[at + c]);
          if (dbeta) dbeta[c] += dy[at + c];
        }
    }
  if (!dx) return;
  parallel_for(g.outer, [&](int64_t begin, int64_t end) {
    thread_local std::vector<double> sum_g, sum_gy;
    sum_g.resize(static_cast<size_t>(G)), sum_gy.resize(static_cast<size_t>(G));
    for (int64_t o = begin; o < end; ++o) {
      std::fill(sum_g.begin(), sum_g.end(), 0.0), std::fill(sum_gy.begin(), sum_gy.end(), 0.0);
      double count = 0;
      if (statistics_from_x)
        for (int64_t r1 = 0; r1 < g.reduce_outer; ++r1) {
          count += weights ? weights[o * g.reduce_outer + r1] : 1.0;
          const int64_t at = (o * g.reduce_outer + r1) * G * R2;
          for (int64_t gi = 0; gi < G; ++gi)
            for (int64_t r = 0; r < R2; ++r) {
              const int64_t c = gi * R2 + r;
              const double grad = static_cast<double>(dy[at + c]) * (gamma ? gamma[c] : 1.0f);
              sum_g[static_cast<size_t>(gi)] += grad;
              sum_gy[static_cast<size_t>(gi)] += grad * y0(o, gi, x[at + c]);
            }
        }
      const double n = count * static_cast<double>(R2) + (weights ? kWeightEpsilon : 0.0);
      for (int64_t r1 = 0; r1 < g.reduce_outer; ++r1) {
        const int64_t at = (o * g.reduce_outer + r1) * G * R2;
        const double share = statistics_from_x ? (weights ? weights[o * g.reduce_outer + r1] : 1.0) / n : 0.0;
        for (int64_t gi = 0; gi < G; ++gi) {
          const float s = inv_std(variance[o * G + gi], g.epsilon), m = mean ? mean[o * G + gi] : 0.0f;
          const double a = g.centered ? share * sum_g[static_cast<size_t>(gi)] : 0.0;
          const double b = share * sum_gy[static_cast<size_t>(gi)];
          for (int64_t r = 0; r < R2; ++r) {
            const int64_t c = gi * R2 + r;
            const double grad = static_cast<double>(dy[at + c]) * (gamma ? gamma[c] : 1.0f);
            const double xhat = static_cast<double>(x[at + c] - m) * s;
            dx[at + c] += static_cast<float>(s * (grad - a - xhat * b));
          }
        }
      }
    }
  }, threshold(g));
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
