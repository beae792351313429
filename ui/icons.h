// Icons drawn from the SVGs in resources/icons (compiled in as :/icons/...), rendered at the size and
// device pixel ratio asked for (crisp at 200%, never a scaled bitmap). Line icons are monochrome shapes
// tinted when painted, so one file serves the light and the dark theme.
#pragma once
#include <QColor>
#include <QIcon>
#include <QString>
#include <string>

namespace cornu::ui {

// The palette group's icon, tinted with category_color(category); unknown categories get a generic one.
QIcon category_icon(const std::string& category);
// A toolbar or menu action: "new", "open", "save", "save-as", "undo", "redo", "cut", "copy", "paste",
// "duplicate", "delete", "select-all", "zoom-in", "zoom-out", "zoom-fit", "arrange", "export-diagram",
// "group-unit", "ungroup-unit". Tinted with the application palette's window text colour when painted, so
// it follows a theme switch. An unknown name gives a null icon.
QIcon action_icon(const QString& name);
// Severity and state badges in their own colours: "error", "warning", "ok".
QIcon status_icon(const QString& name);
// Cornu's application icon, in colour.
QIcon app_icon();

// The resource path of a category's icon (":/icons/category-core.svg"), for tests and the canvas.
QString category_icon_path(const std::string& category);
// A monochrome SVG icon of `path` painted in `color` (an invalid colour: the palette's window text).
QIcon tinted_svg_icon(const QString& path, const QColor& color = QColor());

}  // namespace cornu::ui
