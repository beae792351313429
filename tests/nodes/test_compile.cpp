// Document <-> engine model: Sequential for chains, functional graphs otherwise; a document compiled,
// trained for one epoch and rebuilt from the trained model gives the same summary; the demos as project
// files (and the copies shipped in resources/ are up to date); Graphviz layout without overlaps.
#include <QFile>
#include <QtTest>

#include "core/random.h"
#include "demos/demos.h"
#include "model/layers_api.h"
#include "nodes/checks.h"
#include "nodes/compile.h"
#include "nodes/project.h"
#include "nodes/runs.h"
#include "project_fixtures.h"
#include "random_data.h"

using namespace cornu;
using test::random_classes;
using test::random_tensor;
using namespace cornu::nodes;

namespace {

// Two inputs, two branches merged, two outputs with their own losses.
ProjectData two_tower_project() {
  Document doc;
  int a = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 6}}}, "left");
  int b = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 4}}}, "right");
  int da = doc.add_node("Dense", 0, 0, {{"units", 8}, {"activation", "relu"}});
  int db = doc.add_node("Dense", 0, 0, {{"units", 8}, {"activation", "tanh"}});
  int cat = doc.add_node("Concatenate", 0, 0);
  int cls = doc.add_node("Dense", 0, 0, {{"units", 3}, {"activation", "softmax"}}, "classes");
  int reg = doc.add_node("Dense", 0, 0, {{"units", 1}}, "score");
  int o1 = doc.add_node("Output", 0, 0, {{"loss", "sparse_categorical_crossentropy"}, {"metrics", {"accuracy"}}});
  int o2 = doc.add_node("Output", 0, 0, {{"loss", "mse"}, {"loss_weight", 0.5}});
  doc.connect({a, 0}, {da, 0});
  doc.connect({b, 0}, {db, 0});
  doc.connect({da, 0}, {cat, 0});
  doc.connect({db, 0}, {cat, 1});
  doc.connect({cat, 0}, {cls, 0});
  doc.connect({cat, 0}, {reg, 0});
  doc.connect({cls, 0}, {o1, 0});
  doc.connect({reg, 0}, {o2, 0});
  return doc.data();
}

void expect_no_overlaps(const Graph& g) {
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (size_t j = i + 1; j < g.nodes.size(); ++j) {
      const nodes::Node &p = g.nodes[i], &q = g.nodes[j];
      bool apart = p.x + kCardWidth <= q.x || q.x + kCardWidth <= p.x || p.y + kCardHeight <= q.y || q.y + kCardHeight <= p.y;
      QVERIFY2(apart, (p.name + " overlaps " + q.name).c_str());
    }
  for (const auto& e : g.edges) {  // top to bottom
    const nodes::Node *from = nullptr, *to = nullptr;
    for (const auto& n : g.nodes) {
      if (n.id == e.from.node) from = &n;
      if (n.id == e.to.node) to = &n;
    }
    QVERIFY2(from->y + kCardHeight <= to->y, (from->name + " is not above " + to->name).c_str());
  }
}

}  // namespace

class CompileTest : public QObject {
  Q_OBJECT

 private slots:
  void chainsBecomeSequential() {
    Document doc;
    test::build_mlp(doc);
    QVERIFY(is_chain(doc.graph()));
    ModelPtr m = build_model(doc.data());
    QCOMPARE(m->class_name(), std::string("Sequential"));
    QCOMPARE(std::dynamic_pointer_cast<Sequential>(m)->stack().size(), size_t(3));  // Flatten, Dense, Dense
    QVERIFY(m->compiled());
    QCOMPARE(m->losses().at(0)->name, std::string("sparse_categorical_crossentropy"));
    QCOMPARE(m->metrics_names(), (std::vector<std::string>{"loss", "accuracy"}));
  }

