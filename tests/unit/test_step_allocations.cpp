// No allocation in the steady training step, layer by layer: a weight constraint, the confusion-count
// metrics (precision, recall, AUC), Permute, Softmax on an inner axis, Dot (2-D and 3-D, normalized),
// PReLU with shared axes and ActivityRegularization. Each model is trained on N batches and, fresh with
// the same seed, on 4N batches: the 3N extra steps must not add a single `operator new`.
#include <QtTest>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>

#include "cornu.h"

#include "allocation_counter.h"

using namespace cornu;
using namespace cornu::layers;

namespace {

constexpr int kBatch = 8;
constexpr int64_t kFewBatches = 3;

Tensor random_tensor(const Shape& s, uint64_t key) {
  std::vector<float> v(static_cast<size_t>(s.size()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = random_normal_at(key, i);
  return Tensor::from_vector(s, v);
}

// Targets 0 or 1 in a (samples, 1) tensor, for the binary metrics.
Tensor binary_targets(int64_t samples, uint64_t key) {
  std::vector<float> v(static_cast<size_t>(samples));
  for (size_t i = 0; i < v.size(); ++i) v[i] = random_uniform_at(key, i) > 0.5f ? 1.0f : 0.0f;
  return Tensor::from_vector(Shape{samples, 1}, v);
}

// A compiled model and its inputs' sample shapes; the targets are (samples, outputs).
struct Setup {
  std::shared_ptr<Model> model;
  std::vector<Shape> input_samples;
  bool binary = false;  // 0/1 targets instead of normal ones
};

// Allocations made by one fit over `batches` batches of a model made by `make` (seeded the same every time).
long long allocations_for(const std::function<Setup()>& make, int64_t batches) {
  set_random_seed(17);
  Setup s = make();
  const int64_t samples = batches * kBatch;
  std::vector<Tensor> x;
  for (size_t i = 0; i < s.input_samples.size(); ++i)
    x.push_back(random_tensor(Shape::batched(s.input_samples[i], samples), 100 + i));
  Tensor y = s.binary ? binary_targets(samples, 7) : random_tensor(Shape{samples, 1}, 7);
  const long long start = g_allocations;
  s.model->fit(x, {y}, {.epochs = 1, .batch_size = kBatch, .verbose = 0});
  return g_allocations - start;
}

// Fails with the number of extra allocations when 4N batches allocate more than N.
void expect_steady(const char* what, const std::function<Setup()>& make) {
  const long long few = allocations_for(make, kFewBatches), many = allocations_for(make, 4 * kFewBatches);
  QVERIFY2(few > 0, "The counter saw no allocation at all: operator new is not the one counted.");
  QVERIFY2(few == many, (std::string(what) + ": " + std::to_string(3 * kFewBatches) + " more steps made " +
                         std::to_string(many - few) + " more allocations.")
                            .c_str());
}

// Input (sample shape) -> Flatten -> Dense -> Reshape (so that `body` gets input gradients too) -> `body`
// layers -> Flatten -> Dense(1), compiled with adam and mse.
Setup sequential(const Shape& sample, const std::vector<LayerPtr>& body) {
  auto m = std::make_shared<Sequential>();
  m->add(Input(sample));
  m->add(Flatten());
  m->add(Dense(sample.size()));
  m->add(make("Reshape", {{"target_shape", sample.dims()}}));
  for (const auto& layer : body) m->add(layer);
  m->add(Flatten());
  m->add(Dense(1));
  m->compile("adam", "mse");
  return {m, {sample}};
}

// Two inputs -> Dot(axes, normalize=true) -> Flatten -> Dense(1).
Setup dot_model(const Shape& a_sample, const Shape& b_sample, const Config& axes) {
  auto a = Input(a_sample), b = Input(b_sample);
  auto d = make("Dot", {{"axes", axes}, {"normalize", true}})({a, b});
  auto out = Dense(1)(Flatten()(d));
  auto m = std::make_shared<Model>(std::vector{a, b}, std::vector{out});
  m->compile("adam", "mse");
  return {m, {a_sample, b_sample}};
}

}  // namespace

class TestStepAllocations : public QObject {
  Q_OBJECT

 private slots:
  void max_norm_constraint() {
    expect_steady("max_norm", [] {
      Config max_norm{{"class_name", "MaxNorm"}, {"config", {{"max_value", 0.5}}}};
      return sequential(Shape{6}, {Dense(5, {{"activation", "relu"}, {"kernel_constraint", max_norm}})});
    });
  }

  void precision_recall_auc_metrics() {
    expect_steady("precision, recall and auc", [] {
      auto m = std::make_shared<Sequential>();
      m->add(Input(Shape{4}));
      m->add(Dense(1, "sigmoid"));
      m->compile("adam", "binary_crossentropy", {"precision", "recall", "auc"});
      return Setup{m, {Shape{4}}, true};
    });
    // A PR curve summed by majoring takes the other path through AUC's result().
    expect_steady("auc (PR, majoring)", [] {
      auto m = std::make_shared<Sequential>();
      m->add(Input(Shape{4}));
      m->add(Dense(1, "sigmoid"));
      Config pr{{"class_name", "AUC"}, {"config", {{"curve", "PR"}, {"summation_method", "majoring"}}}};
      m->compile("adam", "binary_crossentropy", {pr});
      return Setup{m, {Shape{4}}, true};
    });
  }

  void permute() {
    expect_steady("Permute", [] { return sequential(Shape{3, 4}, {make("Permute", {{"dims", {2, 1}}})}); });
  }

  void softmax_on_an_inner_axis() {
    expect_steady("Softmax(axis=1)", [] {
      return sequential(Shape{3, 4}, {make("Softmax", {{"axis", 1}})});
    });
  }

  void dot_normalized() {
    expect_steady("Dot 2-D", [] { return dot_model(Shape{6}, Shape{6}, 1); });
    // Both contracted along axis 1 of a rank-3 input: both are transposed through permute.
    expect_steady("Dot 3-D", [] { return dot_model(Shape{3, 4}, Shape{3, 5}, {1, 1}); });
  }

  void prelu_with_shared_axes() {
    expect_steady("PReLU(shared_axes=[1])", [] {
      return sequential(Shape{3, 4}, {make("PReLU", {{"shared_axes", {1}}, {"alpha_initializer", "ones"}})});
    });
    expect_steady("PReLU(shared_axes=[1, 2])", [] {
      return sequential(Shape{2, 3, 4}, {make("PReLU", {{"shared_axes", {1, 2}}})});
    });
  }

  void activity_regularization() {
    expect_steady("ActivityRegularization", [] {
      return sequential(Shape{6}, {Dense(5, "tanh"), make("ActivityRegularization", {{"l1", 0.01}, {"l2", 0.02}})});
    });
  }
};

QTEST_APPLESS_MAIN(TestStepAllocations)
#include "test_step_allocations.moc"
