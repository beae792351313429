#include "nodes/commands.h"

#include <algorithm>
#include <set>

namespace cornu::nodes {

namespace {
// For undo-menu texts; a node a composite has not added yet has no name to show.
QString name_of(const Document& doc, int id) {
  const Node* n = doc.node(id);
  return n ? QString::fromStdString(n->name) : QStringLiteral("new layer");
}
}  // namespace

void EditCommand::redo() {
  if (notify_) doc_.set_scope_raw(scope_);
  apply();
  QUndoCommand::redo();  // children, in order
  if (notify_) emit doc_.changed();
}

void EditCommand::undo() {
  if (notify_) doc_.set_scope_raw(scope_);
  QUndoCommand::undo();  // children, in reverse order
  revert();
  if (notify_) emit doc_.changed();
}

AddCommand::AddCommand(Document& doc, const QString& text, std::vector<Node> nodes, std::vector<Edge> edges,
                       QUndoCommand* parent)
    : EditCommand(doc, text, parent), nodes_(std::move(nodes)), edges_(std::move(edges)) {
  // Merge inputs are contiguous: wire each node's ports in increasing order so none shifts another.
  std::stable_sort(edges_.begin(), edges_.end(), [](const Edge& a, const Edge& b) {
    return a.to.node != b.to.node ? a.to.node < b.to.node : a.to.port < b.to.port;
  });
}

void AddCommand::apply() {
  for (const auto& n : nodes_) doc_.insert_node_at(doc_.nodes().size(), n);
  for (const auto& e : edges_) doc_.insert_edge_at(doc_.edges().size(), e);
}

void AddCommand::revert() {
  for (auto e = edges_.rbegin(); e != edges_.rend(); ++e) doc_.take_edge(*e, nullptr);
  for (auto n = nodes_.rbegin(); n != nodes_.rend(); ++n) doc_.take_node(n->id, nullptr);
}

RemoveCommand::RemoveCommand(Document& doc, std::vector<int> ids, QUndoCommand* parent)
    : EditCommand(doc, ids.size() == 1 ? "Delete " + QString::fromStdString(doc.at(ids[0]).name)
                                       : QString("Delete %1 nodes").arg(ids.size()),
                  parent),
      ids_(std::move(ids)) {}

void RemoveCommand::apply() {
  removed_nodes_.clear(), removed_edges_.clear();
  const std::set<int> ids(ids_.begin(), ids_.end());
  // From the back, so the recorded indices stay valid; taking an input of a merge layer renumbers the later
  // inputs, which revert() undoes by putting the edges back in the reverse order.
  for (size_t i = doc_.edges().size(); i-- > 0;) {
    const Edge& e = doc_.edges()[i];
    if (ids.count(e.from.node) || ids.count(e.to.node)) removed_edges_.emplace_back(i, doc_.take_edge_at(i));
  }
  for (int id : ids_) {
    size_t index = 0;
    Node n = doc_.take_node(id, &index);
    removed_nodes_.emplace_back(index, std::move(n));
  }
}

void RemoveCommand::revert() {
  for (auto n = removed_nodes_.rbegin(); n != removed_nodes_.rend(); ++n) doc_.insert_node_at(n->first, n->second);
  for (auto e = removed_edges_.rbegin(); e != removed_edges_.rend(); ++e) doc_.insert_edge_at(e->first, e->second);
}

ConnectCommand::ConnectCommand(Document& doc, Edge edge, QUndoCommand* parent)
    : EditCommand(doc, "Connect " + name_of(doc, edge.from.node) + " to " + name_of(doc, edge.to.node), parent),
      edge_(edge) {}

void ConnectCommand::apply() {
  replaced_.reset();
  if (!doc_.catalog_entry(edge_.to.node).variadic()) {
    for (const auto& e : doc_.edges())
      if (e.to == edge_.to) {
        size_t index = 0;
        Edge old = doc_.take_edge(e, &index);
        replaced_ = std::make_pair(index, old);
        break;
      }
  }
  doc_.insert_edge_at(doc_.edges().size(), edge_);
}

void ConnectCommand::revert() {
  doc_.take_edge(edge_, nullptr);
  if (replaced_) doc_.insert_edge_at(replaced_->first, replaced_->second);
}

DisconnectCommand::DisconnectCommand(Document& doc, Edge edge, QUndoCommand* parent)
    : EditCommand(doc, "Disconnect " + name_of(doc, edge.to.node), parent), edge_(edge) {}

void DisconnectCommand::apply() { doc_.take_edge(edge_, &index_); }
void DisconnectCommand::revert() { doc_.insert_edge_at(index_, edge_); }

SetParamCommand::SetParamCommand(Document& doc, int id, std::string key, std::optional<Config> value, int gesture)
    : EditCommand(doc, "Set " + QString::fromStdString(key) + " of " + QString::fromStdString(doc.at(id).name)),
      node_(id),
      key_(std::move(key)),
      new_(std::move(value)),
      gesture_(gesture) {
  const Config& params = doc.at(id).params;
  if (params.contains(key_)) old_ = params.at(key_);
}

bool SetParamCommand::mergeWith(const QUndoCommand* other) {
  auto* o = dynamic_cast<const SetParamCommand*>(other);
  if (!o || o->gesture_ != gesture_ || o->node_ != node_ || o->key_ != key_) return false;
  new_ = o->new_;
  return true;
}

RenameCommand::RenameCommand(Document& doc, int id, std::string name)
    : EditCommand(doc, "Rename " + QString::fromStdString(doc.at(id).name) + " to " + QString::fromStdString(name)),
      node_(id),
      old_(doc.at(id).name),
      new_(std::move(name)) {}

MoveCommand::MoveCommand(Document& doc, const std::vector<std::pair<int, Point>>& positions, int gesture)
    : EditCommand(doc, positions.size() == 1 ? "Move " + QString::fromStdString(doc.at(positions[0].first).name)
                                             : QString("Move %1 nodes").arg(positions.size())),
      gesture_(gesture) {
  for (const auto& [id, to] : positions) {
    const Node& n = doc.at(id);
    moves_[id] = {{n.x, n.y}, to};
  }
}

bool MoveCommand::mergeWith(const QUndoCommand* other) {
  auto* o = dynamic_cast<const MoveCommand*>(other);
  if (!o || o->gesture_ != gesture_) return false;
  for (const auto& [id, move] : o->moves_) {
    auto it = moves_.find(id);
    if (it == moves_.end()) moves_[id] = move;
    else it->second.second = move.second;
  }
  return true;
}

void MoveCommand::apply() {
  for (const auto& [id, move] : moves_) doc_.set_position_raw(id, move.second.first, move.second.second);
}

void MoveCommand::revert() {
  for (const auto& [id, move] : moves_) doc_.set_position_raw(id, move.first.first, move.first.second);
}

SettingsCommand::SettingsCommand(Document& doc, Settings settings, int gesture)
    : EditCommand(doc, "Change settings"), old_(doc.settings()), new_(std::move(settings)), gesture_(gesture) {}

bool SettingsCommand::mergeWith(const QUndoCommand* other) {
  auto* o = dynamic_cast<const SettingsCommand*>(other);
  if (!o || o->gesture_ != gesture_) return false;
  new_ = o->new_;
  return true;
}

}  // namespace cornu::nodes
