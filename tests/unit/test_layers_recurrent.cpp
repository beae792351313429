// Embedding, Masking and the recurrent layers (SimpleRNN, LSTM, GRU, Bidirectional): finite-difference gradients
// in every mode (return_sequences, return_state, go_backwards, masks, zero_output_for_mask, initial states,
// dropout in training, GRU's reset_after, every merge mode), masks through a model, shapes, messages, configs.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/error.h"
#include "cornu.h"
#include "gradcheck.h"
#include "io/keras_io.h"
#include "layers/layer.h"

using namespace cornu;
using cornu::testing::GradCheckOptions;
using cornu::testing::random_values;

namespace {

constexpr int64_t None = Shape::kNone;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// gradcheck.h's check, extended to what recurrent layers need: a mask on input 0, every variable (a wrapper's
// too, through all_variables) and fixed input values (indices). Reports the largest error through `worst`.
void check_gradients(Layer& layer, const Shapes& shapes, const std::vector<float>& mask = {}, GradCheckOptions o = {},
                     const std::vector<std::vector<float>>& fixed = {}, double* worst = nullptr) {
  Backend& be = cpu_backend();
  if (!layer.built()) layer.build(shapes, o.seed);
  const Shapes out_shapes = layer.compute_output_shape(shapes);
  std::vector<Tensor> x, y, dy, dx;
  for (size_t i = 0; i < shapes.size(); ++i) {
    x.push_back(Tensor::from_vector(shapes[i], i < fixed.size() && !fixed[i].empty()
                                                   ? fixed[i] : random_values(shapes[i].size(), mix_key(o.seed, 10 + i), o)));
    dx.push_back(Tensor::zeros(shapes[i]));
  }
  for (size_t i = 0; i < out_shapes.size(); ++i) {
    y.push_back(Tensor::zeros(out_shapes[i]));
    dy.push_back(Tensor::from_vector(out_shapes[i], random_values(out_shapes[i].size(), mix_key(o.seed, 100 + i), {})));
  }
  Tensor mask_tensor;
  Context ctx(be, mix_key(o.seed, 999));
  if (!mask.empty()) {
    mask_tensor = Tensor::from_vector(Shape{shapes[0][0], shapes[0][1]}, mask);
    ctx.input_masks = {&mask_tensor};
  }
  ctx.training = o.training;
  ctx.step = 7;
  std::vector<const Tensor*> xc, yc, dyc;
  std::vector<Tensor*> yp, dxp;
  for (auto& t : x) xc.push_back(&t);
  for (auto& t : y) yc.push_back(&t), yp.push_back(&t);
  for (auto& t : dy) dyc.push_back(&t);
  for (auto& t : dx) dxp.push_back(&t);
  auto objective = [&] {
    layer.forward(ctx, xc, yp);
    double L = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      auto yv = y[i].to_vector(), rv = dy[i].to_vector();
      for (size_t k = 0; k < yv.size(); ++k) L += static_cast<double>(yv[k]) * rv[k];
    }
    return L;
  };
  objective();
  for (Variable* v : layer.all_variables()) be.fill(v->grad.data(), v->grad.size(), 0.0f);
  layer.backward(ctx, xc, yc, dyc, dxp);
  double largest = 0;
  auto check = [&](Tensor& param, const Tensor& analytic, const std::string& what) {
    const int64_t n = param.size(), stride = std::max<int64_t>(1, n / o.max_checks);
    const auto grad = analytic.to_vector();
    for (int64_t k = 0; k < n; k += stride) {
      float* p = param.data() + k;
      const float saved = *p;
      *p = static_cast<float>(saved + o.step);
      const double up = objective();
      *p = static_cast<float>(saved - o.step);
      const double down = objective();
      *p = saved;
      const double numeric = (up - down) / (2 * o.step), a = grad[static_cast<size_t>(k)];
      const double err = std::fabs(a - numeric) / std::max({1.0, std::fabs(a), std::fabs(numeric)});
      largest = std::max(largest, err);
      if (err > o.tolerance)
        QFAIL((layer.class_name() + " " + what + "[" + std::to_string(k) + "]: analytic " + std::to_string(a) +
               " vs numeric " + std::to_string(numeric)).c_str());
    }
  };
  for (size_t i = 0; i < x.size(); ++i) {
    if (i < fixed.size() && !fixed[i].empty()) continue;  // indices have no gradient
    check(x[i], dx[i], "d input " + std::to_string(i));
    if (QTest::currentTestFailed()) return;
  }
  for (Variable* v : layer.all_variables()) {
    check(v->value, v->grad, "d " + v->name);
    if (QTest::currentTestFailed()) return;
  }
  if (worst) *worst = std::max(*worst, largest);
}