  // An LSTM has optional initial-state inputs: left unwired, its chain is still Sequential; with return_state it
  // returns three tensors, which only the functional API can wire (as in Keras).
  void recurrentChainsAreSequentialUnlessTheyReturnStates() {
    Document doc;
    const int x = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 5, 3}}}, "x");
    const int lstm = doc.add_node("LSTM", 0, 100, {{"units", 4}});
    const int out = doc.add_node("Output", 0, 200, {{"loss", "mse"}});
    doc.connect({x, 0}, {lstm, 0});
    doc.connect({lstm, 0}, {out, 0});
    QVERIFY(is_chain(doc.graph()));
    QCOMPARE(build_model(doc.data())->class_name(), std::string("Sequential"));
    QCOMPARE(doc.output_ports(lstm), 1);
    doc.set_param(lstm, "return_state", true);
    QCOMPARE(doc.output_ports(lstm), 3);  // the output, h and c: each its own port on the card
    QVERIFY(!is_chain(doc.graph()));
    ModelPtr m = build_model(doc.data());
    QCOMPARE(m->class_name(), std::string("Functional"));
    QCOMPARE(m->outputs().size(), size_t(1));  // the Output node reads the sequence output only
    const int bidirectional = doc.add_node("Bidirectional", 200, 100,
                                           {{"layer", {{"class_name", "LSTM"}, {"config", {{"units", 2}, {"return_state", true}}}}},
                                            {"merge_mode", nullptr}});
    QCOMPARE(doc.output_ports(bidirectional), 6);  // both outputs, then forward's h, c and backward's h, c
    // Wrappers count the weights of the layers they hold before anything is built (Keras: 2 x 4 x 2 x (3+2+1)).
    doc.connect({x, 0}, {bidirectional, 0});
    const int distributed = doc.add_node("TimeDistributed", 200, 200,
                                         {{"layer", {{"class_name", "Dense"}, {"config", {{"units", 7}}}}}});
    doc.connect({x, 0}, {distributed, 0});
    const CheckReport report = check(doc.data());
    QCOMPARE(report.nodes.at(bidirectional).params, int64_t(2 * 4 * 2 * (3 + 2 + 1)));
    QCOMPARE(report.nodes.at(distributed).params, int64_t(3 * 7 + 7));
  }

  void graphsBecomeFunctional() {
    ProjectData p = two_tower_project();
    QVERIFY(!is_chain(p.graph));
    ModelPtr m = build_model(p);
    QCOMPARE(m->class_name(), std::string("Functional"));
    QCOMPARE(m->inputs().size(), size_t(2));
    QCOMPARE(m->outputs().size(), size_t(2));
    QCOMPARE(m->compile_options().loss_weights, (std::vector<double>{1.0, 0.5}));
    auto y = m->predict({random_tensor(Shape{5, 6}, 1), random_tensor(Shape{5, 4}, 2)});
    QCOMPARE(y[0].shape(), Shape({5, 3}));
    QCOMPARE(y[1].shape(), Shape({5, 1}));
  }

  void problemsStopTheBuildWithTheirMessage() {
    Document doc;
    test::build_broken_mlp(doc);
    try {
      build_model(doc.data());
      QFAIL("built");
    } catch (const ValueError& e) {
      QVERIFY2(std::string(e.what()).find("Give that axis a size in the Input shape") != std::string::npos, e.what());
    }
  }

  void trainedModelRebuildsToTheSameSummary() {
    for (const ProjectData& p : {two_tower_project(), [] {
                                   Document d;
                                   test::build_mlp(d);
                                   return d.data();
                                 }()}) {
      ModelPtr m = build_model(p);
      const std::string before = m->summary();
      FitOptions fit;
      fit.epochs = 1, fit.verbose = 0, fit.batch_size = 8;
      if (m->inputs().size() == 2)
        m->fit({random_tensor(Shape{32, 6}, 3), random_tensor(Shape{32, 4}, 4)},
               {random_classes(32, 3, 5), random_tensor(Shape{32, 1}, 6)}, fit);
      else
        m->fit({random_tensor(Shape{32, 28, 28}, 3)}, {random_classes(32, 10, 5)}, fit);
      ProjectData rebuilt = project_from_model(*m, p.settings);
      QVERIFY2(check(rebuilt).problems.empty(), check(rebuilt).first_error().c_str());
      ModelPtr again = build_model(rebuilt);
      QCOMPARE(again->summary(), before);
      QCOMPARE(again->class_name(), m->class_name());
      // The losses, weights and metrics made the trip on the Output nodes.
      QCOMPARE(again->compile_options().loss, m->compile_options().loss);
      QCOMPARE(again->compile_options().loss_weights, m->compile_options().loss_weights);
      QCOMPARE(again->metrics_names(), m->metrics_names());
      // The trained weights fit the rebuilt model.
      again->set_weights(m->get_weights());
      expect_no_overlaps(rebuilt.graph);
    }
  }

  void modelsTheCanvasCannotShowYetAreRefused() {
    using namespace cornu::layers;
    // A layer applied to its own output is a shared layer: the canvas shows it (tests/nodes/test_shared_layers.cpp).
    auto x = Input(Shape{4});
    auto shared = Dense(4);
    Model twice({x}, {shared(shared(x))});
    ProjectData p = project_from_model(twice);
    QCOMPARE(build_model(p, false)->count_params(), twice.count_params());
    // A nested model called twice is not shown yet.
    auto inner_in = Input(Shape{4});
    auto inner = std::make_shared<Model>(std::vector{inner_in}, std::vector{Dense(4)(inner_in)}, "inner");
    auto z = Input(Shape{4});
    Model m({z}, {call_layer(inner, {call_layer(inner, {z}).at(0)}).at(0)});
    QVERIFY_THROWS_EXCEPTION(ValueError, project_from_model(m));
  }

  void demosAreProjectsAndTheShippedCopiesAreCurrent() {
    for (const Demo& d : builtin_demos()) {
      ProjectData p = demo_project(d);
      CheckReport r = check(p);
      QVERIFY2(r.problems.empty(), (d.name + ": " + (r.problems.empty() ? "" : r.problems[0].message)).c_str());
      set_random_seed(p.settings.seed);
      const std::string built = build_model(p)->summary();
      clear_session();
      set_random_seed(p.settings.seed);
      const std::string original = d.build()->summary();
      if (built != original) qWarning("%s\n%s", built.c_str(), original.c_str());
      QCOMPARE(built, original);
      QCOMPARE(p.settings.dataset, d.dataset);
      QCOMPARE(p.settings.epochs, int64_t(d.epochs));
      expect_no_overlaps(p.graph);
      const QString shipped = QString(qgetenv("CORNU_SOURCE_DIR")) + "/resources/demos/" + QString::fromStdString(d.name) + ".cornu";
      QFile f(shipped);
      QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(shipped + " is missing: run `cornu demos --write resources/demos`"));
      QVERIFY2(f.readAll().toStdString() == project_to_text(p),
               qPrintable(shipped + " is out of date: run `cornu demos --write resources/demos`"));
    }
  }
};

QTEST_GUILESS_MAIN(CompileTest)
#include "test_compile.moc"
