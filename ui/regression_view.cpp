#include "ui/regression_view.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

#include "ui/boundary_view.h"

namespace cornu::ui {

RegressionStats regression_stats(const std::vector<float>& truth, const std::vector<float>& predicted) {
  RegressionStats s;
  const size_t n = std::min(truth.size(), predicted.size());
  if (n == 0) return s;
  double mean = 0;
  for (size_t i = 0; i < n; ++i) mean += truth[i];
  mean /= static_cast<double>(n);
  double abs_sum = 0, sse = 0, sst = 0;
  for (size_t i = 0; i < n; ++i) {
    const double e = static_cast<double>(predicted[i]) - truth[i], d = truth[i] - mean;
    abs_sum += std::abs(e);
    sse += e * e;
    sst += d * d;
  }
  s.count = static_cast<int64_t>(n);
  s.mae = abs_sum / static_cast<double>(n);
  s.rmse = std::sqrt(sse / static_cast<double>(n));
  s.r2 = sst > 0 ? 1 - sse / sst : 0.0;
  return s;
}

RegressionPlot::RegressionPlot(QWidget* parent) : QWidget(parent) { setObjectName("regression-plot"); }

void RegressionPlot::set_values(std::vector<float> truth, std::vector<float> predicted) {
  truth_ = std::move(truth);
  predicted_ = std::move(predicted);
  const size_t n = std::min(truth_.size(), predicted_.size());
  drawn_.clear();
  const size_t step = std::max<size_t>(1, n / 4000);
  low_ = INFINITY, high_ = -INFINITY;
  for (size_t i = 0; i < n; i += step) {
    if (!std::isfinite(truth_[i]) || !std::isfinite(predicted_[i])) continue;
    drawn_.push_back(i);
    low_ = std::min({low_, double(truth_[i]), double(predicted_[i])});
    high_ = std::max({high_, double(truth_[i]), double(predicted_[i])});
  }
  if (drawn_.empty()) low_ = 0, high_ = 1;
  const double margin = std::max(1e-6, (high_ - low_) * 0.05);
  low_ -= margin, high_ += margin;
  update();
}

void RegressionPlot::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QPalette pal = palette();
  p.fillRect(rect(), pal.color(QPalette::Base));
  const QFontMetrics fm = fontMetrics();
  const int left = fm.horizontalAdvance("-0.000e+00") + 8, bottom = 2 * fm.height() + 8;
  const int side = std::max(10, std::min(width() - left - 12, height() - bottom - 12));
  const QRectF area(left, 8, side, side);
  auto to_x = [&](double v) { return area.left() + (v - low_) / (high_ - low_) * area.width(); };
  auto to_y = [&](double v) { return area.bottom() - (v - low_) / (high_ - low_) * area.height(); };
  p.setPen(pal.color(QPalette::Mid));
  p.drawRect(area);
  // Ticks at round values (1, 2 or 5 times a power of ten apart), the same on both axes.
  p.setPen(pal.color(QPalette::Text));
  const double rough = (high_ - low_) / 5, power = std::pow(10.0, std::floor(std::log10(rough)));
  const double step = power * (rough / power < 1.5 ? 1 : rough / power < 3.5 ? 2 : rough / power < 7.5 ? 5 : 10);
  for (double v = std::ceil(low_ / step) * step; v <= high_; v += step) {
    if (std::abs(v) < step * 1e-9) v = 0;  // -0 and 1e-17 read as 0
    const QString label = QString::number(v, 'g', 3);
    p.drawText(QPointF(to_x(v) - fm.horizontalAdvance(label) / 2.0, area.bottom() + fm.ascent() + 4), label);
    p.drawText(QPointF(area.left() - fm.horizontalAdvance(label) - 4, to_y(v) + fm.ascent() / 2.0 - 1), label);
  }
  const QString x_title = tr("true value"), y_title = tr("predicted");
  p.drawText(QPointF(area.center().x() - fm.horizontalAdvance(x_title) / 2.0, area.bottom() + 2 * fm.height() + 4), x_title);
  p.save();
  p.translate(fm.ascent(), area.center().y() + fm.horizontalAdvance(y_title) / 2.0);
  p.rotate(-90);
  p.drawText(QPointF(0, 0), y_title);
  p.restore();
  if (drawn_.empty()) return;
  p.setClipRect(area);
  p.setPen(QPen(pal.color(QPalette::Mid), 1.5, Qt::DashLine));  // where a perfect model's points would lie
  p.drawLine(QPointF(to_x(low_), to_y(low_)), QPointF(to_x(high_), to_y(high_)));
  QColor dot = class_color(0);
  dot.setAlpha(drawn_.size() > 1000 ? 90 : 170);
  p.setPen(Qt::NoPen);
  p.setBrush(dot);
  for (size_t i : drawn_) p.drawEllipse(QPointF(to_x(truth_[i]), to_y(predicted_[i])), 2.6, 2.6);
}

}  // namespace cornu::ui
