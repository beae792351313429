// Pooling, resampling and spatial regularization layers: MaxPooling/AveragePooling 1D-3D, global pooling
// (with GlobalAveragePooling1D's mask), UpSampling, ZeroPadding, Cropping, SpatialDropout, GaussianDropout
// and AlphaDropout. For each: forward values on tiny inputs (checked against Keras 3 by hand), shapes,
// messages, finite-difference gradients in every mode, and the statistics of the random layers.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "core/error.h"
#include "core/random.h"
#include "cornu.h"
#include "gradcheck.h"
#include "layers/layer.h"

using namespace cornu;
using cornu::testing::check_layer_gradients;
using cornu::testing::GradCheckOptions;

namespace {

constexpr int64_t None = Shape::kNone;

Tensor tensor(const Shape& shape, std::vector<float> values) { return Tensor::from_vector(shape, values); }

// Runs forward once (an optional mask on input 0) and returns the output's values.
std::vector<float> run(Layer& layer, const Tensor& x, bool training = false, uint64_t step = 0,
                       const Tensor* mask = nullptr) {
  if (!layer.built()) layer.build({x.shape()}, 42);
  Tensor y = Tensor::zeros(layer.compute_output_shape({x.shape()})[0]);
  Context ctx(cpu_backend(), 7);
  ctx.training = training;
  ctx.step = step;
  ctx.input_masks = {mask};
  layer.forward(ctx, {&x}, {&y});
  return y.to_vector();
}

// dL/dx for L = sum(dy * y), from one forward and backward in the given mode (fixed key and step).
std::vector<float> input_gradient(Layer& layer, const Tensor& x, const Tensor& dy, bool training = false,
                                  const Tensor* mask = nullptr) {
  if (!layer.built()) layer.build({x.shape()}, 42);
  Tensor y = Tensor::zeros(layer.compute_output_shape({x.shape()})[0]);
  Tensor dx = Tensor::zeros(x.shape());
  Context ctx(cpu_backend(), 7);
  ctx.training = training;
  ctx.step = 3;
  ctx.input_masks = {mask};
  layer.forward(ctx, {&x}, {&y});
  layer.backward(ctx, {&x}, {&y}, {&dy}, {&dx});
  return dx.to_vector();
}

// Distinct values, a shuffled ramp with steps of 1 / n: max pooling's argmax never flips under the
// finite-difference steps below.
std::vector<float> distinct_values(int64_t n, uint64_t seed) {
  std::vector<float> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0.0f);
  for (int64_t i = n - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(random_uniform_at(seed, static_cast<uint64_t>(i)) * static_cast<float>(i + 1));
    std::swap(v[static_cast<size_t>(i)], v[static_cast<size_t>(std::min(j, i))]);
  }
  for (auto& x : v) x = (2 * x - static_cast<float>(n)) / static_cast<float>(n);
  return v;
}

double worst_gradient_error = 0;  // over every check_gradients_at call, reported at the end

// Central differences of L = sum(r * y) against backward, on the given input values (and mask), as
// gradcheck.h does, for layers whose inputs must be chosen (max pooling) or that read a mask.
void check_gradients_at(Layer& layer, const Shape& shape, std::vector<float> values, const Tensor* mask = nullptr,
                        bool training = false, double step = 1e-3) {
  Tensor x = tensor(shape, std::move(values));
  const Shape out = layer.compute_output_shape({shape})[0];
  GradCheckOptions plain;
  Tensor r = tensor(out, cornu::testing::random_values(out.size(), 77, plain));
  const auto analytic = input_gradient(layer, x, r, training, mask);
  auto objective = [&] {
    const auto y = run(layer, x, training, 3, mask), rv = r.to_vector();
    double L = 0;
    for (size_t k = 0; k < y.size(); ++k) L += static_cast<double>(y[k]) * rv[k];
    return L;
  };
  for (int64_t k = 0; k < x.size(); ++k) {
    float* p = x.data() + k;
    const float saved = *p;
    *p = static_cast<float>(saved + step);
    const double up = objective();
    *p = static_cast<float>(saved - step);
    const double down = objective();
    *p = saved;
    const double numeric = (up - down) / (2 * step), a = analytic[static_cast<size_t>(k)];
    const double err = std::fabs(a - numeric) / std::max({1.0, std::fabs(a), std::fabs(numeric)});
    worst_gradient_error = std::max(worst_gradient_error, err);
    if (err > 2e-2) {
      const std::string msg = layer.class_name() + " d input[" + std::to_string(k) + "]: analytic " +
                              std::to_string(a) + " vs numeric " + std::to_string(numeric);
      QFAIL(msg.c_str());
    }
  }
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

Shape out_shape(const Layer& layer, const Shape& in) { return layer.compute_output_shape({in})[0]; }

std::vector<float> ramp(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0.0f);
  return v;
}

