// Helpers shared by the spatial layer families (pooling, global pooling, upsampling, padding, cropping,
// spatial dropout): Keras's forms of per-axis arguments, the channels_last rule, rank checks that say what
// to add, and the registry parameters they all take.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/registry.h"
#include "core/shape.h"

namespace cornu::spatial {

// "1D", "2D", "3D".
std::string dims_name(int spatial_rank);

// Keras's standardize_tuple: an int repeated `count` times, or a list of `count` ints, each >= `minimum`.
// `what` names the argument in messages ("MaxPooling2D 'pool': pool_size").
std::vector<int64_t> int_tuple(const Config& value, int count, const std::string& what, int64_t minimum);

// Padding and cropping amounts per spatial axis, (before, after): an int (the same everywhere), a tuple of
// one int per axis (symmetric) or a tuple of (before, after) pairs; with one axis, an int or one pair.
std::vector<std::pair<int64_t, int64_t>> pair_tuples(const Config& value, int spatial_rank, const std::string& what);
// The same amounts as Keras writes them in a config: [[a, b], ...], or [a, b] for one axis.
Config pairs_config(const std::vector<std::pair<int64_t, int64_t>>& pairs);

// Sets a null data_format to "channels_last" (Keras's default) and refuses "channels_first".
void require_channels_last(Config& params, const std::string& layer_class, const std::string& layer_name);

// Checks the input is (batch, spatial axes..., channels) with spatial_rank spatial axes; the message says
// what to add (a channels axis, a Reshape) or which layer fits the rank it got.
void expect_spatial_input(const std::string& layer_class, const std::string& layer_name, const Shape& input,
                          int spatial_rank);

// The registry's data_format parameter (only channels_last is supported).
ParamSpec data_format_param();

}  // namespace cornu::spatial
