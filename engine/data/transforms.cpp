#include "data/transforms.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <sstream>

#include "backend/backend.h"
#include "core/error.h"
#include "core/random.h"

namespace cornu::data {
namespace {

// Host copies in float (int32 converted), whatever the tensor's backend.
std::vector<float> host_floats(const Tensor& t) {
  if (t.dtype() == DType::Float32) return t.to_vector();
  std::vector<int32_t> v = t.to_int_vector();
  return std::vector<float>(v.begin(), v.end());
}

std::string format_fraction(double v) {
  std::ostringstream out;
  out << v;  // 0.2, not 0.200000
  return out.str();
}

void require_defined(const Tensor& t, const char* function) {
  if (!t.defined()) throw ValueError(std::string(function) + " got an undefined tensor.");
}

}  // namespace

Tensor to_categorical(const Tensor& labels, int num_classes) {
  require_defined(labels, "to_categorical");
  const Shape& s = labels.shape();
  if (s.rank() == 0 || s.rank() > 2 || (s.rank() == 2 && s[1] != 1))
    throw ShapeError("to_categorical expects class ids of shape (N,) or (N, 1), but got " + s.to_string() + ".");
  const int64_t n = labels.size();
  std::vector<int64_t> ids(static_cast<size_t>(n));
  if (labels.dtype() == DType::Int32) {
    std::vector<int32_t> v = labels.to_int_vector();
    std::copy(v.begin(), v.end(), ids.begin());
  } else {
    std::vector<float> v = labels.to_vector();
    for (int64_t i = 0; i < n; ++i) {
      float x = v[static_cast<size_t>(i)];
      if (!(x == std::floor(x)) || std::fabs(x) > 2e9f)
        throw ValueError("to_categorical expects integer class ids, but label " + std::to_string(i) + " is " +
                         std::to_string(x) + ".");
      ids[static_cast<size_t>(i)] = static_cast<int64_t>(x);
    }
  }
  if (num_classes < -1 || num_classes == 0)
    throw ValueError("num_classes must be positive (or -1 to use the largest label + 1), but got " +
                     std::to_string(num_classes) + ".");
  int64_t classes = num_classes;
  if (num_classes == -1) classes = ids.empty() ? 0 : *std::max_element(ids.begin(), ids.end()) + 1;
  for (int64_t i = 0; i < n; ++i) {
    int64_t id = ids[static_cast<size_t>(i)];
    if (id < 0 || id >= classes)
      throw ValueError("Label " + std::to_string(id) + " at index " + std::to_string(i) + " is outside [0, " +
                       std::to_string(classes) + "): class ids must run from 0 to num_classes - 1. " +
                       (num_classes == -1 ? "Labels must not be negative." : "Pass a larger num_classes."));
  }
  std::vector<float> onehot(static_cast<size_t>(n * classes), 0.0f);
  for (int64_t i = 0; i < n; ++i) onehot[static_cast<size_t>(i * classes + ids[static_cast<size_t>(i)])] = 1.0f;
  return Tensor::from_vector(Shape({n, classes}), onehot, &labels.backend());
}

Tensor scale(const Tensor& x, float factor) {
  require_defined(x, "scale");
  std::vector<float> v = host_floats(x);
  for (float& f : v) f *= factor;
  return Tensor::from_vector(x.shape(), v, &x.backend());
}

Standardization fit_standardization(const Tensor& x) {
  require_defined(x, "fit_standardization");
  const int64_t rows = x.rows(), cols = x.cols();
  if (rows < 1) throw ValueError("fit_standardization needs at least one row, but got shape " + x.shape().to_string() + ".");
  std::vector<float> v = host_floats(x);
  // Two passes in double: the mean first, then squared deviations (stable for large offsets).
  std::vector<double> mean(static_cast<size_t>(cols), 0.0), var(static_cast<size_t>(cols), 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) mean[static_cast<size_t>(c)] += v[static_cast<size_t>(r * cols + c)];
  for (double& m : mean) m /= static_cast<double>(rows);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      double d = v[static_cast<size_t>(r * cols + c)] - mean[static_cast<size_t>(c)];
      var[static_cast<size_t>(c)] += d * d;
    }
  Standardization s;
  for (int64_t c = 0; c < cols; ++c) {
    s.mean.push_back(static_cast<float>(mean[static_cast<size_t>(c)]));
    s.stddev.push_back(static_cast<float>(std::sqrt(var[static_cast<size_t>(c)] / static_cast<double>(rows))));
  }
  return s;
}

