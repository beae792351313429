// The graph document: every edit, its undo and redo restore the exact previous document (compared as
// serialized project files), gestures merge into one undo step, copy/paste, names, merge-layer ports,
// the dirty flag, and the node catalog generated from the engine's registry.
#include <QSignalSpy>
#include <QtTest>

#include "core/error.h"
#include "layers/layer.h"
#include "nodes/catalog.h"
#include "nodes/commands.h"
#include "nodes/document.h"
#include "nodes/project.h"
#include "project_fixtures.h"

using namespace cornu;
using namespace cornu::nodes;

namespace {

std::string text(const Document& doc) { return project_to_text(doc.data()); }

// Runs `edit`, then checks: undo gives back `before`, redo gives back the edited state, twice over; with
// `keep` false, leaves the edit undone so the next check starts from the same document.
template <class Edit>
void check_undoable(Document& doc, Edit edit, bool keep = true) {
  const std::string before = text(doc);
  const int index = doc.undo_stack().index();
  edit();
  const std::string after = text(doc);
  QVERIFY2(after != before, "the edit changed nothing");
  QCOMPARE(doc.undo_stack().index(), index + 1);  // exactly one undo step
  for (int round = 0; round < 2; ++round) {
    doc.undo_stack().undo();
    if (text(doc) != before) qWarning("after undo:\n%s\nexpected:\n%s", text(doc).c_str(), before.c_str());
    QCOMPARE(text(doc), before);
    doc.undo_stack().redo();
    QCOMPARE(text(doc), after);
  }
  if (!keep) doc.undo_stack().undo();
}

}  // namespace

class DocumentTest : public QObject {
  Q_OBJECT

 private slots:
  void catalogComesFromTheRegistry() {
    // Every registered layer is in the catalog, with its parameters, ports and category; plus Output and Unit.
    for (const auto& r : layer_registry().entries()) {
      const CatalogEntry& e = catalog().get(r.name);
      QCOMPARE(e.category, r.category);
      QCOMPARE(e.min_inputs, r.min_inputs);
      QCOMPARE(e.max_inputs, r.max_inputs);
      for (const auto& p : r.params) QVERIFY(e.param(p.name) != nullptr);
      if (r.name != "InputLayer") QVERIFY(e.param("trainable") != nullptr);
    }
    QCOMPARE(catalog().entries().size(), layer_registry().entries().size() + 2);  // plus Output and Unit
    QVERIFY(catalog().get("Output").is_output());
    QVERIFY(catalog().get("Concatenate").variadic());
    QCOMPARE(catalog().get("Dot").max_inputs, 2);
    QCOMPARE(catalog().get("Input").type, std::string("InputLayer"));  // Keras's alias
    auto cats = catalog().categories();
    QCOMPARE(cats.front(), std::string("Input/Output"));
    QVERIFY(std::find(cats.begin(), cats.end(), "Merge") != cats.end());
    const auto& dense = catalog().get("Dense");
    QCOMPARE(dense.param("units")->type, ParamType::Int);
    QVERIFY(dense.param("units")->required);
    QCOMPARE(dense.card_params, (std::vector<std::string>{"units", "activation"}));
    try {
      catalog().get("Dence");
      QFAIL("no error");
    } catch (const ValueError& e) {
      QVERIFY2(std::string(e.what()).find("Did you mean 'Dense'") != std::string::npos, e.what());
    }
  }

