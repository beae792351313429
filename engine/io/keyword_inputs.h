// Tensors Keras passes to a layer's call by keyword rather than positionally: an RNN's initial_state (the states
// after the sequence, as a list), later MultiHeadAttention's key. Cornu's layers take them as extra inputs, in
// the order listed here; the Keras config writer, its reader and the Python export all follow this one table.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

namespace cornu::io {

struct KeywordInput {
  size_t first_input;  // the layer's inputs from here (up to the next entry's first) go by this keyword
  std::string keyword;
  bool as_list;        // initial_state=[h, c] (a list even when one tensor), key=k (a single tensor)
};

inline std::vector<KeywordInput> keyword_inputs(const std::string& class_name) {
  if (class_name == "LSTM" || class_name == "GRU" || class_name == "SimpleRNN") return {{1, "initial_state", true}};
  return {};
}

// How many of a call's `count` inputs are positional (the rest go by keyword).
inline size_t positional_inputs(const std::string& class_name, size_t count) {
  const auto keywords = keyword_inputs(class_name);
  return keywords.empty() ? count : std::min(count, keywords.front().first_input);
}

}  // namespace cornu::io
