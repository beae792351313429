#include "nodes/units.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/error.h"
#include "layers/layer.h"
#include "nodes/catalog.h"
#include "nodes/compile.h"

namespace cornu::nodes {

namespace {

// "dense_12" -> "dense": the stem a copy is renamed from.
std::string name_stem(const std::string& name) {
  auto underscore = name.rfind('_');
  if (underscore == std::string::npos || underscore + 1 == name.size()) return name;
  for (size_t i = underscore + 1; i < name.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return name;
  return name.substr(0, underscore);
}

const Node& find_node(const Graph& graph, int id) {
  for (const auto& n : graph.nodes)
    if (n.id == id) return n;
  throw ValueError("The document has no node with id " + std::to_string(id) + ".");
}

std::vector<const Node*> nodes_of_type(const Graph& body, const char* type) {
  std::vector<const Node*> out;
  for (const auto& n : body.nodes)
    if (n.type == type) out.push_back(&n);
  return out;
}

bool port_less(const Port& a, const Port& b) { return a.node != b.node ? a.node < b.node : a.port < b.port; }

}  // namespace

bool is_unit(const Node& node) { return node.type == kUnitType; }

const Graph& body_of(const Node& unit) {
  if (!is_unit(unit) || unit.body.size() != 1)
    throw ValueError("'" + unit.name + "' is not a unit: only a unit holds layers of its own.");
  return unit.body.front();
}

Graph& body_of(Node& unit) { return const_cast<Graph&>(body_of(static_cast<const Node&>(unit))); }

std::vector<const Node*> unit_inputs(const Graph& body) { return nodes_of_type(body, kInputType); }
std::vector<const Node*> unit_outputs(const Graph& body) { return nodes_of_type(body, kOutputType); }

int unit_depth(const Graph& graph) {
  int depth = 0;
  for (const auto& n : graph.nodes)
    for (const auto& body : n.body) depth = std::max(depth, 1 + unit_depth(body));
  return depth;
}

int largest_node_id(const Graph& graph) {
  int largest = 0;
  for (const auto& n : graph.nodes) {
    largest = std::max(largest, n.id);
    for (const auto& body : n.body) largest = std::max(largest, largest_node_id(body));
  }
  return largest;
}

std::string free_name(const std::string& type, const std::function<bool(const std::string&)>& taken) {
  const std::string base = type == kOutputType ? "output" : type == kUnitType ? "block" : snake_case(catalog().get(type).type);
  if (!taken(base)) return base;
  for (int i = 1;; ++i)
    if (std::string candidate = base + "_" + std::to_string(i); !taken(candidate)) return candidate;
}

std::string renamed(const std::string& name, const std::string& type, const std::function<bool(const std::string&)>& taken) {
  if (!taken(name)) return name;
  const std::string stem = name_stem(name);
  std::string candidate = stem;
  for (int i = 1; taken(candidate) && candidate.size() <= 128; ++i) candidate = stem + "_" + std::to_string(i);
  if (!taken(candidate)) return candidate;
  return free_name(type, taken);  // a stem too long to number: start from the type's name
}

Config batch_shape_config(const Shape& shape) {
  Config dims = Config::array();
  for (int64_t d : shape.dims()) dims.push_back(d == Shape::kNone ? Config() : Config(d));
  if (!dims.empty()) dims[0] = nullptr;  // the batch
  return dims;
}

Grouping group_nodes(const Graph& graph, const std::vector<int>& ids, const std::string& unit_name,
                     const std::function<const Shape*(Port)>& shape_of, const std::function<int()>& next_id) {
  std::set<int> selected;
  for (int id : ids) {
    const Node& n = find_node(graph, id);
    if (n.type == kInputType)
      throw ValueError("'" + n.name + "' is an Input of the model: a unit takes its data through Inputs of its own. "
                       "Leave '" + n.name + "' out of the selection.");
    if (n.type == kOutputType)
      throw ValueError("'" + n.name + "' is an Output of the model: a unit gives its results through Outputs of its "
                       "own. Leave '" + n.name + "' out of the selection.");
    selected.insert(id);
  }
  if (selected.empty()) throw ValueError("Nothing is selected: select the layers to group into a unit first.");
  auto inside = [&](int id) { return selected.count(id) > 0; };

  // Ports: each outside output feeding the selection becomes an Input, each selected output used outside an
  // Output, in the order of the nodes, then of their ports.
  std::vector<Port> sources, results;
  std::vector<const Node*> members;
  for (const auto& n : graph.nodes)
    if (inside(n.id)) members.push_back(&n);
  std::vector<Edge> into, out_of;  // edges crossing the selection's border
  for (const Node* n : members) {
    std::vector<Edge> in;
    for (const auto& e : graph.edges)
      if (e.to.node == n->id && !inside(e.from.node)) in.push_back(e);
    std::sort(in.begin(), in.end(), [](const Edge& a, const Edge& b) { return a.to.port < b.to.port; });
    for (const auto& e : in) {
      if (std::find(sources.begin(), sources.end(), e.from) == sources.end()) sources.push_back(e.from);
      into.push_back(e);
    }
    std::vector<Port> used;
    for (const auto& e : graph.edges)
      if (e.from.node == n->id && !inside(e.to.node)) {
        if (std::find(used.begin(), used.end(), e.from) == used.end()) used.push_back(e.from);
        out_of.push_back(e);
      }
    std::sort(used.begin(), used.end(), port_less);
    results.insert(results.end(), used.begin(), used.end());
  }
  if (sources.empty())
    throw ValueError("Nothing comes into the selection from outside it, but a unit takes its data through at least "
                     "one input. Select layers that another layer feeds.");
  if (results.empty())
    throw ValueError("Nothing outside the selection uses its output, but a unit gives at least one output. Select "
                     "layers whose output feeds another layer or an Output.");

  Grouping g;
  Node& unit = g.unit;
  unit.id = next_id();
  unit.type = kUnitType;
  unit.name = unit_name;
  Graph& body = unit.body.emplace_back();
  auto body_taken = [&](const std::string& name) {
    if (std::any_of(members.begin(), members.end(), [&](const Node* m) { return m->name == name; })) return true;
    return std::any_of(body.nodes.begin(), body.nodes.end(), [&](const Node& m) { return m.name == name; });
  };
  std::map<std::pair<int, int>, int> input_of, output_of;  // outside source / inside result -> body node id
  for (size_t k = 0; k < sources.size(); ++k) {
    const Shape* shape = shape_of(sources[k]);
    if (!shape || shape->rank() == 0) {
      const std::string who = find_node(graph, sources[k].node).name;
      throw ValueError("The shape coming out of '" + who + "' is not known yet, so the unit's Input cannot be given "
                       "one. Fix the problems before the selection first (the canvas marks them), then group again.");
    }
    Node input;
    input.id = next_id();
    input.type = kInputType;
    input.name = free_name(kInputType, body_taken);
    input.params["batch_shape"] = batch_shape_config(*shape);
    input_of[{sources[k].node, sources[k].port}] = input.id;
    body.nodes.push_back(std::move(input));
    g.outer_edges.push_back({sources[k], {unit.id, static_cast<int>(k)}});
  }
  double x = 0, y = 0;
  for (const Node* n : members) {
    body.nodes.push_back(*n);
    x += n->x, y += n->y;
  }
  unit.x = clamp_coordinate(x / static_cast<double>(members.size()));
  unit.y = clamp_coordinate(y / static_cast<double>(members.size()));
  for (size_t m = 0; m < results.size(); ++m) {
    Node output;
    output.id = next_id();
    output.type = kOutputType;
    output.name = free_name(kOutputType, body_taken);
    output_of[{results[m].node, results[m].port}] = output.id;
    body.edges.push_back({results[m], {output.id, 0}});
    body.nodes.push_back(std::move(output));
  }
  for (const auto& e : graph.edges)
    if (inside(e.from.node) && inside(e.to.node)) body.edges.push_back(e);
  for (const auto& e : into) body.edges.push_back({{input_of.at({e.from.node, e.from.port}), 0}, e.to});
  for (const auto& e : out_of) {
    const auto it = std::find(results.begin(), results.end(), e.from);
    g.outer_edges.push_back({{unit.id, static_cast<int>(it - results.begin())}, e.to});
  }
  arrange(body);
  return g;
}

Ungrouping ungroup_nodes(const Graph& graph, int unit_id, const std::function<bool(const std::string&)>& taken,
                         const std::function<int()>& next_id) {
  const Node& unit = find_node(graph, unit_id);
  const Graph& body = body_of(unit);
  std::map<int, int> input_index, output_index;  // body node id -> port
  for (const Node* n : unit_inputs(body)) input_index[n->id] = static_cast<int>(input_index.size());
  for (const Node* n : unit_outputs(body)) output_index[n->id] = static_cast<int>(output_index.size());
  std::map<int, Port> fed_from;  // unit input port -> the outside port feeding it
  for (const auto& e : graph.edges)
    if (e.to.node == unit_id) fed_from[e.to.port] = e.from;

  Ungrouping u;
  std::map<int, int> new_id;
  std::set<std::string> names;
  auto name_taken = [&](const std::string& name) { return names.count(name) > 0 || taken(name); };
  double cx = 0, cy = 0;
  for (const auto& n : body.nodes)
    if (!input_index.count(n.id) && !output_index.count(n.id)) cx += n.x, cy += n.y;
  const size_t layers = body.nodes.size() - input_index.size() - output_index.size();
  if (layers > 0) cx /= static_cast<double>(layers), cy /= static_cast<double>(layers);
  for (const auto& n : body.nodes) {
    if (input_index.count(n.id) || output_index.count(n.id)) continue;
    Node moved = n;
    moved.id = new_id[n.id] = next_id();
    moved.name = renamed(n.name, n.type, name_taken);
    names.insert(moved.name);
    moved.x = clamp_coordinate(n.x - cx + unit.x), moved.y = clamp_coordinate(n.y - cy + unit.y);
    u.nodes.push_back(std::move(moved));
  }
  // Where each body port's data comes from once the unit is gone (an Input: the port feeding the unit).
  auto source = [&](Port inner) -> std::optional<Port> {
    if (auto it = input_index.find(inner.node); it != input_index.end()) {
      auto fed = fed_from.find(it->second);
      return fed == fed_from.end() ? std::nullopt : std::optional<Port>(fed->second);
    }
    return Port{new_id.at(inner.node), inner.port};
  };
  std::map<int, Port> result_of;  // unit output port -> where its data now comes from
  for (const auto& e : body.edges) {
    if (input_index.count(e.to.node)) continue;  // nothing feeds an Input (a damaged body)
    std::optional<Port> from = source(e.from);
    if (auto o = output_index.find(e.to.node); o != output_index.end()) {
      if (from) result_of[o->second] = *from;
    } else if (from) {
      u.edges.push_back({*from, {new_id.at(e.to.node), e.to.port}});
    }
  }
  for (const auto& e : graph.edges)
    if (e.from.node == unit_id)
      if (auto r = result_of.find(e.from.port); r != result_of.end()) u.edges.push_back({r->second, e.to});
  return u;
}

}  // namespace cornu::nodes