// Two sequences of four steps: the first loses step 2, the second steps 1 and 2 (a gap, then a kept last step).
const std::vector<float> kMask{1, 1, 0, 1, 1, 0, 0, 1};
// ...and one whose last steps are padding, as Embedding(mask_zero) makes for right-padded sequences.
const std::vector<float> kTailMask{1, 1, 1, 0, 1, 1, 0, 0};

double worst_error = 0;

void check_rnn(const std::string& cls, Config config, bool mask = false, bool states = false, bool training = false,
               const std::vector<float>& mask_values = kMask) {
  config["units"] = 3;
  LayerPtr layer = make_layer(cls, config);
  Shapes shapes{Shape{2, 4, 5}};
  const int state_count = cls == "LSTM" ? 2 : 1;
  if (states)
    for (int k = 0; k < state_count; ++k) shapes.push_back(Shape{2, 3});
  GradCheckOptions o;
  o.training = training;
  check_gradients(*layer, shapes, mask ? mask_values : std::vector<float>{}, o, {}, &worst_error);
}

}  // namespace

class TestLayersRecurrent : public QObject {
  Q_OBJECT
 private slots:
  void cleanupTestCase() { qInfo("largest relative gradient error: %.3g", worst_error); }

  void registry_entries_exist_with_docs() {
    for (const char* name : {"Embedding", "Masking", "SimpleRNN", "LSTM", "GRU", "Bidirectional"}) {
      QVERIFY2(layer_registry().contains(name), name);
      const auto& e = layer_registry().get(name);
      QVERIFY(!e.doc.empty());
      for (const auto& p : e.params) QVERIFY2(!p.doc.empty(), (std::string(name) + "." + p.name).c_str());
    }
    QCOMPARE(layer_registry().get("LSTM").max_inputs, 3);
    QCOMPARE(layer_registry().get("GRU").max_inputs, 2);
  }

  void configs_round_trip() {
    const std::vector<std::pair<std::string, Config>> cases{
        {"Embedding", {{"input_dim", 10}, {"output_dim", 4}, {"mask_zero", true}}},
        {"Masking", {{"mask_value", -1.0}}},
        {"SimpleRNN", {{"units", 4}, {"return_sequences", true}}},
        {"LSTM", {{"units", 4}, {"go_backwards", true}, {"unit_forget_bias", false}}},
        {"GRU", {{"units", 4}, {"reset_after", false}}},
        {"Bidirectional", {{"layer", {{"class_name", "LSTM"}, {"config", {{"units", 2}}}}}, {"merge_mode", "sum"}}}};
    for (const auto& [name, config] : cases) {
      LayerPtr layer = make_layer(name, config);
      LayerPtr copy = make_layer(name, layer->config());
      QCOMPARE(QString::fromStdString(copy->config().dump()), QString::fromStdString(layer->config().dump()));
    }
  }

  // ---- gradients ----

  void simple_rnn_gradients() {
    check_rnn("SimpleRNN", {});
    check_rnn("SimpleRNN", {{"return_sequences", true}, {"go_backwards", true}});
    check_rnn("SimpleRNN", {{"return_state", true}, {"activation", "relu"}}, false, true);
    check_rnn("SimpleRNN", {{"return_sequences", true}}, true);
    check_rnn("SimpleRNN", {{"use_bias", false}, {"dropout", 0.3}, {"recurrent_dropout", 0.4}}, false, false, true);
  }

