#include "data/sentiment.h"
#include "demos/demos_builtin.h"
#include "model/layers_api.h"

namespace cornu {

using namespace cornu::layers;

namespace {
// The word list's letters, its apostrophe ("aaron's") and the newline between words; the few words with other
// characters (accents) are left out, so the model's shapes are known before the file is read.
constexpr const char* kWordListVocabulary = "\nabcdefghijklmnopqrstuvwxyz'";
constexpr int64_t kCharacters = 28, kTextMaxlen = 20;
}  // namespace

// Keras's lstm_text_generation example, smaller: two stacked LSTMs read 20 characters and guess the next one.
// Trained on the word list, it writes word-like strings; `cornu sample` shows them at several temperatures.
Demo text_lstm() {
  Demo d;
  d.name = "text-lstm";
  d.description = "Two stacked LSTMs learn to spell English words from the word list, one character at a time; "
                  "`cornu sample` writes new ones.";
  d.epochs = 10;
  d.batch_size = 128;
  d.build = [] {
    auto model = std::make_shared<Sequential>("text_lstm");
    model->add(Input(Shape{kTextMaxlen, kCharacters}, "characters"));
    model->add(make("LSTM", {{"units", 128}, {"return_sequences", true}}));
    model->add(make("LSTM", {{"units", 128}}));
    model->add(Dense(kCharacters, "softmax"));
    model->compile({{"class_name", "Adam"}, {"config", {{"learning_rate", 0.003}}}}, "sparse_categorical_crossentropy",
                   {"accuracy"});
    return model;
  };
  d.dataset = {{"name", "text_characters"}, {"maxlen", kTextMaxlen}, {"step", 3}, {"max_samples", 40000},
               {"vocabulary", kWordListVocabulary}};
  return d;
}

// Word indices through an Embedding (padding masked), a GRU reading both ways, and one sigmoid unit.
Demo sentiment_gru() {
  Demo d;
  d.name = "sentiment-gru";
  d.description = "Generated short reviews judged positive or negative by a bidirectional GRU over word "
                  "embeddings: negations and \"but\" make word order matter.";
  d.epochs = 10;
  d.batch_size = 32;
  d.build = [] {
    auto model = std::make_shared<Sequential>("sentiment_gru");
    model->add(Input(Shape{16}, "words"));
    model->add(make("Embedding", {{"input_dim", static_cast<int64_t>(data::sentiment_vocabulary().size())},
                                  {"output_dim", 16},
                                  {"mask_zero", true}}));
    model->add(make("Bidirectional", {{"layer", {{"class_name", "GRU"}, {"config", {{"units", 16}}}}}}));
    model->add(Dense(1, "sigmoid"));
    model->compile({{"class_name", "Adam"}, {"config", {{"learning_rate", 0.005}}}}, "binary_crossentropy", {"accuracy"});
    return model;
  };
  d.dataset = {{"name", "sentiment"}, {"samples", 4000}, {"test_samples", 1000}, {"maxlen", 16}, {"seed", 1}};
  return d;
}

}  // namespace cornu
