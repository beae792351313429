// BatchNormalization, LayerNormalization, GroupNormalization and UnitNormalization: their statistics (batch vs
// moving, masks), the moving updates, finite-difference gradients in every mode, messages, and how the
// non-trainable moving statistics count in summaries, the canvas and the optimizer. Keras parity:
// tests/interop/layer_cases_normalization.json and test_normalization_training.
#include <QtTest>

#include <cmath>
#include <functional>

#include "core/error.h"
#include "cornu.h"
#include "gradcheck.h"
#include "layers/layer.h"

using namespace cornu;
using namespace cornu::testing;

namespace {

Tensor tensor(const Shape& shape, std::vector<float> values) { return Tensor::from_vector(shape, std::move(values)); }

// One forward call; `mask` (batch, time) goes to input 0.
std::vector<float> run(Layer& layer, const Tensor& x, bool training, const Tensor* mask = nullptr) {
  if (!layer.built()) layer.build({x.shape()}, 1);
  Context ctx(cpu_backend(), 1);
  ctx.training = training;
  if (mask) ctx.input_masks = {mask};
  Tensor y = Tensor::zeros(layer.compute_output_shape({x.shape()})[0]);
  std::vector<Tensor*> out{&y};
  layer.forward(ctx, {&x}, out);
  return y.to_vector();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const Variable& variable(Layer& layer, const std::string& name) {
  for (auto& v : layer.variables())
    if (v.name == name) return v;
  throw Error("no variable " + name);
}

// dL/dx of L = sum(r * y) by central differences for a masked input, against backward (training mode).
double masked_gradient_error(Layer& layer, const Tensor& x0, const Tensor& mask) {
  Backend& be = cpu_backend();
  if (!layer.built()) layer.build({x0.shape()}, 1);
  const Shape out = layer.compute_output_shape({x0.shape()})[0];
  const Tensor r = Tensor::from_vector(out, random_values(out.size(), 77, {}));
  auto loss = [&](const Tensor& x) {
    const std::vector<float> y = run(layer, x, true, &mask), w = r.to_vector();
    double sum = 0;
    for (size_t i = 0; i < y.size(); ++i) sum += static_cast<double>(y[i]) * w[i];
    return sum;
  };
  Context ctx(be, 1);
  ctx.training = true;
  ctx.input_masks = {&mask};
  Tensor y = Tensor::zeros(out), dx = Tensor::zeros(x0.shape());
  std::vector<Tensor*> yp{&y}, dxp{&dx};
  layer.forward(ctx, {&x0}, yp);
  layer.backward(ctx, {&x0}, {&y}, {&r}, dxp);
  double worst = 0;
  std::vector<float> v = x0.to_vector();
  const std::vector<float> analytic = dx.to_vector();
  for (size_t i = 0; i < v.size(); ++i) {
    const float keep = v[i];
    v[i] = keep + 1e-2f;
    const double up = loss(tensor(x0.shape(), v));
    v[i] = keep - 1e-2f;
    const double down = loss(tensor(x0.shape(), v));
    v[i] = keep;
    const double numeric = (up - down) / 2e-2;
    worst = std::max(worst, std::abs(numeric - analytic[i]) / std::max({1.0, std::abs(numeric), std::abs(double(analytic[i]))}));
  }
  return worst;
}

}  // namespace

class TestLayersNormalization : public QObject {
  Q_OBJECT

