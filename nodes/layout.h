// Automatic layout of the node graph with Graphviz `dot`. Plain C++: no Qt, so it is testable on its own.
#pragma once
#include <map>
#include <mutex>
#include <vector>

namespace cornu::nodes {

struct LayoutBox { int id = 0; double width = 200, height = 72; };   // a node card, in scene pixels
struct LayoutEdge { int from = 0, to = 0; int to_port = 0; };        // output of `from` feeds input port `to_port` of `to`
struct LayoutPoint { double x = 0, y = 0; };                          // top-left corner of a card, y grows downward (Qt scene)
struct LayoutOptions { double node_gap = 40, rank_gap = 60; };

// Lays the graph out top to bottom with Graphviz `dot`: edges point down, cards never overlap, the result's
// top-left is at (0,0) and positions are whole pixels. Inputs of a merge node keep their port order left to
// right. Works on graphs with cycles (dot breaks them) and with isolated nodes. Throws cornu::ValueError
// (engine/core/error.h) for a repeated box id or an edge naming an unknown box, and cornu::Error with an
// actionable message if Graphviz cannot lay out. Thread-safe (Graphviz itself is not: calls are serialised).
std::map<int, LayoutPoint> layout_dot(const std::vector<LayoutBox>& boxes, const std::vector<LayoutEdge>& edges,
                                      const LayoutOptions& options = {});

// Graphviz keeps global state and is not thread-safe: every call into it (layout, diagrams) holds this lock.
std::mutex& graphviz_mutex();

}  // namespace cornu::nodes
