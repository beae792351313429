#include "ui/canvas_items.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <cmath>

namespace cornu::ui {

namespace {

const QFont& type_font() {
  static const QFont f = [] { QFont f; f.setPointSizeF(9.5); f.setBold(true); return f; }();
  return f;
}
const QFont& name_font() {
  static const QFont f = [] { QFont f; f.setPointSizeF(9.5); return f; }();
  return f;
}
const QFont& small_font() {
  static const QFont f = [] { QFont f; f.setPointSizeF(8.5); return f; }();
  return f;
}

QString elided(const QFont& font, const std::string& text, double width) {
  return QFontMetricsF(font).elidedText(QString::fromStdString(text), Qt::ElideRight, width);
}

// Black or white, whichever reads better on `background`.
QColor text_on(const QColor& background) { return background.lightnessF() > 0.62 ? QColor(0x1d1f23) : QColor(Qt::white); }

// Below this zoom, text is unreadable anyway: cards draw as plain blocks (keeps 500-node views fluid).
constexpr double kDetailZoom = 0.42;

}  // namespace

bool NodeItem::snapping = false;

NodeItem::NodeItem(int id) : id_(id) {
  setFlags(ItemIsSelectable | ItemIsMovable | ItemSendsGeometryChanges);
  setAcceptHoverEvents(false);
  setZValue(1);
}

void NodeItem::set_content(const CardContent& content) {
  if (content == content_) return;
  if (content.inputs != content_.inputs || content.outputs != content_.outputs) prepareGeometryChange();
  content_ = content;
  const double text_w = nodes::kCardWidth - 20;
  type_text_ = elided(type_font(), content.type, text_w);
  name_text_ = elided(name_font(), content.name, text_w);
  details_text_ = elided(small_font(), content.details, text_w);
  setToolTip(content.tooltip);
  update();
}

QPointF NodeItem::port_local(int port, int count, double y) const {
  return {nodes::kCardWidth * (port + 1) / (count + 1), y};
}
QPointF NodeItem::input_port_pos(int port) const { return mapToScene(port_local(port, content_.inputs, 0)); }
QPointF NodeItem::output_port_pos(int port) const {
  return mapToScene(port_local(port, content_.outputs, nodes::kCardHeight));
}

int NodeItem::input_port_at(const QPointF& scene_pos) const {
  for (int p = 0; p < content_.inputs; ++p)
    if (QLineF(scene_pos, input_port_pos(p)).length() <= kPortHitRadius) return p;
  return -1;
}
int NodeItem::output_port_at(const QPointF& scene_pos) const {
  for (int p = 0; p < content_.outputs; ++p)
    if (QLineF(scene_pos, output_port_pos(p)).length() <= kPortHitRadius) return p;
  return -1;
}

void NodeItem::set_port_states(std::map<int, PortState> states) {
  if (states == port_states_) return;
  port_states_ = std::move(states);
  update();
}

QRectF NodeItem::boundingRect() const {
  // Ports stick out above and below; the badge sits on the top-right corner.
  return QRectF(-2, -kPortHitRadius, nodes::kCardWidth + 14, nodes::kCardHeight + 2 * kPortHitRadius);
}

void NodeItem::paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*) {
  if (!colors_) return;
  const CanvasColors& c = *colors_;
  const double zoom = option->levelOfDetailFromTransform(p->worldTransform());
  const QRectF card(0, 0, nodes::kCardWidth, nodes::kCardHeight);
  const QColor accent = category_color(content_.category);
  const bool selected = isSelected();

  if (zoom < kDetailZoom) {  // a coloured block with the type: the overview of a large graph
    p->setPen(selected ? QPen(c.selection, 3 / zoom) : Qt::NoPen);
    p->setBrush(c.card);
    p->drawRect(card);
    p->fillRect(QRectF(0, 0, card.width(), kHeaderHeight * 1.6), accent);
    if (content_.errors) p->fillRect(QRectF(card.width() - 30, 0, 30, 30), c.error);
    return;
  }

  p->setRenderHint(QPainter::Antialiasing);
  // Card with a category-coloured header.
  QPainterPath body;
  body.addRoundedRect(card, 7, 7);
  p->setPen(QPen(selected ? c.selection : content_.errors ? c.error : c.card_border, selected ? 2.4 : 1.2));
  p->setBrush(c.card);
  p->drawPath(body);
  QPainterPath header;
  header.addRoundedRect(QRectF(0, 0, card.width(), kHeaderHeight + 7), 7, 7);
  p->save();
  p->setClipRect(QRectF(0, 0, card.width(), kHeaderHeight));
  p->fillPath(header.intersected(body), accent);
  p->restore();

  const double pad = 10, text_w = card.width() - 2 * pad;
  p->setFont(type_font());
  p->setPen(text_on(accent));
  p->drawText(QRectF(pad, 0, text_w, kHeaderHeight), Qt::AlignVCenter | Qt::AlignLeft,
              type_text_);
  p->setFont(name_font());
  p->setPen(c.text);
  p->drawText(QRectF(pad, kHeaderHeight + 3, text_w, 20), Qt::AlignVCenter | Qt::AlignLeft,
              name_text_);
  p->setFont(small_font());
  p->setPen(c.subtext);
  p->drawText(QRectF(pad, kHeaderHeight + 23, text_w, 20), Qt::AlignVCenter | Qt::AlignLeft,
              details_text_);
  if (selected) {  // a soft outer ring makes the selection visible at a glance
    p->setPen(QPen(QColor(c.selection.red(), c.selection.green(), c.selection.blue(), 70), 5));
    p->setBrush(Qt::NoBrush);
    p->drawRoundedRect(card.adjusted(-3, -3, 3, 3), 9, 9);
  }

  // Ports: inputs on the top edge, outputs on the bottom edge.
  auto draw_port = [&](QPointF at, PortState state) {
    QColor fill = c.port;
    double r = kPortRadius;
    if (state == PortState::Valid) fill = c.port_valid, r += 2;
    if (state == PortState::Mismatch) fill = QColor(0xe8a33d), r += 2;
    if (state == PortState::Refused) fill = c.port_invalid;
    p->setPen(QPen(c.card, 2));
    p->setBrush(fill);
    p->drawEllipse(at, r, r);
  };
  for (int i = 0; i < content_.inputs; ++i) {
    auto it = port_states_.find(i);
    draw_port(port_local(i, content_.inputs, 0), it == port_states_.end() ? PortState::Normal : it->second);
  }
  for (int o = 0; o < content_.outputs; ++o) draw_port(port_local(o, content_.outputs, nodes::kCardHeight), PortState::Normal);

  // Problem badge: red for errors, amber for warnings only; the tooltip holds the messages.
  if (content_.errors || content_.warnings) {
    const QPointF centre(card.width() - 1, 1);
    p->setPen(QPen(c.card, 2));
    p->setBrush(content_.errors ? c.error : QColor(0xe8a33d));
    p->drawEllipse(centre, 9, 9);
    QFont f = type_font();
    f.setPointSizeF(9);
    p->setFont(f);
    p->setPen(Qt::white);
    const int count = content_.errors ? content_.errors : content_.warnings;
    p->drawText(QRectF(centre.x() - 9, centre.y() - 9, 18, 18), Qt::AlignCenter, count > 1 ? QString::number(count) : "!");
  }
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
  if (change == ItemPositionChange && snapping) {
    QPointF p = value.toPointF();
    return QPointF(std::round(p.x() / kGrid) * kGrid, std::round(p.y() / kGrid) * kGrid);
  }
  if (change == ItemPositionHasChanged)
    for (EdgeItem* e : edges_) e->update_path();
  if (change == ItemSelectedHasChanged) setZValue(isSelected() ? 2 : 1);
  return QGraphicsItem::itemChange(change, value);
}

