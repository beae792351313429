// Initializers: the statistics of each distribution against Keras's formulas, seeds, orthogonality,
// identity, fans, and the registry's Keras names.
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/random.h"
#include "initializers/initializer.h"

using namespace cornu;

namespace {

struct Stats {
  double mean = 0, stddev = 0, min = 1e300, max = -1e300;
};

Stats stats_of(const std::vector<float>& v) {
  Stats s;
  double sum = 0, sq = 0;
  for (float x : v) {
    sum += x;
    s.min = std::min(s.min, double(x));
    s.max = std::max(s.max, double(x));
  }
  s.mean = sum / double(v.size());
  for (float x : v) sq += (x - s.mean) * (x - s.mean);
  s.stddev = std::sqrt(sq / double(v.size()));
  return s;
}

std::vector<float> generate(const Config& init, const Shape& shape, uint64_t key = 7) {
  return make_initializer(init)->generate(shape, key);
}

// Standard deviation of a normal with stddev s truncated at +-2 s (Keras's 0.87962566103423978).
constexpr double kTruncatedStd = 0.87962566103423978;

void expect_uniform(const std::vector<float>& v, double limit) {
  Stats s = stats_of(v);
  QVERIFY2(s.min >= -limit && s.max <= limit, qPrintable(QString("range [%1, %2] vs limit %3").arg(s.min).arg(s.max).arg(limit)));
  QVERIFY(s.max > 0.99 * limit && s.min < -0.99 * limit);
  QVERIFY(std::fabs(s.mean) < 0.01 * limit);
  QVERIFY2(std::fabs(s.stddev / (limit / std::sqrt(3.0)) - 1) < 0.01, qPrintable(QString::number(s.stddev)));
}

// Keras's truncated VarianceScaling: the drawn values have stddev sqrt(scale / fan) and stay within
// 2 * sqrt(scale / fan) / 0.8796.
void expect_truncated(const std::vector<float>& v, double target_std) {
  Stats s = stats_of(v);
  const double bound = 2 * target_std / kTruncatedStd;
  QVERIFY(s.min >= -bound * (1 + 1e-6) && s.max <= bound * (1 + 1e-6));
  QVERIFY(s.max > 0.98 * bound);
  QVERIFY(std::fabs(s.mean) < 0.01 * target_std);
  QVERIFY2(std::fabs(s.stddev / target_std - 1) < 0.01, qPrintable(QString("%1 vs %2").arg(s.stddev).arg(target_std)));
}

// max |A^T A - g^2 I| over the columns of a rows x cols row-major matrix (rows >= cols), or of its rows.
double orthogonality_error(const std::vector<float>& a, int64_t rows, int64_t cols, double gain) {
  const bool by_columns = rows >= cols;
  const int64_t k = by_columns ? cols : rows, len = by_columns ? rows : cols;
  auto at = [&](int64_t vec, int64_t i) { return double(by_columns ? a[size_t(i * cols + vec)] : a[size_t(vec * cols + i)]); };
  double worst = 0;
  for (int64_t p = 0; p < k; ++p)
    for (int64_t q = 0; q < k; ++q) {
      double dot = 0;
      for (int64_t i = 0; i < len; ++i) dot += at(p, i) * at(q, i);
      worst = std::max(worst, std::fabs(dot - (p == q ? gain * gain : 0.0)));
    }
  return worst;
}

}  // namespace

class TestInitializers : public QObject {
  Q_OBJECT
 private slots:
  void constants() {
    QCOMPARE(generate("zeros", Shape{2, 3}), std::vector<float>(6, 0.0f));
    QCOMPARE(generate("ones", Shape{4}), std::vector<float>(4, 1.0f));
    QCOMPARE(generate({{"class_name", "Constant"}, {"config", {{"value", 2.5}}}}, Shape{3}), std::vector<float>(3, 2.5f));
  }

  void random_normal_matches_mean_and_stddev() {
    auto v = generate({{"class_name", "RandomNormal"}, {"config", {{"mean", 0.3}, {"stddev", 0.2}}}}, Shape{400, 500});
    Stats s = stats_of(v);
    QVERIFY(std::fabs(s.mean - 0.3) < 0.002);
    QVERIFY(std::fabs(s.stddev - 0.2) < 0.002);
    QVERIFY(s.max > 0.3 + 4 * 0.2 * 0.9);  // not truncated
    Stats d = stats_of(generate("random_normal", Shape{200000}));  // Keras defaults 0, 0.05
    QVERIFY(std::fabs(d.mean) < 0.001 && std::fabs(d.stddev - 0.05) < 0.001);
  }

