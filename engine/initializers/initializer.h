// Weight initializers, registered under their Keras names ("glorot_uniform", Keras class "GlorotUniform").
// They run once on the host; values come from the counter-based generator so a seed reproduces them.
#pragma once
#include <memory>
#include <vector>

#include "core/registry.h"
#include "core/shape.h"

namespace cornu {

class Initializer {
 public:
  virtual ~Initializer() = default;
  // Values for a variable of `shape`, row-major. `seed_key` is used unless the initializer's own "seed"
  // parameter is set (then that seed decides, as in Keras).
  virtual std::vector<float> generate(const Shape& shape, uint64_t seed_key) const = 0;
  Config config;  // resolved parameters
  std::string name;
};

// Keras's fan computation: 2-D (in, out); convolution kernels (..., in, out) times the receptive field.
struct Fans {
  double fan_in = 1, fan_out = 1;
};
Fans compute_fans(const Shape& shape);

using InitializerPtr = std::shared_ptr<Initializer>;
Registry<Initializer>& initializer_registry();
// From a Keras value: "glorot_uniform", {"class_name": "RandomNormal", "config": {"stddev": 0.1}}.
InitializerPtr make_initializer(const Config& name_or_object);

}  // namespace cornu