Tensor standardize(const Tensor& x, const Standardization& s) {
  require_defined(x, "standardize");
  const int64_t rows = x.rows(), cols = x.cols();
  if (static_cast<int64_t>(s.mean.size()) != cols || s.stddev.size() != s.mean.size())
    throw ShapeError("The standardization was fitted on " + std::to_string(s.mean.size()) +
                     " features, but this data has " + std::to_string(cols) + " per sample (shape " +
                     x.shape().to_string() + ").");
  std::vector<float> v = host_floats(x);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const float sd = s.stddev[static_cast<size_t>(c)];
      float& f = v[static_cast<size_t>(r * cols + c)];
      f = (f - s.mean[static_cast<size_t>(c)]) / (sd > 1e-7f ? sd : 1.0f);
    }
  return Tensor::from_vector(x.shape(), v, &x.backend());
}

std::vector<int64_t> shuffled_indices(int64_t n, uint64_t seed) {
  std::vector<int64_t> order(static_cast<size_t>(std::max<int64_t>(n, 0)));
  std::iota(order.begin(), order.end(), int64_t(0));
  Random random(mix_key(seed, 0x5348u));  // "SH": a stream of its own, apart from initializers on the same seed
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(random.below(static_cast<uint64_t>(i + 1)))]);
  return order;
}

Tensor take_rows(const Tensor& t, const std::vector<int64_t>& rows) {
  require_defined(t, "take_rows");
  if (t.shape().rank() == 0) throw ShapeError("take_rows needs a tensor with a first (row) axis, not a scalar.");
  const int64_t n = t.rows();
  for (int64_t r : rows)
    if (r < 0 || r >= n)
      throw ShapeError("Row " + std::to_string(r) + " is out of range for a tensor with " + std::to_string(n) + " rows.");
  Shape shape = t.shape();
  shape[0] = static_cast<int64_t>(rows.size());
  Backend& backend = t.backend();
  Tensor out = Tensor::empty(shape, t.dtype(), &backend);
  const size_t row_bytes = static_cast<size_t>(t.cols()) * dtype_size(t.dtype());
  if (row_bytes == 0 || rows.empty()) return out;
  const char* src = static_cast<const char*>(t.raw());
  char* dst = static_cast<char*>(out.raw());
  if (backend.device() == Device::CPU) {
    for (size_t i = 0; i < rows.size(); ++i)
      std::memcpy(dst + i * row_bytes, src + static_cast<size_t>(rows[i]) * row_bytes, row_bytes);
    return out;
  }
  // A device tensor: gather on the host, then one upload (many tiny device copies would be far slower).
  std::vector<char> all(static_cast<size_t>(n) * row_bytes), picked(rows.size() * row_bytes);
  backend.copy_to_host(all.data(), src, all.size());
  for (size_t i = 0; i < rows.size(); ++i)
    std::memcpy(picked.data() + i * row_bytes, all.data() + static_cast<size_t>(rows[i]) * row_bytes, row_bytes);
  backend.copy_from_host(dst, picked.data(), picked.size());
  return out;
}

std::pair<ArrayDataset, ArrayDataset> train_validation_split(const ArrayDataset& d, double validation_fraction,
                                                             bool shuffle, uint64_t seed) {
  require_defined(d.x, "train_validation_split");
  if (!(validation_fraction > 0.0 && validation_fraction < 1.0))
    throw ValueError("validation_split must be between 0 and 1 (exclusive), but got " +
                     format_fraction(validation_fraction) + ".");
  const int64_t n = d.x.rows();
  if (d.y.defined() && d.y.rows() != n)
    throw ShapeError("x has " + std::to_string(n) + " samples but y has " + std::to_string(d.y.rows()) +
                     "; they must have the same first dimension.");
  const auto split_at = static_cast<int64_t>(std::floor(static_cast<double>(n) * (1.0 - validation_fraction)));
  if (split_at == 0 || split_at == n)
    throw ValueError("Training data contains " + std::to_string(n) +
                     " samples, which is not sufficient to split it into a validation and training set as "
                     "specified by `validation_split=" + format_fraction(validation_fraction) +
                     "`. Either provide more data, or a different value for the `validation_split` argument.");
  ArrayDataset train, validation;
  if (!shuffle) {
    train = {d.x.slice_rows(0, split_at).clone(), d.y.defined() ? d.y.slice_rows(0, split_at).clone() : Tensor()};
    validation = {d.x.slice_rows(split_at, n).clone(), d.y.defined() ? d.y.slice_rows(split_at, n).clone() : Tensor()};
    return {train, validation};
  }
  std::vector<int64_t> order = shuffled_indices(n, seed);
  std::vector<int64_t> head(order.begin(), order.begin() + split_at), tail(order.begin() + split_at, order.end());
  train = {take_rows(d.x, head), d.y.defined() ? take_rows(d.y, head) : Tensor()};
  validation = {take_rows(d.x, tail), d.y.defined() ? take_rows(d.y, tail) : Tensor()};
  return {train, validation};
}

}  // namespace cornu::data
