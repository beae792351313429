// Shared layers on the canvas (Keras's siamese pattern): a node that calls another node's layer again, with the
// same weights. From an engine model to the canvas and back, in project files, in the live checks, and under
// the edits that could break the link (rename, parameter edits).
#include <QtTest>

#include "core/random.h"
#include "model/layers_api.h"
#include "nodes/checks.h"
#include "nodes/compile.h"
#include "nodes/document.h"
#include "nodes/project.h"
#include "random_data.h"

using namespace cornu;
using namespace cornu::nodes;
using test::random_tensor;

namespace {

// left, right -> one Dense called on both -> Subtract -> Dense(1, sigmoid)
ModelPtr siamese() {
  auto left = Input(Shape{5}, "left"), right = Input(Shape{5}, "right");
  LayerHandle shared = layers::make("Dense", {{"units", 4}, {"activation", "tanh"}, {"name", "encoder"}});
  auto diff = layers::make("Subtract", {{"name", "diff"}})({shared(left), shared(right)});
  auto out = layers::Dense(1, {{"activation", "sigmoid"}, {"name", "same"}})(diff);
  auto model = std::make_shared<Model>(std::vector{left, right}, std::vector{out}, "siamese");
  model->compile("adam", "binary_crossentropy", {"accuracy"});
  return model;
}

const nodes::Node* named(const Graph& g, const std::string& name) {
  for (const auto& n : g.nodes)
    if (n.name == name) return &n;
  return nullptr;
}

}  // namespace

class TestSharedLayers : public QObject {
  Q_OBJECT
 private slots:
  void a_shared_layer_reaches_the_canvas_and_comes_back() {
    ModelPtr model = siamese();
    ProjectData project = project_from_model(*model);
    const nodes::Node* again = named(project.graph, "encoder_1");
    QVERIFY(again);
    QCOMPARE(again->shares, std::string("encoder"));
    QVERIFY(again->params.empty());
    // Checks count the shared weights once, as Keras's summary does.
    CheckReport report = check(project);
    QVERIFY2(!report.has_errors(), report.first_error().c_str());
    QCOMPARE(report.total_params, model->count_params());
    // The rebuilt model calls one layer twice and predicts what the original predicts.
    ModelPtr rebuilt = build_model(project);
    QCOMPARE(rebuilt->count_params(), model->count_params());
    QCOMPARE(rebuilt->layers().size(), model->layers().size());
    rebuilt->set_weights(model->get_weights());
    std::vector<Tensor> x{random_tensor(Shape{3, 5}, 1), random_tensor(Shape{3, 5}, 2)};
    QCOMPARE(rebuilt->predict(x)[0].to_vector(), model->predict(x)[0].to_vector());
    // Saved and opened again, unchanged.
    QCOMPARE(parse_project(project_to_text(project)), project);
  }

  void files_refuse_broken_sharing() {
    ProjectData project = project_from_model(*siamese());
    Config json = project_to_json(project);
    auto& nodes = json["graph"]["nodes"];
    for (auto& n : nodes)
      if (n["name"] == "encoder_1") n["params"] = {{"units", 9}};
    QString why;
    try {
      project_from_json(json);
    } catch (const ProjectError& e) {
      why = e.what();
    }
    QVERIFY2(why.contains("its parameters are that layer's"), qPrintable(why));
    for (auto& n : nodes)
      if (n["name"] == "encoder_1") n["params"] = Config::object(), n["shares"] = "nobody";
    why.clear();
    try {
      project_from_json(json);
    } catch (const ProjectError& e) {
      why = e.what();
    }
    QVERIFY2(why.contains("no layer called 'nobody'") && why.contains("shares"), qPrintable(why));
  }

  void edits_keep_the_link_or_say_why() {
    Document doc;
    doc.reset(project_from_model(*siamese()));
    const int encoder = doc.node_named("encoder")->id, again = doc.node_named("encoder_1")->id;
    doc.rename(encoder, "tower");
    QCOMPARE(doc.at(again).shares, std::string("tower"));
    doc.undo_stack().undo();
    QCOMPARE(doc.at(again).shares, std::string("encoder"));
    bool refused = false;
    try {
      doc.set_param(again, "units", 9);
    } catch (const ValueError& e) {
      refused = QString(e.what()).contains("set 'units' on 'encoder'");
    }
    QVERIFY(refused);
    // Changing the shared layer changes both calls; a call on another shape is a problem on that node.
    doc.set_param(encoder, "units", 6);
    CheckReport report = check(doc.data());
    QVERIFY2(!report.has_errors(), report.first_error().c_str());
    QCOMPARE(report.nodes.at(again).outputs.at(0), (Shape{Shape::kNone, 6}));
    doc.set_param(doc.node_named("right")->id, "batch_shape", Config::array({nullptr, 7}));
    report = check(doc.data());
    QVERIFY(!report.problems_of(again).empty());
    QVERIFY2(report.problems_of(again)[0]->message.find("same shape") != std::string::npos,
             report.problems_of(again)[0]->message.c_str());
    // The layer it shares deleted: the node says what to do.
    doc.set_param(doc.node_named("right")->id, "batch_shape", Config::array({nullptr, 5}));
    doc.remove_nodes({encoder});
    report = check(doc.data());
    QVERIFY(!report.problems_of(again).empty());
    QVERIFY2(report.problems_of(again)[0]->message.find("not in this graph") != std::string::npos,
             report.problems_of(again)[0]->message.c_str());
  }
};

QTEST_APPLESS_MAIN(TestSharedLayers)
#include "test_shared_layers.moc"
