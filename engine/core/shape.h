// Shape: dimensions of a tensor; -1 stands for an unknown dimension (Keras's None), normally the batch.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace cornu {

class Shape {
 public:
  static constexpr int64_t kNone = -1;

  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t operator[](int axis) const { return dims_[normalize_axis(axis)]; }
  int64_t& operator[](int axis) { return dims_[normalize_axis(axis)]; }
  const std::vector<int64_t>& dims() const { return dims_; }

  // Number of elements; every dimension must be known.
  int64_t size() const;
  // Product of the dimensions after the first: the features of one sample.
  int64_t sample_size() const;
  bool fully_known() const;

  // A copy with the first dimension replaced (the batch size of a planned step).
  Shape with_batch(int64_t batch) const;
  // The shape of one sample: all dimensions but the first.
  Shape without_batch() const;
  // (None, d1, d2...) from a sample shape (d1, d2...).
  static Shape batched(const Shape& sample, int64_t batch = kNone);

  // Negative axes count from the end, as in Keras; throws ShapeError when out of range.
  int normalize_axis(int axis) const;

  // "(None, 28, 28)", as Keras prints shapes.
  std::string to_string() const;

  bool operator==(const Shape&) const = default;

 private:
  std::vector<int64_t> dims_;
};

using Shapes = std::vector<Shape>;

}  // namespace cornu
