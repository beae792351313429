// Units: a group of layers used as one, a nested model (Keras nests a Model in a Model the same way). The
// unit's body is a graph of its own: its InputLayer nodes are the unit's input ports and its Output nodes
// (which carry no loss) its output ports, both in the body's node order. Plain data transforms here;
// Document (document.h) wraps them in undoable commands.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/shape.h"
#include "nodes/graph.h"

namespace cornu::nodes {

// How deep units may nest (a unit in a unit...): keeps files within the loader's JSON depth limit.
inline constexpr int kMaxUnitDepth = 8;

bool is_unit(const Node& node);
// The body of a unit; throws ValueError for any other node.
const Graph& body_of(const Node& unit);
Graph& body_of(Node& unit);
// The body's InputLayer / Output nodes, in node order: port i is the i-th.
std::vector<const Node*> unit_inputs(const Graph& body);
std::vector<const Node*> unit_outputs(const Graph& body);
// Levels of units in the graph: 0 without units, 1 with units holding none, ...
int unit_depth(const Graph& graph);
// The largest node id in the graph and every body within it (0 when empty).
int largest_node_id(const Graph& graph);

// "dense", "dense_1", ...: the first Keras-style name for a node of `type` that `taken` does not refuse.
std::string free_name(const std::string& type, const std::function<bool(const std::string&)>& taken);
// A name not taken, made from `name` ("dense_3" -> "dense_4"...), for nodes moved or pasted into a graph.
std::string renamed(const std::string& name, const std::string& type, const std::function<bool(const std::string&)>& taken);

// Input batch_shape as the InputLayer takes it: (None, 28, 28) -> [null, 28, 28].
Config batch_shape_config(const Shape& shape);

// Grouping the selected nodes of `graph` into a new unit (see Document::group_into_unit). `shape_of` gives
// the known output shape of an outside port feeding the selection (nullptr: unknown); `next_id` hands out
// ids for the unit and the Input and Output nodes made inside it. Throws ValueError with the reason.
struct Grouping {
  Node unit;
  std::vector<Edge> outer_edges;  // the outside connections, rewired to the unit's ports
};
Grouping group_nodes(const Graph& graph, const std::vector<int>& ids, const std::string& unit_name,
                     const std::function<const Shape*(Port)>& shape_of, const std::function<int()>& next_id);

// The inverse: the unit's layers as nodes of `graph` (new ids from `next_id`, names made unique against
// `taken`, positions moved to where the unit is) and the connections that replace the unit's.
struct Ungrouping {
  std::vector<Node> nodes;
  std::vector<Edge> edges;
};
Ungrouping ungroup_nodes(const Graph& graph, int unit_id, const std::function<bool(const std::string&)>& taken,
                         const std::function<int()>& next_id);

}  // namespace cornu::nodes