bool near(const std::vector<float>& a, const std::vector<float>& b, float tol = 1e-5f) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::fabs(a[i] - b[i]) > tol * std::max(1.0f, std::fabs(b[i]))) return false;
  return true;
}

// Starts a mask inside a model (a step is kept where its first feature is non-zero, as Masking(0) would), so
// that the execution plan hands it to the next layer.
class MaskMaker final : public Layer {
 public:
  MaskMaker() : Layer("MaskMaker", Config::object()) {}
  Shapes compute_output_shape(const Shapes& in) const override { return in; }
  std::vector<int> output_mask_sources(const std::vector<bool>&, size_t n) const override {
    return std::vector<int>(n, kOwnMask);
  }
  void compute_mask(Context&, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& masks) override {
    const auto v = x[0]->to_vector();
    const int64_t features = x[0]->shape()[2];
    std::vector<float> m(static_cast<size_t>(x[0]->shape()[0] * x[0]->shape()[1]));
    for (size_t i = 0; i < m.size(); ++i) m[i] = v[i * static_cast<size_t>(features)] != 0.0f ? 1.0f : 0.0f;
    masks[0]->copy_from_host(m.data(), m.size() * sizeof(float));
  }
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    ctx.backend().copy(y[0]->data(), x[0]->data(), static_cast<size_t>(x[0]->size()) * sizeof(float));
  }
  void backward(Context&, const std::vector<const Tensor*>&, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>&, const std::vector<Tensor*>&) override {}
};

}  // namespace

#define QCOMPARE_SHAPE(actual, expected) \
  QCOMPARE(QString::fromStdString((actual).to_string()), QString::fromStdString((expected).to_string()))
#define QVERIFY_MESSAGE(message, part) \
  QVERIFY2(QString::fromStdString(message).contains(part), ("message was: " + (message)).c_str())

class TestLayersPooling : public QObject {
  Q_OBJECT
 private slots:
  void cleanupTestCase() { qInfo("worst relative gradient error (chosen inputs, masks): %.2e", worst_gradient_error); }

  void registry_entries_and_config_round_trips() {
    const std::vector<std::pair<std::string, Config>> cases{
        {"MaxPooling1D", {{"pool_size", 3}, {"strides", 1}, {"padding", "same"}}},
        {"MaxPooling2D", Config::object()},
        {"MaxPooling3D", {{"pool_size", {1, 2, 2}}}},
        {"AveragePooling1D", Config::object()},
        {"AveragePooling2D", {{"pool_size", 3}, {"strides", {2, 1}}}},
        {"AveragePooling3D", {{"padding", "same"}}},
        {"GlobalMaxPooling1D", Config::object()},
        {"GlobalMaxPooling2D", {{"keepdims", true}}},
        {"GlobalMaxPooling3D", Config::object()},
        {"GlobalAveragePooling1D", Config::object()},
        {"GlobalAveragePooling2D", {{"keepdims", true}}},
        {"GlobalAveragePooling3D", Config::object()},
        {"UpSampling1D", {{"size", 3}}},
        {"UpSampling2D", {{"size", {2, 3}}, {"interpolation", "bilinear"}}},
        {"UpSampling3D", Config::object()},
        {"ZeroPadding1D", {{"padding", {1, 2}}}},
        {"ZeroPadding2D", {{"padding", 2}}},
        {"ZeroPadding3D", {{"padding", {1, 0, 2}}}},
        {"Cropping1D", Config::object()},
        {"Cropping2D", {{"cropping", {{1, 0}, {0, 2}}}}},
        {"Cropping3D", {{"cropping", 1}}},
        {"SpatialDropout1D", {{"rate", 0.2}}},
        {"SpatialDropout2D", {{"rate", 0.3}, {"seed", 5}}},
        {"SpatialDropout3D", {{"rate", 0.1}}},
        {"GaussianDropout", {{"rate", 0.4}}},
        {"AlphaDropout", {{"rate", 0.1}, {"seed", 2}}}};
    for (const auto& [name, config] : cases) {
      const auto& entry = layer_registry().get(name);
      QVERIFY2(!entry.doc.empty(), name.c_str());
      for (const auto& p : entry.params) QVERIFY2(!p.doc.empty(), (name + "." + p.name).c_str());
      LayerPtr layer = make_layer(name, config);
      LayerPtr copy = make_layer(name, layer->config());
      QCOMPARE(QString::fromStdString(copy->config().dump()), QString::fromStdString(layer->config().dump()));
    }
    // Keras's aliases, and the forms Keras writes.
    QCOMPARE(QString::fromStdString(layer_registry().get("MaxPool2D").name), QString("MaxPooling2D"));
    QCOMPARE(QString::fromStdString(layer_registry().get("GlobalAvgPool1D").name), QString("GlobalAveragePooling1D"));
    Config pool = make_layer("MaxPooling2D", {{"pool_size", 3}})->config();
    QCOMPARE(QString::fromStdString(pool["pool_size"].dump()), QString("[3,3]"));
    QCOMPARE(QString::fromStdString(pool["strides"].dump()), QString("[3,3]"));
    QCOMPARE(QString::fromStdString(pool["data_format"].get<std::string>()), QString("channels_last"));
    Config pad = make_layer("ZeroPadding2D", {{"padding", {1, 2}}})->config();
    QCOMPARE(QString::fromStdString(pad["padding"].dump()), QString("[[1,1],[2,2]]"));
    QCOMPARE(QString::fromStdString(make_layer("Cropping1D", {{"cropping", 2}})->config()["cropping"].dump()),
             QString("[2,2]"));
    QVERIFY(!make_layer("SpatialDropout1D", {{"rate", 0.5}})->config().contains("data_format"));
  }

