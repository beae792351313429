#include "ui/canvas.h"

#include <QApplication>
#include <QGraphicsPathItem>
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsTextItem>
#include <QKeyEvent>
#include <QMimeData>
#include <QPainter>
#include <QScrollBar>
#include <cmath>
#include <set>
#include <utility>

#include "core/error.h"
#include "nodes/catalog.h"
#include "nodes/units.h"
#include "ui/palette.h"

namespace cornu::ui {

using nodes::Document;
using nodes::Edge;
using nodes::Port;

namespace {

// The card's third line: the parameters worth seeing without opening the inspector.
std::string card_details(const Document& doc, const nodes::Node& node) {
  const nodes::CatalogEntry& entry = nodes::catalog().get(node.type);
  if (!node.shares.empty()) return "shares " + node.shares + "'s weights";
  std::string out;
  for (const auto& key : entry.card_params) {
    Config v = doc.param(node.id, key);
    if (v.is_null()) continue;
    if (v.is_object() && v.contains("class_name")) v = v.at("class_name");
    std::string text = v.is_string() ? v.get<std::string>() : v.dump();
    if (key == "activation" && text == "linear") continue;
    if (!out.empty()) out += " · ";
    out += key == "activation" || key == "loss" ? text : key + "=" + text;
  }
  if (entry.is_input() && node.params.contains("batch_shape") && node.params.at("batch_shape").is_array()) {
    out = "shape (";  // Keras's notation: (None, 28, 28)
    for (const auto& d : node.params.at("batch_shape")) out += (out.back() == '(' ? "" : ", ") + (d.is_null() ? "None" : d.dump());
    out += ")";
  }
  return out;
}

int output_ports_of(const Document& doc, int id) { return doc.output_ports(id); }

}  // namespace

// What a wire being dragged would do at the port under the cursor, in a bubble beside the cursor. It keeps
// its size on screen whatever the zoom, and wraps long reasons.
class WireHint : public QGraphicsTextItem {
 public:
  explicit WireHint(const CanvasColors& colors) : colors_(colors) {
    setFlag(ItemIgnoresTransformations);
    setZValue(6);
    setTextWidth(360);
    hide();
  }
  void show_text(const QString& text, bool refused) {
    setVisible(!text.isEmpty());
    refused_ = refused;
    setDefaultTextColor(refused ? colors_.error : colors_.text);
    setPlainText(text);
    setTextWidth(-1);  // shrink to short texts, wrap long ones
    if (boundingRect().width() > 360) setTextWidth(360);
  }
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override {
    p->setRenderHint(QPainter::Antialiasing);
    p->setPen(QPen(refused_ ? colors_.error : colors_.card_border, 1));
    p->setBrush(colors_.card);
    p->drawRoundedRect(boundingRect().adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
    QGraphicsTextItem::paint(p, option, widget);
  }
  // Below and to the right of the cursor, in screen pixels (the item ignores the view's zoom).
  void setPos(const QPointF& cursor) {
    QGraphicsTextItem::setPos(cursor);
    setTransform(QTransform::fromTranslate(18, 14));
  }

 private:
  const CanvasColors& colors_;
  bool refused_ = false;
};

namespace {

// Graphs up to this size probe the shapes of every port when a wire starts; larger ones probe on approach.
constexpr size_t kProbeAllPorts = 60;

}  // namespace

// Runs `edit` as one undo step. If it throws, whatever it pushed is undone before the exception goes on, so a
// refused edit never leaves half a change behind.
void undoable(Document& doc, const QString& text, const std::function<void()>& edit) {
  QUndoStack& stack = doc.undo_stack();
  const int before = stack.index();
  stack.beginMacro(text);
  try {
    edit();
  } catch (...) {
    stack.endMacro();
    if (stack.index() > before) stack.undo();
    throw;
  }
  stack.endMacro();
}

namespace {

}  // namespace

CanvasScene::CanvasScene(Document& doc, nodes::LiveChecks& checks, Selection& selection, QObject* parent)
    : QGraphicsScene(parent), doc_(doc), checks_(checks), selection_(selection) {
  // A fixed, huge scene: the view pans freely and never jumps when cards move past the edge.
  setSceneRect(-nodes::kMaxCoordinate, -nodes::kMaxCoordinate, 2 * nodes::kMaxCoordinate, 2 * nodes::kMaxCoordinate);
  setItemIndexMethod(QGraphicsScene::BspTreeIndex);
  colors_ = canvas_colors(QApplication::palette());
  connect(&doc_, &Document::changed, this, &CanvasScene::sync);
  // Node ids mean something only within one graph: opening or leaving a unit starts the scene afresh.
  // (changed() follows and rebuilds; the items go quietly so no old id reaches the shared selection.)
  connect(&doc_, &Document::scope_changed, this, [this] {
    clear_wire();
    syncing_ = true;
    for (EdgeItem* e : edges_) delete e;
    edges_.clear();
    drop_edge_ = nullptr;
    for (auto& [id, item] : nodes_) delete item;
    nodes_.clear();
    syncing_ = false;
    selection_.clear(this);
  });
  connect(&checks_, &nodes::LiveChecks::updated, this, &CanvasScene::apply_checks);
  connect(this, &QGraphicsScene::selectionChanged, this, &CanvasScene::push_selection);
  connect(&selection_, &Selection::changed, this, [this](QObject* origin) {
    if (origin != this) pull_selection();
  });
  sync();
}

CanvasScene::~CanvasScene() {
  syncing_ = true;  // items die with the scene: their deselection must not reach the shared selection
  clear_wire();
}

void CanvasScene::update_colors() {
  colors_ = canvas_colors(QApplication::palette());
  update();
}

NodeItem* CanvasScene::node_item(int id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second;
}

EdgeItem* CanvasScene::edge_item(const Edge& edge) const {
  for (EdgeItem* e : edges_)
    if (e->edge() == edge) return e;
  return nullptr;
}

EdgeItem* CanvasScene::edge_at(const QPointF& pos) const {
  for (QGraphicsItem* item : items(QRectF(pos - QPointF(6, 6), QSizeF(12, 12)), Qt::IntersectsItemShape))
    if (item->type() == EdgeItem::Type) return static_cast<EdgeItem*>(item);
  return nullptr;
}

NodeItem* CanvasScene::node_at(const QPointF& pos) const {
  // Port hit areas reach a little outside the card, so look in a small box, topmost first.
  for (QGraphicsItem* item : items(QRectF(pos - QPointF(2, 2), QSizeF(4, 4))))
    if (item->type() == NodeItem::Type) return static_cast<NodeItem*>(item);
  return nullptr;
}

std::vector<Edge> CanvasScene::selected_edges() const {
  std::vector<Edge> out;
  for (EdgeItem* e : edges_)
    if (e->isSelected()) out.push_back(e->edge());
  return out;
}

QRectF CanvasScene::content_rect() const {
  QRectF r;
  for (const auto& [id, item] : nodes_) r |= item->sceneBoundingRect();
  return r;
}

CardContent CanvasScene::content_for(const nodes::Node& node) const {
  const nodes::CatalogEntry& entry = nodes::catalog().get(node.type);
  CardContent c;
  c.type = entry.type;
  c.name = node.name;
  c.category = entry.category;
  c.details = card_details(doc_, node);
  c.inputs = doc_.input_ports(node.id) + (entry.variadic() ? 1 : 0);
  c.outputs = output_ports_of(doc_, node.id);
  if (const NodeItem* old = node_item(node.id)) {  // keep the badge until the checks rerun
    c.errors = old->content().errors, c.warnings = old->content().warnings, c.tooltip = old->content().tooltip;
  }
  return c;
}

void CanvasScene::sync() {
  clear_wire();  // the document changed under a wire being dragged (an undo, a delete): its ends may be gone
  syncing_ = true;
  std::set<int> alive;
  for (const auto& n : doc_.nodes()) {
    alive.insert(n.id);
    NodeItem* item = node_item(n.id);
    if (!item) {
      item = new NodeItem(n.id);
      item->set_colors(&colors_);
      addItem(item);
      nodes_[n.id] = item;
    }
    item->set_content(content_for(n));
    if (item->pos() != QPointF(n.x, n.y)) item->setPos(n.x, n.y);
  }
  // Connections touching a node that is gone go first (they point at its item).
  for (auto it = edges_.begin(); it != edges_.end();) {
    if (alive.count((*it)->edge().from.node) && alive.count((*it)->edge().to.node)) { ++it; continue; }
    if (*it == drop_edge_) drop_edge_ = nullptr;
    delete *it;
    it = edges_.erase(it);
  }
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    if (alive.count(it->first)) { ++it; continue; }
    delete it->second;
    it = nodes_.erase(it);
  }
  // Connections: kept when still there (an edit usually touches one or two), made for new ones.
  std::map<std::tuple<int, int, int, int>, EdgeItem*> old;
  for (EdgeItem* e : edges_) {
    const Edge& k = e->edge();
    old[{k.from.node, k.from.port, k.to.node, k.to.port}] = e;
  }
  edges_.clear();
  for (auto& [id, item] : nodes_) item->detach_all();
  for (const Edge& e : doc_.edges()) {
    NodeItem *a = node_item(e.from.node), *b = node_item(e.to.node);
    if (!a || !b) continue;
    auto it = old.find({e.from.node, e.from.port, e.to.node, e.to.port});
    EdgeItem* item;
    if (it != old.end()) {
      item = it->second;
      old.erase(it);
      a->attach(item);
      b->attach(item);
      item->update_path();  // a port may have moved (a merge layer gained an input)
    } else {
      item = new EdgeItem(e, a, b);
      item->set_colors(&colors_);
      addItem(item);
    }
    edges_.push_back(item);
  }
  for (auto& [key, item] : old) {
    if (item == drop_edge_) drop_edge_ = nullptr;
    delete item;
  }
  syncing_ = false;
  pull_selection();
  apply_checks();
}

void CanvasScene::apply_checks() {
  const nodes::CheckReport& report = checks_.report();
  std::map<int, CardContent> cards;
  for (auto& [id, item] : nodes_) {
    CardContent c = item->content();
    c.errors = c.warnings = 0;
    c.tooltip.clear();
    cards[id] = c;
  }
  std::map<std::pair<int, int>, QString> edge_problems;  // (to node, to port)
  for (const auto& p : report.problems) {
    const QString text = QString::fromStdString(p.message);
    if (p.edge) {
      QString& t = edge_problems[{p.edge->to.node, p.edge->to.port}];
      t += (t.isEmpty() ? "" : "\n") + text;
      continue;
    }
    auto it = cards.find(p.node);
    if (it == cards.end()) continue;  // model-wide problems go to the problems list only
    (p.severity == nodes::Severity::Error ? it->second.errors : it->second.warnings)++;
    it->second.tooltip += (it->second.tooltip.isEmpty() ? "" : "\n") +
                          QString(p.severity == nodes::Severity::Error ? "Error: " : "Warning: ") + text;
  }
  for (auto& [id, c] : cards) node_item(id)->set_content(c);
  for (EdgeItem* e : edges_) {
    const Edge& edge = e->edge();
    QString label;
    auto rep = report.nodes.find(edge.from.node);
    if (rep != report.nodes.end() && edge.from.port < static_cast<int>(rep->second.outputs.size()))
      label = QString::fromStdString(nodes::shape_text(rep->second.outputs[static_cast<size_t>(edge.from.port)]));
    auto problem = edge_problems.find({edge.to.node, edge.to.port});
    const bool error = problem != edge_problems.end();
    e->set_label(label.isEmpty() ? (error ? "?" : "") : label, error, error ? problem->second : label);
  }
}

void CanvasScene::push_selection() {
  if (syncing_) return;
  // While a rubber band is being dragged the selection changes on every mouse move: the other views (the
  // inspector rebuilds) hear about it once, on release.
  if (rubber_banding_) {
    selection_pending_ = true;
    return;
  }
  std::vector<int> ids;
  for (QGraphicsItem* item : selectedItems())
    if (item->type() == NodeItem::Type) ids.push_back(static_cast<NodeItem*>(item)->id());
  selection_.set(ids, this);
}

void CanvasScene::pull_selection() {
  const bool was = syncing_;
  syncing_ = true;
  for (auto& [id, item] : nodes_) item->setSelected(selection_.contains(id));
  for (EdgeItem* e : edges_)
    if (e->isSelected() && !selection_.empty()) e->setSelected(false);  // another view chose nodes
  syncing_ = was;
  // Ids of nodes that are gone (undo of a creation) leave the shared selection too.
  std::vector<int> ids;
  for (int id : selection_.ids())
    if (node_item(id)) ids.push_back(id);
  if (ids.size() != selection_.ids().size()) selection_.set(ids, this);
}

// --- connecting -------------------------------------------------------------------------------------------

bool CanvasScene::reaches(int from, int to) const {
  std::vector<int> stack{from};
  std::set<int> seen{from};
  while (!stack.empty()) {
    int n = stack.back();
    stack.pop_back();
    if (n == to) return true;
    for (const Edge& e : doc_.edges())
      if (e.from.node == n && seen.insert(e.to.node).second) stack.push_back(e.to.node);
  }
  return false;
}

CanvasScene::Target CanvasScene::target_for(Port from, Port to) {
  if (from.node == to.node) return {PortState::Refused, "A layer cannot feed itself."};
  if (ancestors_ ? ancestors_->count(to.node) > 0 : reaches(to.node, from.node))
    return {PortState::Refused, QString::fromStdString("This would make a loop: '" + doc_.at(to.node).name +
                                                       "' already feeds '" + doc_.at(from.node).name + "'.")};
  // Probe: the document with this connection, checked on the side. A shape that will not fit is shown (amber)
  // but allowed, because the user may be about to change the layer upstream; the problem then shows on it.
  nodes::ProjectData probe = doc_.data();
  nodes::Graph* graph = &probe.graph;  // the graph shown: the model, or the body of the unit opened
  for (int unit : doc_.scope())
    for (auto& n : graph->nodes)
      if (n.id == unit) {
        graph = &nodes::body_of(n);
        break;
      }
  auto& edges = graph->edges;
  const bool merge = nodes::catalog().get(doc_.at(to.node).type).variadic();
  if (!merge) edges.erase(std::remove_if(edges.begin(), edges.end(), [&](const Edge& e) { return e.to == to; }), edges.end());
  else
    for (Edge& e : edges)
      if (e.to.node == to.node && e.to.port >= to.port) ++e.to.port;
  const Edge added{from, to};
  edges.push_back(added);
  const nodes::CheckReport after = dry_run_checker_.check(probe, doc_.scope());
  // A mismatch is a layer that gets all the inputs it needs, each of a known shape, and still cannot say what
  // it outputs. A merge layer waiting for its second input is not one: that is a problem of the unfinished
  // graph, which the problems list already shows.
  auto report = after.nodes.find(to.node);
  if (report == after.nodes.end() || !report->second.outputs.empty()) return {PortState::Valid, {}};
  const int wired = static_cast<int>(std::count_if(edges.begin(), edges.end(), [&](const Edge& e) { return e.to.node == to.node; }));
  const int needed = std::max(1, nodes::catalog().get(doc_.at(to.node).type).min_inputs);
  for (const Edge& e : edges) {
    if (e.to.node != to.node) continue;
    auto source = after.nodes.find(e.from.node);
    if (source == after.nodes.end() || e.from.port >= static_cast<int>(source->second.outputs.size()))
      return {PortState::Valid, {}};  // an input of unknown shape: nothing to tell yet
  }
  if (wired < needed) return {PortState::Valid, {}};
  for (const auto& p : after.problems)
    if (p.severity == nodes::Severity::Error && (p.node == to.node || (p.edge && p.edge->to.node == to.node)))
      return {PortState::Mismatch, QString::fromStdString(p.message)};
  return {PortState::Mismatch, tr("'%1' cannot take these shapes.").arg(QString::fromStdString(doc_.at(to.node).name))};
}

void CanvasScene::start_wire(Port from, std::optional<Edge> lifted) {
  clear_wire();
  // Everything upstream of the source, once: a wire into any of them would close a loop.
  std::set<int> up{from.node};
  for (std::vector<int> stack{from.node}; !stack.empty();) {
    const int n = stack.back();
    stack.pop_back();
    for (const Edge& e : doc_.edges_into(n))
      if (up.insert(e.from.node).second) stack.push_back(e.from.node);
  }
  ancestors_ = std::move(up);
  Wire w;
  w.from = from;
  w.lifted = lifted;
  w.path = addPath(QPainterPath(), QPen(colors_.selection, 2.4, Qt::SolidLine, Qt::RoundCap));
  w.path->setZValue(5);
  w.hint = new WireHint(colors_);
  addItem(w.hint);
  // States for every input port. The shape probe (a check of the whole graph with the connection made) runs
  // for every port of small graphs; on larger ones only for the port the wire comes near.
  const bool probe_shapes = doc_.nodes().size() <= kProbeAllPorts;
  for (auto& [id, item] : nodes_) {
    std::map<int, PortState> states;
    for (int p = 0; p < item->content().inputs; ++p) {
      Target t;
      if (lifted && lifted->to == Port{id, p}) t = {PortState::Valid, {}};
      else if (probe_shapes) t = target_for(from, {id, p});
      else if (id == from.node || ancestors_->count(id)) t = target_for(from, {id, p});  // refused, with the reason
      else t = {PortState::Valid, {}, false};
      w.targets[{id, p}] = t;
      states[p] = t.state;
    }
    item->set_port_states(states);
  }
  wire_ = std::move(w);
}

void CanvasScene::update_wire(const QPointF& pos) {
  Wire& w = *wire_;
  QPointF end = pos;
  w.hover.reset();
  QString hint;
  if (NodeItem* n = node_at(pos)) {
    int port = n->input_port_at(pos);
    if (port < 0 && n->content().inputs == 1 && n->id() != w.from.node) port = 0;  // anywhere on a one-input card
    if (port >= 0) {
      Target& t = w.targets[{n->id(), port}];
      if (!t.probed) {  // a large graph: probe the shapes of this port now, once
        t = target_for(w.from, {n->id(), port});
        n->set_port_states({{port, t.state}});
      }
      w.hover = Port{n->id(), port};
      end = n->input_port_pos(port);
      hint = t.reason;
      if (t.state == PortState::Refused) hint = "Cannot connect: " + t.reason;
    }
  }
  const QPointF start = node_item(w.from.node)->output_port_pos(w.from.port);
  w.path->setPath(EdgeItem::wire_path(start, end));
  w.hint->show_text(hint, hint.startsWith("Cannot"));
  w.hint->setPos(pos);
}

void CanvasScene::finish_wire(const QPointF& pos) {
  update_wire(pos);
  const Port from = wire_->from;
  const std::optional<Edge> lifted = wire_->lifted;
  const std::optional<Port> hover = wire_->hover;
  const Target t = hover ? wire_->targets[{hover->node, hover->port}] : Target{};
  clear_wire();
  if (!hover) {
    if (lifted) {  // a wire lifted off its port and dropped on empty canvas
      try {
        doc_.disconnect(*lifted);
      } catch (const std::exception& e) {
        emit message(QString("Not disconnected: ") + e.what());
      }
    }
    return;
  }
  Port to = *hover;
  if (t.state == PortState::Refused) {
    emit message("Not connected: " + t.reason);
    return;
  }
  if (lifted && lifted->to == to) return;  // put back where it was
  // Lifting an input of a merge layer shifts its later inputs down by one: aim at the same port after the shift.
  if (lifted && lifted->to.node == to.node && nodes::catalog().get(doc_.at(to.node).type).variadic() &&
      to.port > lifted->to.port)
    --to.port;
  try {
    undoable(doc_, lifted ? "Move Connection" : "Connect", [&] {
      if (lifted) doc_.disconnect(*lifted);
      doc_.connect(from, to);
    });
  } catch (const std::exception& e) {
    emit message(QString("Not connected: ") + e.what());
    return;
  }
  if (t.state == PortState::Mismatch) emit message("Connected, but the shapes do not fit yet: " + t.reason);
}

bool CanvasScene::cancel_wire() {
  if (!wire_) return false;
  clear_wire();
  return true;
}

void CanvasScene::clear_wire() {
  if (!wire_) return;
  delete wire_->path;
  delete wire_->hint;
  wire_.reset();
  ancestors_.reset();
  for (auto& [id, item] : nodes_) item->set_port_states({});
}

// --- mouse ------------------------------------------------------------------------------------------------

void CanvasScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
  if (wire_) return event->accept();  // another button while wiring: ignored
  if (event->button() == Qt::RightButton) {  // the context menu acts on the card under the cursor
    if (NodeItem* n = node_at(event->scenePos()); n && !n->isSelected()) selection_.set({n->id()});
  }
  if (event->button() == Qt::LeftButton) {
    if (NodeItem* n = node_at(event->scenePos())) {
      const int out = n->output_port_at(event->scenePos());
      if (out >= 0) {
        start_wire({n->id(), out}, std::nullopt);
        update_wire(event->scenePos());
        event->accept();
        return;
      }
      const int in = n->input_port_at(event->scenePos());
      if (in >= 0) {  // dragging from a connected input lifts its wire off, as in Blender
        for (const Edge& e : doc_.edges())
          if (e.to == Port{n->id(), in}) {
            start_wire(e.from, e);
            update_wire(event->scenePos());
            event->accept();
            return;
          }
      }
    }
    NodeItem::snapping = true;
    moving_ = true;
    rubber_banding_ = !itemAt(event->scenePos(), QTransform());
  }
  QGraphicsScene::mousePressEvent(event);
}

void CanvasScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
  if (wire_) {
    update_wire(event->scenePos());
    event->accept();
    return;
  }
  QGraphicsScene::mouseMoveEvent(event);
}

void CanvasScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
  if (wire_ && event->button() != Qt::LeftButton) return event->accept();
  if (wire_) {
    finish_wire(event->scenePos());
    event->accept();
    return;
  }
  QGraphicsScene::mouseReleaseEvent(event);
  NodeItem::snapping = false;
  if (rubber_banding_) {
    rubber_banding_ = false;
    if (std::exchange(selection_pending_, false)) push_selection();
  }
  if (!moving_) return;
  moving_ = false;
  // The drag is over: its moves become one undo step.
  std::vector<std::pair<int, std::pair<double, double>>> moved;
  for (const auto& n : doc_.nodes()) {
    NodeItem* item = node_item(n.id);
    if (item && item->pos() != QPointF(n.x, n.y)) moved.push_back({n.id, {item->pos().x(), item->pos().y()}});
  }
  if (!moved.empty()) doc_.move_nodes(moved);
}

void CanvasScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) {
  if (NodeItem* n = node_at(event->scenePos())) {
    emit node_double_clicked(n->id());
    event->accept();
    return;
  }
  QGraphicsScene::mouseDoubleClickEvent(event);
}

