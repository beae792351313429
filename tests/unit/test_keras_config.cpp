// Keras configs: a model to Keras's config JSON and back (Sequential, functional with several inputs and
// outputs, shared layers, nested models), configs Keras 3 wrote (tests/data/keras_configs, made by
// make_configs.py there), Keras 2's forms, compile settings both ways, and the refusals that keep a file from
// running code. Whether real Keras loads what Cornu writes is for the interop tests.
#include <QtTest>

#include <fstream>
#include <sstream>

#include "cornu.h"
#include "io/keras_io.h"

#include "error_message.h"

using namespace cornu;
using namespace cornu::layers;
using cornu::test::value_error;

namespace {

Config read_fixture(const std::string& name) {
  const QByteArray dir = qgetenv("CORNU_SOURCE_DIR");
  std::ifstream in((dir.isEmpty() ? std::string(".") : dir.toStdString()) + "/tests/data/keras_configs/" + name);
  if (!in) throw std::runtime_error("missing fixture " + name);
  std::stringstream s;
  s << in.rdbuf();
  return Config::parse(s.str());
}

Tensor sample(const Shape& s, uint64_t key) {
  std::vector<float> v(static_cast<size_t>(s.size()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = random_normal_at(key, i);
  return Tensor::from_vector(s, v);
}

// Same architecture and weights: the copy predicts what the original predicts.
void expect_same_predictions(Model& a, Model& b, const std::vector<Tensor>& x) {
  b.set_weights(a.get_weights());
  auto ya = a.predict(x), yb = b.predict(x);
  QCOMPARE(ya.size(), yb.size());
  for (size_t i = 0; i < ya.size(); ++i) QCOMPARE(ya[i].to_vector(), yb[i].to_vector());
}

ModelPtr two_heads() {
  auto a = Input(Shape{4}, "a"), b = Input(Shape{4}, "b");
  LayerHandle shared = Dense(3, "tanh");
  shared->set_name("shared");
  auto inner_in = Input(Shape{6}, "inner_in");
  auto inner = std::make_shared<Model>(std::vector{inner_in}, std::vector{Dense(2)(inner_in)}, "inner");
  auto merged = make("Concatenate", {{"name", "concat"}})({shared(a), shared(b)});
  auto out1 = call_layer(inner, {merged}).at(0);
  auto out2 = Dense(1, "sigmoid")(merged);
  return std::make_shared<Model>(std::vector{a, b}, std::vector{out1, out2}, "two_heads");
}

std::shared_ptr<Sequential> mlp() {
  auto s = std::make_shared<Sequential>("mlp");
  s->add(Input(Shape{8}));
  s->add(Dense(5, "relu"));
  s->add(Dropout(0.25));
  s->add(Dense(3, "softmax"));
  return s;
}

}  // namespace

class TestKerasConfig : public QObject {
  Q_OBJECT

 private slots:
  void sequential_round_trip() {
    auto s = mlp();
    s->compile(Config{{"class_name", "Adam"}, {"config", {{"learning_rate", 0.01}}}}, "categorical_crossentropy", {"accuracy"});
    for (auto flavor : {io::ConfigFlavor::Archive, io::ConfigFlavor::LegacyH5}) {
      Config c = io::model_to_config(*s, flavor);
      QCOMPARE(c["class_name"].get<std::string>(), std::string("Sequential"));
      QCOMPARE(c.contains("module"), flavor == io::ConfigFlavor::Archive);
      QCOMPARE(c["config"]["layers"][0]["class_name"].get<std::string>(), std::string("InputLayer"));
      QCOMPARE(c["config"]["layers"][0]["config"]["batch_shape"].dump(), std::string("[null,8]"));
      auto copy = io::model_from_config(c);
      QVERIFY(dynamic_cast<Sequential*>(copy.get()));
      QCOMPARE(copy->name(), std::string("mlp"));
      QCOMPARE(copy->count_params(), s->count_params());
      expect_same_predictions(*s, *copy, {sample(Shape{6, 8}, 1)});
      QCOMPARE(io::model_to_config(*copy, flavor), c);  // stable: writing the copy gives the same config
    }
  }

  void functional_round_trip_with_shared_and_nested() {
    auto m = two_heads();
    Config c = io::model_to_config(*m, io::ConfigFlavor::Archive);
    QCOMPARE(c["class_name"].get<std::string>(), std::string("Functional"));
    QCOMPARE(c["module"].get<std::string>(), std::string("keras.src.models.functional"));
    QCOMPARE(c["registered_name"].get<std::string>(), std::string("Functional"));
    // Keras's numbering: the shared layer's second call is node 1, the nested Functional's first call node 1.
    QCOMPARE(c["config"]["output_layers"][0].dump(), std::string(R"(["inner",1,0])"));
    QCOMPARE(c["config"]["output_layers"][1][1].get<int>(), 0);
    Config concat;
    for (const auto& l : c["config"]["layers"])
      if (l["name"] == "concat") concat = l;
    QCOMPARE(concat["inbound_nodes"][0]["args"][0][1]["config"]["keras_history"].dump(), std::string(R"(["shared",1,0])"));
    auto copy = io::model_from_config(c);
    QCOMPARE(copy->count_params(), m->count_params());
    QCOMPARE(copy->layers().size(), m->layers().size());
    expect_same_predictions(*m, *copy, {sample(Shape{5, 4}, 2), sample(Shape{5, 4}, 3)});
    QCOMPARE(io::model_to_config(*copy, io::ConfigFlavor::Archive), c);
  }

  void reads_what_keras_3_wrote() {
    Config c = read_fixture("functional_shared_nested.json");
    auto m = io::model_from_config(c);
    QCOMPARE(m->name(), std::string("two_heads"));
    QCOMPARE(m->inputs().size(), size_t(2));
    QCOMPARE(m->outputs().size(), size_t(2));
    // 4*3+3 (shared, once) + 6*2+2 (inner) + 6*1+1 (p): Keras's summary says 36.
    QCOMPARE(m->count_params(), int64_t(36));
    QCOMPARE(m->get_layer("shared")->class_name(), std::string("Dense"));
    io::apply_compile_config(*m, c["compile_config"]);
    QVERIFY(m->compiled());
    QCOMPARE(m->optimizer().name(), std::string("sgd"));
    QCOMPARE(m->optimizer().learning_rate(), 0.05);  // Keras wrote float32 0.05000000074505806: read as typed
    QCOMPARE(m->compile_options().loss.size(), size_t(2));
    QCOMPARE(m->compile_options().loss_weights, (std::vector<double>{1.0, 0.5}));
    QCOMPARE(m->metrics_names(), (std::vector<std::string>{"loss", "inner_loss", "inner_mae", "p_loss", "p_accuracy"}));

    Config s = read_fixture("sequential_mlp.json");
    auto seq = io::model_from_config(s);
    QCOMPARE(seq->count_params(), int64_t(8 * 5 + 5 + 5 * 3 + 3));
    io::apply_compile_config(*seq, s["compile_config"]);
    QCOMPARE(seq->losses().at(0)->params.label_smoothing, 0.1f);
  }

  void compile_settings_round_trip() {
    auto m = two_heads();
    CompileOptions o;
    o.optimizer = Config{{"class_name", "RMSprop"}, {"config", {{"learning_rate", 0.002}, {"rho", 0.8}}}};
    o.loss = {"mse", Config{{"class_name", "BinaryCrossentropy"}, {"config", {{"from_logits", false}}}}};
    o.loss_weights = {1.0, 0.25};
    o.metrics = {{"mae"}, {"accuracy"}};
    m->compile(o);
    for (bool archive : {true, false}) {
      Config c = archive ? io::compile_config(*m) : io::training_config(*m);
      auto copy = io::model_from_config(io::model_to_config(*m, io::ConfigFlavor::LegacyH5));
      archive ? io::apply_compile_config(*copy, c) : io::apply_training_config(*copy, c);
      QCOMPARE(copy->optimizer().name(), m->optimizer().name());
      QCOMPARE(copy->optimizer().config(), m->optimizer().config());
      QCOMPARE(copy->compile_options().loss_weights, o.loss_weights);
      QCOMPARE(copy->metrics_names(), m->metrics_names());
    }
    QCOMPARE(io::compile_config(*mlp()), Config::object());  // uncompiled: {} as Keras writes
  }

  void keras_2_forms() {
    // tf.keras 2: no InputLayer in a Sequential (the shape on the first layer), list-valued nodes.
    Config seq = Config::parse(R"({"class_name": "Sequential", "config": {"name": "old", "layers": [
      {"class_name": "Dense", "config": {"name": "d1", "trainable": true, "batch_input_shape": [null, 3], "dtype": "float32",
       "units": 4, "activation": "relu", "use_bias": true,
       "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
       "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null, "bias_regularizer": null,
       "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}}]}})");
    auto m = io::model_from_config(seq);
    QCOMPARE(m->count_params(), int64_t(16));
    QCOMPARE(m->inputs()[0].shape(), (Shape{Shape::kNone, 3}));

    Config fun = Config::parse(R"({"class_name": "Functional", "config": {"name": "old_fn", "layers": [
      {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 2], "dtype": "float32", "sparse": false,
       "ragged": false, "name": "x"}, "name": "x", "inbound_nodes": []},
      {"class_name": "Dense", "config": {"name": "y", "units": 1}, "name": "y", "inbound_nodes": [[["x", 0, 0, {}]]]},
      {"class_name": "Add", "config": {"name": "sum"}, "name": "sum", "inbound_nodes": [[["y", 0, 0, {}], ["y", 0, 0, {}]]]}],
      "input_layers": [["x", 0, 0]], "output_layers": [["sum", 0, 0]]}})");
    auto f = io::model_from_config(fun);
    QCOMPARE(f->count_params(), int64_t(3));
    QCOMPARE(f->outputs()[0].shape(), (Shape{Shape::kNone, 1}));
  }

  void refuses_code_custom_objects_and_unknown_layers_all_at_once() {
    Config c = io::model_to_config(*mlp(), io::ConfigFlavor::Archive);
    auto& layers = c["config"]["layers"];
    layers.push_back({{"module", "keras.layers"}, {"class_name", "Lambda"},
                      {"config", {{"name", "scale"}, {"function", {{"class_name", "__lambda__"}, {"config", {{"code", "..."}}}}}}}});
    layers.push_back({{"module", "my_package.layers"}, {"class_name", "Fancy"}, {"registered_name", "my_package>Fancy"},
                      {"config", {{"name", "fancy"}}}});
    layers.push_back({{"module", "keras.layers"}, {"class_name", "Conv9D"}, {"config", {{"name", "c9"}}}});
    QString why = value_error([&] { io::model_from_config(c); });
    QVERIFY2(why.contains("'scale' (Lambda)") && why.contains("never runs"), qPrintable(why));
    QVERIFY2(why.contains("'fancy' (Fancy)") && why.contains("my_package>Fancy"), qPrintable(why));
    QVERIFY2(why.contains("'c9' (Conv9D)") && why.contains("Supported layers:") && why.contains("Dense"), qPrintable(why));

    // A lambda hidden in an initializer is refused too; the layer is named.
    Config hidden = io::model_to_config(*mlp(), io::ConfigFlavor::Archive);
    hidden["config"]["layers"][1]["config"]["kernel_initializer"] = {{"class_name", "__lambda__"}, {"config", {{"code", "x"}}}};
    why = value_error([&] { io::model_from_config(hidden); });
    QVERIFY2(why.contains("never runs"), qPrintable(why));
  }

  void refuses_options_cornu_lacks_and_other_dtypes() {
    Config c = io::model_to_config(*mlp(), io::ConfigFlavor::Archive);
    c["config"]["layers"][1]["config"]["lora_rank"] = 4;
    QString why = value_error([&] { io::model_from_config(c); });
    QVERIFY2(why.contains("lora_rank"), qPrintable(why));

    Config d = io::model_to_config(*mlp(), io::ConfigFlavor::Archive);
    d["config"]["layers"][1]["config"]["dtype"] = {{"module", "keras"}, {"class_name", "DTypePolicy"}, {"config", {{"name", "mixed_float16"}}}};
    why = value_error([&] { io::model_from_config(d); });
    QVERIFY2(why.contains("mixed_float16") && why.contains("float32"), qPrintable(why));

    Config e = io::model_to_config(*mlp(), io::ConfigFlavor::Archive);
    e["config"]["layers"][1]["config"]["some_future_flag"] = true;
    why = value_error([&] { io::model_from_config(e); });
    QVERIFY2(why.contains("some_future_flag") && why.contains("'dense"), qPrintable(why));
    e["config"]["layers"][1]["config"]["some_future_flag"] = false;  // switched off: ignored
    QCOMPARE(io::model_from_config(e)->count_params(), mlp()->count_params());
  }

  void malformed_configs_are_refused_not_crashed() {
    for (const char* text : {R"({"class_name": "Functional", "config": {"layers": 3}})",
                             R"({"class_name": "Functional", "config": {"name": "m", "layers": [], "input_layers": [], "output_layers": []}})",
                             R"({"class_name": "Functional", "config": {"name": "m", "layers": [{"class_name": "Dense", "config": {"units": 2}, "name": "d", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["nowhere", 0, 0]}}]}]}], "input_layers": [], "output_layers": [["d", 0, 0]]}})",
                             R"({"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "Dense", "config": {"units": 2}}]}})",
                             R"({"class_name": "Dense", "config": {"units": 2}})", R"([1, 2])"}) {
      QString why = value_error([&] { io::model_from_config(Config::parse(text)); });
      QVERIFY2(!why.isEmpty(), text);
    }
  }
};

QTEST_APPLESS_MAIN(TestKerasConfig)
#include "test_keras_config.moc"
