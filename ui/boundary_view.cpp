#include "ui/boundary_view.h"

#include <QPainter>
#include <algorithm>

namespace cornu::ui {

QColor class_color(int c) {
  static const QColor colours[] = {QColor(0xe8733d), QColor(0x3d8bfd), QColor(0x2fb36b), QColor(0xa35bd6),
                                   QColor(0xd6b43d), QColor(0x3dc6d6), QColor(0xd63d8b), QColor(0x7a818c)};
  return colours[static_cast<size_t>(c) % std::size(colours)];
}

BoundaryView::BoundaryView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(200, 200);
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
  update();
}

void BoundaryView::set_grid(const BoundaryGrid& grid) {
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
  update();
}

QPointF BoundaryView::to_widget(double x, double y, const QRectF& area) const {
  return {area.left() + (x - grid_.x0) / (grid_.x1 - grid_.x0) * area.width(),
          area.top() + (grid_.y1 - y) / (grid_.y1 - grid_.y0) * area.height()};
}

void BoundaryView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  const double side = std::min(width(), height()) - 8.0;
  const QRectF area((width() - side) / 2, (height() - side) / 2, side, side);
  if (map_.isNull()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
               tr("Train a model on 2-D data (spirals, moons, circles, XOR, blobs) to see its decision boundary."));
    return;
  }
  p.setRenderHint(QPainter::SmoothPixmapTransform);
  p.drawImage(area, map_);
  p.setRenderHint(QPainter::Antialiasing);
  for (size_t i = 0; i < points_.label.size(); ++i) {
    const QPointF at = to_widget(points_.xy[2 * i], points_.xy[2 * i + 1], area);
    if (!area.contains(at)) continue;
    p.setPen(QPen(Qt::white, 1));
    p.setBrush(class_color(points_.label[i]));
    p.drawEllipse(at, 3, 3);
  }
  p.setPen(palette().color(QPalette::Text));
  p.drawText(area.adjusted(6, 4, -6, -4), Qt::AlignTop | Qt::AlignRight, tr("epoch %1").arg(grid_.epoch));
}

}  // namespace cornu::ui
