// Recurrent models end to end against real Keras: masks made by Embedding(mask_zero) and Masking flowing through
// LSTM, GRU and Bidirectional, and initial states computed by other layers (Keras's initial_state=[h, c] keyword).
// Cornu saves each model (.keras and .h5) with its predictions; Keras must load and predict the same at rel. 1e-5,
// then save it again, and Cornu must read Keras's files back and predict the same (Cornu -> Keras -> Cornu).
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "cornu.h"
#include "io/keras_io.h"
#include "keras_oracle.h"

using namespace cornu;
using namespace cornu::interop;

namespace {

LayerPtr layer(const std::string& cls, Config config) { return make_layer(cls, std::move(config)); }

struct Case {
  std::string name;
  ModelPtr model;
  std::vector<Tensor> inputs;
};

// Token ids in [0, 6) with right padding (zeros) of different lengths.
Tensor padded_ids() {
  return Tensor::from_vector(Shape{3, 5}, std::vector<float>{3, 1, 4, 0, 0, 5, 2, 0, 0, 0, 1, 1, 2, 3, 4});
}

Case embedding_lstm_gru() {
  auto ids = Input(Shape{5}, "ids");
  auto e = call_layer(layer("Embedding", {{"input_dim", 6}, {"output_dim", 3}, {"mask_zero", true}}), {ids});
  auto s = call_layer(layer("LSTM", {{"units", 4}, {"return_sequences", true}}), e);
  auto y = call_layer(layer("GRU", {{"units", 3}, {"reset_after", false}}), s);
  return {"embedding_lstm_gru", std::make_shared<Model>(std::vector{ids}, y, "embedding_lstm_gru"), {padded_ids()}};
}

Case masking_bidirectional() {
  auto x = Input(Shape{5, 2}, "x");
  auto m = call_layer(layer("Masking", Config::object()), {x});
  Config lstm{{"class_name", "LSTM"}, {"config", {{"units", 3}, {"return_sequences", true}}}};
  auto b = call_layer(layer("Bidirectional", {{"layer", lstm}}), m);
  Config gru{{"class_name", "GRU"}, {"config", {{"units", 2}}}};
  auto y = call_layer(layer("Bidirectional", {{"layer", gru}, {"merge_mode", "ave"}}), b);
  Tensor in = random_normal_tensor(Shape{3, 5, 2}, 77);
  std::vector<float> v = in.to_vector();
  for (int step : {3, 4}) v[static_cast<size_t>((0 * 5 + step) * 2)] = v[static_cast<size_t>((0 * 5 + step) * 2 + 1)] = 0;
  for (int step : {1, 4}) v[static_cast<size_t>((2 * 5 + step) * 2)] = v[static_cast<size_t>((2 * 5 + step) * 2 + 1)] = 0;
  return {"masking_bidirectional", std::make_shared<Model>(std::vector{x}, y, "masking_bidirectional"),
          {Tensor::from_vector(Shape{3, 5, 2}, v)}};
}

// An encoder's final states start a decoder: LSTM(x, initial_state=[h, c]) with h and c from other layers.
Case initial_state_from_layers() {
  auto enc_in = Input(Shape{4, 3}, "encoder_in"), dec_in = Input(Shape{6, 2}, "decoder_in");
  auto enc = call_layer(layer("LSTM", {{"units", 4}, {"return_state", true}, {"name", "encoder"}}), {enc_in});
  auto h = call_layer(layer("Dense", {{"units", 4}, {"activation", "tanh"}}), {enc[1]});
  auto dec = call_layer(layer("LSTM", {{"units", 4}, {"return_sequences", true}, {"name", "decoder"}}), {dec_in, h[0], enc[2]});
  auto g = call_layer(layer("GRU", {{"units", 4}, {"go_backwards", true}}), {dec[0], enc[1]});
  auto r = call_layer(layer("SimpleRNN", {{"units", 4}}), {dec[0], g[0]});
  return {"initial_state_from_layers",
          std::make_shared<Model>(std::vector{enc_in, dec_in}, std::vector{g[0], r[0]}, "seq2seq"),
          {random_normal_tensor(Shape{3, 4, 3}, 5), random_normal_tensor(Shape{3, 6, 2}, 6)}};
}

}  // namespace

class TestRecurrentModels : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void keras_predicts_as_cornu_does_and_back() {
    QVERIFY(dir_.isValid());
    clear_session();
    set_random_seed(12);
    std::vector<Case> cases{embedding_lstm_gru(), masking_bidirectional(), initial_state_from_layers()};
    std::vector<std::string> names;
    for (size_t i = 0; i < cases.size(); ++i) {
      Case& c = cases[i];
      randomize_weights(*c.model, mix_key(31, i));
      const std::string error = write_case(dir_.path() + "/" + QString::fromStdString(c.name), *c.model, c.inputs);
      QVERIFY2(error.empty(), (c.name + ": " + error).c_str());
      names.push_back(c.name);
    }
    const OracleRun run = run_oracle("check_cornu_files.py", {dir_.path(), "--resave"});
    QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
    const std::string problems = failures(run, names);
    QVERIFY2(problems.empty(), problems.c_str());
    // Keras's own files, read back by Cornu.
    std::string back;
    for (const Case& c : cases) {
      const QString folder = dir_.path() + "/" + QString::fromStdString(c.name);
      const std::vector<Tensor> expected = read_numbered(folder, "expected");
      for (const char* file : {"keras_model.keras", "keras_model.h5"}) {
        const std::string p = check_cornu_load((folder + "/" + file).toStdString(), c.inputs, expected, -1);
        if (!p.empty()) back += "\n  " + c.name + " " + file + ": " + p;
      }
    }
    QVERIFY2(back.empty(), back.c_str());
  }
};

QTEST_GUILESS_MAIN(TestRecurrentModels)
#include "test_recurrent_models.moc"
