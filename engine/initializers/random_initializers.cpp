// Random initializers: random_normal, random_uniform, truncated_normal, variance_scaling and its named
// forms (glorot_*, he_*, lecun_*), with Keras 3's defaults and formulas.
// https://keras.io/api/layers/initializers/
// Every value is a pure function of (stream key, index) so a seed reproduces a tensor on any thread count.
#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "core/random.h"
#include "initializers/initializer.h"

namespace cornu {

namespace {

constexpr uint64_t kSeedSalt = 0x5EED1417;  // separates user seeds from the model's derived keys

// Keras: an initializer with an integer seed gives the same values at every call; without one, the
// model's key decides.
uint64_t stream_key(const Config& config, uint64_t seed_key) {
  const Config& seed = config.at("seed");
  return seed.is_null() ? seed_key : mix_key(static_cast<uint64_t>(seed.get<int64_t>()), kSeedSalt);
}

enum class Distribution { Normal, TruncatedNormal, Uniform };

// Normal: a + b * z with z standard normal (truncated: z redrawn until |z| <= 2, as keras.random.truncated_normal
// does); uniform: a + (b - a) * u with u in [0, 1).
std::vector<float> sample(Distribution d, int64_t n, double a, double b, uint64_t key) {
  std::vector<float> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const auto u = static_cast<uint64_t>(i);
    double v;
    if (d == Distribution::Uniform) {
      v = a + (b - a) * random_uniform_at(key, u);
    } else {
      double z = random_normal_at(key, u);
      for (uint64_t attempt = 1; d == Distribution::TruncatedNormal && std::fabs(z) > 2.0; ++attempt)
        z = random_normal_at(mix_key(key, attempt), u);
      v = a + b * z;
    }
    out[static_cast<size_t>(i)] = static_cast<float>(v);
  }
  return out;
}

class DistributionInitializer final : public Initializer {
 public:
  DistributionInitializer(Distribution d, double a, double b) : d_(d), a_(a), b_(b) {}
  std::vector<float> generate(const Shape& shape, uint64_t seed_key) const override {
    return sample(d_, shape.size(), a_, b_, stream_key(config, seed_key));
  }

 private:
  Distribution d_;
  double a_, b_;
};

// Keras's compute_fans with explicit input_axes / output_axes when both are given.
Fans fans_for(const Shape& shape, const Config& config) {
  const Config &in = config.at("input_axes"), &out = config.at("output_axes");
  if (in.is_null() || out.is_null()) return compute_fans(shape);
  Fans f{1, 1};
  for (const auto& a : in) f.fan_in *= static_cast<double>(shape[small_int(a, "input_axes")]);
  for (const auto& a : out) f.fan_out *= static_cast<double>(shape[small_int(a, "output_axes")]);
  return f;
}

// Keras VarianceScaling: scale / max(1, fan); truncated normal stddev sqrt(scale) / 0.8796... (the stddev
// of a unit normal truncated at 2), untruncated normal sqrt(scale), uniform limit sqrt(3 scale).
class VarianceScaling final : public Initializer {
 public:
  VarianceScaling(double scale, std::string mode, std::string distribution)
      : scale_(scale), mode_(std::move(mode)), distribution_(std::move(distribution)) {}
  std::vector<float> generate(const Shape& shape, uint64_t seed_key) const override {
    Fans fans = fans_for(shape, config);
    double scale = scale_;
    if (mode_ == "fan_in") scale /= std::max(1.0, fans.fan_in);
    else if (mode_ == "fan_out") scale /= std::max(1.0, fans.fan_out);
    else scale /= std::max(1.0, (fans.fan_in + fans.fan_out) / 2.0);
    const uint64_t key = stream_key(config, seed_key);
    if (distribution_ == "truncated_normal")
      return sample(Distribution::TruncatedNormal, shape.size(), 0.0, std::sqrt(scale) / 0.87962566103423978, key);
    if (distribution_ == "untruncated_normal") return sample(Distribution::Normal, shape.size(), 0.0, std::sqrt(scale), key);
    const double limit = std::sqrt(3.0 * scale);
    return sample(Distribution::Uniform, shape.size(), -limit, limit, key);
  }

