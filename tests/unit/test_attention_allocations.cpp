// No allocation in the steady training step of the attention layers and TimeDistributed (as
// test_step_allocations does for the core layers): fit on N batches and, fresh with the same seed, on 4N; the
// 3N extra steps must not add a single `operator new`.
#include <QtTest>

#include <functional>

#include "cornu.h"

#include "allocation_counter.h"

using namespace cornu;
using namespace cornu::layers;

namespace {

constexpr int kBatch = 4;
constexpr int64_t kFewBatches = 3;

Tensor random_tensor(const Shape& s, uint64_t key) {
  std::vector<float> v(static_cast<size_t>(s.size()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = random_normal_at(key, i);
  return Tensor::from_vector(s, v);
}

// Input (5, 6) -> `body` -> Flatten -> Dense(1), compiled with adam and mse.
std::shared_ptr<Model> model_around(const std::function<SymbolicTensor(const SymbolicTensor&)>& body) {
  auto x = Input(Shape{5, 6});
  auto y = Dense(1)(Flatten()(body(x)));
  auto m = std::make_shared<Model>(std::vector{x}, std::vector{y});
  m->compile("adam", "mse");
  return m;
}

long long allocations_for(const std::function<std::shared_ptr<Model>()>& make, int64_t batches) {
  set_random_seed(17);
  auto model = make();
  const int64_t samples = batches * kBatch;
  const Tensor x = random_tensor(Shape{samples, 5, 6}, 100), y = random_tensor(Shape{samples, 1}, 7);
  const long long start = g_allocations;
  model->fit(x, y, {.epochs = 1, .batch_size = kBatch, .verbose = 0});
  return g_allocations - start;
}

void expect_steady(const char* what, const std::function<std::shared_ptr<Model>()>& make) {
  const long long few = allocations_for(make, kFewBatches), many = allocations_for(make, 4 * kFewBatches);
  QVERIFY2(few > 0, "The counter saw no allocation at all: operator new is not the one counted.");
  QVERIFY2(few == many, (std::string(what) + ": " + std::to_string(3 * kFewBatches) + " more steps made " +
                         std::to_string(many - few) + " more allocations.")
                            .c_str());
}

}  // namespace

class TestAttentionAllocations : public QObject {
  Q_OBJECT
 private slots:
  void multi_head_attention_with_dropout_and_causal_mask() {
    expect_steady("MultiHeadAttention", [] {
      return model_around([](const SymbolicTensor& x) {
        return make("MultiHeadAttention", {{"num_heads", 2}, {"key_dim", 3}, {"value_dim", 2}, {"dropout", 0.2},
                                           {"use_causal_mask", true}})({x, x});
      });
    });
  }

  void attention_and_additive_attention() {
    expect_steady("Attention", [] {
      return model_around([](const SymbolicTensor& x) {
        return make("Attention", {{"score_mode", "concat"}, {"use_scale", true}, {"dropout", 0.2}})({x, x});
      });
    });
    expect_steady("AdditiveAttention", [] {
      return model_around([](const SymbolicTensor& x) { return make("AdditiveAttention")({x, x, x}); });
    });
  }

  void time_distributed_dense() {
    expect_steady("TimeDistributed", [] {
      return model_around([](const SymbolicTensor& x) {
        return make("TimeDistributed", {{"layer", {{"class_name", "Dense"}, {"config", {{"units", 3}}}}}})(x);
      });
    });
  }
};

QTEST_APPLESS_MAIN(TestAttentionAllocations)
#include "test_attention_allocations.moc"
