// The header of a .npy file: a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cornu::data {

struct NpyDtype {
  char kind = 0;  // 'f', 'i', 'u' or 'b'
  int size = 0;   // bytes per value
  bool big_endian = false;
};

struct NpyHeader {
  NpyDtype dtype;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

// Parses the header dict; IoError (naming `name`) when it is malformed or describes an unsupported dtype.
NpyHeader parse_npy_header(std::string_view dict, const std::string& name);

}  // namespace cornu::data
