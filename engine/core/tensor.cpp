#include "core/tensor.h"

#include <cstring>

#include "backend/backend.h"
#include "core/error.h"

namespace cornu {

size_t dtype_size(DType) { return 4; }
const char* dtype_name(DType d) { return d == DType::Float32 ? "float32" : "int32"; }

Buffer::Buffer(Backend& backend, size_t bytes) : backend_(backend), bytes_(bytes) {
  data_ = backend_.allocate(bytes ? bytes : 1);
}
Buffer::~Buffer() { backend_.deallocate(data_); }

Tensor Tensor::empty(const Shape& shape, DType dtype, Backend* backend) {
  Backend& b = backend ? *backend : cpu_backend();
  Tensor t;
  t.buffer_ = std::make_shared<Buffer>(b, static_cast<size_t>(shape.size()) * dtype_size(dtype));
  t.shape_ = shape;
  t.dtype_ = dtype;
  return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype, Backend* backend) {
  Tensor t = empty(shape, dtype, backend);
  std::vector<char> z(t.buffer_->bytes(), 0);  // int32 zero and float32 zero share the bit pattern
  t.copy_from_host(z.data(), z.size());
  return t;
}

Tensor Tensor::from_vector(const Shape& shape, const std::vector<float>& values, Backend* backend) {
  if (static_cast<int64_t>(values.size()) != shape.size())
    throw ShapeError("Got " + std::to_string(values.size()) + " values for a tensor of shape " + shape.to_string() +
                     ", which holds " + std::to_string(shape.size()) + ".");
  Tensor t = empty(shape, DType::Float32, backend);
  t.copy_from_host(values.data(), values.size() * sizeof(float));
  return t;
}

Tensor Tensor::from_vector(const Shape& shape, const std::vector<int32_t>& values, Backend* backend) {
  if (static_cast<int64_t>(values.size()) != shape.size())
    throw ShapeError("Got " + std::to_string(values.size()) + " values for a tensor of shape " + shape.to_string() +
                     ", which holds " + std::to_string(shape.size()) + ".");
  Tensor t = empty(shape, DType::Int32, backend);
  t.copy_from_host(values.data(), values.size() * sizeof(int32_t));
  return t;
}

Backend& Tensor::backend() const {
  if (!buffer_) throw ValueError("This tensor is empty (it was never allocated).");
  return buffer_->backend();
}

void* Tensor::raw() const { return buffer_ ? static_cast<char*>(buffer_->data()) + offset_ : nullptr; }

Tensor Tensor::view(const Shape& shape) const {
  if (shape.size() != shape_.size())
    throw ShapeError("Cannot view a tensor of shape " + shape_.to_string() + " as " + shape.to_string() +
                     ": the sizes differ.");
  Tensor t = *this;
  t.shape_ = shape;
  return t;
}

Tensor Tensor::slice_rows(int64_t begin, int64_t end) const {
  if (begin < 0 || end < begin || end > rows())
    throw ShapeError("Rows [" + std::to_string(begin) + ", " + std::to_string(end) + ") are out of range for shape " +
                     shape_.to_string() + ".");
  Tensor t = *this;
  t.offset_ += static_cast<size_t>(begin * cols()) * dtype_size(dtype_);
  t.shape_[0] = end - begin;
  return t;
}

Tensor Tensor::slice_flat(int64_t offset, const Shape& shape) const {
  if (offset < 0 || offset + shape.size() > size())
    throw ShapeError("A view of shape " + shape.to_string() + " at offset " + std::to_string(offset) +
                     " does not fit in a tensor of " + std::to_string(size()) + " elements.");
  Tensor t = *this;
  t.offset_ += static_cast<size_t>(offset) * dtype_size(dtype_);
  t.shape_ = shape;
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = empty(shape_, dtype_, &backend());
  backend().copy(t.raw(), raw(), static_cast<size_t>(size()) * dtype_size(dtype_));
  return t;
}

std::vector<float> Tensor::to_vector() const {
  std::vector<float> v(static_cast<size_t>(size()));
  if (!v.empty()) backend().copy_to_host(v.data(), raw(), v.size() * sizeof(float));
  return v;
}

std::vector<int32_t> Tensor::to_int_vector() const {
  std::vector<int32_t> v(static_cast<size_t>(size()));
  if (!v.empty()) backend().copy_to_host(v.data(), raw(), v.size() * sizeof(int32_t));
  return v;
}

void Tensor::copy_from_host(const void* host, size_t bytes) {
  if (bytes > static_cast<size_t>(size()) * dtype_size(dtype_)) throw ShapeError("Host data larger than the tensor.");
  if (bytes) backend().copy_from_host(raw(), host, bytes);
}

}  // namespace cornu
