// Optimizers: three steps of each optimizer and option through Optimizer::apply, against a double-precision
// reference written here from Keras 3's update rules (keras/src/optimizers/*.py); schedules at several
// steps; config round trips through make_optimizer.
#include <QtTest>

#include <cmath>
#include <numbers>

#include "core/error.h"
#include "optimizers/optimizer.h"

using namespace cornu;

namespace {

using Vec = std::vector<double>;
const Vec kStart{0.5, -1.0, 2.0, 0.0, 0.75};
const Vec kGrad{0.3, -0.2, 0.05, 0.0, 1.5};
// Gradients of step t (1-based): kGrad times 1, -0.5, 0.01; the last makes AMSGrad's maximum matter.
const double kGradScale[] = {1.0, -0.5, 0.01};
// Two variables packed: [0, 2) and [2, 5) (clipnorm works per variable).
const std::vector<std::pair<int64_t, int64_t>> kRanges{{0, 2}, {2, 3}};

double cfg(const Config& c, const char* key, double fallback) {
  return c.contains(key) && c.at(key).is_number() ? c.at(key).get<double>() : fallback;
}
bool cfg_flag(const Config& c, const char* key) { return c.contains(key) && c.at(key).get<bool>(); }

// Keras 3, written out: one optimizer's state and update, in double.
struct Reference {
  std::string kind;
  Config c;
  Vec w = kStart, s0 = Vec(5, 0.0), s1 = Vec(5, 0.0), s2 = Vec(5, 0.0);
  int64_t iterations = 0;
  double u_product = 1.0;  // Nadam

  Reference(std::string k, Config config) : kind(std::move(k)), c(std::move(config)) {
    if (kind == "adagrad") s0 = Vec(5, cfg(c, "initial_accumulator_value", 0.1));
  }

  void clip(Vec& g) const {
    const double clipnorm = cfg(c, "clipnorm", 0), global = cfg(c, "global_clipnorm", 0), value = cfg(c, "clipvalue", 0);
    if (clipnorm > 0) {
      for (auto [off, size] : kRanges) {
        double sq = 0;
        for (int64_t i = off; i < off + size; ++i) sq += g[size_t(i)] * g[size_t(i)];
        for (int64_t i = off; i < off + size; ++i) g[size_t(i)] = g[size_t(i)] * clipnorm / std::max(std::sqrt(sq), clipnorm);
      }
    } else if (global > 0) {
      double sq = 0;
      for (double x : g) sq += x * x;
      const double scale = global * std::min(1 / std::sqrt(sq), 1 / global);
      for (double& x : g) x *= scale;
    } else if (value > 0) {
      for (double& x : g) x = std::clamp(x, -value, value);
    }
  }

