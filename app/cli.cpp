#include "cli.h"
#include "cli_keras.h"
#include "cli_sample.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <cmath>
#include <filesystem>

#include "backend/cpu/openblas.h"
#include "backend/devices.h"
#include "core/error.h"
#include "demos/demos.h"
#include "model/model.h"
#include "model/progbar.h"
#include "model/versions.h"

#ifdef CORNU_WITH_QT
#include <QtGlobal>
#endif
#ifdef CORNU_WITH_NODES
#include "data/builtin_datasets.h"
#include "nodes/checks.h"
#include "nodes/compile.h"
#include "nodes/diagram.h"
#include "nodes/project.h"
#include "nodes/runs.h"
#endif

namespace cornu::cli {

namespace {

const char* kUsage = R"(Usage: cornu [COMMAND] [OPTIONS]

Build and train neural networks the Keras way.

Commands:
  (none)                     with a display: the editor on the default demo (fashion-mnist-mlp);
                             without one: train that demo in the terminal
  PROJECT.cornu              open a project in the editor
  gui [PROJECT.cornu | --new | --example NAME] [--train] [--theme system|light|dark] [--screenshot OUT.png]
                             the editor (--train: start training at once; --screenshot: save an image of
                             the window and quit)
  demos                      list the built-in demos
  demos --write DIR [--force]
                             write each demo as a project file DIR/NAME.cornu (--force: replace)
  train --demo NAME          train a demo, then report its test metrics
  train PROJECT.cornu        train a project on its dataset, report its test metrics, and save the
                             weights (PROJECT.weights.h5) and the run's history into the project
        [--epochs N] [--batch-size N] [--seed S] [--log FILE.jsonl] [--verbose 0|1|2]
        [--resume]           start from the project's saved weights instead of fresh ones
        [--no-save]          leave the project and its weights as they are
  summary --demo NAME        print the model summary of a demo
  summary PROJECT.cornu      print the problems and the model summary of a project
  export PROJECT.cornu|MODEL.h5|MODEL.keras --to FILE.h5|FILE.keras|FILE.py [--weights W.h5]
                             the model for Keras: a legacy HDF5 file or a Keras 3 archive (config,
                             compile settings, weights), or a Python script that builds, compiles
                             and trains it in Keras (--distributed: on every GPU or host Keras sees).
                             A project carries its trained weights when it has some (--weights: these)
  import MODEL.h5|MODEL.keras -o PROJECT.cornu [--force]
                             a Keras model (Keras 3, or Keras 2 / tf.keras .h5) as a project with its
                             weights, laid out on the canvas; a model file never runs code
  summary MODEL.h5|MODEL.keras
                             print the summary of a Keras model file
  predict PROJECT.cornu|MODEL.h5|MODEL.keras --input X.npy|X.npz -o Y.npy|Y.npz [--batch-size N]
                             the model's outputs for the samples in X (.npz: one array per input,
                             keyed by input name; several outputs go to a .npz keyed by output)
  export PROJECT.cornu --to FILE.svg|FILE.png
                             draw the model as Keras's plot_model does: a box per layer with its input
                             and output shapes (a shape that cannot be inferred is drawn '?')
        [--show-layer-names] [--show-layer-activations] [--show-trainable]
        [--no-shapes] [--rankdir TB|LR] [--dpi N]  (PNG resolution, 36 to 600, default 96)
  sample PROJECT.cornu [--temperature 0.2,0.5,1.0] [--length 200] [--seed TEXT]
                             text written by a trained character model (a project on the text_characters
                             dataset, such as the text-lstm demo), one passage per temperature, starting
                             from TEXT or from a window of the training text
  info                       print the versions in use (Cornu, OpenBLAS, HDF5, Qt, CUDA, cuDNN, GPUs)

Options:
  -h, --help                 show this help
  --version                  print Cornu's version
)";

struct Options {
  std::string command;
  std::string target;  // PROJECT of `train PROJECT`, `summary PROJECT`, `export PROJECT`
  std::map<std::string, std::string> values;
};