// --- drops from the palette -------------------------------------------------------------------------------

void CanvasScene::set_drop_edge(EdgeItem* edge) {
  if (drop_edge_ == edge) return;
  if (drop_edge_) drop_edge_->set_drop_target(false);
  drop_edge_ = edge;
  if (drop_edge_) drop_edge_->set_drop_target(true);
}

void CanvasScene::dragEnterEvent(QGraphicsSceneDragDropEvent* event) {
  event->setAccepted(event->mimeData()->hasFormat(kLayerMimeType));
}

void CanvasScene::dragMoveEvent(QGraphicsSceneDragDropEvent* event) {
  if (!event->mimeData()->hasFormat(kLayerMimeType)) return event->ignore();
  set_drop_edge(node_at(event->scenePos()) ? nullptr : edge_at(event->scenePos()));
  event->acceptProposedAction();
}

void CanvasScene::dragLeaveEvent(QGraphicsSceneDragDropEvent*) { set_drop_edge(nullptr); }

void CanvasScene::dropEvent(QGraphicsSceneDragDropEvent* event) {
  set_drop_edge(nullptr);
  const std::string type = event->mimeData()->data(kLayerMimeType).toStdString();
  if (drop_layer(type, event->scenePos())) event->acceptProposedAction();
}

int CanvasScene::drop_layer(const std::string& type, QPointF pos) {
  const double x = std::round((pos.x() - nodes::kCardWidth / 2) / NodeItem::kGrid) * NodeItem::kGrid;
  const double y = std::round((pos.y() - nodes::kCardHeight / 2) / NodeItem::kGrid) * NodeItem::kGrid;
  int id = 0;
  try {
    EdgeItem* edge = node_at(pos) ? nullptr : edge_at(pos);
    const nodes::CatalogEntry& entry = nodes::catalog().get(type);
    if (edge && entry.max_inputs != 0 && entry.outputs != 0 && !entry.is_unit()) {
      // Inserted where it was dropped: the insertion and its position are one undo step.
      const Edge e = edge->edge();
      undoable(doc_, QString::fromStdString("Insert " + type), [&] {
        id = doc_.insert_on_edge(e, type);
        doc_.move_nodes({{id, {x, y}}});
      });
    } else {
      id = doc_.add_node(type, x, y);  // an Input, Output or Unit dropped on a wire just lands there
    }
  } catch (const std::exception& e) {
    emit message(QString("Cannot add ") + QString::fromStdString(type) + ": " + e.what());
    return 0;
  }
  selection_.set({id});
  return id;
}