  // ---- MaxPooling / AveragePooling ----

  void pooling_forward_by_hand() {
    // x (1, 5, 5, 1) = 0..24, values checked with keras.ops.{max,average}_pool.
    const Tensor x = tensor({1, 5, 5, 1}, ramp(25));
    QCOMPARE(run(*make_layer("MaxPooling2D"), x), (std::vector<float>{6, 8, 16, 18}));
    QCOMPARE(run(*make_layer("AveragePooling2D"), x), (std::vector<float>{3, 5, 13, 15}));
    // 'same' with an even pool: the extra padding goes after; the mean counts real elements only.
    QCOMPARE(run(*make_layer("AveragePooling2D", {{"padding", "same"}}), x),
             (std::vector<float>{3, 5, 6.5f, 13, 15, 16.5f, 20.5f, 22.5f, 24}));
    QCOMPARE(run(*make_layer("AveragePooling2D", {{"pool_size", 4}, {"strides", 3}, {"padding", "same"}}), x),
             (std::vector<float>{6, 8, 16, 18}));
    QCOMPARE(run(*make_layer("MaxPooling2D", {{"pool_size", 3}, {"strides", 2}, {"padding", "same"}}), x),
             (std::vector<float>{6, 8, 9, 16, 18, 19, 21, 23, 24}));
    // 1D over (1, 5, 2): channels pooled separately.
    const Tensor t = tensor({1, 5, 2}, {1, -1, 4, -2, 2, -3, 0, 5, 3, 1});
    QCOMPARE(run(*make_layer("MaxPooling1D"), t), (std::vector<float>{4, -1, 2, 5}));
    QCOMPARE(run(*make_layer("AveragePooling1D", {{"pool_size", 2}, {"strides", 2}, {"padding", "same"}}), t),
             (std::vector<float>{2.5f, -1.5f, 1, 1, 3, 1}));
    // 3D: the mean of a 2x2x2 cube of 0..7.
    QCOMPARE(run(*make_layer("AveragePooling3D"), tensor({1, 2, 2, 2, 1}, ramp(8))), (std::vector<float>{3.5f}));
    QCOMPARE(run(*make_layer("MaxPooling3D", {{"pool_size", {1, 2, 1}}}), tensor({1, 2, 2, 2, 1}, ramp(8))),
             (std::vector<float>{2, 3, 6, 7}));
  }

  void pooling_shapes_and_messages() {
    LayerPtr pool = make_layer("MaxPooling2D", {{"name", "pool"}});
    QCOMPARE_SHAPE(out_shape(*pool, Shape{None, 28, 28, 3}), (Shape{None, 14, 14, 3}));
    QCOMPARE_SHAPE(out_shape(*pool, Shape{None, 7, None, 3}), (Shape{None, 3, None, 3}));
    QCOMPARE_SHAPE(out_shape(*make_layer("MaxPooling2D", {{"padding", "same"}}), Shape{None, 7, 7, 3}),
                   (Shape{None, 4, 4, 3}));
    QCOMPARE_SHAPE(out_shape(*make_layer("AveragePooling1D", {{"pool_size", 3}, {"strides", 1}}), Shape{8, 10, 4}),
                   (Shape{8, 8, 4}));
    QCOMPARE_SHAPE(out_shape(*make_layer("MaxPooling3D", {{"strides", 1}}), Shape{None, 4, 5, 6, 2}),
                   (Shape{None, 3, 4, 5, 2}));
    const std::string too_big = error_of([] {
      out_shape(*make_layer("MaxPooling2D", {{"pool_size", 5}, {"name", "p"}}), Shape{None, 3, 8, 1});
    });
    QVERIFY_MESSAGE(too_big, "pool of 5");
    QVERIFY_MESSAGE(too_big, "only 3");
    QVERIFY_MESSAGE(too_big, "padding='same'");
    const std::string no_channels = error_of([&] { out_shape(*pool, Shape{None, 28, 28}); });
    QVERIFY_MESSAGE(no_channels, "Reshape(target_shape=(28, 28, 1))");
    QVERIFY_MESSAGE(no_channels, "'pool'");
    QVERIFY_MESSAGE(error_of([] { out_shape(*make_layer("MaxPooling1D"), Shape{None, 10}); }), "(10, 1)");
    QVERIFY_MESSAGE(error_of([] { out_shape(*make_layer("MaxPooling1D"), Shape{None, 8, 8, 3}); }), "MaxPooling2D");
    QVERIFY_MESSAGE(error_of([] { make_layer("MaxPooling2D", {{"data_format", "channels_first"}}); }), "channels_last");
    QVERIFY_MESSAGE(error_of([] { make_layer("MaxPooling2D", {{"pool_size", {2, 2, 2}}}); }), "2 integers");
    QVERIFY_MESSAGE(error_of([] { make_layer("MaxPooling2D", {{"pool_size", {2, 0}}}); }), "at least 1");
    QVERIFY_MESSAGE(error_of([] { make_layer("MaxPooling2D", {{"padding", "full"}}); }), "padding");
  }