  void random_uniform_stays_in_its_bounds() {
    auto v = generate({{"class_name", "RandomUniform"}, {"config", {{"minval", 1.0}, {"maxval", 3.0}}}}, Shape{200000});
    Stats s = stats_of(v);
    QVERIFY(s.min >= 1.0 && s.max < 3.0);
    QVERIFY(std::fabs(s.mean - 2.0) < 0.01);
    QVERIFY(std::fabs(s.stddev - 2.0 / std::sqrt(12.0)) < 0.005);
    expect_uniform(generate("uniform", Shape{200000}), 0.05);  // Keras's "uniform" alias and defaults
  }

  void truncated_normal_is_cut_at_two_stddev() {
    auto v = generate({{"class_name", "TruncatedNormal"}, {"config", {{"mean", 1.0}, {"stddev", 0.5}}}}, Shape{200000});
    Stats s = stats_of(v);
    QVERIFY(s.min >= 0.0 && s.max <= 2.0);
    QVERIFY(s.min < 0.01 && s.max > 1.99);
    QVERIFY(std::fabs(s.mean - 1.0) < 0.005);
    QVERIFY(std::fabs(s.stddev - 0.5 * kTruncatedStd) < 0.005);
  }

  void variance_scaling_presets_follow_keras() {
    const Shape dense{300, 500};  // fan_in 300, fan_out 500
    expect_uniform(generate("glorot_uniform", dense), std::sqrt(6.0 / 800));
    expect_truncated(generate("glorot_normal", dense), std::sqrt(2.0 / 800));
    expect_uniform(generate("he_uniform", dense), std::sqrt(6.0 / 300));
    expect_truncated(generate("he_normal", dense), std::sqrt(2.0 / 300));
    expect_uniform(generate("lecun_uniform", dense), std::sqrt(3.0 / 300));
    expect_truncated(generate("lecun_normal", dense), std::sqrt(1.0 / 300));
    // A conv kernel (3, 3, 64, 128): fan_in = 9 * 64, fan_out = 9 * 128.
    expect_truncated(generate("HeNormal", Shape{3, 3, 64, 128}), std::sqrt(2.0 / 576));
    expect_uniform(generate("GlorotUniform", Shape{3, 3, 64, 128}), std::sqrt(6.0 / (576 + 1152)));
  }

