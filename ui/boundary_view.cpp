#include "ui/boundary_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace cornu::ui {

QColor class_color(int c) {
  static const QColor colours[] = {QColor(0xe8733d), QColor(0x3d8bfd), QColor(0x2fb36b), QColor(0xa35bd6),
                                   QColor(0xd6b43d), QColor(0x3dc6d6), QColor(0xd63d8b), QColor(0x7a818c)};
  return colours[static_cast<size_t>(c) % std::size(colours)];
}

namespace {

constexpr int kUnitGap = 4;

// A unit's output as Playground draws it: the colour of class 0 where it is negative, of class 1 where it is
// positive, stronger with the magnitude (scaled by the unit's largest |value|, so every thumbnail shows its shape).
QImage unit_image(const UnitMap& unit, int size) {
  float largest = 1e-6f;
  for (float v : unit.values) largest = std::max(largest, std::abs(v));
  QImage image(size, size, QImage::Format_RGB32);
  const QColor negative = class_color(0), positive = class_color(1);
  for (int row = 0; row < size; ++row) {
    auto* line = reinterpret_cast<QRgb*>(image.scanLine(row));  // 24 maps four times a second: no setPixel
    for (int col = 0; col < size; ++col) {
      const float v = unit.values[static_cast<size_t>(row * size + col)] / largest;
      const QColor& c = v < 0 ? negative : positive;
      const double s = std::min(1.0f, std::abs(v)) * 0.85;
      line[col] = qRgb(static_cast<int>(255 - s * (255 - c.red())), static_cast<int>(255 - s * (255 - c.green())),
                       static_cast<int>(255 - s * (255 - c.blue())));
    }
  }
  return image;
}

}  // namespace

BoundaryView::BoundaryView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(200, 200);
  setMouseTracking(true);  // hovering a unit's thumbnail shows it large
  setToolTip(tr("The model's decision over the plane (colour: the class it predicts, strength: its confidence), "
                "with the training points"));
}

void BoundaryView::set_points(const PlanePoints& points) {
  points_ = points;
  update();
}

void BoundaryView::clear() {
  map_ = QImage();
  points_ = {};
  grid_ = {};
  unit_images_.clear();
  unit_cells_.clear();
  hovered_ = -1;
  update();
}

void BoundaryView::set_grid(const BoundaryGrid& grid) {
  std::vector<UnitMap> previous_units = std::move(grid_.units);
  grid_ = grid;
  map_ = QImage(grid.size, grid.size, QImage::Format_RGB32);
  for (int row = 0; row < grid.size; ++row)
    for (int col = 0; col < grid.size; ++col) {
      const size_t at = static_cast<size_t>(row * grid.size + col);
      // Pale where the model hesitates, strong where it is sure: the boundary is where the colour fades.
      const double strength = std::clamp((grid.confidence[at] - 0.5) * 2.0, 0.0, 1.0) * 0.55 + 0.1;
      const QColor c = class_color(grid.winner[at]);
      map_.setPixel(col, row, qRgb(static_cast<int>(255 - strength * (255 - c.red())),
                                   static_cast<int>(255 - strength * (255 - c.green())),
                                   static_cast<int>(255 - strength * (255 - c.blue()))));
    }
  if (grid.units.empty()) {  // the unit maps come with every other map: keep the last ones meanwhile
    grid_.units = std::move(previous_units);
    update();
    return;
  }
  unit_images_.clear();
  unit_cells_.clear();
  unit_columns_ = unit_rows_ = 0;
  for (size_t i = 0; i < grid.units.size(); ++i) {
    unit_images_.push_back(unit_image(grid.units[i], grid.size));
    if (i > 0 && grid.units[i].layer != grid.units[i - 1].layer) ++unit_columns_;
    unit_cells_.emplace_back(unit_columns_, grid.units[i].unit);
    unit_rows_ = std::max(unit_rows_, grid.units[i].unit + 1);
  }
  if (!unit_images_.empty()) ++unit_columns_;
  if (hovered_ >= static_cast<int>(unit_images_.size())) hovered_ = -1;
  update();
}

