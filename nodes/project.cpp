#include "nodes/project.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <cmath>
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "callbacks/callback_registry.h"
#include "data/builtin_datasets.h"
#include "model/weights_io.h"
#include "nodes/catalog.h"
#include "nodes/document.h"
#include "nodes/units.h"
#include "optimizers/optimizer.h"

namespace cornu::nodes {

namespace {

constexpr const char* kFormatName = "cornu-project";

Config settings_to_json(const Settings& s) {
  return {{"model_name", s.model_name}, {"optimizer", s.optimizer},   {"batch_size", s.batch_size},
          {"epochs", s.epochs},         {"seed", s.seed},             {"validation_split", s.validation_split},
          {"shuffle", s.shuffle},       {"dataset", s.dataset},       {"callbacks", s.callbacks},
          {"device", s.device},         {"validation", s.validation}};
}

// Reads a JSON document, failing with the JSON path of the first thing that is wrong.
class Reader {
 public:
  [[noreturn]] static void fail(const std::string& path, const std::string& message) {
    throw ProjectError(path, message);
  }
  static std::string kind(const Config& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "true/false";
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_array()) return "a list";
    return "an object";
  }
  static const Config& object(const Config& v, const std::string& path, const std::set<std::string>& allowed,
                              const std::set<std::string>& required = {}) {
    if (!v.is_object()) fail(path, "expected an object, found " + kind(v) + ".");
    for (auto it = v.begin(); it != v.end(); ++it)
      if (!allowed.count(it.key())) {
        std::vector<std::string> known(allowed.begin(), allowed.end());
        std::string hint = did_you_mean(it.key(), known);
        fail(path, "unknown key '" + it.key() + "'." + (hint.empty() ? "" : " " + hint));
      }
    for (const auto& key : required)
      if (!v.contains(key)) fail(path, "the key '" + key + "' is missing.");
    return v;
  }
  static const Config& array(const Config& v, const std::string& path, size_t max_size, const std::string& what) {
    if (!v.is_array()) fail(path, "expected a list, found " + kind(v) + ".");
    if (v.size() > max_size)
      fail(path, "holds " + std::to_string(v.size()) + " " + what + "; Cornu opens projects of up to " +
                     std::to_string(max_size) + ".");
    return v;
  }
  static int64_t integer(const Config& v, const std::string& path, int64_t lo, int64_t hi) {
    if (!v.is_number_integer() && !(v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()))
      fail(path, "expected a whole number, found " + (v.is_number() ? v.dump() : kind(v)) + ".");
    double d = v.get<double>();
    if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)))
      fail(path, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", found " +
                     v.dump() + ".");
    return v.is_number_unsigned() ? static_cast<int64_t>(v.get<uint64_t>()) : v.is_number_integer() ? v.get<int64_t>()
                                                                                                      : static_cast<int64_t>(d);
  }
  static double number(const Config& v, const std::string& path, double lo, double hi) {
    if (!v.is_number()) fail(path, "expected a number, found " + kind(v) + ".");
    double d = v.get<double>();
    if (!(d >= lo && d <= hi)) fail(path, "expected a number from " + Config(lo).dump() + " to " + Config(hi).dump() +
                                              ", found " + v.dump() + ".");
    return d;
  }
  static std::string string(const Config& v, const std::string& path, size_t max_length = 4096) {
    if (!v.is_string()) fail(path, "expected a string, found " + kind(v) + ".");
    if (v.get_ref<const std::string&>().size() > max_length)
      fail(path, "is longer than " + std::to_string(max_length) + " characters.");
    return v.get<std::string>();
  }
  static std::string choice(const Config& v, const std::string& path, const std::vector<std::string>& allowed) {
    const std::string value = string(v, path, 64);
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "'" : ", '") + a + "'";
    fail(path, "'" + value + "' is not one of " + list + ".");
  }
  static bool boolean(const Config& v, const std::string& path) {
    if (!v.is_boolean()) fail(path, "expected true or false, found " + kind(v) + ".");
    return v.get<bool>();
  }
};

// The JSON path of key `key` under `path`.
std::string at(const std::string& path, const std::string& key) { return path + "." + key; }
std::string at(const std::string& path, size_t index) { return path + "[" + std::to_string(index) + "]"; }

