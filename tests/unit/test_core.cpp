// Core: shapes, the registry's checks and messages, counter-based random numbers, and the OpenBLAS kernel.
#include <QtTest>

#include "backend/cpu/openblas.h"
#include "core/error.h"
#include "core/random.h"
#include "core/registry.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "layers/layer.h"

using namespace cornu;

class TestCore : public QObject {
  Q_OBJECT
 private slots:
  void shape_prints_like_keras() {
    QCOMPARE(QString::fromStdString(Shape({-1, 28, 28}).to_string()), QString("(None, 28, 28)"));
    QCOMPARE(QString::fromStdString(Shape({-1}).to_string()), QString("(None,)"));
    QCOMPARE(Shape({4, 3, 2}).sample_size(), int64_t(6));
    QVERIFY_THROWS_EXCEPTION(ShapeError, Shape({2, 3}).normalize_axis(2));
  }

  void openblas_uses_a_fast_kernel() {
    auto info = openblas::info();
    qInfo("OpenBLAS core %s (chosen by %s), %d threads", info.core.c_str(), info.chosen_by.c_str(), info.threads);
    if (openblas::cpu_has_avx2())
      QVERIFY2(!openblas::is_generic_core(info.core),
               ("OpenBLAS fell back to its generic kernel '" + info.core + "' on a CPU with AVX2").c_str());
  }

  void sgemm_is_correct() {
    // (2x3) * (3x2), both transposes
    std::vector<float> a{1, 2, 3, 4, 5, 6}, b{7, 8, 9, 10, 11, 12};
    std::vector<float> c(4, 0.0f);
    cpu_backend().gemm(false, false, 2, 2, 3, 1.0f, a.data(), 3, b.data(), 2, 0.0f, c.data(), 2);
    QCOMPARE(c, (std::vector<float>{58, 64, 139, 154}));
    std::vector<float> at{1, 4, 2, 5, 3, 6};  // a transposed, stored 3x2
    cpu_backend().gemm(true, false, 2, 2, 3, 1.0f, at.data(), 2, b.data(), 2, 0.0f, c.data(), 2);
    QCOMPARE(c, (std::vector<float>{58, 64, 139, 154}));
  }

  void random_is_counter_based_and_reasonable() {
    QCOMPARE(random_uniform_at(42, 7), random_uniform_at(42, 7));
    QVERIFY(random_uniform_at(42, 7) != random_uniform_at(43, 7));
    double mean = 0, sq = 0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
      double z = random_normal_at(5, static_cast<uint64_t>(i));
      mean += z, sq += z * z;
    }
    mean /= n;
    QVERIFY(std::fabs(mean) < 0.02);
    QVERIFY(std::fabs(sq / n - 1.0) < 0.02);
  }

  void config_is_checked_with_helpful_messages() {
    std::vector<ParamSpec> specs{{.name = "units", .type = ParamType::Int, .doc = "output size", .minimum = 1, .required = true},
                                 {.name = "activation", .type = ParamType::Activation, .default_value = nullptr, .doc = "activation"}};
    Config c = resolve_config("Dense", specs, {{"units", 3}});
    QCOMPARE(c["units"].get<int>(), 3);
    QVERIFY(c["activation"].is_null());
    try {
      resolve_config("Dense", specs, {{"unit", 3}});
      QFAIL("no error");
    } catch (const ValueError& e) {
      QVERIFY2(QString(e.what()).contains("Did you mean 'units'"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(ValueError, resolve_config("Dense", specs, {{"units", 0}}));
    QVERIFY_THROWS_EXCEPTION(ValueError, resolve_config("Dense", specs, Config::object()));
    QVERIFY_THROWS_EXCEPTION(ValueError, resolve_config("Dense", specs, {{"units", "ten"}}));
  }

  void snake_case_matches_keras() {
    QCOMPARE(QString::fromStdString(snake_case("Dense")), QString("dense"));
    QCOMPARE(QString::fromStdString(snake_case("LeakyReLU")), QString("leaky_re_lu"));
    QCOMPARE(QString::fromStdString(snake_case("PReLU")), QString("p_re_lu"));
    QCOMPARE(QString::fromStdString(snake_case("Conv2D")), QString("conv2d"));
    QCOMPARE(QString::fromStdString(snake_case("InputLayer")), QString("input_layer"));
    QCOMPARE(QString::fromStdString(snake_case("GaussianNoise")), QString("gaussian_noise"));
  }

  void tensors_share_and_slice() {
    Tensor t = Tensor::from_vector(Shape{3, 2}, std::vector<float>{1, 2, 3, 4, 5, 6});
    Tensor rows = t.slice_rows(1, 3);
    QCOMPARE(rows.to_vector(), (std::vector<float>{3, 4, 5, 6}));
    QCOMPARE(t.view(Shape{6}).shape(), Shape({6}));
    QVERIFY_THROWS_EXCEPTION(ShapeError, t.view(Shape{4}));
  }
};

QTEST_APPLESS_MAIN(TestCore)
#include "test_core.moc"
