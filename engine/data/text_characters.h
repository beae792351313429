// Character-level text as samples (Keras's lstm_text_generation example): every `step` characters, a window
// of `maxlen` characters is a sample and the character after it is its label. The registry entry
// "text_characters" reads a text file (by default the word list /usr/share/dict/words, Debian's wamerican);
// the same encoding serves sampling from a trained model (demos/text_sampling.h).
#pragma once
#include <string>
#include <vector>

#include "data/builtin_datasets.h"

namespace cornu::data {

DatasetEntry text_characters_dataset();
constexpr const char* kDefaultTextPath = "/usr/share/dict/words";

// UTF-8 <-> code points. Invalid bytes are an IoError naming `where`.
std::u32string utf8_to_code_points(const std::string& text, const std::string& where);
std::string code_points_to_utf8(const std::u32string& text);

// What a resolved "text_characters" config says about encoding, without the text.
struct TextEncoding {
  std::u32string vocabulary;  // class k is vocabulary[k]
  int64_t maxlen = 40;
  bool one_hot = true;        // samples (maxlen, |vocabulary|) of 0/1; else (maxlen,) of class indices
  bool lowercase = true;
  int64_t index_of(char32_t c) const;  // -1 when absent
};

// The encoding a config describes: its `vocabulary`, or when that is empty every character of the (lowercased)
// text in code point order, which reads the file.
TextEncoding text_encoding(const Config& resolved);
// The text as training sees it: lowercased when asked, and, with an explicit vocabulary, without the lines
// holding characters outside it (a newline outside the vocabulary joins the lines).
std::u32string prepared_text(const Config& resolved, const TextEncoding& encoding);
// Windows of maxlen characters (each in the vocabulary) as a batch of model inputs: float32
// (N, maxlen, |vocabulary|) one-hot, or (N, maxlen) indices.
Tensor encode_windows(const std::vector<std::u32string>& windows, const TextEncoding& encoding);
// A character as the editor shows a class name: "\n" as "⏎", " " as "␣".
std::string visible_character(char32_t c);

}  // namespace cornu::data
