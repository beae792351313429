// The generated teaching sets after scikit-learn (moons, circles, blobs): their geometry without noise,
// class balance, reproducibility per seed, and their registry entries as a project names them.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"
#include "error_message.h"
#include "test_datasets.h"
#include "data/builtin_datasets.h"
#include "data/synthetic.h"

using namespace cornu;
using test::value_error;
using namespace cornu::data;

using test::class_counts;

namespace {

// Rows come shuffled: the first ten hold more than one class.
bool first_rows_mixed(const ArrayDataset& d) {
  std::vector<int32_t> y = d.y.to_int_vector();
  return std::set<int32_t>(y.begin(), y.begin() + 10).size() > 1;
}

// The coordinates in sorted order: two sets differ by more than their shuffle when these differ.
std::vector<float> sorted_values(const ArrayDataset& d) {
  std::vector<float> v = d.x.to_vector();
  std::sort(v.begin(), v.end());
  return v;
}

// Mean of each class's points.
std::vector<Point2> class_means(const ArrayDataset& d, int classes) {
  std::vector<Point2> sums(static_cast<size_t>(classes), Point2{0, 0});
  std::vector<float> x = d.x.to_vector();
  std::vector<int32_t> y = d.y.to_int_vector();
  for (size_t i = 0; i < y.size(); ++i)
    for (size_t k = 0; k < 2; ++k) sums[static_cast<size_t>(y[i])][k] += x[2 * i + k];
  std::vector<int64_t> counts = class_counts(d.y, classes);
  for (size_t c = 0; c < sums.size(); ++c)
    for (float& v : sums[c]) v /= static_cast<float>(counts[c]);
  return sums;
}

}  // namespace

class TestGeneratedDatasets : public QObject {
  Q_OBJECT

