// Learning-rate schedules with Keras 3's formulas and config keys: the rate at optimizer step `step`
// (iterations done so far). https://keras.io/api/optimizers/learning_rate_schedules/
// Keras's "name" key is dropped by make_schedule; the registry name is the Keras class name.
#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>

#include "core/error.h"
#include "optimizers/optimizer.h"

namespace cornu {

namespace {

class FunctionSchedule final : public LearningRateSchedule {
 public:
  explicit FunctionSchedule(std::function<double(double)> f) : f_(std::move(f)) {}
  double operator()(int64_t step) const override { return f_(static_cast<double>(step)); }

 private:
  std::function<double(double)> f_;
};

double get(const Config& c, const char* key) { return c.at(key).get<double>(); }

ParamSpec required(const char* name, const std::string& doc) {
  return {.name = name, .type = ParamType::Float, .doc = doc, .required = true};
}
ParamSpec number(const char* name, double value, const std::string& doc) {
  return {.name = name, .type = ParamType::Float, .default_value = value, .doc = doc};
}
ParamSpec boolean(const char* name, const std::string& doc) {
  return {.name = name, .type = ParamType::Bool, .default_value = false, .doc = doc};
}

void positive(const std::string& cls, const Config& c, const char* key) {
  if (get(c, key) <= 0)
    throw ValueError(cls + ": argument `" + key + "` must be > 0. Received: " + key + "=" + c.at(key).dump() + ".");
}

using Maker = std::function<std::function<double(double)>(const Config&)>;
void add(Registry<LearningRateSchedule>& r, const std::string& name, const std::string& doc, std::vector<ParamSpec> params,
         Maker make) {
  r.add({.name = name, .doc = doc, .params = std::move(params), .create = [name, make](const Config& c) {
           auto s = std::make_shared<FunctionSchedule>(make(c));
           s->name = name;
           s->config = c;
           return std::shared_ptr<LearningRateSchedule>(s);
         }});
}

// lr / (1 + rate * p) or lr * rate^p with p = step / decay_steps (floored when staircase).
Maker decay(const std::string& cls, bool exponential) {
  return [cls, exponential](const Config& c) -> std::function<double(double)> {
    positive(cls, c, "decay_steps");
    const double lr = get(c, "initial_learning_rate"), steps = get(c, "decay_steps"), rate = get(c, "decay_rate");
    const bool staircase = c.at("staircase").get<bool>();
    return [=](double step) {
      const double p = staircase ? std::floor(step / steps) : step / steps;
      return exponential ? lr * std::pow(rate, p) : lr / (1.0 + rate * p);
    };
  };
}

}  // namespace

void register_builtin_schedules(Registry<LearningRateSchedule>& r) {
  const ParamSpec initial = required("initial_learning_rate", "The learning rate at step 0.");
  const ParamSpec steps = required("decay_steps", "Steps over which the rate decays (positive).");
  add(r, "ExponentialDecay", "initial_learning_rate * decay_rate ^ (step / decay_steps).",
      {initial, steps, required("decay_rate", "Factor applied every decay_steps."),
       boolean("staircase", "Decay at whole multiples of decay_steps only.")},
      decay("ExponentialDecay", true));
  add(r, "InverseTimeDecay", "initial_learning_rate / (1 + decay_rate * step / decay_steps).",
      {initial, steps, required("decay_rate", "Rate of the inverse-time decay."),
       boolean("staircase", "Decay at whole multiples of decay_steps only.")},
      decay("InverseTimeDecay", false));
  add(r, "PiecewiseConstantDecay", "values[i] while step <= boundaries[i]; the last value after the last boundary.",
      {{.name = "boundaries", .type = ParamType::FloatList, .doc = "Increasing step boundaries.", .required = true},
       {.name = "values", .type = ParamType::FloatList, .doc = "One more value than boundaries.", .required = true}},
      [](const Config& c) -> std::function<double(double)> {
        std::vector<double> b = c.at("boundaries").get<std::vector<double>>(), v = c.at("values").get<std::vector<double>>();
        if (b.size() + 1 != v.size())
          throw ValueError("The length of boundaries should be 1 less than the length of values. Received: boundaries=" +
                           c.at("boundaries").dump() + " of length " + std::to_string(b.size()) + ", and values=" +
                           c.at("values").dump() + " of length " + std::to_string(v.size()) + ".");
        return [=](double step) {
          for (size_t i = 0; i < b.size(); ++i)
            if (step <= b[i]) return v[i];
          return v.back();
        };
      });
  add(r, "PolynomialDecay", "Decays polynomially from initial_learning_rate to end_learning_rate over decay_steps.",
      {initial, steps, number("end_learning_rate", 0.0001, "The rate reached after decay_steps."),
       number("power", 1.0, "Power of the polynomial (1: linear)."),
       boolean("cycle", "Restart the decay past decay_steps, over a longer period.")},
      [](const Config& c) -> std::function<double(double)> {
        positive("PolynomialDecay", c, "decay_steps");
        const double lr = get(c, "initial_learning_rate"), steps = get(c, "decay_steps"), end = get(c, "end_learning_rate");
        const double power = get(c, "power");
        const bool cycle = c.at("cycle").get<bool>();
        return [=](double step) {
          double period = steps;
          if (cycle) period *= step == 0 ? 1.0 : std::ceil(step / steps);
          else step = std::min(step, steps);
          return (lr - end) * std::pow(1.0 - step / period, power) + end;
        };
      });
  add(r, "CosineDecay", "Optional linear warmup to warmup_target, then a cosine decay to alpha times the peak rate.",
      {initial, steps, number("alpha", 0.0, "Final rate as a fraction of the decayed-from rate."),
       {.name = "warmup_target", .type = ParamType::Float, .default_value = nullptr,
        .doc = "Rate reached at the end of the warmup (None: no warmup).", .nullable = true},
       number("warmup_steps", 0, "Steps of linear warmup.")},
      [](const Config& c) -> std::function<double(double)> {
        positive("CosineDecay", c, "decay_steps");
        const double lr = get(c, "initial_learning_rate"), steps = get(c, "decay_steps"), alpha = get(c, "alpha");
        const bool warmup = !c.at("warmup_target").is_null();
        const double target = warmup ? get(c, "warmup_target") : lr, warmup_steps = get(c, "warmup_steps");
        auto cosine = [=](double step, double from) {
          const double decayed = 0.5 * (1.0 + std::cos(std::numbers::pi * step / steps));
          return from * ((1 - alpha) * decayed + alpha);
        };
        return [=](double step) {
          if (!warmup) return cosine(std::min(step, steps), lr);
          step = std::min(step, steps + warmup_steps);
          if (step < warmup_steps) return (target - lr) * (step / warmup_steps) + lr;
          return cosine(step - warmup_steps, target);
        };
      });
  add(r, "CosineDecayRestarts", "Cosine decay with warm restarts (SGDR), each period t_mul times longer.",
      {initial, required("first_decay_steps", "Steps of the first decay period."),
       number("t_mul", 2.0, "Growth of the period length at each restart."),
       number("m_mul", 1.0, "Factor of the initial rate at each restart."),
       number("alpha", 0.0, "Final rate as a fraction of the initial rate.")},
      [](const Config& c) -> std::function<double(double)> {
        positive("CosineDecayRestarts", c, "first_decay_steps");
        const double lr = get(c, "initial_learning_rate"), first = get(c, "first_decay_steps");
        const double t_mul = get(c, "t_mul"), m_mul = get(c, "m_mul"), alpha = get(c, "alpha");
        return [=](double step) {
          double fraction = step / first, restart;
          if (t_mul == 1.0) {
            restart = std::floor(fraction);
            fraction -= restart;
          } else {  // periods first, first * t_mul, ...: find the current one geometrically
            restart = std::floor(std::log(1.0 - fraction * (1.0 - t_mul)) / std::log(t_mul));
            const double done = (1.0 - std::pow(t_mul, restart)) / (1.0 - t_mul);
            fraction = (fraction - done) / std::pow(t_mul, restart);
          }
          const double cosine = 0.5 * std::pow(m_mul, restart) * (1.0 + std::cos(std::numbers::pi * fraction));
          return lr * ((1 - alpha) * cosine + alpha);
        };
      });
}

}  // namespace cornu
