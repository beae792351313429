#include "data/npy.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "core/error.h"
#include "data/file_bytes.h"
#include "data/npy_header.h"

namespace cornu::data {
namespace {

static_assert(std::endian::native == std::endian::little, "The .npy reader assumes a little-endian host.");

constexpr std::string_view kMagic = "\x93NUMPY";

float half_to_float(uint16_t h) {
  const int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float magnitude = exponent == 0    ? std::ldexp(static_cast<float>(mantissa), -24)
                    : exponent == 31 ? (mantissa ? std::numeric_limits<float>::quiet_NaN()
                                                 : std::numeric_limits<float>::infinity())
                                     : std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  return (h & 0x8000) ? -magnitude : magnitude;
}

uint64_t load_bits(const unsigned char* p, int size, bool big_endian) {
  uint64_t v = 0;
  for (int i = 0; i < size; ++i) v |= static_cast<uint64_t>(p[big_endian ? size - 1 - i : i]) << (8 * i);
  return v;
}

double load_float(const unsigned char* p, const NpyDtype& t) {
  uint64_t bits = load_bits(p, t.size, t.big_endian);
  if (t.size == 2) return half_to_float(static_cast<uint16_t>(bits));
  if (t.size == 4) return std::bit_cast<float>(static_cast<uint32_t>(bits));
  return std::bit_cast<double>(bits);
}

// An integer or boolean value, or nullopt when it does not fit in int32.
std::optional<int32_t> load_int(const unsigned char* p, const NpyDtype& t) {
  uint64_t bits = load_bits(p, t.size, t.big_endian);
  if (t.kind == 'b') return bits != 0;
  if (t.kind == 'u') {
    if (bits > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) return std::nullopt;
    return static_cast<int32_t>(bits);
  }
  int shift = 64 - 8 * t.size;  // sign-extend
  int64_t v = static_cast<int64_t>(bits << shift) >> shift;
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) return std::nullopt;
  return static_cast<int32_t>(v);
}

// Calls f(c_offset, source_offset) for every element in C order; a Fortran-ordered source has its first axis
// varying fastest, so its strides are the running products of the dimensions from the front.
template <class F>
void for_each_element(const std::vector<int64_t>& dims, int64_t count, bool fortran_order, F&& f) {
  if (!fortran_order || dims.size() < 2) {
    for (int64_t i = 0; i < count; ++i) f(i, i);
    return;
  }
  const size_t rank = dims.size();
  std::vector<int64_t> stride(rank), index(rank, 0);
  for (size_t k = 0, s = 1; k < rank; s *= static_cast<size_t>(dims[k]), ++k) stride[k] = static_cast<int64_t>(s);
  int64_t src = 0;
  for (int64_t dst = 0; dst < count; ++dst) {
    f(dst, src);
    for (size_t k = rank; k-- > 0;) {
      if (++index[k] < dims[k]) {
        src += stride[k];
        break;
      }
      src -= stride[k] * (dims[k] - 1);
      index[k] = 0;
    }
  }
}

}  // namespace

NpyHeader parse_npy_start(std::string_view bytes, const std::string& name, size_t* data_start_out) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 10 || bytes.substr(0, 6) != kMagic)
    throw IoError("'" + name + "' is not a .npy file: it does not start with the bytes \\x93NUMPY.");
  const int major = p[6];
  if (major < 1 || major > 3)
    throw IoError("'" + name + "' uses .npy format version " + std::to_string(major) + "." + std::to_string(p[7]) +
                  "; Cornu reads versions 1.0, 2.0 and 3.0.");
  const size_t length_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + length_bytes) throw IoError("'" + name + "' is truncated inside its .npy header.");
  const size_t header_length = static_cast<size_t>(load_bits(p + 8, static_cast<int>(length_bytes), false));
  if (header_length > kMaxNpyHeaderBytes)
    throw IoError("'" + name + "' announces a .npy header of " + std::to_string(header_length) +
                  " bytes, more than the " + std::to_string(kMaxNpyHeaderBytes) + " Cornu accepts; the file is damaged.");
  const size_t data_start = 8 + length_bytes + header_length;
  if (bytes.size() < data_start)
    throw IoError("'" + name + "' is truncated: it ends inside its " + std::to_string(header_length) +
                  "-byte .npy header.");
  if (data_start_out) *data_start_out = data_start;
  return parse_npy_header(bytes.substr(8 + length_bytes, header_length), name);
}