// ---------------------------------------------------------------------------------------------------------

EdgeItem::EdgeItem(const nodes::Edge& edge, NodeItem* from, NodeItem* to) : edge_(edge), from_(from), to_(to) {
  setFlags(ItemIsSelectable);
  setZValue(0);
  from->attach(this);
  to->attach(this);
  update_path();
}

QPainterPath EdgeItem::wire_path(QPointF a, QPointF b) {
  // Vertical tangents at both ends, so wires leave downwards and arrive from above even when going up.
  const double dy = std::max(40.0, std::abs(b.y() - a.y()) * 0.5);
  QPainterPath path(a);
  path.cubicTo(a + QPointF(0, dy), b - QPointF(0, dy), b);
  return path;
}

void EdgeItem::update_path() {
  prepareGeometryChange();
  path_ = wire_path(from_->output_port_pos(edge_.from.port), to_->input_port_pos(edge_.to.port));
  update_geometry();
}

void EdgeItem::update_geometry() {
  label_rect_ = QRectF();
  if (!label_.isEmpty()) {
    const QFontMetricsF fm(small_font());
    const double w = fm.horizontalAdvance(label_) + (error_ ? 26 : 12), h = fm.height() + 4;
    // The middle of a wire_path bezier is the middle of its end points (its control points are symmetric).
    const QPointF mid = (path_.elementAt(0) + QPointF(path_.elementAt(path_.elementCount() - 1))) / 2;
    label_rect_ = QRectF(mid.x() - w / 2, mid.y() - h / 2, w, h);
  }
  bounds_ = path_.controlPointRect().adjusted(-6, -6, 6, 6).united(label_rect_);
  shape_ = QPainterPath();
}

