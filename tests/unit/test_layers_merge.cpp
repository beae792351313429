// Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot. For each: finite-
// difference gradients, forward values on tiny inputs, output shapes with a None batch, error messages,
// config round trip and registry entry.
#include <QtTest>

#include <cmath>
#include <functional>

#include "core/error.h"
#include "gradcheck.h"
#include "layers/layer.h"

using namespace cornu;
using cornu::testing::check_layer_gradients;
using cornu::testing::GradCheckOptions;

namespace {

constexpr int64_t None = Shape::kNone;

std::vector<float> run(Layer& layer, const std::vector<Tensor>& inputs) {
  Shapes shapes;
  std::vector<const Tensor*> x;
  for (const auto& t : inputs) shapes.push_back(t.shape()), x.push_back(&t);
  if (!layer.built()) layer.build(shapes, 42);
  Tensor y = Tensor::zeros(layer.compute_output_shape(shapes)[0]);
  Context ctx(cpu_backend(), 7);
  layer.forward(ctx, x, {&y});
  return y.to_vector();
}

Tensor tensor(const Shape& shape, std::vector<float> values) { return Tensor::from_vector(shape, values); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

Shape out_shape(const std::string& name, const Config& config, const Shapes& in) {
  return make_layer(name, config)->compute_output_shape(in)[0];
}

bool close(const std::vector<float>& a, const std::vector<float>& b, float tolerance = 1e-5f) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::fabs(a[i] - b[i]) > tolerance) return false;
  return true;
}

}  // namespace

#define QCOMPARE_SHAPE(actual, expected) \
  QCOMPARE(QString::fromStdString((actual).to_string()), QString::fromStdString((expected).to_string()))
#define QVERIFY_MESSAGE(message, part) \
  QVERIFY2(QString::fromStdString(message).contains(part), ("message was: " + (message)).c_str())

class TestLayersMerge : public QObject {
  Q_OBJECT
 private slots:
  void registry_entries_exist_with_docs() {
    for (std::string name : {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}) {
      QVERIFY2(layer_registry().contains(name), name.c_str());
      const auto& e = layer_registry().get(name);
      QCOMPARE(QString::fromStdString(e.category), QString("Merge"));
      QVERIFY2(!e.doc.empty(), name.c_str());
      QCOMPARE(e.min_inputs, 2);
      QCOMPARE(e.max_inputs, name == "Subtract" || name == "Dot" ? 2 : -1);
      for (const auto& p : e.params) QVERIFY2(!p.doc.empty(), (name + "." + p.name).c_str());
    }
  }

  void configs_round_trip() {
    const std::vector<std::pair<std::string, Config>> cases{
        {"Add", Config::object()},     {"Subtract", Config::object()}, {"Multiply", Config::object()},
        {"Average", Config::object()}, {"Maximum", Config::object()},  {"Minimum", Config::object()},
        {"Concatenate", {{"axis", 1}}}, {"Dot", {{"axes", {1, 2}}, {"normalize", true}}}, {"Dot", {{"axes", -1}}}};
    for (const auto& [name, config] : cases) {
      LayerPtr layer = make_layer(name, config);
      LayerPtr copy = make_layer(name, layer->config());
      QCOMPARE(QString::fromStdString(copy->config().dump()), QString::fromStdString(layer->config().dump()));
    }
  }

  // ---- Elementwise merges ----

  void elementwise_forward_by_hand() {
    Tensor a = tensor({2, 2}, {1, -2, 3, 4}), b = tensor({2, 2}, {2, 5, -1, 4}), c = tensor({2, 2}, {0, 1, 2, -3});
    QCOMPARE(run(*make_layer("Add"), {a, b, c}), (std::vector<float>{3, 4, 4, 5}));
    QCOMPARE(run(*make_layer("Subtract"), {a, b}), (std::vector<float>{-1, -7, 4, 0}));
    QCOMPARE(run(*make_layer("Multiply"), {a, b, c}), (std::vector<float>{0, -10, -6, -48}));
    QVERIFY(close(run(*make_layer("Average"), {a, b, c}), {1, 4.0f / 3, 4.0f / 3, 5.0f / 3}));
    QCOMPARE(run(*make_layer("Maximum"), {a, b, c}), (std::vector<float>{2, 5, 3, 4}));
    QCOMPARE(run(*make_layer("Minimum"), {a, b, c}), (std::vector<float>{0, -2, -1, -3}));
    QCOMPARE(run(*make_layer("Multiply"), {a, b}), (std::vector<float>{2, -10, -3, 16}));
  }

