#include "nodes/diagram.h"

#include <gvc.h>
#include <gvplugin.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "core/error.h"
#include "nodes/catalog.h"
#include "nodes/checks.h"
#include "nodes/layout.h"
#include "nodes/project.h"

// Linked in (nodes/CMakeLists.txt) and preloaded, as layout.cpp does with the dot layout: without Graphviz's
// config6a file, gvContext() would know no renderer. `core` renders SVG, `pango` (cairo) renders PNG and
// measures text with the real font, so labels fit their boxes.
extern "C" gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern "C" gvplugin_library_t gvplugin_core_LTX_library;
extern "C" gvplugin_library_t gvplugin_pango_LTX_library;

namespace cornu::nodes {
namespace {

// The look: Keras 3's plot_model (a dark header with the layer type over a small white shape table), with
// rounded corners and a font every Debian desktop has (fonts-dejavu-core).
constexpr const char* kFont = "DejaVu Sans";
constexpr const char* kInk = "#37474f";      // header, border and edges
constexpr const char* kPaper = "#ffffff";    // body cells
constexpr const char* kMuted = "#607d8b";    // the words "Input shape:" and friends
constexpr const char* kRule = "#cfd8dc";     // lines between the body's cells
constexpr const char* kTrainable = "#2e7d32", *kFrozen = "#b71c1c";

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// One shape as Keras prints it, several as a list; "?" for one that could not be inferred.
std::string shapes_text(const std::vector<std::optional<Shape>>& shapes) {
  auto one = [](const std::optional<Shape>& s) { return s ? shape_text(*s) : std::string("?"); };
  if (shapes.empty()) return "?";
  if (shapes.size() == 1) return one(shapes[0]);
  std::string out = "[";
  for (size_t i = 0; i < shapes.size(); ++i) out += (i ? ", " : "") + one(shapes[i]);
  return out + "]";
}

// The activation's name as Keras's get_layer_activation_name gives it ("relu", "linear" for None); nullopt for
// layers without an activation parameter.
std::optional<std::string> activation_of(const Node& node, const CatalogEntry* entry) {
  const ParamSpec* spec = entry ? entry->param("activation") : nullptr;
  if (!spec) return std::nullopt;
  Config a = node.params.contains("activation") ? node.params.at("activation") : spec->default_value;
  if (a.is_null()) return "linear";
  if (a.is_object() && a.contains("class_name")) a = a.at("class_name");
  return a.is_string() ? a.get<std::string>() : "?";
}

bool trainable(const Node& node) {
  auto it = node.params.find("trainable");
  return it == node.params.end() || !it->is_boolean() || it->get<bool>();
}

std::string field(const std::string& caption, const std::string& value) {
  return std::string("<font color=\"") + kMuted + "\">" + caption + ": </font><b>" + escape_html(value) + "</b>";
}

struct LabelFacts {
  const Node& node;
  const CatalogEntry* entry;  // null: a type the catalog does not know
  std::vector<std::optional<Shape>> inputs, outputs;
  int64_t params = 0;
};

// An HTML-like label (https://graphviz.org/doc/info/shapes.html#html): the header, then a body table whose
// rows and cells are parted by thin rules. The body is one white cell holding its own table, so cells never
// show the dark frame through the sub-pixel gaps between them.
std::string layer_label(const LabelFacts& f, const DiagramOptions& o) {
  std::vector<std::string> row;  // the cells of the shape row, side by side as in Keras
  if (o.show_shapes) {
    if (!(f.entry && f.entry->is_input()))  // Keras draws no input shape for an InputLayer
      row.push_back("<td>" + field("Input shape", shapes_text(f.inputs)) + "</td>");
    row.push_back("<td>" + field("Output shape", shapes_text(f.outputs)) + "</td>");
  }
  if (o.show_trainable && f.params > 0) {
    bool on = trainable(f.node);
    // Coloured words, not a coloured cell: a filled corner cell would stick out of the rounded frame.
    row.push_back("<td><font color=\"" + std::string(on ? kTrainable : kFrozen) + "\"><b>" +
                  (on ? "Trainable" : "Non-trainable") + "</b></font></td>");
  }
  std::optional<std::string> activation;
  if (o.show_layer_activations) activation = activation_of(f.node, f.entry);

  std::string body;
  if (activation)
    body += "<tr><td colspan=\"" + std::to_string(std::max<size_t>(1, row.size())) + "\">" +
            field("Activation", *activation) + "</td></tr>";
  if (activation && !row.empty()) body += "<hr/>";
  if (!row.empty()) {
    body += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) body += (i ? "<vr/>" : "") + row[i];
    body += "</tr>";
  }

