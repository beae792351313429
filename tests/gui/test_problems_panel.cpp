// The problems list: a broken connection is listed, clicking it selects the node and asks the canvas to go
// to it and to the connection; fixing it empties the list; long messages wrap.
#include <QApplication>
#include <QListWidget>
#include <QSignalSpy>
#include <QtTest>

#include "nodes/live_checks.h"
#include "project_fixtures.h"
#include "ui/problems_panel.h"
#include "ui/theme.h"

using namespace cornu;
using namespace cornu::ui;

namespace {

}  // namespace

class ProblemsPanelTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { apply_theme(*qApp, ThemeMode::Light); }

  void problemsListsABrokenConnectionAndGoesThere() {
    nodes::Document doc;
    const test::MlpIds ids = test::build_broken_mlp(doc);
    nodes::LiveChecks checks(doc);
    Selection selection;
    ProblemsPanel panel(doc, checks, selection);
    panel.resize(360, 300);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QCOMPARE(panel.errors(), 1);
    QCOMPARE(panel.list()->count(), static_cast<int>(checks.report().problems.size()));
    QListWidgetItem* item = panel.list()->item(0);
    QVERIFY(item->text().contains("Give that axis a size in the Input shape"));
    QCOMPARE(item->toolTip(), item->text());
    QCOMPARE(panel.problem_at(0).node, ids.hidden);
    QVERIFY(panel.title().startsWith("Problems (1 error"));

    QSignalSpy to_node(&panel, &ProblemsPanel::go_to_node);
    QSignalSpy to_edge(&panel, &ProblemsPanel::go_to_edge);
    QTest::mouseClick(panel.list()->viewport(), Qt::LeftButton, {}, panel.list()->visualItemRect(item).center());
    QCOMPARE(selection.ids(), std::vector<int>{ids.hidden});
    QCOMPARE(to_node.count(), 1);
    QCOMPARE(to_node.at(0).at(0).toInt(), ids.hidden);
    QCOMPARE(to_edge.count(), 1);
    const auto edge = to_edge.at(0).at(0).value<nodes::Edge>();
    QCOMPARE(edge.from.node, ids.input);
    QCOMPARE(edge.to.node, ids.hidden);

    // Fixing it empties the list, says so, and updates the count.
    QSignalSpy counts(&panel, &ProblemsPanel::count_changed);
    doc.undo_stack().undo();  // the connection
    doc.undo_stack().undo();  // the removed Flatten
    doc.undo_stack().undo();  // the Input's unknown width
    QVERIFY(counts.count() >= 1);  // the first undo leaves Dense unconnected: another error for a moment
    QCOMPARE(counts.last().at(0).toInt(), 0);
    QCOMPARE(counts.last().at(1).toInt(), 0);
    QCOMPARE(panel.title(), QString("Problems"));
    QVERIFY(panel.problems().empty());
    QCOMPARE(panel.list()->count(), 1);
    QCOMPARE(panel.list()->item(0)->text(), QString("No problems: the model can be built."));
    QVERIFY(!(panel.list()->item(0)->flags() & Qt::ItemIsSelectable));
    QTest::mouseClick(panel.list()->viewport(), Qt::LeftButton, {},
                      panel.list()->visualItemRect(panel.list()->item(0)).center());
    QCOMPARE(to_node.count(), 1);
  }

  void longMessagesWrapInsteadOfBeingCut() {
    nodes::Document doc;
    test::build_broken_mlp(doc);
    nodes::LiveChecks checks(doc);
    Selection selection;
    ProblemsPanel panel(doc, checks, selection);
    panel.resize(220, 300);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const int narrow = panel.list()->visualItemRect(panel.list()->item(0)).height();
    panel.resize(900, 300);
    QApplication::processEvents();
    panel.list()->doItemsLayout();
    const int wide = panel.list()->visualItemRect(panel.list()->item(0)).height();
    QVERIFY2(narrow > wide, qPrintable(QString("%1 <= %2").arg(narrow).arg(wide)));
  }
};

QTEST_MAIN(ProblemsPanelTest)
#include "test_problems_panel.moc"
