// Live checks: each kind of problem is found, attached to the node or connection at fault, says what to
// do, and clears once fixed; shapes (batch None), parameter and multiply-add counts agree with the engine.
#include <QtTest>

#include "nodes/checks.h"
#include "nodes/compile.h"
#include "nodes/document.h"
#include "nodes/live_checks.h"
#include "project_fixtures.h"

using namespace cornu;
using namespace cornu::nodes;

namespace {

// The problems mentioning `needle`, anywhere in the report.
std::vector<Problem> find(const CheckReport& r, const std::string& needle) {
  std::vector<Problem> out;
  for (const auto& p : r.problems)
    if (p.message.find(needle) != std::string::npos) out.push_back(p);
  return out;
}

std::string all(const CheckReport& r) {
  std::string s;
  for (const auto& p : r.problems) s += p.message + "\n";
  return s;
}

}  // namespace

class ChecksTest : public QObject {
  Q_OBJECT

 private slots:
  void aValidModelHasShapesAndCountsAndNoProblems() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    CheckReport r = check(doc.data());
    QVERIFY2(r.problems.empty(), all(r).c_str());
    QCOMPARE(shape_text(r.nodes.at(ids.input).outputs.at(0)), std::string("(None, 28, 28)"));
    QCOMPARE(shape_text(r.nodes.at(ids.flatten).outputs.at(0)), std::string("(None, 784)"));
    QCOMPARE(shape_text(r.nodes.at(ids.logits).outputs.at(0)), std::string("(None, 10)"));
    QCOMPARE(r.nodes.at(ids.hidden).params, int64_t(784 * 64 + 64));
    QCOMPARE(r.nodes.at(ids.hidden).macs, int64_t(784 * 64));
    QCOMPARE(r.total_params, int64_t(784 * 64 + 64 + 64 * 10 + 10));
    QCOMPARE(r.total_macs, int64_t(784 * 64 + 64 * 10));
    // The same counts as the engine's model.
    ModelPtr m = build_model(doc.data());
    QCOMPARE(r.total_params, m->count_params());
    // Frozen layers count as non-trainable.
    doc.set_param(ids.hidden, "trainable", false);
    r = check(doc.data());
    QCOMPARE(r.trainable_params, int64_t(64 * 10 + 10));
  }

  void cycleIsFoundOnTheConnectionsThatCloseIt() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    int add = doc.add_node("Add", 0, 0);
    doc.disconnect(Edge{{ids.hidden, 0}, {ids.logits, 0}});
    doc.connect({ids.hidden, 0}, {add, 0});
    doc.connect({ids.logits, 0}, {add, 1});
    doc.connect({add, 0}, {ids.logits, 0});  // logits -> add -> logits
    CheckReport r = check(doc.data());
    auto loops = find(r, "closes a loop");
    QCOMPARE(loops.size(), size_t(2));
    for (const auto& p : loops) QVERIFY(p.edge.has_value());
    QVERIFY(r.has_errors());
    doc.undo_stack().undo();
    QVERIFY(find(check(doc.data()), "closes a loop").empty());
  }

  void unconnectedPortsAndMissingEnds() {
    Document doc;
    CheckReport r = check(doc.data());
    QCOMPARE(find(r, "canvas is empty").size(), size_t(1));
    test::MlpIds ids = test::build_mlp(doc);
    doc.disconnect(Edge{{ids.flatten, 0}, {ids.hidden, 0}});
    r = check(doc.data());
    auto open = find(r, "'dense' has no input");
    QCOMPARE(open.size(), size_t(1));
    QCOMPARE(open[0].node, ids.hidden);
    QCOMPARE(find(r, "'flatten' leads nowhere").size(), size_t(1));
    QCOMPARE(find(r, "'flatten' leads nowhere")[0].severity, Severity::Warning);
    doc.undo_stack().undo();
    QVERIFY(check(doc.data()).problems.empty());
    doc.remove_nodes({ids.output});
    QCOMPARE(find(check(doc.data()), "no Output").size(), size_t(1));
    doc.remove_nodes({ids.input});
    QCOMPARE(find(check(doc.data()), "no Input").size(), size_t(1));
    // A merge layer with one input.
    Document merge;
    int in = merge.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 4}}});
    int cat = merge.add_node("Concatenate", 0, 0);
    merge.connect({in, 0}, {cat, 0});
    QCOMPARE(find(check(merge.data()), "combines at least 2 inputs but only 1 is connected").size(), size_t(1));
    int dot = merge.add_node("Dot", 0, 0, {{"axes", 1}});
    merge.connect({in, 0}, {dot, 1});
    QCOMPARE(find(check(merge.data()), "Input 1 of 'dot' is not connected").size(), size_t(1));
  }

  void incompatibleShapesSayWhatToInsert() {
    Document doc;
    test::MlpIds ids = test::build_broken_mlp(doc);  // Dense fed (None, 28, None)
    CheckReport r = check(doc.data());
    auto p = find(r, "Give that axis a size in the Input shape");
    QVERIFY2(p.size() == 1, all(r).c_str());
    QCOMPARE(p[0].node, ids.hidden);
    QVERIFY(p[0].edge.has_value());
    QCOMPARE(p[0].edge->from.node, ids.input);
    // Downstream nodes stay quiet (no cascade) and have no shape.
    QVERIFY(r.nodes.at(ids.logits).outputs.empty());
    QCOMPARE(r.problems_of(ids.logits).size(), size_t(0));
    doc.undo_stack().undo();
    doc.undo_stack().undo();
    doc.undo_stack().undo();
    QVERIFY(check(doc.data()).problems.empty());
    // A Dense fed (None, 28, 28) is legal, as in Keras (it acts on the last axis): no problem there.
    doc.remove_nodes({ids.flatten});
    doc.connect({ids.input, 0}, {ids.hidden, 0});
    QCOMPARE(check(doc.data()).problems_of(ids.hidden).size(), size_t(0));

    // Adding two branches of different widths: a Dense to match.
    Document two;
    int in = two.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 8}}});
    int a = two.add_node("Dense", 0, 0, {{"units", 64}});
    int b = two.add_node("Dense", 0, 0, {{"units", 32}});
    int add = two.add_node("Add", 0, 0);
    int out = two.add_node("Output", 0, 0, {{"loss", "mse"}});
    two.connect({in, 0}, {a, 0});
    two.connect({in, 0}, {b, 0});
    two.connect({a, 0}, {add, 0});
    two.connect({b, 0}, {add, 1});
    two.connect({add, 0}, {out, 0});
    QCOMPARE(find(check(two.data()), "a Dense with units=64 on the branch giving (None, 32)").size(), size_t(1));
    two.set_param(b, "units", 64);
    QVERIFY2(check(two.data()).problems.empty(), all(check(two.data())).c_str());
  }

  void concatenateAlongAWrongAxis() {
    Document doc;
    int in = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 5, 3}}});
    int other = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 5, 4}}});
    int cat = doc.add_node("Concatenate", 0, 0, {{"axis", 1}});
    int out = doc.add_node("Output", 0, 0, {{"loss", "mse"}});
    doc.connect({in, 0}, {cat, 0});
    doc.connect({other, 0}, {cat, 1});
    doc.connect({cat, 0}, {out, 0});
    CheckReport r = check(doc.data());
    QVERIFY2(r.problems_of(cat).size() == 1, all(r).c_str());
    QVERIFY2(r.problems_of(cat)[0]->message.find("axis") != std::string::npos, all(r).c_str());
    doc.set_param(cat, "axis", -1);
    r = check(doc.data());
    QVERIFY2(r.problems.empty(), all(r).c_str());
    QCOMPARE(shape_text(r.nodes.at(cat).outputs[0]), std::string("(None, 5, 7)"));
    doc.set_param(cat, "axis", 0);
    QCOMPARE(find(check(doc.data()), "the batch axis").size(), size_t(1));
  }

  void lossesThatDoNotFitTheOutput() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    Settings s = doc.settings();
    s.dataset = {{"name", "fashion-mnist"}};
    doc.set_settings(s);
    QVERIFY2(check(doc.data()).problems.empty(), all(check(doc.data())).c_str());
    // Softmax over 10 classes with binary_crossentropy.
    doc.set_param(ids.output, "loss", "binary_crossentropy");
    auto p = find(check(doc.data()), "binary_crossentropy scores each unit as a separate yes/no question");
    QCOMPARE(p.size(), size_t(1));
    QCOMPARE(p[0].node, ids.output);
    QVERIFY(!p[0].about_data);  // the model against itself, whatever the data
    // Class-number labels with categorical_crossentropy.
    doc.set_param(ids.output, "loss", "categorical_crossentropy");
    QCOMPARE(find(check(doc.data()), "expects one-hot vectors. Use sparse_categorical_crossentropy").size(), size_t(1));
    // The number of classes.
    doc.set_param(ids.output, "loss", "sparse_categorical_crossentropy");
    doc.set_param(ids.logits, "units", 5);
    const auto classes = find(check(doc.data()), "has 10 classes but 'dense_1' has 5 units: set its units to 10");
    QCOMPARE(classes.size(), size_t(1));
    QVERIFY(classes[0].about_data);  // the Data panel shows it
    doc.set_param(ids.logits, "units", 10);
    // Not probabilities.
    doc.set_param(ids.logits, "activation", "relu");
    auto w = find(check(doc.data()), "are not probabilities");
    QCOMPARE(w.size(), size_t(1));
    QCOMPARE(w[0].severity, Severity::Warning);
    doc.set_param(ids.output, "loss", {{"class_name", "SparseCategoricalCrossentropy"}, {"config", {{"from_logits", true}}}});
    doc.set_param(ids.logits, "activation", "linear");
    QVERIFY2(check(doc.data()).problems.empty(), all(check(doc.data())).c_str());
    // One unit with a categorical loss; no loss at all.
    doc.set_param(ids.logits, "units", 1);
    QCOMPARE(find(check(doc.data()), "has a single unit").size(), size_t(1));
    doc.set_param(ids.output, "loss", nullptr);
    QCOMPARE(find(check(doc.data()), "has no loss").size(), size_t(1));
    // Input shape against the data.
    doc.set_param(ids.input, "batch_shape", {nullptr, 784});
    const CheckReport flat = check(doc.data());
    auto mismatch = find(flat, "Input 'image' takes samples of shape (784,), but the samples of fashion-mnist are (28, 28). "
                               "They hold the same 784 values: set the Input's shape to (28, 28) and put a Flatten");
    QCOMPARE(mismatch.size(), size_t(1));
    QVERIFY(mismatch[0].about_data);
    QCOMPARE(data_problems(flat).size(), size_t(1));
    // A shape that holds other values: the Input's shape or other data.
    doc.set_param(ids.input, "batch_shape", {nullptr, 100});
    QCOMPARE(find(check(doc.data()), "takes samples of shape (100,), but the samples of fashion-mnist are (28, 28). Set the "
                                     "Input's shape to (28, 28) (and add a Flatten before the first Dense)").size(),
             size_t(1));
  }

  void badParametersAreProblemsNotCrashes() {
    Document doc;
    int in = doc.add_node("InputLayer", 0, 0);  // no shape yet
    int d = doc.add_node("Dense", 0, 0);        // no units yet
    doc.connect({in, 0}, {d, 0});
    CheckReport r = check(doc.data());
    QVERIFY2(find(r, "needs the parameter 'batch_shape'").size() == 1, all(r).c_str());
    QVERIFY2(find(r, "needs the parameter 'units'").size() == 1, all(r).c_str());
    // Sizes too large to allocate are still counted, not built.
    doc.set_param(in, "batch_shape", {nullptr, 3000000000LL});
    doc.set_param(d, "units", 2000000000LL);
    r = check(doc.data());
    QVERIFY(r.nodes.at(d).params > int64_t(1) << 60);
    // Beyond what 64 bits count: a problem, not an overflow.
    doc.set_param(d, "units", 4000000000LL);
    r = check(doc.data());
    QVERIFY2(find(r, "too many values").size() == 1, all(r).c_str());
  }

  void liveChecksFollowEveryEditUndoAndRedo() {
    Document doc;
    LiveChecks live(doc);
    QCOMPARE(find(live.report(), "canvas is empty").size(), size_t(1));
    test::MlpIds ids = test::build_mlp(doc);
    QVERIFY(live.report().problems.empty());
    doc.disconnect(Edge{{ids.hidden, 0}, {ids.logits, 0}});
    QCOMPARE(find(live.report(), "'dense_1' has no input").size(), size_t(1));
    doc.undo_stack().undo();
    QVERIFY(live.report().problems.empty());
    doc.undo_stack().redo();
    QCOMPARE(find(live.report(), "'dense_1' has no input").size(), size_t(1));
    doc.reset(ProjectData{});
    QCOMPARE(find(live.report(), "canvas is empty").size(), size_t(1));
  }

  void modelsThatWouldFailAtTrainingAreCaughtHere() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    int extra = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 3}}}, "unused");
    int d = doc.add_node("Dense", 0, 0, {{"units", 2}});
    doc.connect({extra, 0}, {d, 0});
    QCOMPARE(find(check(doc.data()), "Input 'unused' does not lead to any Output").size(), size_t(1));
    doc.remove_nodes({extra, d});
    doc.set_param(ids.hidden, "kernel_initializer", {{"class_name", "RandomNormal"}, {"config", {{"stddev", "x"}}}});
    auto p = find(check(doc.data()), "stddev");
    QVERIFY2(p.size() == 1 && p[0].node == ids.hidden, all(check(doc.data())).c_str());
    doc.set_param(ids.hidden, "kernel_initializer", nullptr);
    doc.set_param(ids.output, "metrics", {"acuracy"});
    QVERIFY2(find(check(doc.data()), "acuracy").size() == 1, all(check(doc.data())).c_str());
    doc.set_param(ids.output, "metrics", {"accuracy"});
    QVERIFY(check(doc.data()).problems.empty());
    // Input straight into Output: nothing to train.
    Document direct;
    int in = direct.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 3}}});
    int out = direct.add_node("Output", 0, 0, {{"loss", "mse"}});
    direct.connect({in, 0}, {out, 0});
    QCOMPARE(find(check(direct.data()), "nothing to train").size(), size_t(1));
    // Too large for this computer's memory.
    doc.set_param(ids.input, "batch_shape", {nullptr, 1000000});
    doc.remove_nodes({ids.flatten});
    doc.connect({ids.input, 0}, {ids.hidden, 0});
    doc.set_param(ids.hidden, "units", 1000000);
    QCOMPARE(find(check(doc.data()), "more than this computer's").size(), size_t(1));
  }

  void hugeAxesAreRefusedNotWrapped() {
    Document doc;
    int in = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 4, 3}}});
    int p = doc.add_node("Permute", 0, 0, {{"dims", {4294967298LL, 4294967297LL}}});
    int s = doc.add_node("Softmax", 0, 0, {{"axis", 4294967296.0}});
    int c = doc.add_node("Concatenate", 0, 0, {{"axis", 4294967297LL}});
    int out = doc.add_node("Output", 0, 0, {{"loss", "mse"}});
    doc.connect({in, 0}, {p, 0});
    doc.connect({p, 0}, {s, 0});
    doc.connect({s, 0}, {c, 0});
    doc.connect({in, 0}, {c, 1});
    doc.connect({c, 0}, {out, 0});
    CheckReport r = check(doc.data());
    QVERIFY2(r.problems_of(p).size() == 1 && r.problems_of(s).size() == 1 && r.problems_of(c).size() == 1, all(r).c_str());
    QVERIFY2(find(r, "must be between -1024 and 1024").size() == 3, all(r).c_str());
    // Dimensions that overflow when joined.
    Document big;
    int i = big.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 9223372036854775807LL}}});
    int cat = big.add_node("Concatenate", 0, 0);
    big.connect({i, 0}, {cat, 0});
    big.connect({i, 0}, {cat, 1});
    QCOMPARE(find(check(big.data()), "more values than can be counted").size(), size_t(1));
    // Concatenate along an axis the inputs lack names itself.
    doc.set_param(p, "dims", {2, 1});
    doc.set_param(s, "axis", -1);
    doc.set_param(c, "axis", 99);
    QVERIFY2(find(check(doc.data()), "Concatenate 'concatenate' joins along axis 99").size() == 1, all(check(doc.data())).c_str());
  }

  void checkerCacheFollowsEdits() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    Checker checker;
    QVERIFY(checker.check(doc.data()).problems.empty());
    doc.set_param(ids.hidden, "units", 32);
    QCOMPARE(checker.check(doc.data()).nodes.at(ids.hidden).params, int64_t(784 * 32 + 32));
    doc.rename(ids.logits, "classes");
    CheckReport r = checker.check(doc.data());
    QVERIFY(r.problems.empty());
    doc.remove_nodes({ids.hidden});
    QCOMPARE(find(checker.check(doc.data()), "'classes' has no input").size(), size_t(1));
  }
};

QTEST_GUILESS_MAIN(ChecksTest)
#include "test_checks.moc"
