// Units (nested models): grouping a selection keeps the model's shapes and parameters, undo and redo give
// back the exact document, ungrouping gives back an equivalent graph, a unit opens in place to edit (with undo
// across scopes), copies are independent, it builds as a nested engine Model that trains, and its body
// round-trips through project files (and malformed bodies are refused with their JSON path).
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "core/error.h"
#include "core/random.h"
#include "model/layers_api.h"
#include "nodes/checks.h"
#include "nodes/compile.h"
#include "nodes/document.h"
#include "nodes/live_checks.h"
#include "nodes/project.h"
#include "nodes/units.h"
#include "project_fixtures.h"
#include "random_data.h"

using namespace cornu;
using test::random_classes;
using test::random_tensor;
using namespace cornu::nodes;

namespace {

std::string text(const Document& doc) { return project_to_text(doc.data()); }

// The graph as names, types, parameters and connections: what "equivalent" means, ids and positions aside.
std::vector<std::string> signature(const Graph& g) {
  std::map<int, std::string> name;
  for (const auto& n : g.nodes) name[n.id] = n.name;
  std::vector<std::string> out;
  for (const auto& n : g.nodes) out.push_back(n.name + " " + n.type + " " + n.params.dump());
  for (const auto& e : g.edges)
    out.push_back(name.at(e.from.node) + ":" + std::to_string(e.from.port) + " -> " + name.at(e.to.node) + ":" +
                  std::to_string(e.to.port));
  std::sort(out.begin(), out.end());
  return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool any_problem(const CheckReport& r, const std::string& part) {
  return std::any_of(r.problems.begin(), r.problems.end(), [&](const Problem& p) { return contains(p.message, part); });
}

std::string problems_text(const CheckReport& r) {
  std::string s;
  for (const auto& p : r.problems) s += p.message + "\n";
  return s;
}

// Input (None, 8) -> a, b (Dense 4 each) -> Concatenate(a, b) -> Dense 2 -> Output; a also -> Dense 3 -> Output.
struct Branchy {
  int input, a, b, cat, head, side, out1, out2;
};
Branchy build_branchy(Document& doc) {
  Branchy ids;
  ids.input = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 8}}}, "x");
  ids.a = doc.add_node("Dense", 0, 100, {{"units", 4}, {"activation", "relu"}}, "a");
  ids.b = doc.add_node("Dense", 200, 100, {{"units", 4}, {"activation", "tanh"}}, "b");
  ids.cat = doc.add_node("Concatenate", 100, 200, Config::object(), "cat");
  ids.head = doc.add_node("Dense", 100, 300, {{"units", 2}, {"activation", "softmax"}}, "head");
  ids.side = doc.add_node("Dense", 300, 300, {{"units", 3}}, "side");
  ids.out1 = doc.add_node("Output", 100, 400, {{"loss", "sparse_categorical_crossentropy"}});
  ids.out2 = doc.add_node("Output", 300, 400, {{"loss", "mse"}});
  doc.connect({ids.input, 0}, {ids.a, 0});
  doc.connect({ids.input, 0}, {ids.b, 0});
  doc.connect({ids.a, 0}, {ids.cat, 0});
  doc.connect({ids.b, 0}, {ids.cat, 1});
  doc.connect({ids.cat, 0}, {ids.head, 0});
  doc.connect({ids.a, 0}, {ids.side, 0});
  doc.connect({ids.head, 0}, {ids.out1, 0});
  doc.connect({ids.side, 0}, {ids.out2, 0});
  return ids;
}

// An MLP whose Flatten and hidden Dense are grouped into the unit "block".
struct GroupedMlp {
  test::MlpIds ids;
  int unit;
};
GroupedMlp grouped_mlp(Document& doc) {
  GroupedMlp g;
  g.ids = test::build_mlp(doc);
  g.unit = doc.group_into_unit({g.ids.flatten, g.ids.hidden});
  return g;
}

std::string project_error(const std::string& text) {
  try {
    parse_project(text);
  } catch (const ProjectError& e) {
    return e.json_path() + " | " + e.message();
  }
  return "no error";
}

}  // namespace

class UnitsTest : public QObject {
  Q_OBJECT