  void elementwise_gradients() {
    for (std::string name : {"Add", "Multiply", "Average", "Maximum", "Minimum"}) {
      check_layer_gradients(*make_layer(name), {Shape{3, 4}, Shape{3, 4}});
      if (QTest::currentTestFailed()) return;
      check_layer_gradients(*make_layer(name), {Shape{2, 3, 2}, Shape{2, 3, 2}, Shape{2, 3, 2}, Shape{2, 3, 2}});
      if (QTest::currentTestFailed()) return;
    }
    check_layer_gradients(*make_layer("Subtract"), {Shape{3, 4}, Shape{3, 4}});
  }

  void elementwise_shapes_and_messages() {
    QCOMPARE_SHAPE(out_shape("Add", {}, {Shape{None, 3}, Shape{None, 3}}), (Shape{None, 3}));
    QCOMPARE_SHAPE(out_shape("Maximum", {}, {Shape{None, None, 2}, Shape{None, 5, 2}}), (Shape{None, 5, 2}));
    QCOMPARE_SHAPE(out_shape("Multiply", {}, {Shape{None, 2}, Shape{8, 2}, Shape{None, 2}}), (Shape{8, 2}));
    std::string different = error_of([] { out_shape("Add", {}, {Shape{None, 3}, Shape{None, 4}}); });
    QVERIFY_MESSAGE(different, "(None, 3)");
    QVERIFY_MESSAGE(different, "(None, 4)");
    QVERIFY_MESSAGE(different, "roadcasting");
    QVERIFY_MESSAGE(error_of([] { out_shape("Multiply", {}, {Shape{None, 3}, Shape{None, 1, 3}}); }), "roadcasting");
    QVERIFY_MESSAGE(error_of([] { out_shape("Subtract", {}, {Shape{None, 3}, Shape{None, 3}, Shape{None, 3}}); }),
                    "expects 2 inputs");
    QVERIFY_MESSAGE(error_of([] { out_shape("Average", {}, {Shape{None, 3}}); }), "at least 2");
  }

  // ---- Concatenate ----

