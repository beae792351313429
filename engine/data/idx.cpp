#include "data/idx.h"

#include <bit>
#include <cstring>

#include "core/error.h"
#include "data/file_bytes.h"

namespace cornu::data {
namespace {

struct IdxType {
  unsigned char code;
  const char* name;
  int bytes;
  bool integer;
};

constexpr IdxType kIdxTypes[] = {{0x08, "ubyte", 1, true}, {0x09, "byte", 1, true},   {0x0B, "short", 2, true},
                                 {0x0C, "int", 4, true},   {0x0D, "float", 4, false}, {0x0E, "double", 8, false}};

uint64_t read_big_endian(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

// One value of the given IDX type at p, as a double (exact for every IDX type but double itself).
double idx_value(const unsigned char* p, const IdxType& type) {
  uint64_t raw = read_big_endian(p, type.bytes);
  switch (type.code) {
    case 0x08: return static_cast<double>(raw);
    case 0x09: return static_cast<int8_t>(raw);
    case 0x0B: return static_cast<int16_t>(raw);
    case 0x0C: return static_cast<int32_t>(raw);
    case 0x0D: return std::bit_cast<float>(static_cast<uint32_t>(raw));
    default: return std::bit_cast<double>(raw);
  }
}

// The type and dimensions from the start of an IDX file; `bytes` may hold only the header.
std::pair<const IdxType*, std::vector<int64_t>> parse_header(std::string_view bytes, const std::string& name) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 4)
    throw IoError("'" + name + "' is too short to be an IDX file (" + std::to_string(bytes.size()) + " bytes).");
  if (p[0] != 0 || p[1] != 0)
    throw IoError("'" + name + "' is not an IDX file: it does not start with the IDX magic number 00 00 <type> <rank>.");
  const IdxType* type = nullptr;
  for (const IdxType& t : kIdxTypes)
    if (t.code == p[2]) type = &t;
  if (!type)
    throw IoError("'" + name + "' has the unknown IDX data type code " + std::to_string(p[2]) +
                  "; IDX defines 0x08 (ubyte), 0x09, 0x0B, 0x0C, 0x0D and 0x0E (double).");
  const int rank = p[3];
  if (rank == 0) throw IoError("'" + name + "' declares an IDX array with no dimensions; the file is damaged.");
  const size_t header = 4 + 4 * static_cast<size_t>(rank);
  if (bytes.size() < header)
    throw IoError("'" + name + "' is truncated: its header announces " + std::to_string(rank) +
                  " dimensions but the file ends after " + std::to_string(bytes.size()) + " bytes.");
  std::vector<int64_t> dims(static_cast<size_t>(rank));
  for (int i = 0; i < rank; ++i) dims[static_cast<size_t>(i)] = static_cast<int64_t>(read_big_endian(p + 4 + 4 * i, 4));
  return {type, dims};
}

}  // namespace

IdxHeader read_idx_header(const std::string& path) {
  auto [type, dims] = parse_header(read_prefix_maybe_gzipped(path, 4 + 4 * 255), path);
  return {dims, type->integer};
}

Tensor parse_idx(std::string_view bytes, const std::string& name) {
  auto [type, dims] = parse_header(bytes, name);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const int rank = static_cast<int>(dims.size());
  const size_t header = 4 + 4 * static_cast<size_t>(rank);

  // Sizes are checked against the file before anything is allocated.
  const auto count = checked_product(dims);
  const size_t payload = bytes.size() - header;
  if (!count || static_cast<uint64_t>(*count) > payload / static_cast<uint64_t>(type->bytes) ||
      static_cast<uint64_t>(*count) * static_cast<uint64_t>(type->bytes) != payload) {
    std::string needed = count ? std::to_string(static_cast<uint64_t>(*count) * static_cast<uint64_t>(type->bytes))
                               : std::string("more than 2^63");
    throw IoError("'" + name + "' has an IDX header announcing " + std::string(type->name) + " values of shape " +
                  dims_to_string(dims) + ", which need " + needed + " bytes, but the file holds " +
                  std::to_string(payload) + " bytes of data. The file is truncated or damaged; download it again.");
  }

  const unsigned char* values = p + header;
  const int64_t n = *count;
  if (type->integer && rank == 1) {  // labels
    Tensor t = Tensor::empty(Shape(dims), DType::Int32);
    int32_t* out = t.int_data();
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int32_t>(idx_value(values + i * type->bytes, *type));
    return t;
  }
  Tensor t = Tensor::empty(Shape(dims), DType::Float32);
  float* out = t.data();
  if (type->code == 0x08) {  // the common case (images): a plain byte-to-float loop
    for (int64_t i = 0; i < n; ++i) out[i] = values[i];
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(idx_value(values + i * type->bytes, *type));
  }
  return t;
}

Tensor read_idx(const std::string& path) { return parse_idx(read_maybe_gzipped(path), path); }

}  // namespace cornu::data
