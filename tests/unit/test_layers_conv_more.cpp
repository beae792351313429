// Conv1D/2D/3DTranspose, DepthwiseConv1D/2D and SeparableConv1D/2D: shapes (Keras's transposed sizes), a direct
// reference for each, finite-difference gradients in every mode, and messages. Keras parity:
// tests/interop/layer_cases_conv_more.json.
#include <QtTest>

#include <cmath>

#include "core/error.h"
#include "cornu.h"
#include "gradcheck.h"
#include "layers/layer.h"

using namespace cornu;
using namespace cornu::testing;

namespace {

constexpr int64_t None = Shape::kNone;

Shape out_shape(const std::string& cls, const Config& config, const Shape& in) {
  return make_layer(cls, config)->compute_output_shape({in})[0];
}

std::vector<float> run(Layer& layer, const Tensor& x) {
  if (!layer.built()) layer.build({x.shape()}, 1);
  Context ctx(cpu_backend(), 1);
  Tensor y = Tensor::zeros(layer.compute_output_shape({x.shape()})[0]);
  std::vector<Tensor*> out{&y};
  layer.forward(ctx, {&x}, out);
  return y.to_vector();
}

}  // namespace

class TestLayersConvMore : public QObject {
  Q_OBJECT

 private slots:
  // Keras 3 (JAX) sizes: valid (in - 1) * s + max(k, s); same in * s; with output_padding (in - 1) * s + k
  // (valid) or (in - 1) * s + k % 2 + output_padding (same)... as measured by the parity cases.
  void transposed_output_sizes() {
    QCOMPARE(out_shape("Conv2DTranspose", {{"filters", 2}, {"kernel_size", 3}}, Shape{None, 4, 5, 1}), Shape({None, 6, 7, 2}));
    QCOMPARE(out_shape("Conv2DTranspose", {{"filters", 2}, {"kernel_size", 3}, {"strides", 2}}, Shape{None, 4, 5, 1}),
             Shape({None, 9, 11, 2}));
    QCOMPARE(out_shape("Conv2DTranspose", {{"filters", 2}, {"kernel_size", 2}, {"strides", 3}}, Shape{None, 3, 3, 1}),
             Shape({None, 9, 9, 2}));
    QCOMPARE(out_shape("Conv1DTranspose", {{"filters", 2}, {"kernel_size", 4}, {"strides", 2}, {"padding", "same"}},
                       Shape{None, 5, 1}), Shape({None, 10, 2}));
    QCOMPARE(out_shape("Conv2DTranspose", {{"filters", 1}, {"kernel_size", 3}, {"strides", 2}, {"output_padding", 1}},
                       Shape{None, 3, 3, 1}), Shape({None, 8, 8, 1}));
    QCOMPARE(out_shape("Conv3DTranspose", {{"filters", 1}, {"kernel_size", 2}, {"strides", 2}, {"padding", "same"}},
                       Shape{None, 2, None, 3, 4}), Shape({None, 4, None, 6, 1}));
  }

  // A 1-channel 1D transposed convolution by hand: each input scatters kernel * x at stride steps.
  void transposed_values_by_hand() {
    LayerPtr t = make_layer("Conv1DTranspose", {{"filters", 1}, {"kernel_size", 2}, {"strides", 2}, {"use_bias", false}});
    t->build({Shape{1, 3, 1}}, 1);
    t->variables()[0].value = Tensor::from_vector(Shape{2, 1, 1}, std::vector<float>{1, 10});
    QCOMPARE(run(*t, Tensor::from_vector(Shape{1, 3, 1}, std::vector<float>{1, 2, 3})),
             (std::vector<float>{1, 10, 2, 20, 3, 30}));
    LayerPtr overlap = make_layer("Conv1DTranspose", {{"filters", 1}, {"kernel_size", 3}, {"use_bias", false}});
    overlap->build({Shape{1, 2, 1}}, 1);
    overlap->variables()[0].value = Tensor::from_vector(Shape{3, 1, 1}, std::vector<float>{1, 2, 3});
    QCOMPARE(run(*overlap, Tensor::from_vector(Shape{1, 2, 1}, std::vector<float>{1, 10})),
             (std::vector<float>{1, 12, 23, 30}));
  }

