#include "ui/theme.h"

#include <QApplication>
#include <QStyleFactory>
#include <cstdint>
#include <map>

namespace cornu::ui {

namespace {

// The desktop's palette as the platform gave it, remembered before our first setPalette replaces it.
const QPalette& platform_palette() {
  static const QPalette palette = QApplication::palette();
  return palette;
}

struct PaletteColors {
  QColor window, window_text, base, alternate_base, text, button, button_text, highlight, highlighted_text;
  QColor tooltip_base, tooltip_text, placeholder, link, light, midlight, mid, dark, shadow, disabled_text;
};

QPalette make_palette(const PaletteColors& c) {
  QPalette p;
  p.setColor(QPalette::Window, c.window);
  p.setColor(QPalette::WindowText, c.window_text);
  p.setColor(QPalette::Base, c.base);
  p.setColor(QPalette::AlternateBase, c.alternate_base);
  p.setColor(QPalette::Text, c.text);
  p.setColor(QPalette::Button, c.button);
  p.setColor(QPalette::ButtonText, c.button_text);
  p.setColor(QPalette::BrightText, Qt::white);
  p.setColor(QPalette::Highlight, c.highlight);
  p.setColor(QPalette::HighlightedText, c.highlighted_text);
  p.setColor(QPalette::ToolTipBase, c.tooltip_base);
  p.setColor(QPalette::ToolTipText, c.tooltip_text);
  p.setColor(QPalette::PlaceholderText, c.placeholder);
  p.setColor(QPalette::Link, c.link);
  p.setColor(QPalette::LinkVisited, c.link);
  p.setColor(QPalette::Light, c.light);
  p.setColor(QPalette::Midlight, c.midlight);
  p.setColor(QPalette::Mid, c.mid);
  p.setColor(QPalette::Dark, c.dark);
  p.setColor(QPalette::Shadow, c.shadow);
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::HighlightedText})
    p.setColor(QPalette::Disabled, role, c.disabled_text);
  p.setColor(QPalette::Disabled, QPalette::Highlight, c.mid);
  // An unfocused window keeps its selection colour: a selection that greys out reads as lost.
  p.setColor(QPalette::Inactive, QPalette::Highlight, c.highlight);
  p.setColor(QPalette::Inactive, QPalette::HighlightedText, c.highlighted_text);
  return p;
}

uint32_t fnv1a(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char ch : s) h = (h ^ ch) * 16777619u;
  return h;
}

}  // namespace

QPalette light_palette() {
  return make_palette({.window = QColor(0xf3, 0xf4, 0xf6), .window_text = QColor(0x1f, 0x23, 0x28),
                       .base = Qt::white, .alternate_base = QColor(0xf7, 0xf8, 0xfa),
                       .text = QColor(0x1f, 0x23, 0x28), .button = QColor(0xf9, 0xfa, 0xfb),
                       .button_text = QColor(0x1f, 0x23, 0x28), .highlight = QColor(0x2f, 0x6f, 0xeb),
                       .highlighted_text = Qt::white, .tooltip_base = QColor(0xff, 0xff, 0xff),
                       .tooltip_text = QColor(0x1f, 0x23, 0x28), .placeholder = QColor(0x8a, 0x8f, 0x98),
                       .link = QColor(0x1f, 0x5f, 0xd6), .light = Qt::white, .midlight = QColor(0xe8, 0xea, 0xed),
                       .mid = QColor(0xc4, 0xc8, 0xcf), .dark = QColor(0x9a, 0xa0, 0xa8),
                       .shadow = QColor(0x60, 0x66, 0x70), .disabled_text = QColor(0xa0, 0xa5, 0xad)});
}

QPalette dark_palette() {
  return make_palette({.window = QColor(0x2b, 0x2d, 0x31), .window_text = QColor(0xdf, 0xe1, 0xe5),
                       .base = QColor(0x1f, 0x21, 0x24), .alternate_base = QColor(0x26, 0x28, 0x2c),
                       .text = QColor(0xdf, 0xe1, 0xe5), .button = QColor(0x36, 0x39, 0x3e),
                       .button_text = QColor(0xdf, 0xe1, 0xe5), .highlight = QColor(0x35, 0x74, 0xf0),
                       .highlighted_text = Qt::white, .tooltip_base = QColor(0x39, 0x3b, 0x40),
                       .tooltip_text = QColor(0xdf, 0xe1, 0xe5), .placeholder = QColor(0x80, 0x85, 0x8d),
                       .link = QColor(0x6c, 0xa6, 0xff), .light = QColor(0x4a, 0x4d, 0x53),
                       .midlight = QColor(0x3d, 0x40, 0x45), .mid = QColor(0x24, 0x26, 0x29),
                       .dark = QColor(0x1a, 0x1b, 0x1e), .shadow = QColor(0x0e, 0x0f, 0x11),
                       .disabled_text = QColor(0x6f, 0x73, 0x7a)});
}

