#include "ui/param_text.h"

#include <charconv>
#include <cmath>

#include <QLocale>
#include <QStringList>

#include "core/error.h"

namespace cornu::ui {

namespace {

QString python_text(const Config& v, bool top_level);

QString join(const Config& list, bool top_level) {
  // A shape reads best as Keras prints it: (None, 28, 28). Other lists keep JSON's brackets.
  bool shape = top_level;
  for (const auto& x : list) shape = shape && (x.is_null() || x.is_number_integer() || x.is_number_unsigned());
  QStringList parts;
  for (const auto& x : list) parts << python_text(x, false);
  if (shape) return "(" + parts.join(", ") + (list.size() == 1 ? ",)" : ")");
  return "[" + parts.join(", ") + "]";
}

// The value as a Python literal: what a Keras user would type (None, True, (None, 784)).
QString python_text(const Config& v, bool top_level) {
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_number_float()) return format_number(v.get<double>());
  if (v.is_array()) return join(v, top_level);
  if (v.is_object()) {
    QStringList parts;
    for (auto it = v.begin(); it != v.end(); ++it)
      parts << QString::fromStdString(Config(it.key()).dump()) + ": " + python_text(it.value(), false);
    return "{" + parts.join(", ") + "}";
  }
  return QString::fromStdString(v.dump());
}

// Python literals to JSON: None/True/False, tuples, single quotes and trailing commas ("(3,)").
std::string json_from_python(const QString& text) {
  std::string in = text.trimmed().toStdString(), out;
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '"' || c == '\'') {  // copy a string literal, re-quoted with double quotes
      out += '"';
      for (++i; i < in.size() && in[i] != c; ++i) {
        if (in[i] == '\\' && i + 1 < in.size()) out += in[i++];
        else if (in[i] == '"') out += '\\';
        out += in[i];
      }
      out += '"';
      continue;
    }
    auto word = [&](const char* python, const char* json) {
      const size_t n = std::char_traits<char>::length(python);
      if (in.compare(i, n, python) != 0) return false;
      out += json;
      i += n - 1;
      return true;
    };
    if (word("None", "null") || word("True", "true") || word("False", "false")) continue;
    if (c == '(' || c == ')') {
      out += c == '(' ? '[' : ']';
      continue;
    }
    out += c;
  }
  // ",]" and ",}" -> "]" and "}": Python allows a trailing comma, JSON does not.
  std::string cleaned;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == ',') {
      size_t j = i + 1;
      while (j < out.size() && out[j] == ' ') ++j;
      if (j < out.size() && (out[j] == ']' || out[j] == '}')) continue;
    }
    cleaned += out[i];
  }
  return cleaned;
}

// "3, 3", "(3, 3)", "[3 3]" -> the numbers; throws naming the piece that is not one.
std::vector<QString> list_items(const QString& text) {
  QString inner = text.trimmed();
  if (inner.startsWith('(') || inner.startsWith('[')) inner.remove(0, 1);
  if (inner.endsWith(')') || inner.endsWith(']')) inner.chop(1);
  std::vector<QString> items;
  for (const QString& piece : inner.split(QRegularExpression("[,\\s]+"), Qt::SkipEmptyParts)) items.push_back(piece);
  return items;
}

Config parse_int(const QString& piece, const std::string& key) {
  bool ok = false;
  const qlonglong v = piece.toLongLong(&ok);
  if (!ok) throw ValueError(key + ": '" + piece.toStdString() + "' is not a whole number.");
  return static_cast<int64_t>(v);
}

Config parse_float(const QString& piece, const std::string& key) {
  bool ok = false;
  const double v = QLocale::c().toDouble(piece.trimmed(), &ok);
  if (!ok || !std::isfinite(v))
    throw ValueError(key + ": '" + piece.toStdString() + "' is not a number. Write it like 0.001 or 1e-7.");
  return v;
}

}  // namespace