// Each entry checked against the callback registry; each class at most once (the inspector shows one of each).
Config read_callbacks(const Config& j, const std::string& path) {
  Reader::array(j, path, 16, "callbacks");
  std::set<std::string> seen;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string cpath = at(path, i);
    Reader::object(j[i], cpath, {"class_name", "config", "module", "registered_name"}, {"class_name"});
    Reader::string(j[i].at("class_name"), at(cpath, "class_name"), 128);
    if (j[i].contains("config") && !j[i].at("config").is_object())
      Reader::fail(at(cpath, "config"), "expected an object, found " + Reader::kind(j[i].at("config")) + ".");
    Config resolved;
    try {
      resolved = resolve_callback(j[i]);
    } catch (const Error& e) {
      Reader::fail(cpath, e.what());
    }
    if (!seen.insert(resolved.at("class_name")).second)
      Reader::fail(cpath, resolved.at("class_name").get<std::string>() +
                              " is listed twice; a project uses each callback once.");
  }
  return j;
}

Settings read_settings(const Config& j, const std::string& path) {
  Reader::object(j, path, {"model_name", "optimizer", "batch_size", "epochs", "seed", "validation_split", "shuffle",
                           "dataset", "callbacks", "device", "validation"});
  Settings s;
  if (j.contains("model_name")) {
    s.model_name = Reader::string(j.at("model_name"), at(path, "model_name"), 128);
    if (!s.model_name.empty() && !valid_layer_name(s.model_name))
      Reader::fail(at(path, "model_name"), "'" + s.model_name + "' cannot name a model: use letters, digits, '_', '.' or '-'.");
  }
  if (j.contains("optimizer")) {
    s.optimizer = j.at("optimizer");
    try {
      make_optimizer(s.optimizer);
    } catch (const Error& e) {
      Reader::fail(at(path, "optimizer"), e.what());
    }
  }
  if (j.contains("batch_size")) s.batch_size = Reader::integer(j.at("batch_size"), at(path, "batch_size"), 1, kMaxBatchSize);
  if (j.contains("epochs")) s.epochs = Reader::integer(j.at("epochs"), at(path, "epochs"), 1, kMaxEpochs);
  if (j.contains("seed"))
    s.seed = static_cast<uint64_t>(Reader::integer(j.at("seed"), at(path, "seed"), 0, static_cast<int64_t>(kMaxSeed)));
  if (j.contains("validation_split"))
    s.validation_split = Reader::number(j.at("validation_split"), at(path, "validation_split"), 0.0, kMaxValidationSplit);
  if (j.contains("shuffle")) s.shuffle = Reader::boolean(j.at("shuffle"), at(path, "shuffle"));
  if (j.contains("dataset") && !j.at("dataset").is_null()) {
    try {
      data::resolve_dataset(j.at("dataset"));
    } catch (const Error& e) {
      Reader::fail(at(path, "dataset"), e.what());
    }
    s.dataset = j.at("dataset");
  }
  if (j.contains("callbacks")) s.callbacks = read_callbacks(j.at("callbacks"), at(path, "callbacks"));
  if (j.contains("device")) s.device = Reader::choice(j.at("device"), at(path, "device"), kDeviceChoices);
  if (j.contains("validation"))
    s.validation = Reader::choice(j.at("validation"), at(path, "validation"), kValidationChoices);
  return s;
}

Graph read_graph(const Config& j, const std::string& path, int depth);

}  // namespace

void check_training_settings(const Settings& s) {
  try {
    read_callbacks(s.callbacks, "callbacks");
    Reader::choice(s.device, "device", kDeviceChoices);
    Reader::choice(s.validation, "validation", kValidationChoices);
  } catch (const ProjectError& e) {
    throw ValueError(e.what());
  }
}

