// "30 seconds to Keras" in Cornu's C++ API: the snippet from Keras's README (../shared/seeds), line for line.
// Data: a small synthetic 100-feature, 10-class problem, so the example runs anywhere in a second.
#include <cstdio>

#include "cornu.h"

using namespace cornu;
using namespace cornu::layers;

int main() {
  set_random_seed(42);
  // Inputs: 100 features; targets: which of 10 fixed random directions a sample is closest to (one-hot).
  const int64_t n_train = 2000, n_test = 500;
  auto make = [](int64_t n, uint64_t key) {
    Random rng(key);
    std::vector<float> x(static_cast<size_t>(n * 100)), centers(10 * 100);
    Random center_rng(7);
    for (auto& c : centers) c = center_rng.normal();
    std::vector<int32_t> labels(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      int label = static_cast<int>(rng.below(10));
      labels[static_cast<size_t>(i)] = label;
      for (int j = 0; j < 100; ++j) x[static_cast<size_t>(i * 100 + j)] = centers[static_cast<size_t>(label * 100 + j)] + 2.0f * rng.normal();
    }
    return std::pair{Tensor::from_vector(Shape{n, 100}, x), data::to_categorical(Tensor::from_vector(Shape{n}, labels), 10)};
  };
  auto [X_train, Y_train] = make(n_train, 1);
  auto [X_test, Y_test] = make(n_test, 2);

  // model = Sequential()
  Sequential model;
  // model.add(Dense(output_dim=64, input_dim=100)); model.add(Activation("relu"))
  model.add(Dense(64, {{"input_dim", 100}}));
  model.add(Activation("relu"));
  // model.add(Dense(output_dim=10)); model.add(Activation("softmax"))
  model.add(Dense(10));
  model.add(Activation("softmax"));

  // model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.01, momentum=0.9, nesterov=True))
  model.compile({{"class_name", "SGD"}, {"config", {{"learning_rate", 0.01}, {"momentum", 0.9}, {"nesterov", true}}}},
                "categorical_crossentropy", {"accuracy"});

  // model.fit(X_train, Y_train, nb_epoch=5, batch_size=32)
  model.fit(X_train, Y_train, {.epochs = 5, .batch_size = 32});

  // model.train_on_batch(X_batch, Y_batch): feeding batches by hand works too
  model.train_on_batch(X_train.slice_rows(0, 32), Y_train.slice_rows(0, 32));

  // loss_and_metrics = model.evaluate(X_test, Y_test, batch_size=32)
  Logs loss_and_metrics = model.evaluate(X_test, Y_test, {.batch_size = 32, .verbose = 0});
  std::printf("test loss %.4f, accuracy %.4f\n", loss_and_metrics["loss"], loss_and_metrics["accuracy"]);

  // classes = model.predict_classes(X_test, batch_size=32); proba = model.predict_proba(X_test, batch_size=32)
  Tensor classes = model.predict_classes(X_test, 32);
  Tensor proba = model.predict_proba(X_test, 32);
  std::printf("first predictions: class %d with probability %.3f\n", classes.to_int_vector()[0],
              proba.to_vector()[static_cast<size_t>(classes.to_int_vector()[0])]);
  return loss_and_metrics["accuracy"] > 0.9 ? 0 : 1;  // the test that runs this example relies on it
}
