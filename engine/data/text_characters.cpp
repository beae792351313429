#include "data/text_characters.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "core/error.h"
#include "data/file_bytes.h"
#include "data/file_datasets.h"

namespace cornu::data {

std::u32string utf8_to_code_points(const std::string& text, const std::string& where) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const int extra = lead < 0x80 ? 0 : (lead >> 5) == 0x6 ? 1 : (lead >> 4) == 0xE ? 2 : (lead >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || (extra > 0 && i + static_cast<size_t>(extra) >= text.size()))
      throw IoError(where + " is not UTF-8 text (byte " + std::to_string(i) + "): save it as UTF-8.");
    char32_t c = extra == 0 ? lead : lead & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      if ((next >> 6) != 0x2) throw IoError(where + " is not UTF-8 text (byte " + std::to_string(i) + "): save it as UTF-8.");
      c = (c << 6) | (next & 0x3F);
    }
    out.push_back(c);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

std::string code_points_to_utf8(const std::u32string& text) {
  std::string out;
  for (char32_t c : text) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string visible_character(char32_t c) {
  if (c == U'\n') return "\u23CE";
  if (c == U' ') return "\u2423";
  if (c == U'\t') return "\u21E5";
  return code_points_to_utf8(std::u32string(1, c));
}

int64_t TextEncoding::index_of(char32_t c) const {
  const size_t at = vocabulary.find(c);
  return at == std::u32string::npos ? -1 : static_cast<int64_t>(at);
}

namespace {

char32_t lower(char32_t c) { return c >= U'A' && c <= U'Z' ? c + (U'a' - U'A') : c; }

// The file's characters, lowercased when asked; carriage returns dropped so Windows files read the same.
std::u32string raw_text(const Config& c) {
  const std::string path = existing_path(c, "path", "text_characters");
  std::u32string text = utf8_to_code_points(read_maybe_gzipped(path), "'" + path + "'");
  std::erase(text, U'\r');
  if (c.at("lowercase").get<bool>()) std::transform(text.begin(), text.end(), text.begin(), lower);
  return text;
}

std::u32string keep_known_lines(const std::u32string& text, const TextEncoding& e) {
  const bool newline_known = e.index_of(U'\n') >= 0;
  std::u32string out;
  out.reserve(text.size());
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(U'\n', start);
    if (end == std::u32string::npos) end = text.size();
    const std::u32string_view line(text.data() + start, end - start);
    if (std::all_of(line.begin(), line.end(), [&](char32_t ch) { return e.index_of(ch) >= 0; })) {
      out += line;
      if (newline_known && end < text.size()) out += U'\n';
    }
    start = end + 1;
  }
  return out;
}

TrainTest load_text(const Config& c) {
  const TextEncoding e = text_encoding(c);
  const std::u32string text = prepared_text(c, e);
  const auto maxlen = static_cast<size_t>(e.maxlen), step = c.at("step").get<size_t>();
  if (text.size() <= maxlen)
    throw ValueError("text_characters: the text has " + std::to_string(text.size()) + " usable characters, fewer than " +
                     "maxlen + 1 = " + std::to_string(maxlen + 1) + ": lower maxlen or choose a longer text.");
  const size_t windows = (text.size() - maxlen - 1) / step + 1;
  const size_t kept = std::min(windows, c.at("max_samples").get<size_t>());
  const double test_fraction = c.at("test_fraction").get<double>();
  std::vector<std::u32string> train_x, test_x;
  std::vector<int32_t> train_y, test_y;
  for (size_t k = 0; k < kept; ++k) {
    // Evenly spread over the whole text, so a capped set still covers it (a word list: every letter).
    const size_t at = k * windows / kept * step;
    // Every 1/test_fraction-th window is a test sample: both parts see the whole text.
    const bool test = static_cast<size_t>(static_cast<double>(k + 1) * test_fraction) >
                      static_cast<size_t>(static_cast<double>(k) * test_fraction);
    (test ? test_x : train_x).push_back(text.substr(at, maxlen));
    (test ? test_y : train_y).push_back(static_cast<int32_t>(e.index_of(text[at + maxlen])));
  }
  std::vector<std::string> names;
  for (char32_t ch : e.vocabulary) names.push_back(visible_character(ch));
  auto labels = [](const std::vector<int32_t>& y) { return Tensor::from_vector(Shape{static_cast<int64_t>(y.size())}, y); };
  return TrainTest{{encode_windows(train_x, e), labels(train_y)}, {encode_windows(test_x, e), labels(test_y)}, names};
}

}  // namespace

