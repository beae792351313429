// Numeric CSV tables (features plus one label column), as pandas.read_csv + a column pick would give.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/registry.h"
#include "core/tensor.h"

namespace cornu::data {

struct CsvOptions {
  char delimiter = ',';
  std::optional<bool> header;       // nullopt: the first line is a header when one of its cells is not a number
  int label_column = -1;            // -1: the last column, -2: no label column, else a 0-based column index
  bool categorical_labels = false;  // labels are strings (class names) mapped to int class ids, sorted by name
  std::string label_name;           // when set, the header column of that name is the label (overrides label_column)
  bool float_labels = false;        // keep numeric labels as float32 targets (regression) even when integral
  bool text_labels_as_classes = false;  // labels that are not all numbers become classes, as categorical_labels
  bool skip_bad_rows = false;       // drop rows that cannot be read (listed in CsvTable::skipped_rows)
};

struct CsvTable {
  Tensor features;                        // float32 (rows, feature columns)
  Tensor labels;                          // int32 (rows,) class ids, float32 (rows,) targets, or undefined
  std::vector<std::string> column_names;  // every column, the label column included; "column_<i>" without header
  std::vector<std::string> class_names;   // for categorical labels, and for scikit-learn's layout (see read_csv)
  std::vector<std::string> skipped_rows;  // with skip_bad_rows: "'f.csv' line 7 has 2 cells, ..." one per row
};

// The first rows of a file as text, for the Data panel's preview; reads only the start of the file.
struct CsvPreview {
  std::vector<std::string> column_names;      // the header's cells, else column_1, column_2...
  bool has_header = false;                    // given by options.header, else detected as read_csv does
  std::vector<std::vector<std::string>> rows;  // first max_rows data rows as text cells
  int label_column = -1;                       // resolved index (-1: none)
};

// Reads a CSV file, gzipped or not (detected by content). Blank lines are skipped; cells may be quoted ("a,b").
// Numeric labels become int32 when every one is an integer (unless float_labels), float32 otherwise.
// scikit-learn's bundled layout, a first line `n_samples,n_features,<class names>...` (iris.csv, wine_data.csv),
// is recognized when read as a header: its class names fill class_names.
// Errors name the file and the line: ragged rows, cells that are not numbers, empty files. A file with several
// bad rows is refused naming up to five of them with the reason for each, unless skip_bad_rows is set.
// Labels sort by name as class names; when every one is a number they sort by value ("2" before "10").
CsvTable read_csv(const std::string& path, const CsvOptions& options = {});

// The parser behind read_csv, on the decompressed text; `name` is used in error messages.
CsvTable parse_csv(std::string_view text, const CsvOptions& options, const std::string& name);

// The first max_rows data rows of a CSV file (gzipped or not) as text, with the header and label column
// resolved as read_csv would. Rows are not checked: the preview shows what is there, bad rows included.
CsvPreview preview_csv(const std::string& path, const CsvOptions& options, int max_rows = 20);

// The reader's options for a resolved "csv" dataset choice (delimiter, header, label_column, labels, bad_rows),
// so that a preview reads the file exactly as training will. Refuses label_column "none" as training does.
CsvOptions csv_dataset_options(const Config& resolved_choice);

}  // namespace cornu::data
