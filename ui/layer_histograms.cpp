#include "ui/layer_histograms.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

#include "ui/theme.h"

namespace cornu::ui {

namespace {

constexpr size_t kKeep = 600;       // samples kept per run: a few an epoch over a long run is plenty to draw
constexpr int kRowHeight = 64;      // one layer at least; rows share out the height the dock gives
constexpr int kHeaderHeight = 22;   // column titles
constexpr int kNameWidth = 110;     // the layer's name on the left

QColor accent() { return QColor(0x3d8bfd); }

}  // namespace

Distribution distribution_of(const float* values, size_t n) {
  Distribution d;
  std::vector<float> finite;
  finite.reserve(n);
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(values[i])) finite.push_back(values[i]);
  d.total = static_cast<int64_t>(finite.size());
  if (finite.empty()) return d;
  // Percentiles by nth_element, each one narrowing the range of the next (they ascend).
  auto from = finite.begin();
  for (size_t k = 0; k < Distribution::kPercentiles.size(); ++k) {
    const auto rank = static_cast<ptrdiff_t>(std::llround(Distribution::kPercentiles[k] / 100.0 * static_cast<double>(finite.size() - 1)));
    const auto at = finite.begin() + rank;
    std::nth_element(from, at, finite.end());
    d.percentiles[k] = *at;
    from = at;
  }
  d.lo = d.percentiles.front();
  d.hi = d.percentiles.back();
  const double width = std::max(1e-12, static_cast<double>(d.hi) - d.lo);
  for (float v : finite) {
    const int bin = static_cast<int>((v - d.lo) / width * Distribution::kBins);
    ++d.counts[static_cast<size_t>(std::clamp(bin, 0, Distribution::kBins - 1))];
  }
  return d;
}

LayerHistograms::LayerHistograms(QWidget* parent) : QWidget(parent) {
  setMinimumHeight(kHeaderHeight + kRowHeight);
  setToolTip(tr("Per layer with weights: the kernel's values and the layer's outputs on a fixed batch of 256 training "
                "samples (median, with bands for 7-93 %, 16-84 % and 31-69 % and the range), and the L2 norm of the "
                "kernel's gradient on a log scale shared by all layers"));
}

void LayerHistograms::clear() {
  history_.clear();
  last_position_ = 0;
  setMinimumHeight(kHeaderHeight + kRowHeight);
  update();
}

void LayerHistograms::add(const LayerStats& stats) {
  if (history_.empty() || stats.layers.size() != history_.front().layers.size())
    history_.clear();  // a new model
  history_.push_back(stats);
  if (history_.size() > kKeep) {  // every other sample: the time axis stays evenly covered
    std::vector<LayerStats> kept;
    for (size_t i = 0; i < history_.size(); i += 2) kept.push_back(std::move(history_[i]));
    if (history_.size() % 2 == 0) kept.push_back(std::move(history_.back()));
    history_ = std::move(kept);
  }
  last_position_ = std::max(last_position_, stats.position);
  log_lo_ = INFINITY, log_hi_ = -INFINITY;
  for (const LayerStats& s : history_)
    for (const LayerSample& l : s.layers)
      if (l.gradient_norm > 0 && std::isfinite(l.gradient_norm)) {
        log_lo_ = std::min(log_lo_, std::floor(std::log10(l.gradient_norm)));
        log_hi_ = std::max(log_hi_, std::ceil(std::log10(l.gradient_norm)));
      }
  if (log_hi_ <= log_lo_) log_hi_ = log_lo_ + 1;
  setMinimumHeight(kHeaderHeight + kRowHeight * static_cast<int>(stats.layers.size()));
  update();
}

double LayerHistograms::x_of(double position, const QRectF& area) const {
  return area.left() + position / std::max(1e-9, last_position_) * area.width();
}

void LayerHistograms::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QPalette pal = palette();
  p.fillRect(rect(), pal.color(QPalette::Base));
  if (history_.empty()) {
    p.setPen(pal.color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
               tr("Train a model to see, layer by layer, how its weights, outputs and gradients change."));
    return;
  }
  p.setRenderHint(QPainter::Antialiasing);
  const double column = (width() - kNameWidth - 8.0) / 3;
  const QString titles[] = {tr("kernel values"), tr("outputs on 256 training samples"), tr("gradient L2 norm (log)")};
  p.setPen(pal.color(QPalette::Text));
  for (int c = 0; c < 3; ++c)
    p.drawText(QRectF(kNameWidth + c * column, 0, column, kHeaderHeight), Qt::AlignCenter, titles[c]);
  const std::vector<LayerSample>& last = history_.back().layers;
  const double row = std::clamp((height() - kHeaderHeight) / std::max<double>(1, static_cast<double>(last.size())),
                                double{kRowHeight}, 2.5 * kRowHeight);
  for (size_t layer = 0; layer < last.size(); ++layer) {
    const double top = kHeaderHeight + static_cast<double>(layer) * row;
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRectF(4, top, kNameWidth - 8, row - 14), Qt::AlignVCenter | Qt::AlignLeft | Qt::TextWrapAnywhere,
               QString::fromStdString(last[layer].layer));
    for (int c = 0; c < 3; ++c) {
      // Room for the y labels on the left and the epoch labels underneath.
      const QRectF area(kNameWidth + c * column + 44, top + 4, column - 52, row - 22);
      p.setPen(QPen(pal.color(QPalette::Mid), 1));
      p.setBrush(Qt::NoBrush);
      p.drawRect(area);
      if (c < 2) paint_distribution(p, area, layer, c == 0);
      else paint_gradients(p, area, layer);
      p.setPen(pal.color(QPalette::PlaceholderText));
      QFont small = font();
      small.setPointSizeF(small.pointSizeF() * 0.8);
      p.setFont(small);
      p.drawText(QRectF(area.left(), area.bottom() + 1, area.width(), 14), Qt::AlignLeft | Qt::AlignTop, "0");
      p.drawText(QRectF(area.left(), area.bottom() + 1, area.width(), 14), Qt::AlignRight | Qt::AlignTop,
                 tr("epoch %1").arg(last_position_, 0, 'f', 1));
      p.setFont(font());
    }
  }
}

