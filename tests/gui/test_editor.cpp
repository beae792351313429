// The editor driven like a user, on the offscreen platform: layers dragged from the palette onto the canvas,
// ports wired with the mouse, parameters typed into the inspector, every step undone and redone, the result
// saved and reopened; a layer dropped onto a connection; incompatible and looping connections; a node deleted
// from the middle of a chain; zoom, pan, selection and snapping.
#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>
#include <map>

#include "gui_driving.h"
#include "nodes/compile.h"
#include "nodes/project.h"
#include "ui/canvas.h"
#include "ui/data_panel.h"
#include "ui/inspector.h"
#include "ui/main_window.h"
#include "ui/palette.h"
#include "ui/problems_panel.h"
#include "ui/summary_panel.h"

using namespace cornu;
using test::choose;
using test::type_into;
using ui::CanvasView;
using ui::EdgeItem;
using ui::MainWindow;

namespace {

// A window at a comfortable size, on an empty project, with its settings kept away from the user's.
struct Editor {
  MainWindow window;
  nodes::Document& doc = window.document();
  CanvasView* view = window.canvas_view();
  ui::CanvasScene* scene = window.canvas_scene();

  Editor() {
    window.resize(1500, 1100);
    window.new_project();
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
  }
  QWidget* viewport() const { return view->viewport(); }
  QPoint at(QPointF scene_pos) const { return view->mapFromScene(scene_pos); }
  QPointF scene_at(QPoint view_pos) const { return view->mapToScene(view_pos); }

  // Drags a palette entry onto the canvas at a point of the viewport (the palette's own drag data).
  int drop(const QString& type, QPoint pos) {
    ui::Palette* palette = window.palette();
    const QModelIndex index = palette->model()->index_of_type(type);
    if (!index.isValid()) qWarning("no palette entry %s", qPrintable(type));
    std::unique_ptr<QMimeData> mime(palette->model()->mimeData({index}));
    QDragEnterEvent enter(pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(viewport(), &enter);
    QDragMoveEvent move(pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(viewport(), &move);
    QDropEvent drop(QPointF(pos), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(viewport(), &drop);
    return window.selection().single();  // a dropped layer is selected
  }

  // Presses on an output port, drags in a few steps, releases on an input port.
  void wire(nodes::Port from, nodes::Port to) {
    const QPoint a = at(scene->node_item(from.node)->output_port_pos(from.port));
    const QPoint b = at(scene->node_item(to.node)->input_port_pos(to.port));
    QTest::mousePress(viewport(), Qt::LeftButton, {}, a);
    for (int i = 1; i <= 4; ++i) QTest::mouseMove(viewport(), a + (b - a) * i / 4);
    QTest::mouseRelease(viewport(), Qt::LeftButton, {}, b);
  }

  void click_node(int id, Qt::KeyboardModifiers modifiers = {}) {
    // The card's middle line (the name), away from the ports.
    QTest::mouseClick(viewport(), Qt::LeftButton, modifiers, at(scene->node_item(id)->mapToScene(QPointF(100, 36))));
  }

  template <class T>
  T* field(const QString& name) const {
    auto* w = window.inspector()->findChild<T*>(name);
    if (!w) qWarning("no inspector field %s", qPrintable(name));
    return w;
  }
  int steps() { return doc.undo_stack().index(); }
  int count_of(const std::string& type) const {
    return static_cast<int>(std::count_if(doc.nodes().begin(), doc.nodes().end(), [&](const auto& n) { return n.type == type; }));
  }
  int node_named(const std::string& name) const { return doc.node_named(name) ? doc.node_named(name)->id : 0; }
};



// With CORNU_SCREENSHOT_DIR set, keeps an image of the window for review (a person looks at it).
void keep_screenshot(QWidget& window, const QString& name) {
  const QString dir = qEnvironmentVariable("CORNU_SCREENSHOT_DIR");
  if (dir.isEmpty()) return;
  QApplication::processEvents();  // pending layouts, as the event loop would run them before the screen updates
  window.grab().save(QDir(dir).filePath(name + ".png"));
}

bool same_model(const nodes::ProjectData& a, const nodes::ProjectData& b) {
  return a.graph == b.graph && a.settings == b.settings;
}

}  // namespace

class TestEditor : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // QSettings and autosaves in a test location
    QApplication::setOrganizationName("CornuTests");
    QApplication::setApplicationName("test_editor");
  }

