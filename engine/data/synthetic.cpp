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

// `count` evenly spaced angles from 0 to `span`, as numpy's linspace (with or without the end point).
double spaced_angle(int64_t i, int64_t count, double span, bool endpoint) {
  const int64_t steps = endpoint ? count - 1 : count;
  return steps > 0 ? span * static_cast<double>(i) / static_cast<double>(steps) : 0.0;
}

// Appends (x, y) plus Gaussian jitter from stream `key`, counted by the coordinate's index so that every
// coordinate gets a number of its own.
void add_point(std::vector<float>& points, double x, double y, float noise, uint64_t key) {
  const auto i = static_cast<uint64_t>(points.size());
  points.push_back(static_cast<float>(x) + noise * random_normal_at(key, i));
  points.push_back(static_cast<float>(y) + noise * random_normal_at(key, i + 1));
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

ArrayDataset make_sine(int64_t samples, float noise, float frequency, uint64_t seed) {
  check_arguments("make_sine", samples, noise);
  const uint64_t position_key = mix_key(seed, 7), noise_key = mix_key(seed, 8);
  std::vector<float> x(static_cast<size_t>(samples)), y(static_cast<size_t>(samples));
  for (int64_t i = 0; i < samples; ++i) {
    const auto at = static_cast<size_t>(i);
    x[at] = static_cast<float>(std::numbers::pi * (2.0 * random_uniform_at(position_key, static_cast<uint64_t>(i)) - 1.0));
    y[at] = std::sin(frequency * x[at]) + noise * random_normal_at(noise_key, static_cast<uint64_t>(i));
  }
  return {Tensor::from_vector(Shape({samples, 1}), x), Tensor::from_vector(Shape({samples, 1}), y)};
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

ArrayDataset make_moons(int64_t samples, float noise, uint64_t seed) {
  check_arguments("make_moons", samples, noise);
  const uint64_t noise_key = mix_key(seed, 3);
  const int64_t outer = samples / 2, inner = samples - outer;
  std::vector<float> points;
  std::vector<int32_t> labels;
  points.reserve(static_cast<size_t>(2 * samples));
  for (int64_t i = 0; i < outer; ++i) {
    const double t = spaced_angle(i, outer, std::numbers::pi, true);
    add_point(points, std::cos(t), std::sin(t), noise, noise_key);
    labels.push_back(0);
  }
  for (int64_t i = 0; i < inner; ++i) {
    const double t = spaced_angle(i, inner, std::numbers::pi, true);
    add_point(points, 1.0 - std::cos(t), 0.5 - std::sin(t), noise, noise_key);
    labels.push_back(1);
  }
  return shuffled_dataset(points, labels, seed);
}

ArrayDataset make_circles(int64_t samples, float noise, float factor, uint64_t seed) {
  check_arguments("make_circles", samples, noise);
  if (!(factor >= 0.0f && factor < 1.0f))
    throw ValueError("make_circles needs 0 <= factor < 1 (the inner circle's radius relative to the outer one), "
                     "but got factor=" + std::to_string(factor) + ".");
  const uint64_t noise_key = mix_key(seed, 4);
  const int64_t outer = samples / 2, inner = samples - outer;
  std::vector<float> points;
  std::vector<int32_t> labels;
  points.reserve(static_cast<size_t>(2 * samples));
  for (int64_t i = 0; i < outer; ++i) {
    const double t = spaced_angle(i, outer, 2.0 * std::numbers::pi, false);
    add_point(points, std::cos(t), std::sin(t), noise, noise_key);
    labels.push_back(0);
  }
  for (int64_t i = 0; i < inner; ++i) {
    const double t = spaced_angle(i, inner, 2.0 * std::numbers::pi, false);
    add_point(points, factor * std::cos(t), factor * std::sin(t), noise, noise_key);
    labels.push_back(1);
  }
  return shuffled_dataset(points, labels, seed);
}

std::vector<Point2> blob_centres(int count, uint64_t seed) {
  if (count < 2 || count > 10)
    throw ValueError("Blobs need between 2 and 10 centres (one per class), but got " + std::to_string(count) + ".");
  Random random(mix_key(seed, 5));
  std::vector<Point2> centres(static_cast<size_t>(count));
  for (Point2& c : centres)
    for (float& v : c) v = -10.0f + 20.0f * random.uniform();
  return centres;
}

ArrayDataset make_blobs(int64_t samples, const std::vector<Point2>& centres, float cluster_std, uint64_t seed) {
  if (samples < 1)
    throw ValueError("make_blobs needs at least one sample, but got samples=" + std::to_string(samples) + ".");
  if (!(cluster_std >= 0.0f))
    throw ValueError("make_blobs needs cluster_std >= 0, but got " + std::to_string(cluster_std) + ".");
  if (centres.empty()) throw ValueError("make_blobs needs at least one centre; blob_centres(count, seed) makes some.");
  const uint64_t noise_key = mix_key(seed, 6);
  const auto count = static_cast<int64_t>(centres.size());
  std::vector<float> points;
  std::vector<int32_t> labels;
  points.reserve(static_cast<size_t>(2 * samples));
  for (int64_t k = 0; k < count; ++k) {
    const Point2& c = centres[static_cast<size_t>(k)];
    const int64_t size = samples / count + (k < samples % count ? 1 : 0);
    for (int64_t i = 0; i < size; ++i) {
      add_point(points, c[0], c[1], cluster_std, noise_key);
      labels.push_back(static_cast<int32_t>(k));
    }
  }
  return shuffled_dataset(points, labels, seed);
}

}  // namespace cornu::data