Options parse(const std::vector<std::string>& args) {
  static const std::map<std::string, bool> known{{"--demo", true},  {"--epochs", true}, {"--batch-size", true},
                                                 {"--seed", true},  {"--log", true},    {"--verbose", true},
                                                 {"--write", true}, {"--resume", false}, {"--no-save", false}, {"--force", false},
                                                 {"--to", true}, {"--rankdir", true}, {"--weights", true},
                                                 {"--distributed", false}, {"--input", true}, {"-o", true}, {"--dpi", true},
                                                 {"--show-layer-names", false}, {"--show-layer-activations", false},
                                                 {"--show-trainable", false}, {"--no-shapes", false},
                                                 {"--temperature", true}, {"--length", true},
                                                 {"--help", false}, {"-h", false},      {"--version", false}};
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("-", 0) != 0) {
      if (o.command.empty()) o.command = a;
      else if (o.target.empty() && (o.command == "train" || o.command == "summary" || o.command == "export" ||
                                    o.command == "import" || o.command == "predict" || o.command == "sample"))
        o.target = a;
      else throw ValueError("Unexpected argument '" + a + "'. Run `cornu --help` for usage.");
      continue;
    }
    std::string key = a, value;
    if (auto eq = a.find('='); eq != std::string::npos) key = a.substr(0, eq), value = a.substr(eq + 1);
    auto it = known.find(key);
    if (it == known.end()) throw ValueError("Unknown option '" + key + "'. Run `cornu --help` for usage.");
    if (it->second && value.empty()) {
      if (i + 1 >= args.size()) throw ValueError("Option " + key + " needs a value.");
      value = args[++i];
    }
    o.values[key] = value;
  }
  return o;
}

long long integer_option(const Options& o, const std::string& key, long long fallback, long long minimum,
                         long long maximum = 9007199254740991LL) {
  auto it = o.values.find(key);
  if (it == o.values.end()) return fallback;
  try {
    size_t used = 0;
    long long v = std::stoll(it->second, &used);
    if (used != it->second.size() || v < minimum || v > maximum) throw std::invalid_argument("");
    return v;
  } catch (const std::exception&) {
    throw ValueError("Option " + key + " needs an integer from " + std::to_string(minimum) + " to " +
                     std::to_string(maximum) + ", got '" + it->second + "'.");
  }
}

std::string json_line(const std::string& event, const Logs& logs, std::optional<int> epoch) {
  Config j = Config::object();
  j["event"] = event;
  if (epoch) j["epoch"] = *epoch;
  for (const auto& [k, v] : logs) j[k] = std::isfinite(v) ? Config(v) : Config(nullptr);
  return j.dump();
}

// Writes one JSON object per line as training goes: epoch_end events, then the test event.
class JsonlLogger : public Callback {
 public:
  explicit JsonlLogger(const std::string& path) : path_(path), out_(path, std::ios::trunc) {
    if (!out_) throw IoError("Cannot write the log file '" + path + "': check that its folder exists.");
  }
  void on_epoch_begin(int, const Logs&) override { start_ = std::chrono::steady_clock::now(); }
  void on_train_batch_end(int, const Logs&) override { last_batch_end_ = std::chrono::steady_clock::now(); }
  void on_epoch_end(int epoch, Logs& logs) override {
    // Training throughput: from the epoch's start to its last training batch (validation excluded).
    double seconds = std::chrono::duration<double>(last_batch_end_ - start_).count();
    Logs with_speed = logs;
    with_speed["samples_per_sec"] = seconds > 0 ? static_cast<double>(samples_) / seconds : 0.0;
    out_ << json_line("epoch_end", with_speed, epoch + 1) << "\n";
    out_.flush();
  }
  void set_samples_per_epoch(int64_t n) { samples_ = n; }
  void write_test(const Logs& logs) {
    out_ << json_line("test", logs, std::nullopt) << "\n";
    out_.flush();
  }

 private:
  std::string path_;
  std::ofstream out_;
  std::chrono::steady_clock::time_point start_, last_batch_end_;
  int64_t samples_ = 0;
};

int command_demos() {
  for (const auto& d : builtin_demos())
    std::printf("%-20s %s%s\n", d.name.c_str(), d.description.c_str(), d.name == kDefaultDemo ? " (default)" : "");
  return 0;
}

const Demo& demo_of(const Options& o) {
  auto it = o.values.find("--demo");
  return find_demo(it == o.values.end() ? kDefaultDemo : it->second);
}

int command_summary(const Options& o) {
  const Demo& demo = demo_of(o);
  set_random_seed(static_cast<uint64_t>(integer_option(o, "--seed", 1337, 0)));
  std::fputs(demo.build()->summary().c_str(), stdout);
  return 0;
}

// Trains `model` on `data` as the options say; returns the history and the test metrics.
struct TrainOutcome {
  History history;
  Logs test;
  std::string stopped = "completed";
};