  void build_the_fashion_mnist_mlp_undo_redo_save_reopen() {
    Editor e;
    QVERIFY(e.doc.nodes().empty());
    std::map<int, nodes::ProjectData> snapshots{{0, e.doc.data()}};
    auto record = [&] { snapshots[e.steps()] = e.doc.data(); };

    // Five cards, top to bottom, dropped from the palette.
    const int h = e.viewport()->height(), x = e.viewport()->width() / 2;
    e.view->zoom_by(std::min(1.0, h / 820.0));
    const int step = h / 6;
    const int input = e.drop("InputLayer", {x, step / 2});
    record();
    QCOMPARE(e.doc.nodes().size(), size_t(1));
    QCOMPARE(e.steps(), 1);
    // The shape, typed into the inspector (the dropped layer is selected).
    QVERIFY(e.field<QLineEdit>("param.batch_shape"));
    type_into(e.field<QLineEdit>("param.batch_shape"), "(None, 28, 28)");
    record();
    QVERIFY(e.doc.at(input).params.at("batch_shape") == Config({nullptr, 28, 28}));

    const int flatten = e.drop("Flatten", {x, step * 3 / 2});
    record();
    const int hidden = e.drop("Dense", {x, step * 5 / 2});
    record();
    type_into(e.field<QWidget>("param.units"), "128");
    record();
    choose(e.field<QComboBox>("param.activation"), "relu");
    record();
    const int logits = e.drop("Dense", {x, step * 7 / 2});
    record();
    type_into(e.field<QWidget>("param.units"), "10");
    record();
    choose(e.field<QComboBox>("param.activation"), "softmax");
    record();
    const int output = e.drop("Output", {x, step * 9 / 2});
    record();
    QCOMPARE(e.doc.nodes().size(), size_t(5));
    // Snapped to the grid where they were dropped.
    for (const auto& n : e.doc.nodes()) QCOMPARE(std::fmod(n.x, 10.0), 0.0);

    e.wire({input, 0}, {flatten, 0});
    record();
    e.wire({flatten, 0}, {hidden, 0});
    record();
    e.wire({hidden, 0}, {logits, 0});
    record();
    e.wire({logits, 0}, {output, 0});
    record();
    QCOMPARE(e.doc.edges().size(), size_t(4));

    e.click_node(output);
    QCOMPARE(e.window.selection().single(), output);
    choose(e.field<QComboBox>("param.loss"), "sparse_categorical_crossentropy");
    record();
    auto* metrics = e.field<QListWidget>("param.metrics");
    QVERIFY(metrics);
    metrics->findItems("accuracy", Qt::MatchExactly).front()->setCheckState(Qt::Checked);
    record();
    // Nothing selected: the inspector edits the model settings.
    QTest::mouseClick(e.viewport(), Qt::LeftButton, {}, {40, 40});
    QVERIFY(e.window.selection().empty());
    choose(e.window.data_panel()->findChild<QComboBox*>("data.dataset"), "fashion-mnist");
    record();

    // The model the canvas describes: no problems, Keras's parameter count for this MLP.
    const nodes::CheckReport& report = e.window.checks().report();
    QVERIFY2(!report.has_errors(), report.first_error().c_str());
    QCOMPARE(report.total_params, int64_t(784 * 128 + 128 + 128 * 10 + 10));
    QCOMPARE(nodes::build_model(e.doc.data())->count_params(), int64_t(101770));
    QCOMPARE(e.window.summary()->model()->rowCount(), 3);  // Flatten, Dense, Dense: Keras lists no Input row for a Sequential
    QVERIFY(e.window.summary()->totals_text().contains("101,770"));

    // Every step was one undo step: undo them one by one back to empty, then redo them all.
    const int total = e.steps();
    for (int i = 0; i <= total; ++i) QVERIFY2(snapshots.count(i), qPrintable(QString("no snapshot at step %1").arg(i)));
    const nodes::ProjectData built = e.doc.data();
    e.view->setFocus();
    QTest::keySequence(&e.window, QKeySequence::Undo);  // the real shortcut once
    QCOMPARE(e.steps(), total - 1);
    QVERIFY(same_model(e.doc.data(), snapshots[total - 1]));
    for (int i = total - 2; i >= 0; --i) {
      e.window.action("undo")->trigger();
      QVERIFY2(same_model(e.doc.data(), snapshots[i]), qPrintable(QString("after undo to step %1").arg(i)));
      QCOMPARE(e.scene->items().isEmpty(), i == 0);
    }
    QVERIFY(e.doc.nodes().empty());
    QVERIFY(!e.window.action("undo")->isEnabled());
    for (int i = 1; i <= total; ++i) {
      e.window.action("redo")->trigger();
      QVERIFY2(same_model(e.doc.data(), snapshots[i]), qPrintable(QString("after redo to step %1").arg(i)));
    }
    QVERIFY(same_model(e.doc.data(), built));
    QCOMPARE(e.scene->node_item(hidden)->content().details, std::string("units=128 · relu"));

    // Save, start afresh, reopen: the same project.
    QVERIFY(e.window.isWindowModified());
    QTemporaryDir dir;
    const QString path = dir.filePath("mlp.cornu");
    QVERIFY(e.window.save_to(path));
    QVERIFY(!e.window.isWindowModified());
    QVERIFY(e.window.windowTitle().startsWith("mlp.cornu"));
    e.window.new_project();
    QVERIFY(e.doc.nodes().empty());
    QVERIFY(e.window.open_file(path));
    QVERIFY(same_model(e.doc.data(), built));
    QCOMPARE(e.scene->edge_items().size(), size_t(4));
    // Edges carry the tensor shape.
    QVERIFY(e.scene->edge_item(e.doc.edges_into(hidden).front())->toolTip().contains("(None, 784)"));
  }

