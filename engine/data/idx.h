// IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header
// 00 00 <type> <rank>, then <rank> uint32 dimensions, then the values in row-major order.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.h"

namespace cornu::data {

// Reads an IDX file, gzipped (detected by the magic bytes 1f 8b, not by the name) or raw. All IDX types are
// read: ubyte, byte, short, int, float, double. Integer vectors (rank 1: labels) become Int32 tensors;
// everything else becomes Float32 holding the raw values (0..255 for images; no scaling).
Tensor read_idx(const std::string& path);

// What an IDX header says, read from the first bytes of the file only (gzipped or not).
struct IdxHeader {
  std::vector<int64_t> dims;
  bool integer = true;  // ubyte, byte, short or int: read_idx turns a rank-1 integer file into int32 labels
};
IdxHeader read_idx_header(const std::string& path);

// The parser behind read_idx, on the decompressed bytes; `name` is used in error messages.
Tensor parse_idx(std::string_view bytes, const std::string& name);

}  // namespace cornu::data
