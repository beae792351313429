// Document: grouping layers into units, ungrouping them, and opening a unit in place (the scope).
#include <algorithm>
#include <set>

#include "core/error.h"
#include "nodes/checks.h"
#include "nodes/commands.h"
#include "nodes/document.h"
#include "nodes/units.h"

namespace cornu::nodes {

int Document::group_into_unit(const std::vector<int>& ids, const std::string& name) {
  std::vector<int> unique;
  for (int id : ids)
    if (std::find(unique.begin(), unique.end(), id) == unique.end()) unique.push_back(at(id).id);
  Graph selection;
  for (int id : unique) selection.nodes.push_back(at(id));
  if (scope_.size() + 1 + static_cast<size_t>(unit_depth(selection)) > static_cast<size_t>(kMaxUnitDepth))
    throw ValueError("Units nest at most " + std::to_string(kMaxUnitDepth) + " deep, and this unit would go deeper. " +
                     "Ungroup one of the units inside the selection first.");
  const std::string unit_name = name.empty() ? unique_name(kUnitType) : name;
  if (!valid_layer_name(unit_name))
    throw ValueError("'" + unit_name + "' cannot name a unit: use letters, digits, '_', '.' or '-' (at most 128).");
  if (node_named(unit_name)) throw ValueError("A layer called '" + unit_name + "' exists already: names must be unique.");

  const CheckReport report = check(data_, scope_);  // the shapes flowing into the selection
  auto shape_of = [&](Port p) -> const Shape* {
    auto it = report.nodes.find(p.node);
    if (it == report.nodes.end() || p.port >= static_cast<int>(it->second.outputs.size())) return nullptr;
    return &it->second.outputs[static_cast<size_t>(p.port)];
  };
  int next = next_id_;
  Grouping grouping = group_nodes(graph(), unique, unit_name, shape_of, [&next] { return next++; });
  next_id_ = next;
  const int unit_id = grouping.unit.id;
  auto* macro = new MacroCommand(*this, "Group into " + QString::fromStdString(unit_name));
  new RemoveCommand(*this, unique, macro);
  new AddCommand(*this, "", {std::move(grouping.unit)}, std::move(grouping.outer_edges), macro);
  undo_.push(macro);
  return unit_id;
}

std::vector<int> Document::ungroup_unit(int id) {
  const Node& unit = at(id);
  if (!is_unit(unit)) throw ValueError("'" + unit.name + "' is not a unit: there is nothing to ungroup.");
  const std::string unit_name = unit.name;
  auto taken = [&](const std::string& name) {
    const Node* n = node_named(name);
    return n && n->id != id;  // the unit's own name is free once it is gone
  };
  int next = next_id_;
  Ungrouping u = ungroup_nodes(graph(), id, taken, [&next] { return next++; });
  next_id_ = next;
  std::vector<int> ids;
  for (const auto& n : u.nodes) ids.push_back(n.id);
  auto* macro = new MacroCommand(*this, "Ungroup " + QString::fromStdString(unit_name));
  new RemoveCommand(*this, {id}, macro);
  new AddCommand(*this, "", std::move(u.nodes), std::move(u.edges), macro);
  undo_.push(macro);
  return ids;
}

void Document::enter_unit(int id) {
  const Node& n = at(id);
  if (!is_unit(n)) throw ValueError("'" + n.name + "' is not a unit: only a unit opens to show the layers inside it.");
  std::vector<int> inner = scope_;
  inner.push_back(id);
  set_scope_raw(inner);
}

void Document::leave_unit() {
  if (scope_.empty()) return;
  std::vector<int> outer = scope_;
  outer.pop_back();
  set_scope_raw(outer);
}

std::string Document::scope_title() const {
  std::string title = data_.settings.model_name.empty() ? "model" : data_.settings.model_name;
  const Graph* g = &data_.graph;
  for (int id : scope_) {
    auto it = std::find_if(g->nodes.begin(), g->nodes.end(), [id](const Node& n) { return n.id == id; });
    title += " \u203a " + it->name;
    g = &body_of(*it);
  }
  return title;
}

void Document::set_scope_raw(const std::vector<int>& scope) {
  if (scope == scope_) return;
  scope_ = scope;
  emit scope_changed();
  emit changed();
}

}  // namespace cornu::nodes
