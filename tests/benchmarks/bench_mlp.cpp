// MLP training throughput: 784-512-512-10, batch 128, Adam, float32, on the CPU backend.
// Prints samples/s and the fraction of this machine's OpenBLAS sgemm peak that training reaches
// (training costs 6 flops per weight per sample: forward, input gradient and weight gradient).
// Usage: bench_mlp [--samples N] [--epochs N] [--json]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "backend/cpu/openblas.h"
#include "cornu.h"
#include "sgemm_peak.h"

using namespace cornu;
using namespace cornu::layers;
using Clock = std::chrono::steady_clock;

namespace {

}  // namespace

int main(int argc, char** argv) {
  int64_t samples = 30000;
  int epochs = 3;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--samples") && i + 1 < argc) samples = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--epochs") && i + 1 < argc) epochs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--json")) json = true;
  }
  set_random_seed(0);
  Sequential model;
  model.add(Input(Shape{784}));
  model.add(Dense(512, "relu"));
  model.add(Dense(512, "relu"));
  model.add(Dense(10, "softmax"));
  model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});

  std::vector<float> x(static_cast<size_t>(samples * 784));
  std::vector<int32_t> y(static_cast<size_t>(samples));
  Random rng(1);
  for (auto& v : x) v = rng.uniform();
  for (auto& v : y) v = static_cast<int32_t>(rng.below(10));
  Tensor tx = Tensor::from_vector(Shape{samples, 784}, x), ty = Tensor::from_vector(Shape{samples}, y);

  model.fit(tx.slice_rows(0, 128 * 20), ty.slice_rows(0, 128 * 20), {.epochs = 1, .batch_size = 128, .verbose = 0});  // warm-up
  auto t0 = Clock::now();
  model.fit(tx, ty, {.epochs = epochs, .batch_size = 128, .verbose = 0});
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  double per_second = static_cast<double>(samples) * epochs / seconds;

  const double flops_per_sample = 6.0 * (784 * 512 + 512 * 512 + 512 * 10);
  double peak = bench::sgemm_gflops(1024);
  double fraction = per_second * flops_per_sample / (peak * 1e9);
  auto info = openblas::info();
  if (json) {
    std::printf("{\"samples_per_sec\": %.1f, \"sgemm_gflops\": %.1f, \"fraction_of_sgemm_peak\": %.3f, \"core\": \"%s\", \"threads\": %d}\n",
                per_second, peak, fraction, info.core.c_str(), info.threads);
  } else {
    std::printf("Cornu MLP 784-512-512-10, batch 128, Adam: %.0f samples/s\n", per_second);
    std::printf("OpenBLAS %s, %d threads: sgemm peak %.1f GFLOP/s; training reaches %.1f%% of it\n", info.core.c_str(),
                info.threads, peak, 100 * fraction);
  }
  return 0;
}
