// compile() settings in Keras's two spellings: `compile_config` in .keras files (Model.get_compile_config:
// the compile() arguments, objects with their module) and `training_config` in .h5 files (the same plus
// `optimizer_config`, objects without module). Losses and metrics keep the form the user gave (a name or an
// object); the optimizer is written whole, with its current learning rate, as Keras does.
#include <algorithm>

#include "io/keras_io.h"
#include "io/keras_objects.h"
#include "losses/loss.h"

namespace cornu::io {

namespace {

size_t output_count(const Model& model) { return std::max<size_t>(1, model.outputs().size()); }

// A loss or metric as Keras serialises it in .keras files: names stay names, objects get their module.
Config with_module(const Config& v, const char* module) {
  if (!v.is_object()) return v;
  Config o = v;
  o["module"] = module;
  if (!o.contains("registered_name")) o["registered_name"] = nullptr;
  if (!o.contains("config")) o["config"] = Config::object();
  return o;
}

// A loss by its Keras name: Keras 3's legacy .h5 loader cannot restore an alias such as "mse" (it looks for a
// metric of that name and fails), though it restores "mean_squared_error".
Config canonical_loss(const Config& loss) {
  if (!loss.is_string() || !loss_registry().contains(loss.get<std::string>())) return loss;
  return loss_registry().get(loss.get<std::string>()).name;
}

// Losses per output: a single output takes the bare value, several a list (Keras 3 wants one per output).
Config losses(const Model& model, bool archive) {
  const auto& given = model.compile_options().loss;
  const size_t n = output_count(model);
  auto one = [&](size_t i) {
    const Config loss = canonical_loss(given[given.size() == 1 ? 0 : i]);
    return archive ? with_module(loss, "keras.losses") : loss;
  };
  if (n == 1) return one(0);
  Config list = Config::array();
  for (size_t i = 0; i < n; ++i) list.push_back(one(i));
  return list;
}

Config metrics(const Model& model, bool archive) {
  const auto& given = model.compile_options().metrics;
  if (given.empty()) return nullptr;
  const size_t n = output_count(model);
  auto list_for = [&](size_t i) {
    Config list = Config::array();
    for (const auto& m : given[given.size() == 1 ? 0 : i]) list.push_back(archive ? with_module(m, "keras.metrics") : m);
    return list;
  };
  if (n == 1) return list_for(0);
  Config lists = Config::array();
  for (size_t i = 0; i < n; ++i) lists.push_back(list_for(i));
  return lists;
}

// null when every weight is 1 (Keras's default); one number for a single output, else one per output.
Config loss_weights(const Model& model) {
  const auto& w = model.compile_options().loss_weights;
  if (std::all_of(w.begin(), w.end(), [](double x) { return x == 1.0; })) return nullptr;
  if (output_count(model) == 1) return w[0];
  return Config(w);
}

Config optimizer_object(const Model& model, bool archive) {
  Model& m = const_cast<Model&>(model);  // optimizer() is not const; reading its config changes nothing
  const Optimizer& opt = m.optimizer();
  const auto& entry = optimizer_registry().get(opt.name());
  Config o = {{"class_name", entry.keras_class.empty() ? entry.name : entry.keras_class}, {"config", opt.config()}};
  if (archive) {
    o["module"] = "keras.optimizers";
    o["registered_name"] = nullptr;
  }
  return o;
}

// Reads the per-output value of a loss or metrics setting: one value, a list (one per output) or a dict
// keyed by output layer name.
std::vector<Config> per_output(const Model& model, const Config& v, const char* what, bool value_is_list) {
  const size_t n = output_count(model);
  if (v.is_object() && !v.contains("class_name")) {
    std::vector<Config> out;
    for (size_t i = 0; i < n; ++i) {
      const std::string name = model.outputs().at(i).node->layer->name();
      if (!v.contains(name))
        throw ValueError(std::string("The compile settings give ") + what + " for outputs by name but none for '" + name + "'.");
      out.push_back(v[name]);
    }
    return out;
  }
  if (n == 1 && v.is_array() && v.size() == 1 && (!value_is_list || v[0].is_array())) return {v[0]};  // [x] for one output
  const bool list_per_output = v.is_array() && n > 1 && v.size() == n && (!value_is_list || (!v.empty() && v[0].is_array()));
  if (list_per_output) return std::vector<Config>(v.begin(), v.end());
  return {v};
}

}  // namespace

Config compile_config(const Model& model) {
  if (!model.compiled()) return Config::object();
  return {{"optimizer", optimizer_object(model, true)}, {"loss", losses(model, true)},
          {"loss_weights", loss_weights(model)}, {"metrics", metrics(model, true)},
          {"weighted_metrics", nullptr}, {"run_eagerly", false}, {"steps_per_execution", 1}, {"jit_compile", false}};
}

Config training_config(const Model& model) {
  if (!model.compiled()) return Config::object();
  return {{"loss", losses(model, false)}, {"loss_weights", loss_weights(model)}, {"metrics", metrics(model, false)},
          {"weighted_metrics", nullptr}, {"run_eagerly", false}, {"steps_per_execution", 1}, {"jit_compile", false},
          {"optimizer_config", optimizer_object(model, false)}};
}

void apply_compile_config(Model& model, const Config& config) {
  if (config.is_null() || (config.is_object() && config.empty())) return;
  if (!config.is_object() || !config.contains("optimizer") || !config.contains("loss"))
    throw ValueError("The compile settings need an optimizer and a loss, got " + config.dump().substr(0, 200) + ".");
  if (config.contains("weighted_metrics") && !config["weighted_metrics"].is_null() && !config["weighted_metrics"].empty())
    throw ValueError("The model was compiled with weighted_metrics, which Cornu does not support.");
  CompileOptions o;
  o.optimizer = normalize_module(config["optimizer"], ModuleKind::Optimizer, "The optimizer");
  for (const auto& l : per_output(model, config["loss"], "losses", false)) {
    if (l.is_null()) throw ValueError("The compile settings give no loss for an output; Cornu trains every output.");
    o.loss.push_back(normalize_module(l, ModuleKind::Loss, "The loss"));
  }
  if (config.contains("loss_weights") && !config["loss_weights"].is_null()) {
    for (const auto& w : per_output(model, config["loss_weights"], "loss weights", false)) {
      if (!w.is_number()) throw ValueError("A loss weight is not a number: " + w.dump() + ".");
      o.loss_weights.push_back(w.get<double>());
    }
    if (o.loss_weights.size() == 1 && output_count(model) > 1) o.loss_weights.assign(output_count(model), o.loss_weights[0]);
  }
  if (config.contains("metrics") && !config["metrics"].is_null()) {
    for (const auto& list : per_output(model, config["metrics"], "metrics", true)) {
      std::vector<Config> metrics;
      for (const auto& m : list.is_array() ? list : Config::array({list}))
        if (!m.is_null()) metrics.push_back(normalize_module(m, ModuleKind::Metric, "The metric"));
      o.metrics.push_back(metrics);
    }
  }
  model.compile(o);
}

void apply_training_config(Model& model, const Config& config) {
  if (config.is_null() || (config.is_object() && config.empty())) return;
  if (!config.is_object() || !config.contains("optimizer_config"))
    throw ValueError("The file's training_config has no optimizer_config.");
  Config c = config;
  c["optimizer"] = c["optimizer_config"];
  apply_compile_config(model, c);
}

}  // namespace cornu::io
