// Core, reshaping and regularization layers: Dense, Flatten, Reshape, Permute, RepeatVector, Dropout,
// GaussianNoise, ActivityRegularization. For each: finite-difference gradients, forward values on tiny
// inputs, output shapes with a None batch, error messages, config round trip and registry entry.
#include <QtTest>

#include <cmath>
#include <functional>

#include "core/error.h"
#include "gradcheck.h"
#include "layers/layer.h"
#include "regularizers/regularizer.h"

using namespace cornu;
using cornu::testing::check_layer_gradients;
using cornu::testing::GradCheckOptions;

namespace {

constexpr int64_t None = Shape::kNone;

// Runs forward once on `inputs` and returns the outputs' values; `added_loss` receives ctx's extra loss.
std::vector<float> run(Layer& layer, const std::vector<Tensor>& inputs, bool training = false, uint64_t step = 0,
                       double* added_loss = nullptr) {
  Shapes shapes;
  std::vector<const Tensor*> x;
  for (const auto& t : inputs) shapes.push_back(t.shape()), x.push_back(&t);
  if (!layer.built()) layer.build(shapes, 42);
  Tensor y = Tensor::zeros(layer.compute_output_shape(shapes)[0]);
  Context ctx(cpu_backend(), 7);
  ctx.training = training;
  ctx.step = step;
  layer.forward(ctx, x, {&y});
  if (added_loss) *added_loss = ctx.take_added_loss();
  return y.to_vector();
}

Tensor tensor(const Shape& shape, std::vector<float> values) { return Tensor::from_vector(shape, values); }

// The message of the cornu::Error that `f` throws ("" when it throws none).
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

Shape out_shape(const Layer& layer, const Shapes& in) { return layer.compute_output_shape(in)[0]; }

void set_values(Variable& v, const std::vector<float>& values) {
  v.value.copy_from_host(values.data(), values.size() * sizeof(float));
}

}  // namespace

#define QCOMPARE_SHAPE(actual, expected) \
  QCOMPARE(QString::fromStdString((actual).to_string()), QString::fromStdString((expected).to_string()))
#define QVERIFY_MESSAGE(message, part)                                                                   \
  QVERIFY2(QString::fromStdString(message).contains(part), ("message was: " + (message)).c_str())

class TestLayersCore : public QObject {
  Q_OBJECT
 private slots:
  void registry_entries_exist_with_docs() {
    const std::vector<std::pair<std::string, std::string>> expected{
        {"Dense", "Core"},         {"Flatten", "Reshaping"},        {"Reshape", "Reshaping"},
        {"Permute", "Reshaping"},  {"RepeatVector", "Reshaping"},   {"Dropout", "Regularization"},
        {"GaussianNoise", "Regularization"}, {"ActivityRegularization", "Regularization"}};
    for (const auto& [name, category] : expected) {
      QVERIFY2(layer_registry().contains(name), name.c_str());
      const auto& e = layer_registry().get(name);
      QCOMPARE(QString::fromStdString(e.category), QString::fromStdString(category));
      QVERIFY2(!e.doc.empty(), name.c_str());
      QCOMPARE(e.min_inputs, 1);
      QCOMPARE(e.max_inputs, 1);
      for (const auto& p : e.params) QVERIFY2(!p.doc.empty(), (name + "." + p.name).c_str());
    }
  }

  void configs_round_trip() {
    const std::vector<std::pair<std::string, Config>> cases{
        {"Dense", {{"units", 4}, {"activation", "relu"}, {"use_bias", false}}},
        {"Flatten", Config::object()},
        {"Reshape", {{"target_shape", {3, -1}}}},
        {"Permute", {{"dims", {2, 1}}}},
        {"RepeatVector", {{"n", 3}}},
        {"Dropout", {{"rate", 0.25}, {"seed", 3}}},
        {"GaussianNoise", {{"stddev", 0.1}}},
        {"ActivityRegularization", {{"l1", 0.01}, {"l2", 0.02}}}};
    for (const auto& [name, config] : cases) {
      LayerPtr layer = make_layer(name, config);
      LayerPtr copy = make_layer(name, layer->config());
      QCOMPARE(QString::fromStdString(copy->config().dump()), QString::fromStdString(layer->config().dump()));
    }
    Config flatten = make_layer("Flatten", {{"data_format", nullptr}})->config();
    QCOMPARE(QString::fromStdString(flatten["data_format"].get<std::string>()), QString("channels_last"));
  }