  void pooling_gradients_in_every_mode() {
    struct Case {
      std::string layer;
      Config config;
      Shape shape;
    };
    std::vector<Case> cases;
    for (std::string kind : {"MaxPooling", "AveragePooling"}) {
      for (std::string padding : {"valid", "same"}) {
        cases.push_back({kind + "1D", {{"pool_size", 3}, {"strides", 2}, {"padding", padding}}, Shape{2, 8, 3}});
        cases.push_back({kind + "1D", {{"pool_size", 2}, {"padding", padding}}, Shape{2, 7, 2}});
        cases.push_back({kind + "2D", {{"pool_size", 2}, {"padding", padding}}, Shape{2, 5, 5, 2}});
        cases.push_back({kind + "2D", {{"pool_size", {3, 2}}, {"strides", 1}, {"padding", padding}}, Shape{2, 4, 5, 3}});
        cases.push_back({kind + "2D", {{"pool_size", 4}, {"strides", 3}, {"padding", padding}}, Shape{1, 7, 6, 2}});
        cases.push_back({kind + "3D", {{"pool_size", 2}, {"strides", {1, 2, 2}}, {"padding", padding}}, Shape{2, 3, 4, 5, 2}});
      }
    }
    uint64_t seed = 1;
    for (const auto& c : cases) {
      LayerPtr layer = make_layer(c.layer, c.config);
      check_gradients_at(*layer, c.shape, distinct_values(c.shape.size(), seed++));
      if (QTest::currentTestFailed()) return qWarning("in %s %s", c.layer.c_str(), c.config.dump().c_str());
      if (c.layer.starts_with("Average")) check_layer_gradients(*make_layer(c.layer, c.config), {c.shape});
      if (QTest::currentTestFailed()) return;
    }
    // Many channels: the max's argmax is tracked in chunks of 64 channels.
    check_gradients_at(*make_layer("MaxPooling2D", {{"pool_size", 3}, {"strides", 2}}), Shape{1, 5, 5, 70},
                       distinct_values(5 * 5 * 70, 99));
  }

  void max_pooling_ties_go_to_the_first_maximum() {
    // As XLA's select-and-scatter (checked with jax.grad of keras.ops.max_pool on ones).
    const Tensor x = tensor({1, 4, 4, 1}, std::vector<float>(16, 1.0f));
    QCOMPARE(input_gradient(*make_layer("MaxPooling2D"), x, tensor({1, 2, 2, 1}, {1, 1, 1, 1})),
             (std::vector<float>{1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0}));
    QCOMPARE(input_gradient(*make_layer("MaxPooling2D", {{"pool_size", 3}, {"strides", 1}, {"padding", "same"}}), x,
                            tensor({1, 4, 4, 1}, std::vector<float>(16, 1.0f))),
             (std::vector<float>{4, 2, 2, 0, 2, 1, 1, 0, 2, 1, 1, 0, 0, 0, 0, 0}));
  }

  // ---- Global pooling ----