namespace {

// `depth`: how many units the node's graph lies in (0: the model's own graph).
Node read_node(const Config& j, const std::string& path, int depth) {
  Reader::object(j, path, {"id", "type", "name", "params", "shares", "position", "body"}, {"id", "type", "name"});
  Node n;
  n.id = static_cast<int>(Reader::integer(j.at("id"), at(path, "id"), 1, kMaxNodeId));
  std::string type = Reader::string(j.at("type"), at(path, "type"), 128);
  const CatalogEntry* entry = catalog().find(type);
  if (!entry) {
    std::vector<std::string> names;
    for (const auto& e : catalog().entries()) names.push_back(e.type);
    std::string hint = did_you_mean(type, names);
    Reader::fail(at(path, "type"), "there is no layer called '" + type + "'." + (hint.empty() ? "" : " " + hint) +
                                       " (A file from a newer Cornu may use layers this one lacks.)");
  }
  n.type = entry->type;
  n.name = Reader::string(j.at("name"), at(path, "name"), 128);
  if (!valid_layer_name(n.name))
    Reader::fail(at(path, "name"), "'" + n.name + "' cannot name a layer: use letters, digits, '_', '.' or '-'.");
  if (j.contains("params")) {
    const std::string ppath = at(path, "params");
    if (!j.at("params").is_object()) Reader::fail(ppath, "expected an object, found " + Reader::kind(j.at("params")) + ".");
    for (auto it = j.at("params").begin(); it != j.at("params").end(); ++it) {
      const ParamSpec* spec = entry->param(it.key());
      if (!spec) Reader::fail(ppath, entry->unknown_param_message(it.key()));
      Config v = it.value();
      if (std::string why = check_param(*spec, v); !why.empty()) Reader::fail(at(ppath, it.key()), why + ".");
      n.params[it.key()] = v;
    }
  }
  if (j.contains("shares")) {
    n.shares = Reader::string(j.at("shares"), at(path, "shares"), 128);
    if (entry->is_input() || entry->is_output() || entry->is_unit())
      Reader::fail(at(path, "shares"), "only a layer can share another layer's weights, and '" + n.name + "' is " +
                                           (entry->is_unit() ? "a unit." : "an " + n.type + "."));
    if (!n.params.empty())
      Reader::fail(at(path, "params"), "'" + n.name + "' shares the layer '" + n.shares + "', so its parameters are "
                                           "that layer's: it cannot have its own.");
  }
  if (j.contains("position")) {
    const std::string ppath = at(path, "position");
    const Config& p = Reader::array(j.at("position"), ppath, 2, "numbers");
    if (p.size() != 2) Reader::fail(ppath, "expected [x, y].");
    n.x = Reader::number(p[0], at(ppath, 0), -kMaxCoordinate, kMaxCoordinate);
    n.y = Reader::number(p[1], at(ppath, 1), -kMaxCoordinate, kMaxCoordinate);
  }
  if (entry->is_unit()) {
    if (depth + 1 > kMaxUnitDepth)
      Reader::fail(at(path, "body"), "units nest more than " + std::to_string(kMaxUnitDepth) + " deep; Cornu opens " +
                                         "units up to " + std::to_string(kMaxUnitDepth) + " deep.");
    n.body.push_back(j.contains("body") ? read_graph(j.at("body"), at(path, "body"), depth + 1) : Graph{});
  } else if (j.contains("body")) {
    Reader::fail(at(path, "body"), "only a Unit holds a body of layers, and '" + n.name + "' is a " + n.type + ".");
  }
  return n;
}

Port read_port(const Config& j, const std::string& path, const std::map<int, const Node*>& nodes) {
  const Config& a = Reader::array(j, path, 2, "numbers");
  if (a.size() != 2) Reader::fail(path, "expected [node id, port].");
  int id = static_cast<int>(Reader::integer(a[0], at(path, 0), 1, kMaxNodeId));
  if (!nodes.count(id)) Reader::fail(at(path, 0), "there is no node with id " + std::to_string(id) + ".");
  int port = static_cast<int>(Reader::integer(a[1], at(path, 1), 0, 100000));
  return {id, port};
}

Graph read_graph(const Config& j, const std::string& path, int depth) {
  Reader::object(j, path, {"nodes", "edges"}, {"nodes", "edges"});
  Graph g;
  const Config& nodes = Reader::array(j.at("nodes"), at(path, "nodes"), kMaxNodes, "nodes");
  std::set<int> ids;
  std::set<std::string> names;
  for (size_t i = 0; i < nodes.size(); ++i) {
    Node n = read_node(nodes[i], at(at(path, "nodes"), i), depth);
    if (!ids.insert(n.id).second) Reader::fail(at(at(at(path, "nodes"), i), "id"), "the id " + std::to_string(n.id) + " is used twice.");
    if (!names.insert(n.name).second)
      Reader::fail(at(at(at(path, "nodes"), i), "name"), "two layers are called '" + n.name + "'; names must be unique.");
    g.nodes.push_back(std::move(n));
  }
  std::map<int, const Node*> by_id;
  for (const auto& n : g.nodes) by_id[n.id] = &n;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (n.shares.empty()) continue;
    auto target = std::find_if(g.nodes.begin(), g.nodes.end(), [&](const Node& m) { return m.name == n.shares; });
    const std::string spath = at(at(at(path, "nodes"), i), "shares");
    if (target == g.nodes.end()) Reader::fail(spath, "there is no layer called '" + n.shares + "' in this graph to share.");
    if (target->type != n.type || !target->shares.empty() || &*target == &n)
      Reader::fail(spath, "'" + n.name + "' can share only another " + n.type + " that shares nothing itself; '" +
                              n.shares + "' is not one.");
  }
  const Config& edges = Reader::array(j.at("edges"), at(path, "edges"), kMaxEdges, "connections");
  std::map<int, std::set<int>> taken;  // input ports in use, per node
  for (size_t i = 0; i < edges.size(); ++i) {
    const std::string epath = at(at(path, "edges"), i);
    Reader::object(edges[i], epath, {"from", "to"}, {"from", "to"});
    Edge e{read_port(edges[i].at("from"), at(epath, "from"), by_id), read_port(edges[i].at("to"), at(epath, "to"), by_id)};
    const CatalogEntry& from = catalog().get(by_id.at(e.from.node)->type);
    const CatalogEntry& to = catalog().get(by_id.at(e.to.node)->type);
    if (e.from.node == e.to.node) Reader::fail(epath, "a layer cannot feed itself.");
    // A unit's ports follow its body, which an edit inside may shrink: the live checks report a connection left
    // on a port that is gone, so such a file still opens.
    if (!from.is_unit() && e.from.port >= from.outputs)
      Reader::fail(at(epath, "from"), "'" + by_id.at(e.from.node)->name + "' has no output port " + std::to_string(e.from.port) + ".");
    if (!to.variadic() && !to.is_unit() && e.to.port >= to.max_inputs)
      Reader::fail(at(epath, "to"), "'" + by_id.at(e.to.node)->name + "' has no input port " + std::to_string(e.to.port) + ".");
    if (!taken[e.to.node].insert(e.to.port).second)
      Reader::fail(at(epath, "to"), "input port " + std::to_string(e.to.port) + " of '" + by_id.at(e.to.node)->name +
                                        "' is connected twice.");
    g.edges.push_back(e);
  }
  for (const auto& [id, ports] : taken)  // merge inputs are numbered 0, 1, 2... without gaps
    if (catalog().get(by_id.at(id)->type).variadic() && *ports.rbegin() != static_cast<int>(ports.size()) - 1)
      Reader::fail(at(path, "edges"), "the inputs of '" + by_id.at(id)->name + "' skip a port: they must be numbered 0, 1, 2...");
  return g;
}