  void drop_a_layer_onto_a_connection_inserts_it() {
    Editor e;
    e.window.open_example("fashion-mnist-mlp");
    const int dense = e.node_named("dense"), dropout = e.node_named("dropout");
    e.view->go_to_node(dense);
    const nodes::Edge edge = e.doc.edges_into(dropout).front();
    QCOMPARE(edge.from.node, dense);
    // A bezier with vertical tangents passes through the middle of its two ports.
    const QPointF middle = (e.scene->node_item(dense)->output_port_pos(0) + e.scene->node_item(dropout)->input_port_pos(0)) / 2;
    const int before = e.steps();
    const size_t nodes_before = e.doc.nodes().size();
    const int noise = e.drop("ReLU", e.at(middle));
    QVERIFY(noise);
    QCOMPARE(e.doc.nodes().size(), nodes_before + 1);
    QCOMPARE(e.steps(), before + 1);
    QCOMPARE(e.doc.edges_into(noise).front().from.node, dense);
    QCOMPARE(e.doc.edges_into(dropout).front().from.node, noise);
    QVERIFY(!e.window.checks().report().has_errors());
    e.window.action("undo")->trigger();
    QCOMPARE(e.doc.edges_into(dropout).front().from.node, dense);
    QCOMPARE(e.doc.nodes().size(), nodes_before);
  }