 private:
  double scale_;
  std::string mode_, distribution_;
};

ParamSpec seed_param() {
  return {.name = "seed", .type = ParamType::Int, .default_value = nullptr,
          .doc = "Integer seed: the same values at every call (None: the model's seed decides).", .nullable = true};
}
ParamSpec axes_param(const std::string& name, const std::string& what) {
  return {.name = name, .type = ParamType::IntTuple, .default_value = nullptr,
          .doc = "Axes counted as " + what + " (None: Keras's default fans).", .nullable = true};
}

template <class T>
InitializerPtr finish(std::shared_ptr<T> p, const std::string& name, const Config& config) {
  p->name = name;
  p->config = config;
  return p;
}

void add_distribution(Registry<Initializer>& r, const std::string& name, const std::string& keras_class,
                      const std::string& alias, Distribution d, const std::string& doc, ParamSpec first, ParamSpec second) {
  const std::string a = first.name, b = second.name;
  r.add({.name = name, .keras_class = keras_class, .aliases = alias.empty() ? std::vector<std::string>{} : std::vector{alias},
         .doc = doc, .params = {std::move(first), std::move(second), seed_param()},
         .create = [=](const Config& c) {
           if (d != Distribution::Uniform && c.at(b).get<double>() < 0)
             throw ValueError(keras_class + " needs a non-negative stddev, got " + c.at(b).dump() + ".");
           auto p = std::make_shared<DistributionInitializer>(d, c.at(a).get<double>(), c.at(b).get<double>());
           return finish(p, name, c);
         }});
}

// glorot_uniform & co.: VarianceScaling with fixed scale, mode and distribution; their Keras config holds
// only seed and the axes.
void add_variance_preset(Registry<Initializer>& r, const std::string& name, const std::string& keras_class, double scale,
                         const std::string& mode, const std::string& distribution, const std::string& doc) {
  r.add({.name = name, .keras_class = keras_class, .doc = doc,
         .params = {seed_param(), axes_param("input_axes", "inputs"), axes_param("output_axes", "outputs")},
         .create = [=](const Config& c) {
           return finish(std::make_shared<VarianceScaling>(scale, mode, distribution), name, c);
         }});
}

}  // namespace

void register_random_initializers(Registry<Initializer>& r) {
  add_distribution(r, "random_normal", "RandomNormal", "normal", Distribution::Normal,
                   "Values drawn from a normal distribution.",
                   {.name = "mean", .type = ParamType::Float, .default_value = 0.0, .doc = "Mean of the values."},
                   {.name = "stddev", .type = ParamType::Float, .default_value = 0.05, .doc = "Standard deviation."});
  add_distribution(r, "random_uniform", "RandomUniform", "uniform", Distribution::Uniform,
                   "Values drawn uniformly from [minval, maxval).",
                   {.name = "minval", .type = ParamType::Float, .default_value = -0.05, .doc = "Lower bound."},
                   {.name = "maxval", .type = ParamType::Float, .default_value = 0.05, .doc = "Upper bound (excluded)."});
  add_distribution(r, "truncated_normal", "TruncatedNormal", "", Distribution::TruncatedNormal,
                   "Normal values redrawn when more than two standard deviations from the mean.",
                   {.name = "mean", .type = ParamType::Float, .default_value = 0.0, .doc = "Mean of the values."},
                   {.name = "stddev", .type = ParamType::Float, .default_value = 0.05, .doc = "Standard deviation before truncation."});
  r.add({.name = "variance_scaling", .keras_class = "VarianceScaling",
         .doc = "Random values whose variance is scale / fan (fan_in, fan_out or their average).",
         .params = {{.name = "scale", .type = ParamType::Float, .default_value = 1.0, .doc = "Scaling factor (positive)."},
                    {.name = "mode", .type = ParamType::Enum, .default_value = "fan_in", .doc = "Which fan divides the scale.",
                     .choices = {"fan_in", "fan_out", "fan_avg"}},
                    {.name = "distribution", .type = ParamType::Enum, .default_value = "truncated_normal",
                     .doc = "Distribution of the values ('normal' means truncated_normal).",
                     .choices = {"truncated_normal", "untruncated_normal", "uniform", "normal"}},
                    seed_param(), axes_param("input_axes", "inputs"), axes_param("output_axes", "outputs")},
         .create = [](const Config& c) {
           if (c.at("scale").get<double>() <= 0)
             throw ValueError("Argument `scale` must be positive float. Received: scale=" + c.at("scale").dump() + ".");
           Config stored = c;
           if (stored.at("distribution") == "normal") stored["distribution"] = "truncated_normal";  // as Keras stores it
           auto p = std::make_shared<VarianceScaling>(c.at("scale").get<double>(), stored.at("mode"),
                                                      stored.at("distribution"));
           return finish(p, "variance_scaling", stored);
         }});
  add_variance_preset(r, "glorot_uniform", "GlorotUniform", 1.0, "fan_avg", "uniform",
                      "Uniform in +-sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010).");
  add_variance_preset(r, "glorot_normal", "GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                      "Truncated normal with stddev sqrt(2 / (fan_in + fan_out)).");
  add_variance_preset(r, "he_uniform", "HeUniform", 2.0, "fan_in", "uniform", "Uniform in +-sqrt(6 / fan_in) (He et al. 2015).");
  add_variance_preset(r, "he_normal", "HeNormal", 2.0, "fan_in", "truncated_normal",
                      "Truncated normal with stddev sqrt(2 / fan_in).");
  add_variance_preset(r, "lecun_uniform", "LecunUniform", 1.0, "fan_in", "uniform", "Uniform in +-sqrt(3 / fan_in).");
  add_variance_preset(r, "lecun_normal", "LecunNormal", 1.0, "fan_in", "truncated_normal",
                      "Truncated normal with stddev sqrt(1 / fan_in).");
}

}  // namespace cornu
