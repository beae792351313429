// A Model as the config Keras writes for it (model.get_config() wrapped in {"class_name", "config"}):
// Sequential with its layers list, Functional with layers, inbound_nodes and input/output triples, nested
// models recursively. ../shared/docs/keras-formats.md section 3 has the shapes of these objects.
#include <map>

#include "io/call_arguments.h"
#include "io/keras_io.h"
#include "io/keyword_inputs.h"
#include "layers/input_layer.h"
#include "layers/wrapped_layer.h"

namespace cornu::io {

namespace {

Config shape_config(const Shape& shape) {
  Config out = Config::array();
  for (int64_t d : shape.dims()) out.push_back(d == Shape::kNone ? Config(nullptr) : Config(d));
  return out;
}

Config wrap(const std::string& module, const std::string& class_name, Config config, ConfigFlavor flavor,
            Config registered_name = nullptr);

// Parameters Keras would not know at their default (recent or Cornu-only options such as lora_rank: None)
// are left out: Keras passes every config key to the constructor, and older versions refuse unknown ones.
// Call arguments (use_causal_mask) go to the inbound nodes instead; a wrapped layer ({"layer": ...}, as
// TimeDistributed's) is written as a layer object itself.
Config layer_params(const std::string& class_name, Config config, ConfigFlavor flavor) {
  const auto& entry = layer_registry().get(class_name);
  for (const auto& spec : entry.params)
    if ((spec.default_value.is_null() && config.contains(spec.name) && config[spec.name].is_null()) ||
        is_call_argument(spec.name))
      config.erase(spec.name);
  // Keras's SpatialDropout1D/2D/3D constructors take no **kwargs, so no "trainable" (their get_config leaves it out).
  if (class_name.starts_with("SpatialDropout")) config.erase("trainable");
  // A wrapped layer (TimeDistributed's and Bidirectional's layer, backward_layer) takes the full object form:
  // Keras writes module and registered_name on it in .h5 files too (it cannot find it without).
  for (const auto& spec : entry.params) {
    if (!holds_layer(spec.name) || !config.contains(spec.name) || !config[spec.name].is_object() ||
        !config[spec.name].contains("class_name"))
      continue;
    const std::string inner = config[spec.name]["class_name"].get<std::string>();
    config[spec.name] = wrap("keras.layers", inner,
                             layer_params(inner, config[spec.name].value("config", Config::object()), flavor),
                             ConfigFlavor::Archive);
  }
  // Keras's legacy .h5 reader turns the string "dot" into the function keras.ops.dot, so that Keras cannot
  // reload its own Attention from .h5; "dot" is the default, so it is left out there.
  if (flavor == ConfigFlavor::LegacyH5 && class_name == "Attention" && config.value("score_mode", "") == "dot")
    config.erase("score_mode");
  config["dtype"] = "float32";
  return config;
}


Config input_layer_config(const Layer& input) {
  return {{"batch_shape", input.config().at("batch_shape")}, {"dtype", "float32"}, {"sparse", false},
          {"ragged", false}, {"name", input.name()}};
}

// The wrapper every object gets: in .keras files "module" and "registered_name" tell Keras where the class
// lives (without them it "could not locate class"); .h5 model_config leaves them out, as Keras does.
Config wrap(const std::string& module, const std::string& class_name, Config config, ConfigFlavor flavor,
            Config registered_name) {
  Config o = Config::object();
  if (flavor == ConfigFlavor::Archive) o["module"] = module;
  o["class_name"] = class_name;
  o["config"] = std::move(config);
  if (flavor == ConfigFlavor::Archive) o["registered_name"] = std::move(registered_name);
  return o;
}

// Keras builds a layer from its positional inputs' shapes: an RNN's initial states (passed by keyword) are left out.
Config build_config(const Layer& layer) {
  const Shapes& shapes = layer.built_input_shapes();
  if (takes_separate_tensors(layer.class_name())) {  // build(query_shape, value_shape, key_shape=None)
    Config dict = Config::object();
    const auto names = separate_tensor_names(layer.class_name());
    for (size_t i = 0; i < shapes.size() && i < names.size(); ++i) dict[names[i] + "_shape"] = shape_config(shapes[i]);
    return {{"shapes_dict", dict}};
  }
  const size_t positional = positional_inputs(layer.class_name(), shapes.size());
  if (positional == 1) return {{"input_shape", shape_config(shapes[0])}};
  Config list = Config::array();
  for (size_t i = 0; i < positional; ++i) list.push_back(shape_config(shapes[i]));
  return {{"input_shape", list}};
}

bool is_sequential(const Model& model) { return dynamic_cast<const Sequential*>(&model) != nullptr; }

Config model_object(const Model& model, ConfigFlavor flavor);

// One layer as an entry of a model's "layers" list (without the functional name/inbound_nodes).
Config layer_object(const Layer& layer, ConfigFlavor flavor) {
  if (const auto* inner = dynamic_cast<const Model*>(&layer)) return model_object(*inner, flavor);
  if (layer.class_name() == "InputLayer")
    return wrap("keras.layers", "InputLayer", input_layer_config(layer), flavor);
  Config o = wrap("keras.layers", layer.class_name(), layer_params(layer.class_name(), layer.config(), flavor), flavor);
  if (flavor == ConfigFlavor::Archive && !layer.variables().empty()) o["build_config"] = build_config(layer);
  return o;
}

// Keras numbers a layer's calls in the order they were made; a Functional model's own construction is its
// call 0, so a parent's first call of a nested Functional is node 1 (a nested Sequential's is node 0).
int first_node_index(const Layer& layer) {
  const auto* inner = dynamic_cast<const Model*>(&layer);
  return inner && !is_sequential(*inner) ? 1 : 0;
}

Config history(const std::string& layer, int node_index, int tensor_index) {
  return Config::array({layer, node_index, tensor_index});
}

Config functional_config(const Model& model, ConfigFlavor flavor) {
  // The call number of every node of this model, per layer, in topological order.
  std::map<const Node*, int> call_index;
  std::map<const Layer*, int> calls;
  std::vector<const Layer*> order;
  for (const auto& node : model.nodes()) {
    const Layer* layer = node->layer.get();
    if (!calls.count(layer)) order.push_back(layer);
    call_index[node.get()] = calls[layer]++;
  }
  auto reference = [&](const SymbolicTensor& t) {
    const Layer& from = *t.node->layer;
    return history(from.name(), call_index.at(t.node.get()) + first_node_index(from), t.index);
  };
  Config layers = Config::array();
  for (const Layer* layer : order) {
    Config entry = layer_object(*layer, flavor);
    entry["name"] = layer->name();
    Config inbound = Config::array();
    for (const auto& node : model.nodes()) {
      if (node->layer.get() != layer || layer->class_name() == "InputLayer") continue;
      Config args = Config::array();
      auto tensor = [&](const SymbolicTensor& t) {
        return Config{{"class_name", "__keras_tensor__"},
                      {"config", {{"shape", shape_config(t.shape())}, {"dtype", "float32"}, {"keras_history", reference(t)}}}};
      };
      const auto& entry_spec = layer_registry().contains(layer->class_name()) ? &layer_registry().get(layer->class_name()) : nullptr;
      const auto keywords = keyword_inputs(layer->class_name());
      const size_t positional = positional_inputs(layer->class_name(), node->inputs.size());
      const bool takes_list = entry_spec && entry_spec->max_inputs != 1 && keywords.empty() &&  // merge layers: [x1, x2, ...]
                              !takes_separate_tensors(layer->class_name());
      if (takes_list) {
        Config list = Config::array();
        for (const auto& x : node->inputs) list.push_back(tensor(x));
        args.push_back(list);
      } else {
        for (size_t i = 0; i < positional; ++i) args.push_back(tensor(node->inputs[i]));
      }
      Config kwargs = Config::object();
      for (size_t k = 0; k < keywords.size(); ++k) {  // an RNN's initial_state=[h, c]
        const size_t end = k + 1 < keywords.size() ? keywords[k + 1].first_input : node->inputs.size();
        Config list = Config::array();
        for (size_t i = keywords[k].first_input; i < end && i < node->inputs.size(); ++i) list.push_back(tensor(node->inputs[i]));
        if (!list.empty()) kwargs[keywords[k].keyword] = keywords[k].as_list ? list : list[0];
      }
      const Config config = layer->config();  // call arguments such as use_causal_mask
      for (auto it = config.begin(); it != config.end(); ++it)
        if (is_call_argument(it.key()) && it.value() != false && !it.value().is_null()) kwargs[it.key()] = it.value();
      inbound.push_back({{"args", args}, {"kwargs", kwargs}});
    }
    entry["inbound_nodes"] = inbound;
    layers.push_back(entry);
  }
  auto triples = [&](const std::vector<SymbolicTensor>& tensors) {
    if (tensors.size() == 1) return reference(tensors[0]);
    Config list = Config::array();
    for (const auto& t : tensors) list.push_back(reference(t));
    return list;
  };
  return {{"name", model.name()}, {"trainable", model.trainable()}, {"layers", layers},
          {"input_layers", triples(model.inputs())}, {"output_layers", triples(model.outputs())}};
}

Config sequential_config(const Model& model, ConfigFlavor flavor) {
  Config layers = Config::array();
  const auto& seq = static_cast<const Sequential&>(model);
  if (model.inputs().empty())
    throw ValueError("Sequential model '" + model.name() + "' has no input shape yet, so Keras could not rebuild it. " +
                     "Start it with an Input(shape) (or call it on data once) before saving.");
  layers.push_back(layer_object(*model.inputs()[0].node->layer, flavor));
  for (const auto& layer : seq.stack()) layers.push_back(layer_object(*layer, flavor));
  return {{"name", model.name()}, {"trainable", model.trainable()}, {"dtype", "float32"}, {"layers", layers},
          {"build_input_shape", shape_config(model.inputs()[0].shape())}};
}

Config model_object(const Model& model, ConfigFlavor flavor) {
  if (is_sequential(model)) {
    Config o = wrap("keras", "Sequential", sequential_config(model, flavor), flavor);
    if (flavor == ConfigFlavor::Archive) o["build_config"] = {{"input_shape", shape_config(model.inputs()[0].shape())}};
    return o;
  }
  return wrap("keras.src.models.functional", "Functional", functional_config(model, flavor), flavor, "Functional");
}

}  // namespace

Config model_to_config(const Model& model, ConfigFlavor flavor) { return model_object(model, flavor); }

}  // namespace cornu::io
