// Attention layers (Attention, AdditiveAttention, MultiHeadAttention), TimeDistributed and Dense on inputs of
// rank > 2: finite-difference gradients in every mode (scores, scale, masks, causal, dropout in training,
// heads, value_dim, output_shape), shapes and messages, weight layouts, and a small Transformer encoder block
// that trains.
#include <QtTest>

#include <cmath>
#include <functional>

#include "core/error.h"
#include "cornu.h"
#include "gradcheck.h"
#include "io/keras_io.h"
#include "layers/layer.h"

using namespace cornu;
using cornu::testing::check_layer_gradients;
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

Shape out_shape(const Layer& layer, const Shapes& in) { return layer.compute_output_shape(in)[0]; }

// A (batch, time) 0/1 mask with the last `padded[b]` steps of row b masked.
Tensor padding_mask(int64_t batch, int64_t time, const std::vector<int64_t>& padded) {
  std::vector<float> m(static_cast<size_t>(batch * time), 1.0f);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t t = time - padded[static_cast<size_t>(b)]; t < time; ++t) m[static_cast<size_t>(b * time + t)] = 0;
  return Tensor::from_vector(Shape{batch, time}, m);
}

// check_layer_gradients with Keras masks on the inputs (gradcheck.h's harness runs without masks): the same
// central differences of L = sum(r * y), with ctx.input_masks set for forward and backward.
void check_masked_gradients(Layer& layer, const Shapes& shapes, const std::vector<const Tensor*>& masks,
                            GradCheckOptions o = {}) {
  Backend& be = cpu_backend();
  if (!layer.built()) layer.build(shapes, o.seed);
  const Shape out = layer.compute_output_shape(shapes)[0];
  std::vector<Tensor> x, dx;
  for (size_t i = 0; i < shapes.size(); ++i) {
    x.push_back(Tensor::from_vector(shapes[i], random_values(shapes[i].size(), mix_key(o.seed, 10 + i), o)));
    dx.push_back(Tensor::zeros(shapes[i]));
  }
  Tensor y = Tensor::zeros(out);
  const Tensor r = Tensor::from_vector(out, random_values(out.size(), mix_key(o.seed, 100), GradCheckOptions{}));
  std::vector<const Tensor*> xs;
  std::vector<Tensor*> dxs;
  for (size_t i = 0; i < x.size(); ++i) xs.push_back(&x[i]), dxs.push_back(&dx[i]);
  Context ctx(be, 99);
  ctx.training = o.training;
  ctx.step = 3;
  ctx.input_masks = masks;
  auto objective = [&] {
    layer.forward(ctx, xs, {&y});
    double L = ctx.take_added_loss();
    const auto yv = y.to_vector(), rv = r.to_vector();
    for (size_t k = 0; k < yv.size(); ++k) L += static_cast<double>(yv[k]) * rv[k];
    return L;
  };
  objective();
  for (Variable* v : layer.all_variables()) be.fill(v->grad.data(), v->grad.size(), 0.0f);
  layer.backward(ctx, xs, {&y}, {&r}, dxs);
  auto check = [&](Tensor& param, const Tensor& analytic, const std::string& what) {
    const auto grad = analytic.to_vector();
    const int64_t stride = std::max<int64_t>(1, param.size() / o.max_checks);
    for (int64_t k = 0; k < param.size(); k += stride) {
      float* p = param.data() + k;
      const float saved = *p;
      *p = static_cast<float>(saved + o.step);
      const double up = objective();
      *p = static_cast<float>(saved - o.step);
      const double down = objective();
      *p = saved;
      const double numeric = (up - down) / (2 * o.step), a = grad[static_cast<size_t>(k)];
      const double err = std::fabs(a - numeric) / std::max({1.0, std::fabs(a), std::fabs(numeric)});
      QVERIFY2(err <= o.tolerance, (layer.name() + " " + what + "[" + std::to_string(k) + "]: analytic " +
                                    std::to_string(a) + " vs numeric " + std::to_string(numeric)).c_str());
    }
  };
  for (size_t i = 0; i < x.size(); ++i) check(x[i], dx[i], "d input " + std::to_string(i));
  for (Variable* v : layer.all_variables())
    if (v->trainable) check(v->value, v->grad, "d " + v->name);
}

