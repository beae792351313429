// Attention models end to end with real Keras: a Transformer encoder block (self-attention, residual,
// feed-forward, residual; LayerNormalization left out until it exists), a causal decoder block whose
// use_causal_mask travels as a call argument, and TimeDistributed wrapping a Dense. Cornu trains a few steps,
// saves .keras and .h5, Keras predicts the same and saves them again, and Cornu reads Keras's files back
// (nested layer configs, call kwargs, MultiHeadAttention's sublayer weights) to the same predictions.
#include <QTemporaryDir>
#include <QtTest>

#include "cornu.h"
#include "keras_oracle.h"

using namespace cornu;
using namespace cornu::interop;

namespace {

struct ModelCase {
  std::string name;
  std::function<ModelPtr()> make;
};

ModelPtr encoder_block(bool causal) {
  auto x = Input(Shape{6, 8}, "tokens");
  Config mha{{"num_heads", 2}, {"key_dim", 4}, {"name", "self_attention"}};
  if (causal) mha["use_causal_mask"] = true;
  auto attended = layers::make("MultiHeadAttention", mha)({x, x});
  auto residual = layers::make("Add", {{"name", "residual_1"}})({x, attended});
  auto hidden = layers::make("Dense", {{"units", 16}, {"activation", "relu"}, {"name", "ff_1"}})(residual);
  auto back = layers::make("Dense", {{"units", 8}, {"name", "ff_2"}})(hidden);
  auto out = layers::make("Add", {{"name", "residual_2"}})({residual, back});
  auto model = std::make_shared<Model>(std::vector{x}, std::vector{out}, causal ? "decoder_block" : "encoder_block");
  model->compile("adam", "mse");
  return model;
}

ModelPtr time_distributed_head() {
  auto x = Input(Shape{5, 4}, "steps");
  auto att = layers::make("Attention", {{"use_scale", true}, {"name", "attend"}})({x, x});
  auto y = layers::make("TimeDistributed", {{"layer", {{"class_name", "Dense"}, {"config", {{"units", 3}}}}},
                                            {"name", "per_step"}})(att);
  auto model = std::make_shared<Model>(std::vector{x}, std::vector{y}, "time_distributed_head");
  model->compile("sgd", "mse");
  return model;
}

}  // namespace

class TestAttentionModels : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void keras_agrees_and_cornu_reads_keras_back() {
    QVERIFY(dir_.isValid());
    const std::vector<ModelCase> cases{{"encoder_block", [] { return encoder_block(false); }},
                                       {"decoder_block", [] { return encoder_block(true); }},
                                       {"time_distributed_head", time_distributed_head}};
    std::vector<std::string> written;
    std::vector<std::vector<Tensor>> inputs;
    for (size_t i = 0; i < cases.size(); ++i) {
      clear_session();
      set_random_seed(5);
      ModelPtr model = cases[i].make();
      randomize_weights(*model, mix_key(77, i));
      const std::vector<Tensor> x = random_inputs(*model, 4, mix_key(78, i));
      // A few training steps, so that the saved weights are trained ones; the loss must fall.
      const Tensor target = random_normal_tensor(model->predict(x)[0].shape(), mix_key(79, i));
      const double before = model->evaluate(x, {target}, {.verbose = 0}).at("loss");
      for (int step = 0; step < 10; ++step) model->train_on_batch(x, {target});
      const double after = model->evaluate(x, {target}, {.verbose = 0}).at("loss");
      QVERIFY2(after < before, (cases[i].name + ": loss " + std::to_string(before) + " -> " + std::to_string(after)).c_str());
      const std::string error = write_case(dir_.path() + "/" + QString::fromStdString(cases[i].name), *model, x);
      QVERIFY2(error.empty(), (cases[i].name + ": " + error).c_str());
      written.push_back(cases[i].name);
      inputs.push_back(x);
    }
    const OracleRun run = run_oracle("check_cornu_files.py", {dir_.path(), "--resave"});
    QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
    std::string problems = failures(run, written);
    for (size_t i = 0; i < written.size(); ++i) {
      const QString folder = dir_.path() + "/" + QString::fromStdString(written[i]);
      const std::vector<Tensor> expected = read_numbered(folder, "expected");
      for (const char* file : {"keras_model.keras", "keras_model.h5"}) {
        const std::string d = check_cornu_load(to_std(folder + "/" + file), inputs[i], expected, -1);
        if (!d.empty()) problems += "\n  " + written[i] + " " + file + ": " + d;
      }
    }
    QVERIFY2(problems.empty(), problems.c_str());
  }
};

QTEST_GUILESS_MAIN(TestAttentionModels)
#include "test_attention_models.moc"