// --- background -------------------------------------------------------------------------------------------

void CanvasScene::drawBackground(QPainter* p, const QRectF& rect) {
  p->fillRect(rect, colors_.background);
  // Axis-aligned hairlines need no antialiasing, which would cost more than everything else in a frame.
  p->setRenderHint(QPainter::Antialiasing, false);
  const double zoom = p->worldTransform().m11();
  // Minor lines every 20 px, major every 100 px; minor ones vanish when zoomed out (too dense to help).
  auto draw_grid = [&](double step, const QColor& color) {
    if (step * zoom < 8) return;
    p->setPen(QPen(color, 0));
    QVector<QLineF> lines;
    for (double x = std::floor(rect.left() / step) * step; x < rect.right(); x += step) lines.push_back({x, rect.top(), x, rect.bottom()});
    for (double y = std::floor(rect.top() / step) * step; y < rect.bottom(); y += step) lines.push_back({rect.left(), y, rect.right(), y});
    p->drawLines(lines);
  };
  draw_grid(20, colors_.grid_minor);
  draw_grid(100, colors_.grid_major);
}

// --- the view ---------------------------------------------------------------------------------------------

CanvasView::CanvasView(CanvasScene* scene, QWidget* parent) : QGraphicsView(scene, parent), scene_(scene) {
  setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
  setDragMode(QGraphicsView::RubberBandDrag);
  setRubberBandSelectionMode(Qt::IntersectsItemShape);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setResizeAnchor(QGraphicsView::AnchorViewCenter);
  setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
  setOptimizationFlags(QGraphicsView::DontSavePainterState | QGraphicsView::DontAdjustForAntialiasing);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setFrameShape(QFrame::NoFrame);
  setAcceptDrops(true);
  setFocusPolicy(Qt::StrongFocus);
  setContextMenuPolicy(Qt::ActionsContextMenu);  // the main window adds its edit actions
  setToolTip({});
  // The empty-canvas hint covers the whole view: repaint all of it when the first node comes or the last goes.
  connect(&scene->document(), &Document::changed, this, [this, was_empty = true]() mutable {
    const bool empty = scene_->document().nodes().empty();
    if (empty != was_empty) viewport()->update();
    was_empty = empty;
  });
}

