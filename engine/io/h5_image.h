// HDF5 files as bytes in memory (the core driver), with the guards every Keras-file reader needs: soft and
// external links refused, attribute sizes capped, datasets read as float32 with their shape checked.
// Private to engine/ (io/ and model/weights_io.cpp); the HDF5 C API only (hdf5_hl is not linked).
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace cornu::io::h5 {

// The largest string attribute read (model_config of a huge model is a few MB).
constexpr size_t kMaxAttributeBytes = size_t(64) << 20;

class Handle {  // owns an HDF5 id: closed on scope exit, moved (never copied)
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  Handle& operator=(Handle&& other) noexcept {
    std::swap(id_, other.id_);
    std::swap(close_, other.close_);
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0 && close_) close_(id_);
  }
  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// Keeps HDF5 from printing its error stack while alive (our exceptions say what went wrong instead).
class Quiet {
 public:
  Quiet();
  ~Quiet();
  Quiet(const Quiet&) = delete;
  Quiet& operator=(const Quiet&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// True when `bytes` start with the HDF5 signature \x89HDF\r\n\x1a\n.
bool has_hdf5_signature(std::string_view bytes);

// A new, empty file in memory; image() gives its bytes once everything is written.
Handle create_image();
std::string image(hid_t file);
// Opens bytes read-only (copied). IoError starting with `where` ("'m.h5'") when they are not a (complete) HDF5 file.
Handle open_image(std::string_view bytes, const std::string& where);

// --- links: every step of a path must be a hard link (soft and external links are refused) ---
// True when `path` ("a/b/c", relative to loc) exists through hard links only; IoError when a step is a
// soft or external link. `where` starts error messages ("'m.h5'").
bool exists(hid_t loc, const std::string& path, const std::string& where);
Handle open_group(hid_t loc, const std::string& path, const std::string& where);
// Names of the direct members of a group, in name order.
std::vector<std::string> members(hid_t group);

// --- attributes ---
bool has_attribute(hid_t object, const std::string& name);
// Scalar variable-length UTF-8 string, as h5py writes a Python str.
void write_string(hid_t object, const std::string& name, const std::string& value);
// 1-D variable-length UTF-8 strings; an empty list is float64 of shape (0,), as h5py writes [].
// Longer lists than one attribute holds go into name0, name1... as Keras splits them.
void write_string_list(hid_t object, const std::string& name, const std::vector<std::string>& values);
// A scalar string attribute (variable or fixed length), at most kMaxAttributeBytes. IoError naming `what`.
std::string read_string(hid_t object, const std::string& name, const std::string& what);
// A 1-D string list (variable or fixed length, NULLPAD or NULLTERM), or the split form name0, name1...;
// float64 (0,) reads as empty. An absent attribute is an IoError.
std::vector<std::string> read_string_list(hid_t object, const std::string& name, const std::string& what);

// --- datasets ---
// A contiguous little-endian float32 dataset (scalar dataspace for 0-d) at `path`, groups created on the way.
void write_float_dataset(hid_t loc, const std::string& path, const Tensor& value);
// The dataset at `path` (hard links only) as float32, which must have `expected` shape. Integer and float data
// are converted; anything else, external or virtual storage, or another shape is an IoError naming `what`.
std::vector<float> read_float_dataset(hid_t loc, const std::string& path, const Shape& expected, const std::string& what);

}  // namespace cornu::io::h5