void LayerHistograms::paint_distribution(QPainter& p, const QRectF& area, size_t layer, bool kernel) const {
  auto of = [&](const LayerStats& s) -> const Distribution& {
    return kernel ? s.layers[layer].kernel : s.layers[layer].activation;
  };
  double lo = INFINITY, hi = -INFINITY;
  for (const LayerStats& s : history_)
    if (of(s).total > 0) lo = std::min<double>(lo, of(s).lo), hi = std::max<double>(hi, of(s).hi);
  if (!(hi >= lo)) return;
  if (hi - lo < 1e-9) hi = lo + 1, lo -= 1;
  auto y_of = [&](double v) { return area.bottom() - (v - lo) / (hi - lo) * area.height(); };
  // Bands from the outside in, each darker: range, 7-93 %, 16-84 %, 31-69 %.
  for (size_t band = 0; band < 4; ++band) {
    QPolygonF polygon;
    for (const LayerStats& s : history_) polygon << QPointF(x_of(s.position, area), y_of(of(s).percentiles[band]));
    for (auto s = history_.rbegin(); s != history_.rend(); ++s)
      polygon << QPointF(x_of(s->position, area), y_of(of(*s).percentiles[8 - band]));
    QColor fill = accent();
    fill.setAlphaF((is_dark(palette()) ? 0.22f : 0.14f) + 0.14f * static_cast<float>(band));
    p.setPen(Qt::NoPen);
    p.setBrush(fill);
    p.drawPolygon(polygon);
  }
  QPolygonF median;
  for (const LayerStats& s : history_) median << QPointF(x_of(s.position, area), y_of(of(s).percentiles[4]));
  p.setPen(QPen(accent().darker(is_dark(palette()) ? 70 : 130), 1.6));
  p.setBrush(Qt::NoBrush);
  p.drawPolyline(median);
  p.setPen(palette().color(QPalette::PlaceholderText));
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.8);
  p.setFont(small);
  const QRectF labels(area.left() - 44, area.top() - 6, 40, area.height() + 12);
  // Rounding noise around zero (a sigmoid's 2e-16) reads as 0.
  auto label = [&](double v) { return QString::number(std::abs(v) < (hi - lo) * 1e-4 ? 0.0 : v, 'g', 2); };
  p.drawText(labels, Qt::AlignRight | Qt::AlignTop, label(hi));
  p.drawText(labels, Qt::AlignRight | Qt::AlignBottom, label(lo));
  p.setFont(font());
}

void LayerHistograms::paint_gradients(QPainter& p, const QRectF& area, size_t layer) const {
  auto y_of = [&](double norm) {
    const double v = std::log10(std::max(norm, std::pow(10.0, log_lo_)));
    return area.bottom() - (v - log_lo_) / (log_hi_ - log_lo_) * area.height();
  };
  // One faint line per decade, then the other layers faintly and this one strongly: same axis for all rows.
  p.setPen(QPen(palette().color(QPalette::Midlight), 1, Qt::DotLine));
  for (double d = log_lo_ + 1; d < log_hi_; ++d) p.drawLine(QPointF(area.left(), y_of(std::pow(10, d))), QPointF(area.right(), y_of(std::pow(10, d))));
  const size_t layers = history_.back().layers.size();
  for (size_t other = 0; other < layers; ++other) {
    QPolygonF curve;
    for (const LayerStats& s : history_)
      if (s.layers[other].gradient_norm > 0) curve << QPointF(x_of(s.position, area), y_of(s.layers[other].gradient_norm));
    QColor colour = other == layer ? QColor(0xe8733d) : palette().color(QPalette::PlaceholderText);
    if (other != layer) colour.setAlphaF(0.45f);
    p.setPen(QPen(colour, other == layer ? 2.0 : 1.0));
    p.drawPolyline(curve);
  }
  p.setPen(palette().color(QPalette::PlaceholderText));
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.8);
  p.setFont(small);
  const QRectF labels(area.left() - 44, area.top() - 6, 40, area.height() + 12);
  p.drawText(labels, Qt::AlignRight | Qt::AlignTop, QString("1e%1").arg(log_hi_));
  p.drawText(labels, Qt::AlignRight | Qt::AlignBottom, QString("1e%1").arg(log_lo_));
  p.setFont(font());
}

}  // namespace cornu::ui