  void incompatible_connections_show_the_problem_and_loops_are_refused() {
    Editor e;
    const int x = e.viewport()->width() / 2;
    const int a = e.drop("InputLayer", {x - 250, 60});
    type_into(e.field<QLineEdit>("param.batch_shape"), "(None, 4)");
    const int b = e.drop("InputLayer", {x + 50, 60});
    type_into(e.field<QLineEdit>("param.batch_shape"), "(None, 3)");
    const int add = e.drop("Add", {x - 100, 260});
    e.wire({a, 0}, {add, 0});
    QCOMPARE(e.doc.edges_into(add).size(), size_t(1));
    // While the second wire is dragged, Add's spare port shows the mismatch before it is made.
    {
      const QPoint from = e.at(e.scene->node_item(b)->output_port_pos(0));
      const QPoint to = e.at(e.scene->node_item(add)->input_port_pos(1));
      QTest::mousePress(e.viewport(), Qt::LeftButton, {}, from);
      QTest::mouseMove(e.viewport(), (from + to) / 2);
      QTest::mouseMove(e.viewport(), to);
      keep_screenshot(e.window, "editor-wiring-mismatch");
      QTest::mouseRelease(e.viewport(), Qt::LeftButton, {}, to);
      e.window.action("undo")->trigger();
    }
    const ui::CanvasScene::Target t = e.scene->target_for({b, 0}, {add, 1});
    QCOMPARE(t.state, ui::PortState::Mismatch);
    QVERIFY2(t.reason.contains("(None, 3)") || t.reason.contains("shape"), qPrintable(t.reason));
    e.wire({b, 0}, {add, 1});
    QCOMPARE(e.doc.edges_into(add).size(), size_t(2));
    // The problem is on the node (badge + tooltip) and in the problems list, which takes you there.
    QVERIFY(!e.window.checks().report().problems_of(add).empty());
    QVERIFY(e.scene->node_item(add)->content().errors > 0);
    QVERIFY(!e.scene->node_item(add)->toolTip().isEmpty());
    ui::ProblemsPanel* problems = e.window.problems();
    QVERIFY(problems->errors() > 0);
    int row = -1;
    for (int i = 0; i < static_cast<int>(problems->problems().size()); ++i)
      if (problems->problem_at(i).node == add) row = i;
    QVERIFY(row >= 0);
    e.window.selection().clear();
    problems->go_to(row);
    QCOMPARE(e.window.selection().single(), add);

    // A loop is refused with the reason, and nothing changes.
    const int d1 = e.drop("Dense", e.at(e.scene->node_item(add)->mapToScene(QPointF(100, 240))));
    e.wire({add, 0}, {d1, 0});
    QCOMPARE(e.doc.edges_into(d1).size(), size_t(1));
    const int edges = static_cast<int>(e.doc.edges().size()), steps = e.steps();
    QCOMPARE(e.scene->target_for({d1, 0}, {add, 0}).state, ui::PortState::Refused);
    QSignalSpy messages(e.scene, &ui::CanvasScene::message);
    e.wire({d1, 0}, {add, 0});
    QCOMPARE(static_cast<int>(e.doc.edges().size()), edges);
    QCOMPARE(e.steps(), steps);
    QVERIFY(!messages.isEmpty());
    QVERIFY(messages.last().at(0).toString().contains("loop"));
  }

  void deleting_a_middle_node_reports_the_dangling_input() {
    Editor e;
    e.window.open_example("fashion-mnist-mlp");
    QVERIFY(!e.window.checks().report().has_errors());
    const int dropout = e.node_named("dropout"), after = e.node_named("dense_1");
    e.view->go_to_node(dropout);
    e.click_node(dropout);
    QCOMPARE(e.window.selection().single(), dropout);
    e.view->setFocus();
    QTest::keyClick(e.viewport(), Qt::Key_Delete);
    QVERIFY(!e.doc.node(dropout));
    QVERIFY(e.doc.edges_into(after).empty());
    const auto problems = e.window.checks().report().problems_of(after);
    QVERIFY(!problems.empty());
    QVERIFY2(QString::fromStdString(problems.front()->message).contains("input"), problems.front()->message.c_str());
    QVERIFY(e.scene->node_item(after)->content().errors > 0);
    QVERIFY(e.window.problems()->errors() > 0);
    keep_screenshot(e.window, "editor-dangling-input");
    e.window.action("undo")->trigger();
    QVERIFY(e.doc.node(dropout));
    QVERIFY(!e.window.checks().report().has_errors());
  }