 private slots:
  void moons_lie_on_their_half_circles() {
    ArrayDataset m = make_moons(201, 0.0f, 7);
    QCOMPARE(m.x.shape(), Shape({201, 2}));
    QCOMPARE(m.x.dtype(), DType::Float32);
    QCOMPARE(m.y.dtype(), DType::Int32);
    QCOMPARE(class_counts(m.y, 2), (std::vector<int64_t>{100, 101}));  // the odd point goes to class 1, as sklearn
    QVERIFY(first_rows_mixed(m));
    std::vector<float> p = m.x.to_vector();
    std::vector<int32_t> y = m.y.to_int_vector();
    int ends = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      const float x0 = p[2 * i], x1 = p[2 * i + 1];
      if (y[i] == 0) {  // upper half of the unit circle
        QVERIFY(std::fabs(std::hypot(x0, x1) - 1.0f) < 1e-5f);
        QVERIFY(x1 >= -1e-6f);
      } else {  // lower half of the unit circle around (1, 0.5)
        QVERIFY(std::fabs(std::hypot(x0 - 1.0f, x1 - 0.5f) - 1.0f) < 1e-5f);
        QVERIFY(x1 <= 0.5f + 1e-6f);
      }
      ends += std::fabs(std::fabs(x0 - float(y[i])) - 1.0f) < 1e-6f && std::fabs(x1 - 0.5f * float(y[i])) < 1e-6f;
    }
    QCOMPARE(ends, 4);  // both ends of both arcs are reached, as linspace(0, pi) does
  }

  void circles_lie_at_radius_one_and_factor() {
    ArrayDataset c = make_circles(300, 0.0f, 0.3f, 5);
    QCOMPARE(c.x.shape(), Shape({300, 2}));
    QCOMPARE(class_counts(c.y, 2), (std::vector<int64_t>{150, 150}));
    QVERIFY(first_rows_mixed(c));
    std::vector<float> p = c.x.to_vector();
    std::vector<int32_t> y = c.y.to_int_vector();
    std::set<std::pair<int, int>> distinct;
    for (size_t i = 0; i < y.size(); ++i) {
      const float radius = std::hypot(p[2 * i], p[2 * i + 1]);
      QVERIFY2(std::fabs(radius - (y[i] == 0 ? 1.0f : 0.3f)) < 1e-5f, qPrintable(QString::number(radius)));
      distinct.insert({int(std::lround(p[2 * i] * 1e4f)), int(std::lround(p[2 * i + 1] * 1e4f))});
    }
    QCOMPARE(distinct.size(), size_t(300));  // no point repeated: the circle's end point is left out
    QCOMPARE(class_counts(make_circles(7, 0.1f, 0.5f, 1).y, 2), (std::vector<int64_t>{3, 4}));

    QVERIFY(value_error([] { make_circles(10, 0.1f, 1.0f, 1); }).contains("0 <= factor < 1"));
    QVERIFY(value_error([] { make_circles(10, 0.1f, -0.2f, 1); }).contains("factor=-0.2"));
  }

  void blobs_gather_around_their_centres() {
    std::vector<Point2> centres = blob_centres(3, 11);
    QCOMPARE(centres.size(), size_t(3));
    for (const Point2& c : centres)
      for (float v : c) QVERIFY(v >= -10.0f && v <= 10.0f);
    QVERIFY(centres[0] != centres[1] && centres[1] != centres[2]);
    QCOMPARE(blob_centres(3, 11), centres);
    QVERIFY(blob_centres(3, 12) != centres);

    ArrayDataset b = make_blobs(1000, centres, 0.5f, 11);
    QCOMPARE(b.x.shape(), Shape({1000, 2}));
    QCOMPARE(class_counts(b.y, 3), (std::vector<int64_t>{334, 333, 333}));  // the remainder to the first blobs
    QVERIFY(first_rows_mixed(b));
    std::vector<Point2> means = class_means(b, 3);
    for (size_t k = 0; k < 3; ++k)
      for (size_t d = 0; d < 2; ++d) QVERIFY(std::fabs(means[k][d] - centres[k][d]) < 0.15f);

    // Without spread every point is its centre.
    ArrayDataset exact = make_blobs(10, {{1.5f, -2.0f}, {-3.0f, 4.0f}}, 0.0f, 2);
    std::vector<float> p = exact.x.to_vector();
    std::vector<int32_t> y = exact.y.to_int_vector();
    for (size_t i = 0; i < y.size(); ++i) {
      QCOMPARE(p[2 * i], y[i] ? -3.0f : 1.5f);
      QCOMPARE(p[2 * i + 1], y[i] ? 4.0f : -2.0f);
    }

    QVERIFY(value_error([] { blob_centres(1, 1); }).contains("between 2 and 10 centres"));
    QVERIFY(value_error([] { blob_centres(11, 1); }).contains("got 11"));
    QVERIFY(value_error([&] { make_blobs(10, centres, -1.0f, 1); }).contains("cluster_std >= 0"));
    QVERIFY(value_error([] { make_blobs(10, {}, 1.0f, 1); }).contains("at least one centre"));
  }

  void sine_follows_its_curve_and_its_noise() {
    const data::ArrayDataset exact = data::make_sine(500, 0.0f, 2.0f, 3);
    QCOMPARE(exact.x.shape(), Shape({500, 1}));
    QCOMPARE(exact.y.shape(), Shape({500, 1}));
    QCOMPARE(exact.y.dtype(), DType::Float32);
    const std::vector<float> x = exact.x.to_vector(), y = exact.y.to_vector();
    float lo = 10, hi = -10;
    for (size_t i = 0; i < x.size(); ++i) {
      QVERIFY(std::abs(y[i] - std::sin(2.0f * x[i])) < 1e-6f);
      lo = std::min(lo, x[i]), hi = std::max(hi, x[i]);
    }
    QVERIFY(lo >= -3.1416f && lo < -3.0f && hi <= 3.1416f && hi > 3.0f);  // spread over [-pi, pi]
    const data::ArrayDataset noisy = data::make_sine(20000, 0.1f, 2.0f, 3);
    const std::vector<float> nx = noisy.x.to_vector(), ny = noisy.y.to_vector();
    double sum = 0, squares = 0;
    for (size_t i = 0; i < nx.size(); ++i) {
      const double e = ny[i] - std::sin(2.0 * nx[i]);
      sum += e, squares += e * e;
    }
    const double mean = sum / nx.size(), sd = std::sqrt(squares / nx.size() - mean * mean);
    QVERIFY2(std::abs(mean) < 0.005 && std::abs(sd - 0.1) < 0.005, qPrintable(QString("%1 %2").arg(mean).arg(sd)));
    QCOMPARE(data::make_sine(50, 0.1f, 1.0f, 9).y.to_vector(), data::make_sine(50, 0.1f, 1.0f, 9).y.to_vector());
    QVERIFY(data::make_sine(50, 0.1f, 1.0f, 9).x.to_vector() != data::make_sine(50, 0.1f, 1.0f, 10).x.to_vector());
    QVERIFY_THROWS_EXCEPTION(ValueError, data::make_sine(0, 0.1f, 1.0f, 1));
  }

  void noise_is_the_standard_deviation_of_the_jitter() {
    // The shuffle depends on the seed alone, so rows of a noisy set and its noise-free twin pair up.
    std::vector<float> clean = make_moons(2000, 0.0f, 3).x.to_vector(), noisy = make_moons(2000, 0.2f, 3).x.to_vector();
    double sum = 0, squares = 0;
    for (size_t i = 0; i < clean.size(); ++i) {
      const double d = noisy[i] - clean[i];
      sum += d, squares += d * d;
    }
    const double n = static_cast<double>(clean.size()), mean = sum / n;
    QVERIFY(std::fabs(mean) < 0.02);
    QVERIFY(std::fabs(std::sqrt(squares / n - mean * mean) - 0.2) < 0.01);
  }

  void each_seed_gives_its_own_reproducible_set() {
    QCOMPARE(make_moons(100, 0.1f, 4).x.to_vector(), make_moons(100, 0.1f, 4).x.to_vector());
    QCOMPARE(make_moons(100, 0.1f, 4).y.to_int_vector(), make_moons(100, 0.1f, 4).y.to_int_vector());
    QVERIFY(sorted_values(make_moons(100, 0.1f, 4)) != sorted_values(make_moons(100, 0.1f, 5)));
    QCOMPARE(make_circles(100, 0.1f, 0.5f, 4).x.to_vector(), make_circles(100, 0.1f, 0.5f, 4).x.to_vector());
    QVERIFY(sorted_values(make_circles(100, 0.1f, 0.5f, 4)) != sorted_values(make_circles(100, 0.1f, 0.5f, 5)));
    std::vector<Point2> centres = blob_centres(4, 9);
    QCOMPARE(make_blobs(100, centres, 1.0f, 4).x.to_vector(), make_blobs(100, centres, 1.0f, 4).x.to_vector());
    QVERIFY(sorted_values(make_blobs(100, centres, 1.0f, 4)) != sorted_values(make_blobs(100, centres, 1.0f, 5)));

    QVERIFY(value_error([] { make_moons(0, 0.1f, 1); }).contains("make_moons needs at least one sample"));
    QVERIFY(value_error([] { make_moons(10, -0.5f, 1); }).contains("noise >= 0"));
    QVERIFY(value_error([] { make_circles(-3, 0.1f, 0.5f, 1); }).contains("samples=-3"));
    QVERIFY(value_error([] { make_blobs(0, {{0, 0}, {1, 1}}, 1.0f, 1); }).contains("samples=0"));
  }

  void the_registry_describes_and_loads_them() {
    for (const char* name : {"moons", "circles", "blobs"}) {
      const DatasetEntry& entry = find_dataset(name);
      QVERIFY(!entry.doc.empty());
      std::set<std::string> names;
      for (const ParamSpec& p : entry.params) {
        names.insert(p.name);
        QVERIFY2(!p.doc.empty(), p.name.c_str());
        // Every setting of its own is a number with a range; `normalization` is the registry's common Enum
        // (test_dataset_files checks it).
        if (p.name != "normalization") QVERIFY2(p.minimum.has_value(), p.name.c_str());
      }
      for (const char* common : {"samples", "test_samples", "seed", "normalization"}) QVERIFY2(names.count(common), common);
      QCOMPARE(names.count("noise"), size_t(std::string(name) == "blobs" ? 0 : 1));
      DatasetInfo info = dataset_info({{"name", name}});
      QCOMPARE(info.sample_shape, Shape({2}));
      QCOMPARE(info.labels, LabelKind::Classes);
      QCOMPARE(int(info.class_names.size()), info.classes);
    }
    QCOMPARE(dataset_info({{"name", "moons"}}).classes, 2);
    QCOMPARE(dataset_info({{"name", "circles"}}).classes, 2);
    QCOMPARE(dataset_info({{"name", "blobs"}}).classes, 3);
    QCOMPARE(dataset_info({{"name", "blobs"}, {"centers", 7}}).classes, 7);

    TrainTest circles = load_dataset({{"name", "circles"}, {"samples", 100}, {"test_samples", 30}, {"noise", 0.0},
                                      {"factor", 0.25}});
    QCOMPARE(circles.train.x.shape(), Shape({100, 2}));
    QCOMPARE(circles.test.x.shape(), Shape({30, 2}));
    QCOMPARE(circles.class_names, (std::vector<std::string>{"outer", "inner"}));
    std::vector<float> p = circles.test.x.to_vector();
    for (size_t i = 0; i < p.size(); i += 2) {
      const float r = std::hypot(p[i], p[i + 1]);
      QVERIFY(std::fabs(r - 1.0f) < 1e-5f || std::fabs(r - 0.25f) < 1e-5f);
    }

    // The test blobs sit around the training set's centres; only their points differ.
    TrainTest blobs = load_dataset({{"name", "blobs"}, {"centers", 4}, {"samples", 800}, {"test_samples", 400},
                                    {"cluster_std", 0.3}, {"seed", 6}});
    QCOMPARE(blobs.train.x.shape(), Shape({800, 2}));
    QCOMPARE(blobs.class_names.size(), size_t(4));
    QVERIFY(sorted_values(blobs.train) != sorted_values(blobs.test));
    std::vector<Point2> centres = blob_centres(4, 6), test_means = class_means(blobs.test, 4);
    for (size_t k = 0; k < 4; ++k)
      for (size_t d = 0; d < 2; ++d) QVERIFY(std::fabs(test_means[k][d] - centres[k][d]) < 0.1f);

    QVERIFY(value_error([] { load_dataset({{"name", "circles"}, {"factor", 1.5}}); }).contains("factor"));
    QVERIFY(value_error([] { load_dataset({{"name", "blobs"}, {"centers", 11}}); }).contains("centers"));
    QVERIFY(value_error([] { load_dataset({{"name", "blobs"}, {"noise", 0.1}}); }).contains("noise"));
    QVERIFY(value_error([] { load_dataset({{"name", "moons"}, {"noise", -1}}); }).contains("noise"));
    QVERIFY(value_error([] { load_dataset({{"name", "moon"}}); }).contains("Did you mean 'moons'"));
  }
};

QTEST_APPLESS_MAIN(TestGeneratedDatasets)
#include "test_generated_datasets.moc"