Config read_history(const Config& j, const std::string& path) {
  Reader::array(j, path, kMaxHistoryRuns, "training runs");
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string rpath = at(path, i);
    Reader::object(j[i], rpath, {"started", "finished", "settings", "epochs", "stopped", "test", "device", "seed",
                                 "data", "weights"});
    if (j[i].contains("weights")) {  // a file beside the project: never a path that leaves its folder
      const std::string weights = Reader::string(j[i].at("weights"), at(rpath, "weights"));
      if (weights.empty() || weights.front() == '/' || weights.find("..") != std::string::npos ||
          weights.find('\\') != std::string::npos)
        Reader::fail(at(rpath, "weights"), "expected a path inside the project's folder, such as "
                                           "\"mnist.runs/2026-11-23T11-05-00Z.weights.h5\".");
    }
    if (j[i].contains("epochs")) {
      const Config& epochs = Reader::array(j[i].at("epochs"), at(rpath, "epochs"), 1000000, "epochs");
      for (size_t e = 0; e < epochs.size(); ++e) {
        if (!epochs[e].is_object()) Reader::fail(at(at(rpath, "epochs"), e), "expected an object of logs.");
        for (auto it = epochs[e].begin(); it != epochs[e].end(); ++it)
          if (!it.value().is_number() && !it.value().is_null())
            Reader::fail(at(at(at(rpath, "epochs"), e), it.key()), "expected a number, found " + Reader::kind(it.value()) + ".");
      }
    }
  }
  return j;
}

// Upgrades, one format version at a time: kMigrations[v - 1] turns version v into v + 1. Format 1 is the
// first; the table grows with the format.
const std::vector<std::function<void(Config&)>> kMigrations{};