  void palette_enter_adds_below_the_selection_and_wires_it() {
    Editor e;
    const int input = e.drop("InputLayer", {e.viewport()->width() / 2, 80});
    type_into(e.field<QLineEdit>("param.batch_shape"), "(None, 8)");
    QLineEdit* search = e.window.palette()->search_box();
    type_into(search, "dense");
    const int dense = e.window.selection().single();
    QVERIFY(dense != input);
    QCOMPARE(e.doc.at(dense).type, std::string("Dense"));
    QCOMPARE(e.doc.edges_into(dense).front().from.node, input);
    QVERIFY(e.doc.at(dense).y > e.doc.at(input).y);
    // Again: the chain grows from the new selection, one undo step each.
    const int steps = e.steps();
    e.window.add_layer_below_selection("Dropout");
    QCOMPARE(e.steps(), steps + 1);
    QCOMPARE(e.doc.edges_into(e.window.selection().single()).front().from.node, dense);
    // Selecting the input again and adding puts the new layer in between, shifting the rest down.
    e.window.selection().set({input});
    const double dense_y = e.doc.at(dense).y;
    const int flatten = e.window.add_layer_below_selection("Flatten");
    QCOMPARE(e.doc.edges_into(flatten).front().from.node, input);
    QCOMPARE(e.doc.edges_into(dense).front().from.node, flatten);
    QVERIFY(e.doc.at(dense).y > dense_y);
  }

