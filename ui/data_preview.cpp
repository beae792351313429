#include "ui/data_preview.h"

#include <algorithm>

#include "core/error.h"
#include "data/csv.h"

namespace cornu::ui {

namespace {

// The class of each of the first `rows` labels: int32 indices, or the argmax of one-hot rows.
std::vector<int> classes_of(const Tensor& y, data::LabelKind kind, int64_t rows) {
  std::vector<int> classes;
  if (!y.defined() || kind == data::LabelKind::Regression) return classes;
  rows = std::min(rows, y.rows());
  if (y.dtype() == DType::Int32) {
    const int32_t* v = y.int_data();
    classes.assign(v, v + rows);
    return classes;
  }
  const int64_t width = y.cols();
  const float* v = y.data();
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = v + r * width;
    classes.push_back(static_cast<int>(std::max_element(row, row + width) - row));
  }
  return classes;
}

std::vector<int64_t> count_classes(const Tensor& y, data::LabelKind kind, int classes) {
  std::vector<int64_t> counts(static_cast<size_t>(std::max(classes, 0)), 0);
  for (int c : classes_of(y, kind, y.defined() ? y.rows() : 0)) {
    if (c < 0) continue;
    if (c >= static_cast<int>(counts.size())) counts.resize(static_cast<size_t>(c) + 1, 0);
    ++counts[static_cast<size_t>(c)];
  }
  return counts;
}

}  // namespace

std::optional<CsvHead> read_csv_head(const Config& choice) {
  if (choice.value("name", std::string()) != "csv" || !choice.contains("path")) return std::nullopt;
  const Config resolved = data::resolve_dataset(choice);
  const data::CsvPreview p = data::preview_csv(resolved.at("path").get<std::string>(), data::csv_dataset_options(resolved), 20);
  return CsvHead{p.column_names, p.has_header, p.rows, p.label_column};
}

std::string DataPreview::class_name(int k) const {
  if (k >= 0 && k < static_cast<int>(class_names.size())) return class_names[static_cast<size_t>(k)];
  return std::to_string(k);
}

PreviewKind preview_kind(const Shape& s) {
  if (s.rank() == 2 && s[0] > 1 && s[1] > 1) return PreviewKind::Images;
  if (s.rank() == 3 && (s[2] == 1 || s[2] == 3)) return PreviewKind::Images;
  if (s.rank() == 1 && s[0] == 2) return PreviewKind::Points;
  return PreviewKind::Table;
}

DataPreview make_preview(const data::TrainTest& data, const Config& choice, int64_t max_samples) {
  const data::DatasetInfo info = data::dataset_info(choice);
  DataPreview p;
  p.choice = choice;
  p.sample_shape = data.train.x.shape().without_batch();
  p.labels = info.labels;
  p.class_names = data.class_names.empty() ? info.class_names : data.class_names;
  p.train_samples = data.train.x.rows();
  p.test_samples = data.test.x.defined() ? data.test.x.rows() : 0;
  p.train_counts = count_classes(data.train.y, info.labels, info.classes);
  p.test_counts = count_classes(data.test.y, info.labels, info.classes);
  if (info.labels == data::LabelKind::Regression) p.train_counts.clear(), p.test_counts.clear();

  const int64_t k = std::min(max_samples, p.train_samples);
  p.samples = data.train.x.slice_rows(0, k).clone();  // a copy: the full set is dropped after this
  p.sample_classes = classes_of(data.train.y, info.labels, k);
  if (info.labels == data::LabelKind::Regression && data.train.y.defined()) {
    const int64_t width = data.train.y.cols();
    const float* v = data.train.y.data();
    for (int64_t r = 0; r < k; ++r) p.sample_targets.push_back(v[r * width]);
  }
  p.warnings = data.warnings;
  return p;
}

PreviewLoader::PreviewLoader(QObject* parent) : QObject(parent) {}

PreviewLoader::~PreviewLoader() {
  if (running_) running_->wait();
}

void PreviewLoader::request(const Config& choice, bool again) {
  if (!again && job_ > 0 && choice == current_) return;  // loaded, loading, or waiting to load
  if (busy()) {
    pending_ = choice;  // replaces an older waiting request: only the newest matters
    current_ = choice;
    return;
  }
  start(choice);
}

void PreviewLoader::start(const Config& choice) {
  current_ = choice;
  pending_.reset();
  const int job = ++job_;
  auto result = std::make_shared<Result>();
  QThread* thread = QThread::create([choice, result] {
    try {
      if (auto head = read_csv_head(choice)) result->csv = std::make_shared<const CsvHead>(std::move(*head));
    } catch (const std::exception&) {
      // the load below fails too and says why
    }
    try {
      const int64_t samples = preview_kind(data::dataset_info(choice).sample_shape) == PreviewKind::Points ? 1000 : 24;
      result->preview = std::make_shared<const DataPreview>(make_preview(data::load_dataset(choice), choice, samples));
    } catch (const std::exception& e) {
      result->error = e.what();
    }
  });
  // Queued to this thread: `finished` is emitted by the worker.
  connect(thread, &QThread::finished, this, [this, job, result] { finish(job, result); });
  connect(thread, &QThread::finished, thread, &QObject::deleteLater);
  running_ = thread;
  emit started(QString::fromStdString(choice.value("name", std::string())));
  thread->start();
}

void PreviewLoader::finish(int job, const std::shared_ptr<Result>& result) {
  running_ = nullptr;
  if (pending_) {  // superseded while it ran: drop it and load the newest request
    const Config next = *pending_;
    start(next);
    return;
  }
  if (job != job_) return;
  ++completed_;
  if (result->csv) emit csv_read(result->csv);
  if (result->preview) emit loaded(result->preview);
  else emit failed(QString::fromStdString(result->error));
}

}  // namespace cornu::ui
