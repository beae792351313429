#include "data/sentiment.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/random.h"
#include "data/transforms.h"

namespace cornu::data {
namespace {

using Words = std::vector<std::string>;

const Words kSubjects = {"movie", "film", "plot", "acting", "music", "ending", "story", "cast", "script", "book"};
const Words kDeterminers = {"the", "this"};
const Words kVerbs = {"was", "is", "felt", "seemed"};
const Words kIntensifiers = {"very", "really", "quite", "so"};
const Words kGood = {"good", "great", "wonderful", "fun", "brilliant", "charming", "moving", "clever", "excellent"};
const Words kBad = {"bad", "boring", "awful", "dull", "terrible", "weak", "slow", "poor", "bland"};
const Words kLikePast = {"liked", "loved", "enjoyed"}, kLikeBase = {"like", "love", "enjoy"};
const Words kHatePast = {"hated", "disliked"}, kHateBase = {"hate", "dislike"};
const Words kPrefixes = {"honestly", "overall", "frankly", "i think"};
const Words kOther = {"not", "never", "did", "i", "it", "but", "and"};

const std::string& pick(const Words& words, Random& rng) { return words[rng.below(words.size())]; }

void add(Words& out, const std::string& phrase) {
  std::istringstream in(phrase);
  for (std::string w; in >> w;) out.push_back(w);
}

// One clause meaning `positive`: "the plot was not very dull", "i did not hate the music", "i loved it".
void clause(bool positive, Random& rng, Words& out) {
  const bool negated = rng.uniform() < 0.4f;
  const bool adjective_positive = positive != negated;
  if (rng.uniform() < 0.7f) {
    add(out, pick(kDeterminers, rng));
    add(out, pick(kSubjects, rng));
    add(out, pick(kVerbs, rng));
    if (negated) add(out, rng.uniform() < 0.8f ? "not" : "never");
    if (rng.uniform() < 0.3f) add(out, pick(kIntensifiers, rng));
    add(out, pick(adjective_positive ? kGood : kBad, rng));
    return;
  }
  add(out, "i");
  const std::string negation = rng.uniform() < 0.7f ? "did not" : "never";
  if (negated) add(out, negation);
  const bool past = !negated || negation == "never";  // "i never liked it", "i did not like it"
  add(out, pick(adjective_positive ? (past ? kLikePast : kLikeBase) : (past ? kHatePast : kHateBase), rng));
  if (rng.uniform() < 0.4f) {
    add(out, "it");
  } else {
    add(out, pick(kDeterminers, rng));
    add(out, pick(kSubjects, rng));
  }
}

// A review whose overall meaning is `positive`.
Words review(bool positive, Random& rng) {
  Words words;
  const float form = rng.uniform();
  if (form < 0.55f) {
    if (rng.uniform() < 0.3f) add(words, pick(kPrefixes, rng));
    clause(positive, rng, words);
  } else if (form < 0.8f) {  // the second clause decides
    clause(!positive, rng, words);
    add(words, "but");
    clause(positive, rng, words);
  } else {
    clause(positive, rng, words);
    add(words, "and");
    clause(positive, rng, words);
  }
  return words;
}

const std::map<std::string, int>& word_index() {
  static const std::map<std::string, int> index = [] {
    std::map<std::string, int> m;
    const auto& v = sentiment_vocabulary();
    for (size_t i = 1; i < v.size(); ++i) m[v[i]] = static_cast<int>(i);
    return m;
  }();
  return index;
}

}  // namespace

const std::vector<std::string>& sentiment_vocabulary() {
  static const Words vocabulary = [] {
    Words v = {""};
    for (const Words* list : {&kSubjects, &kDeterminers, &kVerbs, &kIntensifiers, &kGood, &kBad, &kLikePast, &kLikeBase,
                              &kHatePast, &kHateBase, &kPrefixes, &kOther}) {
      for (const std::string& phrase : *list) {
        Words split;
        add(split, phrase);
        for (const std::string& w : split)
          if (std::find(v.begin(), v.end(), w) == v.end()) v.push_back(w);
      }
    }
    return v;
  }();
  return vocabulary;
}

ArrayDataset make_sentiment(int64_t samples, int64_t maxlen, uint64_t seed) {
  if (samples < 2) throw ValueError("make_sentiment needs at least 2 samples, got " + std::to_string(samples) + ".");
  if (maxlen < 16) throw ValueError("make_sentiment needs maxlen >= 16 (its longest reviews), got " + std::to_string(maxlen) + ".");
  Random rng(mix_key(seed, 11));
  std::vector<float> x(static_cast<size_t>(samples * maxlen), 0.0f);
  std::vector<int32_t> y(static_cast<size_t>(samples));
  for (int64_t i = 0; i < samples; ++i) {
    const bool positive = i % 2 == 0;
    const Words words = review(positive, rng);
    for (size_t t = 0; t < words.size(); ++t)
      x[static_cast<size_t>(i * maxlen) + t] = static_cast<float>(word_index().at(words[t]));
    y[static_cast<size_t>(i)] = positive ? 1 : 0;
  }
  const std::vector<int64_t> order = shuffled_indices(samples, seed);
  return {take_rows(Tensor::from_vector(Shape{samples, maxlen}, x), order),
          take_rows(Tensor::from_vector(Shape{samples}, y), order)};
}

std::string sentiment_text(const Tensor& x, int64_t row) {
  const auto& v = sentiment_vocabulary();
  const int64_t maxlen = x.shape()[1];
  const std::vector<float> values = x.slice_rows(row, row + 1).to_vector();
  std::string text;
  for (int64_t t = 0; t < maxlen; ++t) {
    const auto k = static_cast<size_t>(values[static_cast<size_t>(t)]);
    if (k == 0 || k >= v.size()) continue;
    text += (text.empty() ? "" : " ") + v[k];
  }
  return text;
}

DatasetEntry sentiment_dataset() {
  return {.name = "sentiment",
          .doc = "Generated short reviews labelled negative or positive, as word indices for an Embedding; "
                 "negations and \"but\" make word order matter.",
          .params = {{.name = "samples", .type = ParamType::Int, .default_value = 4000, .doc = "Training reviews generated.",
                      .minimum = 2, .maximum = 1000000},
                     {.name = "test_samples", .type = ParamType::Int, .default_value = 1000,
                      .doc = "Test reviews generated (with another seed).", .minimum = 2, .maximum = 1000000},
                     {.name = "maxlen", .type = ParamType::Int, .default_value = 16,
                      .doc = "Words per sample; shorter reviews are padded with 0 at the end (mask_zero skips it).",
                      .minimum = 16, .maximum = 1000},
                     {.name = "seed", .type = ParamType::Int, .default_value = 1, .doc = "Seed of the training reviews.",
                      .minimum = 0}},
          .info = [](const Config& c) {
            return DatasetInfo{Shape{c.at("maxlen").get<int64_t>()}, LabelKind::Classes, 2, {"negative", "positive"}};
          },
          .load = [](const Config& c) {
            const auto seed = c.at("seed").get<uint64_t>();
            const auto maxlen = c.at("maxlen").get<int64_t>();
            return TrainTest{make_sentiment(c.at("samples").get<int64_t>(), maxlen, seed),
                             make_sentiment(c.at("test_samples").get<int64_t>(), maxlen, seed + 1),
                             {"negative", "positive"}};
          }};
}

}  // namespace cornu::data
