// Constant initializers (zeros, ones, constant, identity) and the registration of every built-in one.
// https://keras.io/api/layers/initializers/
#include <algorithm>

#include "core/error.h"
#include "initializers/initializer.h"

namespace cornu {

void register_random_initializers(Registry<Initializer>& registry);    // random_initializers.cpp
void register_orthogonal_initializer(Registry<Initializer>& registry);  // orthogonal_initializer.cpp

namespace {

class ConstantInitializer final : public Initializer {
 public:
  explicit ConstantInitializer(float value) : value_(value) {}
  std::vector<float> generate(const Shape& shape, uint64_t) const override {
    return std::vector<float>(static_cast<size_t>(shape.size()), value_);
  }

 private:
  float value_;
};

// gain * eye(rows, cols); Keras accepts 2-D shapes only (rectangular ones included).
class IdentityInitializer final : public Initializer {
 public:
  explicit IdentityInitializer(float gain) : gain_(gain) {}
  std::vector<float> generate(const Shape& shape, uint64_t) const override {
    if (shape.rank() != 2)
      throw ValueError("The identity initializer can only be used for 2D matrices. Received: shape=" +
                       shape.to_string() + " of rank " + std::to_string(shape.rank()) +
                       ". Use another initializer for this variable.");
    std::vector<float> out(static_cast<size_t>(shape.size()), 0.0f);
    for (int64_t i = 0; i < std::min(shape[0], shape[1]); ++i) out[static_cast<size_t>(i * shape[1] + i)] = gain_;
    return out;
  }

 private:
  float gain_;
};

template <class T, class... Args>
InitializerPtr named(const std::string& name, const Config& config, Args... args) {
  auto p = std::make_shared<T>(args...);
  p->name = name;
  p->config = config;
  return p;
}

}  // namespace

void register_builtin_initializers(Registry<Initializer>& registry) {
  registry.add({.name = "zeros",
                .keras_class = "Zeros",
                .aliases = {"zero"},
                .doc = "Fills the variable with 0.",
                .create = [](const Config& c) { return named<ConstantInitializer>("zeros", c, 0.0f); }});
  registry.add({.name = "ones",
                .keras_class = "Ones",
                .aliases = {"one"},
                .doc = "Fills the variable with 1.",
                .create = [](const Config& c) { return named<ConstantInitializer>("ones", c, 1.0f); }});
  registry.add({.name = "constant",
                .keras_class = "Constant",
                .doc = "Fills the variable with one value.",
                .params = {{.name = "value", .type = ParamType::Float, .default_value = 0.0, .doc = "The fill value."}},
                .create = [](const Config& c) {
                  return named<ConstantInitializer>("constant", c, c.at("value").get<float>());
                }});
  registry.add({.name = "identity",
                .keras_class = "Identity",
                .aliases = {"IdentityInitializer"},
                .doc = "gain times the identity matrix (2-D variables only).",
                .params = {{.name = "gain", .type = ParamType::Float, .default_value = 1.0, .doc = "Multiplier of the identity."}},
                .create = [](const Config& c) {
                  return named<IdentityInitializer>("identity", c, c.at("gain").get<float>());
                }});
  register_random_initializers(registry);
  register_orthogonal_initializer(registry);
}

}  // namespace cornu