  void step(Vec g, double lr) {
    clip(g);
    const double wd = cfg(c, "weight_decay", 0), eps = cfg(c, "epsilon", 1e-7);
    for (double& x : w) x = x - x * wd * lr;  // base optimizer's _apply_weight_decay
    const double t = double(iterations + 1);
    if (kind == "nadam") u_product *= cfg(c, "beta_1", 0.9) * (1 - 0.5 * std::pow(0.96, t));
    for (size_t i = 0; i < w.size(); ++i) {
      if (kind == "sgd") {
        const double mom = cfg(c, "momentum", 0);
        if (mom == 0) {
          w[i] -= g[i] * lr;
        } else {
          s0[i] = s0[i] * mom - g[i] * lr;
          w[i] += cfg_flag(c, "nesterov") ? s0[i] * mom - g[i] * lr : s0[i];
        }
      } else if (kind == "rmsprop") {
        const double rho = cfg(c, "rho", 0.9), mom = cfg(c, "momentum", 0);
        s0[i] = rho * s0[i] + (1 - rho) * g[i] * g[i];
        double denominator = s0[i] + eps;
        if (cfg_flag(c, "centered")) {
          s2[i] = rho * s2[i] + (1 - rho) * g[i];
          denominator = s0[i] - s2[i] * s2[i] + eps;
        }
        const double increment = lr * g[i] / std::sqrt(denominator);
        if (mom > 0) {
          s1[i] = mom * s1[i] + increment;
          w[i] -= s1[i];
        } else {
          w[i] -= increment;
        }
      } else if (kind == "adagrad") {
        s0[i] += g[i] * g[i];
        w[i] -= lr * g[i] / std::sqrt(s0[i] + eps);
      } else if (kind == "adadelta") {
        const double rho = cfg(c, "rho", 0.95);
        s0[i] = rho * s0[i] + (1 - rho) * g[i] * g[i];
        const double delta = -std::sqrt(s1[i] + eps) * g[i] / std::sqrt(s0[i] + eps);
        s1[i] = rho * s1[i] + (1 - rho) * delta * delta;
        w[i] += lr * delta;
      } else if (kind == "adam" || kind == "adamw") {
        const double b1 = cfg(c, "beta_1", 0.9), b2 = cfg(c, "beta_2", 0.999);
        const double alpha = lr * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t));
        s0[i] += (g[i] - s0[i]) * (1 - b1);
        s1[i] += (g[i] * g[i] - s1[i]) * (1 - b2);
        double v = s1[i];
        if (cfg_flag(c, "amsgrad")) v = s2[i] = std::max(s2[i], s1[i]);
        w[i] -= s0[i] * alpha / (std::sqrt(v) + eps);
      } else if (kind == "adamax") {
        const double b1 = cfg(c, "beta_1", 0.9), b2 = cfg(c, "beta_2", 0.999);
        s0[i] += (g[i] - s0[i]) * (1 - b1);
        s1[i] = std::max(b2 * s1[i], std::fabs(g[i]));
        w[i] -= lr * s0[i] / ((1 - std::pow(b1, t)) * (s1[i] + eps));
      } else if (kind == "nadam") {
        const double b1 = cfg(c, "beta_1", 0.9), b2 = cfg(c, "beta_2", 0.999);
        const double u_t = b1 * (1 - 0.5 * std::pow(0.96, t)), u_t1 = b1 * (1 - 0.5 * std::pow(0.96, t + 1));
        const double product_t1 = u_product * u_t1;
        s0[i] += (g[i] - s0[i]) * (1 - b1);
        s1[i] += (g[i] * g[i] - s1[i]) * (1 - b2);
        const double m_hat = u_t1 * s0[i] / (1 - product_t1) + (1 - u_t) * g[i] / (1 - u_product);
        const double v_hat = s1[i] / (1 - std::pow(b2, t));
        w[i] -= m_hat * lr / (std::sqrt(v_hat) + eps);
      }
    }
    ++iterations;
  }
};

// Three steps through Optimizer::apply and through the reference; the weights must agree after each.
void check_three_steps(const std::string& kind, Config config) {
  Config full = {{"class_name", kind}, {"config", config}};
  OptimizerPtr opt = make_optimizer(full);
  Reference ref(opt->name(), opt->config());  // resolved: the optimizer's own defaults included
  std::vector<float> w(kStart.begin(), kStart.end());
  for (int t = 0; t < 3; ++t) {
    Vec g(5);
    for (size_t i = 0; i < 5; ++i) g[i] = kGrad[i] * kGradScale[t];
    std::vector<float> gf(g.begin(), g.end());
    const double lr = opt->learning_rate();
    const Vec before = ref.w;
    opt->apply(cpu_backend(), w.data(), gf.data(), 5, kRanges);
    ref.step(g, lr);
    QCOMPARE(opt->iterations(), int64_t(t + 1));
    for (size_t i = 0; i < 5; ++i) {
      const double want = ref.w[i], moved = want - before[i];
      // The weights to float precision, and the step itself to 1e-5 of its size.
      const bool ok = std::fabs(w[i] - want) <= 1e-6 * std::max(1.0, std::fabs(want)) &&
                      std::fabs((w[i] - before[i]) - moved) <= 1e-5 * std::fabs(moved) + 2e-7;
      QVERIFY2(ok, qPrintable(QString("%1 %2, step %3, weight %4: %5 vs %6 (step %7)")
                                  .arg(QString::fromStdString(kind), QString::fromStdString(config.dump()))
                                  .arg(t + 1).arg(i).arg(w[i], 0, 'g', 10).arg(want, 0, 'g', 10).arg(moved, 0, 'g', 6)));
    }
  }
}