  // ---- Dense ----

  void dense_forward_by_hand() {
    LayerPtr dense = make_layer("Dense", {{"units", 2}});
    dense->build({Shape{None, 3}}, 1);
    set_values(dense->variables()[0], {1, 2, 3, 4, 5, 6});  // kernel (3, 2)
    set_values(dense->variables()[1], {0.5f, -1});
    // x (2, 3): [1, 0, -1] -> [1 - 5 + 0.5, 2 - 6 - 1]; [2, 1, 0] -> [2 + 3 + 0.5, 4 + 4 - 1]
    auto y = run(*dense, {tensor({2, 3}, {1, 0, -1, 2, 1, 0})});
    QCOMPARE(y, (std::vector<float>{-3.5f, -5, 5.5f, 7}));
    QCOMPARE(dense->count_params(), int64_t(8));
  }

  void dense_shapes_and_messages() {
    LayerPtr dense = make_layer("Dense", {{"units", 5}, {"name", "dense_x"}});
    QCOMPARE_SHAPE(out_shape(*dense, {Shape{None, 7}}), (Shape{None, 5}));
    QCOMPARE_SHAPE(out_shape(*dense, {Shape{32, 7}}), (Shape{32, 5}));
    // Keras applies the kernel to the last axis of higher-rank inputs (a behaviour change: Cornu used to refuse).
    QCOMPARE_SHAPE(out_shape(*dense, {Shape{None, 28, 28}}), (Shape{None, 28, 5}));
    QCOMPARE_SHAPE(out_shape(*dense, {Shape{None, None, 4, 7}}), (Shape{None, None, 4, 5}));
    std::string unknown = error_of([&] { out_shape(*dense, {Shape{None, 28, None}}); });
    QVERIFY_MESSAGE(unknown, "last axis");
    QVERIFY_MESSAGE(unknown, "dense_x");
    QVERIFY_MESSAGE(error_of([&] { out_shape(*dense, {Shape{784}}); }), "no batch axis");
    QVERIFY_MESSAGE(error_of([&] { out_shape(*dense, {Shape{None, None}}); }), "last axis");
    QVERIFY_MESSAGE(error_of([&] { out_shape(*dense, {Shape{None, 3}, Shape{None, 3}}); }), "expects 1 input");
    QVERIFY_MESSAGE(error_of([] { make_layer("Dense", Config::object()); }), "units");
    QVERIFY_MESSAGE(error_of([] { make_layer("Dense", {{"units", 0}}); }), "units");
    QVERIFY_MESSAGE(error_of([] { make_layer("Dense", {{"units", 2}, {"lora_rank", 4}}); }), "LoRA");
  }

  void dense_gradients_linear_with_and_without_bias() {
    for (bool use_bias : {true, false}) {
      LayerPtr dense = make_layer("Dense", {{"units", 3}, {"use_bias", use_bias}});
      check_layer_gradients(*dense, {Shape{5, 4}});
      if (QTest::currentTestFailed()) return;
      QCOMPARE(dense->variables().size(), size_t(use_bias ? 2 : 1));
    }
  }

  void dense_gradients_relu_away_from_kinks() {
    for (bool use_bias : {true, false}) {
      LayerPtr dense = make_layer("Dense", {{"units", 4}, {"activation", "relu"}, {"use_bias", use_bias}});
      dense->build({Shape{6, 4}}, 5);
      if (use_bias) {
        keep_away_from_zero(*dense);
      } else {  // without a bias: positive inputs, and a kernel whose columns (units) have one sign each
        set_values(dense->variables()[0], {0.5f, -0.4f, 0.3f, -0.6f, 0.2f, -0.5f, 0.6f, -0.3f,
                                           0.4f, -0.2f, 0.5f, -0.4f, 0.3f, -0.6f, 0.2f, -0.5f});
      }
      GradCheckOptions o;
      if (!use_bias) o.positive_inputs = true;
      check_layer_gradients(*dense, {Shape{6, 4}}, o);
      if (QTest::currentTestFailed()) return;
    }
  }

