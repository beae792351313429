// Threaded loops for the CPU backend. OpenBLAS already runs its own threads for the matrix work; an
// OpenMP runtime next to it spins its idle threads and steals the cores sgemm needs (measured: 59% of
// a Fashion-MNIST epoch spent spinning in libgomp). These workers sleep on a condition variable
// instead, and only loops large enough to pay for waking them are split.
#pragma once
#include <cstdint>
#include <utility>

namespace cornu {

// Below this many elements a loop runs on the calling thread.
constexpr int64_t kParallelThreshold = 1 << 17;

namespace detail {
using ChunkFn = void (*)(void* context, int64_t begin, int64_t end);
void run_parallel(int64_t n, ChunkFn fn, void* context);
double run_parallel_sum(int64_t n, double (*fn)(void*, int64_t, int64_t), void* context);
}  // namespace detail

// body(begin, end) over contiguous chunks of [0, n); split across cores only when n > threshold.
template <class Body>
void parallel_for(int64_t n, Body&& body, int64_t threshold = kParallelThreshold) {
  if (n <= threshold) {
    if (n > 0) body(int64_t{0}, n);
    return;
  }
  detail::run_parallel(
      n, [](void* c, int64_t b, int64_t e) { (*static_cast<Body*>(c))(b, e); }, &body);
}

// The sum over chunks of body(begin, end) -> double, combined in a fixed order (deterministic).
template <class Body>
double parallel_sum(int64_t n, Body&& body, int64_t threshold = kParallelThreshold) {
  if (n <= threshold) return n > 0 ? body(int64_t{0}, n) : 0.0;
  return detail::run_parallel_sum(
      n, [](void* c, int64_t b, int64_t e) { return (*static_cast<Body*>(c))(b, e); }, &body);
}

// Worker threads in the pool, plus the caller (CORNU_NUM_THREADS overrides the core count).
int cpu_threads();

}  // namespace cornu