// Nesting depth and the number of objects and lists, found without parsing: the parser would recurse
// first, and a file of a million small objects would be all in memory before its size could be judged.
struct Structure {
  int depth = 0;
  size_t containers = 0;
};
Structure structure_of(std::string_view text, int depth_limit) {
  Structure s;
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++s.containers;
      s.depth = std::max(s.depth, ++depth);
      if (depth > depth_limit) return s;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return s;
}

}  // namespace

namespace {

Config graph_to_json(const Graph& g) {
  Config nodes = Config::array(), edges = Config::array();
  for (const auto& n : g.nodes) {
    Config node = {{"id", n.id}, {"type", n.type}, {"name", n.name}, {"params", n.params}, {"position", {n.x, n.y}}};
    if (!n.shares.empty()) node["shares"] = n.shares;
    if (is_unit(n)) node["body"] = graph_to_json(body_of(n));
    nodes.push_back(std::move(node));
  }
  for (const auto& e : g.edges) edges.push_back({{"from", {e.from.node, e.from.port}}, {"to", {e.to.node, e.to.port}}});
  return {{"nodes", nodes}, {"edges", edges}};
}

}  // namespace

Config project_to_json(const ProjectData& p) {
  return {{"format", kFormatName},
          {"version", kProjectFormatVersion},
          {"cornu", CORNU_VERSION},
          {"settings", settings_to_json(p.settings)},
          {"graph", graph_to_json(p.graph)},
          {"history", p.history}};
}

