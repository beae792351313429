#include "data/npy_header.h"

#include <limits>
#include <utility>

#include "core/error.h"

namespace cornu::data {
namespace {

// The header is a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : s_(text), name_(name) {}

  NpyHeader parse() {
    NpyHeader h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (!eat('}')) {
      std::string key = parse_string();
      expect(':');
      if (key == "descr" && !seen_descr) {
        seen_descr = true;
        skip_spaces();
        if (pos_ < s_.size() && s_[pos_] == '[')
          fail("it describes a structured array; only plain numeric arrays can be read");
        h.dtype = parse_dtype(parse_string());
      } else if (key == "fortran_order" && !seen_order) {
        seen_order = true;
        h.fortran_order = parse_bool();
      } else if (key == "shape" && !seen_shape) {
        seen_shape = true;
        h.shape = parse_shape();
      } else {
        fail("unexpected or repeated key '" + key + "'");
      }
      if (!eat(',')) {
        expect('}');
        break;
      }
    }
    skip_spaces();
    if (pos_ != s_.size()) fail("text follows the closing brace");
    if (!seen_descr || !seen_order || !seen_shape) fail("it lacks one of 'descr', 'fortran_order' and 'shape'");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw IoError("'" + name_ + "' has a malformed .npy header (" + what + "): " +
                  std::string(s_.substr(0, 120)) + (s_.size() > 120 ? "..." : "") +
                  ". Save the array again with numpy.save.");
  }
  void skip_spaces() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
  }
  bool eat(char c) {
    skip_spaces();
    if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(std::string("expected '") + c + "'");
  }
  std::string parse_string() {
    skip_spaces();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) fail("expected a quoted string");
    char quote = s_[pos_++];
    size_t end = s_.find(quote, pos_);
    if (end == std::string_view::npos) fail("a string is never closed");
    std::string value(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return value;
  }
  bool parse_bool() {
    skip_spaces();
    for (auto [word, value] : {std::pair<std::string_view, bool>{"True", true}, {"False", false}})
      if (s_.substr(pos_, word.size()) == word) return pos_ += word.size(), value;
    fail("fortran_order must be True or False");
  }
  std::vector<int64_t> parse_shape() {
    std::vector<int64_t> shape;
    expect('(');
    while (!eat(')')) {
      skip_spaces();
      int64_t d = 0;
      size_t start = pos_;
      for (; pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; ++pos_) {
        if (d > (std::numeric_limits<int64_t>::max() - 9) / 10) fail("a dimension is too large");
        d = d * 10 + (s_[pos_] - '0');
      }
      if (pos_ == start) fail("a dimension is not a non-negative integer");
      if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_;  // Python 2 long literals
      if (shape.size() >= 64) fail("more than 64 dimensions");
      shape.push_back(d);
      if (!eat(',')) {
        expect(')');
        break;
      }
    }
    return shape;
  }
  NpyDtype parse_dtype(const std::string& descr) {
    NpyDtype t;
    std::string_view rest = descr;
    char order = '|';
    if (!rest.empty() && std::string_view("<>|=").find(rest[0]) != std::string_view::npos) {
      order = rest[0];
      rest.remove_prefix(1);
    }
    if (rest.size() == 2 && rest[1] >= '1' && rest[1] <= '8') {
      t.kind = rest[0];
      t.size = rest[1] - '0';
    }
    bool known = (t.kind == 'f' && (t.size == 2 || t.size == 4 || t.size == 8)) ||
                 ((t.kind == 'i' || t.kind == 'u') && (t.size == 1 || t.size == 2 || t.size == 4 || t.size == 8)) ||
                 (t.kind == 'b' && t.size == 1);
    if (!known)
      throw IoError("'" + name_ + "' holds the NumPy dtype '" + descr +
                    "', which Cornu cannot read. Save a float or integer array instead, for example with "
                    "numpy.save(path, a.astype('float32')).");
    t.big_endian = order == '>';
    return t;
  }

  std::string_view s_;
  const std::string& name_;
  size_t pos_ = 0;
};

}  // namespace

NpyHeader parse_npy_header(std::string_view dict, const std::string& name) { return HeaderParser(dict, name).parse(); }

}  // namespace cornu::data
