// BatchNormalization in training, judged by Keras: Cornu trains a few SGD steps on one batch and Keras, loading
// the model Cornu wrote before training, trains the same steps (check_training_steps.py). The weights must end
// the same: gamma and beta through the batch statistics' gradients, and the moving mean and variance through
// the momentum updates, with a mask from Embedding(mask_zero) leaving padded steps out of the statistics.
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "cornu.h"
#include "data/npy.h"
#include "io/keras_io.h"
#include "keras_oracle.h"

using namespace cornu;
using namespace cornu::interop;

namespace {

LayerPtr layer(const std::string& cls, Config config) { return make_layer(cls, std::move(config)); }

struct Case {
  std::string name;
  ModelPtr model;
  std::vector<Tensor> inputs, targets;
};

Case dense_batch_norm() {
  auto x = Input(Shape{5}, "x");
  auto h = call_layer(layer("Dense", {{"units", 4}}), {x});
  h = call_layer(layer("BatchNormalization", {{"momentum", 0.8}}), h);
  h = call_layer(layer("Dense", {{"units", 2}}), h);
  return {"dense_batch_norm", std::make_shared<Model>(std::vector{x}, h, "dense_batch_norm"),
          {random_normal_tensor(Shape{8, 5}, 1, 2.0f)}, {random_normal_tensor(Shape{8, 2}, 2)}};
}

Case conv_batch_norm() {
  auto x = Input(Shape{5, 5, 2}, "image");
  auto h = call_layer(layer("Conv2D", {{"filters", 3}, {"kernel_size", 3}}), {x});
  h = call_layer(layer("BatchNormalization", {{"momentum", 0.5}, {"epsilon", 0.01}}), h);
  h = call_layer(layer("LayerNormalization", Config::object()), h);
  h = call_layer(layer("GroupNormalization", {{"groups", 3}}), h);
  h = call_layer(layer("Flatten", Config::object()), h);
  h = call_layer(layer("UnitNormalization", Config::object()), h);
  h = call_layer(layer("Dense", {{"units", 1}}), h);
  return {"conv_batch_norm", std::make_shared<Model>(std::vector{x}, h, "conv_batch_norm"),
          {random_normal_tensor(Shape{4, 5, 5, 2}, 3)}, {random_normal_tensor(Shape{4, 1}, 4)}};
}

// Padded token ids: the zeros' steps must not count in the batch statistics.
Case masked_batch_norm() {
  auto ids = Input(Shape{5}, "ids");
  auto h = call_layer(layer("Embedding", {{"input_dim", 6}, {"output_dim", 3}, {"mask_zero", true}}), {ids});
  h = call_layer(layer("BatchNormalization", {{"momentum", 0.6}}), h);
  h = call_layer(layer("GlobalAveragePooling1D", Config::object()), h);
  h = call_layer(layer("Dense", {{"units", 1}}), h);
  const Tensor padded = Tensor::from_vector(Shape{3, 5}, std::vector<float>{3, 1, 4, 0, 0, 5, 2, 0, 0, 0, 1, 1, 2, 3, 4});
  return {"masked_batch_norm", std::make_shared<Model>(std::vector{ids}, h, "masked_batch_norm"), {padded},
          {random_normal_tensor(Shape{3, 1}, 5)}};
}

}  // namespace

class TestNormalizationTraining : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void keras_trains_batch_norm_as_cornu_does() {
    QVERIFY(dir_.isValid());
    clear_session();
    set_random_seed(21);
    constexpr int kSteps = 3;
    std::vector<Case> cases{dense_batch_norm(), conv_batch_norm(), masked_batch_norm()};
    std::vector<std::string> names;
    for (size_t i = 0; i < cases.size(); ++i) {
      Case& c = cases[i];
      randomize_weights(*c.model, mix_key(41, i));
      c.model->compile({{"class_name", "SGD"}, {"config", {{"learning_rate", 0.1}}}}, "mse");
      const QString folder = dir_.path() + "/" + QString::fromStdString(c.name);
      QDir().mkpath(folder);
      io::save_model(*c.model, to_std(folder + "/model.keras"));
      for (size_t k = 0; k < c.inputs.size(); ++k)
        data::write_npy(to_std(folder + "/input_" + QString::number(k) + ".npy"), c.inputs[k]);
      for (size_t k = 0; k < c.targets.size(); ++k)
        data::write_npy(to_std(folder + "/target_" + QString::number(k) + ".npy"), c.targets[k]);
      write_text(folder + "/steps.json", Config{{"steps", kSteps}}.dump());
      const std::vector<Tensor> before = c.model->get_weights();
      for (int s = 0; s < kSteps; ++s) c.model->train_on_batch(c.inputs, c.targets);
      const std::vector<Tensor> after = c.model->get_weights();
      // The moving statistics moved (a test of the test: Keras must reproduce a real update).
      const std::vector<Variable*> variables = c.model->all_variables();
      QCOMPARE(variables.size(), after.size());
      for (size_t k = 0; k < after.size(); ++k)
        if (variables[k]->name.rfind("moving_", 0) == 0)
          QVERIFY2(after[k].to_vector() != before[k].to_vector(), (c.name + ": " + variables[k]->name).c_str());
      for (size_t k = 0; k < after.size(); ++k)
        data::write_npy(to_std(folder + "/trained_" + QString::number(k) + ".npy"), after[k]);
      names.push_back(c.name);
    }
    const OracleRun run = run_oracle("check_training_steps.py", {dir_.path()});
    QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
    const std::string problems = failures(run, names);
    QVERIFY2(problems.empty(), problems.c_str());
  }
};

QTEST_GUILESS_MAIN(TestNormalizationTraining)
#include "test_normalization_training.moc"