// Arrays in the model's input and output order (one each for a registry dataset).
TrainOutcome train_and_test(Model& model, const Demo::Arrays& data, FitOptions fit, const Options& o) {
  std::shared_ptr<JsonlLogger> logger;
  if (auto it = o.values.find("--log"); it != o.values.end()) {
    logger = std::make_shared<JsonlLogger>(it->second);
    fit.callbacks.push_back(logger);
  }
  if (fit.verbose) std::fputs(model.summary().c_str(), stdout);
  if (logger)
    logger->set_samples_per_epoch(  // the training part of Keras's split, floor(n * (1 - split))
        static_cast<int64_t>(std::floor(static_cast<double>(data.train.x.at(0).rows()) * (1.0 - fit.validation_split))));
  TrainOutcome out;
  out.history = model.fit(data.train.x, data.train.y, fit);
  if (static_cast<int>(out.history.epoch.size()) < fit.epochs - fit.initial_epoch) out.stopped = "stopped early";
  EvaluateOptions eval;
  eval.batch_size = std::max(fit.batch_size, 256);
  eval.verbose = 0;
  out.test = model.evaluate(data.test.x, data.test.y, eval);
  std::printf("Test:%s\n", format_logs(out.test).c_str());
  if (logger) logger->write_test(out.test);
  return out;
}

void apply_overrides(FitOptions& fit, const Options& o) {
  fit.epochs = static_cast<int>(integer_option(o, "--epochs", fit.epochs, 1, 1000000));
  fit.batch_size = static_cast<int>(integer_option(o, "--batch-size", fit.batch_size, 1, 1 << 20));
  fit.verbose = static_cast<int>(integer_option(o, "--verbose", 1, 0));
}

void print_backend(const std::string& what, uint64_t seed) {
  auto info = openblas::info();
  std::printf("Cornu %s: %s on CPU (OpenBLAS %s, %d threads), seed %llu\n", CORNU_VERSION, what.c_str(),
              info.core.c_str(), info.threads, static_cast<unsigned long long>(seed));
}

#ifdef CORNU_WITH_NODES  // used by the project commands only
// What loading left out (skipped rows, unreadable images), a few lines at most, with the data's fingerprint.
void print_data_warnings(const data::TrainTest& data) {
  constexpr size_t kShown = 10;
  for (size_t i = 0; i < std::min(data.warnings.size(), kShown); ++i)
    std::fprintf(stderr, "Data: %s\n", data.warnings[i].c_str());
  if (data.warnings.size() > kShown)
    std::fprintf(stderr, "Data: ... and %zu more left out.\n", data.warnings.size() - kShown);
  std::printf("Data: %lld training and %lld test samples, fingerprint %s\n",
              static_cast<long long>(data.train.x.rows()), static_cast<long long>(data.test.x.rows()),
              data::fingerprint(data).c_str());
}
#endif

int command_train_demo(const Options& o) {
  const Demo& demo = demo_of(o);
  const uint64_t seed = static_cast<uint64_t>(integer_option(o, "--seed", 1337, 0));
  FitOptions fit;
  fit.epochs = demo.epochs;
  fit.batch_size = demo.batch_size;
  apply_overrides(fit, o);
  fit.validation_split = demo.validation_split;
  fit.seed = seed;
  print_backend("demo '" + demo.name + "'", seed);
  const Demo::Arrays data = demo.arrays();
  set_random_seed(seed);
  ModelPtr model = demo.build();
  train_and_test(*model, data, fit, o);
  return 0;
}

#ifdef CORNU_WITH_NODES
// Prints the live checks' problems; returns false when one of them is an error.
bool report_problems(const std::string& path, const nodes::ProjectData& project) {
  nodes::CheckReport report = nodes::check(project);
  for (const auto& p : report.problems) {
    std::fprintf(stderr, "%s: %s: %s\n", path.c_str(), p.severity == nodes::Severity::Error ? "error" : "warning",
                 p.message.c_str());
  }
  return !report.has_errors();
}

int command_summary_project(const Options& o) {
  nodes::ProjectData project = nodes::load_project(o.target);
  if (o.values.count("--seed")) project.settings.seed = static_cast<uint64_t>(integer_option(o, "--seed", 0, 0));
  if (!report_problems(o.target, project)) return 1;
  ModelPtr model = nodes::build_model(project);
  std::fputs(model->summary().c_str(), stdout);
  return 0;
}

