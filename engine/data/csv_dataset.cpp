// The "csv" dataset entry: a table of numbers with one label column, split into train and test.
#include <filesystem>
#include <map>
#include <mutex>

#include "core/error.h"
#include "data/csv.h"
#include "data/file_datasets.h"

namespace cornu::data {
namespace {

char delimiter_char(const std::string& choice) {
  if (choice == "tab") return '\t';
  if (choice == "space") return ' ';
  return choice.at(0);
}


// Test labels renumbered by class name onto the training classes (each file sorts only its own names).
Tensor relabel(const CsvTable& test, const std::vector<std::string>& train_classes, const std::string& path) {
  std::map<std::string, int32_t> train_ids;
  for (size_t i = 0; i < train_classes.size(); ++i) train_ids.emplace(train_classes[i], static_cast<int32_t>(i));
  std::vector<int32_t> y = test.labels.to_int_vector();
  for (int32_t& id : y) {
    const std::string& name = test.class_names.at(static_cast<size_t>(id));
    auto it = train_ids.find(name);
    if (it == train_ids.end())
      throw IoError("'" + path + "' has the class '" + name + "', which the training file does not have. The "
                    "test set may only hold classes the model learns.");
    id = it->second;
  }
  return Tensor::from_vector(test.labels.shape(), y);
}

TrainTest load_csv(const Config& c) {
  const CsvOptions o = csv_dataset_options(c);
  const std::string path = existing_path(c, "path", "csv");
  CsvTable train = read_csv(path, o);
  TrainTest data;
  data.class_names = train.class_names;
  data.warnings = train.skipped_rows;
  if (c.at("test_path").get<std::string>().empty()) {
    std::tie(data.train, data.test) = split_by_fraction({train.features, train.labels}, c);
    return data;
  }
  const std::string test_path = existing_path(c, "test_path", "csv");
  CsvTable test = read_csv(test_path, o);
  if (test.features.cols() != train.features.cols())
    throw IoError("'" + test_path + "' has " + std::to_string(test.features.cols()) + " feature columns but '" +
                  path + "' has " + std::to_string(train.features.cols()) + "; both files need the same columns.");
  if (test.labels.dtype() != train.labels.dtype())
    throw IoError("The labels of '" + test_path + "' and '" + path + "' are of different kinds (classes in one, "
                  "numbers in the other). Set labels to categorical or regression.");
  Tensor test_labels = test.labels;
  if (!test.class_names.empty() && test.class_names != train.class_names)
    test_labels = relabel(test, train.class_names, test_path);
  data.train = {train.features, train.labels};
  data.test = {test.features, test_labels};
  data.warnings.insert(data.warnings.end(), test.skipped_rows.begin(), test.skipped_rows.end());
  return data;
}

// The description needs the label column, hence a full read; it is cached by file size and time so that the
// editor, which asks on every change, parses a file once.
DatasetInfo csv_info(const Config& c) {
  const CsvOptions o = csv_dataset_options(c);
  const std::string path = existing_path(c, "path", "csv");
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  const auto time = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
  Config key_config = c;
  for (const char* unused : {"test_path", "test_fraction", "seed", "normalization"}) key_config.erase(unused);
  const std::string key = key_config.dump() + std::to_string(size) + "@" + std::to_string(time);
  static std::mutex mutex;
  static std::map<std::string, DatasetInfo> cache;
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  CsvTable table = read_csv(path, o);
  DatasetInfo info = describe_labels(Shape{table.features.cols()}, table.labels, table.class_names);
  std::lock_guard lock(mutex);
  if (cache.size() > 32) cache.clear();
  cache.emplace(key, info);
  return info;
}

}  // namespace

CsvOptions csv_dataset_options(const Config& c) {
  CsvOptions o;
  o.delimiter = delimiter_char(c.at("delimiter").get<std::string>());
  const std::string header = c.at("header").get<std::string>();
  if (header != "auto") o.header = header == "yes";
  const std::string label = c.at("label_column").get<std::string>();
  if (label == "none")
    throw ValueError("The csv dataset needs a label column to train on, but label_column is 'none'. Set it to the "
                     "name or 0-based index of the column that holds the labels (empty: the last column).");
  if (!label.empty() && label.find_first_not_of("0123456789") == std::string::npos) {
    o.label_column = std::stoi(label.substr(0, 9));
  } else if (!label.empty()) {
    o.label_name = label;
  }
  const std::string labels = c.at("labels").get<std::string>();
  o.categorical_labels = labels == "categorical";
  o.float_labels = labels == "regression";
  o.text_labels_as_classes = labels == "auto";
  o.skip_bad_rows = c.at("bad_rows").get<std::string>() == "skip";
  return o;
}

DatasetEntry csv_dataset() {
  std::vector<ParamSpec> params = {
      path_param("path", "The CSV file (or .csv.gz): one sample a row, numeric feature columns and one label column."),
      path_param("test_path", "A CSV file with the same columns holding the test set; empty: test_fraction of "
                              "the rows of `path` are held out instead.")};
  for (ParamSpec& p : split_params()) params.push_back(std::move(p));
  params.push_back({.name = "delimiter", .type = ParamType::Enum, .default_value = ",",
                    .doc = "The character between cells: comma, semicolon (European spreadsheets), tab or space.",
                    .choices = {",", ";", "tab", "space"}});
  params.push_back({.name = "header", .type = ParamType::Enum, .default_value = "auto",
                    .doc = "Whether the first line names the columns; auto: yes when one of its cells is not a number.",
                    .choices = {"auto", "yes", "no"}});
  params.push_back({.name = "label_column", .type = ParamType::String, .default_value = "",
                    .doc = "The column holding the labels: its header name or 0-based index; empty: the last column."});
  params.push_back({.name = "labels", .type = ParamType::Enum, .default_value = "auto",
                    .doc = "auto: integers are class numbers, text is class names (sorted), other numbers are "
                           "regression targets. categorical: every label is a class name. regression: numbers.",
                    .choices = {"auto", "categorical", "regression"}});
  params.push_back({.name = "bad_rows", .type = ParamType::Enum, .default_value = "refuse",
                    .doc = "Rows with missing cells, text or the wrong number of columns: refuse the file (naming "
                           "them) or skip them (listed as warnings).",
                    .choices = {"refuse", "skip"}});
  return {.name = "csv",
          .doc = "A table from a CSV file: numeric features and a label column, as pandas.read_csv reads it.",
          .params = std::move(params),
          .info = csv_info,
          .load = load_csv};
}

}  // namespace cornu::data