std::vector<float> forward_values(Layer& layer, const std::vector<Tensor>& inputs,
                                  const std::vector<const Tensor*>& masks = {}) {
  Shapes shapes;
  std::vector<const Tensor*> x;
  for (const auto& t : inputs) shapes.push_back(t.shape()), x.push_back(&t);
  if (!layer.built()) layer.build(shapes, 42);
  Tensor y = Tensor::zeros(layer.compute_output_shape(shapes)[0]);
  Context ctx(cpu_backend(), 7);
  ctx.input_masks = masks;
  layer.forward(ctx, x, {&y});
  return y.to_vector();
}

}  // namespace

#define QCOMPARE_SHAPE(actual, expected) \
  QCOMPARE(QString::fromStdString((actual).to_string()), QString::fromStdString((expected).to_string()))
#define QVERIFY_MESSAGE(message, part) \
  QVERIFY2(QString::fromStdString(message).contains(part), ("message was: " + (message)).c_str())

class TestLayersAttention : public QObject {
  Q_OBJECT
 private slots:
  void registry_entries() {
    for (const char* name : {"Attention", "AdditiveAttention", "MultiHeadAttention", "TimeDistributed"}) {
      QVERIFY2(layer_registry().contains(name), name);
      const auto& e = layer_registry().get(name);
      QVERIFY(!e.doc.empty());
      for (const auto& p : e.params) QVERIFY2(!p.doc.empty(), (std::string(name) + "." + p.name).c_str());
    }
    QCOMPARE(layer_registry().get("MultiHeadAttention").max_inputs, 3);
  }

  // --- Dense on (batch, ..., features) ---
  void dense_rank3_and_rank4() {
    LayerPtr dense = make_layer("Dense", {{"units", 3}, {"activation", "tanh"}});
    QCOMPARE_SHAPE(out_shape(*dense, {Shape{None, 5, 4}}), (Shape{None, 5, 3}));
    check_layer_gradients(*dense, {Shape{2, 5, 4}});
    LayerPtr dense4 = make_layer("Dense", {{"units", 2}, {"activity_regularizer", "l2"}});
    check_layer_gradients(*dense4, {Shape{2, 3, 2, 4}});
    // Each position is the rank-2 Dense of its features.
    LayerPtr flat = make_layer("Dense", {{"units", 3}});
    flat->build({Shape{None, 4}}, 5);
    LayerPtr seq = make_layer("Dense", {{"units", 3}});
    seq->build({Shape{None, 2, 4}}, 5);
    QCOMPARE(flat->variables()[0].value.to_vector(), seq->variables()[0].value.to_vector());
    const Tensor x = Tensor::from_vector(Shape{3, 2, 4}, random_values(24, 3, {}));
    QCOMPARE(forward_values(*seq, {x}), forward_values(*flat, {x.view(Shape{6, 4})}));
    QCOMPARE(seq->count_macs({Shape{None, 2, 4}}, {Shape{None, 2, 3}}), int64_t(24));
  }

  // --- Attention ---
  void attention_dot_and_concat_gradients() {
    for (const char* mode : {"dot", "concat"})
      for (bool scale : {false, true}) {
        LayerPtr a = make_layer("Attention", {{"score_mode", mode}, {"use_scale", scale}});
        check_layer_gradients(*a, {Shape{2, 3, 4}, Shape{2, 5, 4}});
        if (QTest::currentTestFailed()) return;
        LayerPtr with_key = make_layer("Attention", {{"score_mode", mode}, {"use_scale", scale}});
        check_layer_gradients(*with_key, {Shape{2, 3, 4}, Shape{2, 5, 6}, Shape{2, 5, 4}});
        if (QTest::currentTestFailed()) return;
      }
    QCOMPARE(make_layer("Attention", {{"score_mode", "concat"}, {"use_scale", true}})->weight_shapes(
                 {Shape{None, 3, 4}, Shape{None, 5, 4}}).size(), size_t(2));
  }