  void global_pooling_values_shapes_and_gradients() {
    const Tensor x = tensor({2, 3, 2}, {1, -1, 4, -2, 2, 6, 0, 5, 3, 1, -4, 2});
    QCOMPARE(run(*make_layer("GlobalMaxPooling1D"), x), (std::vector<float>{4, 6, 3, 5}));
    QVERIFY(near(run(*make_layer("GlobalAveragePooling1D"), x), {7.0f / 3, 1, -1.0f / 3, 8.0f / 3}));
    QCOMPARE_SHAPE(out_shape(*make_layer("GlobalAveragePooling2D"), Shape{None, 7, 7, 16}), (Shape{None, 16}));
    QCOMPARE_SHAPE(out_shape(*make_layer("GlobalMaxPooling2D", {{"keepdims", true}}), Shape{None, 7, 7, 16}),
                   (Shape{None, 1, 1, 16}));
    QCOMPARE_SHAPE(out_shape(*make_layer("GlobalAveragePooling3D", {{"keepdims", true}}), Shape{4, 2, 3, 4, 5}),
                   (Shape{4, 1, 1, 1, 5}));
    QCOMPARE_SHAPE(out_shape(*make_layer("GlobalMaxPooling1D"), Shape{None, None, 8}), (Shape{None, 8}));
    QVERIFY_MESSAGE(error_of([] { out_shape(*make_layer("GlobalAveragePooling2D"), Shape{None, 8, 3}); }),
                    "GlobalAveragePooling1D");
    uint64_t seed = 10;
    for (std::string kind : {"Max", "Average"})
      for (bool keepdims : {false, true})
        for (const Shape& shape : {Shape{2, 5, 3}, Shape{2, 3, 4, 2}, Shape{2, 2, 3, 2, 3}}) {
          const std::string name = "Global" + kind + "Pooling" + std::to_string(shape.rank() - 2) + "D";
          check_gradients_at(*make_layer(name, {{"keepdims", keepdims}}), shape, distinct_values(shape.size(), seed++));
          if (QTest::currentTestFailed()) return;
        }
  }

  // Steps tied at the maximum share its gradient, as jax.grad of Keras's GlobalMaxPooling1D gives (measured:
  // [1, 3, 3, 2] -> [0, 0.5, 0.5, 0]); common after a ReLU, whose zeros tie.
  void global_max_pooling_splits_the_gradient_between_ties() {
    const Tensor x = tensor({1, 4, 2}, {1, 0, 3, 0, 3, 0, 2, -1});
    QCOMPARE(input_gradient(*make_layer("GlobalMaxPooling1D"), x, tensor({1, 2}, {1, 6})),
             (std::vector<float>{0, 2, 0.5f, 2, 0.5f, 2, 0, 0}));
  }

  void global_average_pooling_1d_averages_unmasked_steps() {
    // As Keras: sum of the kept steps / their count; an all-masked sample gives NaN (0 / 0).
    const Tensor x = tensor({2, 3, 2}, {1, -1, 4, -2, 2, 6, 0, 5, 3, 1, -4, 2});
    const Tensor mask = tensor({2, 3}, {1, 1, 0, 0, 1, 1});
    QCOMPARE(run(*make_layer("GlobalAveragePooling1D"), x, false, 0, &mask), (std::vector<float>{2.5f, -1.5f, -0.5f, 1.5f}));
    QCOMPARE(run(*make_layer("GlobalAveragePooling1D", {{"keepdims", true}}), x, false, 0, &mask),
             (std::vector<float>{2.5f, -1.5f, -0.5f, 1.5f}));
    const Tensor none_kept = tensor({2, 3}, {1, 0, 0, 0, 0, 0});
    const auto y = run(*make_layer("GlobalAveragePooling1D"), x, false, 0, &none_kept);
    QCOMPARE(y[0], 1.0f);
    QVERIFY(std::isnan(y[2]) && std::isnan(y[3]));
    // GlobalMaxPooling1D ignores masks, as Keras 3's does.
    QCOMPARE(run(*make_layer("GlobalMaxPooling1D"), x, false, 0, &mask), (std::vector<float>{4, 6, 3, 5}));
    // Masked steps get no gradient; the others dy / count.
    LayerPtr average = make_layer("GlobalAveragePooling1D");
    QCOMPARE(input_gradient(*average, x, tensor({2, 2}, {2, 4, 6, 8}), false, &mask),
             (std::vector<float>{1, 2, 1, 2, 0, 0, 0, 0, 3, 4, 3, 4}));
    const Tensor mask_b = tensor({3, 5}, {1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1});
    for (bool keepdims : {false, true}) {
      check_gradients_at(*make_layer("GlobalAveragePooling1D", {{"keepdims", keepdims}}), Shape{3, 5, 4},
                         distinct_values(60, 5), &mask_b);
      if (QTest::currentTestFailed()) return;
    }
    // Both end the mask.
    for (const char* name : {"GlobalAveragePooling1D", "GlobalMaxPooling1D"})
      QCOMPARE(make_layer(name)->output_mask_sources({true}, 1), std::vector<int>{Layer::kNoMask});
  }

