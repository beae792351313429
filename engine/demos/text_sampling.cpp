#include "demos/text_sampling.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/random.h"
#include "data/builtin_datasets.h"
#include "data/text_characters.h"

namespace cornu {
namespace {

std::string temperature_text(double t) {
  std::ostringstream s;
  s << t;
  return s.str();
}

void check_model(const Model& model, const data::TextEncoding& e) {
  const auto v = static_cast<int64_t>(e.vocabulary.size());
  const Shape wanted = e.one_hot ? Shape{Shape::kNone, e.maxlen, v} : Shape{Shape::kNone, e.maxlen};
  if (model.inputs().size() != 1 || model.outputs().size() != 1)
    throw ValueError("Sampling text needs a model with one input and one output, but this one has " +
                     std::to_string(model.inputs().size()) + " and " + std::to_string(model.outputs().size()) + ".");
  const Shape in = model.inputs()[0].shape(), out = model.outputs()[0].shape();
  if (in.without_batch() != wanted.without_batch())
    throw ValueError("The model reads samples of shape " + in.without_batch().to_string() + ", but its dataset makes " +
                     wanted.without_batch().to_string() + ": train the model on this dataset first.");
  if (out.rank() != 2 || out[1] != v)
    throw ValueError("The model outputs " + out.to_string() + ", but sampling needs one probability per character of " +
                     "the vocabulary, (None, " + std::to_string(v) + "): end it with Dense(" + std::to_string(v) +
                     ", activation=\"softmax\").");
}

// The window to start from: the seed text (lowercased as training was, padded on the left with newlines, or
// its last maxlen characters), else a window of the training text.
std::u32string seed_window(const Config& c, const data::TextEncoding& e, const TextSampleOptions& o) {
  const auto maxlen = static_cast<size_t>(e.maxlen);
  if (o.seed_text.empty()) {
    const std::u32string text = data::prepared_text(c, e);
    if (text.size() <= maxlen) throw ValueError("The training text is shorter than one window: give a seed text.");
    Random rng(mix_key(o.random_seed, 21));
    return text.substr(static_cast<size_t>(rng.below(text.size() - maxlen)), maxlen);
  }
  std::u32string seed = data::utf8_to_code_points(o.seed_text, "The seed text");
  if (e.lowercase)
    for (char32_t& ch : seed) ch = ch >= U'A' && ch <= U'Z' ? ch + (U'a' - U'A') : ch;
  for (char32_t ch : seed)
    if (e.index_of(ch) < 0)
      throw ValueError("The seed text has '" + data::visible_character(ch) + "', which the model never saw: use only '" +
                       data::code_points_to_utf8(e.vocabulary) + "'.");
  const char32_t pad = e.index_of(U'\n') >= 0 ? U'\n' : e.index_of(U' ') >= 0 ? U' ' : e.vocabulary.front();
  if (seed.size() < maxlen) seed.insert(0, maxlen - seed.size(), pad);
  return seed.substr(seed.size() - maxlen);
}

// Keras's sample(): log probabilities divided by the temperature, renormalised, one draw.
int64_t draw(const std::vector<float>& probabilities, double temperature, Random& rng) {
  std::vector<double> weights(probabilities.size());
  double largest = -INFINITY;
  for (size_t k = 0; k < weights.size(); ++k) {
    weights[k] = std::log(std::max(static_cast<double>(probabilities[k]), 1e-12)) / temperature;
    largest = std::max(largest, weights[k]);
  }
  double total = 0;
  for (double& w : weights) total += (w = std::exp(w - largest));
  double target = rng.uniform() * total;
  for (size_t k = 0; k < weights.size(); ++k)
    if ((target -= weights[k]) <= 0) return static_cast<int64_t>(k);
  return static_cast<int64_t>(weights.size()) - 1;
}

}  // namespace

std::vector<double> parse_temperatures(const std::string& list) {
  std::vector<double> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    try {
      size_t used = 0;
      const double t = std::stod(item, &used);
      if (used != item.size() || !(t > 0) || !std::isfinite(t)) throw std::invalid_argument("");
      out.push_back(t);
    } catch (const std::exception&) {
      throw ValueError("Temperatures are positive numbers separated by commas, e.g. 0.2,0.5,1.0; got '" + list + "'.");
    }
  }
  if (out.empty()) throw ValueError("Give at least one temperature, e.g. --temperature 0.5.");
  return out;
}

std::vector<TextSample> sample_text(Model& model, const Config& dataset, const TextSampleOptions& options) {
  if (!dataset.is_object() || dataset.value("name", std::string()) != "text_characters")
    throw ValueError("Sampling text needs a model trained on the text_characters dataset; this one's dataset is " +
                     (dataset.is_null() ? std::string("not set") : dataset.dump()) + ".");
  const Config c = data::resolve_dataset(dataset);
  const data::TextEncoding e = data::text_encoding(c);
  check_model(model, e);
  if (options.length < 1) throw ValueError("Generate at least one character (length >= 1).");
  const std::u32string seed = seed_window(c, e, options);
  std::vector<TextSample> samples;
  for (size_t n = 0; n < options.temperatures.size(); ++n) {
    const double temperature = options.temperatures[n];
    if (!(temperature > 0)) throw ValueError("A temperature must be above 0, got " + temperature_text(temperature) + ".");
    Random rng(mix_key(options.random_seed, 22, n));
    std::u32string window = seed, generated;
    for (int64_t i = 0; i < options.length; ++i) {
      const std::vector<float> p = model.predict(data::encode_windows({window}, e), 1).to_vector();
      const char32_t next = e.vocabulary[static_cast<size_t>(draw(p, temperature, rng))];
      generated += next;
      window = window.substr(1) + next;
    }
    samples.push_back({temperature, data::code_points_to_utf8(seed), data::code_points_to_utf8(generated)});
  }
  return samples;
}

}  // namespace cornu
