// The summary panel: Keras's model.summary() rows and totals for the MLP fixture (checked against the
// engine's own count), Sequential and functional forms, the text copy, and the selection both ways.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableView>
#include <QtTest>
#include <set>

#include "nodes/compile.h"
#include "nodes/live_checks.h"
#include "project_fixtures.h"
#include "ui/summary_panel.h"
#include "ui/theme.h"

using namespace cornu;
using namespace cornu::ui;

namespace {

}  // namespace

class SummaryPanelTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { apply_theme(*qApp, ThemeMode::Light); }

  void summaryOfTheMlpMatchesKeras() {
    nodes::Document doc;
    const test::MlpIds ids = test::build_mlp(doc);
    nodes::LiveChecks checks(doc);
    Selection selection;
    SummaryPanel panel(doc, checks, selection);
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    // A chain is a Sequential: no Input row, no "Connected to", no Output.
    QVERIFY(!panel.functional());
    QVERIFY(panel.table()->isColumnHidden(SummaryPanel::ConnectedColumn));
    QCOMPARE(panel.model()->rowCount(), 3);
    QCOMPARE(panel.node_at(0), ids.flatten);
    QCOMPARE(panel.row_of(ids.input), -1);
    QCOMPARE(panel.row_of(ids.output), -1);
    auto cell = [&](int row, int column) { return panel.model()->item(row, column)->text(); };
    QCOMPARE(panel.model()->horizontalHeaderItem(0)->text(), QString("Layer (type)"));
    QCOMPARE(cell(0, SummaryPanel::LayerColumn), QString("flatten (Flatten)"));
    QCOMPARE(cell(0, SummaryPanel::ShapeColumn), QString("(None, 784)"));
    QCOMPARE(cell(1, SummaryPanel::LayerColumn), QString("dense (Dense)"));
    QCOMPARE(cell(1, SummaryPanel::ParamsColumn), QString("50,240"));
    QCOMPARE(cell(1, SummaryPanel::MacsColumn), QString("50,176"));
    QCOMPARE(cell(2, SummaryPanel::ShapeColumn), QString("(None, 10)"));
    QCOMPARE(cell(2, SummaryPanel::ParamsColumn), QString("650"));

    const int64_t engine_params = nodes::build_model(doc.data(), false)->count_params();
    QCOMPARE(engine_params, int64_t(50890));
    const QString totals = panel.totals_text();
    QVERIFY2(totals.contains("Total params: " + with_thousands(engine_params) + " (198.79 KB)"), qPrintable(totals));
    QVERIFY2(totals.contains("Trainable params: 50,890 (198.79 KB)"), qPrintable(totals));
    QVERIFY2(totals.contains("Non-trainable params: 0 (0.00 B)"), qPrintable(totals));
    QVERIFY2(totals.contains("Total mult-adds: 50,816 (0.05 M)"), qPrintable(totals));

    // Frozen layers count as non-trainable, and the panel follows the edit.
    doc.set_param(ids.hidden, "trainable", false);
    QVERIFY2(panel.totals_text().contains("Non-trainable params: 50,240 (196.25 KB)"), qPrintable(panel.totals_text()));
  }

  void functionalSummaryShowsInputsAndConnections() {
    nodes::Document doc;
    const test::MlpIds ids = test::build_mlp(doc);
    const int side = doc.add_node("Dense", 200, 300, {{"units", 3}});
    const int side_out = doc.add_node("Output", 200, 400, {{"loss", "mse"}});
    doc.connect({ids.hidden, 0}, {side, 0});
    doc.connect({side, 0}, {side_out, 0});
    nodes::LiveChecks checks(doc);
    Selection selection;
    SummaryPanel panel(doc, checks, selection);
    QVERIFY(panel.functional());
    QVERIFY(!panel.table()->isColumnHidden(SummaryPanel::ConnectedColumn));
    QCOMPARE(panel.model()->rowCount(), 5);  // image, flatten, dense, dense_1 and dense_2 in some data-flow order
    QCOMPARE(panel.node_at(0), ids.input);
    auto connected = [&](int id) { return panel.model()->item(panel.row_of(id), SummaryPanel::ConnectedColumn)->text(); };
    QCOMPARE(connected(ids.input), QString("-"));
    QCOMPARE(connected(ids.flatten), QString("image[0][0]"));
    QCOMPARE(connected(side), QString("dense[0][0]"));
    QCOMPARE(panel.model()->item(panel.row_of(ids.input), 0)->text(), QString("image (InputLayer)"));
    QCOMPARE(panel.model()->item(panel.row_of(ids.input), SummaryPanel::ShapeColumn)->text(), QString("(None, 28, 28)"));

    // The text copy: Keras's box table with every shown column, then the totals.
    const QString text = panel.summary_text();
    QVERIFY2(text.startsWith("Model: \"functional\"\n\u250f"), qPrintable(text));
    QVERIFY(text.contains("\u2503 Layer (type)"));
    QVERIFY(text.contains("Connected to"));
    QVERIFY(text.contains("\u2502 flatten (Flatten)"));
    QVERIFY(text.contains(" Total params: " + with_thousands(nodes::build_model(doc.data(), false)->count_params())));
    const QStringList lines = text.split('\n');
    QCOMPARE(lines[1].size(), lines[2].size());  // the rules line up with the rows
    QCOMPARE(lines[3].size(), lines[4].size());
  }

  void ctrlCCopiesTheSummaryText() {
    nodes::Document doc;
    test::build_mlp(doc);
    nodes::LiveChecks checks(doc);
    Selection selection;
    SummaryPanel panel(doc, checks, selection);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QApplication::clipboard()->clear();
    panel.table()->setFocus();
    QTest::keySequence(panel.table(), QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(), panel.summary_text());
    QVERIFY(panel.summary_text().startsWith("Model: \"sequential\""));
  }

  void summaryRowsFollowTheSelectionBothWays() {
    nodes::Document doc;
    const test::MlpIds ids = test::build_mlp(doc);
    nodes::LiveChecks checks(doc);
    Selection selection;
    SummaryPanel panel(doc, checks, selection);
    QSignalSpy changed(&selection, &Selection::changed);

    // Rows -> selection, with the panel as origin.
    panel.table()->selectRow(panel.row_of(ids.hidden));
    QCOMPARE(selection.ids(), std::vector<int>{ids.hidden});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QObject*>(), &panel);

    // Selection elsewhere -> rows, without echoing it back.
    selection.set({ids.logits, ids.flatten});
    QCOMPARE(changed.count(), 2);
    const QModelIndexList rows = panel.table()->selectionModel()->selectedRows();
    std::set<int> selected;
    for (const QModelIndex& row : rows) selected.insert(panel.node_at(row.row()));
    QCOMPARE(selected, (std::set<int>{ids.flatten, ids.logits}));
    QCOMPARE(selection.ids().size(), size_t(2));

    // The selection survives a re-check, and nodes without a row are simply not shown.
    doc.set_param(ids.hidden, "units", 32);
    QCOMPARE(panel.table()->selectionModel()->selectedRows().size(), 2);
    QCOMPARE(panel.model()->item(panel.row_of(ids.hidden), SummaryPanel::ParamsColumn)->text(), QString("25,120"));
    selection.set({ids.output});
    QVERIFY(panel.table()->selectionModel()->selectedRows().isEmpty());
    QCOMPARE(changed.count(), 3);
  }

  void summaryMarksLayersWithErrors() {
    nodes::Document doc;
    const test::MlpIds ids = test::build_broken_mlp(doc);
    nodes::LiveChecks checks(doc);
    Selection selection;
    SummaryPanel panel(doc, checks, selection);
    QStandardItem* broken = panel.model()->item(panel.row_of(ids.hidden), 0);
    QVERIFY(!broken->icon().isNull());
    QVERIFY(broken->toolTip().contains("last axis"));
    QCOMPARE(panel.model()->item(panel.row_of(ids.hidden), SummaryPanel::ShapeColumn)->text(), QString("?"));
    // Downstream layers are not blamed (they only lack a shape).
    QVERIFY(panel.model()->item(panel.row_of(ids.logits), 0)->toolTip().isEmpty());
  }
};

QTEST_MAIN(SummaryPanelTest)
#include "test_summary_panel.moc"
