// Helpers shared by the normalization layers (Batch, Layer, Group and Unit normalization): Keras's affine
// parameters (center/scale with their initializers, regularizers and constraints) and its `axis` argument.
#pragma once
#include <string>
#include <vector>

#include "core/registry.h"
#include "core/shape.h"

namespace cornu::normalization {

// epsilon, center, scale, beta_/gamma_ initializer, regularizer and constraint, with Keras's defaults.
std::vector<ParamSpec> affine_params(double epsilon = 1e-3);

// Keras's axis argument (an int or a list of ints, negative from the end) as positive axes of a rank-`rank`
// input, sorted. Cornu normalizes trailing axes only (the contiguous last ones: -1, or [-2, -1]...), which
// covers Keras's defaults; anything else is refused with a message that suggests Permute.
std::vector<int> trailing_axes(const Config& axis, int rank, const std::string& what);

// The product of the input's sizes on `axes`; throws a ShapeError naming the layer if one is unknown.
int64_t axes_size(const Shape& input, const std::vector<int>& axes, const std::string& what);

}  // namespace cornu::normalization