  void namesAreUniqueKerasStyle() {
    Document doc;
    int a = doc.add_node("Dense", 0, 0, {{"units", 4}});
    int b = doc.add_node("Dense", 0, 0, {{"units", 4}});
    int c = doc.add_node("LeakyReLU", 0, 0);
    QCOMPARE(doc.at(a).name, std::string("dense"));
    QCOMPARE(doc.at(b).name, std::string("dense_1"));
    QCOMPARE(doc.at(c).name, std::string("leaky_re_lu"));
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.rename(b, "dense"));
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.rename(b, "a/b"));
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.rename(b, ""));
    check_undoable(doc, [&] { doc.rename(b, "classifier"); });
    QCOMPARE(doc.unique_name("Dense"), std::string("dense_1"));  // freed by the rename
  }

  void everyEditUndoesExactly() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    check_undoable(doc, [&] { doc.add_node("Dropout", 10, 20, {{"rate", 0.5}}); });
    check_undoable(doc, [&] { doc.set_param(ids.hidden, "units", 128); });
    check_undoable(doc, [&] { doc.set_param(ids.hidden, "activation", nullptr); });  // back to the default
    check_undoable(doc, [&] { doc.set_param(ids.hidden, "kernel_regularizer", {{"class_name", "L2"}, {"config", {{"l2", 0.01}}}}); });
    check_undoable(doc, [&] { doc.move_nodes({{ids.hidden, {40, 50}}, {ids.logits, {60, 70}}}); });
    check_undoable(doc, [&] { doc.disconnect(Edge{{ids.hidden, 0}, {ids.logits, 0}}); }, false);
    check_undoable(doc, [&] { doc.connect({ids.flatten, 0}, {ids.logits, 0}); }, false);  // rewires a taken port
    check_undoable(doc, [&] { doc.remove_nodes({ids.hidden}); }, false);
    check_undoable(doc, [&] { doc.remove_nodes({ids.input, ids.output, ids.flatten}); }, false);
    check_undoable(doc, [&] { doc.insert_on_edge(Edge{{ids.flatten, 0}, {ids.hidden, 0}}, "Dropout", {{"rate", 0.2}}); });
    Settings s = doc.settings();
    s.epochs = 3, s.dataset = {{"name", "spirals"}};
    check_undoable(doc, [&] { doc.set_settings(s); });
    check_undoable(doc, [&] { doc.paste(doc.copy({ids.hidden, ids.logits})); });
    // Undo all the way back to the empty document, then redo all the way.
    while (doc.undo_stack().canRedo()) doc.undo_stack().redo();
    const std::string full = text(doc);
    while (doc.undo_stack().canUndo()) doc.undo_stack().undo();
    QCOMPARE(text(doc), project_to_text(ProjectData{}));
    while (doc.undo_stack().canRedo()) doc.undo_stack().redo();
    QCOMPARE(text(doc), full);
  }

  void mergeLayerPortsStayOrdered() {
    Document doc;
    int in = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 4}}});
    int a = doc.add_node("Dense", 0, 0, {{"units", 2}});
    int b = doc.add_node("Dense", 0, 0, {{"units", 3}});
    int c = doc.add_node("Dense", 0, 0, {{"units", 5}});
    int cat = doc.add_node("Concatenate", 0, 0);
    for (int d : {a, b, c}) doc.connect({in, 0}, {d, 0});
    doc.connect({a, 0}, {cat, 0});
    doc.connect({c, 0}, {cat, 1});
    QCOMPARE(doc.input_ports(cat), 2);
    // b goes in between: c moves to port 2.
    check_undoable(doc, [&] { doc.connect({b, 0}, {cat, 1}); });
    auto into = doc.edges_into(cat);
    QCOMPARE(into.size(), size_t(3));
    QCOMPARE(into[0].from.node, a);
    QCOMPARE(into[1].from.node, b);
    QCOMPARE(into[2].from.node, c);
    // Removing the middle input closes the gap; undo restores the three ports exactly.
    check_undoable(doc, [&] { doc.remove_nodes({b}); }, false);
    doc.remove_nodes({b});
    into = doc.edges_into(cat);
    QCOMPARE(into.size(), size_t(2));
    QCOMPARE(into[1].to.port, 1);
    QCOMPARE(into[1].from.node, c);
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.connect({a, 0}, {cat, 7}));  // no such port yet
  }

  void connectionsThatCannotExistAreRefused() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    auto refused = [&](Port from, Port to, const char* expected) {
      try {
        doc.connect(from, to);
        QFAIL("no error");
      } catch (const ValueError& e) {
        QVERIFY2(std::string(e.what()).find(expected) != std::string::npos, e.what());
      }
    };
    refused({ids.hidden, 0}, {ids.hidden, 0}, "cannot feed itself");
    refused({ids.output, 0}, {ids.hidden, 0}, "nothing comes out");
    refused({ids.hidden, 0}, {ids.input, 0}, "nothing can feed it");
    refused({ids.hidden, 0}, {ids.logits, 1}, "no input port 1");
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.connect({99, 0}, {ids.logits, 0}));
  }

  void parametersAreChecked() {
    Document doc;
    int d = doc.add_node("Dense", 0, 0, {{"units", 8}});
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.set_param(d, "units", "many"));
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.set_param(d, "units", 0));  // below the minimum
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.set_param(d, "units", 1e300));
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.set_param(d, "unit", 8));
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.add_node("Dense", 0, 0, {{"units", -1}}));
    const int steps = doc.undo_stack().count();
    doc.set_param(d, "units", 8);  // the same value: no undo step
    QCOMPARE(doc.undo_stack().count(), steps);
    QCOMPARE(doc.param(d, "activation"), Config("linear"));  // the default shows through
  }

  void gesturesMergeIntoOneUndoStep() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    const std::string before = text(doc);
    const int steps = doc.undo_stack().count();
    int drag = doc.begin_gesture();
    for (int i = 1; i <= 50; ++i) doc.move_nodes({{ids.hidden, {i * 2.0, i * 3.0}}, {ids.logits, {i * 1.0, 0}}}, drag);
    QCOMPARE(doc.undo_stack().count(), steps + 1);
    QCOMPARE(doc.at(ids.hidden).x, 100.0);
    int typing = doc.begin_gesture();
    for (int units : {1, 12, 128}) doc.set_param(ids.hidden, "units", units, typing);
    QCOMPARE(doc.undo_stack().count(), steps + 2);
    QCOMPARE(doc.param(ids.hidden, "units"), Config(128));
    doc.undo_stack().undo();
    QCOMPARE(doc.param(ids.hidden, "units"), Config(64));
    doc.undo_stack().undo();
    QCOMPARE(text(doc), before);
    // A new gesture is a new step.
    doc.move_nodes({{ids.hidden, {1, 1}}}, doc.begin_gesture());
    doc.move_nodes({{ids.hidden, {2, 2}}}, doc.begin_gesture());
    QCOMPARE(doc.undo_stack().count(), steps + 2);
  }

  void copyPasteKeepsInnerEdgesAndRenames() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    std::string clip = doc.copy({ids.flatten, ids.hidden, ids.logits});
    std::vector<int> pasted = doc.paste(clip, 300, 0);
    QCOMPARE(pasted.size(), size_t(3));
    QCOMPARE(doc.at(pasted[0]).name, std::string("flatten_1"));
    QCOMPARE(doc.at(pasted[1]).name, std::string("dense_2"));
    QCOMPARE(doc.at(pasted[2]).name, std::string("dense_3"));
    QCOMPARE(doc.at(pasted[1]).params, doc.at(ids.hidden).params);
    QCOMPARE(doc.at(pasted[1]).x, doc.at(ids.hidden).x + 300);
    // The two inner edges came along; the edges to the unselected Input and Output did not.
    QCOMPARE(doc.edges_into(pasted[1]).size(), size_t(1));
    QCOMPARE(doc.edges_into(pasted[1])[0].from.node, pasted[0]);
    QCOMPARE(doc.edges_into(pasted[2])[0].from.node, pasted[1]);
    QVERIFY(doc.edges_into(pasted[0]).empty());
    QVERIFY(doc.edges_from(pasted[2]).empty());
    // One undo step removes the whole paste.
    doc.undo_stack().undo();
    QVERIFY(doc.node(pasted[0]) == nullptr);
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.paste("not json"));
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.paste(R"({"format":"cornu-project","version":1,"graph":{"nodes":[{"id":1}],"edges":[]}})"));
  }

  void hostileClipboardsAndEditsLeaveAValidDocument() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    auto clip = [](const std::string& graph) {
      return R"({"format":"cornu-project","version":1,"graph":)" + graph + "}";
    };
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.paste(clip(R"({"nodes":[{"id":1,"type":"Dense","name":"a"}],"edges":[{"from":[1],"to":[1,0]}]})")));
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.paste(clip(R"({"nodes":[{"id":1,"type":"Output","name":"o"},{"id":2,"type":"Dense","name":"d"}],"edges":[{"from":[1,0],"to":[2,0]}]})")));
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.paste(std::string(200000, '[') + std::string(200000, ']')));
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.paste(clip(R"({"nodes":[{"id":1e300,"type":"Dense","name":"a"}],"edges":[]})")));
    // Copying a merge layer with only some of its inputs gives a clipboard whose ports have no gaps.
    int in = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 4}}});
    int a = doc.add_node("Dense", 0, 0, {{"units", 2}}), b = doc.add_node("Dense", 0, 0, {{"units", 2}});
    int cat = doc.add_node("Concatenate", 0, 0);
    doc.connect({in, 0}, {a, 0});
    doc.connect({in, 0}, {b, 0});
    doc.connect({a, 0}, {cat, 0});
    doc.connect({b, 0}, {cat, 1});
    std::vector<int> pasted = doc.paste(doc.copy({b, cat}));
    QCOMPARE(doc.edges_into(pasted[1]).size(), size_t(1));
    QCOMPARE(doc.edges_into(pasted[1])[0].to.port, 0);
    // Whatever the editor makes, the loader takes back.
    doc.remove_nodes({ids.hidden, ids.hidden});  // a repeated id is one removal, one undo step
    doc.move_nodes({{ids.logits, {1e300, -1e300}}});
    doc.rename(ids.logits, std::string(128, 'x'));
    doc.paste(doc.copy({ids.logits}));
    QVERIFY(parse_project(project_to_text(doc.data())) == doc.data());
    Settings s = doc.settings();
    s.batch_size = (1 << 20) + 1;
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.set_settings(s));
    s = doc.settings();
    s.seed = uint64_t(1) << 60;
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.set_settings(s));
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.insert_on_edge(doc.edges().front(), "Dropout", Config::array({1})));
  }

  void dirtyFlagFollowsTheUndoStack() {
    Document doc;
    QSignalSpy changed(&doc, &Document::changed);
    QVERIFY(!doc.dirty());
    int d = doc.add_node("Dense", 0, 0, {{"units", 3}});
    QVERIFY(doc.dirty());
    QVERIFY(changed.count() >= 1);
    doc.mark_saved();
    QVERIFY(!doc.dirty());
    doc.set_param(d, "units", 4);
    QVERIFY(doc.dirty());
    doc.undo_stack().undo();
    QVERIFY(!doc.dirty());  // back at the saved state
    doc.append_history({{"epochs", Config::array()}});
    QVERIFY(doc.dirty());   // a training run is not an edit, but it is unsaved
    Settings bad = doc.settings();
    bad.optimizer = "adamm";
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.set_settings(bad));
    bad = doc.settings();
    bad.dataset = {{"name", "mnist-fashion"}};
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.set_settings(bad));
    doc.reset(ProjectData{});
    QVERIFY(!doc.dirty());
    QVERIFY(!doc.undo_stack().canUndo());
  }
};

QTEST_GUILESS_MAIN(DocumentTest)
#include "test_document.moc"
