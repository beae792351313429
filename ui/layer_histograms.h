// What happens inside the layers while a model trains, in the spirit of TensorBoard's distribution view: for
// each layer with weights, the spread of its kernel and of its activations on a fixed probe batch over time
// (shaded percentile bands around the median), and the L2 norm of its kernel's gradient on a log scale shared
// by all layers, so a gradient that vanishes or explodes in one layer stands out against the others.
// The numbers are computed in the training worker (TrainingSession) and arrive as small fixed-size copies.
#pragma once
#include <QWidget>
#include <array>
#include <string>
#include <vector>

namespace cornu::ui {

// A sample of values summarised in a fixed size: a histogram over [lo, hi] and the percentiles TensorBoard
// draws as bands (0, 7, 16, 31, 50, 69, 84, 93 and 100 %: the median and about ±0.5, 1, 1.5 sigma and the range).
struct Distribution {
  static constexpr int kBins = 40;
  static constexpr std::array<double, 9> kPercentiles{0, 7, 16, 31, 50, 69, 84, 93, 100};
  float lo = 0, hi = 0;
  std::array<int64_t, kBins> counts{};  // bin b covers [lo + b (hi - lo) / kBins, ...); the last one includes hi
  std::array<float, 9> percentiles{};
  int64_t total = 0;  // values summarised; non-finite values are left out
};
// Summarises n values (a copy is partly sorted; the input is left alone).
Distribution distribution_of(const float* values, size_t n);

struct LayerSample {
  std::string layer;
  Distribution kernel, activation;
  double gradient_norm = 0;  // L2 norm of the kernel's gradient from the last batch
};

// All layers at one moment of training.
struct LayerStats {
  double position = 0;  // in epochs, as BatchPoint::position
  int epoch = 0;
  std::vector<LayerSample> layers;
};

// Small multiples: one row per layer (kernel, activations, gradient norm side by side), all rows on the same
// time axis. A grid rather than a layer picker: the models drawn on the canvas have a handful of weighted
// layers, and comparing them at a glance is the point (which layer's gradients fade first).
class LayerHistograms : public QWidget {
  Q_OBJECT

 public:
  explicit LayerHistograms(QWidget* parent = nullptr);
  void add(const LayerStats& stats);
  void clear();
  const std::vector<LayerStats>& history() const { return history_; }
  QSize sizeHint() const override { return {900, 360}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  void paint_distribution(QPainter& p, const QRectF& area, size_t layer, bool kernel) const;
  void paint_gradients(QPainter& p, const QRectF& area, size_t layer) const;
  double x_of(double position, const QRectF& area) const;
  std::vector<LayerStats> history_;  // thinned to at most kKeep samples: the oldest half keeps every other one
  double last_position_ = 0;
  double log_lo_ = 0, log_hi_ = 0;  // log10 of the gradient norms' range over all layers
};

}  // namespace cornu::ui
