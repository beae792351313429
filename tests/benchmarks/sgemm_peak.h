// The machine's sgemm speed, the yardstick the benchmarks report their fraction of.
#pragma once
#include <algorithm>
#include <chrono>
#include <vector>

#include "cornu.h"

namespace cornu::bench {

// sgemm GFLOP/s on square matrices of size n, best of a few runs (all threads).
inline double sgemm_gflops(int64_t n) {
  using Clock = std::chrono::steady_clock;
  Tensor a = Tensor::from_vector(Shape{n, n}, std::vector<float>(static_cast<size_t>(n * n), 0.5f));
  Tensor b = a.clone(), c = Tensor::zeros(Shape{n, n});
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = Clock::now();
    cpu_backend().gemm(false, false, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    best = std::max(best, 2.0 * n * n * n / s / 1e9);
  }
  return best;
}

}  // namespace cornu::bench