  void lstm_gradients() {
    check_rnn("LSTM", {});
    check_rnn("LSTM", {{"return_sequences", true}});
    check_rnn("LSTM", {{"return_state", true}}, false, true);
    check_rnn("LSTM", {{"go_backwards", true}, {"return_sequences", true}, {"return_state", true}});
    check_rnn("LSTM", {{"return_sequences", true}}, true);
    check_rnn("LSTM", {{"go_backwards", true}}, true, false, false, kTailMask);
    check_rnn("LSTM", {{"return_sequences", true}, {"zero_output_for_mask", true}, {"return_state", true}}, true, true);
    check_rnn("LSTM", {{"dropout", 0.25}, {"recurrent_dropout", 0.25}, {"return_sequences", true}}, false, false, true);
    check_rnn("LSTM", {{"recurrent_activation", "hard_sigmoid"}, {"activation", "softsign"}});
  }

  void gru_gradients() {
    for (bool reset_after : {true, false}) {
      check_rnn("GRU", {{"reset_after", reset_after}});
      check_rnn("GRU", {{"reset_after", reset_after}, {"return_sequences", true}, {"go_backwards", true}});
      check_rnn("GRU", {{"reset_after", reset_after}, {"return_state", true}}, false, true);
      check_rnn("GRU", {{"reset_after", reset_after}, {"return_sequences", true}}, true);
      check_rnn("GRU", {{"reset_after", reset_after}, {"use_bias", false}}, true, false, false, kTailMask);
      check_rnn("GRU", {{"reset_after", reset_after}, {"dropout", 0.2}, {"recurrent_dropout", 0.3}}, false, false, true);
    }
  }

  void bidirectional_gradients() {
    for (const Config& merge : {Config("concat"), Config("sum"), Config("mul"), Config("ave"), Config()}) {
      for (bool sequences : {false, true}) {
        Config inner{{"class_name", "GRU"}, {"config", {{"units", 3}, {"return_sequences", sequences}}}};
        LayerPtr layer = make_layer("Bidirectional", {{"layer", inner}, {"merge_mode", merge}});
        check_gradients(*layer, {Shape{2, 4, 5}}, {}, {}, {}, &worst_error);
        LayerPtr masked = make_layer("Bidirectional", {{"layer", inner}, {"merge_mode", merge}});
        check_gradients(*masked, {Shape{2, 4, 5}}, kMask, {}, {}, &worst_error);
      }
    }
    Config lstm{{"class_name", "LSTM"}, {"config", {{"units", 2}, {"return_state", true}, {"return_sequences", true}}}};
    LayerPtr states = make_layer("Bidirectional", {{"layer", lstm}});
    QCOMPARE(states->compute_output_shape({Shape{None, 4, 5}}).size(), size_t(5));
    check_gradients(*states, {Shape{2, 4, 5}}, kTailMask, {}, {}, &worst_error);
  }

  void embedding_gradients_and_errors() {
    LayerPtr embedding = make_layer("Embedding", {{"input_dim", 6}, {"output_dim", 3}, {"name", "emb"}});
    check_gradients(*embedding, {Shape{2, 4}}, {}, {}, {{0, 1, 5, 1, 2, 2, 3, 0}}, &worst_error);
    QCOMPARE(embedding->compute_output_shape({Shape{None, 7}})[0].to_string(), Shape({None, 7, 3}).to_string());
    Tensor bad = Tensor::from_vector(Shape{1, 2}, std::vector<float>{1, 6});
    Tensor out = Tensor::zeros(Shape{1, 2, 3});
    Context ctx(cpu_backend(), 1);
    const std::string message = error_of([&] { embedding->forward(ctx, {&bad}, {&out}); });
    QVERIFY2(QString::fromStdString(message).contains("input_dim=6"), message.c_str());
    QVERIFY(!error_of([] { make_layer("Embedding", {{"input_dim", 6}, {"output_dim", 3}, {"lora_rank", 2}}); }).empty());
  }

