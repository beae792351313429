// The inspector driven like a user: typing, arrows, combos, check boxes, reset buttons, on the offscreen
// platform, checking the document and its undo history after each gesture.
// Set CORNU_SCREENSHOT_DIR to keep screenshots of the panel (light and dark) for review.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QScrollArea>
#include <QSpinBox>
#include <QStyleFactory>
#include <QTest>
#include <QToolButton>
#include <memory>

#include "backend/cuda/cuda_info.h"
#include "gui_driving.h"
#include "nodes/live_checks.h"
#include "project_fixtures.h"
#include "ui/inspector.h"
#include "ui/param_form.h"
#include "ui/param_text.h"

using namespace cornu;
using test::choose;
using test::type_into;
using cornu::ui::Inspector;

// nlohmann::json does not go through QCOMPARE (its conversions are ambiguous): compare, and print both.
#define CHECK_JSON(actual, expected)                                                                       \
  do {                                                                                                     \
    const Config a_ = (actual), e_ = (expected);                                                          \
    QVERIFY2(a_ == e_, qPrintable(QString::fromStdString(a_.dump() + " != " + e_.dump())));                \
  } while (0)

namespace {

// A document, its checks, a selection and the inspector at the dock's width, shown offscreen.
struct Bench {
  nodes::Document doc;
  nodes::LiveChecks checks{doc};
  ui::Selection selection;
  test::MlpIds ids = test::build_mlp(doc);
  std::unique_ptr<Inspector> inspector;

  Bench() {
    inspector = std::make_unique<Inspector>(doc, checks, selection);
    inspector->resize(320, 900);
    inspector->show();
  }
  template <class T>
  T* field(const QString& name) const {
    auto* w = inspector->findChild<T*>(name);
    if (!w) qWarning("no field %s", qPrintable(name));
    return w;
  }
  QString error(const QString& name) const {
    auto* label = inspector->findChild<QLabel*>(name + ".error");
    return label && !label->isHidden() ? label->text() : QString();
  }
  int steps() { return doc.undo_stack().index(); }
};



QPalette dark_palette() {
  QPalette p;
  p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
  p.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
  p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
  p.setColor(QPalette::AlternateBase, QColor(0x33, 0x33, 0x33));
  p.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
  p.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3a));
  p.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
  p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
  p.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xd6));
  p.setColor(QPalette::HighlightedText, Qt::white);
  return p;
}

}  // namespace

