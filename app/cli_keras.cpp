// The Keras side of the command line: export, import, summary and predict on Keras files (engine/io/keras_io.h).
// Models come either from a Keras file (.h5/.keras), which needs the engine only, or from a project (.cornu),
// which needs nodes/ (built with the GUI).
#include "cli_keras.h"

#include <cstdio>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "data/file_bytes.h"
#include "data/npy.h"
#include "io/keras_io.h"
#include "model/weights_io.h"

#ifdef CORNU_WITH_NODES
#include "nodes/compile.h"
#include "nodes/project.h"
#endif

namespace cornu::cli {

std::string lowercase_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

bool is_keras_file(const std::string& path) {
  const std::string ext = lowercase_extension(path);
  return ext == ".h5" || ext == ".hdf5" || ext == ".keras";
}

namespace {

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::fprintf(stderr, "Warning: %s\n", w.c_str());
}

// A model with the weights it should carry, and what a Python script needs besides.
struct Source {
  ModelPtr model;
  io::PythonScriptOptions script;
  std::string weights_note;  // where the weights came from, for the report
};

#ifdef CORNU_WITH_NODES
Source from_project(const std::string& path, const std::string& weights) {
  nodes::ProjectData project = nodes::load_project(path);
  Source s;
  s.model = nodes::build_model(project, nodes::has_every_loss(project));
  s.script = nodes::python_script_options(project.settings);
  if (!weights.empty()) {
    load_weights(*s.model, weights);
    s.weights_note = "weights from " + weights;
    s.script.weights_path = std::filesystem::absolute(weights).string();
  } else if (nodes::load_project_weights(path, *s.model)) {
    s.weights_note = "trained weights from " + nodes::weights_path_for(path);
    s.script.weights_path = std::filesystem::absolute(nodes::weights_path_for(path)).string();
  } else {
    s.weights_note = "initial weights (the project has not been trained: train it first to export trained weights)";
  }
  return s;
}
#else
Source from_project(const std::string&, const std::string&) {
  throw ValueError("This build of Cornu reads no project files (it was built without Qt, -DCORNU_WITH_GUI=OFF); "
                   "give a Keras .h5 or .keras file instead.");
}
#endif

Source load_source(const std::string& path, const std::string& weights) {
  if (!is_keras_file(path)) return from_project(path, weights);
  io::LoadedModel loaded = io::load_model(path);
  print_warnings(loaded.warnings);
  Source s;
  s.model = loaded.model;
  s.weights_note = "weights from " + path;
  if (!weights.empty()) {
    load_weights(*s.model, weights);
    s.weights_note = "weights from " + weights;
    s.script.weights_path = std::filesystem::absolute(weights).string();
  }
  return s;
}

Tensor as_float(const Tensor& t) {
  if (t.dtype() == DType::Float32) return t;
  std::vector<float> v;
  for (int32_t x : t.to_int_vector()) v.push_back(static_cast<float>(x));
  return Tensor::from_vector(t.shape(), v);
}

// The arrays for the model's inputs: a .npy for a model with one input, or a .npz keyed by input names
// (or arr_0, arr_1... in input order, as numpy.savez names unnamed arrays).
std::vector<Tensor> read_inputs(const Model& model, const std::string& path) {
  const auto& inputs = model.inputs();
  std::vector<Tensor> x;
  if (lowercase_extension(path) == ".npz") {
    auto arrays = data::read_npz(path);
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::string name = inputs[i].node->layer->name(), positional = "arr_" + std::to_string(i);
      auto it = arrays.find(name);
      if (it == arrays.end()) it = arrays.find(positional);
      if (it == arrays.end())
        throw ValueError("'" + path + "' has no array '" + name + "' (or '" + positional + "') for the model's input " +
                         std::to_string(i) + ".");
      x.push_back(as_float(it->second));
    }
    return x;
  }
  if (inputs.size() != 1)
    throw ValueError("The model has " + std::to_string(inputs.size()) + " inputs: give them in one .npz file, keyed by " +
                     "input name (numpy.savez(\"x.npz\", **{name: array})).");
  x.push_back(as_float(data::read_npy(path)));
  return x;
}

void check_input_shapes(const Model& model, const std::vector<Tensor>& x) {
  for (size_t i = 0; i < x.size(); ++i) {
    const Shape want = model.inputs()[i].shape().without_batch(), got = x[i].shape().rank() ? x[i].shape().without_batch() : Shape{};
    if (want != got)
      throw ShapeError("Input " + std::to_string(i) + " ('" + model.inputs()[i].node->layer->name() + "') must hold samples of shape " +
                       want.to_string() + ", but the array has shape " + x[i].shape().to_string() +
                       " (the first axis counts samples).");
  }
}

}  // namespace

