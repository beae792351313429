#include "ui/text_samples.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace cornu::ui {

TextSamplesPanel::TextSamplesPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  temperatures_ = new QLineEdit("0.2, 0.5, 1.0");
  temperatures_->setObjectName("text-samples.temperatures");
  temperatures_->setToolTip(tr("One passage per temperature: low keeps to the likeliest characters (safe, repetitive), "
                               "1 samples as the model learned, higher is more surprising."));
  length_ = new QSpinBox;
  length_->setObjectName("text-samples.length");
  length_->setRange(1, 10000);
  length_->setValue(200);
  seed_ = new QLineEdit;
  seed_->setObjectName("text-samples.seed");
  seed_->setPlaceholderText(tr("empty: a window of the training text"));
  form->addRow(tr("Temperatures"), temperatures_);
  form->addRow(tr("Characters"), length_);
  form->addRow(tr("Start from"), seed_);
  layout->addLayout(form);
  write_ = new QPushButton(tr("Write"));
  write_->setObjectName("text-samples.write");
  layout->addWidget(write_);
  note_ = new QLabel;
  note_->setObjectName("text-samples.note");
  note_->setWordWrap(true);
  layout->addWidget(note_);
  output_ = new QPlainTextEdit;
  output_->setObjectName("text-samples.output");
  output_->setReadOnly(true);
  output_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  layout->addWidget(output_, 1);
  connect(write_, &QPushButton::clicked, this, &TextSamplesPanel::write);
  connect(seed_, &QLineEdit::returnPressed, this, &TextSamplesPanel::write);
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &TextSamplesPanel::show_outcome);
  set_unavailable(tr("Train a character model (the text-lstm example) to read what it writes."));
}

TextSamplesPanel::~TextSamplesPanel() { watcher_.waitForFinished(); }

void TextSamplesPanel::set_model(ModelPtr model, Config dataset) {
  model_ = std::move(model);
  dataset_ = std::move(dataset);
  for (QWidget* w : std::initializer_list<QWidget*>{temperatures_, length_, seed_, write_}) w->setEnabled(true);
  note_->setText(tr("Press Write to sample the trained model."));
}

void TextSamplesPanel::set_unavailable(const QString& reason) {
  model_.reset();
  for (QWidget* w : std::initializer_list<QWidget*>{temperatures_, length_, seed_, write_}) w->setEnabled(false);
  note_->setText(reason);
}

QString TextSamplesPanel::note() const { return note_->text(); }
QString TextSamplesPanel::text() const { return output_->toPlainText(); }

void TextSamplesPanel::write() {
  if (!model_ || watcher_.isRunning()) return;
  TextSampleOptions options;
  try {
    options.temperatures = parse_temperatures(temperatures_->text().remove(' ').toStdString());
  } catch (const std::exception& e) {
    note_->setText(QString::fromUtf8(e.what()));
    return;
  }
  options.length = length_->value();
  options.seed_text = seed_->text().toStdString();
  write_->setEnabled(false);
  note_->setText(tr("Writing…"));
  ModelPtr model = model_;  // the task keeps the model alive even if set_model replaces it meanwhile
  watcher_.setFuture(QtConcurrent::run([model, dataset = dataset_, options]() -> Outcome {
    try {
      return {sample_text(*model, dataset, options), {}};
    } catch (const std::exception& e) {
      return {{}, QString::fromUtf8(e.what())};
    }
  }));
}

void TextSamplesPanel::show_outcome() {
  const Outcome outcome = watcher_.result();
  write_->setEnabled(model_ != nullptr);
  if (!outcome.error.isEmpty()) {
    note_->setText(outcome.error);
  } else if (!outcome.samples.empty()) {
    note_->setText(tr("Seed: \"%1\"").arg(QString::fromStdString(outcome.samples.front().seed).replace('\n', "\u23CE")));
    QString text;
    for (const TextSample& s : outcome.samples)
      text += tr("----- temperature %1\n").arg(s.temperature) + QString::fromStdString(s.seed + s.generated) + "\n\n";
    output_->setPlainText(text);
  }
  emit written();
}

}  // namespace cornu::ui