  void masking_gradients_and_mask() {
    LayerPtr masking = make_layer("Masking", {{"mask_value", 0.5}});
    std::vector<float> values = random_values(2 * 3 * 2, 5, {});
    values[2] = values[3] = 0.5f;  // sample 0, step 1: padding
    check_gradients(*masking, {Shape{2, 3, 2}}, {}, {}, {}, &worst_error);
    Tensor x = Tensor::from_vector(Shape{2, 3, 2}, values), y = Tensor::zeros(Shape{2, 3, 2}), m = Tensor::zeros(Shape{2, 3});
    Context ctx(cpu_backend(), 1);
    masking->forward(ctx, {&x}, {&y});
    masking->compute_mask(ctx, {&x}, {&m});
    QCOMPARE(m.to_vector(), (std::vector<float>{1, 0, 1, 1, 1, 1}));
    QCOMPARE(y.to_vector()[2], 0.0f);
  }

  // ---- models ----

  // Right padding under a mask changes nothing: LSTM on [a, b, 0, 0] with mask_zero equals LSTM on [a, b].
  void embedding_mask_skips_padding_in_a_model() {
    set_random_seed(3);
    auto ids = Input(Shape{4}, "ids");
    LayerPtr embedding = make_layer("Embedding", {{"input_dim", 9}, {"output_dim", 3}, {"mask_zero", true}});
    LayerPtr lstm = make_layer("LSTM", {{"units", 2}});
    Model padded({ids}, {call_layer(lstm, call_layer(embedding, {ids}))});
    auto short_ids = Input(Shape{2}, "short_ids");  // the same layers' weights on the unpadded sequence
    LayerPtr embedding_2 = make_layer("Embedding", {{"input_dim", 9}, {"output_dim", 3}});
    Model trimmed({short_ids}, {call_layer(make_layer("LSTM", {{"units", 2}}), call_layer(embedding_2, {short_ids}))});
    trimmed.set_weights(padded.get_weights());
    Tensor a = padded.predict(Tensor::from_vector(Shape{1, 4}, std::vector<float>{4, 7, 0, 0}));
    Tensor b = trimmed.predict(Tensor::from_vector(Shape{1, 2}, std::vector<float>{4, 7}));
    QCOMPARE(a.to_vector(), b.to_vector());
  }

  // Keras applies an output's mask to its loss and metrics (keras.losses.loss.apply_mask): the mean runs over the
  // unmasked steps only. Measured with Keras 3.15 (JAX) on this very model shape: evaluate gave the masked mean.
  void output_masks_weigh_losses_and_metrics() {
    set_random_seed(5);
    auto ids = Input(Shape{5}, "ids");
    auto h = call_layer(make_layer("Embedding", {{"input_dim", 6}, {"output_dim", 4}, {"mask_zero", true}}), {ids});
    h = call_layer(make_layer("SimpleRNN", {{"units", 3}, {"return_sequences", true}}), h);
    Model model({ids}, call_layer(make_layer("Dense", {{"units", 3}, {"activation", "softmax"}}), h));
    model.compile("sgd", "sparse_categorical_crossentropy", {"accuracy"});
    const Tensor x = Tensor::from_vector(Shape{3, 5}, std::vector<float>{1, 2, 3, 0, 0, 4, 5, 0, 0, 0, 1, 1, 1, 1, 1});
    const std::vector<int32_t> labels{0, 2, 1, 1, 0, 2, 2, 0, 1, 1, 0, 1, 2, 0, 1};
    const Tensor y = Tensor::from_vector(Shape{3, 5}, labels);
    const std::vector<float> p = model.predict(x).to_vector(), ids_v = x.to_vector();
    double loss = 0, hits = 0, valid = 0;
    for (size_t r = 0; r < labels.size(); ++r) {
      if (ids_v[r] == 0) continue;
      const float* row = &p[r * 3];
      loss -= std::log(row[labels[r]]);
      hits += std::max_element(row, row + 3) - row == labels[r];
      valid += 1;
    }
    const Logs logs = model.evaluate(x, y, {.verbose = 0});
    QVERIFY2(std::abs(logs.at("loss") - loss / valid) < 1e-5, qPrintable(QString::number(logs.at("loss"))));
    QVERIFY2(std::abs(logs.at("accuracy") - hits / valid) < 1e-6, qPrintable(QString::number(logs.at("accuracy"))));
    // A label under the mask changes nothing: not the loss, not the step's update.
    std::vector<int32_t> changed = labels;
    changed[4] = 2, changed[8] = 2;
    const auto before = model.get_weights();
    model.train_on_batch(x, y);
    const auto after_a = model.get_weights();
    model.set_weights(before);
    model.train_on_batch(x, Tensor::from_vector(Shape{3, 5}, changed));
    const auto after_b = model.get_weights();
    for (size_t k = 0; k < after_a.size(); ++k) QCOMPARE(after_a[k].to_vector(), after_b[k].to_vector());
  }

