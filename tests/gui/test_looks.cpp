// Themes and icons: light and dark palettes, distinct category colours, icons drawn crisp at 2x and tinted
// with the theme. With CORNU_SCREENSHOT_DIR set, the panels are also saved at 1x and 2x, light and dark,
// with a sheet of every icon.
#include <QApplication>
#include <QLineEdit>
#include <QPainter>
#include <QStyle>
#include <QtTest>

#include "nodes/live_checks.h"
#include "project_fixtures.h"
#include "nodes/catalog.h"
#include "ui/icons.h"
#include "ui/palette.h"
#include "ui/problems_panel.h"
#include "ui/summary_panel.h"
#include "ui/theme.h"

using namespace cornu;
using namespace cornu::ui;

namespace {

int visible_pixels(const QImage& image) {
  int count = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) count += qAlpha(image.pixel(x, y)) > 0;
  return count;
}

// Renders the widget at a device pixel ratio, as a 200% screen would.
QImage render_at(QWidget& widget, qreal ratio) {
  QPixmap pixmap(widget.size() * ratio);
  pixmap.setDevicePixelRatio(ratio);
  pixmap.fill(widget.palette().color(QPalette::Window));
  widget.render(&pixmap);
  return pixmap.toImage();
}

// Every icon at 16, 24 and 48 px, at 1x and 2x, on the light and the dark theme's window colour.
QImage icon_sheet() {
  QStringList names{"new", "open", "save", "save-as", "undo", "redo", "cut", "copy", "paste", "duplicate", "delete",
                    "select-all", "zoom-in", "zoom-out", "zoom-fit", "arrange", "export-diagram", "group-unit",
                    "ungroup-unit", "search"};
  const std::vector<std::string> categories{"Input/Output", "Core", "Convolution", "Pooling", "Recurrent",
                                            "Normalization", "Regularization", "Merge", "Reshaping", "Activation",
                                            "Units", "Other"};
  const int columns = std::max<int>(names.size(), categories.size() + 4);
  QImage sheet(columns * 56, 2 * 3 * 2 * 56, QImage::Format_ARGB32);
  QPainter painter(&sheet);
  int y = 0;
  for (ThemeMode mode : {ThemeMode::Light, ThemeMode::Dark}) {
    apply_theme(*qApp, mode);
    painter.fillRect(0, y, sheet.width(), 6 * 56, QApplication::palette().color(QPalette::Window));
    for (int size : {16, 24, 48}) {
      std::vector<QIcon> row_a, row_b;
      for (const QString& n : names) row_a.push_back(action_icon(n));
      for (const auto& c : categories) row_b.push_back(category_icon(c));
      for (const char* s : {"error", "warning", "ok"}) row_b.push_back(status_icon(s));
      row_b.push_back(app_icon());
      for (const auto* row : {&row_a, &row_b}) {
        for (size_t i = 0; i < row->size(); ++i) {
          const qreal ratio = size == 16 ? 2.0 : 1.0;  // 16 px icons as a 200% screen shows them
          QPixmap pixmap = (*row)[i].pixmap(QSize(size, size), ratio);
          painter.drawPixmap(QRect(static_cast<int>(i) * 56 + 4, y + 4, pixmap.width(), pixmap.height()), pixmap);
        }
        y += 56;
      }
    }
  }
  return sheet;
}

}  // namespace

class LooksTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { apply_theme(*qApp, ThemeMode::Light); }

  void darkAndLightPalettes() {
    QVERIFY(is_dark(dark_palette()));
    QVERIFY(!is_dark(light_palette()));
    QVERIFY(dark_palette().color(QPalette::Window).lightnessF() < 0.25);
    apply_theme(*qApp, ThemeMode::Dark);
    QVERIFY(is_dark(QApplication::palette()));
    QCOMPARE(QApplication::style()->name().toLower(), QString("fusion"));
    const CanvasColors dark = canvas_colors(QApplication::palette());
    QVERIFY(dark.background.lightnessF() < 0.3 && dark.text.lightnessF() > 0.7);
    apply_theme(*qApp, ThemeMode::Light);
    QVERIFY(!is_dark(QApplication::palette()));
    const CanvasColors light = canvas_colors(QApplication::palette());
    QVERIFY(light.background.lightnessF() > 0.8 && light.text.lightnessF() < 0.3);
    QVERIFY(light.port_valid != light.port_invalid);

    qputenv("CORNU_THEME", "dark");
    QCOMPARE(resolved_mode(ThemeMode::System), ThemeMode::Dark);
    QCOMPARE(resolved_mode(ThemeMode::Light), ThemeMode::Light);
    qputenv("CORNU_THEME", "light");
    QCOMPARE(resolved_mode(ThemeMode::System), ThemeMode::Light);
    qunsetenv("CORNU_THEME");
  }

  void categoryColoursAreDistinctAndStable() {
    std::vector<std::string> categories = nodes::catalog().categories();
    for (const char* c : {"Input/Output", "Core", "Convolution", "Pooling", "Recurrent", "Normalization",
                          "Regularization", "Merge", "Reshaping", "Activation", "Units"})
      if (std::find(categories.begin(), categories.end(), c) == categories.end()) categories.push_back(c);
    for (size_t i = 0; i < categories.size(); ++i) {
      const QColor a = category_color(categories[i]);
      // Readable on both backgrounds: neither near-white nor near-black.
      QVERIFY2(a.lightnessF() > 0.3 && a.lightnessF() < 0.7, categories[i].c_str());
      for (size_t j = i + 1; j < categories.size(); ++j) {
        const QColor b = category_color(categories[j]);
        const int distance = std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
        QVERIFY2(distance > 60, (categories[i] + " vs " + categories[j]).c_str());
      }
    }
    QCOMPARE(category_color("Something New"), category_color("Something New"));
    QVERIFY(category_color("Something New") != category_color("Something Else"));
  }

  void iconsExistAndRenderCrispAtTwiceTheScale() {
    for (const char* c : {"Input/Output", "Core", "Convolution", "Pooling", "Recurrent", "Normalization",
                          "Regularization", "Merge", "Reshaping", "Activation", "Units"}) {
      QVERIFY2(category_icon_path(c) != ":/icons/category-other.svg", c);
      QVERIFY2(!category_icon(c).isNull(), c);
    }
    QCOMPARE(category_icon_path("Something New"), QString(":/icons/category-other.svg"));
    for (const char* name : {"new", "open", "save", "save-as", "undo", "redo", "cut", "copy", "paste", "duplicate",
                             "delete", "select-all", "zoom-in", "zoom-out", "zoom-fit", "arrange", "export-diagram",
                             "group-unit", "ungroup-unit"}) {
      const QIcon icon = action_icon(name);
      QVERIFY2(!icon.isNull(), name);
      const QPixmap at2 = icon.pixmap(QSize(16, 16), 2.0);
      QCOMPARE(at2.size(), QSize(32, 32));  // drawn at 32 device pixels, not a 16 px bitmap scaled up
      QCOMPARE(at2.deviceIndependentSize(), QSizeF(16, 16));
      QVERIFY2(visible_pixels(at2.toImage()) > 20, name);
    }
    QVERIFY(action_icon("no-such-icon").isNull());
    for (const char* name : {"error", "warning", "ok"}) QVERIFY(!status_icon(name).isNull());
    QVERIFY(!app_icon().isNull());
  }

  void iconsPaintedAtAScaleAreDrawnAtThatScale() {
    // An item view grabbed into a 2x pixmap paints on a device that reports 1x, through a 2x transform.
    const QIcon icon = status_icon("error");
    const QImage expected = icon.pixmap(QSize(16, 16), 2.0).toImage().convertToFormat(QImage::Format_ARGB32_Premultiplied);
    QImage painted(32, 32, QImage::Format_ARGB32_Premultiplied);
    painted.fill(Qt::transparent);
    {
      QPainter painter(&painted);
      painter.scale(2, 2);
      icon.paint(&painter, QRect(0, 0, 16, 16));
    }
    painted.setDevicePixelRatio(2);
    QCOMPARE(painted, expected);
  }

  void actionIconsTakeTheThemesTextColour() {
    for (ThemeMode mode : {ThemeMode::Light, ThemeMode::Dark}) {
      apply_theme(*qApp, mode);
      const QImage image = action_icon("delete").pixmap(QSize(48, 48)).toImage();
      const QColor expected = QApplication::palette().color(QPalette::WindowText);
      int opaque = 0;
      for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
          const QColor c = image.pixelColor(x, y);
          if (c.alpha() < 255) continue;
          ++opaque;
          QVERIFY(std::abs(c.red() - expected.red()) <= 2 && std::abs(c.blue() - expected.blue()) <= 2);
        }
      QVERIFY(opaque > 30);
    }
    apply_theme(*qApp, ThemeMode::Light);
  }

  // --- screenshots (saved only when CORNU_SCREENSHOT_DIR is set) ---

  void panelsRenderAtOneAndTwiceTheScale() {
    nodes::Document doc;
    const test::MlpIds ids = test::build_mlp(doc);
    const int side = doc.add_node("Dense", 200, 300, {{"units", 3}, {"activation", "softmax"}});
    const int side_out = doc.add_node("Output", 200, 400, {{"loss", "categorical_crossentropy"}});
    doc.connect({ids.hidden, 0}, {side, 0});
    doc.connect({side, 0}, {side_out, 0});
    doc.add_node("Dropout", 400, 200, {{"rate", 0.5}});  // not connected: a problem
    const int wrong = doc.add_node("Dense", 400, 300, {{"units", 8}});
    doc.connect({ids.input, 0}, {wrong, 0});  // fed (None, 28, 28): Flatten first
    nodes::LiveChecks checks(doc);
    Selection selection;
    Palette palette;
    palette.search_box()->setText("");
    SummaryPanel summary(doc, checks, selection);
    ProblemsPanel problems(doc, checks, selection);
    selection.set({ids.hidden});
    palette.resize(300, 560);
    summary.resize(820, 300);
    problems.resize(420, 300);
    const QString dir = qEnvironmentVariable("CORNU_SCREENSHOT_DIR");
    for (ThemeMode mode : {ThemeMode::Light, ThemeMode::Dark}) {
      apply_theme(*qApp, mode);
      for (auto [name, widget] : {std::pair<const char*, QWidget*>{"palette", &palette}, {"summary", &summary},
                                  {"problems", &problems}}) {
        widget->show();
        QVERIFY(QTest::qWaitForWindowExposed(widget));
        for (qreal ratio : {1.0, 2.0}) {
          const QImage image = render_at(*widget, ratio);
          QCOMPARE(image.size(), widget->size() * ratio);
          if (!dir.isEmpty())
            QVERIFY(image.save(QString("%1/panels-%2-%3-%4x.png")
                                   .arg(dir, name, mode == ThemeMode::Dark ? "dark" : "light")
                                   .arg(static_cast<int>(ratio))));
        }
      }
    }
    // The palette while searching: name matches first, every category open.
    palette.search_box()->setText("in");
    for (ThemeMode mode : {ThemeMode::Light, ThemeMode::Dark}) {
      apply_theme(*qApp, mode);
      for (qreal ratio : {1.0, 2.0}) {
        const QImage image = render_at(palette, ratio);
        if (!dir.isEmpty())
          QVERIFY(image.save(QString("%1/panels-palette-search-%2-%3x.png")
                                 .arg(dir, mode == ThemeMode::Dark ? "dark" : "light")
                                 .arg(static_cast<int>(ratio))));
      }
    }
    QVERIFY(problems.errors() >= 1);
    if (!dir.isEmpty()) QVERIFY(icon_sheet().save(dir + "/panels-icons.png"));
    apply_theme(*qApp, ThemeMode::Light);
  }
};

QTEST_MAIN(LooksTest)
#include "test_looks.moc"
