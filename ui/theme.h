// Light and dark looks: the Fusion style with a palette of our own (Fusion draws the same on every desktop
// and scales cleanly at 200%), the colours of the canvas derived from that palette, and one hue per
// catalog category for card stripes and palette icons.
#pragma once
#include <QColor>
#include <QPalette>
#include <string>

class QApplication;

namespace cornu::ui {

enum class ThemeMode { System, Light, Dark };

// Sets the Fusion style and a light or dark palette. System follows the desktop: the environment variable
// CORNU_THEME=dark|light first (tests, screenshots), else the lightness of the platform's own window colour
// (Qt 6.4 has no QStyleHints::colorScheme). Can be called again to switch.
void apply_theme(QApplication& app, ThemeMode mode);
// The mode apply_theme resolves System to: Light or Dark.
ThemeMode resolved_mode(ThemeMode mode);
QPalette light_palette();
QPalette dark_palette();
bool is_dark(const QPalette& palette);

// The canvas draws with these (QGraphicsView has no palette roles for grids, ports or edges).
struct CanvasColors {
  QColor background, grid_minor, grid_major;
  QColor card, card_border, text, subtext;
  QColor edge, edge_text, selection;
  QColor port, port_valid, port_invalid;
  QColor error;
};
CanvasColors canvas_colors(const QPalette& palette);

// The colour of a catalog category ("Core", "Convolution", "Units"...): distinct hues of medium lightness,
// readable as a card stripe or an icon on light and dark backgrounds. Unknown categories get a hue hashed
// from their name (the same on every run and machine).
QColor category_color(const std::string& category);

// Severity colours, shared by the problems list, the summary and the canvas badges.
QColor error_color(const QPalette& palette);
QColor warning_color(const QPalette& palette);

}  // namespace cornu::ui
