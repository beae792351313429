// How a trained regression model does on the test set: predicted against true values as a scatter around the
// diagonal a perfect model would sit on, with the error measures a statistician asks for first.
#pragma once
#include <QWidget>
#include <vector>

namespace cornu::ui {

struct RegressionStats {
  int64_t count = 0;
  double mae = 0, rmse = 0;
  double r2 = 0;  // 1 - SSE / SST; 0 when the true values do not vary
};
RegressionStats regression_stats(const std::vector<float>& truth, const std::vector<float>& predicted);

class RegressionPlot : public QWidget {
  Q_OBJECT

 public:
  explicit RegressionPlot(QWidget* parent = nullptr);
  void set_values(std::vector<float> truth, std::vector<float> predicted);
  int points_drawn() const { return static_cast<int>(drawn_.size()); }
  QSize sizeHint() const override { return {360, 320}; }
  QSize minimumSizeHint() const override { return {200, 180}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  std::vector<float> truth_, predicted_;
  std::vector<size_t> drawn_;  // at most a few thousand points: more only hides the density
  double low_ = 0, high_ = 1;  // one range for both axes, so the diagonal is the 45-degree line
};

}  // namespace cornu::ui
