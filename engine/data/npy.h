// NumPy's .npy and .npz files (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
#pragma once
#include <map>
#include <string>
#include <string_view>

#include <vector>

#include "core/tensor.h"
#include "data/npy_header.h"

namespace cornu::data {

// The largest .npy header accepted (NumPy's own reader stops at 10000 bytes by default).
constexpr size_t kMaxNpyHeaderBytes = 65536;

// Reads a .npy file (format versions 1.0, 2.0 and 3.0). Floats ('<f2', '<f4', '<f8') become Float32; integers
// ('i1'..'i8', 'u1'..'u8') and booleans ('|b1') become Int32 (a value outside int32 is an error).
// Big-endian data is converted; fortran_order arrays are transposed to C order.
Tensor read_npy(const std::string& path);

// Every array of a .npz archive (stored or deflated zip), keyed by member name without ".npy".
std::map<std::string, Tensor> read_npz(const std::string& path);

// Writes '<f4' (Float32) or '<i4' (Int32), format 1.0, atomically (to path + ".tmp", then renamed).
void write_npy(const std::string& path, const Tensor& t);

// Writes a .npz archive as numpy.savez (stored) or, with `compress`, numpy.savez_compressed (deflated).
void write_npz(const std::string& path, const std::map<std::string, Tensor>& arrays, bool compress = false);

// The header of a .npy file (dtype and shape) from its first bytes only, and the same for each member of a
// .npz archive, keyed as read_npz keys them: quick descriptions without reading the arrays.
NpyHeader read_npy_header(const std::string& path);
std::map<std::string, NpyHeader> read_npz_headers(const std::string& path);
// Only the named arrays of a .npz archive (IoError naming the arrays present when one is missing).
std::map<std::string, Tensor> read_npz(const std::string& path, const std::vector<std::string>& keys);

// The header of .npy bytes (or of their start); `data_start` (when given) receives the offset of the values.
NpyHeader parse_npy_start(std::string_view bytes, const std::string& name, size_t* data_start);

// The parsers and the serializer behind these functions, on bytes in memory; `name` is used in errors.
Tensor parse_npy(std::string_view bytes, const std::string& name);
std::map<std::string, Tensor> parse_npz(std::string_view bytes, const std::string& name);
std::string npy_bytes(const Tensor& t);

}  // namespace cornu::data