double schedule_at(const Config& schedule, int64_t step) { return (*make_schedule(schedule))(step); }

}  // namespace

class TestOptimizers : public QObject {
  Q_OBJECT
 private slots:
  void sgd() {
    check_three_steps("SGD", {{"learning_rate", 0.1}});
    check_three_steps("SGD", {{"learning_rate", 0.1}, {"momentum", 0.9}});
    check_three_steps("SGD", {{"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}});
    check_three_steps("SGD", {{"learning_rate", 0.1}, {"weight_decay", 0.2}});
  }

  void rmsprop() {
    check_three_steps("RMSprop", {{"learning_rate", 0.1}});
    check_three_steps("RMSprop", {{"learning_rate", 0.1}, {"momentum", 0.5}});
    check_three_steps("RMSprop", {{"learning_rate", 0.1}, {"centered", true}});
    check_three_steps("RMSprop", {{"learning_rate", 0.1}, {"centered", true}, {"momentum", 0.5}, {"rho", 0.8}});
    // A large epsilon tells "inside the square root" (Keras 3) from "added to it".
    check_three_steps("RMSprop", {{"learning_rate", 0.1}, {"epsilon", 0.01}});
    check_three_steps("RMSprop", {{"learning_rate", 0.1}, {"epsilon", 0.01}, {"centered", true}});
  }

  void adagrad_and_adadelta() {
    check_three_steps("Adagrad", {{"learning_rate", 0.1}});
    check_three_steps("Adagrad", {{"learning_rate", 0.1}, {"initial_accumulator_value", 0.5}, {"epsilon", 1e-3}});
    // Adadelta's steps scale with sqrt(epsilon): a large epsilon and rate make them visible.
    check_three_steps("Adadelta", {{"learning_rate", 1.0}, {"epsilon", 1e-3}});
    check_three_steps("Adadelta", {{"learning_rate", 1.0}, {"rho", 0.5}, {"epsilon", 1e-2}});
  }

  void adam_family() {
    check_three_steps("Adam", {{"learning_rate", 0.1}});
    check_three_steps("Adam", {{"learning_rate", 0.1}, {"amsgrad", true}});
    check_three_steps("Adam", {{"learning_rate", 0.1}, {"amsgrad", true}, {"beta_2", 0.9}});
    check_three_steps("Adam", {{"learning_rate", 0.1}, {"beta_1", 0.5}, {"beta_2", 0.9}, {"weight_decay", 0.05}});
    check_three_steps("AdamW", {{"learning_rate", 0.1}});  // weight_decay 0.004 by default
    check_three_steps("AdamW", {{"learning_rate", 0.1}, {"weight_decay", 0.5}, {"amsgrad", true}});
    check_three_steps("Adamax", {{"learning_rate", 0.1}});
    check_three_steps("Adamax", {{"learning_rate", 0.1}, {"beta_1", 0.5}, {"weight_decay", 0.1}});
    check_three_steps("Nadam", {{"learning_rate", 0.1}});
    check_three_steps("Nadam", {{"learning_rate", 0.1}, {"beta_1", 0.8}, {"beta_2", 0.99}});
    for (const char* cls : {"Adam", "Adamax", "Nadam"})  // epsilon added after the square root
      check_three_steps(cls, {{"learning_rate", 0.1}, {"epsilon", 0.1}});
  }

  void amsgrad_changes_the_third_step() {
    // Guards the test itself: the gradients chosen make AMSGrad differ from Adam by step 3.
    Reference a("adam", {{"beta_2", 0.9}}), b("adam", {{"beta_2", 0.9}, {"amsgrad", true}});
    for (double s : kGradScale) {
      Vec g(5);
      for (size_t i = 0; i < 5; ++i) g[i] = kGrad[i] * s;
      a.step(g, 0.1);
      b.step(g, 0.1);
    }
    QVERIFY(std::fabs(a.w[4] - b.w[4]) > 1e-3);
  }

  void clipping() {
    check_three_steps("SGD", {{"learning_rate", 0.1}, {"clipnorm", 0.4}});  // clips the second variable only
    check_three_steps("Adam", {{"learning_rate", 0.1}, {"clipnorm", 0.25}});  // both
    check_three_steps("SGD", {{"learning_rate", 0.1}, {"global_clipnorm", 0.5}});
    check_three_steps("RMSprop", {{"learning_rate", 0.1}, {"global_clipnorm", 0.5}});
    check_three_steps("SGD", {{"learning_rate", 0.1}, {"clipvalue", 0.1}});
    check_three_steps("Adagrad", {{"learning_rate", 0.1}, {"clipvalue", 0.1}});
    // Clipping changes the result (so the checks above exercise it).
    Reference plain("sgd", {{"learning_rate", 0.1}}), clipped("sgd", {{"learning_rate", 0.1}, {"clipnorm", 0.4}});
    plain.step(kGrad, 0.1);
    clipped.step(kGrad, 0.1);
    QVERIFY(std::fabs(plain.w[4] - clipped.w[4]) > 1e-3 && plain.w[0] == clipped.w[0]);
    QVERIFY_THROWS_EXCEPTION(ValueError, make_optimizer({{"class_name", "SGD"}, {"config", {{"clipnorm", 1.0}, {"clipvalue", 1.0}}}}));
  }

  void learning_rate_schedule_drives_the_rate() {
    Config exp = {{"class_name", "ExponentialDecay"},
                  {"config", {{"initial_learning_rate", 0.1}, {"decay_steps", 2}, {"decay_rate", 0.5}}}};
    check_three_steps("Adam", {{"learning_rate", exp}});
    check_three_steps("SGD", {{"learning_rate", exp}, {"momentum", 0.9}, {"weight_decay", 0.1}});
    auto opt = make_optimizer({{"class_name", "SGD"}, {"config", {{"learning_rate", exp}}}});
    QCOMPARE(opt->learning_rate(), 0.1);
    std::vector<float> w(5, 0.0f), g(5, 1.0f);
    opt->apply(cpu_backend(), w.data(), g.data(), 5, kRanges);
    QVERIFY(std::fabs(opt->learning_rate() - 0.1 * std::pow(0.5, 0.5)) < 1e-12);
    opt->set_learning_rate(0.02);  // ReduceLROnPlateau: a constant replaces the schedule
    QCOMPARE(opt->learning_rate(), 0.02);
    QCOMPARE(opt->config()["learning_rate"], Config(0.02));
    opt->reset();
    QCOMPARE(opt->iterations(), int64_t(0));
  }

  void schedules_follow_keras() {
    auto expect = [](const Config& s, int64_t step, double want) {
      const double got = schedule_at(s, step);
      QVERIFY2(std::fabs(got - want) <= 1e-12 + 1e-12 * std::fabs(want),
               qPrintable(QString("%1 at %2: %3 vs %4").arg(QString::fromStdString(s.dump())).arg(step).arg(got, 0, 'g', 15).arg(want, 0, 'g', 15)));
    };
    auto sched = [](const char* cls, Config c) { return Config{{"class_name", cls}, {"config", c}}; };
    Config e = sched("ExponentialDecay", {{"initial_learning_rate", 0.1}, {"decay_steps", 10}, {"decay_rate", 0.5}});
    expect(e, 0, 0.1);
    expect(e, 5, 0.1 * std::pow(0.5, 0.5));
    expect(e, 25, 0.1 * std::pow(0.5, 2.5));
    Config es = e;
    es["config"]["staircase"] = true;
    expect(es, 9, 0.1);
    expect(es, 10, 0.05);
    expect(es, 25, 0.025);
    Config inv = sched("InverseTimeDecay", {{"initial_learning_rate", 0.1}, {"decay_steps", 10}, {"decay_rate", 0.5}});
    expect(inv, 10, 0.1 / 1.5);
    expect(inv, 5, 0.1 / 1.25);
    Config invs = inv;
    invs["config"]["staircase"] = true;
    expect(invs, 15, 0.1 / 1.5);
    Config pw = sched("PiecewiseConstantDecay", {{"boundaries", {10, 20}}, {"values", {1.0, 0.5, 0.1}}});
    expect(pw, 0, 1.0);
    expect(pw, 10, 1.0);
    expect(pw, 11, 0.5);
    expect(pw, 20, 0.5);
    expect(pw, 21, 0.1);
    Config cos = sched("CosineDecay", {{"initial_learning_rate", 0.1}, {"decay_steps", 100}, {"alpha", 0.1}});
    expect(cos, 0, 0.1);
    expect(cos, 50, 0.1 * (0.9 * 0.5 + 0.1));
    expect(cos, 25, 0.1 * (0.9 * 0.5 * (1 + std::cos(std::numbers::pi / 4)) + 0.1));
    expect(cos, 500, 0.01);
    Config warm = sched("CosineDecay", {{"initial_learning_rate", 0.0}, {"decay_steps", 100}, {"warmup_target", 0.1},
                                        {"warmup_steps", 10}});
    expect(warm, 5, 0.05);
    expect(warm, 10, 0.1);
    expect(warm, 60, 0.05);
    expect(warm, 1000, 0.0);
    Config poly = sched("PolynomialDecay", {{"initial_learning_rate", 0.1}, {"decay_steps", 10}, {"end_learning_rate", 0.01},
                                            {"power", 2.0}});
    expect(poly, 5, 0.09 * 0.25 + 0.01);
    expect(poly, 50, 0.01);
    Config polyc = poly;
    polyc["config"]["cycle"] = true;
    expect(polyc, 15, 0.09 * std::pow(1 - 15.0 / 20, 2) + 0.01);
    Config sgdr = sched("CosineDecayRestarts", {{"initial_learning_rate", 1.0}, {"first_decay_steps", 10}, {"m_mul", 0.5}});
    expect(sgdr, 5, 0.5);
    expect(sgdr, 10, 0.5);   // first restart, at half the height
    expect(sgdr, 20, 0.25);  // halfway through the second (20-step) period
    QVERIFY_THROWS_EXCEPTION(ValueError, make_schedule(sched("ExponentialDecay", {{"initial_learning_rate", 0.1}, {"decay_steps", 0}, {"decay_rate", 0.5}})));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_schedule(sched("PiecewiseConstantDecay", {{"boundaries", {1}}, {"values", {1.0}}})));
    // Keras writes "name" in schedule configs; it is accepted.
    expect(sched("ExponentialDecay", {{"initial_learning_rate", 0.1}, {"decay_steps", 10}, {"decay_rate", 0.5},
                                      {"name", "ExponentialDecay"}}), 10, 0.05);
  }

  void configs_round_trip_and_match_keras() {
    for (const auto& e : optimizer_registry().entries()) {
      Config c = make_optimizer(e.name)->config();
      Config again = make_optimizer({{"class_name", e.keras_class}, {"config", c}})->config();
      QCOMPARE(again, c);
    }
    // Adam's config as Keras 3 writes it loads and comes back unchanged.
    Config keras = Config::parse(R"({"name": "adam", "learning_rate": 0.0005, "weight_decay": null, "clipnorm": null,
        "global_clipnorm": null, "clipvalue": null, "use_ema": false, "ema_momentum": 0.99,
        "ema_overwrite_frequency": null, "loss_scale_factor": null, "gradient_accumulation_steps": null,
        "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": false})");
    auto adam = make_optimizer({{"class_name", "Adam"}, {"config", keras}});
    QCOMPARE(adam->kind(), OptimizerKind::Adam);
    QCOMPARE(adam->config(), keras);
    // A schedule round-trips as an object.
    Config exp = {{"class_name", "ExponentialDecay"},
                  {"config", {{"initial_learning_rate", 0.1}, {"decay_steps", 2}, {"decay_rate", 0.5}}}};
    auto sgd = make_optimizer({{"class_name", "SGD"}, {"config", {{"learning_rate", exp}}}});
    Config lr = sgd->config()["learning_rate"];
    QCOMPARE(lr["class_name"], Config("ExponentialDecay"));
    QCOMPARE(make_optimizer({{"class_name", "SGD"}, {"config", sgd->config()}})->config(), sgd->config());
    // Defaults that differ by optimizer.
    QCOMPARE(make_optimizer("sgd")->config()["learning_rate"], Config(0.01));
    QCOMPARE(make_optimizer("adamw")->config()["weight_decay"], Config(0.004));
    QCOMPARE(make_optimizer("adagrad")->config()["initial_accumulator_value"], Config(0.1));
    QCOMPARE(make_optimizer("adadelta")->config()["rho"], Config(0.95));
  }

  void unsupported_options_are_refused() {
    auto bad = [](const char* cls, Config c) { return Config{{"class_name", cls}, {"config", c}}; };
    QVERIFY_THROWS_EXCEPTION(ValueError, make_optimizer(bad("Adam", {{"use_ema", true}})));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_optimizer(bad("Adam", {{"gradient_accumulation_steps", 4}})));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_optimizer(bad("Adam", {{"loss_scale_factor", 128.0}})));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_optimizer(bad("AdamW", {{"weight_decay", nullptr}})));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_optimizer(bad("SGD", {{"momentum", 1.5}})));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_optimizer(bad("SGD", {{"lr", 0.1}})));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_optimizer(bad("SGD", {{"decay", 0.01}})));
    QCOMPARE(make_optimizer(bad("SGD", {{"decay", 0.0}}))->config().contains("decay"), false);
    QVERIFY_THROWS_EXCEPTION(ValueError, make_optimizer("adamm"));
  }

  void slots_are_sized_once() {
    auto opt = make_optimizer("adam");
    std::vector<float> w(5, 1.0f), g(5, 0.5f);
    opt->apply(cpu_backend(), w.data(), g.data(), 5, kRanges);
    std::vector<float> w3(3, 1.0f), g3(3, 0.5f);
    QVERIFY_THROWS_EXCEPTION(ValueError, opt->apply(cpu_backend(), w3.data(), g3.data(), 3, {{0, 3}}));
    opt->reset();
    opt->apply(cpu_backend(), w3.data(), g3.data(), 3, {{0, 3}});
    QCOMPARE(opt->iterations(), int64_t(1));
  }

  void large_updates_run_in_parallel_and_agree() {
    // Above kParallelThreshold the loop is split across threads: each element still sees its own update.
    const int64_t n = (1 << 16) + 3;
    auto opt = make_optimizer({{"class_name", "Nadam"}, {"config", {{"learning_rate", 0.1}}}});
    std::vector<float> w(size_t(n), 0.5f), g(size_t(n), 0.3f);
    opt->apply(cpu_backend(), w.data(), g.data(), n, {{0, n}});
    std::vector<float> w1{0.5f}, g1{0.3f};
    auto small = make_optimizer({{"class_name", "Nadam"}, {"config", {{"learning_rate", 0.1}}}});
    small->apply(cpu_backend(), w1.data(), g1.data(), 1, {{0, 1}});
    QCOMPARE(w.front(), w1[0]);
    QCOMPARE(w.back(), w1[0]);
  }
};

QTEST_APPLESS_MAIN(TestOptimizers)
#include "test_optimizers.moc"