void CanvasView::set_zoom_clamped(double factor) {
  const double target = std::clamp(zoom() * factor, kMinZoom, kMaxZoom);
  factor = target / zoom();
  if (std::abs(factor - 1) < 1e-9) return;
  scale(factor, factor);
  emit zoom_changed(zoom());
}

void CanvasView::zoom_by(double factor) {
  const auto anchor = transformationAnchor();
  setTransformationAnchor(QGraphicsView::AnchorViewCenter);
  set_zoom_clamped(factor);
  setTransformationAnchor(anchor);
}

void CanvasView::wheelEvent(QWheelEvent* event) {
  // Zoom around the cursor: the scene point under it stays under it. A wheel notch (120 units) is about 20 %.
  const QPoint cursor = event->position().toPoint();
  const QPointF under = mapToScene(cursor);
  const auto anchor = transformationAnchor();
  setTransformationAnchor(QGraphicsView::NoAnchor);
  set_zoom_clamped(std::pow(1.0015, event->angleDelta().y()));
  setTransformationAnchor(anchor);
  const QPointF drift = mapFromScene(under) - QPointF(cursor);
  horizontalScrollBar()->setValue(horizontalScrollBar()->value() + static_cast<int>(std::lround(drift.x())));
  verticalScrollBar()->setValue(verticalScrollBar()->value() + static_cast<int>(std::lround(drift.y())));
  event->accept();
}

