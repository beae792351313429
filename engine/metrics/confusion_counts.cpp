#include "metrics/confusion_counts.h"

#include <algorithm>
#include <cmath>

namespace cornu {

bool evenly_distributed(const std::vector<double>& t) {
  const size_t n = t.size();
  if (n < 3) return false;
  for (size_t i = 0; i < n; ++i) {
    double even = static_cast<double>(static_cast<float>(i) / static_cast<float>(n - 1));
    if (std::fabs(t[i] - even) > kMetricEpsilon + 1e-5 * std::fabs(even)) return false;  // np.allclose's rtol
  }
  return true;
}

ConfusionCounts::ConfusionCounts(std::vector<float> thresholds, bool evenly)
    : thresholds_(std::move(thresholds)),
      evenly_(evenly),
      with_epsilon_(thresholds_.front() < 0.0f || thresholds_.back() > 1.0f),
      pos_bucket_(evenly ? thresholds_.size() : 0),
      neg_bucket_(evenly ? thresholds_.size() : 0) {
  reset();
}

void ConfusionCounts::reset() {
  for (auto* v : {&tp, &fp, &tn, &fn}) v->assign(size(), 0.0);
}

void ConfusionCounts::add(const float* t, const float* p, const float* weights, int64_t rows, int64_t cols,
                          int64_t class_id) {
  const int64_t n = static_cast<int64_t>(size());
  const int64_t c0 = class_id >= 0 ? class_id : 0, c1 = class_id >= 0 ? class_id + 1 : cols;
  std::fill(pos_bucket_.begin(), pos_bucket_.end(), 0.0);
  std::fill(neg_bucket_.begin(), neg_bucket_.end(), 0.0);
  double total_pos = 0, total_neg = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = c0; c < c1; ++c) {
      const double w = weights ? weights[r] : 1.0;
      const bool truth = t[r * cols + c] != 0.0f;
      const float pred = p[r * cols + c];
      (truth ? total_pos : total_neg) += w;
      if (evenly_) {  // bucket b: positive at thresholds 0..b, in float32 as Keras computes it
        float bucket = std::ceil(std::clamp(pred, 0.0f, 1.0f) * static_cast<float>(n - 1)) - 1.0f;
        if (with_epsilon_) bucket = std::max(bucket, 0.0f);
        if (bucket >= 0) (truth ? pos_bucket_ : neg_bucket_)[static_cast<size_t>(bucket)] += w;
      } else {
        for (size_t i = 0; i < size(); ++i)
          if (pred > thresholds_[i])
            (truth ? tp : fp)[i] += w;
          else
            (truth ? fn : tn)[i] += w;
      }
    }
  if (!evenly_) return;
  double above_pos = 0, above_neg = 0;  // reversed cumulative sums over the buckets
  for (int64_t i = n - 1; i >= 0; --i) {
    const auto k = static_cast<size_t>(i);
    above_pos += pos_bucket_[k], above_neg += neg_bucket_[k];
    tp[k] += above_pos, fn[k] += total_pos - above_pos;
    fp[k] += above_neg, tn[k] += total_neg - above_neg;
  }
}

}  // namespace cornu