bool is_dark(const QPalette& palette) { return palette.color(QPalette::Window).lightnessF() < 0.5; }

ThemeMode resolved_mode(ThemeMode mode) {
  if (mode != ThemeMode::System) return mode;
  const QByteArray forced = qgetenv("CORNU_THEME").toLower();
  if (forced == "dark") return ThemeMode::Dark;
  if (forced == "light") return ThemeMode::Light;
  return is_dark(platform_palette()) ? ThemeMode::Dark : ThemeMode::Light;
}

void apply_theme(QApplication& app, ThemeMode mode) {
  platform_palette();  // remember the desktop's palette before replacing it
  if (QStyle* fusion = QStyleFactory::create("Fusion")) app.setStyle(fusion);
  app.setPalette(resolved_mode(mode) == ThemeMode::Dark ? dark_palette() : light_palette());
  // Qt posts the change to each widget: deliver it now, so a window grabbed next shows the new look.
  QCoreApplication::sendPostedEvents(nullptr, QEvent::ApplicationPaletteChange);
}

CanvasColors canvas_colors(const QPalette& palette) {
  const QColor selection = palette.color(QPalette::Highlight);
  if (is_dark(palette))
    return {.background = QColor(0x1c, 0x1e, 0x21), .grid_minor = QColor(0x25, 0x27, 0x2b),
            .grid_major = QColor(0x30, 0x33, 0x38), .card = QColor(0x2d, 0x30, 0x35),
            .card_border = QColor(0x47, 0x4b, 0x52), .text = QColor(0xe6, 0xe8, 0xeb),
            .subtext = QColor(0x9d, 0xa2, 0xaa), .edge = QColor(0x80, 0x86, 0x8f),
            .edge_text = QColor(0xad, 0xb2, 0xb9), .selection = selection, .port = QColor(0x8f, 0x95, 0x9e),
            .port_valid = QColor(0x4c, 0xc3, 0x6b), .port_invalid = QColor(0xf0, 0x5a, 0x5a),
            .error = error_color(palette)};
  return {.background = QColor(0xf6, 0xf7, 0xf9), .grid_minor = QColor(0xeb, 0xed, 0xf0),
          .grid_major = QColor(0xdc, 0xdf, 0xe4), .card = Qt::white, .card_border = QColor(0xc6, 0xcb, 0xd3),
          .text = QColor(0x1f, 0x23, 0x28), .subtext = QColor(0x64, 0x6b, 0x76), .edge = QColor(0x8a, 0x91, 0x9c),
          .edge_text = QColor(0x55, 0x5c, 0x68), .selection = selection, .port = QColor(0x8a, 0x91, 0x9c),
          .port_valid = QColor(0x1f, 0x9d, 0x4a), .port_invalid = QColor(0xd9, 0x2d, 0x20),
          .error = error_color(palette)};
}

QColor error_color(const QPalette& palette) {
  return is_dark(palette) ? QColor(0xf2, 0x5f, 0x5c) : QColor(0xd9, 0x2d, 0x20);
}

QColor warning_color(const QPalette& palette) {
  return is_dark(palette) ? QColor(0xf2, 0xb1, 0x3b) : QColor(0xb9, 0x77, 0x08);
}

QColor category_color(const std::string& category) {
  // Hues spread around the wheel, at a saturation and lightness that read on white and on near-black.
  static const std::map<std::string, QColor> colors{
      {"Input/Output", QColor(0x3b, 0x82, 0xf6)},   // blue
      {"Core", QColor(0x9d, 0x5c, 0xf0)},           // purple
      {"Convolution", QColor(0xf2, 0x71, 0x1c)},    // orange
      {"Pooling", QColor(0xd1, 0x9a, 0x0a)},        // amber
      {"Recurrent", QColor(0xd2, 0x45, 0xe0)},      // fuchsia
      {"Attention", QColor(0xe1, 0x3b, 0x3b)},      // red
      {"Normalization", QColor(0x0f, 0xa9, 0xc6)},  // cyan
      {"Regularization", QColor(0x7c, 0xa3, 0x1a)}, // olive green
      {"Merge", QColor(0x12, 0xa8, 0x7a)},          // emerald
      {"Reshaping", QColor(0x70, 0x80, 0x96)},      // slate
      {"Activation", QColor(0xe5, 0x48, 0x8a)},     // pink
      {"Units", QColor(0x5b, 0x5f, 0xe8)},          // indigo
  };
  if (auto it = colors.find(category); it != colors.end()) return it->second;
  return QColor::fromHsl(static_cast<int>(fnv1a(category) % 360), 150, 120);
}

}  // namespace cornu::ui