void EdgeItem::set_label(const QString& label, bool error, const QString& tooltip) {
  if (label == label_ && error == error_ && tooltip == toolTip()) return;
  prepareGeometryChange();
  label_ = label;
  error_ = error;
  setToolTip(tooltip);
  update_geometry();
  update();
}

void EdgeItem::set_drop_target(bool on) {
  if (on == drop_target_) return;
  drop_target_ = on;
  update();
}

QRectF EdgeItem::boundingRect() const { return bounds_; }

QPainterPath EdgeItem::shape() const {
  if (shape_.isEmpty()) {
    QPainterPathStroker stroker;
    stroker.setWidth(12);
    shape_ = stroker.createStroke(path_);
    shape_.addRect(label_rect_);
  }
  return shape_;
}

void EdgeItem::paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*) {
  if (!colors_) return;
  const CanvasColors& c = *colors_;
  const double zoom = option->levelOfDetailFromTransform(p->worldTransform());
  const QColor color = drop_target_ ? c.port_valid : isSelected() ? c.selection : error_ ? c.error : c.edge;
  if (zoom >= kDetailZoom) p->setRenderHint(QPainter::Antialiasing);
  p->setPen(QPen(color, drop_target_ || isSelected() ? 3.2 : 2, error_ && !drop_target_ ? Qt::DashLine : Qt::SolidLine,
                 Qt::RoundCap));
  p->setBrush(Qt::NoBrush);
  p->drawPath(path_);
  if (zoom < 0.6 || label_.isEmpty()) return;  // shapes only where they can be read

  const QRectF r = label_rect_;
  p->setPen(QPen(error_ ? c.error : c.card_border, 1));
  p->setBrush(c.background);
  p->drawRoundedRect(r, r.height() / 2, r.height() / 2);
  QRectF text = r;
  if (error_) {  // a small "!" disc inside the label marks the faulty connection
    const QPointF centre(r.left() + 9, r.center().y());
    p->setPen(Qt::NoPen);
    p->setBrush(c.error);
    p->drawEllipse(centre, 6, 6);
    p->setPen(Qt::white);
    p->setFont(small_font());
    p->drawText(QRectF(centre.x() - 6, centre.y() - 6, 12, 12), Qt::AlignCenter, "!");
    text.setLeft(r.left() + 14);
  }
  p->setFont(small_font());
  p->setPen(error_ ? c.error : c.edge_text);
  p->drawText(text, Qt::AlignCenter, label_);
}

}  // namespace cornu::ui