  void initial_state_inputs_in_a_model() {
    auto x = Input(Shape{3, 4}, "x"), h = Input(Shape{5}, "h"), c = Input(Shape{5}, "c");
    auto outs = call_layer(make_layer("LSTM", {{"units", 5}, {"return_state", true}}), {x, h, c});
    QCOMPARE(outs.size(), size_t(3));
    Model model({x, h, c}, outs);
    QCOMPARE(model.count_params(), int64_t(4 * 5 * (4 + 5 + 1)));
  }

  // Keras writes initial_state as a keyword of the call and, when it saves a model it rebuilt, the unused ops of a
  // mask (NotEqual, Any); Cornu reads both, and writes initial_state back the same way (config and Python).
  void initial_state_keyword_in_keras_configs() {
    auto tensor = [](const char* layer, Config shape) {
      return Config{{"class_name", "__keras_tensor__"},
                    {"config", {{"shape", shape}, {"dtype", "float32"}, {"keras_history", {layer, 0, 0}}}}};
    };
    auto input = [](const char* name, Config shape) {
      return Config{{"module", "keras.layers"}, {"class_name", "InputLayer"}, {"name", name},
                    {"config", {{"batch_shape", shape}, {"dtype", "float32"}, {"name", name}}}, {"inbound_nodes", Config::array()}};
    };
    Config op{{"module", "keras.src.ops.numpy"}, {"class_name", "NotEqual"}, {"registered_name", "NotEqual"},
              {"name", "not_equal"}, {"config", {{"name", "not_equal"}}},
              {"inbound_nodes", {{{"args", {tensor("x", {nullptr, 5, 3}), 0.0}}, {"kwargs", Config::object()}}}}};
    Config lstm{{"module", "keras.layers"}, {"class_name", "LSTM"}, {"name", "lstm"}, {"registered_name", nullptr},
                {"config", {{"name", "lstm"}, {"units", 4}, {"dtype", "float32"}, {"zero_output_for_mask", false}}},
                {"inbound_nodes", {{{"args", {tensor("x", {nullptr, 5, 3})}},
                                    {"kwargs", {{"initial_state", {tensor("h", {nullptr, 4}), tensor("c", {nullptr, 4})}},
                                                {"training", false}, {"mask", nullptr}}}}}}};
    Config root{{"class_name", "Functional"},
                {"config", {{"name", "m"}, {"trainable", true},
                            {"layers", {input("x", {nullptr, 5, 3}), input("h", {nullptr, 4}), input("c", {nullptr, 4}), op, lstm}},
                            {"input_layers", {{"x", 0, 0}, {"h", 0, 0}, {"c", 0, 0}}}, {"output_layers", {"lstm", 0, 0}}}}};
    ModelPtr model = io::model_from_config(root);
    QCOMPARE(model->layers().size(), size_t(4));  // the unused NotEqual is gone
    const Config back = io::model_to_config(*model, io::ConfigFlavor::Archive);
    const Config& node = back["config"]["layers"][3]["inbound_nodes"][0];
    QCOMPARE(node["args"].size(), size_t(1));
    QCOMPARE(node["kwargs"]["initial_state"].size(), size_t(2));
    QCOMPARE(back["config"]["layers"][3]["build_config"]["input_shape"].dump(), std::string("[null,5,3]"));
    const std::string script = io::python_script(*model, {});
    QVERIFY2(script.find("(x, initial_state=[h, c])") != std::string::npos, script.c_str());
  }

