// Models: Sequential and functional graphs (shared layers, several inputs and outputs, nesting), the
// training loop end to end (a whole-model gradient check through fit's own step), determinism,
// weights, callbacks, the summary, errors, and no allocation in the steady training step.
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <new>

#include "cornu.h"

#include "allocation_counter.h"

using namespace cornu;
using namespace cornu::layers;

namespace {

Tensor random_tensor(const Shape& s, uint64_t key, float scale = 1.0f) {
  std::vector<float> v(static_cast<size_t>(s.size()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = scale * random_normal_at(key, i);
  return Tensor::from_vector(s, v);
}

// Labels: class of the largest of the first `classes` features (learnable, deterministic).
Tensor argmax_labels(const Tensor& x, int classes) {
  auto v = x.to_vector();
  std::vector<int32_t> y(static_cast<size_t>(x.rows()));
  for (int64_t r = 0; r < x.rows(); ++r) {
    const float* row = v.data() + r * x.cols();
    y[static_cast<size_t>(r)] = static_cast<int32_t>(std::max_element(row, row + classes) - row);
  }
  return Tensor::from_vector(Shape{x.rows()}, y);
}

Config sgd(double lr) { return {{"class_name", "SGD"}, {"config", {{"learning_rate", lr}}}}; }

// Masks through the execution plan, with two layers of the test's own: one makes a mask (a step is kept where
// its first feature is non-zero, as Masking(0) would), one writes the mask it receives as its output.
class MaskMaker final : public Layer {
 public:
  MaskMaker() : Layer("MaskMaker", Config::object()) {}
  Shapes compute_output_shape(const Shapes& in) const override { return in; }
  std::vector<int> output_mask_sources(const std::vector<bool>&, size_t n) const override {
    return std::vector<int>(n, kOwnMask);
  }
  void compute_mask(Context&, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& masks) override {
    const auto v = x[0]->to_vector();
    const int64_t steps = x[0]->shape()[1], features = x[0]->shape()[2];
    std::vector<float> m(static_cast<size_t>(x[0]->shape()[0] * steps));
    for (size_t i = 0; i < m.size(); ++i) m[i] = v[i * static_cast<size_t>(features)] != 0.0f ? 1.0f : 0.0f;
    masks[0]->copy_from_host(m.data(), m.size() * sizeof(float));
  }
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    ctx.backend().copy(y[0]->data(), x[0]->data(), static_cast<size_t>(x[0]->size()) * sizeof(float));
  }
  void backward(Context&, const std::vector<const Tensor*>&, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>&, const std::vector<Tensor*>&) override {}
};

class MaskReader final : public Layer {
 public:
  MaskReader() : Layer("MaskReader", Config::object()) {}
  Shapes compute_output_shape(const Shapes& in) const override { return {Shape{in[0][0], in[0][1]}}; }
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    const Tensor* mask = ctx.input_mask(0);
    if (mask) ctx.backend().copy(y[0]->data(), mask->data(), static_cast<size_t>(mask->size()) * sizeof(float));
    else ctx.backend().fill(y[0]->data(), y[0]->size(), -1.0f);
  }
  void backward(Context&, const std::vector<const Tensor*>&, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>&, const std::vector<Tensor*>&) override {}
};

}  // namespace

class TestModel : public QObject {
  Q_OBJECT
 private slots:
  void masks_flow_through_layers_that_support_them() {
    auto in = Input({3, 2});
    auto masked = call_layer(std::make_shared<MaskMaker>(), {in});
    auto dropped = Dropout(0.5)(masked.at(0));       // supports masking: passes the mask on
    auto seen = call_layer(std::make_shared<MaskReader>(), {dropped});
    auto flat = Flatten()(masked.at(0));               // does not: the mask ends here
    auto unseen = call_layer(std::make_shared<MaskReader>(), {make("Reshape", {{"target_shape", {3, 2}}})(flat)});
    Model model({in}, {seen.at(0), unseen.at(0)});
    Tensor x = Tensor::from_vector(Shape{2, 3, 2}, std::vector<float>{1, 5, 0, 5, 2, 5, 0, 0, 0, 1, 3, 3});
    auto y = model.predict(std::vector<Tensor>{x});
    QCOMPARE(y[0].to_vector(), (std::vector<float>{1, 0, 1, 0, 0, 1}));
    QCOMPARE(y[1].to_vector(), (std::vector<float>(6, -1.0f)));
  }

