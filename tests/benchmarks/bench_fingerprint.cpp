// The data fingerprint of a run record (data::fingerprint) on Fashion-MNIST: its speed in GB/s, and as a
// ratio to the textbook byte-at-a-time FNV-1a over the same bytes.
#include <chrono>
#include <cstdio>

#include "data/builtin_datasets.h"

namespace {

uint64_t fnv1a_bytes(const unsigned char* p, size_t n, uint64_t h) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

template <class F>
double best_seconds(F&& f, int reps = 5) {
  double best = 1e9;
  for (int r = 0; r < reps; ++r) {
    auto start = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

int main() {
  using namespace cornu;
  data::TrainTest d = data::load_dataset({{"name", "fashion-mnist"}});
  size_t bytes = 0;
  for (const Tensor* t : {&d.train.x, &d.train.y, &d.test.x, &d.test.y})
    bytes += static_cast<size_t>(t->size()) * dtype_size(t->dtype());
  std::string print;
  const double fast = best_seconds([&] { print = data::fingerprint(d); });
  uint64_t sink = 0xcbf29ce484222325ULL;
  const double naive = best_seconds([&] {
    for (const Tensor* t : {&d.train.x, &d.train.y, &d.test.x, &d.test.y})
      sink = fnv1a_bytes(static_cast<const unsigned char*>(t->raw()), static_cast<size_t>(t->size()) * 4, sink);
  });
  std::printf("fingerprint %s of %.1f MB: %.2f ms, %.2f GB/s; byte-wise FNV-1a %.2f GB/s; ratio %.1fx (%llx)\n",
              print.c_str(), bytes / 1e6, fast * 1e3, bytes / fast / 1e9, bytes / naive / 1e9, naive / fast,
              static_cast<unsigned long long>(sink & 0xf));
  return 0;
}