  void zoom_pan_selection_and_snapping() {
    Editor e;
    e.window.open_example("fashion-mnist-mlp");
    e.view->reset_zoom();
    // Wheel zoom keeps the point under the cursor in place.
    const QPoint cursor(e.viewport()->width() / 3, e.viewport()->height() / 3);
    const QPointF under = e.scene_at(cursor);
    QWheelEvent wheel(cursor, e.viewport()->mapToGlobal(cursor), {}, {0, 240}, Qt::NoButton, {}, Qt::NoScrollPhase, false);
    QApplication::sendEvent(e.viewport(), &wheel);
    QVERIFY(e.view->zoom() > 1.35);  // two notches: 1.0015^240
    QVERIFY(QLineF(e.scene_at(cursor), under).length() < 3);
    e.view->reset_zoom();

    // Middle-button drag pans.
    const QPointF centre = e.scene_at(e.viewport()->rect().center());
    QTest::mousePress(e.viewport(), Qt::MiddleButton, {}, {300, 300});
    QTest::mouseMove(e.viewport(), {350, 320});
    QTest::mouseMove(e.viewport(), {400, 340});
    QTest::mouseRelease(e.viewport(), Qt::MiddleButton, {}, {400, 340});
    const QPointF moved = e.scene_at(e.viewport()->rect().center()) - centre;
    QVERIFY2(std::abs(moved.x() + 100) < 2 && std::abs(moved.y() + 40) < 2, qPrintable(QString("%1,%2").arg(moved.x()).arg(moved.y())));

    // Fit shows every card.
    e.view->fit_to_view();
    const QRectF visible = e.view->mapToScene(e.viewport()->rect()).boundingRect();
    QVERIFY(visible.contains(e.scene->content_rect().adjusted(2, 12, -2, -12)));

    // Click, Ctrl-click, rubber band.
    const int flatten = e.node_named("flatten"), dense = e.node_named("dense");
    e.click_node(flatten);
    QCOMPARE(e.window.selection().ids(), std::vector<int>{flatten});
    e.click_node(dense, Qt::ControlModifier);
    QCOMPARE(e.window.selection().ids().size(), size_t(2));
    e.click_node(dense, Qt::ControlModifier);
    QCOMPARE(e.window.selection().ids(), std::vector<int>{flatten});
    const QRectF all = e.scene->content_rect();
    const QPoint from = e.at(all.topLeft() - QPointF(30, 30)), to = e.at(all.bottomRight() + QPointF(30, 30));
    QTest::mousePress(e.viewport(), Qt::LeftButton, {}, from);
    QTest::mouseMove(e.viewport(), (from + to) / 2);
    QTest::mouseMove(e.viewport(), to);
    QTest::mouseRelease(e.viewport(), Qt::LeftButton, {}, to);
    QCOMPARE(e.window.selection().ids().size(), e.doc.nodes().size());
    // The summary follows the selection.
    QVERIFY(e.window.summary()->table()->selectionModel()->selectedRows().size() >= 5);

    // Dragging a card moves it on the grid, as one undo step.
    e.window.selection().clear();
    e.view->reset_zoom();
    e.view->go_to_node(flatten);
    const QPoint grab = e.at(e.scene->node_item(flatten)->mapToScene(QPointF(100, 36)));
    const int steps = e.steps();
    QTest::mousePress(e.viewport(), Qt::LeftButton, {}, grab);
    for (int i = 1; i <= 5; ++i) QTest::mouseMove(e.viewport(), grab + QPoint(7 * i, 3 * i));
    QTest::mouseRelease(e.viewport(), Qt::LeftButton, {}, grab + QPoint(35, 15));
    QCOMPARE(e.steps(), steps + 1);
    const nodes::Node& moved_node = e.doc.at(flatten);
    QCOMPARE(std::fmod(moved_node.x, 10.0), 0.0);
    QCOMPARE(std::fmod(moved_node.y, 10.0), 0.0);
    QVERIFY(moved_node.x > 20);
  }