  void sequential_learns() {
    set_random_seed(1);
    Sequential model;
    model.add(Input(Shape{8}));
    model.add(Dense(32, "relu"));
    model.add(Dense(4, "softmax"));
    model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
    Tensor x = random_tensor(Shape{512, 8}, 3);
    Tensor y = argmax_labels(x, 4);
    History h = model.fit(x, y, {.epochs = 40, .batch_size = 32, .verbose = 0});
    QCOMPARE(h.epoch.size(), size_t(40));
    QVERIFY(h.history["loss"].back() < 0.5 * h.history["loss"].front());
    Logs e = model.evaluate(x, y, {.verbose = 0});
    QVERIFY2(e["accuracy"] > 0.9, std::to_string(e["accuracy"]).c_str());
    QCOMPARE(model.predict_classes(x).shape(), Shape({512}));
    QCOMPARE(model.count_params(), int64_t(8 * 32 + 32 + 32 * 4 + 4));
  }

  // The whole model's gradient, read back from one plain SGD step (w_new = w - g with learning rate 1),
  // against central differences of the loss that evaluate() reports. Covers fan-out accumulation,
  // shared layers, several inputs and outputs and loss weights at once.
  void functional_gradients_match_finite_differences() {
    set_random_seed(5);
    auto a = Input(Shape{6}, "a");
    auto b = Input(Shape{6}, "b");
    LayerHandle shared = Dense(5, "tanh");
    auto ha = shared(a), hb = shared(b);  // one layer, two calls
    auto merged = make("Concatenate")({ha, hb});
    auto added = make("Add")({ha, hb});
    auto out1 = make("Dense", {{"units", 3}, {"activation", "softmax"}, {"name", "class_out"}})(merged);
    auto out2 = make("Dense", {{"units", 2}, {"name", "value_out"}})(added);
    Model model({a, b}, {out1, out2});
    CompileOptions c;
    c.optimizer = sgd(1.0);
    c.loss = {"categorical_crossentropy", "mse"};
    c.loss_weights = {1.0, 0.5};
    model.compile(c);
    const int64_t n = 8;
    std::vector<Tensor> x{random_tensor(Shape{n, 6}, 11), random_tensor(Shape{n, 6}, 12)};
    std::vector<float> onehot(static_cast<size_t>(n * 3), 0.0f);
    for (int64_t i = 0; i < n; ++i) onehot[static_cast<size_t>(i * 3 + i % 3)] = 1.0f;
    std::vector<Tensor> y{Tensor::from_vector(Shape{n, 3}, onehot), random_tensor(Shape{n, 2}, 13)};

    auto before = model.get_weights();
    model.train_on_batch(x, y);
    auto after = model.get_weights();
    model.set_weights(before);
    auto vars = model.all_variables();
    QCOMPARE(vars.size(), size_t(6));  // shared kernel+bias once, two output Dense layers
    const double eps = 1e-3;
    for (size_t v = 0; v < vars.size(); ++v) {
      auto w0 = before[v].to_vector(), w1 = after[v].to_vector();
      for (size_t k = 0; k < w0.size(); k += 3) {
        double analytic = w0[k] - w1[k];
        auto probe = [&](double delta) {
          auto w = before;
          auto values = w[v].to_vector();
          values[k] = static_cast<float>(values[k] + delta);
          w[v] = Tensor::from_vector(w[v].shape(), values);
          model.set_weights(w);
          return model.test_on_batch(x, y)["loss"];
        };
        double numeric = (probe(eps) - probe(-eps)) / (2 * eps);
        double err = std::fabs(analytic - numeric) / std::max({1.0, std::fabs(analytic), std::fabs(numeric)});
        QVERIFY2(err < 2e-2, (vars[v]->name + "[" + std::to_string(k) + "]: " + std::to_string(analytic) + " vs " +
                              std::to_string(numeric)).c_str());
      }
    }
    auto logs = model.test_on_batch(x, y);
    QVERIFY(logs.count("class_out_loss") && logs.count("value_out_loss"));
    QVERIFY(std::fabs(logs["loss"] - (logs["class_out_loss"] + 0.5 * logs["value_out_loss"])) < 1e-5);
  }