  void bidirectional_in_keras_configs_and_python() {
    auto x = Input(Shape{5, 3}, "x");
    Config gru{{"class_name", "GRU"}, {"config", {{"units", 2}, {"reset_after", false}}}};
    Model model({x}, call_layer(make_layer("Bidirectional", {{"layer", gru}, {"merge_mode", "mul"}}), {x}));
    for (auto flavor : {io::ConfigFlavor::Archive, io::ConfigFlavor::LegacyH5}) {
      const Config c = io::model_to_config(model, flavor);
      const Config& layer = c["config"]["layers"][1]["config"]["layer"];
      QCOMPARE(layer["module"].get<std::string>(), std::string("keras.layers"));  // the full form, even in .h5
      QCOMPARE(layer["config"]["reset_after"].get<bool>(), false);
      ModelPtr back = io::model_from_config(c);
      QCOMPARE(back->count_params(), model.count_params());
    }
    const std::string script = io::python_script(model, {});
    QVERIFY2(script.find("layers.Bidirectional(layers.GRU(2, reset_after=False, name=\"forward_gru\")") != std::string::npos,
             script.c_str());
    const auto groups = model.layers()[1]->keras_weight_groups();
    QCOMPARE(groups.size(), size_t(4));
    QCOMPARE(QString::fromStdString(groups[1].path + " " + groups[1].name), QString("forward_layer/cell gru_cell"));
  }

  // ---- shapes and messages ----

  void shapes_and_messages() {
    LayerPtr lstm = make_layer("LSTM", {{"units", 4}, {"name", "enc"}});
    QCOMPARE(lstm->compute_output_shape({Shape{None, 7, 3}})[0].to_string(), Shape({None, 4}).to_string());
    const std::string flat = error_of([&] { lstm->compute_output_shape({Shape{None, 7}}); });
    QVERIFY2(QString::fromStdString(flat).contains("(batch, time, features)"), flat.c_str());
    const std::string state = error_of([&] { lstm->compute_output_shape({Shape{None, 7, 3}, Shape{None, 3}}); });
    QVERIFY2(!state.empty(), "a wrong initial state shape must be refused");
    QVERIFY(!error_of([] { make_layer("LSTM", {{"units", 4}, {"stateful", true}}); }).empty());
    QVERIFY(!error_of([] { make_layer("GRU", {{"units", 4}, {"activation", "softmax"}}); }).empty());
    LayerPtr gru = make_layer("GRU", {{"units", 4}});
    gru->build({Shape{None, 7, 3}}, 1);
    QCOMPARE(gru->variables()[2].value.shape().to_string(), Shape({2, 12}).to_string());
    LayerPtr gru_before = make_layer("GRU", {{"units", 4}, {"reset_after", false}});
    gru_before->build({Shape{None, 7, 3}}, 1);
    QCOMPARE(gru_before->variables()[2].value.shape().to_string(), Shape({12}).to_string());
    LayerPtr lstm_bias = make_layer("LSTM", {{"units", 2}});
    lstm_bias->build({Shape{None, 7, 3}}, 1);
    QCOMPARE(lstm_bias->variables()[2].value.to_vector(), (std::vector<float>{0, 0, 1, 1, 0, 0, 0, 0}));
    QCOMPARE(QString::fromStdString(lstm->keras_weight_groups().at(0).name), QString("lstm_cell"));
  }
};

QTEST_GUILESS_MAIN(TestLayersRecurrent)
#include "test_layers_recurrent.moc"
