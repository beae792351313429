// Training throughput of the layer families on the CPU backend, float32, random data:
//   cnn:  Keras's mnist_convnet on Fashion-MNIST-sized images (28, 28, 1): Conv2D(32, 3) - MaxPooling2D -
//         Conv2D(64, 3) - MaxPooling2D - Flatten - Dropout(0.5) - Dense(10), batch 64, Adam;
//   lstm: LSTM(128) over sequences of 64 steps of 64 features, then Dense(10), batch 32, Adam.
// Prints samples/s and the fraction of this machine's OpenBLAS sgemm peak that training reaches, counting
// 6 flops per multiply-add of the forward pass (forward, input gradient, weight gradient).
// Usage: bench_layers --model cnn|lstm [--samples N] [--epochs N] [--json]
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


struct Case {
  std::shared_ptr<Sequential> model;
  Shape sample;
  int batch_size;
  double forward_macs;  // per sample
  std::string description;
};

Case make_case(const std::string& name) {
  Case c;
  c.model = std::make_shared<Sequential>();
  if (name == "cnn") {
    c.sample = Shape{28, 28, 1};
    c.batch_size = 64;
    c.model->add(Input(c.sample));
    c.model->add(make("Conv2D", {{"filters", 32}, {"kernel_size", 3}, {"activation", "relu"}}));
    c.model->add(make("MaxPooling2D", {{"pool_size", 2}}));
    c.model->add(make("Conv2D", {{"filters", 64}, {"kernel_size", 3}, {"activation", "relu"}}));
    c.model->add(make("MaxPooling2D", {{"pool_size", 2}}));
    c.model->add(Flatten());
    c.model->add(Dropout(0.5));
    c.model->add(Dense(10, "softmax"));
    c.forward_macs = 26.0 * 26 * 32 * 9 + 11.0 * 11 * 64 * 9 * 32 + 1600.0 * 10;
    c.description = "CNN (mnist_convnet) on (28, 28, 1), batch 64, Adam";
  } else if (name == "lstm") {
    c.sample = Shape{64, 64};
    c.batch_size = 32;
    c.model->add(Input(c.sample));
    c.model->add(make("LSTM", {{"units", 128}}));
    c.model->add(Dense(10, "softmax"));
    c.forward_macs = 64.0 * 4 * 128 * (64 + 128) + 128.0 * 10;
    c.description = "LSTM(128) over 64 steps of 64 features, Dense(10), batch 32, Adam";
  } else {
    std::fprintf(stderr, "bench_layers: --model cnn or --model lstm\n");
    std::exit(2);
  }
  c.model->compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  std::string name = "cnn";
  int64_t samples = 0;
  int epochs = 1;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--model") && i + 1 < argc) name = argv[++i];
    else if (!std::strcmp(argv[i], "--samples") && i + 1 < argc) samples = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--epochs") && i + 1 < argc) epochs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--json")) json = true;
  }
  if (samples <= 0) samples = name == "cnn" ? 6400 : 1600;
  set_random_seed(0);
  Case c = make_case(name);
  const int64_t per_sample = c.sample.size();
  std::vector<float> x(static_cast<size_t>(samples * per_sample));
  std::vector<int32_t> y(static_cast<size_t>(samples));
  Random rng(1);
  for (auto& v : x) v = rng.uniform();
  for (auto& v : y) v = static_cast<int32_t>(rng.below(10));
  std::vector<int64_t> dims = {samples};
  for (int64_t d : c.sample.dims()) dims.push_back(d);
  Tensor tx = Tensor::from_vector(Shape(dims), x), ty = Tensor::from_vector(Shape{samples}, y);

  const int64_t warm = std::min<int64_t>(samples, c.batch_size * 10);
  c.model->fit(tx.slice_rows(0, warm), ty.slice_rows(0, warm), {.epochs = 1, .batch_size = c.batch_size, .verbose = 0});
  auto t0 = Clock::now();
  c.model->fit(tx, ty, {.epochs = epochs, .batch_size = c.batch_size, .verbose = 0});
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const double per_second = static_cast<double>(samples) * epochs / seconds;
  const double peak = bench::sgemm_gflops(1024);
  const double fraction = per_second * 6.0 * c.forward_macs / (peak * 1e9);
  auto info = openblas::info();
  if (json) {
    std::printf("{\"model\": \"%s\", \"samples_per_sec\": %.1f, \"sgemm_gflops\": %.1f, \"fraction_of_sgemm_peak\": %.4f, "
                "\"core\": \"%s\", \"threads\": %d}\n",
                name.c_str(), per_second, peak, fraction, info.core.c_str(), info.threads);
  } else {
    std::printf("Cornu %s: %.0f samples/s\n", c.description.c_str(), per_second);
    std::printf("OpenBLAS %s, %d threads: sgemm peak %.1f GFLOP/s; training reaches %.1f%% of it\n", info.core.c_str(),
                info.threads, peak, 100 * fraction);
  }
  return 0;
}
