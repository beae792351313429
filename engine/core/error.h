// Errors in Keras's voice: say what is wrong and what to do about it.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace cornu {

// Base of every error the engine throws on purpose. what() is a complete, actionable sentence.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ValueError : public Error {  // a bad argument or configuration value
 public:
  using Error::Error;
};

class ShapeError : public Error {  // tensors that do not fit together
 public:
  using Error::Error;
};

class IoError : public Error {  // a file that cannot be read, or is malformed
 public:
  using Error::Error;
};

class DeviceError : public Error {  // no GPU, no driver, out of memory
 public:
  using Error::Error;
};

// Suggests the closest of `known` to `name` ("Did you mean 'units'?"), or "" when nothing is close.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& known);

}  // namespace cornu
