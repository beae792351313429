// The Text Samples panel (View menu): text written by a trained character model (a project on the
// text_characters dataset, such as the text-lstm demo) at several temperatures, as `cornu sample` does.
// Sampling runs on a worker thread with a copy of the trained model, so the window stays responsive.
#pragma once
#include <QFutureWatcher>
#include <QWidget>

#include "demos/text_sampling.h"

class QLineEdit;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace cornu::ui {

class TextSamplesPanel : public QWidget {
  Q_OBJECT

 public:
  explicit TextSamplesPanel(QWidget* parent = nullptr);
  ~TextSamplesPanel() override;  // waits for sampling under way

  // A model of its own (a copy of the trained one) and the project's dataset choice.
  void set_model(ModelPtr model, Config dataset);
  // Nothing to sample: the controls are disabled and `reason` says what to do.
  void set_unavailable(const QString& reason);
  bool available() const { return model_ != nullptr; }
  QString note() const;
  QString text() const;  // the passages shown
  QPushButton* write_button() const { return write_; }

  // Writes one passage per temperature in the field (on a worker thread; `written` when shown).
  void write();

 signals:
  void written();

 private:
  struct Outcome {
    std::vector<TextSample> samples;
    QString error;
  };
  void show_outcome();
  QLineEdit* temperatures_;
  QSpinBox* length_;
  QLineEdit* seed_;
  QPushButton* write_;
  QLabel* note_;
  QPlainTextEdit* output_;
  QFutureWatcher<Outcome> watcher_;
  ModelPtr model_;
  Config dataset_;
};

}  // namespace cornu::ui
