// The text-level pieces of the CSV reader shared by read_csv and preview_csv: lines, cells, numbers, the
// header and the label column. Internal to engine/data.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/csv.h"

namespace cornu::data::csv_detail {

// "'name' line 12", the start of every message about a row.
std::string at_line(const std::string& name, int64_t line);
// A cell quoted for an error message, shortened when long.
std::string show(std::string_view cell);

// Splits one line into cells (reusing `cells`' strings); returns the number of cells. Double-quoted cells may
// hold the delimiter and "" for a quote; spaces around cells are trimmed. IoError (naming `where`) for a
// quote never closed or text after a closing quote.
size_t split_cells(std::string_view line, char delim, const std::string& where, std::vector<std::string>& cells);

std::optional<double> parse_number(std::string_view cell);

// Iterates over the non-blank lines of a text, counting every physical line.
class Lines {
 public:
  explicit Lines(std::string_view text);
  bool next(std::string_view& line);
  int64_t number() const { return number_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t number_ = 0;
};

// The first non-blank line split into cells, whether it is a header, and the column names (the header's
// cells, else column_1, column_2...). IoError when the text holds no row.
struct CsvHead {
  std::vector<std::string> first_cells, column_names;
  bool header = false;
  int64_t first_line = 0;
  std::string_view first_text;  // the first line itself (a data row when there is no header)
};
CsvHead read_head(Lines& lines, const CsvOptions& options, const std::string& name);

// Which column holds the labels (-1: none), from the options and the header. ValueError listing the columns
// when a named column does not exist or an index is out of range.
int resolve_label_column(const CsvOptions& o, const std::vector<std::string>& names, bool header,
                         const std::string& name);

// Strips a UTF-8 byte order mark.
std::string_view without_bom(std::string_view text);

}  // namespace cornu::data::csv_detail
