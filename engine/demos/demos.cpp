#include "demos/demos.h"

#include <cstdlib>

#include "core/error.h"
#include "data/builtin_datasets.h"
#include "demos/demos_builtin.h"
#include "model/layers_api.h"

namespace cornu {

namespace {

using namespace cornu::layers;

Demo fashion_mnist_mlp() {
  Demo d;
  d.name = "fashion-mnist-mlp";
  d.description = "Fashion-MNIST clothing images (28x28) classified by a multilayer perceptron.";
  d.epochs = 10;
  d.batch_size = 64;
  d.build = [] {
    auto model = std::make_shared<Sequential>("fashion_mnist_mlp");
    model->add(Input(Shape{28, 28}, "image"));
    model->add(Flatten());
    model->add(Dense(256, "relu"));
    model->add(Dropout(0.2));
    model->add(Dense(128, "relu"));
    model->add(Dense(10, "softmax"));
    // Adam with a cosine-decayed rate over the demo's 10 epochs (844 steps each at batch 64): the last
    // epochs settle instead of bouncing between minima (87-89% without it, measured).
    Config schedule = {{"class_name", "CosineDecay"},
                       {"config", {{"initial_learning_rate", 0.001}, {"decay_steps", 8440}, {"alpha", 0.05}}}};
    model->compile({{"class_name", "Adam"}, {"config", {{"learning_rate", schedule}}}}, "sparse_categorical_crossentropy",
                   {"accuracy"});
    return model;
  };
  d.dataset = {{"name", "fashion-mnist"}};
  return d;
}

// Two interleaved spirals: the classic problem a linear model cannot solve (TensorFlow Playground).
Demo spiral() {
  Demo d;
  d.name = "spiral";
  d.description = "Two interleaved 2-D spirals (generated), separated by a small ReLU network.";
  d.epochs = 150;
  d.batch_size = 32;
  d.build = [] {
    auto model = std::make_shared<Sequential>("spiral");
    model->add(Input(Shape{2}, "point"));
    model->add(Dense(64, "relu"));
    model->add(Dense(64, "relu"));
    model->add(Dense(64, "relu"));
    model->add(Dense(1, "sigmoid"));
    model->compile({{"class_name", "Adam"}, {"config", {{"learning_rate", 0.01}}}}, "binary_crossentropy", {"accuracy"});
    return model;
  };
  d.dataset = {{"name", "spirals"}, {"samples", 1000}, {"test_samples", 400}, {"noise", 0.05}, {"seed", 1}};
  return d;
}

Demo xor_demo() {
  Demo d;
  d.name = "xor";
  d.description = "The XOR pattern on four noisy clusters (generated): the smallest non-linear problem.";
  d.epochs = 40;
  d.batch_size = 16;
  d.build = [] {
    auto model = std::make_shared<Sequential>("xor");
    model->add(Input(Shape{2}, "point"));
    model->add(Dense(8, "tanh"));
    model->add(Dense(1, "sigmoid"));
    model->compile({{"class_name", "Adam"}, {"config", {{"learning_rate", 0.05}}}}, "binary_crossentropy", {"accuracy"});
    return model;
  };
  d.dataset = {{"name", "xor"}, {"samples", 400}, {"test_samples", 200}, {"noise", 0.1}, {"seed", 1}};
  return d;
}

}  // namespace

// Fitting a curve: the regression demo, whose evaluation plots predicted against true values.
Demo sine_regression() {
  Demo d;
  d.name = "sine-regression";
  d.description = "A noisy sine wave (generated) fitted by a small tanh network: regression with mean squared error.";
  d.epochs = 200;
  d.batch_size = 32;
  d.build = [] {
    auto model = std::make_shared<Sequential>("sine_regression");
    model->add(Input(Shape{1}, "x"));
    model->add(Dense(32, "tanh"));
    model->add(Dense(32, "tanh"));
    model->add(Dense(1));
    model->compile({{"class_name", "Adam"}, {"config", {{"learning_rate", 0.01}}}}, "mse", {"mae"});
    return model;
  };
  d.dataset = {{"name", "sine"}, {"samples", 500}, {"test_samples", 200}, {"noise", 0.1}, {"seed", 1}};
  return d;
}

data::TrainTest Demo::load() const {
  if (dataset.is_null())
    throw ValueError("The demo '" + name + "' has several inputs or outputs: its data comes from arrays(), not a dataset.");
  return data::load_dataset(dataset);
}

Demo::Arrays Demo::arrays() const {
  if (load_arrays) return load_arrays();
  data::TrainTest d = load();
  return {{{d.train.x}, {d.train.y}}, {{d.test.x}, {d.test.y}}};
}

const std::vector<Demo>& builtin_demos() {
  static const std::vector<Demo> demos{fashion_mnist_mlp(), spiral(),        xor_demo(),     sine_regression(),
                                       fashion_mnist_cnn(), text_lstm(),     sentiment_gru(), functional_mixed()};
  return demos;
}

const Demo& find_demo(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& d : builtin_demos()) {
    if (d.name == name) return d;
    names.push_back(d.name);
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  std::string hint = did_you_mean(name, names);
  throw ValueError("There is no demo called '" + name + "'. " + (hint.empty() ? "" : hint + " ") + "Demos: " + list + ".");
}

}  // namespace cornu
