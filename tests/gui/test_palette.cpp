// The layer palette: filtering as you type (name matches first), keyboard and mouse activation, and the
// drag payload the canvas accepts.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLineEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QTreeView>
#include <QtTest>
#include <memory>

#include "ui/palette.h"
#include "ui/theme.h"

using namespace cornu;
using namespace cornu::ui;

namespace {

QStringList all_types() {
  QStringList types;
  for (const auto& e : nodes::catalog().entries()) types << QString::fromStdString(e.type);
  return types;
}

QString catalog_doc(const QString& type) { return QString::fromStdString(nodes::catalog().get(type.toStdString()).doc); }

}  // namespace

class PaletteTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { apply_theme(*qApp, ThemeMode::Light); }

  void paletteModelKeepsQtInvariantsWhileFiltering() {
    PaletteModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const char* text : {"conv", "drop", "", "dense", "zzz", "in"}) model.set_filter(text);
  }

  void emptySearchShowsEveryLayerByCategory() {
    PaletteModel model;
    QCOMPARE(model.visible_types().size(), all_types().size());
    const auto categories = nodes::catalog().categories();
    QCOMPARE(model.rowCount(), static_cast<int>(categories.size()));
    for (int row = 0; row < model.rowCount(); ++row) {
      const QModelIndex category = model.index(row, 0);
      QCOMPARE(category.data().toString().toStdString(), categories[row]);
      QVERIFY(!category.data(Qt::DecorationRole).value<QIcon>().isNull());
      QVERIFY(!(model.flags(category) & Qt::ItemIsDragEnabled));
    }
  }

  void typingNarrowsToMatchingLayers() {
    PaletteModel model;
    model.set_filter("conv");
    QVERIFY(!model.visible_types().contains("Dense"));
    QVERIFY(model.visible_types().size() < all_types().size());
    for (const QString& type : model.visible_types())
      QVERIFY2(type.contains("conv", Qt::CaseInsensitive) || catalog_doc(type).contains("conv", Qt::CaseInsensitive),
               qPrintable(type));

    model.set_filter("DROP");
    QVERIFY(model.visible_types().contains("Dropout"));
    QCOMPARE(model.first_match(), QString("Dropout"));
    // Categories without a match are hidden; each shown one holds matches.
    for (int row = 0; row < model.rowCount(); ++row) QVERIFY(model.rowCount(model.index(row, 0)) > 0);
    QVERIFY(model.rowCount() < static_cast<int>(nodes::catalog().categories().size()));

    model.set_filter("zzzz");
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.first_match().isEmpty());
    model.set_filter("");
    QCOMPARE(model.visible_types().size(), all_types().size());
  }

  void nameMatchesComeBeforeDescriptionMatches() {
    // "Input" (an alias of InputLayer, and in other layers' descriptions): the layer named so comes first.
    PaletteModel model;
    model.set_filter("input");
    QCOMPARE(model.first_match(), QString("InputLayer"));
    const QStringList types = model.visible_types();
    bool seen_description_match = false;
    for (const QString& type : types) {
      const int rank = match_rank(nodes::catalog().get(type.toStdString()), "input");
      QVERIFY(rank >= 0);
      if (rank == 2) seen_description_match = true;
      QVERIFY2(!(seen_description_match && rank < 2), qPrintable(types.join(", ")));
    }
    QVERIFY2(types.size() > 1, "some description mentions inputs");
    // Several words must all match.
    model.set_filter("dense connected");
    QCOMPARE(model.visible_types(), QStringList{"Dense"});
  }

  void dragCarriesTheLayerType() {
    PaletteModel model;
    const QModelIndex dense = model.index_of_type("Dense");
    QVERIFY(model.flags(dense) & Qt::ItemIsDragEnabled);
    QVERIFY(model.mimeTypes().contains(kLayerMimeType));
    std::unique_ptr<QMimeData> mime(model.mimeData({dense}));
    QVERIFY(mime);
    QCOMPARE(mime->data(kLayerMimeType), QByteArray("Dense"));
    QCOMPARE(mime->text(), QString("Dense"));
    QVERIFY(!model.mimeData({model.index(0, 0)}));  // a category is not a layer
  }

  void enterInTheSearchBoxAddsTheFirstMatch() {
    Palette palette;
    palette.resize(280, 500);
    palette.show();
    QSignalSpy activated(&palette, &Palette::layer_activated);
    QTest::keyClick(palette.search_box(), Qt::Key_Return);
    QCOMPARE(activated.count(), 0);  // nothing typed, nothing added
    QTest::keyClicks(palette.search_box(), "dense");
    // Every category with a match is open while searching.
    for (int row = 0; row < palette.model()->rowCount(); ++row)
      QVERIFY(palette.view()->isExpanded(palette.model()->index(row, 0)));
    QTest::keyClick(palette.search_box(), Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QString("Dense"));
  }

  void downMovesIntoTheListAndEnterAddsThere() {
    Palette palette;
    palette.resize(280, 500);
    palette.show();
    QVERIFY(QTest::qWaitForWindowExposed(&palette));
    QSignalSpy activated(&palette, &Palette::layer_activated);
    palette.focus_search();
    QTest::keyClicks(palette.search_box(), "drop");
    QTest::keyClick(palette.search_box(), Qt::Key_Down);
    QCOMPARE(palette.view()->currentIndex().data(PaletteModel::TypeRole).toString(), QString("Dropout"));
    QTest::keyClick(palette.view(), Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QString("Dropout"));
    // Escape clears the search and shows everything again.
    QTest::keyClick(palette.search_box(), Qt::Key_Escape);
    QVERIFY(palette.search_box()->text().isEmpty());
    QCOMPARE(palette.model()->visible_types().size(), all_types().size());
  }

  void doubleClickAddsTheLayer() {
    Palette palette;
    palette.resize(280, 900);
    palette.show();
    QVERIFY(QTest::qWaitForWindowExposed(&palette));
    QSignalSpy activated(&palette, &Palette::layer_activated);
    const QModelIndex dropout = palette.model()->index_of_type("Dropout");
    palette.view()->scrollTo(dropout);
    const QPoint at = palette.view()->visualRect(dropout).center();
    QTest::mouseClick(palette.view()->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(palette.view()->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QString("Dropout"));
    // A category header is not a layer.
    QTest::mouseDClick(palette.view()->viewport(), Qt::LeftButton, {},
                       palette.view()->visualRect(palette.model()->index(0, 0)).center());
    QCOMPARE(activated.count(), 1);
  }

  void collapsedCategoriesStayCollapsedAfterASearch() {
    Palette palette;
    const QModelIndex core = palette.model()->index_of_type("Dense").parent();
    palette.view()->collapse(core);
    palette.search_box()->setText("dense");
    QVERIFY(palette.view()->isExpanded(palette.model()->index_of_type("Dense").parent()));
    palette.search_box()->clear();
    QVERIFY(!palette.view()->isExpanded(palette.model()->index_of_type("Dense").parent()));
    QVERIFY(palette.view()->isExpanded(palette.model()->index_of_type("Dropout").parent()));
  }
};

QTEST_MAIN(PaletteTest)
#include "test_palette.moc"