  void title_marks_unsaved_changes_and_closing_asks() {
    Editor e;
    QVERIFY(e.window.windowTitle().contains("untitled"));
    QVERIFY(!e.window.isWindowModified());
    e.drop("Dense", {200, 200});
    QVERIFY(e.window.isWindowModified());
    // Closing asks; Cancel keeps the window and the work.
    QTimer::singleShot(0, [] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      QVERIFY(box);
      box->button(QMessageBox::Cancel)->click();
    });
    QVERIFY(!e.window.close());
    QVERIFY(e.window.isVisible());
    QCOMPARE(e.doc.nodes().size(), size_t(1));
    // Discard closes.
    QTimer::singleShot(0, [] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      QVERIFY(box);
      box->button(QMessageBox::Discard)->click();
    });
    QVERIFY(e.window.close());
  }

  void group_a_unit_open_it_in_place_and_leave() {
    Editor e;
    e.window.open_example("fashion-mnist-mlp");
    const int params = static_cast<int>(e.window.checks().report().total_params);
    const int dense = e.node_named("dense"), dropout = e.node_named("dropout"), dense_1 = e.node_named("dense_1");
    e.window.selection().set({dense, dropout, dense_1});
    QVERIFY(e.window.action("group-unit")->isEnabled());
    e.window.action("group-unit")->trigger();
    const int unit = e.window.selection().single();
    QVERIFY(unit);
    QCOMPARE(e.doc.at(unit).type, std::string(nodes::kUnitType));
    QVERIFY(!e.doc.node(dense));
    // Collapsed: one card with one input and one output port, the shapes flowing through it unchanged.
    QCOMPARE(e.scene->node_item(unit)->content().inputs, 1);
    QCOMPARE(e.scene->node_item(unit)->content().outputs, 1);
    QVERIFY(!e.window.checks().report().has_errors());
    QCOMPARE(static_cast<int>(e.window.checks().report().total_params), params);
    QVERIFY(e.scene->edge_item(e.doc.edges_from(unit).front())->toolTip().contains("(None, 128)"));

    // Double-click opens it in place: its layers, a bar saying where we are; edits apply inside.
    e.view->go_to_node(unit);
    QTest::mouseDClick(e.viewport(), Qt::LeftButton, {}, e.at(e.scene->node_item(unit)->mapToScene(QPointF(100, 36))));
    QCOMPARE(e.doc.scope().size(), size_t(1));
    QVERIFY(e.window.findChild<QWidget*>("leave-unit-button")->isVisible());
    keep_screenshot(e.window, "editor-unit-open");
    QVERIFY(e.doc.node_named("dropout"));
    QVERIFY(e.scene->node_item(e.doc.node_named("dropout")->id));
    e.window.selection().set({e.doc.node_named("dense_1")->id});
    type_into(e.field<QWidget>("param.units"), "64");
    QVERIFY(e.doc.param(e.doc.node_named("dense_1")->id, "units") == Config(64));
    e.window.action("leave-unit")->trigger();
    QVERIFY(e.doc.scope().empty());
    QVERIFY(!e.window.findChild<QWidget*>("leave-unit-button")->isVisible());
    QVERIFY(e.scene->node_item(unit));
    // The change inside shows outside: the unit now ends in 64 units, and the model has fewer parameters.
    QVERIFY(e.scene->edge_item(e.doc.edges_from(unit).front())->toolTip().contains("(None, 64)"));
    QVERIFY(e.window.checks().report().total_params < params);
    // Undo of the inner edit goes back into the unit, then out again on ungroup's undo chain.
    e.window.action("undo")->trigger();
    QCOMPARE(e.doc.scope().size(), size_t(1));
    e.window.action("leave-unit")->trigger();
    QCOMPARE(static_cast<int>(e.window.checks().report().total_params), params);
    // The model builds with a nested model in it.
    auto model = nodes::build_model(e.doc.data());
    QCOMPARE(static_cast<int>(model->count_params()), params);
    // Ungroup brings the layers back.
    e.window.selection().set({unit});
    e.window.action("ungroup-unit")->trigger();
    QVERIFY(!e.doc.node(unit));
    QVERIFY(e.doc.node_named("dropout"));
    QVERIFY(!e.window.checks().report().has_errors());
  }

  void arrange_and_export_a_diagram() {
    Editor e;
    e.window.open_example("spiral");
    // Pile every card on one spot, then Arrange: no two cards overlap, in one undo step.
    std::vector<std::pair<int, std::pair<double, double>>> piled;
    for (const auto& n : e.doc.nodes()) piled.push_back({n.id, {0.0, 0.0}});
    e.doc.move_nodes(piled);
    const int steps = e.steps();
    e.window.action("arrange")->trigger();
    QCOMPARE(e.steps(), steps + 1);
    for (const auto& a : e.doc.nodes())
      for (const auto& b : e.doc.nodes())
        if (a.id < b.id)
          QVERIFY(!QRectF(a.x, a.y, nodes::kCardWidth, nodes::kCardHeight).intersects(QRectF(b.x, b.y, nodes::kCardWidth, nodes::kCardHeight)));
    // Export Diagram: the dialog, filled in and accepted as a user would.
    QTemporaryDir dir;
    const QString path = dir.filePath("spiral.svg");
    QTimer::singleShot(0, [&] {
      QWidget* dialog = QApplication::activeModalWidget();
      QVERIFY(dialog);
      auto* edit = dialog->findChild<QLineEdit*>();
      edit->setText(path);
      QTest::keyClick(edit, Qt::Key_Return);
    });
    e.window.action("export-diagram")->trigger();
    QFile svg(path);
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray text = svg.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("Dense"));
  }

  void wires_lifted_deleted_and_cut_short() {
    Editor e;
    const int x = e.viewport()->width() / 2;
    const int a = e.drop("InputLayer", {x - 200, 60});
    type_into(e.field<QLineEdit>("param.batch_shape"), "(None, 4)");
    const int b = e.drop("InputLayer", {x + 100, 60});
    type_into(e.field<QLineEdit>("param.batch_shape"), "(None, 3)");
    const int cat = e.drop("Concatenate", {x - 50, 300});
    e.wire({a, 0}, {cat, 0});
    e.wire({b, 0}, {cat, 1});
    QCOMPARE(e.doc.edges_into(cat).size(), size_t(2));

    // Both wires selected and deleted at once: the merge's ports renumber between the two, in one step.
    const int steps = e.steps();
    e.window.selection().clear();
    for (EdgeItem* item : e.scene->edge_items()) item->setSelected(true);
    e.view->delete_selection();
    QVERIFY(e.doc.edges().empty());
    QCOMPARE(e.steps(), steps + 1);
    e.window.action("undo")->trigger();
    QCOMPARE(e.doc.edges().size(), size_t(2));

    // A wire lifted off its input port and dropped on empty canvas is disconnected.
    const QPoint in = e.at(e.scene->node_item(cat)->input_port_pos(1));
    QTest::mousePress(e.viewport(), Qt::LeftButton, {}, in);
    QTest::mouseMove(e.viewport(), in + QPoint(150, 120));
    QTest::mouseRelease(e.viewport(), Qt::LeftButton, {}, in + QPoint(150, 120));
    QCOMPARE(e.doc.edges_into(cat).size(), size_t(1));
    QCOMPARE(e.doc.edges_into(cat).front().from.node, a);

    // The document changing under a wire being dragged (an undo) cancels the wire; nothing breaks.
    const QPoint out = e.at(e.scene->node_item(b)->output_port_pos(0));
    QTest::mousePress(e.viewport(), Qt::LeftButton, {}, out);
    QTest::mouseMove(e.viewport(), out + QPoint(0, 80));
    e.window.action("undo")->trigger();  // the wire comes back
    QTest::mouseMove(e.viewport(), out + QPoint(0, 120));
    QTest::mouseRelease(e.viewport(), Qt::LeftButton, {}, out + QPoint(0, 120));
    QCOMPARE(e.doc.edges_into(cat).size(), size_t(2));

    // An Input dropped onto a wire cannot go in between: it lands there, one clean undo step.
    const nodes::Edge wire = e.doc.edges_into(cat).front();
    const QPointF middle = (e.scene->node_item(wire.from.node)->output_port_pos(0) + e.scene->node_item(cat)->input_port_pos(0)) / 2;
    const int before = e.steps();
    const int input = e.drop("InputLayer", e.at(middle));
    QVERIFY(input);
    QCOMPARE(e.steps(), before + 1);
    QCOMPARE(e.doc.edges_into(cat).size(), size_t(2));
    QVERIFY(e.doc.edges_from(input).empty());
  }

  void copy_paste_and_duplicate() {
    Editor e;
    e.window.open_example("fashion-mnist-mlp");
    const int dense = e.node_named("dense");
    e.window.selection().set({dense});
    e.window.action("copy")->trigger();
    e.window.action("paste")->trigger();
    const int pasted = e.window.selection().single();
    QVERIFY(pasted && pasted != dense);
    QVERIFY(e.doc.at(pasted).params == e.doc.at(dense).params);
    e.window.action("duplicate")->trigger();
    QCOMPARE(e.count_of("Dense"), 5);
    e.window.action("undo")->trigger();
    e.window.action("undo")->trigger();
    QCOMPARE(e.count_of("Dense"), 3);
  }
};

QTEST_MAIN(TestEditor)
#include "test_editor.moc"
