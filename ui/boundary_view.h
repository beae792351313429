// The decision boundary of a classifier on 2-D data, as TensorFlow Playground draws it: the model's output over
// the plane as a heat map behind the training points, redrawn as training goes. The grid is computed in the
// training worker on a copy of the model (the model itself belongs to fit() while it runs).
#pragma once
#include <QImage>
#include <QWidget>
#include <vector>

namespace cornu::ui {

// The plane the map covers and the probability of class 1 (two classes) or the winning class with its
// probability (more classes) at each cell, row-major from the top-left.
struct BoundaryGrid {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  int size = 0;                     // cells a side
  std::vector<int> winner;          // class per cell
  std::vector<float> confidence;    // its probability
  int epoch = 0;
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
  QSize sizeHint() const override { return {320, 320}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QPointF to_widget(double x, double y, const QRectF& area) const;
  PlanePoints points_;
  BoundaryGrid grid_;
  QImage map_;
};

// The colour of class c (the same on the map, lighter, and on the points).
QColor class_color(int c);

}  // namespace cornu::ui