  void variance_scaling_modes_and_distributions() {
    auto vs = [](double scale, const char* mode, const char* dist) {
      return Config{{"class_name", "VarianceScaling"},
                    {"config", {{"scale", scale}, {"mode", mode}, {"distribution", dist}}}};
    };
    const Shape s{200, 1000};
    expect_uniform(generate(vs(3.0, "fan_out", "uniform"), s), std::sqrt(3.0 * 3.0 / 1000));
    Stats u = stats_of(generate(vs(0.5, "fan_avg", "untruncated_normal"), s));
    QVERIFY(std::fabs(u.stddev - std::sqrt(0.5 / 600)) < 0.01 * std::sqrt(0.5 / 600));
    QVERIFY(u.max > 3 * std::sqrt(0.5 / 600));  // not truncated
    expect_truncated(generate(vs(2.0, "fan_in", "normal"), s), std::sqrt(2.0 / 200));  // "normal" = truncated
    QCOMPARE(make_initializer(vs(2.0, "fan_in", "normal"))->config.at("distribution"), Config("truncated_normal"));
    // Explicit axes replace the fans: fan_in = 10 (axis 0), fan_out = 30 * 40.
    Config axes = {{"class_name", "VarianceScaling"},
                   {"config", {{"mode", "fan_in"}, {"distribution", "uniform"}, {"input_axes", {0}}, {"output_axes", {1, 2}}}}};
    expect_uniform(generate(axes, Shape{10, 30, 400}), std::sqrt(3.0 / 10));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_initializer(vs(0.0, "fan_in", "uniform")));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_initializer(vs(1.0, "fan_sum", "uniform")));
  }

  void seeds_reproduce_and_keys_differ() {
    auto init = make_initializer("glorot_uniform");
    QCOMPARE(init->generate(Shape{20, 30}, 11), init->generate(Shape{20, 30}, 11));
    QVERIFY(init->generate(Shape{20, 30}, 11) != init->generate(Shape{20, 30}, 12));
    // An explicit seed wins over the model's key: the same values for any key, as in Keras.
    for (const char* name : {"RandomNormal", "RandomUniform", "TruncatedNormal", "HeNormal", "Orthogonal"}) {
      auto seeded = make_initializer({{"class_name", name}, {"config", {{"seed", 42}}}});
      QCOMPARE(seeded->generate(Shape{8, 8}, 1), seeded->generate(Shape{8, 8}, 2));
      auto other = make_initializer({{"class_name", name}, {"config", {{"seed", 43}}}});
      QVERIFY(seeded->generate(Shape{8, 8}, 1) != other->generate(Shape{8, 8}, 1));
    }
  }

  void orthogonal_gives_orthonormal_rows_or_columns() {
    for (auto [rows, cols] : {std::pair<int64_t, int64_t>{6, 4}, {4, 6}, {5, 5}, {64, 256}}) {
      auto v = generate({{"class_name", "Orthogonal"}, {"config", {{"gain", 1.5}}}}, Shape{rows, cols});
      double err = orthogonality_error(v, rows, cols, 1.5);
      QVERIFY2(err < 1e-5, qPrintable(QString("%1x%2: %3").arg(rows).arg(cols).arg(err)));
    }
    // A conv kernel (3, 3, 2, 5) is the 18 x 5 matrix of its flattened leading axes.
    auto k = generate("orthogonal", Shape{3, 3, 2, 5});
    QVERIFY(orthogonality_error(k, 18, 5, 1.0) < 1e-5);
    QVERIFY_THROWS_EXCEPTION(ValueError, generate("orthogonal", Shape{5}));
  }

  void orthogonal_is_the_positive_diagonal_factor() {
    // Keras multiplies Q by sign(diag(R)), making A = QR with diag(R) > 0. The normal matrix A (5 x 3) is
    // the initializer's stream read column by column: A(r, c) = random_normal_at(key, c * 5 + r). Then
    // R = Q^T A must be upper triangular with a positive diagonal. A (3, 5) variable gets Q^T.
    for (bool wide : {false, true}) {
      auto out = generate("orthogonal", wide ? Shape{3, 5} : Shape{5, 3}, 99);
      auto q = [&](int r, int c) { return double(wide ? out[size_t(c * 5 + r)] : out[size_t(r * 3 + c)]); };
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
          double rij = 0;
          for (int k = 0; k < 5; ++k) rij += q(k, i) * double(random_normal_at(99, uint64_t(j * 5 + k)));
          if (i > j) QVERIFY2(std::fabs(rij) < 1e-5, qPrintable(QString("R(%1,%2) = %3").arg(i).arg(j).arg(rij)));
          if (i == j) QVERIFY2(rij > 0.05, qPrintable(QString("R(%1,%1) = %2").arg(i).arg(rij)));
        }
    }
  }

  void identity_is_two_dimensional_only() {
    auto v = generate({{"class_name", "Identity"}, {"config", {{"gain", 2.0}}}}, Shape{2, 3});
    QCOMPARE(v, (std::vector<float>{2, 0, 0, 0, 2, 0}));
    QCOMPARE(generate("IdentityInitializer", Shape{2, 2}), (std::vector<float>{1, 0, 0, 1}));
    QVERIFY_THROWS_EXCEPTION(ValueError, generate("identity", Shape{2, 2, 2}));
  }

  void fans_follow_keras() {
    Fans d = compute_fans(Shape{784, 10});
    QCOMPARE(d.fan_in, 784.0);
    QCOMPARE(d.fan_out, 10.0);
    Fans c = compute_fans(Shape{5, 5, 3, 16});
    QCOMPARE(c.fan_in, 75.0);
    QCOMPARE(c.fan_out, 400.0);
    Fans v = compute_fans(Shape{7});
    QCOMPARE(v.fan_in, 7.0);
    QCOMPARE(v.fan_out, 7.0);
  }

  void registry_speaks_keras() {
    auto& r = initializer_registry();
    for (const char* n : {"zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal",
                          "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal",
                          "orthogonal", "identity", "variance_scaling", "GlorotUniform", "VarianceScaling", "normal",
                          "zero", "one", "OrthogonalInitializer"})
      QVERIFY2(r.contains(n), n);
    auto g = make_initializer({{"class_name", "GlorotUniform"}, {"config", {{"seed", 1}}}});
    QCOMPARE(g->name, std::string("glorot_uniform"));
    QCOMPARE(g->config, (Config{{"seed", 1}, {"input_axes", nullptr}, {"output_axes", nullptr}}));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_initializer({{"class_name", "RandomNormal"}, {"config", {{"std", 1}}}}));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_initializer("glorot_uniformm"));
  }
};

QTEST_APPLESS_MAIN(TestInitializers)
#include "test_initializers.moc"