  const std::string type = escape_html(f.node.type), name = escape_html(f.node.name);
  // An unknown type, and a unit (a nested model, as Keras draws one), say which node they are.
  const bool named = o.show_layer_names || !f.entry || f.entry->is_unit();
  std::string header = named ? "<b>" + name + "</b>  (" + type + ")" : "<b>" + type + "</b>";
  std::string label = std::string("<<table border=\"1\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"7\" ") +
                      "style=\"rounded\" color=\"" + kInk + "\" bgcolor=\"" + kInk + "\">";
  label += "<tr><td><font color=\"white\" point-size=\"13\">" + header + "</font></td></tr>";
  if (!body.empty())
    label += std::string("<tr><td cellpadding=\"0\" bgcolor=\"") + kPaper + "\"><table border=\"0\" cellborder=\"0\" " +
             "cellspacing=\"0\" cellpadding=\"7\" color=\"" + kRule + "\">" + body + "</table></td></tr>";
  return label + "</table>>";
}

std::string quoted_id(int id) { return "\"n" + std::to_string(id) + "\""; }

// Graphviz 2.42 reads out of bounds when two components of one graph both carry ordering constraints (see
// layout.cpp), so only the first component with a merge keeps its inputs in port order.
std::set<int> ordered_merges(const std::vector<int>& nodes, const std::vector<const Edge*>& edges) {
  std::map<int, int> parent, inputs;
  for (int id : nodes) parent[id] = id;
  auto root = [&](int id) {
    while (parent[id] != id) id = parent[id] = parent[parent[id]];
    return id;
  };
  for (const Edge* e : edges) {
    parent[root(e->from.node)] = root(e->to.node);
    if (e->from.node != e->to.node) ++inputs[e->to.node];
  }
  std::set<int> ordered;
  std::optional<int> component;
  for (int id : nodes) {
    if (inputs[id] < 2) continue;
    if (!component) component = root(id);
    if (root(id) == *component) ordered.insert(id);
  }
  return ordered;
}

}  // namespace

std::string diagram_dot(const ProjectData& project, const DiagramOptions& options) {
  if (options.rankdir != "TB" && options.rankdir != "LR")
    throw ValueError("Diagram direction '" + options.rankdir +
                     "' is not known: use TB (top to bottom) or LR (left to right).");
  CheckReport report;
  try {
    report = check(project);
  } catch (const std::exception&) {
    // A graph the checks cannot read (a node type from a newer Cornu) still gets a diagram, with "?" shapes.
  }
  auto output_shape = [&](const Port& from) -> std::optional<Shape> {
    auto it = report.nodes.find(from.node);
    if (it == report.nodes.end() || from.port < 0 || from.port >= static_cast<int>(it->second.outputs.size()))
      return std::nullopt;
    return it->second.outputs[static_cast<size_t>(from.port)];
  };

  // The layers drawn (every node but Output, in document order) and the edges between them, by port.
  std::map<int, const Node*> drawn;
  std::vector<int> order;
  for (const Node& n : project.graph.nodes) {
    if (n.type == kOutputType || drawn.count(n.id)) continue;
    drawn[n.id] = &n;
    order.push_back(n.id);
  }
  std::vector<const Edge*> edges;
  for (const Edge& e : project.graph.edges)
    if (drawn.count(e.from.node) && drawn.count(e.to.node)) edges.push_back(&e);
  std::stable_sort(edges.begin(), edges.end(), [](const Edge* a, const Edge* b) {
    return std::tie(a->to.node, a->to.port) < std::tie(b->to.node, b->to.port);
  });
  const std::set<int> ordered = ordered_merges(order, edges);
  std::map<int, std::vector<std::optional<Shape>>> arriving;  // by node, in port order
  for (const Edge* e : edges) arriving[e->to.node].push_back(output_shape(e->from));

  std::string dot = "digraph model {\n";
  dot += "  graph [rankdir=" + options.rankdir + ", nodesep=0.35, ranksep=0.45, pad=0.25, bgcolor=\"white\", " +
         "fontname=\"" + kFont + "\"];\n";
  dot += std::string("  node [shape=plain, fontname=\"") + kFont + "\", fontsize=11];\n";
  dot += std::string("  edge [color=\"") + kInk + "\", penwidth=1.4, arrowsize=0.7];\n";
  for (int id : order) {
    const Node& n = *drawn.at(id);
    LabelFacts facts{n, catalog().find(n.type), arriving[id], {}, 0};
    if (auto it = report.nodes.find(id); it != report.nodes.end()) {
      for (const Shape& s : it->second.outputs) facts.outputs.emplace_back(s);
      facts.params = it->second.params;
    }
    dot += "  " + quoted_id(id) + " [label=" + layer_label(facts, options) +
           (ordered.count(id) ? ", ordering=in" : "") + "];\n";
  }
  for (const Edge* e : edges) dot += "  " + quoted_id(e->from.node) + " -> " + quoted_id(e->to.node) + ";\n";
  return dot + "}\n";
}

