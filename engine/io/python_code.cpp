// python_script (keras_io.h): the project as a Keras 3 script a person could have written. The model comes from
// python_model.cpp and the data from python_data.cpp; this file writes the script around them: imports, seed,
// distribution, compile, callbacks, fit and evaluate.
#include <algorithm>

#include "callbacks/callback_registry.h"
#include "core/module_config.h"
#include "io/keras_io.h"
#include "io/python_writer.h"
#include "optimizers/optimizer.h"

namespace cornu::io {
namespace {

using namespace python;
using Lines = std::vector<std::string>;

void append(Lines& lines, const Lines& more) { lines.insert(lines.end(), more.begin(), more.end()); }

bool uses(const Lines& lines, const std::string& word) {
  for (const std::string& line : lines)
    if (line.find(word) != std::string::npos) return true;
  return false;
}

// A value per output: alone for one output, else a dict by output name (Keras's model.output_names), or a list
// when two outputs share a name (a nested model's outputs).
std::string per_output(const Model& model, const std::vector<std::string>& values) {
  if (values.size() == 1) return values[0];
  std::set<std::string> names;
  std::vector<std::string> items;
  for (size_t o = 0; o < values.size() && o < model.outputs().size(); ++o) {
    const std::string& name = model.outputs()[o].node->layer->name();
    names.insert(name);
    items.push_back(string_literal(name) + ": " + values[o]);
  }
  if (names.size() != values.size()) return "[" + join(values) + "]";
  return "{" + join(items) + "}";
}

// keras.optimizers.Adam(learning_rate=0.001): the learning rate always shown, as it is the first thing to tune.
std::string optimizer_code(const Config& optimizer) {
  auto [name, config] = split_module_config(optimizer, "optimizer");
  if (!optimizer_registry().contains(name)) return literal(optimizer);
  const auto& entry = optimizer_registry().get(name);
  Config resolved = resolve_config("optimizer '" + entry.name + "'", entry.params, config);
  std::vector<std::string> args;
  for (const ParamSpec& spec : entry.params)
    if (spec.name == "learning_rate") args.push_back("learning_rate=" + param_value(spec, resolved.at(spec.name)));
  for (const std::string& arg : arguments(entry.params, resolved))
    if (arg.rfind("learning_rate=", 0) != 0) args.push_back(arg);
  return "keras.optimizers." + (entry.keras_class.empty() ? entry.name : entry.keras_class) + "(" + join(args) + ")";
}

Lines compile_code(const Model& model) {
  const CompileOptions& o = model.compile_options();
  if (!model.compiled())
    return {"# The model was not compiled in Cornu: choose a loss and an optimizer before training, e.g.",
            "# model.compile(optimizer=\"adam\", loss=\"sparse_categorical_crossentropy\", metrics=[\"accuracy\"])"};
  std::vector<std::string> losses, weights, metric_lists;
  for (const Config& loss : o.loss) losses.push_back(module_value("loss", loss));
  // Weights of 1 are Keras's default: written only when one differs.
  if (std::any_of(o.loss_weights.begin(), o.loss_weights.end(), [](double w) { return w != 1.0; }))
    for (double w : o.loss_weights) weights.push_back(float_literal(w));
  for (const auto& list : o.metrics) {
    std::vector<std::string> names;
    for (const Config& metric : list) names.push_back(module_value("metric", metric));
    metric_lists.push_back("[" + join(names) + "]");
  }
  Lines lines = {"model.compile(", "    optimizer=" + optimizer_code(o.optimizer) + ",",
                 "    loss=" + per_output(model, losses) + ","};
  if (!weights.empty()) lines.push_back("    loss_weights=" + per_output(model, weights) + ",");
  if (!metric_lists.empty()) lines.push_back("    metrics=" + per_output(model, metric_lists) + ",");
  lines.push_back(")");
  return lines;
}

// keras.callbacks.EarlyStopping(patience=3), non-default arguments only.
Lines callbacks_code(const Config& callbacks) {
  std::vector<std::string> made;
  for (const Config& object : callbacks) {
    const Config resolved = resolve_callback(object);
    const std::string name = resolved.at("class_name");
    Config config = resolved.at("config");
    std::vector<std::string> args;
    if (name == "ModelCheckpoint") {  // Cornu saves weights; Keras needs the .weights.h5 name and the flag for it
      std::string path = config.at("filepath").get<std::string>();
      args.push_back(string_literal(path.empty() ? "checkpoint.weights.h5" : path));
      args.push_back("save_weights_only=True");
      config.erase("filepath");
    }
    for (const std::string& arg : arguments(callback_registry().get(name).params, config)) args.push_back(arg);
    made.push_back("    keras.callbacks." + name + "(" + join(args) + "),");
  }
  if (made.empty()) return {};
  Lines lines = {"callbacks = ["};
  append(lines, made);
  lines.push_back("]");
  return lines;
}

Lines fit_code(const Model& model, const PythonScriptOptions& options, bool has_callbacks) {
  if (!model.compiled())
    return {"# Then train and test it:",
            "# model.fit(x_train, y_train, batch_size=" + std::to_string(options.batch_size) +
                ", epochs=" + std::to_string(options.epochs) + ")",
            "# model.evaluate(x_test, y_test)"};
  Lines lines = {"history = model.fit(", "    x_train,", "    y_train,",
                 "    batch_size=" + std::to_string(options.batch_size) + ",",
                 "    epochs=" + std::to_string(options.epochs) + ","};
  if (options.validation == "split") lines.push_back("    validation_split=" + float_literal(options.validation_split) + ",");
  if (options.validation == "test") lines.push_back("    validation_data=(x_test, y_test),");
  if (!options.shuffle) lines.push_back("    shuffle=False,");
  if (has_callbacks) lines.push_back("    callbacks=callbacks,");
  lines.push_back(")");
  lines.push_back("");
  lines.push_back("test_scores = model.evaluate(x_test, y_test, batch_size=" + std::to_string(options.batch_size) +
                  ", return_dict=True)");
  lines.push_back("print(\"Test:\", test_scores)");
  return lines;
}

Lines distribution_code() {
  return {"# Data parallelism: every batch is split across the accelerators Keras sees, each holding a copy of the",
          "# weights (the JAX backend is needed for keras.distribution). On several hosts, start this script on each",
          "# with keras.distribution.initialize(job_addresses=..., num_processes=..., process_id=...) called first;",
          "# list_devices() then spans them all. Keep the batch size a multiple of the number of devices.",
          "keras.distribution.set_distribution(keras.distribution.DataParallel(devices=keras.distribution.list_devices()))",
          ""};
}

}  // namespace

std::string python_script(const Model& model, const PythonScriptOptions& options) {
  int64_t one_hot_classes = 0;  // categorical_crossentropy compares one-hot rows; Cornu's datasets give class numbers
  const auto& losses = model.compile_options().loss;
  if (model.compiled() && model.outputs().size() == 1 && losses.size() == 1 &&
      module_value("loss", losses[0]) == "\"categorical_crossentropy\"")
    one_hot_classes = std::max<int64_t>(model.outputs()[0].shape()[-1], 2);

  std::set<std::string> taken = {"model", "history", "callbacks", "test_scores", "x_train", "y_train", "x_test",
                                 "y_test", "random_data", "load_idx", "idx_file", "split_test", "as_labels",
                                 "load_csv", "encode_labels", "is_number", "arrays", "centres", "mean", "std"};
  const Lines data = data_code(model, options, one_hot_classes);
  const Lines model_lines = model_code(model, "model", taken);
  const Lines callbacks = callbacks_code(options.callbacks);

  const std::string name = comment_text(model.name());
  Lines lines = {
      "\"\"\"The Keras model \"" + name + "\", exported by Cornu.",
      "",
      "Builds the model, " + std::string(model.compiled() ? "trains it and tests it" : "and loads the data for it") +
          ". Run it with Keras 3 installed:",
      "    pip install keras jax" + std::string(uses(data, "h5py.") ? " h5py" : "") + std::string(
          uses(data, "image_dataset_from_directory") ? " tensorflow-cpu" : ""),
      "    python <this file>.py",
      "\"\"\"",
      ""};
  for (const char* module : {"csv", "gzip"})
    if (uses(data, std::string(module) + ".")) lines.push_back(std::string("import ") + module);
  lines.push_back("import os");
  if (uses(data, "struct.")) lines.push_back("import struct");
  append(lines, {"",
                 "# Keras 3 runs on JAX, TensorFlow or PyTorch. JAX is the backend keras.distribution supports and the one",
                 "# Cornu checks its exports against; set KERAS_BACKEND before running to choose another.",
                 "os.environ.setdefault(\"KERAS_BACKEND\", \"jax\")", ""});
  if (uses(data, "h5py.")) lines.push_back("import h5py");
  append(lines, {"import keras", "import numpy as np", "from keras import layers", "",
                 "# One seed for the initial weights, dropout and shuffling: the same run twice.",
                 "keras.utils.set_random_seed(" + std::to_string(options.seed) + ")", "", ""});
  append(lines, data);
  lines.push_back("");
  lines.push_back("");
  if (options.distributed) append(lines, distribution_code());
  append(lines, model_lines);
  lines.push_back("model.summary()");
  lines.push_back("");
  append(lines, compile_code(model));
  if (!options.weights_path.empty()) {
    lines.push_back("");
    lines.push_back("# Start from the weights trained in Cornu.");
    lines.push_back("model.load_weights(" + string_literal(options.weights_path) + ")");
  }
  lines.push_back("");
  if (!callbacks.empty() && model.compiled()) {
    append(lines, callbacks);
    lines.push_back("");
  }
  append(lines, fit_code(model, options, !callbacks.empty()));
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace cornu::io