void CanvasView::fit_to_view() {
  QRectF r = scene_->content_rect();
  if (r.isEmpty()) r = QRectF(-400, -300, 800, 600);
  r.adjust(-40, -40, 40, 40);
  const double fit = std::min(viewport()->width() / r.width(), viewport()->height() / r.height());
  // Never blow a small graph up past 100 %: it would look broken.
  set_zoom_clamped(std::min(fit, 1.0) / zoom());
  centerOn(r.center());
}

void CanvasView::go_to_node(int id) {
  if (NodeItem* n = scene_->node_item(id)) {
    centerOn(n);
    scene_->clearSelection();
    n->setSelected(true);
  }
}

void CanvasView::go_to_edge(const nodes::Edge& edge) {
  if (EdgeItem* e = scene_->edge_item(edge)) {
    centerOn(e->boundingRect().center());
    scene_->clearSelection();
    e->setSelected(true);
  }
}

void CanvasView::delete_selection() {
  std::vector<int> ids;
  for (QGraphicsItem* item : scene_->selectedItems())
    if (item->type() == NodeItem::Type) ids.push_back(static_cast<NodeItem*>(item)->id());
  std::vector<nodes::Edge> edges = scene_->selected_edges();
  if (ids.empty() && edges.empty()) return;
  Document& doc = scene_->document();
  // Removing an input of a merge layer renumbers the later ones: take the highest ports first.
  std::sort(edges.begin(), edges.end(), [](const nodes::Edge& a, const nodes::Edge& b) { return a.to.port > b.to.port; });
  try {
    undoable(doc, "Delete", [&] {
      for (const auto& e : edges)
        if (std::find_if(ids.begin(), ids.end(), [&](int id) { return e.from.node == id || e.to.node == id; }) == ids.end())
          doc.disconnect(e);
      if (!ids.empty()) doc.remove_nodes(ids);
    });
  } catch (const std::exception& e) {
    emit scene_->message(QString("Nothing deleted: ") + e.what());
  }
}

