// Tensor: one contiguous buffer on a backend's device plus a Shape. Copies share the buffer (like a
// handle); `view` reinterprets the same memory with another shape. No strides: layers that need another
// layout (Permute, transposes) copy through the backend.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/shape.h"

namespace cornu {

class Backend;

enum class DType { Float32, Int32 };
size_t dtype_size(DType);
const char* dtype_name(DType);

// Memory owned by a backend (host RAM for the CPU, device memory for CUDA).
class Buffer {
 public:
  Buffer(Backend& backend, size_t bytes);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  Backend& backend() const { return backend_; }

 private:
  Backend& backend_;
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

class Tensor {
 public:
  Tensor() = default;
  // Uninitialized memory on `backend` (the CPU backend when null).
  static Tensor empty(const Shape& shape, DType dtype = DType::Float32, Backend* backend = nullptr);
  static Tensor zeros(const Shape& shape, DType dtype = DType::Float32, Backend* backend = nullptr);
  // Copies host values onto `backend`.
  static Tensor from_vector(const Shape& shape, const std::vector<float>& values, Backend* backend = nullptr);
  static Tensor from_vector(const Shape& shape, const std::vector<int32_t>& values, Backend* backend = nullptr);

  bool defined() const { return buffer_ != nullptr; }
  const Shape& shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  int64_t size() const { return shape_.size(); }
  int64_t rows() const { return shape_.rank() ? shape_[0] : 1; }  // first dimension (the batch)
  int64_t cols() const { return shape_.rank() ? shape_.sample_size() : 1; }
  Backend& backend() const;

  float* data() const { return reinterpret_cast<float*>(raw()); }
  int32_t* int_data() const { return reinterpret_cast<int32_t*>(raw()); }
  void* raw() const;

  // The same memory seen with another shape of the same size (throws ShapeError otherwise).
  Tensor view(const Shape& shape) const;
  // Rows [begin, end) of the first dimension, sharing memory.
  Tensor slice_rows(int64_t begin, int64_t end) const;
  // `shape.size()` elements starting `offset` elements in, sharing memory (arena views).
  Tensor slice_flat(int64_t offset, const Shape& shape) const;
  // A deep copy on the same backend.
  Tensor clone() const;

  // Host copies of the values (a device copy when the tensor lives on a GPU).
  std::vector<float> to_vector() const;
  std::vector<int32_t> to_int_vector() const;
  void copy_from_host(const void* host, size_t bytes);

 private:
  std::shared_ptr<Buffer> buffer_;
  size_t offset_ = 0;  // bytes into buffer_
  Shape shape_;
  DType dtype_ = DType::Float32;
};

}  // namespace cornu
