#include "data/csv_cells.h"

#include <algorithm>
#include <charconv>

#include "core/error.h"

namespace cornu::data::csv_detail {

std::string at_line(const std::string& name, int64_t line) { return "'" + name + "' line " + std::to_string(line); }

std::string show(std::string_view cell) {
  return "'" + std::string(cell.substr(0, 40)) + (cell.size() > 40 ? "...'" : "'");
}

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

Lines::Lines(std::string_view text) : text_(text) {}

bool Lines::next(std::string_view& line) {
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

CsvHead read_head(Lines& lines, const CsvOptions& o, const std::string& name) {
  std::string_view line;
  if (!lines.next(line)) throw IoError("'" + name + "' is empty: it holds no rows. Check that this is the right file.");
  CsvHead head;
  head.first_line = lines.number();
  head.first_text = line;
  std::vector<std::string> cells;
  const size_t columns = split_cells(line, o.delimiter, at_line(name, head.first_line), cells);
  head.first_cells.assign(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(columns));
  head.header = o.header.value_or(!o.label_name.empty());
  if (!o.header && o.label_name.empty()) {
    // A header has a non-empty cell that is not a number (the label cell may hold a class name).
    const bool text_labels = o.categorical_labels || o.text_labels_as_classes;
    const int label_guess = o.label_column == -1 ? static_cast<int>(columns) - 1 : o.label_column;
    for (size_t c = 0; c < columns; ++c)
      if (!(text_labels && static_cast<int>(c) == label_guess) && !head.first_cells[c].empty() &&
          !parse_number(head.first_cells[c]))
        head.header = true;
  }
  if (head.header) {
    head.column_names = head.first_cells;
  } else {
    for (size_t c = 0; c < columns; ++c) head.column_names.push_back("column_" + std::to_string(c + 1));
  }
  return head;
}

namespace {

std::string column_list(const std::vector<std::string>& names) {
  std::string list;
  for (size_t c = 0; c < names.size(); ++c)
    list += (c ? ", " : "") + std::to_string(c) + " '" + names[c] + "'";
  return list;
}

}  // namespace

int resolve_label_column(const CsvOptions& o, const std::vector<std::string>& names, bool header,
                         const std::string& name) {
  const size_t columns = names.size();
  if (!o.label_name.empty()) {
    auto it = std::find(names.begin(), names.end(), o.label_name);
    if (it == names.end() || !header) {
      std::string hint = header ? did_you_mean(o.label_name, names) : "";
      throw ValueError("'" + name + "' has no column named '" + o.label_name + "'." + (hint.empty() ? "" : " " + hint) +
                       " Its columns are: " + column_list(names) + (header ? "" : " (it has no header line)") +
                       ". Give a column name or a 0-based index.");
    }
    return static_cast<int>(it - names.begin());
  }
  if (o.label_column == -2) return -1;
  if (o.label_column == -1) return static_cast<int>(columns) - 1;
  if (o.label_column < 0 || static_cast<size_t>(o.label_column) >= columns)
    throw ValueError("label_column=" + std::to_string(o.label_column) + " is out of range: '" + name + "' has " +
                     std::to_string(columns) + " columns (0-based indices 0.." + std::to_string(columns - 1) +
                     "; -1 picks the last one, -2 none). Its columns are: " + column_list(names) + ".");
  return o.label_column;
}

std::string_view without_bom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

}  // namespace cornu::data::csv_detail
