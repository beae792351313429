#include "core/shape.h"

#include "core/error.h"

namespace cornu {

int64_t Shape::size() const {
  int64_t n = 1;
  for (int64_t d : dims_) {
    if (d < 0) throw ShapeError("Shape " + to_string() + " has an unknown dimension; its size is not defined.");
    if (__builtin_mul_overflow(n, d, &n)) throw ShapeError("Shape " + to_string() + " holds too many values to count.");
  }
  return n;
}

int64_t Shape::sample_size() const {
  int64_t n = 1;
  for (size_t i = 1; i < dims_.size(); ++i) {
    if (dims_[i] < 0) throw ShapeError("Shape " + to_string() + " has an unknown non-batch dimension.");
    if (__builtin_mul_overflow(n, dims_[i], &n))
      throw ShapeError("Shape " + to_string() + " holds too many values to count.");
  }
  return n;
}

bool Shape::fully_known() const {
  for (int64_t d : dims_)
    if (d < 0) return false;
  return true;
}

Shape Shape::with_batch(int64_t batch) const {
  Shape s = *this;
  if (!s.dims_.empty()) s.dims_[0] = batch;
  return s;
}

Shape Shape::without_batch() const {
  if (dims_.empty()) return {};
  return Shape(std::vector<int64_t>(dims_.begin() + 1, dims_.end()));
}

Shape Shape::batched(const Shape& sample, int64_t batch) {
  std::vector<int64_t> d{batch};
  d.insert(d.end(), sample.dims_.begin(), sample.dims_.end());
  return Shape(std::move(d));
}

int Shape::normalize_axis(int axis) const {
  int r = rank();
  int a = axis < 0 ? axis + r : axis;
  if (a < 0 || a >= r)
    throw ShapeError("Axis " + std::to_string(axis) + " is out of range for a tensor of shape " + to_string() +
                     " (rank " + std::to_string(r) + "). Use an axis between " + std::to_string(-r) + " and " +
                     std::to_string(r - 1) + ".");
  return a;
}

std::string Shape::to_string() const {
  std::string s = "(";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ", ";
    s += dims_[i] < 0 ? "None" : std::to_string(dims_[i]);
  }
  if (dims_.size() == 1) s += ",";
  return s + ")";
}

}  // namespace cornu
