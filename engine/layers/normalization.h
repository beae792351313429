// Helpers shared by the normalization layers (Batch, Layer, Group and Unit normalization): Keras's affine
// parameters (center/scale with their initializers, regularizers and constraints) and its `axis` argument.
#pragma once
#include <string>
#include <vector>

#include "core/registry.h"
#include "core/shape.h"
#include "layers/layer.h"

namespace cornu::normalization {

// epsilon, center, scale, beta_/gamma_ initializer, regularizer and constraint, with Keras's defaults.
std::vector<ParamSpec> affine_params(double epsilon = 1e-3);

// Keras's axis argument (an int or a list of ints, negative from the end) as positive axes of a rank-`rank`
// input, sorted. Cornu normalizes trailing axes only (the contiguous last ones: -1, or [-2, -1]...), which
// covers Keras's defaults; anything else is refused with a message that suggests Permute.
std::vector<int> trailing_axes(const Config& axis, int rank, const std::string& what);

// The product of the input's sizes on `axes`; throws a ShapeError naming the layer if one is unknown.
int64_t axes_size(const Shape& input, const std::vector<int>& axes, const std::string& what);

// Per-sample statistics (layer and group normalization): the moments of x, then gamma and beta (either may be
// null). The statistics stay in the call's scratch slots 0 and 1 for backward.
void forward_with_own_statistics(Context& ctx, const Backend::NormGeometry& g, const Tensor& x, Tensor& y,
                                 const Variable* gamma, const Variable* beta);
void backward_with_own_statistics(Context& ctx, const Backend::NormGeometry& g, const Tensor& x, const Tensor& dy,
                                  Tensor* dx, Variable* gamma, Variable* beta);

}  // namespace cornu::normalization