  void dense_gradients_softmax() {
    for (bool use_bias : {true, false}) {
      LayerPtr dense = make_layer("Dense", {{"units", 5}, {"activation", "softmax"}, {"use_bias", use_bias}});
      check_layer_gradients(*dense, {Shape{4, 3}});
      if (QTest::currentTestFailed()) return;
    }
  }

  void dense_weight_regularizers_are_attached() {
    LayerPtr dense = make_layer("Dense", {{"units", 3},
                                          {"kernel_regularizer", {{"class_name", "L2"}, {"config", {{"l2", 0.1}}}}},
                                          {"bias_regularizer", "l1"},
                                          {"kernel_constraint", "non_neg"}});
    check_layer_gradients(*dense, {Shape{4, 2}});
    QVERIFY(dense->variables()[0].regularizer != nullptr);
    QCOMPARE(dense->variables()[0].regularizer->l2, 0.1f);
    QVERIFY(dense->variables()[0].constraint != nullptr);
    QVERIFY(dense->variables()[1].regularizer != nullptr);
    QVERIFY(dense->variables()[1].constraint == nullptr);
  }

  void dense_activity_regularizer_penalty_and_gradient() {
    Config l1_l2 = {{"class_name", "L1L2"}, {"config", {{"l1", 0.1}, {"l2", 0.2}}}};
    LayerPtr dense = make_layer("Dense", {{"units", 2}, {"activity_regularizer", l1_l2}});
    dense->build({Shape{None, 2}}, 1);
    set_values(dense->variables()[0], {1, 0, 0, 1});  // identity kernel
    set_values(dense->variables()[1], {0, 0});
    double loss = 0;
    run(*dense, {tensor({2, 2}, {1, -2, 3, 0.5f})}, false, 0, &loss);
    // Keras divides by the batch size: (0.1 * 6.5 + 0.2 * 14.25) / 2
    QVERIFY(std::fabs(loss - (0.1 * 6.5 + 0.2 * 14.25) / 2) < 1e-5);

    LayerPtr checked = make_layer("Dense", {{"units", 3}, {"activity_regularizer", l1_l2}});
    checked->build({Shape{5, 4}}, 3);
    keep_away_from_zero(*checked);  // the l1 term has a kink at 0
    check_layer_gradients(*checked, {Shape{5, 4}});
  }

  // ---- Dropout, GaussianNoise, ActivityRegularization ----

  void dropout_masks_in_training_only() {
    LayerPtr dropout = make_layer("Dropout", {{"rate", 0.5}});
    std::vector<float> ones(2000, 1.0f);
    auto eval = run(*dropout, {tensor({20, 100}, ones)}, false);
    QCOMPARE(eval, ones);
    auto train = run(*dropout, {tensor({20, 100}, ones)}, true, 3);
    int zeros = 0;
    for (float v : train) {
      QVERIFY(v == 0.0f || v == 2.0f);  // kept values are scaled by 1 / (1 - rate)
      zeros += v == 0.0f;
    }
    QVERIFY2(zeros > 900 && zeros < 1100, std::to_string(zeros).c_str());
    QCOMPARE(run(*dropout, {tensor({20, 100}, ones)}, true, 3), train);    // the same step: the same mask
    QVERIFY(run(*dropout, {tensor({20, 100}, ones)}, true, 4) != train);  // another step: another mask
    LayerPtr seeded = make_layer("Dropout", {{"rate", 0.5}, {"seed", 9}});
    QVERIFY(run(*seeded, {tensor({20, 100}, ones)}, true, 3) != train);
    LayerPtr none = make_layer("Dropout", {{"rate", 0.0}});
    QCOMPARE(run(*none, {tensor({20, 100}, ones)}, true, 3), ones);
  }