namespace {

std::string graphviz_messages;  // what Graphviz reported during the current render (guarded by the lock)

int collect_message(char* message) {
  graphviz_messages += message;
  return 0;
}

std::string lowercase_extension(const std::string& path) {
  auto slash = path.find_last_of('/'), dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

// Graphviz state for one render, freed on every path, exceptions included.
struct Render {
  agusererrf previous_handler = agseterrf(collect_message);  // keep Graphviz off stderr; report on failure
  GVC_t* gvc = nullptr;
  Agraph_t* graph = nullptr;
  char* bytes = nullptr;
  ~Render() {
    if (bytes) gvFreeRenderData(bytes);
    if (graph) {
      gvFreeLayout(gvc, graph);
      agclose(graph);
    }
    if (gvc) gvFreeContext(gvc);
    agseterrf(previous_handler);
  }
};

[[noreturn]] void graphviz_failed(const std::string& what) {
  std::string why = graphviz_messages;  // Graphviz's own lines, made one sentence
  std::replace(why.begin(), why.end(), '\n', ' ');
  while (!why.empty() && why.back() == ' ') why.pop_back();
  throw Error("Graphviz could not " + what + " the diagram (" + (why.empty() ? "no reason given" : why) +
              "). If it names a missing plugin, reinstall libgvc6 (sudo apt-get install --reinstall libgvc6).");
}

}  // namespace

std::string render_diagram(const ProjectData& project, const std::string& format, const DiagramOptions& options) {
  if (format != "svg" && format != "png")
    throw ValueError("Diagrams are drawn as svg or png, not '" + format + "'.");
  if (!(options.dpi >= 36 && options.dpi <= 600))
    throw ValueError("A diagram's resolution must be from 36 to 600 dpi, got " + std::to_string(options.dpi) + ".");
  std::string dot = diagram_dot(project, options);

  std::lock_guard lock(graphviz_mutex());
  graphviz_messages.clear();
  Render r;
  static const lt_symlist_t builtins[] = {{"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
                                          {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
                                          {"gvplugin_pango_LTX_library", &gvplugin_pango_LTX_library},
                                          {nullptr, nullptr}};
  r.gvc = gvContextPlugins(builtins, 0);  // 0: no demand loading, so no config file is read
  r.graph = agmemread(dot.c_str());
  if (!r.graph) graphviz_failed("read");
  // The resolution of the PNG only: Graphviz 2.42 scales an SVG's content but not its viewBox by the dpi.
  if (format == "png") {
    std::string dpi = std::to_string(options.dpi);
    agattr(r.graph, AGRAPH, const_cast<char*>("dpi"), dpi.data());
  }
  if (gvLayout(r.gvc, r.graph, "dot") != 0) graphviz_failed("lay out");
  if (format == "png") {
    // Cairo draws at most 32767 pixels a side; past that it shrinks the image itself and says so on stderr.
    // Lower the resolution of a huge diagram to fit instead (the bounding box is in points, 72 per inch).
    const boxf box = GD_bb(r.graph);
    const double points = std::max(box.UR.x - box.LL.x, box.UR.y - box.LL.y) + 72;  // + the pad
    if (points * GD_drawing(r.graph)->dpi / 72 > 32000) GD_drawing(r.graph)->dpi = 32000 * 72 / points;
  }
  unsigned int length = 0;
  // Named renderers: SVG from `core` (text as text), PNG through cairo with anti-aliased DejaVu text.
  const char* renderer = format == "png" ? "png:cairo" : "svg:svg:core";
  if (gvRenderData(r.gvc, r.graph, renderer, &r.bytes, &length) != 0 || !r.bytes || length == 0)
    graphviz_failed("render");
  return std::string(r.bytes, length);
}

void export_diagram(const ProjectData& project, const std::string& path, const DiagramOptions& options) {
  const std::string ext = lowercase_extension(path);
  if (ext != "svg" && ext != "png")
    throw ValueError("Cannot export a diagram to '" + path + "': name the file .svg (vector, for the web and " +
                     "papers) or .png (image).");
  write_file_atomically(path, render_diagram(project, ext, options));
}

}  // namespace cornu::nodes
