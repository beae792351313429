#include "layers/spatial_layers.h"

#include <cmath>

#include "core/error.h"

namespace cornu::spatial {

namespace {

bool is_integer(const Config& v) {
  return v.is_number_integer() || (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
}

}  // namespace

std::string dims_name(int spatial_rank) { return std::to_string(spatial_rank) + "D"; }

std::vector<int64_t> int_tuple(const Config& value, int count, const std::string& what, int64_t minimum) {
  std::vector<int64_t> out;
  if (is_integer(value)) {
    out.assign(static_cast<size_t>(count), static_cast<int64_t>(value.get<double>()));
  } else if (value.is_array() && value.size() == static_cast<size_t>(count)) {
    for (const auto& v : value) {
      if (!is_integer(v)) break;
      out.push_back(static_cast<int64_t>(v.get<double>()));
    }
  }
  if (out.size() != static_cast<size_t>(count))
    throw ValueError(what + " must be an integer or a tuple of " + std::to_string(count) + " integers, got " +
                     value.dump() + ".");
  for (int64_t v : out)
    if (v < minimum)
      throw ValueError(what + " must be at least " + std::to_string(minimum) + " on every axis, got " + value.dump() +
                       ".");
  return out;
}

std::vector<std::pair<int64_t, int64_t>> pair_tuples(const Config& value, int spatial_rank, const std::string& what) {
  const std::string forms =
      spatial_rank == 1   ? "an integer or a tuple (before, after)"
      : spatial_rank == 2 ? "an integer, a tuple (symmetric_height, symmetric_width) or ((top, bottom), (left, right))"
                          : "an integer, a tuple of 3 integers (symmetric) or a tuple of 3 (before, after) tuples";
  auto pair_of = [&](const Config& v) {
    auto p = int_tuple(v, 2, what, 0);
    return std::make_pair(p[0], p[1]);
  };
  std::vector<std::pair<int64_t, int64_t>> out;
  try {
    if (is_integer(value)) {
      out.assign(static_cast<size_t>(spatial_rank), pair_of(value));
    } else if (spatial_rank == 1) {
      out.push_back(pair_of(value));
    } else if (value.is_array() && value.size() == static_cast<size_t>(spatial_rank)) {
      for (const auto& axis : value) out.push_back(pair_of(axis));
    }
  } catch (const ValueError&) {
    out.clear();
  }
  if (out.size() != static_cast<size_t>(spatial_rank))
    throw ValueError(what + " must be " + forms + " of non-negative integers, got " + value.dump() + ".");
  return out;
}

Config pairs_config(const std::vector<std::pair<int64_t, int64_t>>& pairs) {
  if (pairs.size() == 1) return Config::array({pairs[0].first, pairs[0].second});
  Config out = Config::array();
  for (const auto& [before, after] : pairs) out.push_back(Config::array({before, after}));
  return out;
}

void require_channels_last(Config& params, const std::string& layer_class, const std::string& layer_name) {
  if (params["data_format"].is_null()) params["data_format"] = "channels_last";
  if (params["data_format"] != "channels_last")
    throw ValueError(layer_class + " '" + layer_name + "': data_format " + params["data_format"].dump() +
                     " is not supported: Cornu is channels_last, (batch, ..., channels). Use 'channels_last', and " +
                     "a Permute layer before it if your data has its channels first.");
}

void expect_spatial_input(const std::string& layer_class, const std::string& layer_name, const Shape& input,
                          int spatial_rank) {
  const int want = spatial_rank + 2;
  if (input.rank() == want) return;
  std::string msg = layer_class + " '" + layer_name + "' expects inputs of rank " + std::to_string(want) +
                    ", (batch, " + (spatial_rank == 1 ? "steps" : spatial_rank == 2 ? "height, width" : "dim1, dim2, dim3") +
                    ", channels), but it received " + input.to_string() + ".";
  const Shape sample = input.without_batch();
  if (input.rank() == want - 1 && input.rank() >= 2) {
    std::string target = sample.to_string();
    target.pop_back();                                // ")"
    if (target.back() == ',') target.pop_back();      // "(5," for a one-axis sample
    target += ", 1)";
    msg += " If each sample has a single channel, add Reshape(target_shape=" + target + ") before it.";
  }
  if (input.rank() >= 3 && input.rank() <= 5) {
    std::string base = layer_class.substr(0, layer_class.size() - 2);
    msg += " For inputs of rank " + std::to_string(input.rank()) + " use " + base + dims_name(input.rank() - 2) + ".";
  }
  throw ShapeError(msg);
}

ParamSpec data_format_param() {
  return {.name = "data_format", .type = ParamType::Enum, .default_value = "channels_last",
          .doc = "Position of the channels axis (Cornu is channels_last: (batch, ..., channels)).",
          .choices = {"channels_last", "channels_first"}, .nullable = true};
}

}  // namespace cornu::spatial
