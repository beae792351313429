#include "data/csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "core/error.h"
#include "data/file_bytes.h"

namespace cornu::data {
namespace {

std::string at_line(const std::string& name, int64_t line) { return "'" + name + "' line " + std::to_string(line); }

// A cell quoted for an error message, shortened when long.
std::string show(std::string_view cell) {
  return "'" + std::string(cell.substr(0, 40)) + (cell.size() > 40 ? "...'" : "'");
}

// Splits one line into cells (reusing `cells`' strings); returns the number of cells. Double-quoted cells may
// hold the delimiter and "" for a quote; spaces around cells are trimmed.
size_t split_cells(std::string_view line, char delim, const std::string& where, std::vector<std::string>& cells) {
  auto is_space = [delim](char c) { return (c == ' ' || c == '\t') && c != delim; };
  size_t count = 0, i = 0;
  const size_t n = line.size();
  for (;;) {
    if (cells.size() <= count) cells.emplace_back();
    std::string& cell = cells[count++];
    cell.clear();
    while (i < n && is_space(line[i])) ++i;
    if (i < n && line[i] == '"') {
      for (++i;; ++i) {
        if (i >= n)
          throw IoError(where + " has a quoted cell that is never closed. Quoted cells must end on the same line.");
        if (line[i] == '"') {
          if (i + 1 < n && line[i + 1] == '"') {
            cell += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        cell += line[i];
      }
      while (i < n && is_space(line[i])) ++i;
      if (i < n && line[i] != delim)
        throw IoError(where + " has text after the closing quote of cell " + std::to_string(count) +
                      ". Put the whole cell inside the quotes.");
    } else {
      size_t start = i;
      while (i < n && line[i] != delim) ++i;
      size_t end = i;
      while (end > start && is_space(line[end - 1])) --end;
      cell.assign(line.substr(start, end - start));
    }
    if (i >= n) return count;
    ++i;  // past the delimiter
  }
}

std::optional<double> parse_number(std::string_view cell) {
  if (!cell.empty() && cell[0] == '+') cell.remove_prefix(1);
  if (cell.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (ec != std::errc() || end != cell.data() + cell.size()) return std::nullopt;
  return v;
}

// Iterates over the non-blank lines of a text, counting every physical line.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  bool next(std::string_view& line) {
    while (pos_ < text_.size()) {
      size_t end = text_.find('\n', pos_);
      if (end == std::string_view::npos) end = text_.size();
      line = text_.substr(pos_, end - pos_);
      pos_ = end + 1;
      ++number_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t") != std::string_view::npos) return true;
    }
    return false;
  }
  int64_t number() const { return number_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t number_ = 0;
};

// Which column holds the labels (-1: none), from the options and the header.
int resolve_label_column(const CsvOptions& o, const std::vector<std::string>& names, bool header, size_t columns,
                         const std::string& name) {
  if (!o.label_name.empty()) {
    if (!header)
      throw ValueError("The label column '" + o.label_name + "' of '" + name +
                       "' can only be found by name in a file with a header line.");
    auto it = std::find(names.begin(), names.end(), o.label_name);
    if (it == names.end()) {
      std::string hint = did_you_mean(o.label_name, names);
      throw ValueError("'" + name + "' has no column named '" + o.label_name + "'." + (hint.empty() ? "" : " " + hint));
    }
    return static_cast<int>(it - names.begin());
  }
  if (o.label_column == -2) return -1;
  if (o.label_column == -1) return static_cast<int>(columns) - 1;
  if (o.label_column < 0 || static_cast<size_t>(o.label_column) >= columns)
    throw ValueError("label_column=" + std::to_string(o.label_column) + " is out of range: '" + name + "' has " +
                     std::to_string(columns) + " columns (0-based indices 0.." + std::to_string(columns - 1) +
                     "; -1 picks the last one, -2 none).");
  return o.label_column;
}

// scikit-learn's bundled files start with `n_samples,n_features,<class names>...` instead of column names.
bool sklearn_class_names(const std::vector<std::string>& header, int64_t rows, size_t columns, int label,
                         const std::vector<int32_t>& ids, std::vector<std::string>& class_names) {
  if (header.size() < 3 || label != static_cast<int>(columns) - 1) return false;
  auto n_samples = parse_number(header[0]), n_features = parse_number(header[1]);
  if (!n_samples || !n_features || *n_samples != static_cast<double>(rows) ||
      *n_features != static_cast<double>(columns - 1))
    return false;
  std::vector<std::string> names(header.begin() + 2, header.end());
  for (int32_t id : ids)
    if (id < 0 || static_cast<size_t>(id) >= names.size()) return false;
  class_names = std::move(names);
  return true;
}

}  // namespace

CsvTable parse_csv(std::string_view text, const CsvOptions& o, const std::string& name) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark
  Lines lines(text);
  std::string_view line;
  if (!lines.next(line)) throw IoError("'" + name + "' is empty: it holds no rows. Check that this is the right file.");
  std::vector<std::string> cells;
  const int64_t first_line = lines.number();
  const size_t columns = split_cells(line, o.delimiter, at_line(name, first_line), cells);
  std::vector<std::string> first(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(columns));

  bool header = o.header.value_or(!o.label_name.empty());
  if (!o.header && o.label_name.empty()) {
    // Detect a header: a non-empty cell that is not a number (the label cell may hold a class name).
    int label_guess = o.label_column == -1 ? static_cast<int>(columns) - 1 : o.label_column;
    for (size_t c = 0; c < columns; ++c)
      if (!(o.categorical_labels && static_cast<int>(c) == label_guess) && !first[c].empty() &&
          !parse_number(first[c]))
        header = true;
  }
  CsvTable table;
  if (header) {
    table.column_names = first;
  } else {
    for (size_t c = 0; c < columns; ++c) table.column_names.push_back("column_" + std::to_string(c + 1));
  }
  const int label = resolve_label_column(o, table.column_names, header, columns, name);

  std::vector<float> features;
  std::vector<std::string> label_text;
  std::vector<double> label_values;
  int64_t rows = 0;
  bool have_row = !header || lines.next(line);
  for (; have_row; have_row = lines.next(line)) {
    const std::string where = at_line(name, lines.number());
    size_t count = split_cells(line, o.delimiter, where, cells);
    if (count != columns)
      throw IoError(where + " has " + std::to_string(count) + " cells, but line " + std::to_string(first_line) +
                    (header ? " (the header)" : "") + " has " + std::to_string(columns) +
                    ". Every row needs the same number of columns; look for a missing or extra '" +
                    std::string(1, o.delimiter) + "'.");
    for (size_t c = 0; c < columns; ++c) {
      const std::string& cell = cells[c];
      const std::string column = "column " + std::to_string(c + 1) + " ('" + table.column_names[c] + "')";
      if (static_cast<int>(c) == label && o.categorical_labels) {
        if (cell.empty()) throw IoError(where + ", " + column + " has no label. Fill in or remove that row.");
        label_text.push_back(cell);
        continue;
      }
      auto v = parse_number(cell);
      if (!v) {
        if (cell.empty()) throw IoError(where + ", " + column + " is empty. Fill in or remove missing values.");
        std::string hint = static_cast<int>(c) == label
                               ? " If the labels are class names, set categorical_labels."
                               : " Only numeric features can be read; encode or drop text columns first.";
        throw IoError(where + ", " + column + " holds " + show(cell) + ", which is not a number." + hint);
      }
      if (static_cast<int>(c) == label) {
        label_values.push_back(*v);
      } else {
        features.push_back(static_cast<float>(*v));
      }
    }
    ++rows;
  }
  if (rows == 0) throw IoError("'" + name + "' has a header line but no data rows.");

  const int64_t feature_count = static_cast<int64_t>(columns) - (label >= 0 ? 1 : 0);
  table.features = Tensor::from_vector(Shape({rows, feature_count}), features);
  if (label < 0) return table;
  if (o.categorical_labels) {
    std::map<std::string, int32_t> ids;
    for (const std::string& s : label_text) ids.emplace(s, 0);
    for (auto& [class_name, id] : ids) {
      id = static_cast<int32_t>(table.class_names.size());
      table.class_names.push_back(class_name);
    }
    std::vector<int32_t> y;
    y.reserve(label_text.size());
    for (const std::string& s : label_text) y.push_back(ids.at(s));
    table.labels = Tensor::from_vector(Shape({rows}), y);
    return table;
  }
  bool integral = !o.float_labels && std::all_of(label_values.begin(), label_values.end(), [](double v) {
    return v == std::floor(v) && std::fabs(v) <= std::numeric_limits<int32_t>::max();
  });
  if (!integral) {
    table.labels = Tensor::from_vector(Shape({rows}), std::vector<float>(label_values.begin(), label_values.end()));
    return table;
  }
  std::vector<int32_t> y(label_values.begin(), label_values.end());
  if (header && sklearn_class_names(table.column_names, rows, columns, label, y, table.class_names)) {
    for (size_t c = 0; c < columns; ++c) table.column_names[c] = "column_" + std::to_string(c + 1);
  }
  table.labels = Tensor::from_vector(Shape({rows}), y);
  return table;
}

CsvTable read_csv(const std::string& path, const CsvOptions& options) {
  return parse_csv(read_maybe_gzipped(path), options, path);
}

}  // namespace cornu::data