int command_keras_export(const std::string& source, const std::string& to, const std::string& weights, bool distributed) {
  const std::string ext = lowercase_extension(to);
  if (ext != ".h5" && ext != ".hdf5" && ext != ".keras" && ext != ".py")
    throw ValueError("export: --to must end in .h5, .keras or .py (or .svg/.png for a diagram), got '" + to + "'.");
  Source s = load_source(source, weights);
  if (ext == ".py") {
    s.script.distributed = distributed;
    {
      data::write_file_atomic(to, io::python_script(*s.model, s.script));
    }
    std::printf("Wrote %s: Keras Python code for model '%s'%s\n", to.c_str(), s.model->name().c_str(),
                s.script.weights_path.empty() ? "" : (", loading " + s.script.weights_path).c_str());
    return 0;
  }
  io::save_model(*s.model, to);
  std::printf("Wrote %s: model '%s', %lld parameters, %s%s\n", to.c_str(), s.model->name().c_str(),
              static_cast<long long>(s.model->count_params()), s.weights_note.c_str(),
              s.model->compiled() ? ", compiled" : "");
  return 0;
}

int command_keras_summary(const std::string& path) {
  io::LoadedModel loaded = io::load_model(path);
  print_warnings(loaded.warnings);
  std::printf("%s: written by Keras %s\n", path.c_str(), loaded.keras_version.empty() ? "(unknown version)" : loaded.keras_version.c_str());
  std::fputs(loaded.model->summary().c_str(), stdout);
  if (loaded.model->compiled()) {
    const Model& m = *loaded.model;
    std::printf("Compiled with optimizer %s, loss %s\n", io::compile_config(m)["optimizer"]["class_name"].get<std::string>().c_str(),
                io::compile_config(m)["loss"].dump().c_str());
  } else {
    std::printf("Not compiled.\n");
  }
  return 0;
}

int command_predict(const std::string& source, const std::string& input, const std::string& output, int batch_size) {
  if (input.empty()) throw ValueError("predict: give the inputs with --input X.npy (or X.npz for several inputs).");
  if (output.empty()) throw ValueError("predict: say where the predictions go with -o Y.npy (or Y.npz).");
  Source s = load_source(source, "");
  std::vector<Tensor> x = read_inputs(*s.model, input);
  check_input_shapes(*s.model, x);
  std::vector<Tensor> y = s.model->predict(x, batch_size);
  if (lowercase_extension(output) == ".npz") {
    std::map<std::string, Tensor> arrays;
    for (size_t i = 0; i < y.size(); ++i) arrays[s.model->outputs()[i].node->layer->name()] = y[i];
    data::write_npz(output, arrays);
  } else {
    if (y.size() != 1)
      throw ValueError("The model has " + std::to_string(y.size()) + " outputs: write them to a .npz file (-o Y.npz).");
    data::write_npy(output, y[0]);
  }
  std::printf("Wrote %s: %lld predictions (%s)\n", output.c_str(), static_cast<long long>(x[0].rows()), s.weights_note.c_str());
  return 0;
}

#ifdef CORNU_WITH_NODES
int command_keras_import(const std::string& path, const std::string& project_path, bool force) {
  if (project_path.empty()) throw ValueError("import: say where the project goes with -o PROJECT.cornu.");
  if (lowercase_extension(project_path) != ".cornu") throw ValueError("import: -o must name a .cornu project file, got '" + project_path + "'.");
  if (std::filesystem::exists(project_path) && !force)
    throw IoError("'" + project_path + "' exists already: choose another name, or add --force to replace it.");
  io::LoadedModel loaded = io::load_model(path);
  print_warnings(loaded.warnings);
  nodes::ProjectData project = nodes::project_from_model(*loaded.model);
  project.path = std::filesystem::absolute(project_path).string();
  nodes::save_project_with_weights(project_path, project, *loaded.model);
  std::printf("Imported '%s' (%lld parameters) into %s, weights in %s\n", loaded.model->name().c_str(),
              static_cast<long long>(loaded.model->count_params()), project_path.c_str(),
              nodes::weights_path_for(project_path).c_str());
  return 0;
}
#else
int command_keras_import(const std::string&, const std::string&, bool) {
  throw ValueError("This build of Cornu has no project files (it was built without Qt, -DCORNU_WITH_GUI=OFF).");
}
#endif

}  // namespace cornu::cli