QString format_number(double value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  QString text = QString::fromLatin1(buffer, static_cast<int>(result.ptr - buffer));
  // A float reads as one: 2 -> 2.0, as Keras prints it (the exponent form already says "float").
  if (std::isfinite(value) && !text.contains('.') && !text.contains('e')) text += ".0";
  return text;
}

QString format_param(const ParamSpec& spec, const Config& value) {
  if (value.is_null()) return {};
  switch (spec.type) {
    case ParamType::Int:
      return value.is_number() ? QString::number(value.get<int64_t>()) : python_text(value, true);
    case ParamType::Float:
    case ParamType::Schedule:
      if (value.is_number()) return format_number(value.get<double>());
      return QString::fromStdString(value.dump());
    case ParamType::String:
      return value.is_string() ? QString::fromStdString(value.get<std::string>()) : python_text(value, true);
    case ParamType::IntTuple:
    case ParamType::IntOrTuple:
    case ParamType::FloatList: {
      if (!value.is_array()) return python_text(value, false);
      QStringList parts;
      for (const auto& x : value) parts << (x.is_number_float() ? format_number(x.get<double>()) : python_text(x, false));
      // One element of an "int or tuple" is written "3," so it reads back as a tuple, not as the int 3.
      if (spec.type == ParamType::IntOrTuple && value.size() == 1) return parts.front() + ",";
      return parts.join(", ");
    }
    default: return python_text(value, true);
  }
}

Config parse_param(const ParamSpec& spec, const QString& text) {
  const QString trimmed = text.trimmed();
  if (trimmed.isEmpty() || trimmed == "None") {
    if (spec.type == ParamType::String && trimmed.isEmpty() && !spec.nullable) return std::string();
    if ((spec.type == ParamType::IntTuple || spec.type == ParamType::FloatList) && !spec.nullable)
      return Config::array();
    return nullptr;
  }
  switch (spec.type) {
    case ParamType::Int: return parse_int(trimmed, spec.name);
    case ParamType::Float: return parse_float(trimmed, spec.name);
    case ParamType::String: return text.toStdString();
    case ParamType::IntTuple:
    case ParamType::IntOrTuple: {
      const bool list = spec.type == ParamType::IntTuple || trimmed.contains(',') || trimmed.startsWith('(') ||
                        trimmed.startsWith('[');
      if (!list) return parse_int(trimmed, spec.name);
      Config out = Config::array();
      for (const QString& item : list_items(trimmed)) out.push_back(parse_int(item, spec.name));
      return out;
    }
    case ParamType::FloatList: {
      Config out = Config::array();
      for (const QString& item : list_items(trimmed)) out.push_back(parse_float(item, spec.name));
      return out;
    }
    case ParamType::Schedule: {
      bool ok = false;
      const double v = QLocale::c().toDouble(trimmed, &ok);
      if (ok) return v;
      break;  // a schedule object, as JSON
    }
    default: break;
  }
  Config parsed = Config::parse(json_from_python(trimmed), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    throw ValueError(spec.name + ": '" + trimmed.toStdString() +
                     "' cannot be read. Write a number, a tuple such as (None, 28, 28), None, or JSON.");
  return parsed;
}

QRegularExpression param_pattern(ParamType type) {
  switch (type) {
    case ParamType::Int: return QRegularExpression("^\\s*-?\\d{0,16}\\s*$");
    case ParamType::Float: return QRegularExpression("^\\s*[-+]?\\d*\\.?\\d*([eE][-+]?\\d{0,3})?\\s*$");
    case ParamType::IntTuple:
    case ParamType::IntOrTuple: return QRegularExpression("^[\\s\\d,()\\[\\]-]*$");
    case ParamType::FloatList: return QRegularExpression("^[\\s\\d,.eE+()\\[\\]-]*$");
    default: return QRegularExpression();
  }
}

QString param_label(const std::string& key) {
  QString label = QString::fromStdString(key).replace('_', ' ');
  if (!label.isEmpty()) label[0] = label[0].toUpper();
  return label;
}

}  // namespace cornu::ui