  void dropout_gradients_and_messages() {
    GradCheckOptions training;
    training.training = true;
    check_layer_gradients(*make_layer("Dropout", {{"rate", 0.3}}), {Shape{4, 6}}, training);
    check_layer_gradients(*make_layer("Dropout", {{"rate", 0.3}}), {Shape{4, 6}});
    QCOMPARE_SHAPE(out_shape(*make_layer("Dropout", {{"rate", 0.3}}), {Shape{None, 3, 2}}), (Shape{None, 3, 2}));
    QVERIFY_MESSAGE(error_of([] { make_layer("Dropout", {{"rate", 1.0}}); }), "[0, 1)");
    QVERIFY_MESSAGE(error_of([] { make_layer("Dropout", {{"rate", -0.1}}); }), "rate");
    QVERIFY_MESSAGE(error_of([] { make_layer("Dropout", {{"rate", 0.1}, {"noise_shape", {nullptr, 1, 4}}}); }),
                    "noise_shape");
  }

  void gaussian_noise_in_training_only() {
    LayerPtr noise = make_layer("GaussianNoise", {{"stddev", 0.5}});
    std::vector<float> x(4000, 2.0f);
    QCOMPARE(run(*noise, {tensor({40, 100}, x)}, false), x);
    auto y = run(*noise, {tensor({40, 100}, x)}, true, 1);
    double mean = 0, var = 0;
    for (float v : y) mean += v - 2.0;
    mean /= 4000;
    for (float v : y) var += (v - 2.0 - mean) * (v - 2.0 - mean);
    var /= 4000;
    QVERIFY2(std::fabs(mean) < 0.03, std::to_string(mean).c_str());
    QVERIFY2(std::fabs(std::sqrt(var) - 0.5) < 0.03, std::to_string(var).c_str());
    QCOMPARE(run(*noise, {tensor({40, 100}, x)}, true, 1), y);
    QVERIFY(run(*noise, {tensor({40, 100}, x)}, true, 2) != y);
    QVERIFY_MESSAGE(error_of([] { make_layer("GaussianNoise", {{"stddev", 2.0}}); }), "stddev");
  }

  void gaussian_noise_gradients() {
    GradCheckOptions training;
    training.training = true;
    check_layer_gradients(*make_layer("GaussianNoise", {{"stddev", 0.2}}), {Shape{3, 5}}, training);
    check_layer_gradients(*make_layer("GaussianNoise", {{"stddev", 0.2}}), {Shape{3, 5}});
  }

  void activity_regularization_penalty_and_gradients() {
    LayerPtr reg = make_layer("ActivityRegularization", {{"l1", 0.1}, {"l2", 0.2}});
    double loss = 0;
    auto y = run(*reg, {tensor({2, 2}, {1, -2, 3, 0.5f})}, false, 0, &loss);
    QCOMPARE(y, (std::vector<float>{1, -2, 3, 0.5f}));
    QVERIFY(std::fabs(loss - (0.1 * 6.5 + 0.2 * 14.25) / 2) < 1e-5);
    GradCheckOptions o;
    o.kinks = {0.0f};
    check_layer_gradients(*reg, {Shape{4, 3}}, o);
    check_layer_gradients(*make_layer("ActivityRegularization", {{"l2", 0.5}}), {Shape{2, 3, 2}}, o);
  }

  // ---- Reshaping ----

  void flatten() {
    LayerPtr flatten = make_layer("Flatten");
    QCOMPARE_SHAPE(out_shape(*flatten, {Shape{None, 28, 28}}), (Shape{None, 784}));
    QCOMPARE_SHAPE(out_shape(*flatten, {Shape{None, 5}}), (Shape{None, 5}));
    QCOMPARE_SHAPE(out_shape(*flatten, {Shape{None}}), (Shape{None, 1}));
    QCOMPARE_SHAPE(out_shape(*flatten, {Shape{None, None, 3}}), (Shape{None, None}));
    std::vector<float> values{1, 2, 3, 4, 5, 6, 7, 8};
    QCOMPARE(run(*flatten, {tensor({2, 2, 2}, values)}), values);
    check_layer_gradients(*make_layer("Flatten"), {Shape{3, 2, 4}});
    QVERIFY_MESSAGE(error_of([] { make_layer("Flatten", {{"data_format", "channels_first"}}); }), "channels_last");
  }