  // Depthwise: output channel c * multiplier + m is channel c convolved with its own filter m.
  void depthwise_values_by_hand() {
    LayerPtr d = make_layer("DepthwiseConv1D", {{"kernel_size", 2}, {"depth_multiplier", 2}, {"use_bias", false}});
    d->build({Shape{1, 3, 2}}, 1);
    // kernel (2, channels 2, multiplier 2): channel 0 filters [1, 1] and [1, -1]; channel 1 [2, 0] and [0, 3].
    d->variables()[0].value = Tensor::from_vector(Shape{2, 2, 2}, std::vector<float>{1, 1, 2, 0, 1, -1, 0, 3});
    const Tensor x = Tensor::from_vector(Shape{1, 3, 2}, std::vector<float>{1, 10, 2, 20, 4, 40});
    QCOMPARE(run(*d, x), (std::vector<float>{3, -1, 20, 60, 6, -2, 40, 120}));
    QCOMPARE(d->compute_output_shape({Shape{None, 3, 2}})[0], Shape({None, 2, 4}));
  }

  void gradients_in_every_mode() {
    struct Case {
      std::string cls;
      Config config;
      Shape input;
    };
    const std::vector<Case> cases{
        {"Conv1DTranspose", {{"filters", 2}, {"kernel_size", 3}, {"strides", 2}}, Shape{2, 4, 3}},
        {"Conv1DTranspose", {{"filters", 2}, {"kernel_size", 4}, {"strides", 2}, {"padding", "same"}}, Shape{2, 3, 2}},
        {"Conv2DTranspose", {{"filters", 2}, {"kernel_size", 3}, {"activation", "tanh"}}, Shape{2, 3, 3, 2}},
        {"Conv2DTranspose", {{"filters", 3}, {"kernel_size", 2}, {"strides", 2}, {"padding", "same"}, {"output_padding", 1}},
         Shape{1, 3, 2, 2}},
        {"Conv2DTranspose", {{"filters", 1}, {"kernel_size", 2}, {"dilation_rate", 2}}, Shape{2, 3, 3, 1}},
        {"Conv3DTranspose", {{"filters", 2}, {"kernel_size", 2}, {"strides", 2}}, Shape{1, 2, 2, 2, 1}},
        {"DepthwiseConv1D", {{"kernel_size", 3}, {"depth_multiplier", 2}, {"padding", "same"}}, Shape{2, 5, 2}},
        {"DepthwiseConv2D", {{"kernel_size", 3}, {"strides", 2}, {"activation", "sigmoid"}}, Shape{2, 5, 5, 2}},
        {"DepthwiseConv2D", {{"kernel_size", 2}, {"dilation_rate", 2}, {"use_bias", false}}, Shape{1, 5, 4, 3}},
        {"SeparableConv1D", {{"filters", 3}, {"kernel_size", 2}, {"depth_multiplier", 2}}, Shape{2, 5, 2}},
        {"SeparableConv2D", {{"filters", 2}, {"kernel_size", 3}, {"padding", "same"}, {"strides", 2}}, Shape{1, 5, 4, 3}},
    };
    for (const Case& c : cases) {
      LayerPtr layer = make_layer(c.cls, c.config);
      check_layer_gradients(*layer, {c.input});
      if (QTest::currentTestFailed()) {
        qWarning("%s %s", c.cls.c_str(), c.config.dump().c_str());
        return;
      }
    }
  }

  void messages() {
    try {
      out_shape("DepthwiseConv2D", {{"kernel_size", 5}}, Shape{None, 3, 3, 1});
      QFAIL("no error");
    } catch (const ShapeError& e) {
      QVERIFY2(std::string(e.what()).find("padding='same'") != std::string::npos, e.what());
    }
    QVERIFY_THROWS_EXCEPTION(ValueError, make_layer("Conv2DTranspose", {{"filters", 1}, {"kernel_size", 3},
                                                                       {"strides", 2}, {"output_padding", 2}}));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_layer("SeparableConv2D", {{"filters", 1}, {"kernel_size", 3},
                                                                       {"data_format", "channels_first"}}));
  }
};

QTEST_APPLESS_MAIN(TestLayersConvMore)
#include "test_layers_conv_more.moc"