  void attention_masks_causal_dropout() {
    const Tensor qmask = padding_mask(2, 4, {1, 0}), vmask = padding_mask(2, 4, {2, 1});
    for (const char* cls : {"Attention", "AdditiveAttention"}) {
      LayerPtr masked = make_layer(cls, Config::object());
      check_masked_gradients(*masked, {Shape{2, 4, 3}, Shape{2, 4, 3}}, {&qmask, &vmask});
      LayerPtr causal = make_layer(cls, {{"use_causal_mask", true}});
      check_masked_gradients(*causal, {Shape{2, 4, 3}, Shape{2, 4, 3}}, {nullptr, &vmask});
      LayerPtr dropout = make_layer(cls, {{"dropout", 0.3}});
      check_masked_gradients(*dropout, {Shape{2, 4, 3}, Shape{2, 4, 3}}, {}, {.training = true});
      if (QTest::currentTestFailed()) return;
    }
    // Masked queries give zero rows; masked values get no weight; causal: step 0 sees only value 0.
    LayerPtr a = make_layer("Attention", {{"use_causal_mask", true}});
    const Tensor q = Tensor::from_vector(Shape{1, 2, 1}, std::vector<float>{1, 1});
    const Tensor v = Tensor::from_vector(Shape{1, 2, 1}, std::vector<float>{3, 5});
    const Tensor qm = Tensor::from_vector(Shape{1, 2}, std::vector<float>{1, 0});
    QCOMPARE(forward_values(*a, {q, v}, {&qm, nullptr}), (std::vector<float>{3, 0}));
    LayerPtr b = make_layer("Attention", Config::object());
    const Tensor vm = Tensor::from_vector(Shape{1, 2}, std::vector<float>{0, 1});
    QCOMPARE(forward_values(*b, {q, v}, {nullptr, &vm}), (std::vector<float>{5, 5}));
  }

  void attention_shapes_and_messages() {
    LayerPtr a = make_layer("Attention", {{"name", "att"}});
    QCOMPARE_SHAPE(out_shape(*a, {Shape{None, 3, 4}, Shape{None, 7, 6}, Shape{None, 7, 4}}), (Shape{None, 3, 6}));
    QVERIFY_MESSAGE(error_of([&] { out_shape(*a, {Shape{None, 3, 4}}); }), "expects 2 to 3 inputs");
    QVERIFY_MESSAGE(error_of([&] { out_shape(*a, {Shape{None, 3, 4}, Shape{None, 5, 6}}); }), "Add a Dense layer");
    QVERIFY_MESSAGE(error_of([&] { out_shape(*a, {Shape{None, 4}, Shape{None, 4}}); }), "(batch, time, features)");
    QVERIFY(!error_of([] { make_layer("Attention", {{"score_mode", "general"}}); }).empty());
    LayerPtr additive = make_layer("AdditiveAttention", Config::object());
    QCOMPARE(additive->weight_shapes({Shape{None, 3, 4}, Shape{None, 5, 4}}).at(0).shape, (Shape{4}));
    QVERIFY(!additive->config().contains("score_mode"));
  }

  void additive_attention_gradients() {
    for (bool scale : {true, false}) {
      LayerPtr a = make_layer("AdditiveAttention", {{"use_scale", scale}});
      check_layer_gradients(*a, {Shape{2, 3, 4}, Shape{2, 5, 2}, Shape{2, 5, 4}});
    }
  }

