// The data section of the Python export: the project's dataset loaded as a Keras user would load it (NumPy,
// h5py, keras.utils), then the same normalization and label encoding Cornu applies, or random arrays of the
// right shapes when the project has no dataset.
#include "core/error.h"
#include "core/module_config.h"
#include "data/builtin_datasets.h"
#include "io/python_writer.h"
#include "losses/loss.h"
#include "model/model.h"

namespace cornu::io::python {
namespace {

using Lines = std::vector<std::string>;

void append(Lines& lines, const Lines& more) { lines.insert(lines.end(), more.begin(), more.end()); }

// The registry name of output `o`'s loss ("" when uncompiled).
std::string loss_name(const Model& model, size_t o) {
  const auto& losses = model.compile_options().loss;
  if (losses.empty()) return "";
  auto [name, config] = split_module_config(losses.size() == 1 ? losses[0] : losses.at(o), "loss");
  return loss_registry().contains(name) ? loss_registry().get(name).name : name;
}

std::string sample_dims(const Shape& sample) {
  std::string dims;
  for (int a = 0; a < sample.rank(); ++a) dims += ", " + std::to_string(sample[a] == Shape::kNone ? 8 : sample[a]);
  return dims;
}

// Targets Keras accepts for this loss: class indices, one-hot rows, 0/1 or plain numbers.
std::string random_target(const Shape& output, const std::string& loss) {
  const Shape sample = output.without_batch();
  const int64_t classes = sample.rank() > 0 && sample[-1] > 0 ? sample[-1] : 2;
  Shape leading = sample;
  if (sample.rank() > 0) leading = Shape(std::vector<int64_t>(sample.dims().begin(), sample.dims().end() - 1));
  const std::string indices = "np.random.randint(0, " + std::to_string(classes) + ", size=(num_samples" +
                              sample_dims(leading) + (leading.rank() == 0 ? ",))" : "))");
  if (loss == "sparse_categorical_crossentropy") return indices;
  if (loss == "categorical_crossentropy")
    return "keras.utils.to_categorical(" + indices + ", num_classes=" + std::to_string(classes) + ")";
  if (loss == "binary_crossentropy" || loss == "binary_focal_crossentropy")
    return "np.random.randint(0, 2, size=(num_samples" + sample_dims(sample) + ")).astype(\"float32\")";
  return "np.random.rand(num_samples" + sample_dims(sample) + ").astype(\"float32\")";
}

Lines random_data(const Model& model, const std::string& why) {
  Lines lines = {"# " + why, "# Random arrays of the right shapes stand in for it: replace them with your own data."};
  if (model.inputs().empty()) {
    lines.push_back("# The model has no Input, so the shapes are unknown: set x_train, y_train, x_test, y_test here.");
    return lines;
  }
  std::vector<std::string> xs, ys;
  for (const SymbolicTensor& input : model.inputs())
    xs.push_back("np.random.rand(num_samples" + sample_dims(input.shape().without_batch()) + ").astype(\"float32\")");
  for (size_t o = 0; o < model.outputs().size(); ++o) ys.push_back(random_target(model.outputs()[o].shape(), loss_name(model, o)));
  lines.push_back("def random_data(num_samples):");
  if (xs.size() > 1 || ys.size() > 1) lines.push_back("    # One array per model input and per output, in the order of keras.Model(inputs=..., outputs=...).");
  lines.push_back("    x = " + (xs.size() == 1 ? xs[0] : "[\n        " + join(xs, ",\n        ") + ",\n    ]"));
  lines.push_back("    y = " + (ys.size() == 1 ? ys[0] : "[\n        " + join(ys, ",\n        ") + ",\n    ]"));
  lines.push_back("    return x, y");
  lines.push_back("");
  lines.push_back("");
  lines.push_back("x_train, y_train = random_data(512)");
  lines.push_back("x_test, y_test = random_data(128)");
  return lines;
}

// The choice with every parameter filled in. "image-folder" is registered by the desktop app only; a script
// exported without it still gets the app's defaults.
Config resolved_choice(const Config& choice) {
  if (choice.value("name", std::string()) == "image-folder" && !data_registry_has("image-folder")) {
    Config c = {{"path", ""}, {"test_path", ""}, {"width", 28}, {"height", 28}, {"color_mode", "grayscale"},
                {"test_fraction", 0.2}, {"seed", 1}, {"normalization", "none"}};
    for (auto it = choice.begin(); it != choice.end(); ++it) c[it.key()] = it.value();
    return c;
  }
  return data::resolve_dataset(choice);
}

}  // namespace

bool data_registry_has(const std::string& name) {
  for (const data::DatasetEntry& entry : data::builtin_datasets())
    if (entry.name == name) return true;
  return false;
}

Lines data_code(const Model& model, const PythonScriptOptions& options, int64_t one_hot_classes) {
  if (options.dataset.is_null()) return random_data(model, "The project names no dataset.");
  const std::string name = options.dataset.value("name", std::string("?"));
  if (model.inputs().size() != 1 || model.outputs().size() != 1)
    return random_data(model, "The dataset '" + comment_text(name) + "' gives one x and one y, but this model has " +
                                  std::to_string(model.inputs().size()) + " input(s) and " +
                                  std::to_string(model.outputs().size()) + " output(s); map its columns yourself.");
  Config c;
  try {
    c = resolved_choice(options.dataset);
  } catch (const Error& e) {
    return random_data(model, "The dataset choice could not be read (" + comment_text(e.what()) + ").");
  }
  Lines lines = dataset_loader(name, c);
  if (lines.empty()) return random_data(model, "Cornu has no Python loader for the dataset '" + comment_text(name) + "'.");
  append(lines, normalization_code(c.value("normalization", std::string("none"))));
  if (one_hot_classes > 0 && name != "sine") {
    lines.push_back("");
    lines.push_back("# categorical_crossentropy compares one-hot rows: turn the class numbers into them.");
    const std::string classes = std::to_string(one_hot_classes);
    const bool known_classes = name != "csv" && name != "idx" && name != "numpy" && name != "hdf5";
    const std::string indent = known_classes ? "" : "    ";
    if (!known_classes) lines.push_back("if np.issubdtype(y_train.dtype, np.integer):  # class labels, not numbers");
    lines.push_back(indent + "y_train = keras.utils.to_categorical(y_train, num_classes=" + classes + ")");
    lines.push_back(indent + "y_test = keras.utils.to_categorical(y_test, num_classes=" + classes + ")");
  }
  return lines;
}

}  // namespace cornu::io::python
