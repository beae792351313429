// Conv1D, Conv2D, Conv3D: forward values against a direct (naive) convolution, shapes and messages, and
// finite-difference gradients in every mode (strides, same/valid/causal, dilation, groups, even kernels,
// 1x1 kernels that skip im2col, activations). Keras parity is in tests/interop/layer_cases_conv.json.
#include <QtTest>

#include <cmath>

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

Tensor random_tensor(const Shape& s, uint64_t key) {
  std::vector<float> v(static_cast<size_t>(s.size()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = random_normal_at(key, i);
  return Tensor::from_vector(s, v);
}

// A 2D convolution written the obvious way, with explicit padding before each axis.
std::vector<float> naive_conv2d(const Tensor& x, const Tensor& kernel, const Shape& out, int64_t stride,
                                int64_t dilation, int64_t pad_top, int64_t pad_left, int64_t groups) {
  const auto xv = x.to_vector(), kv = kernel.to_vector();
  const int64_t H = x.shape()[1], W = x.shape()[2], C = x.shape()[3];
  const int64_t KH = kernel.shape()[0], KW = kernel.shape()[1], CG = kernel.shape()[2], F = kernel.shape()[3];
  const int64_t FG = F / groups;
  std::vector<float> y(static_cast<size_t>(out.size()), 0.0f);
  for (int64_t n = 0; n < out[0]; ++n)
    for (int64_t i = 0; i < out[1]; ++i)
      for (int64_t j = 0; j < out[2]; ++j)
        for (int64_t f = 0; f < F; ++f) {
          double s = 0;
          const int64_t g = f / FG;
          for (int64_t a = 0; a < KH; ++a)
            for (int64_t b = 0; b < KW; ++b) {
              const int64_t r = i * stride - pad_top + a * dilation, c = j * stride - pad_left + b * dilation;
              if (r < 0 || r >= H || c < 0 || c >= W) continue;
              for (int64_t ch = 0; ch < CG; ++ch)
                s += xv[static_cast<size_t>(((n * H + r) * W + c) * C + g * CG + ch)] *
                     kv[static_cast<size_t>(((a * KW + b) * CG + ch) * F + f)];
            }
          y[static_cast<size_t>(((n * out[1] + i) * out[2] + j) * F + f)] = static_cast<float>(s);
        }
  return y;
}

std::vector<float> run(Layer& layer, const Tensor& x) {
  if (!layer.built()) layer.build({x.shape()}, 42);
  Tensor y = Tensor::zeros(layer.compute_output_shape({x.shape()})[0]);
  Context ctx(cpu_backend(), 7);
  layer.forward(ctx, {&x}, {&y});
  return y.to_vector();
}

QString shape_error(const std::string& cls, const Config& config, const Shape& in) {
  try {
    make_layer(cls, config)->compute_output_shape({in});
  } catch (const ShapeError& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

}  // namespace

class TestLayersConv : public QObject {
  Q_OBJECT

 private slots:
  void output_shapes_follow_keras() {
    auto shape = [](const std::string& cls, const Config& c, const Shape& in) {
      return make_layer(cls, c)->compute_output_shape({in})[0];
    };
    QCOMPARE(shape("Conv2D", {{"filters", 8}, {"kernel_size", 3}}, Shape{None, 28, 28, 1}), (Shape{None, 26, 26, 8}));
    QCOMPARE(shape("Conv2D", {{"filters", 8}, {"kernel_size", 3}, {"padding", "same"}, {"strides", 2}},
                   Shape{None, 7, 8, 3}), (Shape{None, 4, 4, 8}));
    QCOMPARE(shape("Conv2D", {{"filters", 2}, {"kernel_size", 3}, {"dilation_rate", 2}}, Shape{None, 9, 9, 1}),
             (Shape{None, 5, 5, 2}));
    QCOMPARE(shape("Conv1D", {{"filters", 4}, {"kernel_size", 5}, {"padding", "causal"}}, Shape{None, 10, 3}),
             (Shape{None, 10, 4}));
    QCOMPARE(shape("Conv3D", {{"filters", 2}, {"kernel_size", {2, 3, 1}}}, Shape{None, 4, 5, 6, 3}),
             (Shape{None, 3, 3, 6, 2}));
    QCOMPARE(shape("Conv1D", {{"filters", 4}, {"kernel_size", 3}}, Shape{None, None, 3}), (Shape{None, None, 4}));
  }

  void messages_say_what_to_do() {
    QString e = shape_error("Conv2D", {{"filters", 8}, {"kernel_size", 3}}, Shape{None, 28, 28});
    QVERIFY2(e.contains("Reshape(target_shape=(28, 28, 1))"), qPrintable(e));
    e = shape_error("Conv2D", {{"filters", 8}, {"kernel_size", 5}}, Shape{None, 3, 9, 1});
    QVERIFY2(e.contains("5-wide kernel") && e.contains("3 long") && e.contains("padding='same'"), qPrintable(e));
    e = shape_error("Conv2D", {{"filters", 8}, {"kernel_size", 3}, {"groups", 2}}, Shape{None, 8, 8, 3});
    QVERIFY2(e.contains("groups=2"), qPrintable(e));
    try {
      make_layer("Conv2D", {{"filters", 8}, {"kernel_size", 3}, {"data_format", "channels_first"}});
      QFAIL("channels_first accepted");
    } catch (const ValueError& err) {
      QVERIFY2(QString(err.what()).contains("channels_last"), err.what());
    }
    try {
      make_layer("Conv2D", {{"filters", 8}, {"kernel_size", 3}, {"padding", "causal"}});
      QFAIL("causal Conv2D accepted");
    } catch (const ValueError& err) {
      QVERIFY2(QString(err.what()).contains("'causal' is not one of 'valid', 'same'"), err.what());
    }
  }

  void forward_matches_a_direct_convolution_data() {
    QTest::addColumn<int>("kernel");
    QTest::addColumn<int>("stride");
    QTest::addColumn<int>("dilation");
    QTest::addColumn<QString>("padding");
    QTest::addColumn<int>("groups");
    QTest::newRow("3x3 valid") << 3 << 1 << 1 << "valid" << 1;
    QTest::newRow("3x3 same stride 2") << 3 << 2 << 1 << "same" << 1;
    QTest::newRow("even kernel same") << 2 << 1 << 1 << "same" << 1;
    QTest::newRow("even kernel same stride 2") << 4 << 2 << 1 << "same" << 1;
    QTest::newRow("dilated same") << 3 << 1 << 2 << "same" << 1;
    QTest::newRow("groups") << 3 << 1 << 1 << "valid" << 2;
    QTest::newRow("1x1 direct") << 1 << 1 << 1 << "valid" << 1;
    QTest::newRow("1x1 stride 2") << 1 << 2 << 1 << "valid" << 1;
  }
  void forward_matches_a_direct_convolution() {
    QFETCH(int, kernel);
    QFETCH(int, stride);
    QFETCH(int, dilation);
    QFETCH(QString, padding);
    QFETCH(int, groups);
    auto layer = make_layer("Conv2D", {{"filters", 4}, {"kernel_size", kernel}, {"strides", stride},
                                       {"dilation_rate", dilation}, {"padding", padding.toStdString()},
                                       {"groups", groups}, {"use_bias", false}});
    const Tensor x = random_tensor(Shape{2, 7, 6, 4}, 11);
    const std::vector<float> y = run(*layer, x);
    const Shape out = layer->compute_output_shape({x.shape()})[0];
    int64_t pad[2] = {0, 0};
    for (int d = 0; d < 2 && padding == "same"; ++d) {
      const int64_t span = dilation * (kernel - 1) + 1, in = x.shape()[d + 1];
      pad[d] = std::max<int64_t>((out[d + 1] - 1) * stride + span - in, 0) / 2;  // the extra one goes after
    }
    const auto want = naive_conv2d(x, layer->variables()[0].value, out, stride, dilation, pad[0], pad[1], groups);
    QCOMPARE(y.size(), want.size());
    for (size_t i = 0; i < y.size(); ++i) QVERIFY2(std::fabs(y[i] - want[i]) < 1e-4f, qPrintable(QString::number(i)));
  }

  void gradients_data() {
    QTest::addColumn<QString>("cls");
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("shape");
    QTest::newRow("conv1d valid") << "Conv1D" << R"({"filters": 3, "kernel_size": 3})" << "[2, 7, 2]";
    QTest::newRow("conv1d causal dilated") << "Conv1D" << R"({"filters": 2, "kernel_size": 2, "padding": "causal", "dilation_rate": 2})" << "[2, 6, 3]";
    QTest::newRow("conv1d same stride") << "Conv1D" << R"({"filters": 2, "kernel_size": 4, "padding": "same", "strides": 2})" << "[2, 7, 2]";
    QTest::newRow("conv2d valid tanh") << "Conv2D" << R"({"filters": 3, "kernel_size": 3, "activation": "tanh"})" << "[2, 5, 5, 2]";
    QTest::newRow("conv2d same stride 2") << "Conv2D" << R"({"filters": 2, "kernel_size": [3, 2], "padding": "same", "strides": 2})" << "[2, 5, 6, 3]";
    QTest::newRow("conv2d even same") << "Conv2D" << R"({"filters": 2, "kernel_size": 2, "padding": "same"})" << "[1, 4, 5, 2]";
    QTest::newRow("conv2d dilated") << "Conv2D" << R"({"filters": 2, "kernel_size": 2, "dilation_rate": 2})" << "[2, 5, 5, 2]";
    QTest::newRow("conv2d groups") << "Conv2D" << R"({"filters": 4, "kernel_size": 2, "groups": 2})" << "[2, 4, 4, 4]";
    QTest::newRow("conv2d 1x1") << "Conv2D" << R"({"filters": 3, "kernel_size": 1})" << "[2, 3, 3, 4]";
    QTest::newRow("conv2d l2 activity") << "Conv2D" << R"({"filters": 2, "kernel_size": 2, "activity_regularizer": {"class_name": "L2", "config": {"l2": 0.1}}})" << "[2, 3, 3, 1]";
    QTest::newRow("conv3d same") << "Conv3D" << R"({"filters": 2, "kernel_size": 2, "padding": "same"})" << "[1, 3, 3, 3, 2]";
    QTest::newRow("conv3d stride") << "Conv3D" << R"({"filters": 2, "kernel_size": [2, 1, 2], "strides": [1, 2, 1]})" << "[2, 3, 4, 3, 1]";
  }
  void gradients() {
    QFETCH(QString, cls);
    QFETCH(QString, config);
    QFETCH(QString, shape);
    auto layer = make_layer(cls.toStdString(), Config::parse(config.toStdString()));
    Shape in(Config::parse(shape.toStdString()).get<std::vector<int64_t>>());
    check_layer_gradients(*layer, {in});
  }

  void weights_have_keras_shapes() {
    auto layer = make_layer("Conv2D", {{"filters", 6}, {"kernel_size", {3, 2}}, {"groups", 3}});
    layer->build({Shape{None, 8, 8, 9}}, 1);
    QCOMPARE(layer->variables()[0].value.shape(), (Shape{3, 2, 3, 6}));
    QCOMPARE(layer->variables()[1].value.shape(), (Shape{6}));
    QCOMPARE(layer->count_params(), int64_t{3 * 2 * 3 * 6 + 6});
    QCOMPARE(layer->config()["kernel_size"], (Config{3, 2}));
    QCOMPARE(layer->config()["strides"], (Config{1, 1}));
  }

  void a_small_cnn_learns() {
    set_random_seed(3);
    auto in = Input({6, 6, 1});
    auto h = layers::make("Conv2D", {{"filters", 4}, {"kernel_size", 3}, {"activation", "relu"}})(in);
    auto out = layers::Dense(2, "softmax")(layers::Flatten()(h));
    Model model({in}, {out});
    model.compile({{"class_name", "Adam"}, {"config", {{"learning_rate", 0.01}}}}, "sparse_categorical_crossentropy");
    // Label: is the bright pixel in the top half?
    std::vector<float> xs(64 * 36, 0.0f);
    std::vector<int32_t> ys(64);
    for (int i = 0; i < 64; ++i) {
      const int r = i % 6, c = (i / 6) % 6;
      xs[static_cast<size_t>(i * 36 + r * 6 + c)] = 1.0f;
      ys[static_cast<size_t>(i)] = r < 3;
    }
    Tensor x = Tensor::from_vector(Shape{64, 6, 6, 1}, xs), y = Tensor::from_vector(Shape{64}, ys);
    const double before = model.evaluate(x, y, {.verbose = 0}).at("loss");
    model.fit(x, y, {.epochs = 30, .batch_size = 16, .verbose = 0});
    const double after = model.evaluate(x, y, {.verbose = 0}).at("loss");
    QVERIFY2(after < 0.5 * before, qPrintable(QString("loss %1 -> %2").arg(before).arg(after)));
  }
};

QTEST_APPLESS_MAIN(TestLayersConv)
#include "test_layers_conv.moc"