  // --- MultiHeadAttention ---
  void multi_head_attention_gradients() {
    const std::vector<Config> configs{
        {{"num_heads", 1}, {"key_dim", 3}},
        {{"num_heads", 3}, {"key_dim", 2}, {"value_dim", 4}},
        {{"num_heads", 2}, {"key_dim", 2}, {"output_shape", 5}, {"use_bias", false}},
        {{"num_heads", 2}, {"key_dim", 3}, {"output_shape", {2, 3}}}};
    for (const Config& c : configs) {
      LayerPtr mha = make_layer("MultiHeadAttention", c);
      check_layer_gradients(*mha, {Shape{2, 3, 4}, Shape{2, 5, 6}});
      if (QTest::currentTestFailed()) return;
    }
    LayerPtr with_key = make_layer("MultiHeadAttention", {{"num_heads", 2}, {"key_dim", 2}});
    check_layer_gradients(*with_key, {Shape{2, 3, 4}, Shape{2, 5, 6}, Shape{2, 5, 3}});
  }

  void multi_head_attention_masks_causal_dropout() {
    const Tensor qmask = padding_mask(2, 4, {1, 0}), vmask = padding_mask(2, 4, {2, 4}), kmask = padding_mask(2, 4, {0, 1});
    const Shapes self{Shape{2, 4, 3}, Shape{2, 4, 3}};
    for (double dropout : {0.0, 0.2}) {  // Keras's two paths: rows wholly masked are uniform, or zero
      LayerPtr masked = make_layer("MultiHeadAttention", {{"num_heads", 2}, {"key_dim", 2}, {"dropout", dropout}});
      check_masked_gradients(*masked, self, {&qmask, &vmask});
      LayerPtr causal = make_layer("MultiHeadAttention",
                                   {{"num_heads", 2}, {"key_dim", 2}, {"dropout", dropout}, {"use_causal_mask", true}});
      check_masked_gradients(*causal, self, {nullptr, &vmask});
      LayerPtr key = make_layer("MultiHeadAttention", {{"num_heads", 2}, {"key_dim", 2}, {"dropout", dropout}});
      check_masked_gradients(*key, {Shape{2, 4, 3}, Shape{2, 4, 3}, Shape{2, 4, 2}}, {&qmask, &vmask, &kmask});
      if (QTest::currentTestFailed()) return;
    }
    LayerPtr dropout = make_layer("MultiHeadAttention", {{"num_heads", 2}, {"key_dim", 2}, {"dropout", 0.3}});
    check_masked_gradients(*dropout, self, {}, {.training = true});
  }

  void multi_head_attention_weights_and_messages() {
    LayerPtr mha = make_layer("MultiHeadAttention",
                              {{"num_heads", 2}, {"key_dim", 3}, {"value_dim", 7}, {"output_shape", {9}}});
    const Shapes in{Shape{None, 5, 8}, Shape{None, 6, 4}};
    QCOMPARE_SHAPE(out_shape(*mha, in), (Shape{None, 5, 9}));
    const auto shapes = mha->weight_shapes(in);
    const std::vector<Shape> keras{Shape{8, 2, 3}, Shape{2, 3}, Shape{4, 2, 3}, Shape{2, 3},
                                   Shape{4, 2, 7}, Shape{2, 7}, Shape{2, 7, 9}, Shape{9}};
    QCOMPARE(shapes.size(), keras.size());
    for (size_t i = 0; i < keras.size(); ++i) QCOMPARE_SHAPE(shapes[i].shape, keras[i]);
    mha->build(in, 1);
    const auto groups = mha->keras_weight_groups();
    QCOMPARE(groups.size(), size_t(5));
    QCOMPARE(QString::fromStdString(groups[4].path), QString("output_dense"));
    QCOMPARE(QString::fromStdString(groups[4].name), QString("attention_output"));
    QCOMPARE(mha->count_params(), int64_t(8 * 6 + 6 + 4 * 6 + 6 + 4 * 14 + 14 + 14 * 9 + 9));
    QVERIFY_MESSAGE(error_of([] { make_layer("MultiHeadAttention", {{"num_heads", 2}, {"key_dim", 2},
                                                                   {"attention_axes", {1, 2}}}); }), "attention_axes");
    QVERIFY_MESSAGE(error_of([] { make_layer("MultiHeadAttention", {{"num_heads", 2}}); }), "key_dim");
    QVERIFY(error_of([] { make_layer("MultiHeadAttention", {{"num_heads", 2}, {"key_dim", 2}, {"attention_axes", {1}}}); }).empty());
    LayerPtr small = make_layer("MultiHeadAttention", {{"num_heads", 2}, {"key_dim", 2}});
    QVERIFY_MESSAGE(error_of([&] { out_shape(*small, {Shape{None, 4, 3}, Shape{None, 5, 3}, Shape{None, 6, 3}}); }),
                    "same number of time steps");
  }

