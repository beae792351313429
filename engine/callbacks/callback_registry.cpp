// Keras 3's callback parameters (https://keras.io/api/callbacks/), for the callbacks Cornu offers in a
// project. Each entry's factory turns a resolved config into the options struct of callback.h.
#include "callbacks/callback_registry.h"

#include "core/error.h"
#include "core/module_config.h"

namespace cornu {

namespace {

ParamSpec monitor() {
  return {.name = "monitor", .type = ParamType::String, .default_value = "val_loss",
          .doc = "The quantity watched: 'loss', 'val_loss', or a metric such as 'val_accuracy'."};
}
ParamSpec mode() {
  return {.name = "mode", .type = ParamType::Enum, .default_value = "auto",
          .doc = "Whether the quantity should fall ('min') or rise ('max'); 'auto' guesses from its name.",
          .choices = {"auto", "min", "max"}};
}
ParamSpec verbose() {
  return {.name = "verbose", .type = ParamType::Int, .default_value = 0,
          .doc = "1: print a line when the callback acts (in the terminal).", .minimum = 0.0, .maximum = 1.0};
}
ParamSpec min_delta(double value) {
  return {.name = "min_delta", .type = ParamType::Float, .default_value = value,
          .doc = "The least change that counts as an improvement.", .minimum = 0.0};
}
ParamSpec patience(int value, const std::string& doc) {
  return {.name = "patience", .type = ParamType::Int, .default_value = value, .doc = doc, .minimum = 0.0,
          .maximum = 1000000.0};
}

void add_early_stopping(Registry<Callback>& r) {
  r.add({.name = "EarlyStopping",
         .doc = "Stops training when the watched quantity has stopped improving.",
         .params = {monitor(), min_delta(0.0), patience(0, "Epochs without improvement before training stops."),
                    verbose(), mode(),
                    {.name = "baseline", .type = ParamType::Float, .default_value = nullptr,
                     .doc = "A value to beat: training stops unless the quantity improves on it (None: no baseline).",
                     .nullable = true},
                    {.name = "restore_best_weights", .type = ParamType::Bool, .default_value = false,
                     .doc = "At the end, go back to the weights of the best epoch."},
                    {.name = "start_from_epoch", .type = ParamType::Int, .default_value = 0,
                     .doc = "Epochs of warm-up before improvement is watched.", .minimum = 0.0, .maximum = 1000000.0}},
         .create = [](const Config& c) {
           EarlyStoppingOptions o;
           o.monitor = c.at("monitor"), o.min_delta = c.at("min_delta"), o.patience = c.at("patience");
           o.verbose = c.at("verbose"), o.mode = c.at("mode");
           if (!c.at("baseline").is_null()) o.baseline = c.at("baseline").get<double>();
           o.restore_best_weights = c.at("restore_best_weights"), o.start_from_epoch = c.at("start_from_epoch");
           return EarlyStopping(o);
         }});
}

void add_reduce_lr_on_plateau(Registry<Callback>& r) {
  r.add({.name = "ReduceLROnPlateau",
         .doc = "Lowers the learning rate when the watched quantity has stopped improving.",
         .params = {monitor(),
                    {.name = "factor", .type = ParamType::Float, .default_value = 0.1,
                     .doc = "The learning rate is multiplied by this (below 1).", .minimum = 0.0, .maximum = 0.999999},
                    patience(10, "Epochs without improvement before the learning rate drops."), verbose(), mode(),
                    min_delta(1e-4),
                    {.name = "cooldown", .type = ParamType::Int, .default_value = 0,
                     .doc = "Epochs to wait after a drop before watching again.", .minimum = 0.0, .maximum = 1000000.0},
                    {.name = "min_lr", .type = ParamType::Float, .default_value = 0.0,
                     .doc = "The learning rate never drops below this.", .minimum = 0.0}},
         .create = [](const Config& c) {
           ReduceLROnPlateauOptions o;
           o.monitor = c.at("monitor"), o.factor = c.at("factor"), o.patience = c.at("patience");
           o.verbose = c.at("verbose"), o.mode = c.at("mode"), o.min_delta = c.at("min_delta");
           o.cooldown = c.at("cooldown"), o.min_lr = c.at("min_lr");
           return ReduceLROnPlateau(o);
         }});
}

void add_model_checkpoint(Registry<Callback>& r) {
  r.add({.name = "ModelCheckpoint",
         .doc = "Saves the weights at the end of each epoch (or only when they are the best so far).",
         .params = {{.name = "filepath", .type = ParamType::String, .default_value = "",
                     .doc = "Where the weights go (.weights.h5; may hold {epoch:02d}); relative to the project's "
                            "folder. Empty: <project>.checkpoint.weights.h5."},
                    monitor(), verbose(),
                    {.name = "save_best_only", .type = ParamType::Bool, .default_value = false,
                     .doc = "Save only when the watched quantity is the best so far."},
                    mode()},
         .create = [](const Config& c) {
           ModelCheckpointOptions o;
           o.filepath = c.at("filepath"), o.monitor = c.at("monitor"), o.verbose = c.at("verbose");
           o.save_best_only = c.at("save_best_only"), o.mode = c.at("mode");
           return ModelCheckpoint(o);
         }});
}

}  // namespace

Registry<Callback>& callback_registry() {
  static Registry<Callback> registry = [] {
    Registry<Callback> r("callback");
    add_early_stopping(r);
    add_reduce_lr_on_plateau(r);
    add_model_checkpoint(r);
    return r;
  }();
  return registry;
}

Config resolve_callback(const Config& object) {
  if (!object.is_object() || !object.contains("class_name"))
    throw ValueError("A callback is an object {\"class_name\": \"EarlyStopping\", \"config\": {...}}, got " +
                     object.dump() + ".");
  auto [name, config] = split_module_config(object, "callback");
  const auto& entry = callback_registry().get(name);
  Config resolved = resolve_config("callback '" + entry.name + "'", entry.params, config);
  if (resolved.at("monitor").get_ref<const std::string&>().empty())
    throw ValueError("callback '" + entry.name + "': monitor names the quantity to watch, e.g. \"val_loss\".");
  return {{"class_name", entry.name}, {"config", resolved}};
}

CallbackPtr make_callback(const Config& object) {
  const Config resolved = resolve_callback(object);
  return callback_registry().get(resolved.at("class_name")).create(resolved.at("config"));
}

}  // namespace cornu
