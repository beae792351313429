// Generated 2-D teaching sets (as in the TensorFlow Playground and scikit-learn's make_moons, make_circles
// and make_blobs): small, instant, and hard enough to show what depth and non-linearity buy. Deterministic
// per seed; rows come shuffled, so a plain validation_split gets every class.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace cornu::data {

// Two interleaved spirals of 1.75 turns each, spanning [-1, 1]^2. `noise` is the standard deviation of the
// Gaussian jitter added to each coordinate. x float32 (N, 2), y int32 (N,) in {0, 1}, classes within one.
ArrayDataset make_spirals(int64_t samples, float noise, uint64_t seed);

// Four clusters centered on (+-0.5, +-0.5); class 1 where the signs of the centre differ (XOR).
// `noise` is the standard deviation of each cluster. x float32 (N, 2), y int32 (N,) in {0, 1}.
ArrayDataset make_xor(int64_t samples, float noise, uint64_t seed);

// Two interleaving half circles (scikit-learn's make_moons): class 0 on the upper unit half circle centred
// at (0, 0), class 1 on the lower one centred at (1, 0.5); ceil(N/2) points of class 1, evenly spaced along
// each arc, plus Gaussian jitter of standard deviation `noise`. x float32 (N, 2), y int32 (N,) in {0, 1}.
ArrayDataset make_moons(int64_t samples, float noise, uint64_t seed);

// Two concentric circles (scikit-learn's make_circles): class 0 on the unit circle, class 1 on the circle
// of radius `factor` in [0, 1); ceil(N/2) points of class 1, evenly spaced, plus Gaussian jitter of
// standard deviation `noise`. x float32 (N, 2), y int32 (N,) in {0, 1}.
ArrayDataset make_circles(int64_t samples, float noise, float factor, uint64_t seed);

// A noisy sine wave to fit, the smallest regression problem with a curve in it: x uniform in [-pi, pi] (N, 1),
// targets y = sin(frequency * x) + Gaussian noise of standard deviation `noise`, float32 (N, 1).
ArrayDataset make_sine(int64_t samples, float noise, float frequency, uint64_t seed);

using Point2 = std::array<float, 2>;

// `count` blob centres drawn uniformly from the box [-10, 10]^2 (scikit-learn's default center_box);
// count in [2, 10]. The train and test sets of a blobs dataset share the centres of one seed.
std::vector<Point2> blob_centres(int count, uint64_t seed);

// Isotropic Gaussian blobs (scikit-learn's make_blobs): class k drawn around centres[k] with standard
// deviation `cluster_std`; N / k points per blob, the first N % k blobs one more. x float32 (N, 2),
// y int32 (N,) in [0, centres.size()).
ArrayDataset make_blobs(int64_t samples, const std::vector<Point2>& centres, float cluster_std, uint64_t seed);

}  // namespace cornu::data
