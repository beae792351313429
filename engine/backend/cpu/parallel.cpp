#include "backend/cpu/parallel.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace cornu {

namespace {

constexpr int kMaxChunks = 64;

// A fixed pool: each job is cut into one chunk per thread; the caller runs chunk 0 and waits for the rest.
class Pool {
 public:
  Pool() {
    int n = cpu_threads();
    for (int i = 1; i < n; ++i) workers_.emplace_back([this, i] { work(i); });
  }
  ~Pool() {
    {
      std::lock_guard lock(mutex_);
      quit_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  void run(int64_t n, detail::ChunkFn fn, void* context) {
    std::lock_guard serial(run_mutex_);  // one job at a time (the engine calls from one thread per model)
    const int chunks = threads();
    {
      std::lock_guard lock(mutex_);
      fn_ = fn, context_ = context, n_ = n, chunks_ = chunks;
      pending_ = chunks - 1;
      ++generation_;
    }
    wake_.notify_all();
    run_chunk(0);
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
  }

 private:
  void run_chunk(int i) {
    int64_t begin = n_ * i / chunks_, end = n_ * (i + 1) / chunks_;
    if (begin < end) fn_(context_, begin, end);
  }
  void work(int index) {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
      }
      run_chunk(index);
      std::lock_guard lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_, run_mutex_;
  std::condition_variable wake_, done_;
  detail::ChunkFn fn_ = nullptr;
  void* context_ = nullptr;
  int64_t n_ = 0;
  int chunks_ = 1, pending_ = 0;
  uint64_t generation_ = 0;
  bool quit_ = false;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

int cpu_threads() {
  if (const char* env = std::getenv("CORNU_NUM_THREADS"); env && std::atoi(env) > 0) return std::min(std::atoi(env), kMaxChunks);
  unsigned hw = std::thread::hardware_concurrency();
  return std::max(1, std::min(static_cast<int>(hw ? hw : 1), kMaxChunks));
}

namespace detail {

void run_parallel(int64_t n, ChunkFn fn, void* context) {
  if (pool().threads() == 1) return fn(context, 0, n);
  pool().run(n, fn, context);
}

double run_parallel_sum(int64_t n, double (*fn)(void*, int64_t, int64_t), void* context) {
  struct Job {
    double (*fn)(void*, int64_t, int64_t);
    void* context;
    int64_t n;
    double partial[kMaxChunks];
  } job{fn, context, n, {}};
  const int chunks = pool().threads();
  // Chunks of equal, fixed boundaries: the sum does not depend on which thread ran what.
  auto body = [&job, chunks](int64_t begin, int64_t end) {
    int i = static_cast<int>((begin * chunks + job.n - 1) / job.n);  // chunk i starts at floor(n * i / chunks)
    job.partial[i] = job.fn(job.context, begin, end);
  };
  run_parallel(n, [](void* c, int64_t b, int64_t e) { (*static_cast<decltype(body)*>(c))(b, e); }, &body);
  double s = 0;
  for (int i = 0; i < chunks; ++i) s += job.partial[i];
  return s;
}

}  // namespace detail

}  // namespace cornu
