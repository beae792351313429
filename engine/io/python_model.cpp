// The model part of the Python export: keras.Sequential([...]) when the graph is one chain, the functional API
// otherwise. Nested models (Cornu's canvas units) get a builder function of their own, defined first; a layer
// called several times (a shared layer) is defined once and called at each use.
#include <map>

#include "io/call_arguments.h"
#include "io/keyword_inputs.h"
#include "io/python_writer.h"
#include "layers/wrapped_layer.h"
#include "model/model.h"

namespace cornu::io::python {
namespace {

using NestedNames = std::map<const Model*, std::string>;

const Model* as_model(const Layer& layer) { return dynamic_cast<const Model*>(&layer); }

std::string shape_tuple(const Shape& sample) {
  Config dims = Config::array();
  for (int a = 0; a < sample.rank(); ++a) dims.push_back(sample[a] == Shape::kNone ? Config() : Config(sample[a]));
  return literal(dims, true);
}

std::string input_call(const Node& node) {
  return "keras.Input(shape=" + shape_tuple(node.output_shapes.at(0).without_batch()) +
         ", name=" + string_literal(node.layer->name()) + ")";
}

// layers.Dense(10, activation="softmax", name="predictions"), or the variable of a nested model.
// A wrapped layer (TimeDistributed's and Bidirectional's) is constructed in place: layers.TimeDistributed(layers.Dense(3)).
// Call arguments (use_causal_mask) are written at the call, not here (call_kwargs).
std::string constructor_of(const std::string& class_name, Config config, bool trainable) {
  std::vector<std::string> args;
  // Bidirectional(layers.LSTM(8), backward_layer=layers.LSTM(8, go_backwards=True)).
  for (const auto& spec : layer_registry().get(class_name).params) {
    if (!holds_layer(spec.name) || !config.contains(spec.name)) continue;
    const Config inner = config[spec.name];
    config.erase(spec.name);
    if (!inner.is_object() || !inner.contains("class_name")) continue;
    const Config inner_config = inner.value("config", Config::object());
    args.push_back((spec.required ? "" : spec.name + "=") +
                   constructor_of(inner["class_name"].get<std::string>(), inner_config, inner_config.value("trainable", true)));
  }
  const std::string name = config.value("name", std::string());
  for (const auto& spec : layer_registry().get(class_name).params)
    if (is_call_argument(spec.name)) config.erase(spec.name);
  for (std::string& a : arguments(layer_registry().get(class_name).params, config)) args.push_back(std::move(a));
  if (!name.empty()) args.push_back("name=" + string_literal(name));
  if (!trainable) args.push_back("trainable=False");
  return "layers." + class_name + "(" + join(args) + ")";
}

std::string layer_constructor(const Layer& layer, const NestedNames& nested) {
  if (const Model* m = as_model(layer)) return nested.at(m);
  return constructor_of(layer.class_name(), layer.config(), layer.trainable());
}

// ", use_causal_mask=True" for the call arguments a layer's config holds, "" when none is set.
std::string call_kwargs(const Layer& layer) {
  std::string out;
  const Config config = layer.config();
  for (auto it = config.begin(); it != config.end(); ++it)
    if (is_call_argument(it.key()) && it.value() != false && !it.value().is_null())
      out += ", " + it.key() + "=" + (it.value() == true ? std::string("True") : it.value().dump());
  return out;
}

// One input and one output, each call taking the previous call's only output, no layer called twice.
bool is_chain(const Model& model) {
  const auto& nodes = model.nodes();
  if (model.inputs().size() != 1 || model.outputs().size() != 1 || nodes.size() < 2) return false;
  if (nodes.front() != model.inputs()[0].node || nodes.back() != model.outputs()[0].node) return false;
  std::set<const Layer*> seen;
  for (size_t i = 1; i < nodes.size(); ++i) {
    const Node& n = *nodes[i];
    if (n.inputs.size() != 1 || n.output_shapes.size() != 1 || n.inputs[0].node != nodes[i - 1]) return false;
    if (!seen.insert(n.layer.get()).second) return false;
  }
  return true;
}

std::string sequential_expression(const Model& model, const NestedNames& nested, const std::string& indent) {
  std::vector<std::string> items;
  const auto* sequential = dynamic_cast<const Sequential*>(&model);
  if (model.nodes().empty() && sequential) {  // never built: Keras too builds it from the first batch
    for (const LayerPtr& layer : sequential->stack()) items.push_back(layer_constructor(*layer, nested));
  } else {
    for (const auto& node : model.nodes())
      items.push_back(node->layer->class_name() == "InputLayer" ? input_call(*node)
                                                                : layer_constructor(*node->layer, nested));
  }
  std::string out = "keras.Sequential(\n" + indent + "    [\n";
  for (const std::string& item : items) out += indent + "        " + item + ",\n";
  return out + indent + "    ],\n" + indent + "    name=" + string_literal(model.name()) + ",\n" + indent + ")";
}

// Lines computing every tensor of a functional model, and the keras.Model(...) expression closing them.
std::pair<std::vector<std::string>, std::string> functional_code(const Model& model, const NestedNames& nested,
                                                                 std::set<std::string> taken) {
  std::vector<std::string> lines;
  std::map<const Layer*, int> calls;
  for (const auto& node : model.nodes()) ++calls[node->layer.get()];
  std::map<const Layer*, std::string> shared;  // variable of each layer called more than once
  std::map<const Node*, std::string> result;   // variable holding each call's output (a list when several)
  auto reference = [&](const SymbolicTensor& t) {
    const std::string& v = result.at(t.node.get());
    return t.node->output_shapes.size() > 1 ? v + "[" + std::to_string(t.index) + "]" : v;
  };
  auto references = [&](const std::vector<SymbolicTensor>& tensors) {
    std::vector<std::string> refs;
    for (const SymbolicTensor& t : tensors) refs.push_back(reference(t));
    return refs.size() == 1 ? refs[0] : "[" + join(refs) + "]";
  };
  for (const auto& node : model.nodes()) {
    const Layer& layer = *node->layer;
    if (layer.class_name() == "InputLayer") {
      result[node.get()] = identifier(layer.name(), taken);
      lines.push_back(result[node.get()] + " = " + input_call(*node));
      continue;
    }
    std::string callee;
    if (as_model(layer) || calls[&layer] > 1) {
      if (!as_model(layer) && !shared.count(&layer)) {
        shared[&layer] = identifier(layer.name(), taken);
        lines.push_back("# '" + comment_text(layer.name()) + "' is called " + std::to_string(calls[&layer]) +
                        " times: one layer, one set of weights.");
        lines.push_back(shared[&layer] + " = " + layer_constructor(layer, nested));
      }
      callee = as_model(layer) ? nested.at(as_model(layer)) : shared[&layer];
      result[node.get()] = identifier(layer.name() + "_out", taken);
    } else {
      callee = layer_constructor(layer, nested);
      result[node.get()] = identifier(layer.name(), taken);
    }
    // Tensors Keras takes by keyword (an RNN's initial_state) follow the positional ones; mha(query, value),
    // not mha([query, value]).
    const auto keywords = keyword_inputs(layer.class_name());
    const size_t positional = positional_inputs(layer.class_name(), node->inputs.size());
    std::string call_args = references({node->inputs.begin(), node->inputs.begin() + static_cast<std::ptrdiff_t>(positional)});
    if (takes_separate_tensors(layer.class_name()) && positional > 1) call_args = call_args.substr(1, call_args.size() - 2);
    for (size_t k = 0; k < keywords.size(); ++k) {
      const size_t end = k + 1 < keywords.size() ? keywords[k + 1].first_input : node->inputs.size();
      std::vector<std::string> refs;
      for (size_t i = keywords[k].first_input; i < end && i < node->inputs.size(); ++i) refs.push_back(reference(node->inputs[i]));
      if (refs.empty()) continue;
      call_args += ", " + keywords[k].keyword + "=" + (keywords[k].as_list ? "[" + join(refs) + "]" : refs[0]);
    }
    lines.push_back(result[node.get()] + " = " + callee + "(" + call_args + call_kwargs(layer) + ")");
  }
  std::string expression = "keras.Model(inputs=" + references(model.inputs()) +
                           ", outputs=" + references(model.outputs()) + ", name=" + string_literal(model.name()) + ")";
  return {lines, expression};
}

// Lines ending with `variable = <the model>`, indented by `indent`.
std::vector<std::string> definition(const Model& model, const std::string& variable, const NestedNames& nested,
                                    const std::set<std::string>& taken, const std::string& indent,
                                    const std::string& assign) {
  if (is_chain(model) || (model.nodes().empty() && dynamic_cast<const Sequential*>(&model)))
    return {indent + assign + sequential_expression(model, nested, indent)};
  std::set<std::string> local = taken;
  local.insert(variable);
  auto [lines, expression] = functional_code(model, nested, local);
  for (std::string& line : lines) line = indent + line;
  lines.push_back(indent + assign + expression);
  return lines;
}

// Every model nested in `model`, innermost first, each once.
void collect_nested(const Model& model, std::vector<const Model*>& order, std::set<const Model*>& seen) {
  for (const auto& node : model.nodes())
    if (const Model* inner = as_model(*node->layer); inner && seen.insert(inner).second) {
      collect_nested(*inner, order, seen);
      order.push_back(inner);
    }
}

}  // namespace

std::vector<std::string> model_code(const Model& model, const std::string& variable, std::set<std::string>& taken) {
  std::vector<const Model*> inner_models;
  std::set<const Model*> seen;
  collect_nested(model, inner_models, seen);
  taken.insert(variable);
  NestedNames nested;
  std::vector<std::string> lines;
  for (const Model* inner : inner_models) {
    const std::string name = identifier(inner->name(), taken);
    const std::string builder = identifier("build_" + name, taken);
    lines.push_back("def " + builder + "():");
    lines.push_back("    \"\"\"The nested model '" + comment_text(inner->name()) + "' (a unit on Cornu's canvas).\"\"\"");
    for (std::string& line : definition(*inner, name, nested, taken, "    ", "return ")) lines.push_back(line);
    lines.push_back("");
    lines.push_back("");
    lines.push_back(name + " = " + builder + "()");
    nested[inner] = name;
  }
  if (!inner_models.empty()) lines.push_back("");
  for (std::string& line : definition(model, variable, nested, taken, "", variable + " = ")) lines.push_back(line);
  return lines;
}

}  // namespace cornu::io::python
