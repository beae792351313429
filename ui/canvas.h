// The node-editor canvas: a QGraphicsScene mirroring the document (rebuilt from it after every change,
// edited only through it) and the view that zooms around the cursor, pans with the middle button or
// space-drag, and takes layers dropped from the palette (onto empty canvas, or onto a connection to
// insert them there).
#pragma once
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QPointer>
#include <functional>
#include <optional>
#include <set>
#include <unordered_map>

#include "nodes/checks.h"
#include "nodes/document.h"
#include "nodes/live_checks.h"
#include "ui/canvas_items.h"
#include "ui/selection.h"

class QGraphicsPathItem;

namespace cornu::ui {

class WireHint;

// Runs `edit` as one undo step; if it throws, what it did is undone and the exception goes on.
void undoable(nodes::Document& doc, const QString& text, const std::function<void()>& edit);

class CanvasScene : public QGraphicsScene {
  Q_OBJECT

 public:
  CanvasScene(nodes::Document& doc, nodes::LiveChecks& checks, Selection& selection, QObject* parent = nullptr);
  ~CanvasScene() override;

  nodes::Document& document() const { return doc_; }
  NodeItem* node_item(int id) const;
  EdgeItem* edge_item(const nodes::Edge& edge) const;
  EdgeItem* edge_at(const QPointF& scene_pos) const;
  const std::vector<EdgeItem*>& edge_items() const { return edges_; }
  std::vector<nodes::Edge> selected_edges() const;
  // The bounding box of the cards (not of the huge scene rect).
  QRectF content_rect() const;

  // Where a wire dragged from `from` may end: each input port of each node, with the reason when refused or
  // when the shapes will not fit. Public so tests and the palette's double-click share the same rules.
  struct Target { PortState state = PortState::Normal; QString reason; bool probed = true; };
  Target target_for(nodes::Port from, nodes::Port to);

  // Adds a layer from the palette at a scene point (centred there, snapped), or onto the connection under
  // it. One undo step; the new node is selected. Returns its id, 0 when refused (message() says why).
  int drop_layer(const std::string& type, QPointF scene_pos);

  // Drops the wire being dragged, if any (Esc); true when there was one.
  bool cancel_wire();

  // Re-reads the colours from the palette (theme switch).
  void update_colors();

 signals:
  // For the status bar: why a drop or a connection was refused, what was done.
  void message(const QString& text);
  void node_double_clicked(int id);

 protected:
  void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;
  void dragEnterEvent(QGraphicsSceneDragDropEvent* event) override;
  void dragMoveEvent(QGraphicsSceneDragDropEvent* event) override;
  void dragLeaveEvent(QGraphicsSceneDragDropEvent* event) override;
  void dropEvent(QGraphicsSceneDragDropEvent* event) override;
  void drawBackground(QPainter* painter, const QRectF& rect) override;

 private:
  void sync();           // items from the document
  void apply_checks();   // badges, shapes and tooltips from the live checks
  void push_selection(); // scene -> shared Selection
  void pull_selection(); // shared Selection -> scene
  CardContent content_for(const nodes::Node& node) const;
  NodeItem* node_at(const QPointF& scene_pos) const;
  void start_wire(nodes::Port from, std::optional<nodes::Edge> lifted);
  void update_wire(const QPointF& scene_pos);
  void finish_wire(const QPointF& scene_pos);
  void clear_wire();
  void set_drop_edge(EdgeItem* edge);
  bool reaches(int from, int to) const;  // a path of edges from `from` to `to`

  nodes::Document& doc_;
  nodes::LiveChecks& checks_;
  Selection& selection_;
  nodes::Checker dry_run_checker_;  // for probing connections without touching the document
  CanvasColors colors_;
  std::unordered_map<int, NodeItem*> nodes_;
  std::vector<EdgeItem*> edges_;
  bool syncing_ = false;
  bool rubber_banding_ = false, selection_pending_ = false;
  std::optional<std::set<int>> ancestors_;  // of the wire's source, while one is dragged
  bool moving_ = false;

  // The wire being dragged from an output port (or lifted off a connected input port).
  struct Wire {
    nodes::Port from;
    std::optional<nodes::Edge> lifted;
    QGraphicsPathItem* path = nullptr;
    WireHint* hint = nullptr;
    std::map<std::pair<int, int>, Target> targets;  // (node, port) -> state
    std::optional<nodes::Port> hover;
  };
  std::optional<Wire> wire_;
  EdgeItem* drop_edge_ = nullptr;
};

class CanvasView : public QGraphicsView {
  Q_OBJECT

 public:
  CanvasView(CanvasScene* scene, QWidget* parent = nullptr);
  CanvasScene* canvas() const { return scene_; }
  double zoom() const { return transform().m11(); }
  static constexpr double kMinZoom = 0.08, kMaxZoom = 3.0;

 public slots:
  void zoom_by(double factor);  // around the view's centre
  void zoom_in() { zoom_by(1.25); }
  void zoom_out() { zoom_by(0.8); }
  void reset_zoom() { zoom_by(1.0 / zoom()); }
  void fit_to_view();
  void go_to_node(int id);
  void go_to_edge(const nodes::Edge& edge);
  // Removes the selected nodes and connections (one undo step).
  void delete_selection();

 signals:
  void zoom_changed(double zoom);

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void focusOutEvent(QFocusEvent* event) override;
  void drawForeground(QPainter* painter, const QRectF& rect) override;

 private:
  void set_zoom_clamped(double factor);
  CanvasScene* scene_;
  bool space_down_ = false;
  bool panning_ = false;
  QPoint pan_last_;
};

}  // namespace cornu::ui
