// Themes and icons: light and dark palettes, distinct category colours, icons drawn crisp at 2x and tinted
// with the theme.
#include <QApplication>
#include <QStyle>
#include <QtTest>

#include "nodes/catalog.h"
#include "ui/icons.h"
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
};

QTEST_MAIN(LooksTest)
#include "test_looks.moc"