  void concatenate_forward_and_shapes() {
    QCOMPARE(run(*make_layer("Concatenate"), {tensor({2, 2}, {1, 2, 3, 4}), tensor({2, 1}, {5, 6})}),
             (std::vector<float>{1, 2, 5, 3, 4, 6}));
    QCOMPARE(run(*make_layer("Concatenate", {{"axis", 1}}), {tensor({2, 1, 2}, {1, 2, 7, 8}),
                                                               tensor({2, 2, 2}, {3, 4, 5, 6, 9, 10, 11, 12})}),
             (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
    QCOMPARE_SHAPE(out_shape("Concatenate", {}, {Shape{None, 2}, Shape{None, 3}}), (Shape{None, 5}));
    QCOMPARE_SHAPE(out_shape("Concatenate", {{"axis", 1}}, {Shape{None, 2, 3}, Shape{None, 4, 3}, Shape{None, 1, 3}}),
                   (Shape{None, 7, 3}));
    QCOMPARE_SHAPE(out_shape("Concatenate", {{"axis", 1}}, {Shape{None, None, 3}, Shape{None, 4, 3}}),
                   (Shape{None, None, 3}));
    QCOMPARE_SHAPE(out_shape("Concatenate", {}, {Shape{None, None, 3}, Shape{None, 4, 3}}), (Shape{None, 4, 6}));
  }

  void concatenate_gradients() {
    check_layer_gradients(*make_layer("Concatenate"), {Shape{2, 3, 2}, Shape{2, 3, 1}});
    if (QTest::currentTestFailed()) return;
    check_layer_gradients(*make_layer("Concatenate", {{"axis", 1}}), {Shape{2, 1, 3}, Shape{2, 2, 3}, Shape{2, 3, 3}});
  }

  void concatenate_messages() {
    std::string mismatch = error_of([] { out_shape("Concatenate", {}, {Shape{None, 4, 3}, Shape{None, 5, 3}}); });
    QVERIFY_MESSAGE(mismatch, "axis -1");
    QVERIFY_MESSAGE(mismatch, "(None, 4, 3)");
    QVERIFY_MESSAGE(mismatch, "(None, 5, 3)");
    QVERIFY_MESSAGE(error_of([] { out_shape("Concatenate", {}, {Shape{None, 4}, Shape{None, 4, 3}}); }), "same rank");
    QVERIFY_MESSAGE(error_of([] { out_shape("Concatenate", {{"axis", 0}}, {Shape{None, 4}, Shape{None, 4}}); }),
                    "batch axis");
    // An axis the inputs lack: the message names the layer and the axes there are.
    QVERIFY_MESSAGE(error_of([] { out_shape("Concatenate", {{"axis", 3}}, {Shape{None, 4}, Shape{None, 4}}); }),
                    "joins along axis 3, but its inputs (None, 4) have only 2 axes");
  }

  // ---- Dot ----

  void dot_forward_by_hand() {
    Tensor a = tensor({2, 3}, {1, 2, 3, 0, 1, 0}), b = tensor({2, 3}, {4, 5, 6, 1, 1, 1});
    QCOMPARE(run(*make_layer("Dot", {{"axes", 1}}), {a, b}), (std::vector<float>{32, 1}));
    QVERIFY(close(run(*make_layer("Dot", {{"axes", -1}, {"normalize", true}}), {a, b}),
                  {static_cast<float>(32 / std::sqrt(14.0 * 77.0)), static_cast<float>(1 / std::sqrt(3.0))}));
    Tensor m = tensor({1, 2, 3}, {1, 2, 3, 4, 5, 6});
    // Contracting the last axes: y[i, j] = m_i · n_j.
    QCOMPARE(run(*make_layer("Dot", {{"axes", 2}}), {m, tensor({1, 2, 3}, {1, 0, 0, 0, 1, 1})}),
             (std::vector<float>{1, 5, 4, 11}));
    // Contracting axis 1: y = mᵀ · identity = mᵀ (3, 2).
    QCOMPARE(run(*make_layer("Dot", {{"axes", 1}}), {m, tensor({1, 2, 2}, {1, 0, 0, 1})}),
             (std::vector<float>{1, 4, 2, 5, 3, 6}));
    // (1, 3) with (1, 2, 3) along axes (1, 2): one dot product per row of the second input.
    QCOMPARE(run(*make_layer("Dot", {{"axes", {1, 2}}}), {tensor({1, 3}, {1, 2, 3}), tensor({1, 2, 3}, {1, 0, 0, 0, 1, 1})}),
             (std::vector<float>{1, 5}));
    // axes (2, 1): the matrix product m (2, 3) · k (3, 2).
    QCOMPARE(run(*make_layer("Dot", {{"axes", {2, 1}}}), {m, tensor({1, 3, 2}, {1, 0, 0, 1, 1, 1})}),
             (std::vector<float>{4, 5, 10, 11}));
  }

  void dot_shapes_and_messages() {
    QCOMPARE_SHAPE(out_shape("Dot", {{"axes", 1}}, {Shape{None, 8}, Shape{None, 8}}), (Shape{None, 1}));
    QCOMPARE_SHAPE(out_shape("Dot", {{"axes", 2}}, {Shape{None, 5, 8}, Shape{None, 7, 8}}), (Shape{None, 5, 7}));
    QCOMPARE_SHAPE(out_shape("Dot", {{"axes", {1, 2}}}, {Shape{None, 8}, Shape{None, 7, 8}}), (Shape{None, 7}));
    QCOMPARE_SHAPE(out_shape("Dot", {{"axes", {2, 1}}}, {Shape{None, 5, 8}, Shape{None, 8, 3}}), (Shape{None, 5, 3}));
    std::string sizes = error_of([] { out_shape("Dot", {{"axes", -1}}, {Shape{None, 4}, Shape{None, 5}}); });
    QVERIFY_MESSAGE(sizes, "(None, 4)");
    QVERIFY_MESSAGE(sizes, "size 5");
    QVERIFY_MESSAGE(error_of([] { out_shape("Dot", {{"axes", 0}}, {Shape{None, 4}, Shape{None, 4}}); }), "batch axis");
    QVERIFY_MESSAGE(error_of([] { make_layer("Dot", {{"axes", {1, 2, 3}}}); }), "pair");
    QVERIFY_MESSAGE(error_of([] { make_layer("Dot", Config::object()); }), "axes");
    QVERIFY_MESSAGE(error_of([] { out_shape("Dot", {{"axes", 1}}, {Shape{None, 4}}); }), "expects 2 inputs");
  }

  void dot_gradients() {
    struct Case {
      Config axes;
      Shapes shapes;
    };
    const std::vector<Case> cases{{1, {Shape{3, 4}, Shape{3, 4}}},
                                  {2, {Shape{2, 3, 4}, Shape{2, 5, 4}}},
                                  {1, {Shape{2, 4, 3}, Shape{2, 4, 2}}},
                                  {Config::array({1, 2}), {Shape{2, 4}, Shape{2, 3, 4}}},
                                  {Config::array({2, 1}), {Shape{2, 3, 4}, Shape{2, 4, 2}}}};
    for (bool normalize : {false, true}) {
      GradCheckOptions o;
      o.step = normalize ? 3e-3 : 1e-2;
      for (const auto& c : cases) {
        LayerPtr dot = make_layer("Dot", {{"axes", c.axes}, {"normalize", normalize}});
        check_layer_gradients(*dot, c.shapes, o);
        if (QTest::currentTestFailed()) {
          qWarning("axes %s normalize %d", c.axes.dump().c_str(), normalize);
          return;
        }
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestLayersMerge)
#include "test_layers_merge.moc"