  void one_seed_reproduces_a_run() {
    auto run = [](uint64_t seed) {
      set_random_seed(seed);
      Sequential model;
      model.add(Input(Shape{8}));
      model.add(Dense(16, "relu"));
      model.add(Dropout(0.3));
      model.add(Dense(4, "softmax"));
      model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
      Tensor x = random_tensor(Shape{200, 8}, 3);
      return model.fit(x, argmax_labels(x, 4), {.epochs = 3, .batch_size = 16, .verbose = 0}).history["loss"];
    };
    QCOMPARE(run(7), run(7));  // initial weights, dropout masks and shuffling all follow the seed
    QVERIFY(run(7) != run(8));
  }

  void nested_model_is_a_layer() {
    set_random_seed(2);
    auto inner = std::make_shared<Sequential>("block");
    inner->add(Input(Shape{4}));
    inner->add(Dense(6, "relu"));
    inner->add(Dense(4));
    auto x = Input(Shape{4});
    auto h = LayerHandle(inner)(x);
    auto h2 = LayerHandle(inner)(h);  // the same nested model twice: weights shared
    auto y = Dense(1)(h2);
    Model model({x}, {y});
    QCOMPARE(model.count_params(), inner->count_params() + 5);
    model.compile(sgd(0.05), "mse");
    Tensor data = random_tensor(Shape{64, 4}, 9);
    Tensor target = random_tensor(Shape{64, 1}, 10, 0.1f);
    auto h_fit = model.fit(data, target, {.epochs = 20, .batch_size = 16, .verbose = 0});
    QVERIFY(h_fit.history["loss"].back() < h_fit.history["loss"].front());
    QVERIFY(QString::fromStdString(model.summary()).contains("block (Sequential)"));
  }

  void summary_looks_like_keras() {
    set_random_seed(1);
    Sequential seq("mlp");
    seq.add(Input(Shape{784}));
    seq.add(Dense(64, "relu"));
    seq.add(Dense(10, "softmax"));
    QString s = QString::fromStdString(seq.summary());
    QVERIFY2(s.contains("Model: \"mlp\""), qPrintable(s));
    QVERIFY2(s.contains("(None, 64)"), qPrintable(s));
    QVERIFY2(s.contains("50,240"), qPrintable(s));
    QVERIFY2(s.contains("Total params: 50,890 (198.79 KB)"), qPrintable(s));
    auto a = Input(Shape{3}, "left");
    auto b = Input(Shape{3}, "right");
    auto sum = make("Add", {{"name", "sum"}})({a, b});
    Model f({a, b}, {sum}, "graph");
    QString g = QString::fromStdString(f.summary());
    QVERIFY2(g.contains("Connected to") && g.contains("left[0][0], right[0][0]"), qPrintable(g));
  }

  void weights_round_trip_and_checks() {
    set_random_seed(3);
    Sequential model;
    model.add(Input(Shape{5}));
    model.add(Dense(3));
    auto w = model.get_weights();
    QCOMPARE(w.size(), size_t(2));
    QCOMPARE(w[0].shape(), Shape({5, 3}));
    w[1] = Tensor::from_vector(Shape{3}, std::vector<float>{1, 2, 3});
    model.set_weights(w);
    QCOMPARE(model.get_weights()[1].to_vector(), (std::vector<float>{1, 2, 3}));
    QVERIFY_THROWS_EXCEPTION(ShapeError, model.set_weights({w[1], w[0]}));
    QTemporaryDir dir;
    std::string path = (dir.path() + "/m.weights.h5").toStdString();
    save_weights(model, path);
    model.set_weights({w[0], Tensor::zeros(Shape{3})});
    load_weights(model, path);
    QCOMPARE(model.get_weights()[1].to_vector(), (std::vector<float>{1, 2, 3}));
    Sequential other;
    other.add(Input(Shape{4}));
    other.add(Dense(3));
    QVERIFY_THROWS_EXCEPTION(IoError, load_weights(other, path));
    QVERIFY_THROWS_EXCEPTION(IoError, load_weights(model, (dir.path() + "/missing.h5").toStdString()));
  }

