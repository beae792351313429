// Generated 2-D teaching sets (as in the TensorFlow Playground): small, instant, and hard enough to show
// what depth and non-linearity buy. Deterministic per seed; rows come shuffled, so a plain
// validation_split gets both classes.
#pragma once
#include <cstdint>

#include "data/dataset.h"

namespace cornu::data {

// Two interleaved spirals of 1.75 turns each, spanning [-1, 1]^2. `noise` is the standard deviation of the
// Gaussian jitter added to each coordinate. x float32 (N, 2), y int32 (N,) in {0, 1}, classes within one.
ArrayDataset make_spirals(int64_t samples, float noise, uint64_t seed);

// Four clusters centered on (+-0.5, +-0.5); class 1 where the signs of the centre differ (XOR).
// `noise` is the standard deviation of each cluster. x float32 (N, 2), y int32 (N,) in {0, 1}.
ArrayDataset make_xor(int64_t samples, float noise, uint64_t seed);

}  // namespace cornu::data
