#include "ui/data_panel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "ui/data_choice.h"
#include "ui/data_views.h"
#include "ui/param_form.h"
#include "ui/theme.h"

namespace cornu::ui {

namespace {

QLabel* wrapped_label(const QString& name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(name);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

QScrollArea* scrolled(QWidget* content) {
  auto* area = new QScrollArea;
  area->setWidget(content);
  area->setWidgetResizable(true);
  area->setFrameShape(QFrame::NoFrame);
  return area;
}

QString count_text(int64_t n) { return QLocale(QLocale::English).toString(static_cast<qlonglong>(n)); }

void set_text_colour(QLabel* label, const QColor& colour) {
  QPalette p = label->palette();
  p.setColor(QPalette::WindowText, colour);
  label->setPalette(p);
}

// The parameters naming files or folders, which a failed load usually comes down to.
QString what_to_fix(const nodes::Settings& settings) {
  QStringList names;
  try {
    for (const ParamSpec& spec : data::find_dataset(dataset_name(settings)).params)
      if (spec.type == ParamType::String) names << QString::fromStdString(spec.name);
  } catch (const std::exception&) {
    // an unknown dataset: its error says which ones exist
  }
  return names.isEmpty() ? QObject::tr("Fix the dataset's parameters on the left, then press Reload.")
                         : QObject::tr("Check %1 on the left, then press Reload.").arg(names.join(", "));
}

}  // namespace

DataPanel::DataPanel(nodes::Document& doc, QWidget* parent)
    : QWidget(parent), doc_(doc), loader_(new PreviewLoader(this)) {
  verdict_ = wrapped_label("data.verdict", this);
  QFont bold = verdict_->font();
  bold.setBold(true);
  verdict_->setFont(bold);
  auto* columns = new QHBoxLayout;
  QScrollArea* left = scrolled(build_form_column());
  left->setMinimumWidth(300);
  left->setMaximumWidth(380);
  columns->addWidget(left);
  columns->addWidget(scrolled(build_preview_column()), 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->addWidget(verdict_);
  layout->addLayout(columns, 1);

  connect(loader_, &PreviewLoader::started, this, [this](const QString& what) {
    status_->setText(tr("Loading %1…").arg(what));
    set_text_colour(status_, palette().color(QPalette::PlaceholderText));
  });
  connect(loader_, &PreviewLoader::loaded, this, &DataPanel::show_preview);
  connect(loader_, &PreviewLoader::failed, this, &DataPanel::show_failure);
  connect(loader_, &PreviewLoader::csv_read, this, &DataPanel::show_csv);
  connect(&doc_, &nodes::Document::changed, this, &DataPanel::document_changed);
  document_changed();
}

QWidget* DataPanel::build_form_column() {
  auto* column = new QWidget;
  auto* layout = new QVBoxLayout(column);
  layout->setContentsMargins(0, 0, 6, 0);
  form_box_ = new QWidget(column);
  auto* box_layout = new QVBoxLayout(form_box_);
  box_layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(form_box_);
  layout->addWidget(make_heading(tr("Validation"), column));
  validation_ = wrapped_label("data.validation", column);
  layout->addWidget(validation_);
  layout->addStretch(1);
  return column;
}

QWidget* DataPanel::build_preview_column() {
  auto* column = new QWidget;
  auto* layout = new QVBoxLayout(column);
  layout->setContentsMargins(6, 0, 0, 0);
  auto* status_row = new QHBoxLayout;
  status_ = wrapped_label("data.status", column);
  status_row->addWidget(status_, 1);
  auto* reload = new QPushButton(tr("Reload"), column);
  reload->setObjectName("data.reload");
  reload->setToolTip(tr("Load the data again (after installing it or fixing its files)"));
  connect(reload, &QPushButton::clicked, this, [this] { request_preview(true); });
  status_row->addWidget(reload, 0, Qt::AlignTop);
  layout->addLayout(status_row);
  summary_ = wrapped_label("data.summary", column);
  layout->addWidget(summary_);
  csv_table_ = new QTableWidget(column);
  csv_table_->setObjectName("data.csv");
  csv_table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  csv_table_->setToolTip(tr("Click a column's header to make it the label column."));
  csv_table_->setMinimumHeight(160);
  csv_table_->hide();
  connect(csv_table_->horizontalHeader(), &QHeaderView::sectionClicked, this, &DataPanel::pick_label_column);
  layout->addWidget(csv_table_);
  views_ = new QStackedWidget(column);
  grid_ = new ThumbnailGrid(views_);
  grid_->setObjectName("data.grid");
  scatter_ = new ScatterView(views_);
  scatter_->setObjectName("data.scatter");
  table_ = new QTableWidget(views_);
  table_->setObjectName("data.table");
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  views_->addWidget(grid_);
  views_->addWidget(scatter_);
  views_->addWidget(table_);
  views_->hide();
  auto* views_row = new QHBoxLayout;
  views_row->addWidget(views_, 1);
  counts_ = new ClassCounts(column);
  counts_->setObjectName("data.counts");
  counts_->setToolTip(tr("Samples per class: training (dark bar) / test (light bar)"));
  auto* counts_column = new QVBoxLayout;
  counts_column->addWidget(counts_);
  counts_column->addStretch(1);
  views_row->addLayout(counts_column, 1);
  layout->addLayout(views_row);
  warnings_ = wrapped_label("data.warnings", column);
  set_text_colour(warnings_, warning_color(palette()));
  warnings_->hide();
  layout->addWidget(warnings_);
  layout->addStretch(1);
  return column;
}

void DataPanel::document_changed() {
  if (!form_ || dataset_name(doc_.settings()) != form_key_ || form_->needs_rebuild()) rebuild_form();
  else form_->refresh(), add_dataset_tooltips(*form_);
  update_verdict();
  update_validation();
  request_preview();
}

DataPanel::~DataPanel() { disconnect(&doc_, nullptr, this, nullptr); }

void DataPanel::rebuild_form() {
  // The old form may be where this change started (the combo's commit): it goes once the event loop is
  // back, never under the feet of its own signal, and out of the panel now so that nothing finds it.
  if (ParamForm* old = form_) {
    old->hide();
    old->setParent(nullptr);
    old->deleteLater();
  }
  form_ = new ParamForm(form_box_);
  add_dataset_rows(*form_, doc_);
  form_box_->layout()->addWidget(form_);
  form_key_ = dataset_name(doc_.settings());
}

void DataPanel::update_verdict() {
  fits_ = false;
  if (doc_.settings().dataset.is_null()) {
    verdict_->setText(tr("Choose a dataset to train on."));
    set_text_colour(verdict_, palette().color(QPalette::WindowText));
    return;
  }
  const nodes::CheckReport report = checker_.check(doc_.data());
  QStringList mismatches;
  for (const nodes::Problem* p : nodes::data_problems(report))
    if (p->severity == nodes::Severity::Error) mismatches << QString::fromStdString(p->message);
  if (!mismatches.isEmpty()) {
    verdict_->setText(mismatches.join("\n"));
    set_text_colour(verdict_, error_color(palette()));
    return;
  }
  const data::DatasetInfo info = data::dataset_info(doc_.settings().dataset);  // no data problem: it resolves
  const QString labels = info.labels == data::LabelKind::Regression ? tr("numeric targets")
                                                                     : tr("%1 classes").arg(info.classes);
  const QString data = tr("samples %1, %2").arg(QString::fromStdString(info.sample_shape.to_string()), labels);
  bool has_input = false;
  for (const auto& n : doc_.data().graph.nodes) has_input = has_input || n.type == nodes::kInputType;
  fits_ = has_input;
  verdict_->setText(has_input ? tr("Fits the model: %1").arg(data) : tr("No model to check yet: %1").arg(data));
  set_text_colour(verdict_, has_input ? QColor(0x2e, 0x9e, 0x4f) : palette().color(QPalette::WindowText));
}

void DataPanel::update_validation() {
  const double split = doc_.settings().validation_split;
  const QString percent = QString::number(split * 100, 'g', 3) + " %";
  if (split <= 0) {
    validation_->setText(tr("No validation split (0 %): each epoch reports the training loss only."));
    return;
  }
  QString counts;
  if (preview_ && preview_->choice.value("name", std::string()) == dataset_name(doc_.settings())) {
    const int64_t n = preview_->train_samples;
    const auto kept = static_cast<int64_t>(std::floor(static_cast<double>(n) * (1.0 - split)));  // as fit() splits
    counts = tr("(%1 of %2; %3 train)").arg(count_text(n - kept), count_text(n), count_text(kept));
  }
  validation_->setText(tr("%1 of the training samples validate %2: the last %1 of the training rows, in the "
                          "dataset's order (as Keras's validation_split takes them). The rest train, shuffled with "
                          "the project's seed (%3) each epoch. Change the split in the Inspector's Training settings.")
                           .arg(percent, counts)
                           .arg(doc_.settings().seed));
}

void DataPanel::request_preview(bool again) {
  const Config& choice = doc_.settings().dataset;
  if (choice.is_null()) {
    views_->hide();
    status_->clear();
    return;
  }
  try {
    loader_->request(data::resolve_dataset(choice), again);
  } catch (const std::exception& e) {
    show_failure(e.what());
  }
}

void DataPanel::show_preview(std::shared_ptr<const DataPreview> preview) {
  preview_ = std::move(preview);
  const DataPreview& p = *preview_;
  status_->clear();
  summary_->setText(tr("%1 training and %2 test samples · samples %3 · labels: %4%5")
                        .arg(count_text(p.train_samples), count_text(p.test_samples),
                             QString::fromStdString(p.sample_shape.to_string()), QString::fromUtf8(data::label_kind_name(p.labels)),
                             p.classes() ? tr(", %1 classes").arg(p.classes()) : QString()));
  switch (preview_kind(p.sample_shape)) {
    case PreviewKind::Images: grid_->set_preview(preview_), views_->setCurrentWidget(grid_); break;
    case PreviewKind::Points: scatter_->set_preview(preview_), views_->setCurrentWidget(scatter_); break;
    case PreviewKind::Table: fill_sample_table(table_, p), views_->setCurrentWidget(table_); break;
  }
  views_->setVisible(!csv_table_->isVisible() || preview_kind(p.sample_shape) != PreviewKind::Table);
  counts_->set_preview(preview_);
  QStringList warnings;
  for (const auto& w : p.warnings) warnings << QString::fromStdString(w);
  warnings_->setText(warnings.join("\n"));
  warnings_->setVisible(!warnings.isEmpty());
  update_validation();
}

void DataPanel::show_failure(const QString& reason) {
  preview_.reset();
  views_->hide();
  counts_->set_preview(nullptr);
  summary_->clear();
  warnings_->hide();
  status_->setText(tr("The data could not be loaded: %1\n%2").arg(reason, what_to_fix(doc_.settings())));
  set_text_colour(status_, error_color(palette()));
  update_validation();
}

}  // namespace cornu::ui