  void reshape() {
    LayerPtr reshape = make_layer("Reshape", {{"target_shape", {3, -1}}});
    QCOMPARE_SHAPE(out_shape(*reshape, {Shape{None, 12}}), (Shape{None, 3, 4}));
    QCOMPARE_SHAPE(out_shape(*reshape, {Shape{None, None}}), (Shape{None, 3, None}));
    QCOMPARE_SHAPE(out_shape(*make_layer("Reshape", {{"target_shape", {2, 2, 3}}}), {Shape{None, 3, 4}}),
                   (Shape{None, 2, 2, 3}));
    QCOMPARE(run(*reshape, {tensor({1, 6}, {1, 2, 3, 4, 5, 6})}), (std::vector<float>{1, 2, 3, 4, 5, 6}));
    check_layer_gradients(*make_layer("Reshape", {{"target_shape", {2, 3}}}), {Shape{2, 6}});
    auto reshape_12_to = [](Config target) {
      return error_of([&] { make_layer("Reshape", {{"target_shape", target}})->compute_output_shape({Shape{None, 12}}); });
    };
    std::string mismatch = reshape_12_to({5, 2});
    QVERIFY_MESSAGE(mismatch, "12 values");
    QVERIFY_MESSAGE(mismatch, "10 values");
    QVERIFY_MESSAGE(reshape_12_to({5, -1}), "multiple of 5");
    QVERIFY_MESSAGE(error_of([] { make_layer("Reshape", {{"target_shape", {-1, -1}}}); }), "only one");
    QVERIFY_MESSAGE(error_of([] { make_layer("Reshape", {{"target_shape", {0, 3}}}); }), "positive");
  }

  void permute() {
    LayerPtr permute = make_layer("Permute", {{"dims", {2, 1}}});
    QCOMPARE_SHAPE(out_shape(*permute, {Shape{None, 10, 64}}), (Shape{None, 64, 10}));
    // (1, 2, 3) -> (1, 3, 2)
    QCOMPARE(run(*permute, {tensor({1, 2, 3}, {1, 2, 3, 4, 5, 6})}), (std::vector<float>{1, 4, 2, 5, 3, 6}));
    check_layer_gradients(*make_layer("Permute", {{"dims", {3, 1, 2}}}), {Shape{2, 3, 4, 2}});
    QVERIFY_MESSAGE(error_of([] { make_layer("Permute", {{"dims", {1, 1}}}); }), "permutation");
    QVERIFY_MESSAGE(error_of([] { make_layer("Permute", {{"dims", {0, 1}}}); }), "permutation");
    QVERIFY_MESSAGE(error_of([&] { out_shape(*permute, {Shape{None, 4}}); }), "rank 3");
  }

  void repeat_vector() {
    LayerPtr repeat = make_layer("RepeatVector", {{"n", 3}});
    QCOMPARE_SHAPE(out_shape(*repeat, {Shape{None, 2}}), (Shape{None, 3, 2}));
    QCOMPARE(run(*repeat, {tensor({2, 2}, {1, 2, 3, 4})}), (std::vector<float>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
    check_layer_gradients(*make_layer("RepeatVector", {{"n", 4}}), {Shape{3, 5}});
    QVERIFY_MESSAGE(error_of([&] { out_shape(*repeat, {Shape{None, 2, 2}}); }), "Flatten");
    QVERIFY_MESSAGE(error_of([] { make_layer("RepeatVector", {{"n", 0}}); }), "'n'");
  }

 private:
  // Gives a Dense a small kernel and a bias of ±0.5 so that every pre-activation stays away from 0 (the
  // kink of relu and of an l1 penalty) for inputs in [-1, 1] and the harness's perturbations.
  static void keep_away_from_zero(Layer& dense) {
    Variable& kernel = dense.variables()[0];
    auto w = kernel.value.to_vector();
    for (auto& v : w) v *= 0.05f;
    set_values(kernel, w);
    auto b = dense.variables()[1].value.to_vector();
    for (size_t i = 0; i < b.size(); ++i) b[i] = i % 2 ? -0.5f : 0.5f;
    set_values(dense.variables()[1], b);
  }
};

QTEST_APPLESS_MAIN(TestLayersCore)
#include "test_layers_core.moc"