  void errors_explain_what_to_do() {
    set_random_seed(1);
    Sequential model;
    model.add(Input(Shape{28, 28}));
    {  // A Dense acts on the last axis, as in Keras ((None, 28, 28) is legal): it needs to know that axis's size.
      Sequential unknown_width;
      unknown_width.add(Input(Shape{28, Shape::kNone}));
      try {
        unknown_width.add(Dense(10));
        QFAIL("Dense accepted (None, 28, None)");
      } catch (const ShapeError& e) {
        QVERIFY2(QString(e.what()).contains("Give that axis a size in the Input shape"), e.what());
      }
      QCOMPARE(unknown_width.stack().size(), size_t(0));  // a failed add leaves the model as it was
    }
    model.add(Flatten());
    model.add(Dense(10, "softmax"));
    model.compile("adam", "categorical_crossentropy");
    Tensor x = random_tensor(Shape{4, 28, 28}, 1);
    Tensor labels = Tensor::from_vector(Shape{4}, std::vector<int32_t>{1, 2, 3, 4});
    try {
      model.fit(x, labels, {.verbose = 0});
      QFAIL("categorical loss accepted class indices");
    } catch (const ShapeError& e) {
      QVERIFY2(QString(e.what()).contains("sparse_categorical_crossentropy"), e.what());
    }
    try {
      model.fit(random_tensor(Shape{4, 784}, 1), labels, {.verbose = 0});
      QFAIL("wrong input shape accepted");
    } catch (const ShapeError& e) {
      QVERIFY2(QString(e.what()).contains("(28, 28)"), e.what());
    }
    Sequential empty;
    QVERIFY_THROWS_EXCEPTION(ValueError, empty.fit(x, labels, {.verbose = 0}));
    auto in = Input(Shape{3});
    auto stray = Input(Shape{3});
    auto out = make("Add")({in, stray});
    QVERIFY_THROWS_EXCEPTION(ValueError, Model({in}, {out}));  // graph disconnected
  }

  void callbacks_work() {
    set_random_seed(4);
    auto build = [] {
      auto m = std::make_shared<Sequential>();
      m->add(Input(Shape{4}));
      m->add(Dense(3, "softmax"));
      return m;
    };
    Tensor x = random_tensor(Shape{64, 4}, 2);
    Tensor y = argmax_labels(x, 3);
    // EarlyStopping: a zero learning rate never improves the loss; stops after patience + 1 epochs.
    auto m = build();
    m->compile(sgd(0.0), "sparse_categorical_crossentropy");
    auto h = m->fit(x, y, {.epochs = 20, .verbose = 0, .callbacks = {EarlyStopping({.monitor = "loss", .patience = 2})}});
    QCOMPARE(h.epoch.size(), size_t(3));
    // ReduceLROnPlateau and LearningRateScheduler change the optimizer's rate. With a min_delta no
    // change can meet, epoch 1 sets the best, epochs 2 and 3 each exhaust a patience of 1: 0.1 -> 0.025.
    m = build();
    m->compile(sgd(0.1), "sparse_categorical_crossentropy");
    m->fit(x, y, {.epochs = 3, .verbose = 0, .callbacks = {ReduceLROnPlateau({.monitor = "loss", .factor = 0.5, .patience = 1, .min_delta = 100.0})}});
    QVERIFY(std::fabs(m->optimizer().learning_rate() - 0.025) < 1e-6);
    m->fit(x, y, {.epochs = 2, .verbose = 0, .callbacks = {LearningRateScheduler([](int epoch, double) { return 0.01 * (epoch + 1); })}});
    QVERIFY(std::fabs(m->optimizer().learning_rate() - 0.02) < 1e-6);
    // CSVLogger and ModelCheckpoint write files; a lambda sees every epoch.
    QTemporaryDir dir;
    std::string csv = (dir.path() + "/log.csv").toStdString();
    std::string ckpt = (dir.path() + "/w-{epoch:02d}.weights.h5").toStdString();
    int epochs_seen = 0;
    m->fit(x, y, {.epochs = 2, .verbose = 0, .validation_split = 0.25,
                  .callbacks = {CSVLogger(csv), ModelCheckpoint({.filepath = ckpt}),
                                LambdaCallback({.on_epoch_end = [&](int, const Logs&) { ++epochs_seen; }})}});
    QCOMPARE(epochs_seen, 2);
    std::ifstream in(csv);
    std::string header;
    std::getline(in, header);
    QVERIFY2(QString::fromStdString(header).startsWith("epoch,loss") && QString::fromStdString(header).contains("val_loss"), header.c_str());
    QVERIFY(QFile::exists(dir.path() + "/w-02.weights.h5"));
    // TerminateOnNaN stops at the first non-finite loss.
    auto bad = x.to_vector();
    bad[0] = std::nanf("");
    int batches = 0;
    m->fit(Tensor::from_vector(x.shape(), bad), y,
           {.epochs = 3, .batch_size = 8, .verbose = 0, .shuffle = false,
            .callbacks = {TerminateOnNaN(), LambdaCallback({.on_batch_end = [&](int, const Logs&) { ++batches; }})}});
    QCOMPARE(batches, 1);
  }