  // --- TimeDistributed ---
  void time_distributed_dense_and_reshaping_layers() {
    const Config dense{{"class_name", "Dense"}, {"config", {{"units", 3}, {"activation", "tanh"}}}};
    LayerPtr td = make_layer("TimeDistributed", {{"layer", dense}});
    QCOMPARE_SHAPE(out_shape(*td, {Shape{None, 5, 4}}), (Shape{None, 5, 3}));
    check_layer_gradients(*td, {Shape{2, 5, 4}});  // gradcheck reads variables(): the inner's are checked below
    check_masked_gradients(*td, {Shape{2, 5, 4}}, {});
    QCOMPARE(td->count_params(), int64_t(15));
    QCOMPARE(td->all_variables().size(), size_t(2));
    const auto groups = td->keras_weight_groups();
    QCOMPARE(QString::fromStdString(groups.back().path), QString("layer"));
    QCOMPARE(td->config()["layer"]["config"]["units"].get<int>(), 3);
    QVERIFY(td->supports_masking());
    // Rank 4 steps, and layers without weights.
    LayerPtr td4 = make_layer("TimeDistributed", {{"layer", {{"class_name", "Dense"}, {"config", {{"units", 2}}}}}});
    check_masked_gradients(*td4, {Shape{2, 3, 2, 4}}, {});
    LayerPtr flatten = make_layer("TimeDistributed", {{"layer", {{"class_name", "Flatten"}}}});
    QCOMPARE_SHAPE(out_shape(*flatten, {Shape{None, 3, 2, 4}}), (Shape{None, 3, 8}));
    check_layer_gradients(*flatten, {Shape{2, 3, 2, 4}});
    LayerPtr dropout = make_layer("TimeDistributed", {{"layer", {{"class_name", "Dropout"}, {"config", {{"rate", 0.4}}}}}});
    check_layer_gradients(*dropout, {Shape{2, 3, 4}}, {.training = true});
    LayerPtr bad = make_layer("TimeDistributed", {{"layer", dense}, {"name", "td"}});
    QVERIFY_MESSAGE(error_of([&] { out_shape(*bad, {Shape{None, 4}}); }), "sequence");
    QVERIFY_MESSAGE(error_of([] { make_layer("TimeDistributed", {{"layer", "Dense"}}); }), "class_name");
    // Freezing the wrapper freezes the wrapped layer.
    td->set_trainable(false);
    for (Variable* v : td->all_variables()) QVERIFY(!v->trainable);
  }

  void time_distributed_in_a_model_trains() {
    set_random_seed(3);
    auto x = Input(Shape{4, 3});
    auto y = layers::make("TimeDistributed", {{"layer", {{"class_name", "Dense"}, {"config", {{"units", 2}}}}}})(x);
    Model model({x}, {y});
    model.compile("sgd", "mse");
    const Tensor data = Tensor::from_vector(Shape{8, 4, 3}, random_values(96, 1, {}));
    const Tensor target = Tensor::from_vector(Shape{8, 4, 2}, random_values(64, 2, {}));
    const double before = model.evaluate(data, target, {.verbose = 0}).at("loss");
    model.fit(data, target, {.epochs = 5, .batch_size = 4, .verbose = 0});
    QVERIFY(model.evaluate(data, target, {.verbose = 0}).at("loss") < before);
  }