 private slots:
  void batch_norm_training_uses_the_batch_and_moves_the_averages() {
    LayerPtr bn = make_layer("BatchNormalization", {{"momentum", 0.9}, {"epsilon", 0.0}});
    const Tensor x = tensor({4, 2}, {1, 10, 2, 20, 3, 30, 6, 40});
    const std::vector<float> y = run(*bn, x, true);
    // Channel 0: mean 3, biased variance 3.5; channel 1: mean 25, variance 125.
    for (int i = 0; i < 4; ++i) {
      QVERIFY(std::abs(y[2 * i] - (x.to_vector()[2 * i] - 3) / std::sqrt(3.5f)) < 1e-5f);
      QVERIFY(std::abs(y[2 * i + 1] - (x.to_vector()[2 * i + 1] - 25) / std::sqrt(125.0f)) < 1e-5f);
    }
    // moving = 0.9 * initial (0 and 1) + 0.1 * batch.
    QVERIFY(std::abs(variable(*bn, "moving_mean").value.to_vector()[1] - 2.5f) < 1e-5f);
    QVERIFY(std::abs(variable(*bn, "moving_variance").value.to_vector()[0] - (0.9f + 0.35f)) < 1e-5f);
    QVERIFY(!variable(*bn, "moving_mean").trainable && variable(*bn, "gamma").trainable);
    // Inference: the moving statistics, whatever the batch.
    const std::vector<float> inference = run(*bn, x, false);
    QVERIFY(std::abs(inference[1] - (10 - 2.5f) / std::sqrt(0.9f + 12.5f)) < 1e-4f);
  }

  void frozen_batch_norm_runs_in_inference_mode() {
    LayerPtr bn = make_layer("BatchNormalization", {{"trainable", false}});
    const Tensor x = tensor({2, 1}, {4, 8});
    const std::vector<float> y = run(*bn, x, true);
    QVERIFY(std::abs(y[0] - 4 / std::sqrt(1.001f)) < 1e-5f);  // moving mean 0, variance 1
    QCOMPARE(variable(*bn, "moving_mean").value.to_vector(), std::vector<float>{0.0f});
  }

  void batch_norm_statistics_skip_masked_steps() {
    LayerPtr bn = make_layer("BatchNormalization", {{"momentum", 0.0}, {"epsilon", 0.0}, {"center", false}});
    const Tensor x = tensor({2, 3, 1}, {1, 3, 100, 5, -50, 7});
    const Tensor mask = tensor({2, 3}, {1, 1, 0, 1, 0, 1});
    run(*bn, x, true, &mask);
    // Kept: 1, 3, 5, 7 -> mean 4, variance 5 (Keras divides by the kept count + 1e-7).
    QVERIFY(std::abs(variable(*bn, "moving_mean").value.to_vector()[0] - 4.0f) < 1e-5f);
    QVERIFY(std::abs(variable(*bn, "moving_variance").value.to_vector()[0] - 5.0f) < 1e-5f);
    LayerPtr masked = make_layer("BatchNormalization");
    const Tensor x2 = Tensor::from_vector(Shape{3, 4, 2}, random_values(24, 5, {}));
    const Tensor mask2 = tensor({3, 4}, {1, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0});
    const double error = masked_gradient_error(*masked, x2, mask2);
    QVERIFY2(error < 2e-2, qPrintable(QString::number(error)));
  }

  void batch_norm_gradients() {
    for (bool training : {true, false})
      for (const Shape& shape : {Shape{6, 3}, Shape{2, 3, 3, 2}})
        for (const Config& options : {Config::object(), Config{{"center", false}}, Config{{"scale", false}}}) {
          LayerPtr bn = make_layer("BatchNormalization", options);
          bn->build({shape}, 3);
          // Non-trivial moving statistics for the inference-mode check.
          Variable& mean = bn->variables()[bn->variables().size() - 2];
          mean.value = Tensor::from_vector(mean.value.shape(), std::vector<float>(static_cast<size_t>(mean.value.size()), 0.3f));
          check_layer_gradients(*bn, {shape}, {.training = training});
          if (QTest::currentTestFailed()) return;
        }
  }

