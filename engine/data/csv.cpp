#include "data/csv.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/error.h"
#include "data/csv_cells.h"
#include "data/file_bytes.h"

namespace cornu::data {
namespace {

using namespace csv_detail;

// A row that cannot be read: its line and why, the reason written to follow "'f.csv' line 7".
struct BadRow {
  int64_t line;
  std::string reason, hint;
};

constexpr size_t kBadRowsNamed = 5;

// One error for the bad rows of a refused file: the first in full, then up to four more by line and reason.
[[noreturn]] void refuse(const std::vector<BadRow>& bad, const std::string& name) {
  const BadRow& first = bad.front();
  std::string message = at_line(name, first.line) + first.reason + "." + first.hint;
  if (bad.size() > 1) {
    message += " " + std::to_string(bad.size()) + " rows are bad in all:";
    for (size_t i = 0; i < std::min(bad.size(), kBadRowsNamed); ++i)
      message += (i ? "; line " : " line ") + std::to_string(bad[i].line) + bad[i].reason;
    if (bad.size() > kBadRowsNamed) message += "; and " + std::to_string(bad.size() - kBadRowsNamed) + " more";
    message += ".";
  }
  throw IoError(message + " Fix those rows, or skip them (skip_bad_rows, or bad_rows = skip in a dataset).");
}

// Class ids for label cells: names sorted by value when all are numbers ("2" before "10"), else by name.
std::vector<int32_t> class_ids(const std::vector<std::string>& labels, std::vector<std::string>& class_names) {
  std::vector<std::string> names = labels;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (std::all_of(names.begin(), names.end(), [](const std::string& s) { return parse_number(s).has_value(); }))
    std::stable_sort(names.begin(), names.end(),
                     [](const std::string& a, const std::string& b) { return *parse_number(a) < *parse_number(b); });
  std::map<std::string, int32_t> ids;
  for (size_t i = 0; i < names.size(); ++i) ids.emplace(names[i], static_cast<int32_t>(i));
  std::vector<int32_t> y;
  y.reserve(labels.size());
  for (const std::string& s : labels) y.push_back(ids.at(s));
  class_names = std::move(names);
  return y;
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

// Fills the labels of `table` from the label cells (already known to be numbers unless text is allowed).
void set_labels(CsvTable& table, const std::vector<std::string>& cells, const CsvOptions& o, bool header, int label) {
  const auto rows = static_cast<int64_t>(cells.size());
  const size_t columns = table.column_names.size();
  std::vector<double> values;
  bool numeric = !o.categorical_labels;
  for (size_t i = 0; numeric && i < cells.size(); ++i) {
    auto v = parse_number(cells[i]);
    numeric = v.has_value();
    if (v) values.push_back(*v);
  }
  if (!numeric) {
    table.labels = Tensor::from_vector(Shape({rows}), class_ids(cells, table.class_names));
    return;
  }
  const bool integral = !o.float_labels && std::all_of(values.begin(), values.end(), [](double v) {
    return v == std::floor(v) && std::fabs(v) <= std::numeric_limits<int32_t>::max();
  });
  if (!integral) {
    table.labels = Tensor::from_vector(Shape({rows}), std::vector<float>(values.begin(), values.end()));
    return;
  }
  std::vector<int32_t> y(values.begin(), values.end());
  if (header && sklearn_class_names(table.column_names, rows, columns, label, y, table.class_names))
    for (size_t c = 0; c < columns; ++c) table.column_names[c] = "column_" + std::to_string(c + 1);
  table.labels = Tensor::from_vector(Shape({rows}), y);
}

}  // namespace

CsvTable parse_csv(std::string_view text, const CsvOptions& o, const std::string& name) {
  Lines lines(without_bom(text));
  const CsvHead head = read_head(lines, o, name);
  CsvTable table;
  table.column_names = head.column_names;
  const size_t columns = head.column_names.size();
  const int label = resolve_label_column(o, table.column_names, head.header, name);
  const bool text_labels = o.categorical_labels || o.text_labels_as_classes;

  std::vector<float> features, row_features;
  std::vector<std::string> label_cells, cells;
  std::vector<BadRow> bad;
  int64_t rows = 0;
  std::string_view line = head.first_text;
  bool have_row = !head.header || lines.next(line);
  for (; have_row; have_row = lines.next(line)) {
    const int64_t number = lines.number();
    auto reject = [&](std::string reason, std::string hint) { bad.push_back({number, std::move(reason), std::move(hint)}); };
    size_t count = 0;
    try {
      count = split_cells(line, o.delimiter, at_line(name, number), cells);
    } catch (const IoError& e) {
      // "'f.csv' line 3 has a quoted cell that is never closed. Quoted cells..." -> reason and hint.
      const std::string rest = std::string(e.what()).substr(at_line(name, number).size());
      const size_t stop = std::min(rest.find(". "), rest.size());
      reject(rest.substr(0, stop), stop < rest.size() ? rest.substr(stop + 1) : "");
      continue;
    }
    if (count != columns) {
      reject(" has " + std::to_string(count) + " cells, but line " + std::to_string(head.first_line) +
                 (head.header ? " (the header)" : "") + " has " + std::to_string(columns),
             " Every row needs the same number of columns; look for a missing or extra '" +
                 std::string(1, o.delimiter) + "'.");
      continue;
    }
    row_features.clear();
    std::string label_cell;
    bool good = true;
    for (size_t c = 0; c < columns && good; ++c) {
      const std::string& cell = cells[c];
      const std::string column = ", column " + std::to_string(c + 1) + " ('" + table.column_names[c] + "')";
      const bool is_label = static_cast<int>(c) == label;
      auto v = parse_number(cell);
      if (is_label && !cell.empty() && (v || text_labels)) {
        label_cell = cell;
      } else if (!is_label && v) {
        row_features.push_back(static_cast<float>(*v));
      } else {
        good = false;
        if (cell.empty())
          reject(column + (is_label ? " has no label" : " is empty"), " Fill in or remove missing values.");
        else
          reject(column + " holds " + show(cell) + ", which is not a number",
                 is_label ? " If the labels are class names, set categorical_labels (labels = categorical)."
                          : " Only numeric features can be read; encode or drop text columns first.");
      }
    }
    if (!good) continue;
    features.insert(features.end(), row_features.begin(), row_features.end());
    if (label >= 0) label_cells.push_back(std::move(label_cell));
    ++rows;
  }
  if (!bad.empty() && !o.skip_bad_rows) refuse(bad, name);
  for (const BadRow& b : bad) table.skipped_rows.push_back(at_line(name, b.line) + b.reason + " (row skipped).");
  if (rows == 0 && !bad.empty())
    throw IoError("Every data row of '" + name + "' is bad, for example " + at_line(name, bad[0].line) +
                  bad[0].reason + ". Check the delimiter and the header setting.");
  if (rows == 0) throw IoError("'" + name + "' has a header line but no data rows.");

  const int64_t feature_count = static_cast<int64_t>(columns) - (label >= 0 ? 1 : 0);
  table.features = Tensor::from_vector(Shape({rows, feature_count}), features);
  if (label >= 0) set_labels(table, label_cells, o, head.header, label);
  return table;
}

CsvTable read_csv(const std::string& path, const CsvOptions& options) {
  return parse_csv(read_maybe_gzipped(path), options, path);
}

}  // namespace cornu::data
