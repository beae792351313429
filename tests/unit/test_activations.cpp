// Activations: every registered function against formulas written here in double precision, finite-
// difference gradients of ActivationFn::backward, the registry's messages, and the activation layers
// (Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax): gradients, output shapes and config round-trips.
#include <QtTest>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>
#include <set>

#include "activations/activation.h"
#include "core/error.h"
#include "gradcheck.h"
#include "layers/layer.h"

using namespace cornu;

namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kPi = 3.14159265358979323846;

// One elementwise activation with its parameters, the formula it must follow and where it has kinks.
struct Case {
  std::string name;
  Config config;
  std::function<double(double)> reference;
  std::vector<double> kinks;
};

std::vector<Case> elementwise_cases() {
  auto relu_ref = [](double slope, double max_value, double threshold) {
    return [=](double x) { return x > threshold ? std::min(x, max_value) : slope * (x - threshold); };
  };
  auto leaky = [](double slope) { return [=](double x) { return x >= 0 ? x : slope * x; }; };
  auto elu = [](double alpha) { return [=](double x) { return x > 0 ? x : alpha * (std::exp(x) - 1); }; };
  return {
      {"linear", {}, [](double x) { return x; }, {}},
      {"relu", {}, relu_ref(0, INFINITY, 0), {0}},
      {"relu", {{"negative_slope", 0.1}, {"max_value", 3.0}, {"threshold", 0.5}}, relu_ref(0.1, 3, 0.5), {0.5, 3}},
      {"relu6", {}, relu_ref(0, 6, 0), {0, 6}},
      {"leaky_relu", {}, leaky(0.2), {0}},  // the function's Keras 3 default
      {"leaky_relu", {{"negative_slope", 0.05}}, leaky(0.05), {0}},
      {"elu", {}, elu(1.0), {0}},
      {"elu", {{"alpha", 0.5}}, elu(0.5), {0}},
      {"selu", {}, [](double x) { return kSeluScale * (x > 0 ? x : kSeluAlpha * (std::exp(x) - 1)); }, {0}},
      {"sigmoid", {}, sigmoid, {}},
      {"hard_sigmoid", {}, [](double x) { return std::clamp(x / 6 + 0.5, 0.0, 1.0); }, {-3, 3}},
      {"tanh", {}, [](double x) { return std::tanh(x); }, {}},
      {"softplus", {}, softplus, {}},
      {"softsign", {}, [](double x) { return x / (1 + std::fabs(x)); }, {}},
      {"gelu", {}, [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }, {}},
      {"gelu",
       {{"approximate", true}},
       [](double x) { return 0.5 * x * (1 + std::tanh(std::sqrt(2 / kPi) * (x + 0.044715 * x * x * x))); },
       {}},
      {"silu", {}, [](double x) { return x * sigmoid(x); }, {}},
      {"mish", {}, [](double x) { return x * std::tanh(softplus(x)); }, {}},
      {"exponential", {}, [](double x) { return std::exp(x); }, {}},
  };
}

ActivationPtr activation(const std::string& name, const Config& config) {
  return activation_registry().create(name, config.is_null() ? Config::object() : config);
}

std::vector<float> forward(const ActivationFn& fn, const std::vector<float>& x, int64_t rows, int64_t cols) {
  std::vector<float> y(x.size());
  fn.forward(cpu_backend(), x.data(), y.data(), rows, cols);
  return y;
}

// Central differences of L = sum(r * f(x)) in double around float inputs, against ActivationFn::backward
// (which must accumulate: dx starts at 0.25).
void check_gradient(const ActivationFn& fn, const std::vector<float>& x, int64_t rows, int64_t cols,
                    const std::string& label) {
  const size_t n = x.size();
  std::vector<float> r(n), dx(n, 0.25f);
  for (size_t i = 0; i < n; ++i) r[i] = static_cast<float>(std::sin(1.0 + 2.0 * static_cast<double>(i)));
  std::vector<float> y = forward(fn, x, rows, cols);
  fn.backward(cpu_backend(), x.data(), y.data(), r.data(), dx.data(), rows, cols);
  for (size_t i = 0; i < n; ++i) {
    std::vector<float> up = x, down = x;
    up[i] = static_cast<float>(x[i] + 1e-3);
    down[i] = static_cast<float>(x[i] - 1e-3);
    std::vector<float> y_up = forward(fn, up, rows, cols), y_down = forward(fn, down, rows, cols);
    double dL = 0;  // unchanged outputs cancel exactly
    for (size_t k = 0; k < n; ++k) dL += static_cast<double>(r[k]) * (static_cast<double>(y_up[k]) - y_down[k]);
    double numeric = dL / (static_cast<double>(up[i]) - down[i]);
    double analytic = static_cast<double>(dx[i]) - 0.25;
    double err = std::fabs(analytic - numeric) / std::max({1.0, std::fabs(analytic), std::fabs(numeric)});
    QVERIFY2(err < 2e-3, (label + " at x=" + std::to_string(x[i]) + ": analytic " + std::to_string(analytic) +
                          " vs numeric " + std::to_string(numeric)).c_str());
  }
}

