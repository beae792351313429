// What the canvas draws: a card per node (ports on its top and bottom edges, a problem badge) and a bezier
// per connection with the tensor shape written on it. Items only paint and answer geometry; every edit goes
// through the Document (canvas.cpp), so the items are rebuilt from it after each change.
#pragma once
#include <QGraphicsItem>
#include <map>
#include <string>
#include <vector>

#include "nodes/graph.h"
#include "ui/theme.h"

namespace cornu::ui {

class EdgeItem;

// How an input port shows while a wire is being dragged.
enum class PortState { Normal, Valid, Mismatch, Refused };

// The text and state a card shows, gathered by the scene from the document and the live checks.
struct CardContent {
  std::string type, name, details, category;
  int inputs = 0;   // input ports drawn (a merge layer gets one spare port to wire the next input)
  int outputs = 1;  // output ports drawn
  int errors = 0, warnings = 0;
  QString tooltip;  // the problems, one per line
  bool operator==(const CardContent&) const = default;
};

class NodeItem : public QGraphicsItem {
 public:
  static constexpr double kPortRadius = 5.5, kPortHitRadius = 13, kHeaderHeight = 22;
  enum { Type = UserType + 1 };

  explicit NodeItem(int id);
  int type() const override { return Type; }
  int id() const { return id_; }
  const CardContent& content() const { return content_; }
  void set_content(const CardContent& content);
  void set_colors(const CanvasColors* colors) { colors_ = colors; }

  // Port centres in scene coordinates, and the port under a scene point (-1: none).
  QPointF input_port_pos(int port) const;
  QPointF output_port_pos(int port) const;
  int input_port_at(const QPointF& scene_pos) const;
  int output_port_at(const QPointF& scene_pos) const;
  void set_port_states(std::map<int, PortState> states);

  void attach(EdgeItem* edge) { edges_.push_back(edge); }
  void detach_all() { edges_.clear(); }

  QRectF boundingRect() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  // Snapping applies only while the user drags (the scene sets it), never to positions from the document.
  static bool snapping;
  static constexpr double kGrid = 10;

 protected:
  QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

 private:
  QPointF port_local(int port, int count, double y) const;
  int id_;
  CardContent content_;
  const CanvasColors* colors_ = nullptr;
  std::map<int, PortState> port_states_;
  std::vector<EdgeItem*> edges_;
  QString type_text_, name_text_, details_text_;  // elided once per change, not per paint
};

class EdgeItem : public QGraphicsItem {
 public:
  enum { Type = UserType + 2 };
  EdgeItem(const nodes::Edge& edge, NodeItem* from, NodeItem* to);
  int type() const override { return Type; }
  const nodes::Edge& edge() const { return edge_; }
  void set_label(const QString& label, bool error, const QString& tooltip);
  void set_colors(const CanvasColors* colors) { colors_ = colors; }
  void set_drop_target(bool on);  // a layer dragged from the palette would be inserted here
  void update_path();             // after either end moved

  QRectF boundingRect() const override;
  QPainterPath shape() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  // A bezier from an output port down to an input port (also used for the wire being dragged).
  static QPainterPath wire_path(QPointF from, QPointF to);

 private:
  void update_geometry();  // the cached rectangles below, after the path or the label changed
  nodes::Edge edge_;
  NodeItem *from_, *to_;
  QPainterPath path_;
  // Cached: boundingRect() is called on every paint and index lookup, and measuring a bezier is not cheap.
  QRectF label_rect_, bounds_;
  mutable QPainterPath shape_;
  QString label_;
  bool error_ = false, drop_target_ = false;
  const CanvasColors* colors_ = nullptr;
};

}  // namespace cornu::ui
