#include "nodes/document.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/error.h"
#include "data/builtin_datasets.h"
#include "optimizers/optimizer.h"
#include "layers/layer.h"
#include "nodes/commands.h"
#include "nodes/project.h"
#include "nodes/units.h"

namespace cornu::nodes {

bool valid_layer_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

Document::Document(QObject* parent) : QObject(parent) {
  QObject::connect(&undo_, &QUndoStack::cleanChanged, this, [this] { emit changed(); });
}

const Graph& Document::current_graph() const {
  const Graph* g = &data_.graph;
  for (int unit : scope_) {
    auto it = std::find_if(g->nodes.begin(), g->nodes.end(), [unit](const Node& n) { return n.id == unit; });
    g = &body_of(*it);  // the scope always names units that exist: edits happen in the innermost graph
  }
  return *g;
}

const Node* Document::node(int id) const {
  for (const auto& n : graph().nodes)
    if (n.id == id) return &n;
  return nullptr;
}

const Node* Document::node_named(const std::string& name) const {
  for (const auto& n : graph().nodes)
    if (n.name == name) return &n;
  return nullptr;
}

const Node& Document::at(int id) const {
  if (const Node* n = node(id)) return *n;
  throw ValueError("The document has no node with id " + std::to_string(id) + ".");
}

Node& Document::mutable_node(int id) { return const_cast<Node&>(at(id)); }

bool Document::variadic(int id) const { return catalog_entry(id).variadic(); }

std::vector<Edge> Document::edges_into(int id) const {
  std::vector<Edge> out;
  for (const auto& e : graph().edges)
    if (e.to.node == id) out.push_back(e);
  std::sort(out.begin(), out.end(), [](const Edge& a, const Edge& b) { return a.to.port < b.to.port; });
  return out;
}

std::vector<Edge> Document::edges_from(int id) const {
  std::vector<Edge> out;
  for (const auto& e : graph().edges)
    if (e.from.node == id) out.push_back(e);
  return out;
}

int Document::input_ports(int id) const {
  const Node& n = at(id);
  if (is_unit(n)) return static_cast<int>(unit_inputs(body_of(n)).size());
  const CatalogEntry& entry = catalog().get(n.type);
  if (!entry.variadic()) return entry.max_inputs;
  return std::max(entry.min_inputs, static_cast<int>(edges_into(id).size()));
}

int Document::output_ports(int id) const {
  const Node& n = at(id);
  if (is_unit(n)) return static_cast<int>(unit_outputs(body_of(n)).size());
  const CatalogEntry& entry = catalog().get(n.type);
  return entry.output_count ? entry.output_count(n.params) : entry.outputs;
}

Config Document::param(int id, const std::string& key) const {
  const Node& n = at(id);
  if (n.params.contains(key)) return n.params.at(key);
  const ParamSpec* spec = catalog_entry(id).param(key);
  return spec ? spec->default_value : Config();
}

std::string Document::unique_name(const std::string& type) const {
  return free_name(catalog().get(type).type, [this](const std::string& name) { return node_named(name) != nullptr; });
}

void Document::check_param_value(const Node& node, const std::string& key, Config& value) const {
  const CatalogEntry& entry = catalog().get(node.type);
  const ParamSpec* spec = entry.param(key);
  if (!spec) throw ValueError(entry.unknown_param_message(key));
  if (std::string why = check_param(*spec, value); !why.empty())
    throw ValueError(node.type + " '" + node.name + "': " + key + ": " + why + ". (" + spec->doc + ")");
}

// --- edits ---

int Document::add_node(const std::string& type, double x, double y, const Config& params, const std::string& name) {
  const CatalogEntry& entry = catalog().get(type);
  Node n;
  n.id = next_id_;
  n.type = entry.type;
  n.name = name.empty() ? unique_name(entry.type) : name;
  n.x = clamp_coordinate(x), n.y = clamp_coordinate(y);
  if (!valid_layer_name(n.name))
    throw ValueError("'" + n.name + "' cannot name a layer: use letters, digits, '_', '.' or '-'.");
  if (node_named(n.name)) throw ValueError("A layer called '" + n.name + "' exists already: names must be unique.");
  if (!params.is_object()) throw ValueError("Parameters are a JSON object, got " + params.dump() + ".");
  for (auto it = params.begin(); it != params.end(); ++it) {
    Config v = it.value();
    check_param_value(n, it.key(), v);
    n.params[it.key()] = v;
  }
  if (entry.is_unit()) {  // an empty unit, to be opened and filled
    if (scope_.size() + 1 > static_cast<size_t>(kMaxUnitDepth))
      throw ValueError("Units nest at most " + std::to_string(kMaxUnitDepth) + " deep: add this one further out.");
    n.body.emplace_back();
  }
  ++next_id_;
  undo_.push(new AddCommand(*this, "Add " + QString::fromStdString(n.name), {n}, {}));
  return n.id;
}

void Document::remove_nodes(const std::vector<int>& ids) {
  std::vector<int> unique;
  for (int id : ids)
    if (std::find(unique.begin(), unique.end(), id) == unique.end()) unique.push_back(at(id).id);
  if (unique.empty()) return;
  undo_.push(new RemoveCommand(*this, unique));
}

void Document::connect(Port from, Port to) {
  const Node& source = at(from.node);
  const Node& target = at(to.node);
  const CatalogEntry& t = catalog().get(target.type);
  if (from.node == to.node) throw ValueError("A layer cannot feed itself: '" + source.name + "' -> '" + source.name + "'.");
  if (source.type == kOutputType)
    throw ValueError("'" + source.name + "' is an Output: nothing comes out of it. Connect the layer before it instead.");
  const int outputs = output_ports(from.node);
  if (from.port < 0 || from.port >= outputs)
    throw ValueError("'" + source.name + "' has no output port " + std::to_string(from.port) + "." +
                     (is_unit(source) ? " Its outputs are the " + std::to_string(outputs) + " Outputs inside it." : ""));
  if (target.type == kInputType)
    throw ValueError("'" + target.name + "' is an Input: data enters the model there, so nothing can feed it.");
  const int ports = t.variadic() ? static_cast<int>(edges_into(to.node).size()) + 1 : input_ports(to.node);
  if (to.port < 0 || to.port >= ports)
    throw ValueError("'" + target.name + "' has no input port " + std::to_string(to.port) + "." +
                     (is_unit(target) ? " Its inputs are the " + std::to_string(ports) + " Inputs inside it." : ""));
  undo_.push(new ConnectCommand(*this, Edge{from, to}));
}

void Document::disconnect(const Edge& edge) {
  if (std::find(edges().begin(), edges().end(), edge) == edges().end())
    throw ValueError("There is no such connection to remove.");
  undo_.push(new DisconnectCommand(*this, edge));
}

void Document::set_param(int id, const std::string& key, const Config& value, int gesture) {
  const Node& n = at(id);
  if (!n.shares.empty())
    throw ValueError("'" + n.name + "' shares the layer of '" + n.shares + "': set '" + key + "' on '" + n.shares +
                     "', and both change.");
  const ParamSpec* spec = catalog_entry(id).param(key);
  if (!spec) {
    Config unused;
    check_param_value(n, key, unused);  // throws the unknown-parameter message
  }
  // Null returns a parameter to its default, unless None is a value of its own (a nullable, non-null default).
  std::optional<Config> v;
  if (!value.is_null() || (spec->nullable && !spec->default_value.is_null())) {
    Config checked = value;
    check_param_value(n, key, checked);
    v = checked;
  }
  if (n.params.contains(key) ? v && *v == n.params.at(key) : !v) return;  // nothing changes
  undo_.push(new SetParamCommand(*this, id, key, v, gesture));
}

void Document::rename(int id, const std::string& name) {
  const Node& n = at(id);
  if (name == n.name) return;
  if (!valid_layer_name(name))
    throw ValueError("'" + name + "' cannot name a layer: use letters, digits, '_', '.' or '-' (at most 128).");
  if (node_named(name)) throw ValueError("A layer called '" + name + "' exists already: names must be unique.");
  undo_.push(new RenameCommand(*this, id, name));
}

void Document::move_nodes(const std::vector<std::pair<int, std::pair<double, double>>>& positions, int gesture) {
  if (positions.empty()) return;
  auto clamped = positions;
  for (auto& p : clamped) {
    at(p.first);
    p.second = {clamp_coordinate(p.second.first), clamp_coordinate(p.second.second)};
  }
  undo_.push(new MoveCommand(*this, clamped, gesture));
}

void Document::set_settings(const Settings& settings, int gesture) {
  if (settings == data_.settings) return;
  if (settings.batch_size < 1 || settings.batch_size > kMaxBatchSize)
    throw ValueError("The batch size must be from 1 to " + std::to_string(kMaxBatchSize) + ".");
  if (settings.epochs < 1 || settings.epochs > kMaxEpochs)
    throw ValueError("Epochs must be from 1 to " + std::to_string(kMaxEpochs) + ".");
  if (settings.seed > kMaxSeed) throw ValueError("The seed must be from 0 to " + std::to_string(kMaxSeed) + ".");
  if (!(settings.validation_split >= 0 && settings.validation_split <= kMaxValidationSplit))
    throw ValueError("The validation split is a fraction from 0 to 0.99, e.g. 0.1.");
  if (!settings.model_name.empty() && !valid_layer_name(settings.model_name))
    throw ValueError("'" + settings.model_name + "' cannot name a model: use letters, digits, '_', '.' or '-'.");
  make_optimizer(settings.optimizer);                                  // throws what is wrong with it
  if (!settings.dataset.is_null()) data::resolve_dataset(settings.dataset);  // likewise
  check_training_settings(settings);
  undo_.push(new SettingsCommand(*this, settings, gesture));
}

int Document::insert_on_edge(const Edge& edge, const std::string& type, const Config& params) {
  if (std::find(edges().begin(), edges().end(), edge) == edges().end())
    throw ValueError("There is no such connection to insert a layer into.");
  if (!params.is_object()) throw ValueError("Parameters are a JSON object, got " + params.dump() + ".");
  const CatalogEntry& entry = catalog().get(type);
  if (entry.is_unit())
    throw ValueError("A new unit is empty, so it has no ports to put between two layers: select layers and group "
                     "them into a unit instead.");
  if (entry.max_inputs == 0 || entry.outputs == 0)
    throw ValueError(entry.type + " cannot go between two layers: it has no " +
                     (entry.max_inputs == 0 ? "input." : "output."));
  const Node& a = at(edge.from.node);
  const Node& b = at(edge.to.node);
  Node n;
  n.id = next_id_;
  n.type = entry.type;
  n.name = unique_name(entry.type);
  n.x = (a.x + b.x) / 2, n.y = (a.y + b.y) / 2;
  for (auto it = params.begin(); it != params.end(); ++it) {
    Config v = it.value();
    check_param_value(n, it.key(), v);
    n.params[it.key()] = v;
  }
  ++next_id_;
  auto* macro = new MacroCommand(*this, "Insert " + QString::fromStdString(n.name));
  new AddCommand(*this, "", {n}, {}, macro);
  new DisconnectCommand(*this, edge, macro);
  new ConnectCommand(*this, Edge{edge.from, Port{n.id, 0}}, macro);
  new ConnectCommand(*this, Edge{Port{n.id, 0}, edge.to}, macro);
  undo_.push(macro);
  return n.id;
}

// The clipboard holds a project fragment, so pasting goes through the same validation as opening a file.
std::string Document::copy(const std::vector<int>& ids) const {
  const std::set<int> selected(ids.begin(), ids.end());
  ProjectData fragment;
  for (const auto& n : graph().nodes)
    if (selected.count(n.id)) fragment.graph.nodes.push_back(n);  // a unit with its body: the copy is its own
  std::map<int, int> next_port;  // merge layers: the copied inputs become ports 0, 1, ... in their order
  std::vector<Edge> inner;
  for (const auto& e : graph().edges)
    if (selected.count(e.from.node) && selected.count(e.to.node)) inner.push_back(e);
  std::stable_sort(inner.begin(), inner.end(), [](const Edge& a, const Edge& b) {
    return a.to.node != b.to.node ? a.to.node < b.to.node : a.to.port < b.to.port;
  });
  for (auto& e : inner)
    if (variadic(e.to.node)) e.to.port = next_port[e.to.node]++;
  fragment.graph.edges = std::move(inner);
  return project_to_text(fragment);
}

std::vector<int> Document::paste(const std::string& clipboard, double dx, double dy) {
  ProjectData fragment;
  try {
    fragment = parse_project(clipboard);
  } catch (const ProjectError& e) {
    throw ValueError("The clipboard does not hold Cornu layers (" + e.json_path() + (e.json_path().empty() ? "" : ": ") +
                     e.message() + "). Copy some nodes first.");
  }
  if (scope_.size() + static_cast<size_t>(unit_depth(fragment.graph)) > static_cast<size_t>(kMaxUnitDepth))
    throw ValueError("Units nest at most " + std::to_string(kMaxUnitDepth) + " deep: paste these further out.");
  // Ids inside pasted units are their own, but new nodes added there later take ids after them.
  next_id_ = std::max(next_id_, largest_node_id(fragment.graph) + 1);
  std::map<int, int> new_id;
  std::vector<Node> nodes;
  std::set<std::string> taken;
  auto name_taken = [&](const std::string& name) {
    return !valid_layer_name(name) || node_named(name) || taken.count(name);
  };
  for (Node n : fragment.graph.nodes) {
    new_id[n.id] = next_id_ + static_cast<int>(nodes.size());
    n.id = new_id[n.id];
    n.name = renamed(n.name, n.type, name_taken);
    n.x = clamp_coordinate(n.x + dx), n.y = clamp_coordinate(n.y + dy);
    taken.insert(n.name);
    nodes.push_back(std::move(n));
  }
  std::vector<Edge> edges = fragment.graph.edges;
  for (auto& e : edges) e.from.node = new_id.at(e.from.node), e.to.node = new_id.at(e.to.node);
  if (nodes.empty()) return {};
  next_id_ += static_cast<int>(nodes.size());
  std::vector<int> ids;
  for (const auto& n : nodes) ids.push_back(n.id);
  undo_.push(new AddCommand(*this, QString("Paste %1 nodes").arg(nodes.size()), std::move(nodes), std::move(edges)));
  return ids;
}

void Document::mark_saved() {
  undo_.setClean();
  dirty_without_undo_ = false;
  emit changed();
}

void Document::reset(ProjectData data) {
  undo_.clear();
  data_ = std::move(data);
  data_.path = file_path_.toStdString();  // the document's path stays its own (set_file_path)
  const bool was_inside = !scope_.empty();
  scope_.clear();
  next_id_ = largest_node_id(data_.graph) + 1;
  dirty_without_undo_ = false;
  undo_.setClean();
  if (was_inside) emit scope_changed();
  emit changed();
}

void Document::append_history(const Config& run) {
  data_.history.push_back(run);
  while (data_.history.size() > kMaxHistoryRuns) data_.history.erase(data_.history.begin());  // files keep 1,000
  dirty_without_undo_ = true;
  emit changed();
}

// --- primitives ---

void Document::insert_node_at(size_t index, const Node& node) {
  auto& nodes = current_graph().nodes;
  nodes.insert(nodes.begin() + static_cast<std::ptrdiff_t>(std::min(index, nodes.size())), node);
}

Node Document::take_node(int id, size_t* index) {
  auto& nodes = current_graph().nodes;
  auto it = std::find_if(nodes.begin(), nodes.end(), [id](const Node& n) { return n.id == id; });
  if (it == nodes.end()) throw ValueError("The document has no node with id " + std::to_string(id) + ".");
  if (index) *index = static_cast<size_t>(it - nodes.begin());
  Node n = std::move(*it);
  nodes.erase(it);
  return n;
}

void Document::insert_edge_at(size_t index, const Edge& edge) {
  auto& edges = current_graph().edges;
  if (variadic(edge.to.node))  // make room: the later inputs move one port up
    for (auto& e : edges)
      if (e.to.node == edge.to.node && e.to.port >= edge.to.port) ++e.to.port;
  edges.insert(edges.begin() + static_cast<std::ptrdiff_t>(std::min(index, edges.size())), edge);
}

Edge Document::take_edge(Edge edge, size_t* index) {
  auto& edges = current_graph().edges;
  auto it = std::find(edges.begin(), edges.end(), edge);
  if (it == edges.end()) throw ValueError("There is no such connection.");
  if (index) *index = static_cast<size_t>(it - edges.begin());
  return take_edge_at(static_cast<size_t>(it - edges.begin()));
}

Edge Document::take_edge_at(size_t index) {
  auto& edges = current_graph().edges;
  const Edge edge = edges.at(index);
  edges.erase(edges.begin() + static_cast<std::ptrdiff_t>(index));
  if (variadic(edge.to.node))  // close the gap
    for (auto& e : edges)
      if (e.to.node == edge.to.node && e.to.port > edge.to.port) --e.to.port;
  return edge;
}

void Document::set_param_raw(int id, const std::string& key, const std::optional<Config>& value) {
  Node& n = mutable_node(id);
  if (value) n.params[key] = *value;
  else n.params.erase(key);
}

void Document::set_name_raw(int id, const std::string& name) {
  Node& n = mutable_node(id);
  // Nodes sharing this layer name it: they follow the rename (and its undo, which renames back).
  for (const auto& other : graph().nodes)
    if (other.shares == n.name) mutable_node(other.id).shares = name;
  n.name = name;
}

void Document::set_position_raw(int id, double x, double y) {
  Node& n = mutable_node(id);
  n.x = x, n.y = y;
}

void Document::set_settings_raw(const Settings& settings) { data_.settings = settings; }

}  // namespace cornu::nodes