  // Above the threading threshold the statistics are summed in parts across threads: the same numbers, and the
  // batch-statistics gradient keeps its identity (per channel, dx sums to zero when gamma is 1).
  void large_batches_split_across_threads() {
    const Shape shape{16, 26, 26, 32};
    const Tensor x = Tensor::from_vector(shape, random_values(shape.size(), 11, {.input_scale = 3.0f}));
    LayerPtr bn = make_layer("BatchNormalization", {{"momentum", 0.0}});
    const std::vector<float> y = run(*bn, x, true), v = x.to_vector();
    std::vector<double> mean(32, 0.0), check(32, 0.0);
    const int64_t rows = shape.size() / 32;
    for (int64_t r = 0; r < rows; ++r)
      for (int c = 0; c < 32; ++c) mean[c] += v[static_cast<size_t>(r * 32 + c)] / static_cast<double>(rows);
    const std::vector<float> moving = variable(*bn, "moving_mean").value.to_vector();
    for (int c = 0; c < 32; ++c) QVERIFY2(std::abs(moving[c] - mean[c]) < 1e-5, qPrintable(QString::number(c)));
    for (int64_t r = 0; r < rows; ++r)
      for (int c = 0; c < 32; ++c) check[c] += y[static_cast<size_t>(r * 32 + c)];
    for (int c = 0; c < 32; ++c) QVERIFY(std::abs(check[c] / static_cast<double>(rows)) < 1e-4);
    Context ctx(cpu_backend(), 1);
    ctx.training = true;
    Tensor out = Tensor::zeros(shape), dx = Tensor::zeros(shape);
    const Tensor dy = Tensor::from_vector(shape, random_values(shape.size(), 12, {}));
    std::vector<Tensor*> outs{&out}, dxs{&dx};
    bn->forward(ctx, {&x}, outs);
    bn->backward(ctx, {&x}, {&out}, {&dy}, dxs);
    const std::vector<float> g = dx.to_vector();
    std::fill(check.begin(), check.end(), 0.0);
    double scale = 0;
    for (int64_t r = 0; r < rows; ++r)
      for (int c = 0; c < 32; ++c) check[c] += g[static_cast<size_t>(r * 32 + c)], scale += std::abs(g[static_cast<size_t>(r * 32 + c)]);
    for (int c = 0; c < 32; ++c) QVERIFY2(std::abs(check[c]) < 1e-6 * scale, qPrintable(QString::number(check[c])));
  }

  void layer_norm_values_and_gradients() {
    LayerPtr ln = make_layer("LayerNormalization", {{"epsilon", 0.0}});
    const std::vector<float> y = run(*ln, tensor({2, 2}, {1, 3, 10, 30}), false);
    QVERIFY(std::abs(y[0] + 1) < 1e-5f && std::abs(y[1] - 1) < 1e-5f && std::abs(y[3] - 1) < 1e-5f);
    // rms_scaling: x * rsqrt(variance + eps), no centering (Keras 3.15's, deprecated formula).
    LayerPtr rms = make_layer("LayerNormalization", {{"rms_scaling", true}, {"epsilon", 0.0}});
    const std::vector<float> r = run(*rms, tensor({1, 2}, {1, 3}), false);
    QVERIFY(std::abs(r[0] - 1.0f) < 1e-5f && std::abs(r[1] - 3.0f) < 1e-5f);
    QCOMPARE(rms->variables().size(), size_t(1));  // gamma only
    for (const Config& options : {Config::object(), Config{{"rms_scaling", true}}, Config{{"center", false}},
                                  Config{{"axis", {-2, -1}}}})
      for (const Shape& shape : {Shape{4, 5}, Shape{2, 3, 4}}) {
        if (options.contains("axis") && shape.rank() == 2) continue;  // axis -2 would be the batch
        LayerPtr layer = make_layer("LayerNormalization", options);
        check_layer_gradients(*layer, {shape});
        if (QTest::currentTestFailed()) return;
      }
    LayerPtr two = make_layer("LayerNormalization", {{"axis", {-2, -1}}});
    two->build({Shape{None(), 3, 4}}, 1);
    QCOMPARE(two->variables()[0].value.shape(), Shape({3, 4}));
  }

  void group_norm_values_and_gradients() {
    LayerPtr gn = make_layer("GroupNormalization", {{"groups", 2}, {"epsilon", 0.0}});
    // One sample, two positions, four channels: groups {c0, c1} and {c2, c3}.
    const std::vector<float> y = run(*gn, tensor({1, 2, 4}, {1, 3, 0, 0, 5, 7, 0, 4}), false);
    // Group 0 holds 1, 3, 5, 7: mean 4, variance 5.
    QVERIFY(std::abs(y[0] - (1 - 4) / std::sqrt(5.0f)) < 1e-5f && std::abs(y[5] - (7 - 4) / std::sqrt(5.0f)) < 1e-5f);
    for (int64_t groups : {int64_t(1), int64_t(2), int64_t(-1)})
      for (const Shape& shape : {Shape{2, 3, 4}, Shape{2, 2, 2, 4}}) {
        LayerPtr layer = make_layer("GroupNormalization", {{"groups", groups}});
        check_layer_gradients(*layer, {shape});
        if (QTest::currentTestFailed()) return;
      }
  }

