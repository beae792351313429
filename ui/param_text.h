// How the inspector writes parameter values as text and reads them back: the editors that are line edits
// (floats, tuples, JSON, schedules, large integers) share these, so what is shown always parses back to the
// same value. Keras's notation where it is friendlier than JSON: "(None, 28, 28)", "3, 3", "1e-07".
#pragma once
#include <QRegularExpression>
#include <QString>

#include "core/registry.h"

namespace cornu::ui {

// The shortest text that reads back as the same double ("0.001", "1e-07", "2.0"): no digits rounded away.
QString format_number(double value);

// The text a line edit shows for `value` (a null shows as empty text, the placeholder then says "None").
QString format_param(const ParamSpec& spec, const Config& value);

// Reads what the user typed. Empty text is null (None, or the default where None is not allowed: the
// document then says so). Throws ValueError with what to type instead when the text cannot be read.
Config parse_param(const ParamSpec& spec, const QString& text);

// The characters an editor of this type lets through (the document checks ranges and the rest, with its
// own message): digits for integers, numbers with an exponent for floats, digits and commas for tuples.
// Returns an invalid (empty) expression for free text.
QRegularExpression param_pattern(ParamType type);

// "kernel_initializer" -> "Kernel initializer": the label beside an editor (the key is in its tooltip).
QString param_label(const std::string& key);

}  // namespace cornu::ui