int command_train_project(const Options& o) {
  const nodes::ProjectData saved = nodes::load_project(o.target);
  nodes::ProjectData project = saved;  // what this run uses; --seed and friends are not written back
  if (o.values.count("--seed")) project.settings.seed = static_cast<uint64_t>(integer_option(o, "--seed", 0, 0));
  if (project.settings.dataset.is_null())
    throw ValueError("'" + o.target + "' names no dataset to train on: choose one in the data panel, or set " +
                     "settings.dataset, e.g. {\"name\": \"fashion-mnist\"}.");
  if (!report_problems(o.target, project)) return 1;
  const std::string device = training_device(project.settings.device);  // refuses an impossible choice first
  print_backend("project '" + o.target + "'", project.settings.seed);
  data::TrainTest data = data::load_dataset(project.settings.dataset);
  FitOptions fit = nodes::fit_options(project.settings, data, project.path);
  apply_overrides(fit, o);
  print_data_warnings(data);
  ModelPtr model = nodes::build_model(project);
  if (o.values.count("--resume") && !nodes::load_project_weights(o.target, *model))
    throw ValueError("--resume: '" + nodes::weights_path_for(o.target) + "' does not exist yet; train without --resume first.");
  const std::string started = nodes::utc_now();
  TrainOutcome out = train_and_test(*model, {{{data.train.x}, {data.train.y}}, {{data.test.x}, {data.test.y}}}, fit, o);
  if (o.values.count("--no-save")) return 0;
  nodes::Settings used = project.settings;
  used.epochs = fit.epochs, used.batch_size = fit.batch_size;
  nodes::ProjectData result = saved;
  // The run's own weights first: the record names them.
  const nodes::RunDetails details{.device = device,
                                  .fingerprint = data::fingerprint(data),
                                  .weights = nodes::save_run_weights(project.path, started, *model)};
  nodes::append_run(result, nodes::run_record(used, out.history, out.test, started, nodes::utc_now(), out.stopped, details));
  // Someone (the editor, say) saved the project while this trained: keep their version, write ours beside it.
  std::string target = o.target;
  try {
    if (!(nodes::load_project(o.target) == saved)) target = o.target.substr(0, o.target.size() - 6) + ".trained.cornu";
  } catch (const Error&) {
    target = o.target + ".trained.cornu";
  }
  if (target != o.target)
    std::fprintf(stderr, "'%s' changed while training; the trained model goes to '%s' instead.\n", o.target.c_str(),
                 target.c_str());
  nodes::save_project_with_weights(target, result, *model);
  std::printf("Saved the weights to %s and the run to %s\n", nodes::weights_path_for(target).c_str(), target.c_str());
  return 0;
}

int command_export(const Options& o) {
  if (o.target.empty())
    throw ValueError("export: name the project to draw, e.g. `cornu export model.cornu --to model.svg`.");
  if (!o.values.count("--to"))
    throw ValueError("export: add --to FILE.svg or --to FILE.png to say where the diagram goes.");
  nodes::DiagramOptions options;
  options.show_shapes = !o.values.count("--no-shapes");
  options.show_layer_names = o.values.count("--show-layer-names") > 0;
  options.show_layer_activations = o.values.count("--show-layer-activations") > 0;
  options.show_trainable = o.values.count("--show-trainable") > 0;
  if (auto it = o.values.find("--rankdir"); it != o.values.end()) {
    if (it->second != "TB" && it->second != "LR")
      throw ValueError("Option --rankdir takes TB (top to bottom) or LR (left to right), got '" + it->second + "'.");
    options.rankdir = it->second;
  }
  options.dpi = static_cast<double>(integer_option(o, "--dpi", 96, 36, 600));
  const std::string& path = o.values.at("--to");
  nodes::ProjectData project = nodes::load_project(o.target);
  report_problems(o.target, project);  // listed, but a diagram is drawn anyway ("?" where a shape is unknown)
  nodes::export_diagram(project, path, options);
  std::printf("Wrote %s (%s bytes)\n", path.c_str(), std::to_string(std::filesystem::file_size(path)).c_str());
  return 0;
}

int command_write_demos(const std::string& dir, bool force) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IoError("Cannot create the folder '" + dir + "': " + ec.message() + ".");
  for (const auto& d : builtin_demos()) {
    std::string path = (std::filesystem::path(dir) / (d.name + ".cornu")).string();
    if (std::filesystem::exists(path) && !force)
      throw IoError("'" + path + "' exists already: move it away, or add --force to replace it.");
    nodes::save_project(path, nodes::demo_project(d));
    std::printf("%s\n", path.c_str());
  }
  return 0;
}
#else
[[noreturn]] void no_projects() {
  throw ValueError("This build of Cornu has no project files (it was built without Qt, -DCORNU_WITH_GUI=OFF).");
}
int command_summary_project(const Options&) { no_projects(); }
int command_train_project(const Options&) { no_projects(); }
int command_export(const Options&) { no_projects(); }
int command_write_demos(const std::string&, bool) { no_projects(); }
#endif