void CanvasView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && space_down_)) {
    panning_ = true;
    pan_last_ = event->pos();
    viewport()->setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  QGraphicsView::mousePressEvent(event);
}

void CanvasView::mouseMoveEvent(QMouseEvent* event) {
  if (panning_) {
    const QPoint d = event->pos() - pan_last_;
    pan_last_ = event->pos();
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
    event->accept();
    return;
  }
  QGraphicsView::mouseMoveEvent(event);
}

void CanvasView::mouseReleaseEvent(QMouseEvent* event) {
  if (panning_ && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
    panning_ = false;
    viewport()->setCursor(space_down_ ? Qt::OpenHandCursor : Qt::ArrowCursor);
    event->accept();
    return;
  }
  QGraphicsView::mouseReleaseEvent(event);
}

void CanvasView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Escape && scene_->cancel_wire()) return;
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    space_down_ = true;
    viewport()->setCursor(Qt::OpenHandCursor);
    setDragMode(QGraphicsView::NoDrag);
    return;
  }
  QGraphicsView::keyPressEvent(event);
}

void CanvasView::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    space_down_ = false;
    viewport()->setCursor(Qt::ArrowCursor);
    setDragMode(QGraphicsView::RubberBandDrag);
    return;
  }
  QGraphicsView::keyReleaseEvent(event);
}

