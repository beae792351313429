// A generated set for a model with two inputs and two outputs (Keras's functional API guide): a small
// image and a row of numbers per sample, a class and a quantity to predict. The class is the shape drawn in
// the image; the quantity needs both inputs (the shape's size times one number, plus another), so neither
// branch alone can predict it.
#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace cornu::data {

// Arrays in the model's order: x = {image, numbers}, y = {shape class, quantity}.
struct MultiArrayDataset {
  std::vector<Tensor> x, y;
};

constexpr int64_t kShapesImageSize = 16;  // images are (16, 16, 1), channels last
constexpr int64_t kShapesNumbers = 4;     // numbers per sample; the last two are noise to ignore
constexpr int kShapesClasses = 3;         // 0 filled square, 1 hollow square, 2 plus sign

// `samples` rows from `seed`: image float32 (N, 16, 16, 1) in [0, 1] with Gaussian noise 0.05, numbers
// float32 (N, 4), class int32 (N,), quantity float32 (N, 1) = size / 4 * numbers[0] + numbers[1] where size
// (3 to 7) is the shape's half width in pixels. Classes take turns, so every class is equally common.
MultiArrayDataset make_shapes_and_numbers(int64_t samples, uint64_t seed);

}  // namespace cornu::data