  void unit_norm_values_and_gradients() {
    LayerPtr un = make_layer("UnitNormalization");
    QCOMPARE(run(*un, tensor({2, 2}, {3, 4, 0, 0}), false), (std::vector<float>{0.6f, 0.8f, 0, 0}));
    for (const Config& options : {Config::object(), Config{{"axis", {-2, -1}}}}) {
      LayerPtr layer = make_layer("UnitNormalization", options);
      check_layer_gradients(*layer, {Shape{3, 2, 4}});
      if (QTest::currentTestFailed()) return;
    }
  }

  void messages_say_what_to_do() {
    QVERIFY(error_of([] { make_layer("BatchNormalization", {{"axis", 1}})->compute_output_shape({Shape{None(), 4, 4, 3}}); })
                .find("Permute") != std::string::npos);
    QVERIFY(error_of([] { make_layer("GroupNormalization", {{"groups", 4}})->compute_output_shape({Shape{None(), 6}}); })
                .find("cannot split evenly") != std::string::npos);
    QVERIFY(error_of([] { make_layer("LayerNormalization", {{"axis", 1}})->compute_output_shape({Shape{None(), 3, 4}}); })
                .find("last axes") != std::string::npos);
    QVERIFY(error_of([] { make_layer("BatchNormalization", {{"renorm", true}}); }).find("renorm") != std::string::npos);
    QVERIFY(error_of([] { make_layer("BatchNormalization")->compute_output_shape({Shape{None(), None()}}); })
                .find("channels") != std::string::npos);
  }

  // Keras: BatchNormalization over C channels has 4C parameters, 2C of them non-trainable; the optimizer leaves
  // the moving statistics to the layer.
  void moving_statistics_are_non_trainable_everywhere() {
    LayerPtr bn = make_layer("BatchNormalization");
    const auto shapes = bn->weight_shapes({Shape{None(), 7}});
    QCOMPARE(shapes.size(), size_t(4));
    QVERIFY(shapes[0].trainable && shapes[1].trainable && !shapes[2].trainable && !shapes[3].trainable);
    auto x = Input(Shape{3}, "x");
    Model model({x}, call_layer(make_layer("Dense", {{"units", 1}}), call_layer(bn, {x})));
    QCOMPARE(model.count_params(), int64_t(4 * 3 + 4));
    const std::string summary = model.summary();
    QVERIFY2(summary.find("Non-trainable params: 6 ") != std::string::npos, summary.c_str());
    model.compile("sgd", "mse");
    set_random_seed(2);
    const Tensor xs = Tensor::from_vector(Shape{8, 3}, random_values(24, 9, {})), ys = Tensor::zeros(Shape{8, 1});
    model.train_on_batch(xs, ys);
    // After one step, moving_mean = 0.99 * 0 + 0.01 * batch mean exactly: no optimizer touched it.
    std::vector<double> mean(3, 0.0);
    const std::vector<float> v = xs.to_vector();
    for (int i = 0; i < 8; ++i)
      for (int c = 0; c < 3; ++c) mean[static_cast<size_t>(c)] += v[static_cast<size_t>(i * 3 + c)] / 8.0;
    const std::vector<float> moving = variable(*bn, "moving_mean").value.to_vector();
    for (int c = 0; c < 3; ++c) QVERIFY(std::abs(moving[static_cast<size_t>(c)] - 0.01 * mean[static_cast<size_t>(c)]) < 1e-6);
  }

 private:
  static constexpr int64_t None() { return Shape::kNone; }
};

QTEST_APPLESS_MAIN(TestLayersNormalization)
#include "test_layers_normalization.moc"