TextEncoding text_encoding(const Config& c) {
  TextEncoding e;
  e.maxlen = c.at("maxlen").get<int64_t>();
  e.one_hot = c.at("encoding").get<std::string>() == "one_hot";
  e.lowercase = c.at("lowercase").get<bool>();
  const std::string given = c.at("vocabulary").get<std::string>();
  if (!given.empty()) {
    e.vocabulary = utf8_to_code_points(given, "The vocabulary of text_characters");
    std::u32string distinct = e.vocabulary;
    std::sort(distinct.begin(), distinct.end());
    if (std::adjacent_find(distinct.begin(), distinct.end()) != distinct.end())
      throw ValueError("text_characters: the vocabulary lists a character twice; list each character once.");
    return e;
  }
  const std::u32string text = raw_text(c);
  const std::set<char32_t> seen(text.begin(), text.end());
  e.vocabulary.assign(seen.begin(), seen.end());
  return e;
}

std::u32string prepared_text(const Config& c, const TextEncoding& e) {
  std::u32string text = raw_text(c);
  return c.at("vocabulary").get<std::string>().empty() ? text : keep_known_lines(text, e);
}

Tensor encode_windows(const std::vector<std::u32string>& windows, const TextEncoding& e) {
  const auto n = static_cast<int64_t>(windows.size()), v = static_cast<int64_t>(e.vocabulary.size());
  Tensor x = e.one_hot ? Tensor::zeros(Shape{n, e.maxlen, v}) : Tensor::zeros(Shape{n, e.maxlen});
  float* out = x.data();
  for (int64_t i = 0; i < n; ++i) {
    const std::u32string& w = windows[static_cast<size_t>(i)];
    if (static_cast<int64_t>(w.size()) != e.maxlen)
      throw ValueError("A text window has " + std::to_string(w.size()) + " characters; the model reads " +
                       std::to_string(e.maxlen) + ".");
    for (int64_t t = 0; t < e.maxlen; ++t) {
      const int64_t k = e.index_of(w[static_cast<size_t>(t)]);
      if (k < 0)
        throw ValueError("The character '" + visible_character(w[static_cast<size_t>(t)]) +
                         "' is not in the model's vocabulary.");
      if (e.one_hot) out[(i * e.maxlen + t) * v + k] = 1.0f;
      else out[i * e.maxlen + t] = static_cast<float>(k);
    }
  }
  return x;
}

DatasetEntry text_characters_dataset() {
  return {.name = "text_characters",
          .doc = "A text file as character windows, each labelled with the character that follows it "
                 "(Keras's lstm_text_generation): for models that write text one character at a time.",
          .params = {{.name = "path", .type = ParamType::String, .default_value = kDefaultTextPath,
                      .doc = "The UTF-8 text file (by default Debian's word list, package wamerican).",
                      .path = PathKind::File},
                     {.name = "maxlen", .type = ParamType::Int, .default_value = 40,
                      .doc = "Characters in each sample (the model's time steps).", .minimum = 1, .maximum = 1000},
                     {.name = "step", .type = ParamType::Int, .default_value = 3,
                      .doc = "Characters between the starts of two samples.", .minimum = 1, .maximum = 1000},
                     {.name = "max_samples", .type = ParamType::Int, .default_value = 20000,
                      .doc = "At most this many windows, spread evenly over the text (one-hot samples are large).",
                      .minimum = 2, .maximum = 10000000},
                     {.name = "lowercase", .type = ParamType::Bool, .default_value = true,
                      .doc = "Read A-Z as a-z (a smaller vocabulary)."},
                     {.name = "vocabulary", .type = ParamType::String, .default_value = "",
                      .doc = "The characters the model knows, in class order; lines with others are left out. "
                             "Empty: every character of the text, in code point order."},
                     {.name = "encoding", .type = ParamType::Enum, .default_value = "one_hot",
                      .doc = "one_hot: samples (maxlen, characters) of 0/1 for an LSTM; indices: (maxlen,) "
                             "class numbers for an Embedding.",
                      .choices = {"one_hot", "indices"}},
                     {.name = "test_fraction", .type = ParamType::Float, .default_value = 0.1,
                      .doc = "Share of the windows kept for the test set (every n-th window).", .minimum = 0.01,
                      .maximum = 0.9}},
          .info = [](const Config& c) {
            const TextEncoding e = text_encoding(c);
            const auto v = static_cast<int64_t>(e.vocabulary.size());
            std::vector<std::string> names;
            for (char32_t ch : e.vocabulary) names.push_back(visible_character(ch));
            return DatasetInfo{e.one_hot ? Shape{e.maxlen, v} : Shape{e.maxlen}, LabelKind::Classes,
                               static_cast<int>(v), names};
          },
          .load = load_text};
}

}  // namespace cornu::data
