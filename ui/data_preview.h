// What the Data panel shows of a dataset, and the worker that loads it. Loading Fashion-MNIST takes a second
// and 200 MB, so it never happens on the UI thread: the worker loads, keeps a small copy (the first samples,
// the class counts) and drops the rest. A newer request supersedes an older one: at most one load runs and
// one waits; the result of a superseded load is dropped (hotspot's job ids).
#pragma once
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/registry.h"
#include "core/tensor.h"
#include "data/builtin_datasets.h"

namespace cornu::ui {

struct DataPreview {
  Config choice;  // the resolved dataset config this was loaded from
  Shape sample_shape;
  data::LabelKind labels = data::LabelKind::Classes;
  std::vector<std::string> class_names;
  int64_t train_samples = 0, test_samples = 0;
  std::vector<int64_t> train_counts, test_counts;  // per class; empty for numeric targets
  Tensor samples;                // float32 (k, ...): the first k training samples
  std::vector<int> sample_classes;  // their class (-1 for numeric targets), k of them
  std::vector<float> sample_targets;  // their first target value, for numeric targets
  std::vector<std::string> warnings;  // rows skipped, images that could not be read

  int classes() const { return static_cast<int>(std::max(class_names.size(), train_counts.size())); }
  std::string class_name(int k) const;
};

// The first rows of a CSV file as text, the label column marked: the table where the user picks the label.
struct CsvHead {
  std::vector<std::string> column_names;
  bool has_header = false;
  std::vector<std::vector<std::string>> rows;
  int label_column = -1;
};
// Reads the head of the CSV file a "csv" dataset names (its path, delimiter, header and label_column
// parameters); nullopt for another dataset, or before the readers of the data-files work exist.
std::optional<CsvHead> read_csv_head(const Config& choice);

// How a sample is best shown: a picture, a point in the plane, or a row of numbers.
enum class PreviewKind { Images, Points, Table };
PreviewKind preview_kind(const Shape& sample_shape);

// The small copy the panel keeps: `max_samples` first samples (more for points: a scatter needs them).
DataPreview make_preview(const data::TrainTest& data, const Config& choice, int64_t max_samples);

class PreviewLoader : public QObject {
  Q_OBJECT

 public:
  explicit PreviewLoader(QObject* parent = nullptr);
  ~PreviewLoader() override;  // waits for a running load: its thread must not outlive the receiver

  // Loads `choice` (a resolved dataset config) unless it is the one loaded or loading, or `again` is set
  // (the user fixed what made the last load fail).
  void request(const Config& choice, bool again = false);
  bool busy() const { return running_ != nullptr; }
  int completed_jobs() const { return completed_; }

 signals:
  void started(QString what);
  void loaded(std::shared_ptr<const DataPreview> preview);
  void failed(QString reason);
  void csv_read(std::shared_ptr<const CsvHead> head);  // before loaded/failed, for a CSV dataset

 private:
  struct Result {
    std::shared_ptr<const DataPreview> preview;
    std::string error;
    std::shared_ptr<const CsvHead> csv;
  };
  void start(const Config& choice);
  void finish(int job, const std::shared_ptr<Result>& result);

  QPointer<QThread> running_;
  std::optional<Config> pending_;
  Config current_;  // the choice loading or loaded
  int job_ = 0, completed_ = 0;
};

}  // namespace cornu::ui