class TestInspector : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QApplication::setStyle(QStyleFactory::create("Fusion")); }

  void typing_units_is_one_undo_step() {
    Bench b;
    b.selection.set({b.ids.hidden});
    QCOMPARE(b.inspector->mode(), Inspector::Mode::Node);
    auto* units = b.field<QSpinBox>("param.units");
    QVERIFY(units);
    QCOMPARE(units->value(), 64);
    const int before = b.steps();
    type_into(units, "128");
    CHECK_JSON(b.doc.param(b.ids.hidden, "units"), Config(128));
    QCOMPARE(b.steps(), before + 1);
    b.doc.undo_stack().undo();  // the editor follows the document
    CHECK_JSON(b.doc.param(b.ids.hidden, "units"), Config(64));
    QCOMPARE(units->value(), 64);
  }

  void spin_arrows_merge_into_one_step() {
    Bench b;
    b.selection.set({b.ids.hidden});
    auto* units = b.field<QSpinBox>("param.units");
    const int before = b.steps();
    for (int i = 0; i < 3; ++i) QTest::keyClick(units, Qt::Key_Up);
    CHECK_JSON(b.doc.param(b.ids.hidden, "units"), Config(67));
    QCOMPARE(b.steps(), before + 1);
    b.doc.undo_stack().undo();
    CHECK_JSON(b.doc.param(b.ids.hidden, "units"), Config(64));
    QCOMPARE(units->value(), 64);
  }

  void arrows_stop_at_the_minimum() {
    Bench b;
    const int id = b.doc.add_node("RepeatVector", 0, 0, {{"n", 2}});
    b.selection.set({id});
    auto* n = b.field<QSpinBox>("param.n");
    for (int i = 0; i < 3; ++i) QTest::keyClick(n, Qt::Key_Down);
    CHECK_JSON(b.doc.param(id, "n"), Config(1));
    QVERIFY(b.error("param.n").isEmpty());
  }

  void out_of_range_and_garbage_are_refused_with_the_reason() {
    Bench b;
    b.selection.set({b.ids.hidden});
    auto* units = b.field<QSpinBox>("param.units");
    const int before = b.steps();
    type_into(units, "0");
    CHECK_JSON(b.doc.param(b.ids.hidden, "units"), Config(64));
    QCOMPARE(b.steps(), before);
    QVERIFY2(b.error("param.units").contains("at least 1"), qPrintable(b.error("param.units")));
    // Letters never reach an int field.
    type_into(units, "abc");
    CHECK_JSON(b.doc.param(b.ids.hidden, "units"), Config(64));
    // A float field takes numbers only; a shape that does not parse says how to write one.
    const int input = b.ids.input;
    b.selection.set({input});
    auto* shape = b.field<QLineEdit>("param.batch_shape");
    QCOMPARE(shape->text(), QString("(None, 28, 28)"));
    type_into(shape, "(None, 28");
    QVERIFY2(b.error("param.batch_shape").contains("cannot be read"), qPrintable(b.error("param.batch_shape")));
    CHECK_JSON(b.doc.param(input, "batch_shape"), Config({nullptr, 28, 28}));
    QCOMPARE(shape->text(), QString("(None, 28"));  // kept to be corrected
    type_into(shape, "(None, 784)");
    CHECK_JSON(b.doc.param(input, "batch_shape"), Config({nullptr, 784}));
    QVERIFY(b.error("param.batch_shape").isEmpty());
  }

  void float_keeps_small_values() {
    Bench b;
    const int id = b.doc.add_node("Dropout", 0, 0, {{"rate", 0.5}});
    b.selection.set({id});
    auto* rate = b.field<QLineEdit>("param.rate");
    QCOMPARE(rate->text(), QString("0.5"));
    type_into(rate, "abc");  // refused by the validator: nothing typed
    CHECK_JSON(b.doc.param(id, "rate"), Config(0.5));
    type_into(rate, "1e-7");
    CHECK_JSON(b.doc.param(id, "rate"), Config(1e-7));
    QCOMPARE(rate->text(), QString("1e-07"));
    type_into(rate, "1.5");
    QVERIFY2(b.error("param.rate").contains("at most"), qPrintable(b.error("param.rate")));
    CHECK_JSON(b.doc.param(id, "rate"), Config(1e-7));
  }

  void enum_combo_and_check_box() {
    Bench b;
    b.selection.set({b.ids.flatten});
    auto* format = b.field<QComboBox>("param.data_format");
    QCOMPARE(format->currentText(), QString("channels_last"));
    const int before = b.steps();
    choose(format, "channels_first");
    CHECK_JSON(b.doc.param(b.ids.flatten, "data_format"), Config("channels_first"));
    QCOMPARE(b.steps(), before + 1);
    auto* trainable = b.field<QCheckBox>("param.trainable");
    QVERIFY(trainable->isChecked());
    trainable->click();
    CHECK_JSON(b.doc.param(b.ids.flatten, "trainable"), Config(false));
    QCOMPARE(b.steps(), before + 2);
  }

  void activation_combo_bold_label_and_reset() {
    Bench b;
    b.selection.set({b.ids.logits});
    auto* activation = b.field<QComboBox>("param.activation");
    QCOMPARE(activation->currentText(), QString("softmax"));
    choose(activation, "tanh");
    CHECK_JSON(b.doc.param(b.ids.logits, "activation"), Config("tanh"));
    auto* label = b.field<QLabel>("param.activation.label");
    auto* reset = b.field<QToolButton>("param.activation.reset");
    QVERIFY(label->font().bold());
    QVERIFY(!reset->isHidden());
    reset->click();
    QVERIFY(!b.doc.at(b.ids.logits).params.contains("activation"));
    QCOMPARE(activation->currentText(), QString("linear"));
    QVERIFY(!label->font().bold());
    QVERIFY(reset->isHidden());
    // An object value shows its class and keeps its config until another name is picked.
    auto* init = b.field<QComboBox>("param.kernel_initializer");
    b.doc.set_param(b.ids.logits, "kernel_initializer", {{"class_name", "GlorotUniform"}, {"config", {{"seed", 7}}}});
    QCOMPARE(init->currentText(), QString("glorot_uniform"));
    choose(init, "glorot_uniform");
    CHECK_JSON(b.doc.param(b.ids.logits, "kernel_initializer")["config"]["seed"], Config(7));
    choose(init, "he_normal");
    CHECK_JSON(b.doc.param(b.ids.logits, "kernel_initializer"), Config("he_normal"));
    // Regularizers offer None.
    auto* regularizer = b.field<QComboBox>("param.kernel_regularizer");
    QCOMPARE(regularizer->currentText(), QString("None"));
    choose(regularizer, "l2");
    CHECK_JSON(b.doc.param(b.ids.logits, "kernel_regularizer"), Config("l2"));
  }

  void tuple_editors() {
    Bench b;
    const int reshape = b.doc.add_node("Reshape", 0, 0, {{"target_shape", {28, 28}}});
    b.selection.set({reshape});
    auto* shape = b.field<QLineEdit>("param.target_shape");
    QCOMPARE(shape->text(), QString("28, 28"));
    type_into(shape, "4, 196");
    CHECK_JSON(b.doc.param(reshape, "target_shape"), Config({4, 196}));
    type_into(shape, "(7, 7, 16)");
    CHECK_JSON(b.doc.param(reshape, "target_shape"), Config({7, 7, 16}));
    const int dot = b.doc.add_node("Dot", 0, 0, {{"axes", 1}});
    b.selection.set({dot});
    auto* axes = b.field<QLineEdit>("param.axes");
    QCOMPARE(axes->text(), QString("1"));
    type_into(axes, "1, 2");
    CHECK_JSON(b.doc.param(dot, "axes"), Config({1, 2}));
    type_into(axes, "2,");
    CHECK_JSON(b.doc.param(dot, "axes"), Config::array({2}));
    QCOMPARE(axes->text(), QString("2,"));
  }

  void rename() {
    Bench b;
    b.selection.set({b.ids.hidden});
    auto* name = b.field<QLineEdit>("node.name");
    QCOMPARE(name->text(), QString("dense"));
    type_into(name, "hidden_1");
    QCOMPARE(b.doc.at(b.ids.hidden).name, std::string("hidden_1"));
    type_into(name, "a/b");
    QCOMPARE(b.doc.at(b.ids.hidden).name, std::string("hidden_1"));
    QVERIFY2(b.error("node.name").contains("cannot name a layer"), qPrintable(b.error("node.name")));
    type_into(name, "image");  // taken by the Input
    QVERIFY2(b.error("node.name").contains("exists already"), qPrintable(b.error("node.name")));
    b.doc.undo_stack().undo();
    QCOMPARE(name->text(), QString("dense"));
    QVERIFY(b.error("node.name").isEmpty());
  }

  void report_shows_shapes_weights_and_problems() {
    Bench b;
    b.selection.set({b.ids.hidden});
    auto* report = b.field<QLabel>("inspector.report");
    QVERIFY2(report->text().contains("(None, 784)") && report->text().contains("(None, 64)"), qPrintable(report->text()));
    QVERIFY2(report->text().contains("50,240"), qPrintable(report->text()));
    auto* problems = b.field<QLabel>("inspector.problems");
    QVERIFY(problems->isHidden());
    b.doc.disconnect({{b.ids.flatten, 0}, {b.ids.hidden, 0}});
    QVERIFY(!problems->isHidden());
    QVERIFY(!problems->text().isEmpty());
    QVERIFY2(b.field<QLabel>("inspector.doc")->text().contains("Densely"), "the catalog's doc line");
  }

  void settings_when_nothing_is_selected() {
    Bench b;
    QCOMPARE(b.inspector->mode(), Inspector::Mode::Settings);
    auto* lr = b.field<QLineEdit>("optimizer.learning_rate");
    QCOMPARE(lr->text(), QString("0.001"));
    const int before = b.steps();
    type_into(lr, "1e-4");
    CHECK_JSON(b.doc.settings().optimizer["config"]["learning_rate"], Config(1e-4));
    QCOMPARE(b.steps(), before + 1);
    type_into(lr, "-1");
    QVERIFY2(b.error("optimizer.learning_rate").contains("at least 0"), qPrintable(b.error("optimizer.learning_rate")));
    CHECK_JSON(b.doc.settings().optimizer["config"]["learning_rate"], Config(1e-4));

    auto* epochs = b.field<QSpinBox>("settings.epochs");
    QCOMPARE(epochs->value(), 10);
    QTest::keyClick(epochs, Qt::Key_Up);
    QTest::keyClick(epochs, Qt::Key_Up);
    QCOMPARE(b.doc.settings().epochs, int64_t(12));
    QCOMPARE(b.steps(), before + 2);
    type_into(epochs, "0");
    QVERIFY(!b.error("settings.epochs").isEmpty());
    QCOMPARE(b.doc.settings().epochs, int64_t(12));

    // Another optimizer: its own parameters appear, the chosen learning rate comes along.
    choose(b.field<QComboBox>("settings.optimizer"), "SGD");
    CHECK_JSON(b.doc.settings().optimizer["class_name"], Config("SGD"));
    CHECK_JSON(b.doc.settings().optimizer["config"]["learning_rate"], Config(1e-4));
    auto* momentum = b.field<QLineEdit>("optimizer.momentum");
    QVERIFY(momentum);
    type_into(momentum, "0.9");
    CHECK_JSON(b.doc.settings().optimizer["config"]["momentum"], Config(0.9));

    // The dataset is chosen in the Data panel (tests/gui/test_data_panel.cpp); the settings say where.
    QVERIFY(!b.field<QWidget>("data.dataset"));
    QVERIFY(b.field<QLabel>("settings.data-hint")->text().contains("Data panel"));
  }

  void training_device_validation_and_callbacks() {
    Bench b;
    // Validation: a combo of the three choices, each change one undo step.
    auto* validation = b.field<QComboBox>("settings.validation");
    QCOMPARE(validation->currentText(), QString("split"));
    QVERIFY(b.inspector->findChild<QWidget*>("settings.validation_split"));
    const int before = b.steps();
    choose(validation, "test");
    QCOMPARE(b.doc.settings().validation, std::string("test"));
    QCOMPARE(b.steps(), before + 1);
    QTRY_VERIFY(!b.inspector->findChild<QWidget*>("settings.validation_split"));  // only a split has a fraction
    // Device: only what exists here (this build trains on the CPU; a GPU shows only where CUDA finds one).
    auto* device = b.field<QComboBox>("settings.device");
    QStringList devices;
    for (int i = 0; i < device->count(); ++i) devices << device->itemText(i);
    QStringList expected{"auto", "cpu"};
    if (cuda::device_count() > 0) expected << "gpu";
    QCOMPARE(devices, expected);
    choose(device, "cpu");
    QCOMPARE(b.doc.settings().device, std::string("cpu"));

    // A callback: off, its parameters hidden; on, its parameters appear with Keras's defaults.
    QVERIFY(!b.inspector->findChild<QWidget*>("EarlyStopping.patience"));
    auto* early = b.field<QCheckBox>("callbacks.EarlyStopping");
    QVERIFY(!early->isChecked());
    early->click();
    CHECK_JSON(b.doc.settings().callbacks, Config::parse(R"([{"class_name": "EarlyStopping", "config": {}}])"));
    QTRY_VERIFY(b.inspector->findChild<QSpinBox*>("EarlyStopping.patience"));
    auto* patience = b.field<QSpinBox>("EarlyStopping.patience");
    QCOMPARE(patience->value(), 0);
    QCOMPARE(b.field<QLineEdit>("EarlyStopping.monitor")->text(), QString("val_loss"));
    type_into(patience, "3");
    CHECK_JSON(b.doc.settings().callbacks[0]["config"]["patience"], Config(3));
    type_into(patience, "-1");  // refused, with the reason under the field
    QVERIFY(!b.error("EarlyStopping.patience").isEmpty());
    CHECK_JSON(b.doc.settings().callbacks[0]["config"]["patience"], Config(3));
    QCOMPARE(b.steps(), before + 4);
    // Undo walks back: patience, then the callback itself (its rows go away).
    b.doc.undo_stack().undo();
    QVERIFY(!b.doc.settings().callbacks[0]["config"].contains("patience"));
    b.doc.undo_stack().undo();
    CHECK_JSON(b.doc.settings().callbacks, Config::array());
    QTRY_VERIFY(!b.inspector->findChild<QWidget*>("EarlyStopping.patience"));

    // Two on at once, as a screenshot for review.
    b.field<QCheckBox>("callbacks.EarlyStopping")->click();
    QTRY_VERIFY(b.inspector->findChild<QCheckBox*>("callbacks.ModelCheckpoint"));
    b.field<QCheckBox>("callbacks.ModelCheckpoint")->click();
    QTRY_VERIFY(b.inspector->findChild<QWidget*>("ModelCheckpoint.filepath"));
    QCOMPARE(b.doc.settings().callbacks.size(), size_t(2));
    if (const QString dir = qEnvironmentVariable("CORNU_SCREENSHOT_DIR"); !dir.isEmpty()) {
      QWidget* page = b.inspector->findChild<QScrollArea*>()->widget();
      page->adjustSize();
      b.inspector->resize(320, std::max(400, page->sizeHint().height()));
      QVERIFY(b.inspector->grab().save(QDir(dir).filePath("inspector-settings-callbacks.png")));
    }
  }

  void output_loss_and_metrics() {
    Bench b;
    auto* loss = b.field<QComboBox>("output.loss");
    QCOMPARE(loss->currentText(), QString("sparse_categorical_crossentropy"));
    choose(loss, "categorical_crossentropy");
    CHECK_JSON(b.doc.param(b.ids.output, "loss"), Config("categorical_crossentropy"));
    auto* metrics = b.field<QListWidget>("output.metrics");
    const auto found = metrics->findItems("accuracy", Qt::MatchExactly);
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.front()->checkState(), Qt::Checked);
    const auto mae = metrics->findItems("mean_absolute_error", Qt::MatchExactly);
    QCOMPARE(mae.size(), 1);
    mae.front()->setCheckState(Qt::Checked);
    CHECK_JSON(b.doc.param(b.ids.output, "metrics"), Config({"accuracy", "mean_absolute_error"}));
    metrics->findItems("accuracy", Qt::MatchExactly).front()->setCheckState(Qt::Unchecked);
    CHECK_JSON(b.doc.param(b.ids.output, "metrics"), Config::array({"mean_absolute_error"}));
    // The same editors on the selected Output node.
    b.selection.set({b.ids.output});
    choose(b.field<QComboBox>("param.loss"), "mean_squared_error");
    CHECK_JSON(b.doc.param(b.ids.output, "loss"), Config("mean_squared_error"));
  }

  void selection_changes_rebuild_the_form() {
    Bench b;
    b.selection.set({b.ids.hidden});
    QCOMPARE(b.field<QLabel>("inspector.title")->text(), QString("Dense"));
    QVERIFY(b.inspector->form()->editor("units"));
    b.selection.set({b.ids.flatten});
    QCOMPARE(b.inspector->node(), b.ids.flatten);
    QVERIFY(!b.inspector->form()->editor("units"));
    QVERIFY(b.inspector->form()->editor("data_format"));
    b.selection.set({b.ids.flatten, b.ids.hidden});
    QCOMPARE(b.inspector->mode(), Inspector::Mode::Several);
    QVERIFY(b.inspector->form()->editors().empty());
    b.selection.clear();
    QCOMPARE(b.inspector->mode(), Inspector::Mode::Settings);
  }

  void refresh_keeps_the_form_and_the_typed_text() {
    Bench b;
    b.selection.set({b.ids.hidden});
    auto* units = b.field<QSpinBox>("param.units");
    b.doc.set_param(b.ids.hidden, "units", 32);  // from the canvas, say
    QCOMPARE(b.field<QSpinBox>("param.units"), units);  // the same widget, updated in place
    QCOMPARE(units->value(), 32);
    // A node that disappears (undo of its creation) takes its form with it.
    const int extra = b.doc.add_node("Dense", 0, 0, {{"units", 3}});
    b.selection.set({extra});
    QCOMPARE(b.inspector->mode(), Inspector::Mode::Node);
    b.doc.undo_stack().undo();
    QCOMPARE(b.inspector->mode(), Inspector::Mode::Settings);

    // Text being typed is left alone while the document changes.
    QApplication::setActiveWindow(b.inspector.get());
    auto* lr = b.field<QLineEdit>("optimizer.learning_rate");
    lr->setFocus();
    if (!lr->hasFocus()) QSKIP("this platform gives no keyboard focus to an offscreen window");
    lr->selectAll();
    QTest::keyClicks(lr, "0.05");
    const int caret = lr->cursorPosition();
    auto settings = b.doc.settings();  // another view changes the same value and another one
    settings.epochs = 3;
    settings.optimizer["config"]["learning_rate"] = 0.002;
    b.doc.set_settings(settings);
    QCOMPARE(lr->text(), QString("0.05"));
    QCOMPARE(lr->cursorPosition(), caret);
    QVERIFY(lr->hasFocus());
    QCOMPARE(b.field<QSpinBox>("settings.epochs")->value(), 3);
  }

  void types_without_parameters() {
    // A nested unit (added by another part of the editor) or a type this build does not know: the name
    // stays editable, and nothing crashes.
    nodes::Document doc;
    nodes::ProjectData data;
    data.graph.nodes.push_back({.id = 1, .type = "Unit", .name = "encoder"});
    doc.reset(data);
    // The checker knows only catalog types, so the checks here run on another (empty) document: the
    // inspector then has no report for the node, which it must survive too.
    nodes::Document empty;
    nodes::LiveChecks checks(empty);
    ui::Selection selection;
    Inspector inspector(doc, checks, selection);
    selection.set({1});
    QCOMPARE(inspector.mode(), Inspector::Mode::Node);
    QCOMPARE(inspector.form()->editors().size(), size_t(1));
    auto* name = inspector.findChild<QLineEdit*>("node.name");
    type_into(name, "decoder");
    QCOMPARE(doc.at(1).name, std::string("decoder"));
    bool hint = false;
    for (auto* label : inspector.findChildren<QLabel*>()) hint = hint || label->text().contains("Double-click the unit");
    QVERIFY(hint);
  }

  void large_ints_get_a_line_edit() {
    Bench b;
    auto settings = b.doc.settings();
    settings.seed = uint64_t(1) << 40;
    b.doc.set_settings(settings);
    auto* seed = b.field<QLineEdit>("settings.seed");
    QVERIFY(seed);
    QCOMPARE(seed->text(), QString::number(qulonglong(1) << 40));
    type_into(seed, "42");
    QCOMPARE(b.doc.settings().seed, uint64_t(42));
  }

  void screenshots() {
    Bench b;
    const int reshape = b.doc.add_node("Reshape", 0, 0, {{"target_shape", {7, 7, 16}}});
    b.doc.connect({b.ids.flatten, 0}, {reshape, 0});
    const QString dir = qEnvironmentVariable("CORNU_SCREENSHOT_DIR");
    for (const bool dark : {false, true}) {
      const QPalette palette = dark ? dark_palette() : QApplication::style()->standardPalette();
      QApplication::setPalette(palette);
      b.inspector->setPalette(palette);
      const QString theme = dark ? "dark" : "light";
      const std::pair<const char*, std::vector<int>> views[] = {
          {"dense", {b.ids.hidden}}, {"reshape", {reshape}}, {"settings", {}}};
      for (const auto& [name, ids] : views) {
        b.selection.set(ids);
        b.inspector->resize(320, 1000);
        QWidget* page = b.inspector->findChild<QScrollArea*>()->widget();
        page->adjustSize();
        b.inspector->resize(320, std::max(400, page->sizeHint().height()));
        const QPixmap shot = b.inspector->grab();
        QVERIFY(!shot.isNull());
        if (!dir.isEmpty()) QVERIFY(shot.save(QDir(dir).filePath(QString("inspector-%1-%2.png").arg(name, theme))));
      }
      // A refused value, with its reason under the field.
      b.selection.set({b.ids.hidden});
      type_into(b.field<QSpinBox>("param.units"), "0");
      QVERIFY(!b.error("param.units").isEmpty());
      b.inspector->resize(320, 420);
      if (!dir.isEmpty()) QVERIFY(b.inspector->grab().save(QDir(dir).filePath(QString("inspector-refused-%1.png").arg(theme))));
      b.selection.clear();
    }
    QApplication::setPalette(QApplication::style()->standardPalette());
  }
};

QTEST_MAIN(TestInspector)
#include "test_inspector.moc"