std::string label_of(const Case& c) { return c.name + c.config.dump(); }

// The softmax and log-softmax of each row, in double.
std::vector<double> softmax_rows(const std::vector<float>& x, size_t cols, bool log) {
  std::vector<double> out(x.size());
  for (size_t r = 0; r < x.size() / cols; ++r) {
    double m = -INFINITY, s = 0;
    for (size_t c = 0; c < cols; ++c) m = std::max(m, static_cast<double>(x[r * cols + c]));
    for (size_t c = 0; c < cols; ++c) s += std::exp(x[r * cols + c] - m);
    for (size_t c = 0; c < cols; ++c) {
      double z = x[r * cols + c] - m - std::log(s);
      out[r * cols + c] = log ? z : std::exp(z);
    }
  }
  return out;
}

const std::vector<float> kRows = {0.3f, -1.2f, 2.0f, 0.7f, -0.4f, 1.1f, -2.2f, 0.05f};  // 2 rows of 4

std::vector<float> run_layer(Layer& layer, const Tensor& x) {
  Tensor y = Tensor::zeros(layer.compute_output_shape({x.shape()})[0]);
  Context ctx(cpu_backend(), 1);
  layer.forward(ctx, {&x}, {&y});
  return y.to_vector();
}

void check_round_trip(const Layer& layer) {
  Config config = layer.config();
  LayerPtr again = make_layer(layer.class_name(), config);
  QCOMPARE(QString::fromStdString(again->config().dump()), QString::fromStdString(config.dump()));
}

}  // namespace

class TestActivations : public QObject {
  Q_OBJECT
 private slots:
  void every_registered_activation_is_tested() {
    std::set<std::string> tested{"softmax", "log_softmax"};
    for (const auto& c : elementwise_cases()) tested.insert(c.name);
    for (const auto& e : activation_registry().entries())
      QVERIFY2(tested.count(e.name), ("activation '" + e.name + "' has no value test").c_str());
  }

  void values_match_keras_formulas() {
    // Large |x| checks that the forms stay finite (softplus, sigmoid, silu, mish at +-100).
    const std::vector<float> points{-100, -30, -6, -2.5f, -1, -0.3f, 0, 0.2f, 0.7f, 1.5f, 4, 30, 100};
    for (const auto& c : elementwise_cases()) {
      auto fn = activation(c.name, c.config);
      std::vector<float> y = forward(*fn, points, 1, static_cast<int64_t>(points.size()));
      for (size_t i = 0; i < points.size(); ++i) {
        double ref = c.reference(points[i]);
        if (std::fabs(ref) > FLT_MAX) continue;  // exponential(100) overflows float, as in Keras
        bool ok = std::isfinite(y[i]) && std::fabs(y[i] - ref) <= 1e-6 + 1e-5 * std::fabs(ref);
        QVERIFY2(ok, (label_of(c) + "(" + std::to_string(points[i]) + ") = " + std::to_string(y[i]) +
                      ", expected " + std::to_string(ref)).c_str());
      }
    }
  }

  void gradients_match_finite_differences() {
    const std::vector<float> points{-6, -2.5f, -1.2f, -0.3f, 0.2f, 0.7f, 1.5f, 2.5f, 4, 7};
    for (const auto& c : elementwise_cases()) {
      std::vector<float> x;
      for (float p : points) {
        bool near_kink = false;
        for (double k : c.kinks) near_kink |= std::fabs(p - k) < 0.05;
        if (!near_kink) x.push_back(p);
      }
      check_gradient(*activation(c.name, c.config), x, 1, static_cast<int64_t>(x.size()), label_of(c));
      if (QTest::currentTestFailed()) return;
    }
  }

