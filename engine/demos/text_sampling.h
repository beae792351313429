// New text from a character model trained on a "text_characters" dataset (Keras's lstm_text_generation):
// start from a seed window, predict the next character's probabilities, draw one with a temperature
// (low: the likeliest characters, safe and repetitive; 1: as learned; higher: more surprising), slide the
// window, repeat. Shared by `cornu sample` and the editor.
#pragma once
#include <string>
#include <vector>

#include "core/registry.h"
#include "model/model.h"

namespace cornu {

struct TextSampleOptions {
  std::vector<double> temperatures = {0.2, 0.5, 1.0};
  int64_t length = 200;     // characters generated per temperature
  std::string seed_text;    // "": a window of the training text chosen by random_seed
  uint64_t random_seed = 1337;
};

struct TextSample {
  double temperature = 1.0;
  std::string seed;       // the window the model started from (UTF-8)
  std::string generated;  // what it wrote after it
};

// `dataset` is the project's dataset choice ({"name": "text_characters", ...}); `model` reads its windows and
// ends with one probability per vocabulary character. Throws ValueError saying what does not fit (another
// dataset, a model of other shapes, seed characters outside the vocabulary, a temperature <= 0).
std::vector<TextSample> sample_text(Model& model, const Config& dataset, const TextSampleOptions& options);

// "0.2,0.5,1.0" as numbers; ValueError for anything else.
std::vector<double> parse_temperatures(const std::string& list);

}  // namespace cornu
