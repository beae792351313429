// preview_csv: the first rows of a CSV file for the Data panel, read from the start of the file only.
#include "core/error.h"
#include "data/csv.h"
#include "data/csv_cells.h"
#include "data/file_bytes.h"

namespace cornu::data {

namespace {
// Enough for 20 rows of a wide table; a longer file is cut at the last whole line in this prefix.
constexpr size_t kPreviewBytes = size_t(1) << 20;
}  // namespace

CsvPreview preview_csv(const std::string& path, const CsvOptions& options, int max_rows) {
  using namespace csv_detail;
  std::string bytes = read_prefix_maybe_gzipped(path, kPreviewBytes);
  if (bytes.size() == kPreviewBytes) bytes.resize(bytes.rfind('\n') == std::string::npos ? 0 : bytes.rfind('\n'));
  Lines lines(without_bom(bytes));
  const CsvHead head = read_head(lines, options, path);
  CsvPreview preview;
  preview.column_names = head.column_names;
  preview.has_header = head.header;
  preview.label_column = resolve_label_column(options, head.column_names, head.header, path);
  if (!head.header) preview.rows.push_back(head.first_cells);
  std::vector<std::string> cells;
  std::string_view line;
  while (static_cast<int>(preview.rows.size()) < max_rows && lines.next(line)) {
    try {
      const size_t count = split_cells(line, options.delimiter, at_line(path, lines.number()), cells);
      preview.rows.emplace_back(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(count));
    } catch (const IoError&) {
      preview.rows.push_back({std::string(line)});  // shown as it is: a preview does not judge rows
    }
  }
  return preview;
}

}  // namespace cornu::data