NpyHeader read_npy_header(const std::string& path) {
  return parse_npy_start(read_prefix_maybe_gzipped(path, 10 + kMaxNpyHeaderBytes), path, nullptr);
}

Tensor parse_npy(std::string_view bytes, const std::string& name) {
  size_t data_start = 0;
  NpyHeader h = parse_npy_start(bytes, name, &data_start);

  // Sizes are checked against the file before anything is allocated.
  const auto count = checked_product(h.shape);
  const size_t payload = bytes.size() - data_start, item = static_cast<size_t>(h.dtype.size);
  if (!count || static_cast<uint64_t>(*count) > payload / item)
    throw IoError("'" + name + "' is truncated or damaged: its header announces shape " + dims_to_string(h.shape) +
                  " of " + std::to_string(item) + "-byte values, more than the " + std::to_string(payload) +
                  " bytes of data it holds.");
  const unsigned char* data = reinterpret_cast<const unsigned char*>(bytes.data()) + data_start;
  const size_t itemsize = item;
  if (h.dtype.kind == 'f') {
    Tensor t = Tensor::empty(Shape(h.shape), DType::Float32);
    float* out = t.data();
    for_each_element(h.shape, *count, h.fortran_order, [&](int64_t dst, int64_t src) {
      out[dst] = static_cast<float>(load_float(data + static_cast<size_t>(src) * itemsize, h.dtype));
    });
    return t;
  }
  Tensor t = Tensor::empty(Shape(h.shape), DType::Int32);
  int32_t* out = t.int_data();
  for_each_element(h.shape, *count, h.fortran_order, [&](int64_t dst, int64_t src) {
    auto v = load_int(data + static_cast<size_t>(src) * itemsize, h.dtype);
    if (!v)
      throw IoError("'" + name + "' holds an integer at flat index " + std::to_string(src) +
                    " that does not fit in int32, the integer type Cornu uses. Convert the array before saving it, "
                    "for example with a.astype('float32').");
    out[dst] = *v;
  });
  return t;
}

std::string npy_bytes(const Tensor& t) {
  if (!t.defined()) throw ValueError("Cannot save an undefined tensor as .npy.");
  std::string header = std::string("{'descr': '") + (t.dtype() == DType::Float32 ? "<f4" : "<i4") +
                       "', 'fortran_order': False, 'shape': " + dims_to_string(t.shape().dims()) + ", }";
  // NumPy pads the header with spaces and a newline so that the data starts on a 64-byte boundary.
  const size_t prefix = kMagic.size() + 4;
  header.append(63 - (prefix + header.size()) % 64, ' ');
  header += '\n';
  if (header.size() > 65535) throw ValueError("The tensor's rank is too large for a .npy version 1.0 header.");
  std::string out(kMagic);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  const size_t data_bytes = static_cast<size_t>(t.size()) * 4;
  const size_t start = out.size();
  out.resize(start + data_bytes);
  if (data_bytes) {
    if (t.dtype() == DType::Float32) {
      std::vector<float> v = t.to_vector();
      std::memcpy(out.data() + start, v.data(), data_bytes);
    } else {
      std::vector<int32_t> v = t.to_int_vector();
      std::memcpy(out.data() + start, v.data(), data_bytes);
    }
  }
  return out;
}

Tensor read_npy(const std::string& path) { return parse_npy(read_file_bytes(path), path); }

void write_npy(const std::string& path, const Tensor& t) { write_file_atomic(path, npy_bytes(t)); }

}  // namespace cornu::data
