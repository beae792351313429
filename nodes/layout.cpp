#include "nodes/layout.h"

#include <gvc.h>
#include <gvplugin.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <string>
#include <tuple>

#include "core/error.h"

// Linked in (nodes/CMakeLists.txt) and handed to Graphviz as a preloaded plugin: gvContext() would find it only
// through the config6a file that libgvc6's install script generates, and without that file (script not run,
// GVBINDIR pointing elsewhere) the "dot" layout silently does not exist.
extern "C" gvplugin_library_t gvplugin_dot_layout_LTX_library;

namespace cornu::nodes {
namespace {

std::string graphviz_messages;  // what Graphviz reported during the current call (guarded by the mutex)

int collect_message(char* message) {
  graphviz_messages += message;
  return 0;
}

// Graphviz state for one call, freed on every path, exceptions included.
struct Context {
  GVC_t* gvc = nullptr;
  agusererrf previous_handler = agseterrf(collect_message);  // keep Graphviz off stderr; report on failure
  ~Context() {
    if (gvc) gvFreeContext(gvc);
    agseterrf(previous_handler);
  }
};
struct Graph {
  GVC_t* gvc;
  Agraph_t* g = agopen(const_cast<char*>("cornu"), Agdirected, nullptr);
  ~Graph() {
    gvFreeLayout(gvc, g);  // also right after a failed layout, and a no-op before any
    agclose(g);
  }
};

// cgraph takes `char*` for names and values it only reads (and copies).
Agsym_t* attr(Agraph_t* g, int kind, const char* name, const std::string& value) {
  return agattr(g, kind, const_cast<char*>(name), const_cast<char*>(value.c_str()));
}
void put(void* object, Agsym_t* attribute, const std::string& value) {
  agxset(object, attribute, const_cast<char*>(value.c_str()));
}

std::string inches(double pixels) { return std::to_string(pixels / 72.0); }  // 1 scene pixel = 1 point

// Lays out one connected graph; returns card centres in Graphviz points (y up).
std::map<int, pointf> layout_connected(GVC_t* gvc, const std::vector<LayoutBox>& boxes,
                                       const std::vector<LayoutEdge>& edges, const LayoutOptions& options) {
  Graph graph{gvc};
  Agraph_t* g = graph.g;
  attr(g, AGRAPH, "rankdir", "TB");
  attr(g, AGRAPH, "nodesep", inches(std::max(options.node_gap, 0.0)));
  attr(g, AGRAPH, "ranksep", inches(std::max(options.rank_gap, 0.0)));
  attr(g, AGRAPH, "splines", "");  // no edge routing: the canvas draws its own wires, and routing is the slow part
  attr(g, AGNODE, "shape", "box");
  attr(g, AGNODE, "fixedsize", "true");
  attr(g, AGNODE, "label", "");  // sizes are given, so no text measuring (which needs fonts) is wanted
  Agsym_t* width = attr(g, AGNODE, "width", "1");
  Agsym_t* height = attr(g, AGNODE, "height", "1");
  Agsym_t* ordering = attr(g, AGNODE, "ordering", "");

  std::map<int, Agnode_t*> nodes;
  for (const LayoutBox& box : boxes) {
    std::string name = std::to_string(box.id);
    Agnode_t* n = nodes[box.id] = agnode(g, name.data(), 1);
    put(n, width, inches(box.width));
    put(n, height, inches(box.height));
  }
  // With ordering=in, dot keeps a node's incoming edges left to right in creation order, and the edges come
  // sorted by port. (Graphviz 2.42 leaks the helper edges this adds, about 16 bytes per merge input.)
  std::map<int, int> inputs;
  for (const LayoutEdge& e : edges) {
    agedge(g, nodes[e.from], nodes[e.to], nullptr, 1);
    if (e.from != e.to && ++inputs[e.to] == 2) put(nodes[e.to], ordering, "in");
  }

  if (gvLayout(gvc, g, "dot") != 0) {
    std::string why = graphviz_messages;  // Graphviz's own lines, e.g. "Error: ...\n", made one sentence
    std::replace(why.begin(), why.end(), '\n', ' ');
    while (!why.empty() && why.back() == ' ') why.pop_back();
    throw Error("Graphviz dot could not lay out the graph (" + (why.empty() ? "no reason given" : why) +
                "). Arrange the cards by hand; if Graphviz names a missing plugin, reinstall libgvc6 "
                "(sudo apt-get install --reinstall libgvc6).");
  }
  std::map<int, pointf> centres;
  for (auto [id, n] : nodes) centres[id] = ND_coord(n);
  return centres;
}

}  // namespace

std::mutex& graphviz_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<int, LayoutPoint> layout_dot(const std::vector<LayoutBox>& boxes, const std::vector<LayoutEdge>& edges,
                                      const LayoutOptions& options) {
  if (boxes.empty()) return {};
  // Weakly connected components (union-find), each laid out on its own: Graphviz 2.42 reads out of bounds
  // when two components of one graph both carry ordering constraints.
  std::map<int, int> parent;
  auto root = [&](int id) {
    while (parent[id] != id) id = parent[id] = parent[parent[id]];
    return id;
  };
  for (const LayoutBox& box : boxes)
    if (!parent.emplace(box.id, box.id).second)
      throw ValueError("layout_dot: box id " + std::to_string(box.id) + " appears twice; ids must be unique.");
  for (const LayoutEdge& e : edges) {
    if (!parent.count(e.from) || !parent.count(e.to))
      throw ValueError("layout_dot: an edge joins box " + std::to_string(e.from) + " to box " + std::to_string(e.to) +
                       ", but only boxes passed to layout_dot may be joined.");
    parent[root(e.from)] = root(e.to);
  }
  std::vector<int> order;  // component roots, in order of first appearance
  std::map<int, std::vector<LayoutBox>> component_boxes;
  std::map<int, std::vector<LayoutEdge>> component_edges;
  for (const LayoutBox& box : boxes) {
    auto& list = component_boxes[root(box.id)];
    if (list.empty()) order.push_back(root(box.id));
    list.push_back(box);
  }
  std::vector<LayoutEdge> sorted = edges;
  std::stable_sort(sorted.begin(), sorted.end(), [](const LayoutEdge& a, const LayoutEdge& b) {
    return std::tie(a.to, a.to_port) < std::tie(b.to, b.to_port);
  });
  for (const LayoutEdge& e : sorted) component_edges[root(e.to)].push_back(e);

  std::lock_guard lock(graphviz_mutex());
  graphviz_messages.clear();
  Context context;
  static const lt_symlist_t builtins[] = {{"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
                                          {nullptr, nullptr}};
  context.gvc = gvContextPlugins(builtins, 0);  // 0: no demand loading, so no config file is read

  // Components side by side, tops aligned; Graphviz gives centres in points with y up, the scene wants
  // top-left corners with y down.
  std::map<int, LayoutPoint> result;
  double left = 0;
  for (int component : order) {
    const std::vector<LayoutBox>& members = component_boxes[component];
    std::map<int, pointf> centres = layout_connected(context.gvc, members, component_edges[component], options);
    double min_x = std::numeric_limits<double>::max(), min_y = min_x, max_x = -min_x;
    for (const LayoutBox& box : members) {
      LayoutPoint p{centres[box.id].x - box.width / 2, -centres[box.id].y - box.height / 2};
      min_x = std::min(min_x, p.x), min_y = std::min(min_y, p.y), max_x = std::max(max_x, p.x + box.width);
      result[box.id] = p;
    }
    for (const LayoutBox& box : members) {
      LayoutPoint& p = result[box.id];
      p = {std::round(left + p.x - min_x), std::round(p.y - min_y)};
    }
    left = std::round(left + max_x - min_x + std::max(options.node_gap, 0.0));
  }
  return result;
}

}  // namespace cornu::nodes