  // use_causal_mask is a call argument in Keras: written to the call's kwargs, read back into the config.
  void keras_config_of_calls_and_wrapped_layers() {
    auto a = Input(Shape{5, 6});
    auto y = layers::make("MultiHeadAttention", {{"num_heads", 2}, {"key_dim", 3}, {"use_causal_mask", true}})({a, a});
    auto z = layers::make("TimeDistributed", {{"layer", {{"class_name", "Dense"}, {"config", {{"units", 2}}}}}})(y);
    Model m({a}, {z});
    const Config c = io::model_to_config(m, io::ConfigFlavor::Archive);
    const Config& mha = c["config"]["layers"][1];
    QVERIFY(!mha["config"].contains("use_causal_mask"));
    QCOMPARE(mha["inbound_nodes"][0]["kwargs"]["use_causal_mask"].get<bool>(), true);
    QCOMPARE(mha["inbound_nodes"][0]["args"].size(), size_t(2));  // mha(query, value), not mha([query, value])
    const Config& inner = c["config"]["layers"][2]["config"]["layer"];
    QCOMPARE(inner["module"].get<std::string>(), std::string("keras.layers"));
    QVERIFY(!inner["config"].contains("lora_rank"));
    ModelPtr back = io::model_from_config(c);
    QCOMPARE(back->layers()[1]->config()["use_causal_mask"].get<bool>(), true);
    QCOMPARE(back->layers()[2]->config()["layer"]["config"]["units"].get<int>(), 2);
    QCOMPARE(back->count_params(), m.count_params());
  }

  // The Python export: a wrapped layer constructed in place, MultiHeadAttention called on separate tensors
  // with use_causal_mask at the call.
  void python_export_of_calls_and_wrapped_layers() {
    auto a = Input(Shape{5, 6}, "tokens");
    auto y = layers::make("MultiHeadAttention",
                          {{"num_heads", 2}, {"key_dim", 3}, {"use_causal_mask", true}, {"name", "mha"}})({a, a});
    auto z = layers::make("TimeDistributed",
                          {{"layer", {{"class_name", "Dense"}, {"config", {{"units", 2}, {"name", "inner"}}}}},
                           {"name", "td"}})(y);
    Model m({a}, {z});
    const std::string script = io::python_script(m, {});
    QVERIFY_MESSAGE(script, "layers.MultiHeadAttention(2, 3, name=\"mha\")(tokens, tokens, "
                            "use_causal_mask=True)");
    QVERIFY_MESSAGE(script, "layers.TimeDistributed(layers.Dense(2, name=\"inner\"), name=\"td\")(mha)");
  }

  // --- A Transformer encoder block: self-attention, residual, feed-forward, residual ---
  void transformer_encoder_block_trains() {
    set_random_seed(11);
    auto x = Input(Shape{6, 8});
    auto attended = layers::make("MultiHeadAttention", {{"num_heads", 2}, {"key_dim", 4}})({x, x});
    auto residual = layers::make("Add")({x, attended});
    auto hidden = layers::make("Dense", {{"units", 16}, {"activation", "relu"}})(residual);
    auto back = layers::make("Dense", {{"units", 8}})(hidden);
    auto out = layers::make("Add")({residual, back});
    Model model({x}, {out});
    model.compile("adam", "mse");
    const Tensor data = Tensor::from_vector(Shape{16, 6, 8}, random_values(16 * 48, 5, {}));
    const Tensor target = Tensor::from_vector(Shape{16, 6, 8}, random_values(16 * 48, 6, {}));
    const double before = model.evaluate(data, target, {.verbose = 0}).at("loss");
    for (int step = 0; step < 20; ++step) model.train_on_batch(data, target);
    const double after = model.evaluate(data, target, {.verbose = 0}).at("loss");
    QVERIFY2(after < 0.9 * before, (std::to_string(before) + " -> " + std::to_string(after)).c_str());
  }
};

QTEST_GUILESS_MAIN(TestLayersAttention)
#include "test_layers_attention.moc"