 private slots:
  void groupingTheMiddleOfAnMlpKeepsShapesAndParams() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    const std::string before = text(doc);
    const CheckReport flat = check(doc.data());
    const int steps = doc.undo_stack().index();
    const int unit = doc.group_into_unit({ids.hidden, ids.flatten});
    QCOMPARE(doc.undo_stack().index(), steps + 1);  // one undo step
    const std::string after = text(doc);

    const nodes::Node& u = doc.at(unit);
    QCOMPARE(u.type, std::string(kUnitType));
    QCOMPARE(u.name, std::string("block"));
    QCOMPARE(doc.input_ports(unit), 1);
    QCOMPARE(doc.output_ports(unit), 1);
    QCOMPARE(doc.output_ports(ids.logits), 1);
    QCOMPARE(doc.output_ports(ids.output), 0);
    QCOMPARE(doc.nodes().size(), size_t(4));  // image, block, dense_1, output
    QCOMPARE(doc.edges_into(unit), (std::vector<Edge>{{{ids.input, 0}, {unit, 0}}}));
    QCOMPARE(doc.edges_from(unit), (std::vector<Edge>{{{unit, 0}, {ids.logits, 0}}}));
    const Graph& body = body_of(u);
    QCOMPARE(unit_inputs(body).size(), size_t(1));
    QCOMPARE(unit_inputs(body)[0]->params.at("batch_shape"), Config::parse("[null, 28, 28]"));
    QCOMPARE(unit_outputs(body).size(), size_t(1));
    QVERIFY(!unit_outputs(body)[0]->params.contains("loss"));  // Outputs inside carry no loss
    QVERIFY(std::any_of(body.nodes.begin(), body.nodes.end(), [&](const nodes::Node& n) { return n.name == "dense"; }));

    const CheckReport grouped = check(doc.data());
    QVERIFY2(grouped.problems.empty(), problems_text(grouped).c_str());
    QCOMPARE(grouped.total_params, flat.total_params);
    QCOMPARE(grouped.trainable_params, flat.trainable_params);
    QCOMPARE(grouped.total_macs, flat.total_macs);
    QCOMPARE(grouped.nodes.at(unit).outputs, (Shapes{Shape{Shape::kNone, 64}}));
    QCOMPARE(grouped.nodes.at(unit).params, int64_t(784 * 64 + 64));

