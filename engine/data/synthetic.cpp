#include "data/synthetic.h"

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/random.h"
#include "data/transforms.h"

namespace cornu::data {
namespace {

void check_arguments(const char* function, int64_t samples, float noise) {
  if (samples < 1)
    throw ValueError(std::string(function) + " needs at least one sample, but got samples=" + std::to_string(samples) + ".");
  if (!(noise >= 0.0f))
    throw ValueError(std::string(function) + " needs noise >= 0, but got " + std::to_string(noise) + ".");
}

// Points generated in class order, then shuffled with the seed so that any contiguous split is mixed.
ArrayDataset shuffled_dataset(const std::vector<float>& points, const std::vector<int32_t>& labels, uint64_t seed) {
  const auto n = static_cast<int64_t>(labels.size());
  Tensor x = Tensor::from_vector(Shape({n, 2}), points);
  Tensor y = Tensor::from_vector(Shape({n}), labels);
  std::vector<int64_t> order = shuffled_indices(n, seed);
  return {take_rows(x, order), take_rows(y, order)};
}

}  // namespace

ArrayDataset make_spirals(int64_t samples, float noise, uint64_t seed) {
  check_arguments("make_spirals", samples, noise);
  const uint64_t noise_key = mix_key(seed, 1);
  const int64_t per_class[2] = {(samples + 1) / 2, samples / 2};
  std::vector<float> points(static_cast<size_t>(samples * 2));
  std::vector<int32_t> labels(static_cast<size_t>(samples));
  for (int64_t j = 0; j < samples; ++j) {
    const int cls = static_cast<int>(j % 2);
    const double t = static_cast<double>(j / 2) / static_cast<double>(per_class[cls]);  // 0 (centre) .. 1 (rim)
    const double angle = 1.75 * 2.0 * std::numbers::pi * t + cls * std::numbers::pi;
    points[static_cast<size_t>(2 * j)] =
        static_cast<float>(t * std::cos(angle)) + noise * random_normal_at(noise_key, static_cast<uint64_t>(2 * j));
    points[static_cast<size_t>(2 * j + 1)] =
        static_cast<float>(t * std::sin(angle)) + noise * random_normal_at(noise_key, static_cast<uint64_t>(2 * j + 1));
    labels[static_cast<size_t>(j)] = cls;
  }
  return shuffled_dataset(points, labels, seed);
}

ArrayDataset make_xor(int64_t samples, float noise, uint64_t seed) {
  check_arguments("make_xor", samples, noise);
  const uint64_t noise_key = mix_key(seed, 2);
  // Clusters in turn, so that the classes alternate: (+,+) 0, (+,-) 1, (-,-) 0, (-,+) 1.
  const float centres[4][2] = {{0.5f, 0.5f}, {0.5f, -0.5f}, {-0.5f, -0.5f}, {-0.5f, 0.5f}};
  std::vector<float> points(static_cast<size_t>(samples * 2));
  std::vector<int32_t> labels(static_cast<size_t>(samples));
  for (int64_t j = 0; j < samples; ++j) {
    const float* c = centres[j % 4];
    for (int k = 0; k < 2; ++k)
      points[static_cast<size_t>(2 * j + k)] = c[k] + noise * random_normal_at(noise_key, static_cast<uint64_t>(2 * j + k));
    labels[static_cast<size_t>(j)] = static_cast<int32_t>(j % 2);
  }
  return shuffled_dataset(points, labels, seed);
}

}  // namespace cornu::data