  void stop_mid_epoch_keeps_a_consistent_model() {
    set_random_seed(6);
    Sequential m;
    m.add(Input(Shape{4}));
    m.add(Dense(8, "relu"));
    m.add(Dense(3, "softmax"));
    m.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
    Tensor x = random_tensor(Shape{256, 4}, 2);
    Tensor y = argmax_labels(x, 3);
    int batches = 0;
    auto h = m.fit(x, y, {.epochs = 5, .batch_size = 16, .verbose = 0,
                          .callbacks = {LambdaCallback({.on_batch_end = [&](int b, const Logs&) {
                            ++batches;
                            if (b == 3) m.stop_training();
                          }})}});
    QCOMPARE(batches, 4);
    QCOMPARE(h.epoch.size(), size_t(1));  // the partial epoch is recorded
    for (const auto& w : m.get_weights())
      for (float v : w.to_vector()) QVERIFY(std::isfinite(v));
    auto again = m.fit(x, y, {.epochs = 1, .batch_size = 16, .verbose = 0});  // training can go on
    QCOMPARE(again.epoch.size(), size_t(1));
  }

  void clipnorm_bounds_each_variable_step() {
    // SGD with learning rate 1: each variable moves by its clipped gradient, so by at most clipnorm.
    set_random_seed(12);
    Sequential m;
    m.add(Input(Shape{5}));
    m.add(Dense(4, "tanh"));
    m.add(Dense(3, "softmax"));
    m.compile({{"class_name", "SGD"}, {"config", {{"learning_rate", 1.0}, {"clipnorm", 0.01}}}}, "sparse_categorical_crossentropy");
    Tensor x = random_tensor(Shape{32, 5}, 1, 3.0f);
    Tensor y = argmax_labels(x, 3);
    auto before = m.get_weights();
    m.train_on_batch(x, y);
    auto after = m.get_weights();
    for (size_t v = 0; v < before.size(); ++v) {
      auto a = before[v].to_vector(), b = after[v].to_vector();
      double sq = 0;
      for (size_t k = 0; k < a.size(); ++k) sq += double(a[k] - b[k]) * (a[k] - b[k]);
      QVERIFY2(std::sqrt(sq) <= 0.0100001, std::to_string(std::sqrt(sq)).c_str());
      QVERIFY(sq > 0);
    }
  }

  void models_sharing_layers_both_train() {
    set_random_seed(13);
    LayerHandle encoder = Dense(4, "tanh");
    auto xa = Input(Shape{3});
    Model a({xa}, {encoder(xa)});
    auto xb = Input(Shape{3});
    Model b({xb}, {Dense(2)(encoder(xb))});
    a.compile(sgd(0.1), "mse");
    b.compile(sgd(0.1), "mse");
    Tensor x = random_tensor(Shape{16, 3}, 2);
    a.fit(x, random_tensor(Shape{16, 4}, 3), {.epochs = 1, .verbose = 0});
    b.fit(x, random_tensor(Shape{16, 2}, 4), {.epochs = 1, .verbose = 0});
    auto kernel = encoder->variables()[0].value.to_vector();
    a.fit(x, random_tensor(Shape{16, 4}, 3), {.epochs = 1, .verbose = 0});  // must still move the shared kernel
    QVERIFY(encoder->variables()[0].value.to_vector() != kernel);
  }