    for (int round = 0; round < 2; ++round) {
      doc.undo_stack().undo();
      QCOMPARE(text(doc), before);
      doc.undo_stack().redo();
      QCOMPARE(text(doc), after);
    }
  }

  void groupingABranchyGraphMakesAPortPerSourceAndResult() {
    Document doc;
    Branchy ids = build_branchy(doc);
    const CheckReport flat = check(doc.data());
    QVERIFY2(!flat.has_errors(), problems_text(flat).c_str());
    const std::vector<std::string> original = signature(doc.graph());
    // b and the merge: fed by x (into b) and by a (into the merge's port 0); the merge's output used outside.
    const int unit = doc.group_into_unit({ids.b, ids.cat}, "mixer");
    QCOMPARE(doc.input_ports(unit), 2);
    QCOMPARE(doc.output_ports(unit), 1);
    QCOMPARE(doc.edges_into(unit), (std::vector<Edge>{{{ids.input, 0}, {unit, 0}}, {{ids.a, 0}, {unit, 1}}}));
    CheckReport r = check(doc.data());
    QVERIFY2(r.problems.empty(), problems_text(r).c_str());
    QCOMPARE(r.total_params, flat.total_params);
    QCOMPARE(r.nodes.at(unit).outputs, (Shapes{Shape{Shape::kNone, 8}}));
    // The merge keeps its port order inside: port 0 from the Input standing for a, port 1 from b.
    const Graph& body = body_of(doc.at(unit));
    const auto inputs = unit_inputs(body);
    QCOMPARE(inputs.size(), size_t(2));
    for (const auto& e : body.edges)
      if (e.to.node == ids.cat) QCOMPARE(e.from.node, e.to.port == 0 ? inputs[1]->id : ids.b);

    // a: one source, two results used outside (by the unit above and by side): two output ports.
    Document doc2;
    Branchy ids2 = build_branchy(doc2);
    const int front = doc2.group_into_unit({ids2.a, ids2.b});
    QCOMPARE(doc2.input_ports(front), 1);
    QCOMPARE(doc2.output_ports(front), 2);
    QCOMPARE(doc2.edges_into(ids2.cat), (std::vector<Edge>{{{front, 0}, {ids2.cat, 0}}, {{front, 1}, {ids2.cat, 1}}}));
    r = check(doc2.data());
    QVERIFY2(r.problems.empty(), problems_text(r).c_str());
    QCOMPARE(r.total_params, flat.total_params);

    // Ungrouping gives back the same layers, parameters and connections.
    const std::vector<int> layers = doc.ungroup_unit(unit);
    QCOMPARE(layers.size(), size_t(2));
    QVERIFY(!doc.node(unit));
    QCOMPARE(signature(doc.graph()), original);
    doc2.ungroup_unit(front);
    QCOMPARE(signature(doc2.graph()), original);
    r = check(doc2.data());
    QCOMPARE(r.total_params, flat.total_params);
  }

  void ungroupingMakesNamesUniqueAndMovesLayersToTheUnit() {
    Document doc;
    GroupedMlp g = grouped_mlp(doc);
    // A new layer outside takes the name of one inside ("dense" moved into the unit).
    QCOMPARE(doc.unique_name("Dense"), std::string("dense"));
    const int extra = doc.add_node("Dense", 500, 500, {{"units", 3}});
    doc.connect({g.ids.logits, 0}, {extra, 0});
    doc.move_nodes({{g.unit, {1000, 2000}}});
    const std::string before = text(doc);
    doc.ungroup_unit(g.unit);
    const nodes::Node* hidden = doc.node_named("dense_2");  // renamed: "dense" and "dense_1" are taken
    QVERIFY(hidden);
    QCOMPARE(hidden->params.at("units"), Config(64));
    const nodes::Node* flatten = doc.node_named("flatten");
    QVERIFY(flatten);
    QCOMPARE((flatten->x + hidden->x) / 2, 1000.0);  // centred where the unit was
    QCOMPARE((flatten->y + hidden->y) / 2, 2000.0);
    QVERIFY(!check(doc.data()).has_errors());
    doc.undo_stack().undo();
    QCOMPARE(text(doc), before);
  }

  void groupingRefusesWithAReason() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    auto refused = [&](const std::vector<int>& sel, const std::string& part, const std::string& name = "") {
      const std::string before = text(doc);
      try {
        doc.group_into_unit(sel, name);
      } catch (const ValueError& e) {
        QVERIFY2(contains(e.what(), part), e.what());
        QCOMPARE(text(doc), before);
        return;
      }
      QFAIL(("no error for " + part).c_str());
    };
    refused({}, "Nothing is selected");
    refused({ids.input, ids.flatten}, "'image' is an Input of the model");
    refused({ids.logits, ids.output}, "'output' is an Output of the model");
    refused({ids.hidden}, "exists already", "dense_1");
    refused({ids.hidden}, "cannot name a unit", "a/b");
    // A layer nothing feeds: no data comes in.
    const int loose = doc.add_node("Dense", 0, 0, {{"units", 3}});
    const int after = doc.add_node("Dense", 0, 0, {{"units", 3}});
    doc.connect({loose, 0}, {after, 0});
    refused({loose}, "Nothing comes into the selection");
    // An unknown shape coming in.
    const int bad = doc.add_node("Reshape", 0, 0, {{"target_shape", {7, 7}}});
    const int next = doc.add_node("Dense", 0, 0, {{"units", 3}});
    doc.connect({ids.flatten, 0}, {bad, 0});
    doc.connect({bad, 0}, {next, 0});
    doc.connect({next, 0}, {after, 0});
    refused({next}, "is not known yet");
    // A selection whose output nothing uses.
    const int tail = doc.add_node("Dense", 0, 0, {{"units", 3}});
    doc.connect({ids.logits, 0}, {tail, 0});
    refused({tail}, "Nothing outside the selection uses its output");
  }

  void unitsNestOnlySoDeep() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    int inner = ids.hidden;
    for (int level = 0; level < kMaxUnitDepth; ++level) inner = doc.group_into_unit({inner});
    QCOMPARE(unit_depth(doc.graph()), kMaxUnitDepth);
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.group_into_unit({inner}));
    QVERIFY(!check(doc.data()).has_errors());
    // The deepest nesting still saves and opens.
    QCOMPARE(parse_project(text(doc)), doc.data());
    QCOMPARE(check(doc.data()).total_params, int64_t(784 * 64 + 64 + 64 * 10 + 10));
  }

  void openingAUnitEditsItsBodyWithUndoAcrossScopes() {
    Document doc;
    GroupedMlp g = grouped_mlp(doc);
    LiveChecks live(doc);
    QSignalSpy scopes(&doc, &Document::scope_changed);
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.enter_unit(g.ids.logits));
    const int undo_steps = doc.undo_stack().count();
    doc.enter_unit(g.unit);
    QCOMPARE(scopes.count(), 1);
    QCOMPARE(doc.undo_stack().count(), undo_steps);  // not an edit
    QCOMPARE(doc.scope(), std::vector<int>{g.unit});
    QCOMPARE(doc.scope_title(), std::string("model \u203a block"));
    QCOMPARE(doc.nodes().size(), size_t(4));  // the body: Input, flatten, dense, Output
    QCOMPARE(doc.node(g.ids.hidden)->name, std::string("dense"));
    QVERIFY(!doc.node(g.ids.logits));  // outside
    QCOMPARE(&doc.graph(), &body_of(*std::find_if(doc.data().graph.nodes.begin(), doc.data().graph.nodes.end(),
                                                   [&](const nodes::Node& n) { return n.id == g.unit; })));
    QVERIFY2(live.report().problems.empty(), problems_text(live.report()).c_str());  // the body, as a model
    QCOMPARE(live.report().total_params, int64_t(784 * 64 + 64));

    // Edits inside: a Dropout before the Dense, 32 units.
    const std::string top_before = text(doc);
    const int input = unit_inputs(doc.graph())[0]->id;
    const int drop = doc.insert_on_edge(doc.edges_into(g.ids.hidden)[0], "Dropout", {{"rate", 0.5}});
    doc.set_param(g.ids.hidden, "units", 32);
    QCOMPARE(doc.unique_name("Dense"), std::string("dense_1"));  // names of the body
    QVERIFY(doc.node(drop));
    QCOMPARE(live.report().total_params, int64_t(784 * 32 + 32));
    QVERIFY(live.report().nodes.count(input));  // the report is of the body

    doc.leave_unit();
    QCOMPARE(scopes.count(), 2);
    QVERIFY(doc.scope().empty());
    QCOMPARE(doc.scope_title(), std::string("model"));
    doc.leave_unit();  // at the top: nothing
    QCOMPARE(scopes.count(), 2);
    QCOMPARE(live.report().nodes.at(g.unit).outputs, (Shapes{Shape{Shape::kNone, 32}}));
    QCOMPARE(live.report().total_params, int64_t(784 * 32 + 32 + 32 * 10 + 10));
    QVERIFY(!doc.node(drop));
    doc.move_nodes({{g.unit, {300, 300}}});

    // Undo: the move here, then the edits inside, each first opening the unit again.
    doc.undo_stack().undo();
    QVERIFY(doc.scope().empty());
    doc.undo_stack().undo();
    QCOMPARE(doc.scope(), std::vector<int>{g.unit});
    QCOMPARE(scopes.count(), 3);
    QCOMPARE(doc.at(g.ids.hidden).params.at("units"), Config(64));
    doc.undo_stack().undo();
    QVERIFY(!doc.node(drop));
    QCOMPARE(text(doc), top_before);
    doc.leave_unit();
    doc.undo_stack().redo();  // the Dropout again, inside
    QCOMPARE(doc.scope(), std::vector<int>{g.unit});
    QVERIFY(doc.node(drop));
    // Undoing the grouping itself goes back to the top and takes the unit away.
    while (doc.undo_stack().canUndo()) doc.undo_stack().undo();
    QVERIFY(doc.scope().empty());
    QCOMPARE(text(doc), project_to_text(ProjectData{}));
    while (doc.undo_stack().canRedo()) doc.undo_stack().redo();
    QVERIFY(doc.scope().empty());  // the last edit, the move, was made at the top
    QCOMPARE(doc.at(g.unit).x, 300.0);
    doc.enter_unit(g.unit);
    QVERIFY(doc.node(drop));
    QCOMPARE(doc.at(g.ids.hidden).params.at("units"), Config(32));
    doc.reset(doc.data());
    QVERIFY(doc.scope().empty());
  }

  void groupingInsideAUnitNestsAnother() {
    Document doc;
    GroupedMlp g = grouped_mlp(doc);
    const int64_t params = check(doc.data()).total_params;
    doc.enter_unit(g.unit);
    const std::string before = text(doc);
    const int inner = doc.group_into_unit({g.ids.hidden}, "core");  // fed by the Flatten inside: (None, 784)
    QCOMPARE(unit_inputs(body_of(doc.at(inner)))[0]->params.at("batch_shape"), Config::parse("[null, 784]"));
    QCOMPARE(doc.scope_title(), std::string("model \u203a block"));
    doc.enter_unit(inner);
    QCOMPARE(doc.scope_title(), std::string("model \u203a block \u203a core"));
    QCOMPARE(doc.scope(), (std::vector<int>{g.unit, inner}));
    doc.leave_unit();
    doc.leave_unit();
    const CheckReport r = check(doc.data());
    QVERIFY2(r.problems.empty(), problems_text(r).c_str());
    QCOMPARE(r.total_params, params);
    QCOMPARE(build_model(doc.data())->count_params(), params);
    doc.undo_stack().undo();  // back inside 'block', without 'core'
    QCOMPARE(doc.scope(), std::vector<int>{g.unit});
    QCOMPARE(text(doc), before);
  }

  void problemsInsideSurfaceOnTheUnit() {
    Document doc;
    GroupedMlp g = grouped_mlp(doc);
    doc.enter_unit(g.unit);
    const int input = unit_inputs(doc.graph())[0]->id;
    // A shape the unit's Input does not take: an error on the connection into the unit, naming both shapes.
    doc.set_param(input, "batch_shape", Config::parse("[null, 784]"));
    doc.leave_unit();
    CheckReport r = check(doc.data());
    auto on_unit = r.problems_of(g.unit);
    QVERIFY(!on_unit.empty());
    QVERIFY2(contains(on_unit[0]->message, "(None, 784)") && contains(on_unit[0]->message, "(None, 28, 28)"),
             on_unit[0]->message.c_str());
    QCOMPARE(on_unit[0]->edge, std::optional<Edge>(Edge{{g.ids.input, 0}, {g.unit, 0}}));
    QVERIFY_THROWS_EXCEPTION(ValueError, build_model(doc.data()));
  }

  void problemsInsideAreReportedWithTheUnitsName() {
    Document doc;
    GroupedMlp g = grouped_mlp(doc);
    doc.enter_unit(g.unit);
    doc.disconnect(doc.edges_into(g.ids.hidden)[0]);
    doc.leave_unit();
    CheckReport r = check(doc.data());
    QVERIFY2(any_problem(r, "inside unit 'block': 'dense' has no input"), problems_text(r).c_str());
    QVERIFY(r.has_errors());
    try {
      build_model(doc.data());
      QFAIL("no error");
    } catch (const ValueError& e) {
      QVERIFY2(contains(e.what(), "inside unit 'block'"), e.what());
    }
    // Deleting the unit's Input inside leaves the connection into it on a port that is gone.
    doc.undo_stack().undo();
    QCOMPARE(doc.scope(), std::vector<int>{g.unit});  // the undo opened the unit again
    QVERIFY(!check(doc.data()).has_errors());
    doc.remove_nodes({unit_inputs(doc.graph())[0]->id});
    doc.leave_unit();
    QCOMPARE(doc.input_ports(g.unit), 0);
    r = check(doc.data());
    QVERIFY2(any_problem(r, "has no input 1 any more"), problems_text(r).c_str());
    QVERIFY2(any_problem(r, "inside unit 'block': The unit has no Input"), problems_text(r).c_str());
    QCOMPARE(parse_project(text(doc)), doc.data());  // still saves and opens
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.connect({g.ids.input, 0}, {g.unit, 0}));  // no such port now
  }

  void copiesOfAUnitAreIndependent() {
    Document doc;
    GroupedMlp g = grouped_mlp(doc);
    const std::vector<int> pasted = doc.paste(doc.copy({g.unit}));
    QCOMPARE(pasted.size(), size_t(1));
    const int copy = pasted[0];
    QCOMPARE(doc.at(copy).name, std::string("block_1"));
    QCOMPARE(doc.at(copy).body, doc.at(g.unit).body);
    doc.enter_unit(copy);
    doc.set_param(g.ids.hidden, "units", 16);
    const int fresh = doc.add_node("Dense", 0, 0, {{"units", 2}});
    QCOMPARE(fresh, largest_node_id(doc.graph()));  // ids after every id pasted
    doc.leave_unit();
    QCOMPARE(doc.at(g.unit).body.front().nodes.size(), size_t(4));  // the original is untouched
    QCOMPARE(doc.at(copy).body.front().nodes.size(), size_t(5));
    CheckReport r = check(doc.data());
    QCOMPARE(r.nodes.at(g.unit).params, int64_t(784 * 64 + 64));
    QCOMPARE(r.nodes.count(copy), size_t(1));
    QCOMPARE(check(doc.data(), {copy}).total_params, int64_t(784 * 16 + 16));  // its body, as a model
    // Pasting inside a unit.
    doc.enter_unit(copy);
    const std::vector<int> inside = doc.paste(doc.copy({g.ids.hidden}));
    QCOMPARE(doc.at(inside.at(0)).name, std::string("dense_2"));
  }

  void buildsANestedModelThatTrains() {
    Document flat_doc;
    test::build_mlp(flat_doc);
    const int64_t flat_params = build_model(flat_doc.data())->count_params();
    Document doc;
    grouped_mlp(doc);
    ModelPtr model = build_model(doc.data());
    QCOMPARE(model->count_params(), flat_params);
    QCOMPARE(model->class_name(), std::string("Sequential"));  // image -> block -> dense_1 -> output is a chain
    auto inner = std::dynamic_pointer_cast<Model>(model->get_layer("block"));
    QVERIFY(inner);
    QCOMPARE(inner->class_name(), std::string("Sequential"));  // the body is a chain too
    QCOMPARE(inner->count_params(), int64_t(784 * 64 + 64));
    Logs logs = model->train_on_batch(random_tensor(Shape{8, 28, 28}, 1), random_classes(8, 10, 2));
    QVERIFY(std::isfinite(logs.at("loss")));

    // A branchy unit builds as a functional model with its ports in order.
    Document branchy;
    Branchy ids = build_branchy(branchy);
    const int64_t branchy_params = build_model(branchy.data())->count_params();
    const int unit = branchy.group_into_unit({ids.b, ids.cat}, "mixer");
    model = build_model(branchy.data());
    QCOMPARE(model->count_params(), branchy_params);
    auto mixer = std::dynamic_pointer_cast<Model>(model->get_layer("mixer"));
    QVERIFY(mixer);
    QCOMPARE(mixer->class_name(), std::string("Functional"));
    QCOMPARE(mixer->inputs().size(), size_t(2));
    QCOMPARE(mixer->inputs()[0].node->layer->name(), unit_inputs(body_of(branchy.at(unit)))[0]->name);
    logs = model->train_on_batch({random_tensor(Shape{4, 8}, 3)}, {random_classes(4, 2, 4), random_tensor(Shape{4, 3}, 5)});
    QVERIFY(std::isfinite(logs.at("loss")));
  }

  void projectFilesKeepTheBodyAndTheWeights() {
    Document doc;
    grouped_mlp(doc);
    const std::string saved = text(doc);
    QVERIFY(contains(saved, "\"body\""));
    ProjectData loaded = parse_project(saved);
    QCOMPARE(loaded, doc.data());
    QCOMPARE(project_to_text(loaded), saved);
    // Opened in a document, new nodes in the body take ids after every id in the file.
    Document reopened;
    reopened.reset(loaded);
    reopened.enter_unit(reopened.node_named("block")->id);
    const int added = reopened.add_node("Dropout", 0, 0, {{"rate", 0.1}});
    QVERIFY(added > largest_node_id(loaded.graph));

    QTemporaryDir dir;
    const std::string path = dir.filePath("grouped.cornu").toStdString();
    ModelPtr model = build_model(doc.data());
    model->train_on_batch(random_tensor(Shape{8, 28, 28}, 6), random_classes(8, 10, 7));  // weights off their start
    save_project_with_weights(path, doc.data(), *model);
    ModelPtr again = build_model(load_project(path));
    QVERIFY(again->get_weights()[0].to_vector() != model->get_weights()[0].to_vector());
    QVERIFY(load_project_weights(path, *again));
    const auto a = again->get_weights(), b = model->get_weights();
    QCOMPARE(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) QCOMPARE(a[i].to_vector(), b[i].to_vector());
  }

  void engineModelsWithNestedModelsBecomeUnits() {
    using namespace cornu::layers;
    auto ix = Input(Shape{6}, "features");
    auto iy = Dense(5, "relu")(ix);
    auto inner = std::make_shared<Model>(std::vector{ix}, std::vector{iy}, "encoder");
    auto x = Input(Shape{6}, "x");
    auto h = call_layer(inner, {x}).at(0);
    auto y = Dense(3, "softmax")(h);
    Model outer({x}, {y}, "classifier");
    outer.compile("adam", "sparse_categorical_crossentropy");
    ProjectData p = project_from_model(outer);
    const nodes::Node* unit = nullptr;
    for (const auto& n : p.graph.nodes)
      if (n.name == "encoder") unit = &n;
    QVERIFY(unit);
    QCOMPARE(unit->type, std::string(kUnitType));
    const Graph& body = body_of(*unit);
    QCOMPARE(unit_inputs(body).size(), size_t(1));
    QCOMPARE(unit_inputs(body)[0]->name, std::string("features"));
    QCOMPARE(unit_outputs(body).size(), size_t(1));
    QVERIFY(unit_outputs(body)[0]->params.empty());  // no loss inside
    CheckReport r = check(p);
    QVERIFY2(r.problems.empty(), problems_text(r).c_str());
    QCOMPARE(r.total_params, outer.count_params());
    ModelPtr rebuilt = build_model(p);
    QCOMPARE(rebuilt->count_params(), outer.count_params());
    rebuilt->set_weights(outer.get_weights());  // the same weights, in the same order
    QCOMPARE(project_to_text(project_from_model(*rebuilt)), project_to_text(p));
  }

  void malformedBodiesAreRefusedWithTheirPath() {
    Document doc;
    grouped_mlp(doc);
    Config j = project_to_json(doc.data());
    // graph.nodes: image, dense_1, output, block (the unit comes last: grouping adds it)
    auto refused = [&](Config changed, const std::string& part) {
      const std::string why = project_error(changed.dump());
      QVERIFY2(contains(why, part), why.c_str());
    };
    Config c = j;
    c["graph"]["nodes"][1]["body"] = {{"nodes", Config::array()}, {"edges", Config::array()}};
    refused(c, "$.graph.nodes[1].body | only a Unit holds a body");
    c = j;
    c["graph"]["nodes"][3]["body"]["nodes"][1]["type"] = "Dence";
    refused(c, "$.graph.nodes[3].body.nodes[1].type | there is no layer called 'Dence'");
    c = j;
    c["graph"]["nodes"][3]["body"]["edges"][0]["to"] = {999, 0};
    refused(c, "$.graph.nodes[3].body.edges[0].to[0] | there is no node with id 999");
    c = j;
    c["graph"]["nodes"][3]["body"]["nodes"][2]["name"] = c["graph"]["nodes"][3]["body"]["nodes"][1]["name"];
    refused(c, "$.graph.nodes[3].body.nodes[2].name | two layers are called");
    c = j;
    c["graph"]["nodes"][3]["body"] = Config::array();
    refused(c, "$.graph.nodes[3].body | expected an object");
    // A unit in a unit in a unit...: refused past kMaxUnitDepth, with the path of the body too deep.
    Config unit = j["graph"]["nodes"][3];
    for (int level = 0; level < kMaxUnitDepth; ++level) {
      Config outer = unit;
      outer["body"]["nodes"][1] = unit;
      outer["body"]["nodes"][1]["id"] = unit["body"]["nodes"][1]["id"];
      unit = outer;
    }
    c = j;
    c["graph"]["nodes"][3] = unit;
    refused(c, ".body.nodes[1].body | units nest more than 8 deep");
    // A unit without a body opens as an empty unit, which the checks explain.
    c = j;
    c["graph"]["nodes"][3].erase("body");
    ProjectData empty = project_from_json(c);
    QVERIFY(any_problem(check(empty), "inside unit 'block': The unit is empty"));
  }
};

QTEST_GUILESS_MAIN(UnitsTest)
#include "test_units.moc"
