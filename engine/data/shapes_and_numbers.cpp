#include "data/shapes_and_numbers.h"

#include <cstdlib>
#include <string>

#include "core/error.h"
#include "core/random.h"

namespace cornu::data {

MultiArrayDataset make_shapes_and_numbers(int64_t samples, uint64_t seed) {
  if (samples < 1) throw ValueError("make_shapes_and_numbers needs at least one sample, got " + std::to_string(samples) + ".");
  constexpr int64_t side = kShapesImageSize;
  Random rng(mix_key(seed, 12));
  const uint64_t pixel_noise = mix_key(seed, 13);
  std::vector<float> images(static_cast<size_t>(samples * side * side)), numbers(static_cast<size_t>(samples * kShapesNumbers));
  std::vector<float> quantities(static_cast<size_t>(samples));
  std::vector<int32_t> classes(static_cast<size_t>(samples));
  for (int64_t i = 0; i < samples; ++i) {
    const int shape = static_cast<int>(i % kShapesClasses);
    const auto size = static_cast<int64_t>(3 + rng.below(5));  // half width 3..7
    // The centre leaves the whole shape inside the image.
    const auto cy = static_cast<int64_t>(size + rng.below(static_cast<uint64_t>(side - 2 * size)));
    const auto cx = static_cast<int64_t>(size + rng.below(static_cast<uint64_t>(side - 2 * size)));
    float* image = images.data() + i * side * side;
    for (int64_t y = 0; y < side; ++y)
      for (int64_t x = 0; x < side; ++x) {
        const int64_t dy = std::abs(y - cy), dx = std::abs(x - cx);
        const bool inside = dy < size && dx < size;
        const bool on = shape == 0 ? inside
                        : shape == 1 ? inside && (dy == size - 1 || dx == size - 1)
                                     : (dy < size && dx <= 1) || (dx < size && dy <= 1);
        const auto at = static_cast<uint64_t>((i * side + y) * side + x);
        image[y * side + x] = (on ? 1.0f : 0.0f) + 0.05f * random_normal_at(pixel_noise, at);
      }
    float* row = numbers.data() + i * kShapesNumbers;
    row[0] = 0.5f + 1.5f * rng.uniform();
    row[1] = 2.0f * rng.uniform() - 1.0f;
    row[2] = rng.normal();
    row[3] = rng.normal();
    quantities[static_cast<size_t>(i)] = static_cast<float>(size) / 4.0f * row[0] + row[1];
    classes[static_cast<size_t>(i)] = shape;
  }
  return {{Tensor::from_vector(Shape{samples, side, side, 1}, images), Tensor::from_vector(Shape{samples, kShapesNumbers}, numbers)},
          {Tensor::from_vector(Shape{samples}, classes), Tensor::from_vector(Shape{samples, 1}, quantities)}};
}

}  // namespace cornu::data