  void softmax_and_log_softmax_work_on_rows() {
    for (bool log : {false, true}) {
      auto fn = activation(log ? "log_softmax" : "softmax", nullptr);
      std::vector<float> y = forward(*fn, kRows, 2, 4);
      std::vector<double> ref = softmax_rows(kRows, 4, log);
      for (size_t i = 0; i < y.size(); ++i) QVERIFY(std::fabs(y[i] - ref[i]) < 1e-6);
      check_gradient(*fn, kRows, 2, 4, fn->name);
      // Large logits: shifted by the row maximum, so nothing overflows.
      std::vector<float> big{1000, 1001, 1002, 999};
      std::vector<float> yb = forward(*fn, big, 1, 4);
      std::vector<double> refb = softmax_rows(big, 4, log);
      for (size_t i = 0; i < 4; ++i) QVERIFY(std::isfinite(yb[i]) && std::fabs(yb[i] - refb[i]) < 1e-5);
    }
  }

  void registry_entries_are_documented() {
    QVERIFY(activation_registry().entries().size() >= 17);
    for (const auto& e : activation_registry().entries()) {
      QVERIFY2(!e.doc.empty(), e.name.c_str());
      for (const auto& p : e.params) QVERIFY2(!p.doc.empty(), (e.name + "." + p.name).c_str());
    }
  }

