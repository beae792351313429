#include "nodes/compile.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/error.h"
#include "layers/input_layer.h"
#include "nodes/catalog.h"
#include "nodes/checks.h"
#include "nodes/layout.h"
#include "nodes/units.h"

namespace cornu::nodes {

bool is_chain(const Graph& graph) {
  int inputs = 0, outputs = 0;
  std::map<int, int> in_degree, out_degree;
  for (const auto& e : graph.edges) ++in_degree[e.to.node], ++out_degree[e.from.node];
  for (const auto& n : graph.nodes) {
    const CatalogEntry& entry = catalog().get(n.type);
    inputs += entry.is_input();
    outputs += entry.is_output();
    if (entry.is_unit() && (unit_inputs(body_of(n)).size() != 1 || unit_outputs(body_of(n)).size() != 1)) return false;
    // A layer returning several tensors (an LSTM with return_state) needs the functional API, as in Keras.
    if ((entry.output_count ? entry.output_count(n.params) : entry.outputs) > 1) return false;
    // Optional inputs left unwired (an LSTM's initial states) keep a chain a chain.
    if (entry.variadic() || entry.min_inputs > 1 || in_degree[n.id] > 1 || out_degree[n.id] > 1) return false;
    if (!n.shares.empty()) return false;  // a layer called twice: the functional API says it plainly
  }
  return inputs == 1 && outputs == 1;
}

namespace {

Shape sample_shape_of(const Node& input) {
  Config config = input.params;
  config["name"] = input.name;
  auto layer = std::dynamic_pointer_cast<InputLayer>(make_layer(kInputType, config));
  return layer->batch_shape().without_batch();
}

ModelPtr build_graph(const Graph& graph, const std::vector<int>& order, const std::string& name, bool unit);

// A layer node's layer; a unit's is its body as a model of its own (checked already, with the model around it).
LayerPtr make_node_layer(const Node& n) {
  if (is_unit(n)) {
    const Graph& body = body_of(n);
    return build_graph(body, check(ProjectData{body, {}, Config::array()}, {}).order, n.name, true);
  }
  Config config = n.params;
  config["name"] = n.name;
  return make_layer(n.type, config);
}

CompileOptions compile_options(const ProjectData& project, const std::vector<const Node*>& outputs) {
  CompileOptions o;
  o.optimizer = project.settings.optimizer;
  for (const Node* out : outputs) {
    o.loss.push_back(out->params.value("loss", Config()));
    o.loss_weights.push_back(out->params.value("loss_weight", 1.0));
    std::vector<Config> metrics;
    for (const auto& m : out->params.value("metrics", Config::array())) metrics.push_back(m);
    o.metrics.push_back(metrics);
  }
  return o;
}

// The model of one graph, its layers called in `order` (data-flow order). A unit's body lists its inputs in
// its node order, which is the order of the unit's ports.
ModelPtr build_graph(const Graph& graph, const std::vector<int>& order, const std::string& name, bool unit) {
  std::map<int, const Node*> by_id;
  for (const auto& n : graph.nodes) by_id[n.id] = &n;
  std::vector<const Node*> outputs;
  for (const auto& n : graph.nodes)
    if (n.type == kOutputType) outputs.push_back(&n);

  if (is_chain(graph)) {
    auto seq = std::make_shared<Sequential>(name);
    for (int id : order) {
      const Node& n = *by_id.at(id);
      if (n.type == kInputType) seq->add(Input(sample_shape_of(n), n.name));
      else if (n.type != kOutputType) seq->add(make_node_layer(n));
    }
    return seq;
  }
  // One layer object per layer node; a node sharing a layer gets the object of the node it names.
  std::map<std::string, LayerPtr> made;
  auto layer_of = [&](const Node& n) {
    const Node* owner = &n;
    if (!n.shares.empty())
      for (const auto& m : graph.nodes)
        if (m.name == n.shares) owner = &m;
    LayerPtr& layer = made[owner->name];
    if (!layer) layer = make_node_layer(*owner);
    return layer;
  };
  std::map<int, std::vector<SymbolicTensor>> produced;
  std::vector<SymbolicTensor> inputs;
  std::vector<int> input_ids;
  for (int id : order) {
    const Node& n = *by_id.at(id);
    if (n.type == kOutputType) continue;
    if (n.type == kInputType) {
      inputs.push_back(Input(sample_shape_of(n), n.name));
      input_ids.push_back(id);
      produced[id] = {inputs.back()};
      continue;
    }
    std::vector<std::pair<int, SymbolicTensor>> args;
    for (const auto& e : graph.edges)
      if (e.to.node == id) args.emplace_back(e.to.port, produced.at(e.from.node).at(static_cast<size_t>(e.from.port)));
    std::sort(args.begin(), args.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<SymbolicTensor> xs;
    for (auto& a : args) xs.push_back(a.second);
    produced[id] = call_layer(layer_of(n), xs);
  }
  if (unit) {  // the unit's port order
    std::vector<SymbolicTensor> ports;
    for (const Node* input : unit_inputs(graph))
      ports.push_back(inputs.at(static_cast<size_t>(std::find(input_ids.begin(), input_ids.end(), input->id) - input_ids.begin())));
    inputs = std::move(ports);
  }
  std::vector<SymbolicTensor> outs;
  for (const Node* out : outputs)
    for (const auto& e : graph.edges)
      if (e.to.node == out->id) outs.push_back(produced.at(e.from.node).at(static_cast<size_t>(e.from.port)));
  // Keras lists model inputs in the order they were created; the document's order is the user's.
  return std::make_shared<Model>(inputs, outs, name);
}

}  // namespace

io::PythonScriptOptions python_script_options(const Settings& s) {
  io::PythonScriptOptions o;
  o.dataset = s.dataset;
  o.epochs = s.epochs;
  o.batch_size = s.batch_size;
  o.seed = s.seed;
  o.validation = s.validation;
  o.validation_split = s.validation_split;
  o.shuffle = s.shuffle;
  o.callbacks = s.callbacks;
  return o;
}

bool has_every_loss(const ProjectData& project) {
  return std::all_of(project.graph.nodes.begin(), project.graph.nodes.end(), [](const Node& n) {
    return n.type != kOutputType || (n.params.contains("loss") && !n.params["loss"].is_null());
  });
}

ModelPtr build_model(const ProjectData& project, bool compile) {
  if (!compile && !has_every_loss(project)) {
    // Losses matter to training only: an output without one still predicts (imported uncompiled models).
    ProjectData with_losses = project;
    for (auto& n : with_losses.graph.nodes)
      if (n.type == kOutputType && (!n.params.contains("loss") || n.params["loss"].is_null())) n.params["loss"] = "mean_squared_error";
    return build_model(with_losses, false);
  }
  CheckReport report = check(project);
  if (report.has_errors()) throw ValueError("The model cannot be built yet: " + report.first_error());
  std::vector<const Node*> outputs;
  for (const auto& n : project.graph.nodes)
    if (n.type == kOutputType) outputs.push_back(&n);
  set_random_seed(project.settings.seed);
  ModelPtr model = build_graph(project.graph, report.order, project.settings.model_name, false);
  if (compile) model->compile(compile_options(project, outputs));
  return model;
}

namespace {

// The parameters worth keeping: those that differ from the catalog's defaults.
Config non_default_params(const CatalogEntry& entry, const Config& config) {
  Config params = Config::object();
  for (auto it = config.begin(); it != config.end(); ++it) {
    if (it.key() == "name" || it.key() == "dtype") continue;
    const ParamSpec* spec = entry.param(it.key());
    if (!spec) continue;
    Config normalized = spec->default_value;
    check_param(*spec, normalized);
    if (it.value() != spec->default_value && it.value() != normalized) params[it.key()] = it.value();
  }
  return params;
}

}  // namespace

namespace {

Node layer_node(const Layer& layer, int id) {
  const CatalogEntry& entry = catalog().get(layer.class_name());
  Node n;
  n.id = id;
  n.type = entry.type;
  n.name = layer.name();
  n.params = non_default_params(entry, layer.config());
  if (entry.is_input()) n.params["batch_shape"] = layer.config().at("batch_shape");
  return n;
}

// The graph of a model: one node per layer call, a unit per nested model (its body the nested model's graph),
// then one Output per model output. In a unit's body the Inputs come first, in the nested model's input order:
// that is the order of the unit's ports.
Graph graph_from_model(const Model& model, bool unit, int depth) {
  if (depth > kMaxUnitDepth)
    throw ValueError("Model '" + model.name() + "' nests models more than " + std::to_string(kMaxUnitDepth) +
                     " deep: the canvas shows units up to that depth. Flatten the innermost ones first.");
  Graph g;
  std::map<const cornu::Node*, int> id_of;
  std::set<const Layer*> seen;
  int next_id = 1;
  if (unit)
    for (const auto& x : model.inputs()) {
      g.nodes.push_back(layer_node(*x.node->layer, next_id++));
      id_of[x.node.get()] = g.nodes.back().id;
      seen.insert(x.node->layer.get());
    }
  for (const auto& call : model.nodes()) {
    const Layer& layer = *call->layer;
    if (id_of.count(call.get())) continue;  // an Input placed first
    const bool again = !seen.insert(&layer).second;
    if (again && dynamic_cast<const Model*>(&layer))
      throw ValueError("The model '" + layer.name() + "' is called more than once inside '" + model.name() + "': the " +
                       "canvas shows a unit called once. Call a copy of it instead, or use it from Python.");
    Node n;
    if (again) {  // a shared layer: a node of its own that calls the first one's layer
      n.id = next_id++;
      n.type = catalog().get(layer.class_name()).type;
      n.shares = layer.name();
      n.name = renamed(layer.name(), n.type, [&](const std::string& name) {
        return std::any_of(model.layers().begin(), model.layers().end(), [&](const LayerPtr& l) { return l->name() == name; }) ||
               std::any_of(g.nodes.begin(), g.nodes.end(), [&](const Node& m) { return m.name == name; });
      });
    } else if (const auto* inner = dynamic_cast<const Model*>(&layer)) {
      n.id = next_id++;
      n.type = kUnitType;
      n.name = inner->name();
      n.body.push_back(graph_from_model(*inner, true, depth + 1));
    } else {
      n = layer_node(layer, next_id++);
    }
    g.nodes.push_back(std::move(n));
    id_of[call.get()] = g.nodes.back().id;
    for (size_t i = 0; i < call->inputs.size(); ++i) {
      const SymbolicTensor& x = call->inputs[i];
      g.edges.push_back({{id_of.at(x.node.get()), x.index}, {g.nodes.back().id, static_cast<int>(i)}});
    }
  }
  const CompileOptions& c = model.compile_options();
  const bool losses = !unit && model.compiled();
  const auto& outputs = model.outputs();
  for (size_t o = 0; o < outputs.size(); ++o) {
    Node n;
    n.id = next_id++;
    n.type = kOutputType;
    n.name = "output";  // Keras-style: output, output_1, ... and never a layer's name
    for (int i = 1; std::any_of(g.nodes.begin(), g.nodes.end(), [&](const Node& m) { return m.name == n.name; }); ++i)
      n.name = "output_" + std::to_string(i);
    if (losses) {
      n.params["loss"] = c.loss.at(c.loss.size() == 1 ? 0 : o);
      if (!c.loss_weights.empty() && c.loss_weights.at(o) != 1.0) n.params["loss_weight"] = c.loss_weights.at(o);
      if (!c.metrics.empty()) {
        const auto& list = c.metrics.at(c.metrics.size() == 1 ? 0 : o);
        if (!list.empty()) n.params["metrics"] = list;
      }
    }
    g.nodes.push_back(n);
    g.edges.push_back({{id_of.at(outputs[o].node.get()), outputs[o].index}, {n.id, 0}});
  }
  arrange(g);
  return g;
}

}  // namespace

ProjectData project_from_model(const Model& model, Settings settings) {
  ProjectData p;
  p.settings = std::move(settings);
  p.settings.model_name = model.name();
  p.graph = graph_from_model(model, false, 0);
  if (model.compiled()) p.settings.optimizer = model.compile_options().optimizer;
  return p;
}

void arrange(Graph& graph) {
  std::vector<LayoutBox> boxes;
  std::vector<LayoutEdge> edges;
  for (const auto& n : graph.nodes) boxes.push_back({n.id, kCardWidth, kCardHeight});
  for (const auto& e : graph.edges) edges.push_back({e.from.node, e.to.node, e.to.port});
  auto positions = layout_dot(boxes, edges);
  for (auto& n : graph.nodes) {
    const LayoutPoint& p = positions.at(n.id);
    n.x = p.x, n.y = p.y;
  }
}

}  // namespace cornu::nodes