std::string value_of(const Options& o, const std::string& key) {
  auto it = o.values.find(key);
  return it == o.values.end() ? std::string() : it->second;
}

bool is_keras_export(const std::string& to) { return is_keras_file(to) || lowercase_extension(to) == ".py"; }

int command_info() {
  LibraryVersions v = library_versions();
  std::printf("Cornu %s\n", v.cornu.c_str());
  std::printf("OpenBLAS: %s\n", v.openblas.c_str());
  if (v.openblas_loaded) std::printf("  %s\n", v.openblas_config.c_str());
  std::printf("HDF5: %s\n", v.hdf5.c_str());
#ifdef CORNU_WITH_QT
  std::printf("Qt: %s\n", qVersion());
#else
  std::printf("Qt: not part of this build\n");
#endif
  std::printf("CUDA: %s\n", v.cuda.c_str());
  if (!v.cuda_compiled) return 0;
  std::printf("cuDNN: %s\n", v.cudnn.c_str());
  if (v.gpus.empty()) std::printf("GPUs: none (%s)\n", v.no_gpu_reason.c_str());
  for (const auto& gpu : v.gpus) std::printf("%s\n", gpu.c_str());
  return 0;
}

}  // namespace

int run(const std::vector<std::string>& args) {
  Options o = parse(args);
  if (o.values.count("--help") || o.values.count("-h")) return std::fputs(kUsage, stdout), 0;
  if (o.values.count("--version")) return std::printf("cornu %s\n", CORNU_VERSION), 0;
  if ((o.command == "train" || o.command == "summary") && !o.target.empty() && o.values.count("--demo"))
    throw ValueError("Give either a project file or --demo NAME, not both.");
  if (o.command == "train" && !o.target.empty()) return command_train_project(o);
  if (o.command.empty() || o.command == "train") return command_train_demo(o);
  if (o.command == "demos" && o.values.count("--write")) return command_write_demos(o.values.at("--write"), o.values.count("--force") > 0);
  if (o.command == "demos") return command_demos();
  if (o.command == "summary" && is_keras_file(o.target)) return command_keras_summary(o.target);
  if (o.command == "summary" && !o.target.empty()) return command_summary_project(o);
  if (o.command == "summary") return command_summary(o);
  if (o.command == "export" && o.values.count("--to") && is_keras_export(o.values.at("--to"))) {
    if (o.target.empty()) throw ValueError("export: name the project or model to export, e.g. `cornu export model.cornu --to model.keras`.");
    return command_keras_export(o.target, o.values.at("--to"), value_of(o, "--weights"), o.values.count("--distributed") > 0);
  }
  if (o.command == "export" && o.values.count("--to")) {
    const std::string to = o.values.at("--to"), ext = lowercase_extension(to);
    if (ext != ".svg" && ext != ".png")
      throw ValueError("export: --to names the file to write, ending in .h5 or .keras (a Keras model), .py (a Keras "
                       "script), or .svg or .png (a diagram); got '" + to + "'.");
  }
  if (o.command == "export") return command_export(o);
  if (o.command == "import") {
    if (o.target.empty()) throw ValueError("import: name the Keras file, e.g. `cornu import model.keras -o model.cornu`.");
    return command_keras_import(o.target, value_of(o, "-o"), o.values.count("--force") > 0);
  }
  if (o.command == "predict") {
    if (o.target.empty()) throw ValueError("predict: name the project or model, e.g. `cornu predict model.keras --input x.npy -o y.npy`.");
    return command_predict(o.target, value_of(o, "--input"), value_of(o, "-o"),
                           static_cast<int>(integer_option(o, "--batch-size", 32, 1, 1 << 20)));
  }
  if (o.command == "sample") {
    // Here --seed is the text to start from (train's --seed is a number).
    SampleRequest request{.project = o.target, .length = integer_option(o, "--length", 200, 1, 100000),
                          .seed_text = value_of(o, "--seed")};
    if (o.values.count("--temperature")) request.temperatures = o.values.at("--temperature");
    return command_sample(request);
  }
  if (o.command == "info") return command_info();
  std::string hint = did_you_mean(o.command, {"train", "demos", "summary", "export", "import", "predict", "sample", "info"});
  throw ValueError("Unknown command '" + o.command + "'. " + (hint.empty() ? "" : hint + " ") +
                   "Run `cornu --help` for usage.");
}

}  // namespace cornu::cli
