// The decision boundary of a classifier on 2-D data, as TensorFlow Playground draws it: the model's output over
// the plane as a heat map behind the training points, redrawn as training goes. The grid is computed in the
// training worker on a copy of the model (the model itself belongs to fit() while it runs).
#pragma once
#include <QImage>
#include <QWidget>
#include <string>
#include <vector>

namespace cornu::ui {

// One hidden unit's output over the same grid as the boundary (TensorFlow Playground's neuron thumbnails).
struct UnitMap {
  std::string layer;
  int unit = 0;
  std::vector<float> values;  // size x size, row-major from the top-left
};

// The plane the map covers and the probability of class 1 (two classes) or the winning class with its
// probability (more classes) at each cell, row-major from the top-left.
struct BoundaryGrid {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  int size = 0;                     // cells a side
  std::vector<int> winner;          // class per cell
  std::vector<float> confidence;    // its probability
  int epoch = 0;
  std::vector<UnitMap> units;  // the hidden Dense layers' units, layer by layer (empty when not computed)
};

// The training points to draw over the map.
struct PlanePoints {
  std::vector<float> xy;  // x0, y0, x1, y1, ...
  std::vector<int> label;
};

class BoundaryView : public QWidget {
  Q_OBJECT

 public:
  explicit BoundaryView(QWidget* parent = nullptr);
  void set_points(const PlanePoints& points);
  void set_grid(const BoundaryGrid& grid);
  void clear();
  bool has_map() const { return !map_.isNull(); }
  int epoch() const { return grid_.epoch; }
  // What the big map shows: "decision boundary", or "<layer> · unit <n>" while a thumbnail is hovered.
  QString title() const;
  int unit_maps() const { return static_cast<int>(unit_images_.size()); }
  QRect unit_rect(int index) const;  // where thumbnail `index` is drawn (for tests)
  QSize sizeHint() const override { return {320 + (unit_images_.empty() ? 0 : 120), 320}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  QPointF to_widget(double x, double y, const QRectF& area) const;
  QRectF map_area() const;
  int unit_at(const QPoint& at) const;
  PlanePoints points_;
  BoundaryGrid grid_;
  QImage map_;
  std::vector<QImage> unit_images_;  // one per grid_.units entry
  std::vector<std::pair<int, int>> unit_cells_;  // column (layer) and row (unit) of each thumbnail
  int unit_columns_ = 0, unit_rows_ = 0;
  int hovered_ = -1;                 // the thumbnail under the mouse, shown large
};

// The colour of class c (the same on the map, lighter, and on the points).
QColor class_color(int c);

}  // namespace cornu::ui