QString BoundaryView::title() const {
  if (hovered_ < 0) return tr("decision boundary");
  const UnitMap& unit = grid_.units[static_cast<size_t>(hovered_)];
  return tr("%1 · unit %2").arg(QString::fromStdString(unit.layer)).arg(unit.unit + 1);
}

// The thumbnails stand in columns left of the map, one column per hidden layer, as in Playground.
QRect BoundaryView::unit_rect(int index) const {
  if (index < 0 || index >= static_cast<int>(unit_cells_.size())) return {};
  const int side = std::clamp((height() - 8 - kUnitGap * (unit_rows_ - 1)) / std::max(1, unit_rows_), 8, 40);
  const auto [column, row] = unit_cells_[static_cast<size_t>(index)];
  const int left = static_cast<int>(map_area().left()) - unit_columns_ * (side + kUnitGap) - 2 * kUnitGap;
  const int top = (height() - unit_rows_ * (side + kUnitGap) + kUnitGap) / 2;
  return {left + column * (side + kUnitGap), top + row * (side + kUnitGap), side, side};
}

// The thumbnails and the map as one group, centred.
QRectF BoundaryView::map_area() const {
  const int rows = std::max(1, unit_rows_);
  const int thumb = std::clamp((height() - 8 - kUnitGap * (rows - 1)) / rows, 8, 40);
  const double thumbs = unit_images_.empty() ? 0 : unit_columns_ * (thumb + kUnitGap) + 2 * kUnitGap;
  const double side = std::min(width() - thumbs, static_cast<double>(height())) - 8.0;
  return {thumbs + (width() - thumbs - side) / 2, (height() - side) / 2, side, side};
}

int BoundaryView::unit_at(const QPoint& at) const {
  for (int i = 0; i < static_cast<int>(unit_images_.size()); ++i)
    if (unit_rect(i).contains(at)) return i;
  return -1;
}

void BoundaryView::mouseMoveEvent(QMouseEvent* event) {
  const int unit = unit_at(event->position().toPoint());
  if (unit == hovered_) return;
  hovered_ = unit;
  update();
}

void BoundaryView::leaveEvent(QEvent*) {
  if (hovered_ < 0) return;
  hovered_ = -1;
  update();
}

QPointF BoundaryView::to_widget(double x, double y, const QRectF& area) const {
  return {area.left() + (x - grid_.x0) / (grid_.x1 - grid_.x0) * area.width(),
          area.top() + (grid_.y1 - y) / (grid_.y1 - grid_.y0) * area.height()};
}

void BoundaryView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  const QRectF area = map_area();
  if (map_.isNull()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
               tr("Train a model on 2-D data (spirals, moons, circles, XOR, blobs) to see its decision boundary."));
    return;
  }
  p.setRenderHint(QPainter::SmoothPixmapTransform);
  p.drawImage(area, hovered_ >= 0 ? unit_images_[static_cast<size_t>(hovered_)] : map_);
  p.setRenderHint(QPainter::SmoothPixmapTransform, false);  // thumbnails: smooth fields, nearest is enough
  for (int i = 0; i < static_cast<int>(unit_images_.size()); ++i) {
    p.drawImage(unit_rect(i), unit_images_[static_cast<size_t>(i)]);
    p.setPen(QPen(i == hovered_ ? palette().color(QPalette::Highlight) : palette().color(QPalette::Mid), i == hovered_ ? 2 : 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(unit_rect(i));
  }
  p.setRenderHint(QPainter::Antialiasing);
  for (size_t i = 0; i < points_.label.size(); ++i) {
    const QPointF at = to_widget(points_.xy[2 * i], points_.xy[2 * i + 1], area);
    if (!area.contains(at)) continue;
    p.setPen(QPen(Qt::white, 1));
    p.setBrush(class_color(points_.label[i]));
    p.drawEllipse(at, 3, 3);
  }
  // Dark text on the pale map in either theme: the map is light in both.
  p.setPen(QColor(0x20, 0x24, 0x2a));
  p.drawText(area.adjusted(6, 4, -6, -4), Qt::AlignTop | Qt::AlignRight, tr("epoch %1").arg(grid_.epoch));
  p.drawText(area.adjusted(6, 4, -6, -4), Qt::AlignTop | Qt::AlignLeft, title());
}

}  // namespace cornu::ui