  void registry_resolves_names_and_explains_mistakes() {
    QCOMPARE(QString::fromStdString(make_activation("swish")->name), QString("silu"));
    QVERIFY(make_activation(nullptr)->is_linear());
    QVERIFY(make_activation("linear")->is_linear());
    auto leaky = make_activation({{"class_name", "leaky_relu"}, {"config", {{"negative_slope", 0.1}}}});
    QCOMPARE(leaky->params.a, 0.1f);
    QCOMPARE(make_activation("leaky_relu")->config["negative_slope"].get<double>(), 0.2);
    QCOMPARE(make_activation("gelu")->op, UnaryOp::Gelu);  // Keras 3: approximate=False
    QVERIFY(make_activation("relu")->config["max_value"].is_null());
    try {
      make_activation("rleu");
      QFAIL("no error for an unknown activation");
    } catch (const ValueError& e) {
      QVERIFY2(QString(e.what()).contains("Did you mean 'relu'?"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(ValueError, make_activation({{"class_name", "relu"}, {"config", {{"slope", 1}}}}));
    try {
      make_activation({{"class_name", "softmax"}, {"config", {{"axis", 1}}}});
      QFAIL("no error for softmax over axis 1");
    } catch (const ValueError& e) {
      QVERIFY2(QString(e.what()).contains("Softmax layer"), e.what());
    }
  }

  void activation_layers_have_correct_gradients() {
    struct LayerCase {
      std::string class_name;
      Config config;
      std::vector<float> kinks;
    };
    const std::vector<LayerCase> cases{
        {"Activation", {{"activation", "tanh"}}, {}},
        {"Activation", {{"activation", "softmax"}}, {}},
        {"Activation", {{"activation", "relu"}}, {0}},
        {"Activation", {{"activation", {{"class_name", "elu"}, {"config", {{"alpha", 0.5}}}}}}, {0}},
        {"ReLU", {}, {0}},
        {"ReLU", {{"max_value", 1.2}, {"negative_slope", 0.1}, {"threshold", 0.4}}, {0.4f, 1.2f}},
        {"LeakyReLU", {}, {0}},
        {"ELU", {{"alpha", 0.7}}, {0}},
        {"Softmax", {}, {}},
        {"Softmax", {{"axis", 1}}, {}},
        {"Softmax", {{"axis", Config::array({-2})}}, {}},
    };
    for (const auto& c : cases) {
      LayerPtr layer = make_layer(c.class_name, c.config);
      testing::GradCheckOptions o;
      o.input_scale = 2.0f;
      o.kinks = c.kinks;
      testing::check_layer_gradients(*layer, {Shape{2, 3, 4}}, o);
      if (QTest::currentTestFailed()) return;
      QVERIFY((layer->compute_output_shape({Shape{-1, 3, 4}}) == Shapes{Shape{-1, 3, 4}}));
      check_round_trip(*layer);
    }
  }

  void layer_values_and_defaults() {
    Tensor x = Tensor::from_vector(Shape{1, 5}, std::vector<float>{-2, -0.5f, 0.25f, 1, 8});
    auto relu = make_layer("ReLU", {{"max_value", 6.0}, {"negative_slope", 0.5}, {"threshold", 0.5}});
    QCOMPARE(run_layer(*relu, x), (std::vector<float>{-1.25f, -0.5f, -0.125f, 1, 6}));
    auto leaky = make_layer("LeakyReLU");
    QCOMPARE(leaky->config()["negative_slope"].get<double>(), 0.3);  // the layer's Keras 3 default
    QCOMPARE(run_layer(*leaky, x)[0], -0.6f);
    QCOMPARE(make_layer("ELU")->config()["alpha"].get<double>(), 1.0);
    QVERIFY_THROWS_EXCEPTION(ValueError, make_layer("ReLU", {{"max_value", -1.0}}));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_layer("LeakyReLU", {{"negative_slope", -0.1}}));
    QCOMPARE(make_layer("Activation", {{"activation", "swish"}})->config()["activation"].get<std::string>(), "silu");
    QVERIFY_THROWS_EXCEPTION(ValueError, make_layer("Activation"));  // activation is required
    QVERIFY_THROWS_EXCEPTION(ValueError, make_layer("Activation", {{"activation", "rleu"}}));
  }

  void softmax_layer_normalises_the_chosen_axis() {
    std::vector<float> values(24);
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = static_cast<float>(std::sin(0.7 * static_cast<double>(i)) * 3);
    Tensor x = Tensor::from_vector(Shape{2, 3, 4}, values);
    std::vector<float> y = run_layer(*make_layer("Softmax", {{"axis", 1}}), x);
    for (int b = 0; b < 2; ++b)
      for (int k = 0; k < 4; ++k) {
        double m = -INFINITY, s = 0;
        auto at = [&](int j) { return static_cast<size_t>(b * 12 + j * 4 + k); };  // x[b, j, k]
        for (int j = 0; j < 3; ++j) m = std::max(m, static_cast<double>(values[at(j)]));
        for (int j = 0; j < 3; ++j) s += std::exp(values[at(j)] - m);
        for (int j = 0; j < 3; ++j) QVERIFY(std::fabs(y[at(j)] - std::exp(values[at(j)] - m) / s) < 1e-6);
      }
    QVERIFY_THROWS_EXCEPTION(ValueError, make_layer("Softmax", {{"axis", Config::array({1, 2})}}));
    QVERIFY_THROWS_EXCEPTION(ShapeError, make_layer("Softmax", {{"axis", 3}})->compute_output_shape({Shape{-1, 3, 4}}));
  }

  void prelu_learns_alpha_per_element_or_shared() {
    struct PreluCase {
      Config config;
      Shape input;
      Shape alpha;
    };
    const std::vector<PreluCase> cases{
        {Config::object(), Shape{2, 3, 4}, Shape{3, 4}},
        {{{"shared_axes", Config::array({1, 2})}}, Shape{2, 3, 4, 5}, Shape{1, 1, 5}},
        {{{"shared_axes", 2}}, Shape{2, 3, 4}, Shape{3, 1}},
        {{{"shared_axes", Config::array({1, 3})}}, Shape{2, 3, 4, 5}, Shape{1, 4, 1}},
    };
    for (const auto& c : cases) {
      LayerPtr layer = make_layer("PReLU", c.config);
      QVERIFY((layer->compute_output_shape({c.input.with_batch(-1)}) == Shapes{c.input.with_batch(-1)}));
      layer->build({c.input}, 42);
      Variable& alpha = layer->variables().at(0);
      QVERIFY2(alpha.value.shape() == c.alpha, alpha.value.shape().to_string().c_str());
      for (float v : alpha.value.to_vector()) QCOMPARE(v, 0.0f);  // Keras's default: zeros
      // Distinct alphas, so that a wrong broadcast shows in the values and the gradients.
      for (int64_t k = 0; k < alpha.value.size(); ++k) alpha.value.data()[k] = 0.1f + 0.05f * static_cast<float>(k);
      testing::GradCheckOptions o;
      o.kinks = {0};
      testing::check_layer_gradients(*layer, {c.input}, o);
      if (QTest::currentTestFailed()) return;
      check_round_trip(*layer);
    }
    QVERIFY(make_layer("PReLU", {{"shared_axes", 2}})->config()["shared_axes"] == Config::array({2}));
    LayerPtr bad = make_layer("PReLU", {{"shared_axes", 3}});
    QVERIFY_THROWS_EXCEPTION(ShapeError, bad->compute_output_shape({Shape{-1, 3, 4}}));
  }

  void prelu_values() {
    LayerPtr layer = make_layer("PReLU", {{"shared_axes", Config::array({1})}});
    layer->build({Shape{2, 2, 2}}, 1);
    float* alpha = layer->variables()[0].value.data();  // shape (1, 2): one alpha per last-axis index
    alpha[0] = 0.25f, alpha[1] = 0.5f;
    Tensor x = Tensor::from_vector(Shape{2, 2, 2}, std::vector<float>{-1, -2, 3, -4, 5, 6, -7, -8});
    QCOMPARE(run_layer(*layer, x), (std::vector<float>{-0.25f, -1, 3, -2, 5, 6, -1.75f, -4}));
  }
};

QTEST_APPLESS_MAIN(TestActivations)
#include "test_activations.moc"