  void keras_fit_rules() {
    set_random_seed(14);
    auto build = [] {
      auto m = std::make_shared<Sequential>();
      m->add(Input(Shape{4}));
      m->add(Dense(3, "softmax"));
      m->compile(sgd(0.1), "sparse_categorical_crossentropy", {"accuracy"});
      return m;
    };
    Tensor x = random_tensor(Shape{10, 4}, 1);
    Tensor y = argmax_labels(x, 3);
    auto m = build();
    // Wrong sample_weight lengths are refused on every path.
    Tensor w2 = Tensor::from_vector(Shape{2}, std::vector<float>{1, 1});
    QVERIFY_THROWS_EXCEPTION(ValueError, m->evaluate({x}, {y}, {.verbose = 0, .sample_weight = {w2}}));
    QVERIFY_THROWS_EXCEPTION(ValueError, m->train_on_batch({x}, {y}, {w2}));
    QVERIFY_THROWS_EXCEPTION(ValueError, m->fit({x}, {y}, {.verbose = 0, .sample_weight = {w2}}));
    // validation_data wins over validation_split; the split is floor(n * (1 - split)) = 7 of 10.
    int batches = 0;
    auto count = LambdaCallback({.on_batch_end = [&](int, const Logs&) { ++batches; }});
    m->fit(x, y, {.epochs = 1, .batch_size = 1, .verbose = 0, .validation_split = 0.25, .callbacks = {count}});
    QCOMPARE(batches, 7);
    batches = 0;
    m->fit(x, y, {.epochs = 1, .batch_size = 1, .verbose = 0, .validation_split = 0.25,
                  .validation_data = std::pair{std::vector{x}, std::vector{y}}, .callbacks = {count}});
    QCOMPARE(batches, 10);
    // Recompiling with another kind of loss works.
    m->compile(sgd(0.1), "categorical_crossentropy", {"accuracy"});
    m->fit(x, data::to_categorical(y, 3), {.epochs = 1, .verbose = 0});
    // Float targets for a sparse loss must be whole numbers.
    m->compile(sgd(0.1), "sparse_categorical_crossentropy");
    QVERIFY_THROWS_EXCEPTION(ValueError, m->fit(x, Tensor::from_vector(Shape{10}, std::vector<float>(10, 0.5f)), {.verbose = 0}));
    // EarlyStopping restores the best weights even when every epoch ran.
    m = build();
    auto h = m->fit(x, y, {.epochs = 3, .verbose = 0, .callbacks = {EarlyStopping({.monitor = "loss", .patience = 5, .restore_best_weights = true})}});
    QCOMPARE(h.epoch.size(), size_t(3));
    // pop() down to nothing unbuilds a Sequential.
    Sequential s;
    s.add(Dense(4, {{"input_dim", 3}}));
    s.pop();
    QVERIFY(s.outputs().empty());
    QVERIFY(!QString::fromStdString(s.summary()).contains("dense"));
  }

  void shared_layer_is_one_summary_row() {
    set_random_seed(15);
    auto a = Input(Shape{6}, "a"), b = Input(Shape{6}, "b");
    LayerHandle shared = make("Dense", {{"units", 5}, {"name", "shared"}});
    auto out = make("Add", {{"name", "sum"}})({shared(a), shared(b)});
    Model m({a, b}, {out});
    QString s = QString::fromStdString(m.summary());
    QCOMPARE(s.count("shared (Dense)"), 1);
    QVERIFY2(s.contains("a[0][0], b[0][0]") && s.contains("shared[0][0], shared[1][0]"), qPrintable(s));
  }

  void steady_training_step_allocates_nothing() {
    auto allocations_for = [](int64_t samples) {
      set_random_seed(9);
      Sequential m;
      m.add(Input(Shape{10}));
      m.add(Dense(16, "relu"));
      m.add(Dropout(0.2));
      m.add(Dense(4, "softmax"));
      m.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
      Tensor x = random_tensor(Shape{samples, 10}, 2);
      Tensor y = argmax_labels(x, 4);
      long long start = g_allocations;
      m.fit(x, y, {.epochs = 1, .batch_size = 16, .verbose = 0, .validation_split = 0.5});
      return g_allocations - start;
    };
    long long ten_steps = allocations_for(320), forty_steps = allocations_for(1280);  // half of it validates
    QVERIFY2(ten_steps == forty_steps,
             ("30 more steps made " + std::to_string(forty_steps - ten_steps) + " more allocations").c_str());
  }
};

QTEST_APPLESS_MAIN(TestModel)
#include "test_model.moc"
