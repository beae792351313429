// A Model from the config Keras wrote (Keras 3, or Keras 2 / tf.keras in .h5 files). A model file never runs
// code: the whole tree is screened first, and every Lambda, custom object or unsupported class is named in
// one message, so a user sees all there is to replace at once.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/module_config.h"
#include "io/call_arguments.h"
#include "io/keras_io.h"
#include "io/keras_objects.h"
#include "io/keyword_inputs.h"
#include "layers/input_layer.h"
#include "layers/wrapped_layer.h"

namespace cornu::io {

namespace {

constexpr int kMaxModelDepth = 32;  // nested models, far beyond real files; keeps hostile files off the stack

std::string layer_label(const Config& entry) {
  std::string name = entry.contains("config") && entry["config"].is_object() && entry["config"].contains("name") &&
                             entry["config"]["name"].is_string()
                         ? entry["config"]["name"].get<std::string>()
                         : entry.value("name", std::string("?"));
  return "'" + name + "' (" + entry.value("class_name", std::string("?")) + ")";
}

bool is_model_class(const std::string& c) { return c == "Sequential" || c == "Functional" || c == "Model"; }

// Names of the layers a part of a config refers to: keras_history triples (Keras 3), ["name", node, tensor, ...]
// lists (Keras 2, output_layers).
void referenced_layers(const Config& v, std::set<std::string>& names, int depth = 0) {
  if (depth > 64) return;
  if (v.is_object()) {
    if (v.contains("config") && v["config"].is_object() && v["config"].contains("keras_history")) {
      const Config& h = v["config"]["keras_history"];
      if (h.is_array() && !h.empty() && h[0].is_string()) names.insert(h[0].get<std::string>());
    }
    for (const auto& item : v.items()) referenced_layers(item.value(), names, depth + 1);
  } else if (v.is_array()) {
    if (v.size() >= 3 && v[0].is_string() && v[1].is_number_integer()) names.insert(v[0].get<std::string>());
    for (const auto& item : v) referenced_layers(item, names, depth + 1);
  }
}

// Keras 3 records the operations computing a mask (NotEqual then Any, after Embedding(mask_zero) or Masking) as
// nodes of a functional config when it saves a model it rebuilt from a file, though nothing uses them: they are
// dropped (repeatedly, so that a chain goes too). An operation a layer or an output uses stays, and is refused.
Config without_unused_operations(Config config) {
  if (!config.is_object() || !config.contains("layers") || !config["layers"].is_array()) return config;
  for (bool changed = true; changed;) {
    changed = false;
    std::set<std::string> used;
    for (const auto& entry : config["layers"]) {
      if (!entry.is_object() || !entry.contains("inbound_nodes")) continue;
      // A call's mask= keyword repeats the mask Cornu propagates itself (Embedding's, Masking's): not a use.
      Config nodes = entry["inbound_nodes"];
      if (nodes.is_array())
        for (auto& node : nodes)
          if (node.is_object() && node.contains("kwargs") && node["kwargs"].is_object()) node["kwargs"].erase("mask");
      referenced_layers(nodes, used);
    }
    if (config.contains("output_layers")) referenced_layers(config["output_layers"], used);
    Config kept = Config::array();
    for (const auto& entry : config["layers"]) {
      // .keras files name an operation's module (keras.src.ops...); legacy .h5 configs carry no module, so there
      // an unknown class that nothing uses counts as one.
      const bool has_module = entry.is_object() && entry.contains("module") && entry["module"].is_string();
      const std::string cls = entry.is_object() ? entry.value("class_name", std::string()) : std::string();
      const bool operation = has_module ? entry["module"].get<std::string>().rfind("keras.src.ops.", 0) == 0
                                        : !cls.empty() && !layer_registry().contains(cls) && !is_model_class(cls);
      const std::string name = entry.is_object() ? entry.value("name", std::string()) : std::string();
      if (operation && !name.empty() && !used.count(name)) changed = true;
      else kept.push_back(entry);
    }
    config["layers"] = std::move(kept);
  }
  return config;
}

// Collects every problem of the tree: code-holding layers, custom objects, classes Cornu lacks.
void screen(const Config& entry, int depth, std::vector<std::string>& code, std::vector<std::string>& custom,
            std::vector<std::string>& unsupported) {
  if (depth > kMaxModelDepth) throw ValueError("The model nests models more than " + std::to_string(kMaxModelDepth) + " deep.");
  if (!entry.is_object() || !entry.contains("class_name") || !entry["class_name"].is_string())
    throw ValueError("A layer entry of the model config is not an object with a \"class_name\": " +
                     entry.dump().substr(0, 200));
  const std::string cls = entry["class_name"].get<std::string>();
  const std::string label = layer_label(entry);
  if (cls == "Lambda" || cls == "TFOpLambda" || cls == "SlicingOpLambda" || (!is_model_class(cls) && contains_lambda(entry))) {
    code.push_back(label);
    return;
  }
  if (std::string why = custom_object_reason(entry); !why.empty()) {
    custom.push_back(label + " " + why);
    return;
  }
  if (is_model_class(cls)) {
    const Config config = without_unused_operations(entry.contains("config") ? entry["config"] : Config());
    if (!config.is_object() || !config.contains("layers") || !config["layers"].is_array())
      throw ValueError("Nested model " + label + " has no \"layers\" list in its config.");
    for (const auto& layer : config["layers"]) screen(layer, depth + 1, code, custom, unsupported);
    return;
  }
  if (!layer_registry().contains(cls)) {
    unsupported.push_back(label);
    return;
  }
  // A wrapper's layers (TimeDistributed's and Bidirectional's layer, backward_layer) are screened like the model's own.
  if (entry.contains("config") && entry["config"].is_object())
    for (const auto& [key, value] : entry["config"].items())
      if (holds_layer(key) && value.is_object()) screen(value, depth + 1, code, custom, unsupported);
}

void refuse_problems(const Config& root) {
  std::vector<std::string> code, custom, unsupported;
  screen(root, 0, code, custom, unsupported);
  std::string message;
  auto list = [](const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
    return s;
  };
  if (!code.empty())
    message += "The model holds Python code in " + list(code) + ", which Cornu never runs: rebuild " +
               (code.size() == 1 ? "that layer" : "those layers") + " from built-in layers and save again. ";
  if (!custom.empty())
    message += "The model uses custom objects: " + list(custom) + ". Only Keras's built-in classes can be imported. ";
  if (!unsupported.empty()) {
    std::vector<std::string> known = layer_registry().names();
    message += "Cornu does not support " + std::string(unsupported.size() == 1 ? "this layer" : "these layers") +
               " yet: " + list(unsupported) + ". Supported layers: " + list(known) + ".";
  }
  if (!message.empty()) throw ValueError(message.back() == ' ' ? message.substr(0, message.size() - 1) : message);
}

// The layer config Cornu's registry takes: Keras-only keys at their "off" value dropped, Keras 2 forms converted.
Config layer_config_for_cornu(const Config& entry) {
  const std::string cls = entry["class_name"].get<std::string>();
  Config config = entry.contains("config") && entry["config"].is_object() ? entry["config"] : Config::object();
  check_dtype(config, layer_label(entry));
  config.erase("dtype");
  const auto& spec = layer_registry().get(cls);
  // Call arguments Cornu keeps in the config (use_causal_mask), from the calls' kwargs: one value for all calls.
  if (entry.contains("inbound_nodes") && entry["inbound_nodes"].is_array())
    for (const auto& node : entry["inbound_nodes"]) {
      if (!node.is_object() || !node.contains("kwargs") || !node["kwargs"].is_object()) continue;
      for (auto it = node["kwargs"].begin(); it != node["kwargs"].end(); ++it) {
        if (!is_call_argument(it.key())) continue;
        if (config.contains(it.key()) && config[it.key()] != it.value())
          throw ValueError("Layer " + layer_label(entry) + " is called with different " + it.key() + " values, " +
                           "which Cornu cannot do yet: use one layer per setting.");
        config[it.key()] = it.value();
      }
    }
  Config out = normalize_params(config, spec.params, {"name", "trainable", "input_shape", "batch_input_shape", "input_dim"},
                                layer_label(entry));
  for (auto& [key, value] : out.items())  // a wrapper's layers: {"class_name", "config"} normalised the same way
    if (holds_layer(key) && value.is_object() && value.contains("class_name") && value["class_name"].is_string())
      value = Config{{"class_name", value["class_name"]}, {"config", layer_config_for_cornu(value)}};
  return out;
}

Shape shape_from(const Config& dims, const std::string& what) {
  if (!dims.is_array() || dims.empty() || dims.size() > 16)
    throw ValueError(what + " must be a list of dimensions such as [null, 28, 28], got " + dims.dump().substr(0, 100) + ".");
  std::vector<int64_t> out;
  for (const auto& d : dims) {
    if (d.is_null()) out.push_back(Shape::kNone);
    else if (d.is_number_integer() && d.get<int64_t>() > 0 && d.get<int64_t>() < (int64_t{1} << 40)) out.push_back(d.get<int64_t>());
    else throw ValueError(what + " holds " + d.dump() + ", which is not a dimension (a positive integer or null).");
  }
  return Shape(std::move(out));
}

ModelPtr build(const Config& entry, int depth);

LayerPtr make_input(const Config& entry) {
  const Config& c = entry["config"];
  if (!c.is_object()) throw ValueError("InputLayer " + layer_label(entry) + " has no config object.");
  Config batch = c.contains("batch_shape") ? c["batch_shape"] : c.contains("batch_input_shape") ? c["batch_input_shape"] : Config();
  if (batch.is_null()) throw ValueError("InputLayer " + layer_label(entry) + " gives no batch_shape.");
  // Integer inputs (token ids for an Embedding, Keras's usual int32 Input) are read as whole float32 numbers,
  // exact up to 2^24; every other dtype must be float32.
  static const std::set<std::string> kIntegers{"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32"};
  if (!(c.contains("dtype") && c["dtype"].is_string() && kIntegers.count(c["dtype"].get<std::string>())))
    check_dtype(c, layer_label(entry));
  if (c.value("sparse", false) || c.value("ragged", false))
    throw ValueError("InputLayer " + layer_label(entry) + " takes sparse or ragged tensors, which Cornu does not support.");
  Shape shape = shape_from(batch, "InputLayer " + layer_label(entry) + " batch_shape");
  return make_input_layer(shape.without_batch(), c.value("name", std::string()));
}

LayerPtr make_any_layer(const Config& entry, int depth) {
  const std::string cls = entry["class_name"].get<std::string>();
  if (is_model_class(cls)) return build(entry, depth + 1);
  if (cls == "InputLayer") return make_input(entry);
  try {
    return make_layer(cls, layer_config_for_cornu(entry));
  } catch (const ValueError& e) {
    throw ValueError("Layer " + layer_label(entry) + ": " + e.what());
  }
}

ModelPtr build_sequential(const Config& config, int depth) {
  auto model = std::make_shared<Sequential>(config.value("name", std::string()));
  for (const auto& entry : config["layers"]) model->add(make_any_layer(entry, depth));
  if (model->inputs().empty() && config.contains("build_input_shape") && !config["build_input_shape"].is_null()) {
    Shape shape = shape_from(config["build_input_shape"], "Sequential build_input_shape");
    model->add(Input(shape.without_batch()));  // never reached with a stack: Keras 2 files put the shape on layers
  }
  if (model->inputs().empty())
    throw ValueError("Sequential model '" + model->name() + "' in the file has no input shape, so its weights cannot be " +
                     "built. Save it from Keras after building it (model.build or a first batch).");
  return model;
}

// A tensor reference: Keras 3 {"class_name": "__keras_tensor__", "config": {"keras_history": [...]}} or the
// Keras 2 list ["name", node, tensor, {kwargs}].
struct Ref {
  std::string layer;
  int node = 0, tensor = 0;
};
bool is_tensor_ref(const Config& v) {
  return v.is_object() && v.value("class_name", std::string()) == "__keras_tensor__";
}
Ref ref_from(const Config& v) {
  const Config& h = is_tensor_ref(v) ? v["config"]["keras_history"] : v;
  if (!h.is_array() || h.size() < 3 || !h[0].is_string() || !h[1].is_number_integer() || !h[2].is_number_integer())
    throw ValueError("A tensor reference in the model config is malformed: " + v.dump().substr(0, 200) + ".");
  return {h[0].get<std::string>(), h[1].get<int>(), h[2].get<int>()};
}

// The tensors one call takes, in order. Keras 3: args hold a tensor or a list of tensors; Keras 2: the node
// is itself the list of references.
std::vector<Ref> call_inputs(const Config& node, const std::string& label, const std::string& class_name) {
  std::vector<Ref> refs;
  if (node.is_array()) {
    for (const auto& r : node) refs.push_back(ref_from(r));
    return refs;
  }
  if (!node.is_object() || !node.contains("args") || !node["args"].is_array())
    throw ValueError("Layer " + label + " has a malformed inbound node: " + node.dump().substr(0, 200) + ".");
  for (const auto& a : node["args"]) {
    if (is_tensor_ref(a)) refs.push_back(ref_from(a));
    else if (a.is_array())
      for (const auto& t : a) refs.push_back(ref_from(t));
  }
  if (!node.contains("kwargs") || !node["kwargs"].is_object()) return refs;
  const Config& kwargs = node["kwargs"];
  auto holds_tensors = [](const Config& v) {
    return is_tensor_ref(v) || (v.is_array() && !v.empty() && is_tensor_ref(v[0]));
  };
  // Tensors passed by keyword (an RNN's initial_state) become the layer's extra inputs, in keyword_inputs order.
  const auto keywords = keyword_inputs(class_name);
  for (const auto& k : keywords) {
    if (!kwargs.contains(k.keyword) || !holds_tensors(kwargs[k.keyword])) continue;
    if (refs.size() != k.first_input)
      throw ValueError("Layer " + label + " takes " + std::to_string(k.first_input) + " tensor(s) before '" +
                       k.keyword + "', but the file passes " + std::to_string(refs.size()) + ".");
    const Config& v = kwargs[k.keyword];
    if (v.is_array()) for (const auto& t : v) refs.push_back(ref_from(t));
    else refs.push_back(ref_from(v));
  }
  for (auto it = kwargs.begin(); it != kwargs.end(); ++it) {
    const bool known = std::any_of(keywords.begin(), keywords.end(), [&](const KeywordInput& k) { return k.keyword == it.key(); });
    // mask= repeats the mask Cornu propagates itself (Keras 3 writes it when it re-saves a loaded model).
    if (!known && it.key() != "mask" && holds_tensors(it.value()))
      throw ValueError("Layer " + label + " is called with the tensor argument '" + it.key() +
                       "', which Cornu does not support yet.");
  }
  return refs;
}

ModelPtr build_functional(const Config& config, int depth) {
  struct Pending {
    LayerPtr layer;
    std::string label;
    std::vector<Config> nodes;  // calls not made yet
    std::vector<std::vector<SymbolicTensor>> outputs;  // per call made
    int offset = 0;  // Keras node index of the first call (1 for a nested Functional)
  };
  std::vector<Pending> layers;
  std::map<std::string, size_t> by_name;
  for (const auto& entry : config["layers"]) {
    Pending p;
    p.label = layer_label(entry);
    std::string name = entry.contains("name") && entry["name"].is_string() ? entry["name"].get<std::string>()
                                                                             : entry["config"].value("name", std::string());
    if (by_name.count(name)) throw ValueError("The model config names two layers '" + name + "'.");
    p.layer = make_any_layer(entry, depth);
    if (auto* inner = dynamic_cast<Model*>(p.layer.get()); inner && !dynamic_cast<Sequential*>(inner)) p.offset = 1;
    if (p.layer->class_name() == "InputLayer") {
      auto node = std::make_shared<Node>();
      node->layer = p.layer;
      node->output_shapes = p.layer->compute_output_shape({});
      p.outputs.push_back({SymbolicTensor{node, 0}});
    } else if (entry.contains("inbound_nodes") && entry["inbound_nodes"].is_array()) {
      for (const auto& n : entry["inbound_nodes"]) p.nodes.push_back(n);
    }
    by_name[name] = layers.size();
    layers.push_back(std::move(p));
  }
  auto resolve = [&](const Ref& r, bool& ready) -> SymbolicTensor {
    auto it = by_name.find(r.layer);
    if (it == by_name.end()) throw ValueError("The model config refers to a layer '" + r.layer + "' it does not define.");
    Pending& from = layers[it->second];
    // Files that number a nested Functional's first call 0 (as a Sequential's) are read the same way.
    const int call = from.offset > 0 && r.node == 0 ? 0 : r.node - from.offset;
    if (call < 0 || call >= static_cast<int>(from.outputs.size())) {
      ready = false;
      return {};
    }
    const auto& outs = from.outputs[static_cast<size_t>(call)];
    if (r.tensor < 0 || r.tensor >= static_cast<int>(outs.size()))
      throw ValueError("The model config asks for output " + std::to_string(r.tensor) + " of layer '" + r.layer +
                       "', which has " + std::to_string(outs.size()) + ".");
    return outs[static_cast<size_t>(r.tensor)];
  };
  // Keras's order: layer by layer, each layer's calls in order, deferring calls whose inputs do not exist yet
  // (a layer shared at different depths), until a pass makes no progress.
  for (bool progress = true; progress;) {
    progress = false;
    for (auto& p : layers) {
      while (!p.nodes.empty()) {
        std::vector<SymbolicTensor> inputs;
        bool ready = true;
        for (const Ref& r : call_inputs(p.nodes.front(), p.label, p.layer->class_name())) {
          SymbolicTensor t = resolve(r, ready);
          if (!ready) break;
          inputs.push_back(t);
        }
        if (!ready) break;
        p.outputs.push_back(call_layer(p.layer, inputs));
        p.nodes.erase(p.nodes.begin());
        progress = true;
      }
    }
  }
  for (const auto& p : layers)
    if (!p.nodes.empty())
      throw ValueError("The model config's graph cannot be rebuilt: layer " + p.label +
                       " is called on tensors that never exist (a loop or a missing layer).");
  auto tensors = [&](const Config& triples, const char* key) {
    std::vector<SymbolicTensor> out;
    if (!triples.is_array() || triples.empty()) throw ValueError(std::string("The model config's ") + key + " is missing.");
    std::vector<Config> list;
    if (triples[0].is_string()) list.push_back(triples);  // a bare triple: one tensor
    else for (const auto& t : triples) list.push_back(t);
    for (const auto& t : list) {
      bool ready = true;
      out.push_back(resolve(ref_from(t), ready));
      if (!ready) throw ValueError(std::string("The model config's ") + key + " name a call that does not exist: " + t.dump() + ".");
    }
    return out;
  };
  return std::make_shared<Model>(tensors(config.value("input_layers", Config()), "input_layers"),
                                 tensors(config.value("output_layers", Config()), "output_layers"),
                                 config.value("name", std::string()));
}

ModelPtr build(const Config& entry, int depth) {
  if (depth > kMaxModelDepth) throw ValueError("The model nests models more than " + std::to_string(kMaxModelDepth) + " deep.");
  const std::string cls = entry["class_name"].get<std::string>();
  const Config config = without_unused_operations(entry["config"]);
  if (!config.is_object() || !config.contains("layers") || !config["layers"].is_array())
    throw ValueError("Model " + layer_label(entry) + " has no \"layers\" list in its config.");
  ModelPtr model = cls == "Sequential" ? build_sequential(config, depth) : build_functional(config, depth);
  if (config.contains("trainable") && config["trainable"].is_boolean() && !config["trainable"].get<bool>())
    for (const auto& layer : model->layers()) layer->set_trainable(false);
  return model;
}

}  // namespace

ModelPtr model_from_config(const Config& root) {
  if (!root.is_object() || !root.contains("class_name") || !root.contains("config"))
    throw ValueError("This is not a Keras model config: it needs \"class_name\" and \"config\".");
  refuse_problems(root);
  const std::string cls = root["class_name"].get<std::string>();
  if (!is_model_class(cls))
    throw ValueError("The file holds a single " + cls + " layer, not a model: Cornu imports Sequential and " +
                     "functional models.");
  return build(root, 0);
}

}  // namespace cornu::io