void CanvasView::drawForeground(QPainter* p, const QRectF&) {
  if (!scene_->document().nodes().empty()) return;
  // An empty canvas says how to start, in the middle of the view.
  p->save();
  p->resetTransform();
  const QRect box = viewport()->rect().adjusted(40, 0, -40, 0);
  QFont title = font();
  title.setPointSizeF(title.pointSizeF() * 1.5);
  title.setBold(true);
  p->setFont(title);
  p->setPen(palette().color(QPalette::PlaceholderText));
  p->drawText(box.adjusted(0, 0, 0, -60), Qt::AlignCenter, tr("Drop layers here"));
  p->setFont(font());
  p->drawText(box.adjusted(0, 40, 0, 0), Qt::AlignCenter | Qt::TextWordWrap,
              tr("Drag a layer from the palette, or double-click it. Start with an InputLayer, end with an Output.\n"
                 "Wire a card's bottom port to another card's top port. File › Examples opens ready-made models."));
  p->restore();
}

void CanvasView::focusOutEvent(QFocusEvent* event) {
  space_down_ = panning_ = false;
  setDragMode(QGraphicsView::RubberBandDrag);
  viewport()->setCursor(Qt::ArrowCursor);
  QGraphicsView::focusOutEvent(event);
}

}  // namespace cornu::ui