namespace {

// Indents the outer levels and writes each node, edge and run on one line: files that read well and
// diff well under version control. Top-level keys come in a fixed, meaningful order.
// Keys a reader looks for first come first; the others follow alphabetically.
std::vector<std::string> ordered_keys(const Config& v) {
  std::vector<std::string> keys;
  for (const char* k : {"format", "version", "cornu", "settings", "graph", "nodes", "edges", "history", "id", "type",
                        "name", "params", "shares", "position", "body", "from", "to"})
    if (v.contains(k)) keys.push_back(k);
  for (auto it = v.begin(); it != v.end(); ++it)
    if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
  return keys;
}

void write_compact(std::string& out, const Config& v) {
  if (v.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& k : ordered_keys(v)) {
      out += first ? "" : ",";
      first = false;
      out += Config(k).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + ":";
      write_compact(out, v.at(k));
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ',';
      write_compact(out, v[i]);
    }
    out += ']';
  } else {
    out += v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

void write_pretty(std::string& out, const Config& v, int depth, int indent) {
  const bool expand = depth < 3 && (v.is_object() || v.is_array()) && !v.empty() &&
                      !(depth == 2 && v.is_object());  // settings.optimizer etc. stay on one line
  if (!expand) {
    write_compact(out, v);
    return;
  }
  const std::string pad(static_cast<size_t>(indent + 2), ' ');
  out += v.is_object() ? "{\n" : "[\n";
  size_t i = 0;
  auto item = [&](const std::string* key, const Config& value) {
    out += pad;
    if (key) out += Config(*key).dump() + ": ";
    write_pretty(out, value, depth + 1, indent + 2);
    out += ++i < v.size() ? ",\n" : "\n";
  };
  if (v.is_object()) {
    for (const auto& k : ordered_keys(v)) item(&k, v.at(k));
  } else {
    for (const auto& x : v) item(nullptr, x);
  }
  out += std::string(static_cast<size_t>(indent), ' ') + (v.is_object() ? "}" : "]");
}

}  // namespace

std::string project_to_text(const ProjectData& p) {
  std::string out;
  write_pretty(out, project_to_json(p), 0, 0);
  return out + "\n";
}

ProjectData project_from_json(const Config& input) {
  if (!input.is_object()) Reader::fail("$", "a Cornu project is a JSON object, but this file holds " + Reader::kind(input) + ".");
  if (input.value("format", Config()) != kFormatName)
    Reader::fail("$.format", "this is not a Cornu project (it should say \"format\": \"cornu-project\").");
  if (!input.contains("version")) Reader::fail("$", "the key 'version' is missing.");
  int64_t version = Reader::integer(input.at("version"), "$.version", 1, 1000000);
  if (version > kProjectFormatVersion)
    Reader::fail("$.version", "this project was saved by a newer Cornu (format " + std::to_string(version) +
                                  "; this Cornu reads formats up to " + std::to_string(kProjectFormatVersion) +
                                  "). Update Cornu to open it.");
  Config j = input;
  for (int64_t v = version; v < kProjectFormatVersion; ++v) kMigrations.at(static_cast<size_t>(v - 1))(j);
  Reader::object(j, "$", {"format", "version", "cornu", "settings", "graph", "history"}, {"graph"});
  if (j.contains("cornu")) Reader::string(j.at("cornu"), "$.cornu", 64);
  ProjectData p;
  if (j.contains("settings")) p.settings = read_settings(j.at("settings"), "$.settings");
  p.graph = read_graph(j.at("graph"), "$.graph", 0);
  if (j.contains("history")) p.history = read_history(j.at("history"), "$.history");
  return p;
}

ProjectData parse_project(std::string_view text) {
  if (text.size() > kMaxProjectBytes)
    Reader::fail("", "the file is " + std::to_string(text.size() >> 20) + " MiB; Cornu opens projects of up to " +
                         std::to_string(kMaxProjectBytes >> 20) + " MiB.");
  const Structure structure = structure_of(text, kMaxJsonDepth);
  if (structure.depth > kMaxJsonDepth)
    Reader::fail("", "the JSON is nested more than " + std::to_string(kMaxJsonDepth) +
                         " levels deep; a Cornu project never is. The file is damaged or not a project.");
  if (structure.containers > kMaxJsonContainers)
    Reader::fail("", "the file holds " + std::to_string(structure.containers) + " JSON objects and lists; Cornu " +
                         "opens projects of up to " + std::to_string(kMaxJsonContainers) +
                         " (for example 10,000 nodes with 50,000 connections and their history).");
  Config j;
  try {
    j = Config::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    Reader::fail("", "the file is not valid JSON (at byte " + std::to_string(e.byte) + "): it may be truncated or damaged.");
  } catch (const nlohmann::json::exception& e) {  // a number beyond double's range, say
    Reader::fail("", std::string("the file holds a value Cornu cannot read (") + e.what() + "): it may be damaged.");
  }
  return project_from_json(j);
}

ProjectData load_project(const std::string& path) {
  QFile file(QString::fromStdString(path));
  if (!file.open(QIODevice::ReadOnly))
    throw ProjectError("", "Cannot open '" + path + "': " + file.errorString().toStdString() + ".");
  if (static_cast<size_t>(file.size()) > kMaxProjectBytes)
    throw ProjectError("", "'" + path + "' is " + std::to_string(file.size() >> 20) +
                               " MiB; Cornu opens projects of up to " + std::to_string(kMaxProjectBytes >> 20) + " MiB.");
  QByteArray bytes = file.read(static_cast<qint64>(kMaxProjectBytes) + 1);  // bounded: /dev/zero, a pipe
  try {
    ProjectData project = parse_project(std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())));
    project.path = QFileInfo(file).absoluteFilePath().toStdString();
    return project;
  } catch (const ProjectError& e) {
    throw ProjectError(e.json_path(), e.message(), "Cannot open '" + path + "': ");
  }
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  QSaveFile file(QString::fromStdString(path));  // writes a temporary file, renamed over `path` on commit
  if (!file.open(QIODevice::WriteOnly))
    throw IoError("Cannot save '" + path + "': " + file.errorString().toStdString() + ". Choose another folder.");
  if (file.write(bytes.data(), static_cast<qint64>(bytes.size())) != static_cast<qint64>(bytes.size()) || !file.commit())
    throw IoError("Cannot save '" + path + "': " + file.errorString().toStdString() +
                  ". The previous version of the file is unchanged.");
}

void save_project(const std::string& path, const ProjectData& project) {
  write_file_atomically(path, project_to_text(project));
}

std::string weights_path_for(const std::string& project_path) {
  std::string stem = project_path;
  if (stem.size() > 6 && stem.ends_with(".cornu")) stem.resize(stem.size() - 6);
  return stem + ".weights.h5";
}

void save_project_with_weights(const std::string& path, const ProjectData& project, Model& model) {
  save_weights(model, weights_path_for(path));
  save_project(path, project);
}

bool load_project_weights(const std::string& project_path, Model& model) {
  const std::string weights = weights_path_for(project_path);
  if (!QFile::exists(QString::fromStdString(weights))) return false;
  try {
    load_weights(model, weights);
  } catch (const Error& e) {
    throw IoError("The saved weights '" + weights + "' do not fit the model (" + e.what() +
                  "). The model has changed since they were trained: train it again, or delete that file.");
  }
  return true;
}

}  // namespace cornu::nodes