  void masks_reach_global_pooling_through_a_model() {
    // Input -> MaskMaker -> SpatialDropout1D (passes the mask on) -> GlobalAveragePooling1D / GlobalMaxPooling1D.
    auto in = Input({3, 2});
    auto masked = call_layer(std::make_shared<MaskMaker>(), {in}).at(0);
    auto dropped = layers::make("SpatialDropout1D", {{"rate", 0.5}})(masked);
    auto average = layers::make("GlobalAveragePooling1D")(dropped);
    auto maximum = layers::make("GlobalMaxPooling1D")(dropped);
    Model model({in}, {average, maximum});
    const Tensor x = tensor({2, 3, 2}, {1, 5, 0, 7, 2, 3, 0, 0, 4, 1, -6, 2});
    auto y = model.predict(std::vector<Tensor>{x});
    QVERIFY(near(y[0].to_vector(), {1.5f, 4, -1, 1.5f}));  // steps whose first feature is 0 are left out
    QCOMPARE(y[1].to_vector(), (std::vector<float>{2, 7, 4, 2}));  // the max ignores the mask, as in Keras
  }

  // ---- UpSampling ----

  void upsampling_values_shapes_and_gradients() {
    QCOMPARE(run(*make_layer("UpSampling1D", {{"size", 3}}), tensor({1, 2, 2}, {1, 2, 3, 4})),
             (std::vector<float>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
    QCOMPARE(run(*make_layer("UpSampling2D", {{"size", {1, 2}}}), tensor({1, 2, 2, 1}, {1, 2, 3, 4})),
             (std::vector<float>{1, 1, 2, 2, 3, 3, 4, 4}));
    QCOMPARE(run(*make_layer("UpSampling3D", {{"size", {2, 1, 1}}}), tensor({1, 1, 1, 2, 1}, {5, 6})),
             (std::vector<float>{5, 6, 5, 6}));
    // Bilinear, channel 0 of jax.image.resize((1, 2, 3, 2) ramp, (4, 9)): half-pixel centres, edges clamped.
    const auto bilinear = run(*make_layer("UpSampling2D", {{"size", {2, 3}}, {"interpolation", "bilinear"}}),
                              tensor({1, 2, 3, 2}, ramp(12)));
    std::vector<float> channel0;
    for (size_t i = 0; i < bilinear.size(); i += 2) channel0.push_back(bilinear[i]);
    const float t = 2.0f / 3, u = 4.0f / 3;
    const std::vector<float> row0{0, 0, t, u, 2, 2 + t, 2 + u, 4, 4};
    std::vector<float> expected;
    for (float shift : {0.0f, 1.5f, 4.5f, 6.0f})
      for (float v : row0) expected.push_back(v + shift);
    QVERIFY2(near(channel0, expected), "bilinear values differ from jax.image.resize");
    QCOMPARE_SHAPE(out_shape(*make_layer("UpSampling2D"), Shape{None, 7, None, 3}), (Shape{None, 14, None, 3}));
    QCOMPARE_SHAPE(out_shape(*make_layer("UpSampling1D"), Shape{None, 5, 3}), (Shape{None, 10, 3}));
    QVERIFY_MESSAGE(error_of([] { make_layer("UpSampling2D", {{"interpolation", "bicubic"}}); }), "'bilinear'");
    QVERIFY_MESSAGE(error_of([] { out_shape(*make_layer("UpSampling2D"), Shape{None, 8, 8}); }), "(8, 8, 1)");
    check_layer_gradients(*make_layer("UpSampling1D", {{"size", 3}}), {Shape{2, 4, 3}});
    check_layer_gradients(*make_layer("UpSampling2D", {{"size", {2, 3}}}), {Shape{2, 3, 2, 2}});
    check_layer_gradients(*make_layer("UpSampling2D", {{"size", {3, 2}}, {"interpolation", "bilinear"}}),
                          {Shape{2, 3, 4, 2}});
    check_layer_gradients(*make_layer("UpSampling2D", {{"size", 4}, {"interpolation", "bilinear"}}), {Shape{1, 1, 2, 3}});
    check_layer_gradients(*make_layer("UpSampling3D", {{"size", {1, 2, 3}}}), {Shape{2, 2, 3, 2, 2}});
  }

  // ---- ZeroPadding and Cropping ----

  void padding_and_cropping_values_and_shapes() {
    QCOMPARE(run(*make_layer("ZeroPadding1D", {{"padding", {1, 2}}}), tensor({1, 2, 1}, {5, 6})),
             (std::vector<float>{0, 5, 6, 0, 0}));
    QCOMPARE(run(*make_layer("ZeroPadding2D", {{"padding", {{1, 0}, {0, 1}}}}), tensor({1, 2, 2, 1}, {1, 2, 3, 4})),
             (std::vector<float>{0, 0, 0, 1, 2, 0, 3, 4, 0}));
    QCOMPARE_SHAPE(out_shape(*make_layer("ZeroPadding2D"), Shape{None, 28, 28, 3}), (Shape{None, 30, 30, 3}));
    QCOMPARE_SHAPE(out_shape(*make_layer("ZeroPadding2D", {{"padding", {1, 2}}}), Shape{None, 4, 4, 3}),
                   (Shape{None, 6, 8, 3}));
    QCOMPARE_SHAPE(out_shape(*make_layer("ZeroPadding3D", {{"padding", {{0, 1}, {2, 0}, {1, 1}}}}), Shape{2, 3, 3, 3, 1}),
                   (Shape{2, 4, 5, 5, 1}));
    QCOMPARE(run(*make_layer("Cropping1D", {{"cropping", {0, 1}}}), tensor({1, 3, 1}, {5, 6, 7})),
             (std::vector<float>{5, 6}));
    QCOMPARE(run(*make_layer("Cropping2D", {{"cropping", {{1, 0}, {0, 1}}}}), tensor({1, 3, 3, 1}, ramp(9))),
             (std::vector<float>{3, 4, 6, 7}));
    QCOMPARE_SHAPE(out_shape(*make_layer("Cropping2D", {{"cropping", 2}}), Shape{None, 28, None, 3}),
                   (Shape{None, 24, None, 3}));
    QCOMPARE_SHAPE(out_shape(*make_layer("Cropping3D"), Shape{None, 4, 5, 6, 2}), (Shape{None, 2, 3, 4, 2}));
    const std::string too_much = error_of([] { out_shape(*make_layer("Cropping2D", {{"cropping", {{2, 2}, {0, 0}}}}), Shape{None, 4, 5, 1}); });
    QVERIFY_MESSAGE(too_much, "only 4");
    QVERIFY_MESSAGE(error_of([] { make_layer("ZeroPadding2D", {{"padding", {1, 2, 3}}}); }), "((top, bottom)");
    QVERIFY_MESSAGE(error_of([] { make_layer("Cropping2D", {{"cropping", -1}}); }), "non-negative");
    QVERIFY_MESSAGE(error_of([] { make_layer("ZeroPadding3D", {{"padding", {{1, 1}, {1, 1}}}}); }), "3 (before, after)");
  }

  void padding_and_cropping_gradients() {
    check_layer_gradients(*make_layer("ZeroPadding1D", {{"padding", {2, 1}}}), {Shape{2, 3, 2}});
    check_layer_gradients(*make_layer("ZeroPadding2D", {{"padding", {{1, 0}, {2, 3}}}}), {Shape{2, 3, 2, 2}});
    check_layer_gradients(*make_layer("ZeroPadding3D", {{"padding", 1}}), {Shape{1, 2, 2, 3, 2}});
    check_layer_gradients(*make_layer("Cropping1D", {{"cropping", {1, 2}}}), {Shape{2, 5, 2}});
    check_layer_gradients(*make_layer("Cropping2D", {{"cropping", {1, 2}}}), {Shape{2, 4, 6, 2}});
    check_layer_gradients(*make_layer("Cropping3D", {{"cropping", {{0, 1}, {1, 0}, {1, 1}}}}), {Shape{1, 3, 3, 4, 2}});
  }

  // ---- SpatialDropout, GaussianDropout, AlphaDropout ----

  void spatial_dropout_drops_whole_channels() {
    LayerPtr dropout = make_layer("SpatialDropout2D", {{"rate", 0.4}});
    const Tensor x = tensor({40, 3, 3, 50}, std::vector<float>(40 * 9 * 50, 1.0f));
    QCOMPARE(run(*dropout, x, false), x.to_vector());
    const auto y = run(*dropout, x, true, 5);
    int dropped = 0;
    for (int64_t n = 0; n < 40; ++n)
      for (int64_t c = 0; c < 50; ++c) {
        const float first = y[static_cast<size_t>(n * 450 + c)];
        QVERIFY(first == 0.0f || std::fabs(first - 1 / 0.6f) < 1e-6f);
        dropped += first == 0.0f;
        for (int64_t s = 1; s < 9; ++s) QCOMPARE(y[static_cast<size_t>(n * 450 + s * 50 + c)], first);
      }
    QVERIFY2(std::fabs(dropped / 2000.0 - 0.4) < 0.04, std::to_string(dropped).c_str());
    QCOMPARE(run(*dropout, x, true, 5), y);
    QVERIFY(run(*dropout, x, true, 6) != y);
    // The gradient is the mask: with x = 1 and dy = 1, dx equals y.
    QCOMPARE(input_gradient(*dropout, x, x, true), run(*dropout, x, true, 3));
    QCOMPARE(make_layer("SpatialDropout1D", {{"rate", 0.5}})->output_mask_sources({true}, 1), std::vector<int>{0});
    QVERIFY_MESSAGE(error_of([] { make_layer("SpatialDropout1D", {{"rate", 1.0}}); }), "[0, 1)");
    QVERIFY_MESSAGE(error_of([] { out_shape(*make_layer("SpatialDropout2D", {{"rate", 0.5}}), Shape{None, 4}); }), "rank 4");
    GradCheckOptions training;
    training.training = true;
    for (const Shape& shape : {Shape{3, 4, 5}, Shape{2, 3, 3, 4}, Shape{2, 2, 2, 3, 4}}) {
      const std::string name = "SpatialDropout" + std::to_string(shape.rank() - 2) + "D";
      check_layer_gradients(*make_layer(name, {{"rate", 0.5}}), {shape}, training);
      check_layer_gradients(*make_layer(name, {{"rate", 0.5}}), {shape});
      if (QTest::currentTestFailed()) return;
    }
  }

  void gaussian_dropout_noise_statistics_and_gradient() {
    LayerPtr dropout = make_layer("GaussianDropout", {{"rate", 0.2}});
    const Tensor x = tensor({50, 200}, std::vector<float>(10000, 1.0f));
    QCOMPARE(run(*dropout, x, false), x.to_vector());
    const auto y = run(*dropout, x, true, 2);
    double mean = 0, var = 0;
    for (float v : y) mean += v;
    mean /= 10000;
    for (float v : y) var += (v - mean) * (v - mean);
    var /= 10000;
    QVERIFY2(std::fabs(mean - 1) < 0.02, std::to_string(mean).c_str());
    QVERIFY2(std::fabs(var - 0.25) < 0.02, std::to_string(var).c_str());  // rate / (1 - rate)
    QCOMPARE(input_gradient(*dropout, x, x, true), run(*dropout, x, true, 3));  // the gradient is the noise
    QCOMPARE(dropout->output_mask_sources({true}, 1), std::vector<int>{0});
    QVERIFY_MESSAGE(error_of([] { make_layer("GaussianDropout", {{"rate", 1.0}}); }), "infinite");
    GradCheckOptions training;
    training.training = true;
    check_layer_gradients(*make_layer("GaussianDropout", {{"rate", 0.3}}), {Shape{3, 5}}, training);
    check_layer_gradients(*make_layer("GaussianDropout", {{"rate", 0.3}}), {Shape{3, 5}});
  }

  void alpha_dropout_keeps_mean_and_variance() {
    const double rate = 0.2, alpha_p = -1.6732632423543772 * 1.0507009873554805;
    const double a = 1 / std::sqrt((1 - rate) * (1 + rate * alpha_p * alpha_p)), b = -a * alpha_p * rate;
    LayerPtr dropout = make_layer("AlphaDropout", {{"rate", rate}});
    // Standard normal inputs (SELU's fixed point): the output keeps mean 0 and variance 1.
    Tensor x = Tensor::zeros(Shape{100, 200});
    cpu_backend().random_normal(x.data(), x.size(), 0.0f, 1.0f, 123);
    QCOMPARE(run(*dropout, x, false), x.to_vector());
    const auto y = run(*dropout, x, true, 4), xv = x.to_vector();
    double mean = 0, var = 0;
    int dropped = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      const bool is_dropped = std::fabs(y[i] - (a * alpha_p + b)) < 1e-5;
      QVERIFY(is_dropped || std::fabs(y[i] - (a * xv[i] + b)) < 1e-5);
      dropped += is_dropped;
      mean += y[i];
    }
    mean /= 20000;
    for (float v : y) var += (v - mean) * (v - mean);
    var /= 20000;
    QVERIFY2(std::fabs(dropped / 20000.0 - rate) < 0.01, std::to_string(dropped).c_str());
    QVERIFY2(std::fabs(mean) < 0.03, std::to_string(mean).c_str());
    QVERIFY2(std::fabs(var - 1) < 0.04, std::to_string(var).c_str());
    // The gradient is a on kept inputs, 0 on dropped ones.
    const Tensor ones = tensor({100, 200}, std::vector<float>(20000, 1.0f));
    const auto dx = input_gradient(*dropout, x, ones, true), y3 = run(*dropout, x, true, 3);
    for (size_t i = 0; i < dx.size(); ++i) {
      const bool kept = std::fabs(y3[i] - (a * alpha_p + b)) > 1e-5;
      QVERIFY(std::fabs(dx[i] - (kept ? a : 0.0)) < 1e-5);
    }
    QCOMPARE(dropout->output_mask_sources({true}, 1), std::vector<int>{0});
    QVERIFY_MESSAGE(error_of([] { make_layer("AlphaDropout", {{"rate", 0.1}, {"noise_shape", {nullptr, 1}}}); }),
                    "noise_shape");
    GradCheckOptions training;
    training.training = true;
    check_layer_gradients(*make_layer("AlphaDropout", {{"rate", 0.3}}), {Shape{4, 5}}, training);
    check_layer_gradients(*make_layer("AlphaDropout", {{"rate", 0.3}}), {Shape{4, 5}});
  }
};

QTEST_APPLESS_MAIN(TestLayersPooling)
#include "test_layers_pooling.moc"
