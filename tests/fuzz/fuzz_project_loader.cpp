// libFuzzer target for the .cornu project loader (nodes/project.h).
//
// For every input: parse_project() must either return a project or throw a cornu::Error (ProjectError);
// any other exception (nlohmann's type_error/out_of_range, std::out_of_range, bad_alloc...) escapes and
// libFuzzer reports it as a crash. For an input that parses:
//   - the live checks (nodes/checks.h) must report problems, never throw or crash;
//   - project_to_text() must write it, and parse_project() must read that back into an equal project.
// build_model() is deliberately not called: it allocates real weights.
//
// Built with -fsanitize=fuzzer by tests/fuzz/run_fuzz.sh (CMake option CORNU_FUZZ). Compiled with
// CORNU_FUZZ_STANDALONE instead, the file has a main() that replays the files and folders named on the command
// line (the seed corpus and crash reproducers in tests/fuzz/corpus), as the CTest unit.fuzz_project_loader_corpus.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "nodes/checks.h"
#include "nodes/project.h"

namespace {

// CORNU_FUZZ_VERBOSE=1 prints what happened to each input (refused with which message, or the problems the
// checks found): for looking at one input by hand, never while fuzzing.
bool verbose() {
  static const bool on = [] {
    const char* v = std::getenv("CORNU_FUZZ_VERBOSE");
    return v && *v && *v != '0';
  }();
  return on;
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_project_loader: %s\n%s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

void check_live(const cornu::nodes::ProjectData& project) {
  try {
    cornu::nodes::CheckReport once = cornu::nodes::check(project);
    // The editor keeps one Checker and re-checks after every edit: the cached path must agree.
    cornu::nodes::Checker checker;
    cornu::nodes::CheckReport first = checker.check(project);
    cornu::nodes::CheckReport second = checker.check(project);
    if (first.problems.size() != second.problems.size() || first.order != second.order ||
        once.problems.size() != first.problems.size())
      fail("a re-check of an unchanged project reports differently", cornu::nodes::project_to_text(project));
    (void)once.has_errors();
    (void)once.first_error();
    if (verbose()) {
      std::fprintf(stderr, "parsed: %zu nodes, %zu edges; %zu problems\n", project.graph.nodes.size(),
                   project.graph.edges.size(), once.problems.size());
      for (const auto& p : once.problems)
        std::fprintf(stderr, "  [%s] node %d: %s\n", p.severity == cornu::nodes::Severity::Error ? "error" : "warning",
                     p.node, p.message.c_str());
    }
    for (const auto& [id, node] : once.nodes) {
      (void)once.problems_of(id);
      for (const auto& s : node.outputs) (void)cornu::nodes::shape_text(s);
    }
  } catch (const cornu::Error& e) {
    // The live checks report problems; an exception out of them would take the editor down.
    fail("check() threw instead of reporting a problem", e.what());
  }
}

void check_round_trip(const cornu::nodes::ProjectData& project) {
  const std::string text = cornu::nodes::project_to_text(project);
  cornu::nodes::ProjectData again;
  try {
    again = cornu::nodes::parse_project(text);
  } catch (const cornu::Error& e) {
    fail("a saved project does not load again", std::string(e.what()) + "\n--- saved text:\n" + text);
  }
  if (!(again == project))
    fail("a saved project loads as a different project",
         "--- saved text:\n" + text + "--- loaded again, saved:\n" + cornu::nodes::project_to_text(again));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cornu::nodes::ProjectData project;
  try {
    project = cornu::nodes::parse_project(text);
  } catch (const cornu::Error& e) {
    if (verbose()) std::fprintf(stderr, "refused: %s\n", e.what());
    return 0;  // refused with a message: what a damaged file should get
  }
  check_live(project);
  check_round_trip(project);
  return 0;
}

#ifndef CORNU_FUZZ_STANDALONE
// A JSON-aware mutator. Byte-level mutations of a .cornu file almost always break the JSON, so the fuzzer
// would spend its time in the parser's error paths; this one parses the input, changes the document
// (a value swapped for an awkward number, a known name, another subtree; a key added or dropped; a node or
// an edge added) and writes it back, so most mutants reach the project reader, the checks and the round
// trip. One call in four, and every input that is not JSON, falls back to libFuzzer's byte mutations.
// CORNU_FUZZ_BYTES_ONLY=1 turns it off.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

using cornu::Config;
using Rng = std::mt19937_64;

const char* const kWords[] = {
    // layer types, aliases and the Output node
    "InputLayer", "Input", "Dense", "Activation", "ActivityRegularization", "Concatenate", "Dot", "Dropout", "ELU",
    "Flatten", "GaussianNoise", "LeakyReLU", "PReLU", "Permute", "ReLU", "RepeatVector", "Reshape", "Softmax", "Add",
    "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Output",
    // parameters
    "units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
    "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint", "lora_rank", "lora_alpha",
    "quantization_config", "axes", "normalize", "rate", "seed", "noise_shape", "alpha", "data_format", "stddev",
    "batch_shape", "sparse", "negative_slope", "dims", "alpha_initializer", "alpha_regularizer", "alpha_constraint",
    "shared_axes", "max_value", "threshold", "n", "target_shape", "axis", "l1", "l2", "trainable", "loss",
    "loss_weight", "metrics", "name", "dtype",
    // modules
    "linear", "relu", "sigmoid", "softmax", "tanh", "elu", "selu", "gelu", "swish", "softplus", "leaky_relu",
    "log_softmax", "relu6", "mish", "hard_sigmoid", "glorot_uniform", "he_normal", "zeros", "ones", "orthogonal",
    "random_normal", "variance_scaling", "constant", "L1", "L2", "L1L2", "l1_l2", "MaxNorm", "NonNeg", "UnitNorm",
    "MinMaxNorm", "max_norm", "min_value", "accuracy", "mse", "mae",
    "sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy", "mean_squared_error",
    "huber", "kl_divergence", "poisson", "hinge", "cosine_similarity", "from_logits", "label_smoothing",
    "ignore_class", "delta", "reduction", "class_name", "config", "module", "registered_name",
    // settings, optimizers, schedules, datasets
    "model_name", "optimizer", "batch_size", "epochs", "validation_split", "shuffle", "dataset", "adam", "Adam",
    "sgd", "SGD", "rmsprop", "adamw", "adagrad", "nadam", "learning_rate", "momentum", "nesterov", "decay",
    "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "beta_1", "beta_2", "epsilon", "amsgrad", "use_ema",
    "ExponentialDecay", "PiecewiseConstantDecay", "CosineDecay", "InverseTimeDecay", "PolynomialDecay",
    "initial_learning_rate", "decay_steps", "decay_rate", "boundaries", "values", "warmup_target", "warmup_steps",
    "spirals", "xor", "fashion-mnist", "samples", "test_samples", "noise", "dir",
    // the file
    "format", "cornu-project", "version", "cornu", "settings", "graph", "history", "nodes", "edges", "id", "type",
    "params", "position", "from", "to", "started", "finished", "stopped", "test", "device",
    "channels_last", "channels_first", "", "_", "a.b-c", "none", "None", "null", "nan", "inf", "-1",
};

Config interesting_number(Rng& rng) {
  static const int64_t ints[] = {0, 1, -1, 2, -2, 3, 4, 7, 8, 10, 16, 28, 64, 100, 255, 256, 1000, 65535, 65536,
                                 100000, 1000000, 1000000000, 1000000001, 2147483647, -2147483648LL, 2147483648LL,
                                 4294967295LL, 4294967296LL, 4294967297LL, 9007199254740991LL, 9007199254740992LL,
                                 9007199254740993LL, -9007199254740993LL, INT64_MAX, INT64_MIN, INT64_MAX - 1};
  static const double floats[] = {0.0,  -0.0, 0.5,   1.0,    -1.0,    0.99,   0.999,  1.5,   2.0,  1e-7, 1e-320,
                                  1e7,  1e8,  -1e7,  -1e8,   1e15,    1e16,   1e19,   1e300, -1e300, 1.7976931348623157e308,
                                  2.5e-324, 4294967296.0, 9007199254740992.0, 9223372036854775807.0, 1.8446744073709552e19};
  switch (rng() % 5) {
    case 0: return floats[rng() % std::size(floats)];
    case 1: return static_cast<uint64_t>(UINT64_MAX - rng() % 3);
    case 2: return static_cast<int64_t>(rng() % 41) - 20;
    default: return ints[rng() % std::size(ints)];
  }
}

Config random_scalar(Rng& rng) {
  switch (rng() % 6) {
    case 0: return nullptr;
    case 1: return rng() % 2 == 0;
    case 2: return Config::array();
    case 3: return Config::object();
    case 4: return std::string(kWords[rng() % std::size(kWords)]);
    default: return interesting_number(rng);
  }
}

void collect(Config& v, std::vector<Config*>& all, int depth) {
  all.push_back(&v);
  if (depth > 60) return;
  if (v.is_array() || v.is_object())
    for (auto& child : v) collect(child, all, depth + 1);
}

int depth_of(const Config& v) {
  int d = 0;
  if (v.is_array() || v.is_object())
    for (const auto& child : v) d = std::max(d, depth_of(child));
  return d + (v.is_array() || v.is_object());
}

// A node or an edge added to $.graph, wired to what is there.
bool grow_graph(Config& doc, Rng& rng) {
  if (!doc.is_object() || !doc.contains("graph") || !doc["graph"].is_object()) return false;
  Config& g = doc["graph"];
  if (!g.contains("nodes") || !g["nodes"].is_array() || !g.contains("edges") || !g["edges"].is_array()) return false;
  std::vector<int64_t> ids;
  for (const auto& n : g["nodes"])  // ids the loader accepts (1..1e9): no overflow computing a new one
    if (n.is_object() && n.contains("id") && n["id"].is_number_integer() && n["id"].get<int64_t>() > 0 &&
        n["id"].get<int64_t>() <= 1000000000)
      ids.push_back(n["id"].get<int64_t>());
  auto some_id = [&] { return ids.empty() ? int64_t{1} : ids[rng() % ids.size()]; };
  if (ids.empty() || rng() % 2 == 0) {
    int64_t id = 1;
    for (int64_t i : ids) id = std::max(id, i + 1);
    static const char* const types[] = {"InputLayer", "Dense", "Activation", "ActivityRegularization", "Concatenate",
                                        "Dot", "Dropout", "ELU", "Flatten", "GaussianNoise", "LeakyReLU", "PReLU",
                                        "Permute", "ReLU", "RepeatVector", "Reshape", "Softmax", "Add", "Subtract",
                                        "Multiply", "Average", "Maximum", "Minimum", "Output"};
    const std::string type = types[rng() % std::size(types)];
    Config params = Config::object();
    if (type == "InputLayer") {
      Config shape = Config::array({nullptr});
      for (uint64_t r = 1 + rng() % 3; r > 0; --r) {
        if (rng() % 4 == 0) shape.push_back(interesting_number(rng));  // huge sizes: overflow in shape rules
        else shape.push_back(1 + rng() % 12);
      }
      params["batch_shape"] = shape;
    } else if (type == "Dense") {
      params["units"] = 1 + rng() % 12;
    } else if (type == "Reshape" || type == "Permute") {
      params[type == "Reshape" ? "target_shape" : "dims"] = Config::array({1 + rng() % 3, rng() % 2 ? -1 : 2});
    } else if (type == "Dropout") {
      params["rate"] = 0.5;
    } else if (type == "GaussianNoise") {
      params["stddev"] = 0.1;
    } else if (type == "RepeatVector") {
      params["n"] = 1 + rng() % 4;
    } else if (type == "Dot") {
      params["axes"] = static_cast<int64_t>(rng() % 3) - 1;
    } else if (type == "Output") {
      params["loss"] = rng() % 2 ? "mse" : "sparse_categorical_crossentropy";
    }
    g["nodes"].push_back({{"id", id}, {"type", type}, {"name", "n" + std::to_string(id)}, {"params", params}});
    if (!ids.empty() && type != "InputLayer") {
      g["edges"].push_back({{"from", {some_id(), 0}}, {"to", {id, 0}}});
      const bool two_inputs = type == "Concatenate" || type == "Dot" || type == "Add" || type == "Subtract" ||
                              type == "Multiply" || type == "Average" || type == "Maximum" || type == "Minimum";
      if (two_inputs) g["edges"].push_back({{"from", {some_id(), 0}}, {"to", {id, 1}}});
    }
    return true;
  }
  g["edges"].push_back({{"from", {some_id(), rng() % 4 == 0 ? 1 : 0}}, {"to", {some_id(), rng() % 3}}});
  return true;
}

void mutate_once(Config& doc, Rng& rng) {
  if (rng() % 8 == 0 && grow_graph(doc, rng)) return;
  std::vector<Config*> all;
  collect(doc, all, 0);
  Config& v = *all[rng() % all.size()];
  switch (rng() % 10) {
    case 0:
    case 1:
      v = interesting_number(rng);
      return;
    case 2:
      v = std::string(kWords[rng() % std::size(kWords)]);
      return;
    case 3:
      v = random_scalar(rng);
      return;
    case 4: {  // another subtree, copied here
      Config copy = *all[rng() % all.size()];
      if (depth_of(copy) < 8) v = std::move(copy);
      return;
    }
    case 5:  // wrap in a list (a scalar where a tuple is expected, and back)
      if (v.is_array() && v.size() == 1) v = Config(v[0]);
      else v = Config::array({v});
      return;
    default:
      break;
  }
  if (v.is_array()) {
    switch (rng() % 4) {
      case 0:
        if (!v.empty()) v.erase(v.begin() + static_cast<std::ptrdiff_t>(rng() % v.size()));
        return;
      case 1:
        if (!v.empty()) v.push_back(Config(v[rng() % v.size()]));
        return;
      case 2:
        if (v.size() >= 2) std::swap(v[rng() % v.size()], v[rng() % v.size()]);
        return;
      default:
        v.push_back(random_scalar(rng));
        return;
    }
  }
  if (v.is_object()) {
    if (!v.empty() && rng() % 3 == 0) {
      auto it = v.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(rng() % v.size()));
      v.erase(it);
    } else {
      Config value = rng() % 2 ? random_scalar(rng) : Config(*all[rng() % all.size()]);
      if (depth_of(value) < 8) v[kWords[rng() % std::size(kWords)]] = std::move(value);
    }
    return;
  }
  v = random_scalar(rng);
}

bool bytes_only() {
  static const bool on = [] {
    const char* v = std::getenv("CORNU_FUZZ_BYTES_ONLY");
    return v && *v && *v != '0';
  }();
  return on;
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  Rng rng(seed);
  if (bytes_only() || rng() % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Parse only what the loader would (it refuses deeper nesting first); the dump below recurses.
  int depth = 0, deepest = 0;
  for (char c : text) {
    if (c == '{' || c == '[') deepest = std::max(deepest, ++depth);
    else if (c == '}' || c == ']') --depth;
  }
  if (deepest > 60) return LLVMFuzzerMutate(data, size, max_size);
  Config doc = Config::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return LLVMFuzzerMutate(data, size, max_size);
  for (uint64_t n = 1 + rng() % 3; n > 0; --n) mutate_once(doc, rng);
  const std::string out = rng() % 2 ? doc.dump() : doc.dump(1);
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
#endif  // !CORNU_FUZZ_STANDALONE

#ifdef CORNU_FUZZ_STANDALONE
#include "replay_main.h"
#endif
