// The Data dock: the verdict of the model against its data on top (green "Fits the model", or red with
// the mismatch from nodes/checks), the dataset and its parameters on the left (undoable edits), and on the
// right a preview loaded in a worker: thumbnails, a scatter or a table of the first samples, the class
// counts of the training and test sets, the validation split, warnings, or a loading error saying what to do.
#pragma once
#include <QWidget>
#include <memory>

#include "nodes/checks.h"
#include "nodes/document.h"
#include "ui/data_preview.h"

class QLabel;
class QStackedWidget;
class QTableWidget;

namespace cornu::ui {

class ClassCounts;
class ParamForm;
class ScatterView;
class ThumbnailGrid;

class DataPanel : public QWidget {
  Q_OBJECT

 public:
  explicit DataPanel(nodes::Document& doc, QWidget* parent = nullptr);
  ~DataPanel() override;

  ParamForm* form() const { return form_; }
  QLabel* verdict() const { return verdict_; }
  QLabel* status() const { return status_; }
  ThumbnailGrid* grid() const { return grid_; }
  ScatterView* scatter() const { return scatter_; }
  QTableWidget* table() const { return table_; }
  QTableWidget* csv_table() const { return csv_table_; }
  const PreviewLoader& loader() const { return *loader_; }
  std::shared_ptr<const DataPreview> preview() const { return preview_; }
  bool fits() const { return fits_; }

 private:
  QWidget* build_form_column();
  QWidget* build_preview_column();
  void document_changed();
  void rebuild_form();
  void update_verdict();
  void update_validation();
  void request_preview(bool again = false);
  void show_preview(std::shared_ptr<const DataPreview> preview);
  void show_failure(const QString& reason);
  void show_csv(std::shared_ptr<const CsvHead> head);
  void pick_label_column(int column);

  nodes::Document& doc_;
  nodes::Checker checker_;  // the model against its data, always at the top level (a unit may be open)
  PreviewLoader* loader_;
  std::shared_ptr<const DataPreview> preview_;
  std::string form_key_;  // the dataset the form was built for
  bool fits_ = false;
  QWidget* form_box_ = nullptr;
  ParamForm* form_ = nullptr;
  QLabel* verdict_ = nullptr;
  QLabel* validation_ = nullptr;
  QLabel* status_ = nullptr;
  QLabel* summary_ = nullptr;
  QLabel* warnings_ = nullptr;
  QStackedWidget* views_ = nullptr;
  ThumbnailGrid* grid_ = nullptr;
  ScatterView* scatter_ = nullptr;
  QTableWidget* table_ = nullptr;
  QTableWidget* csv_table_ = nullptr;
  bool csv_has_header_ = false;  // label columns are then chosen by name
  ClassCounts* counts_ = nullptr;
};

}  // namespace cornu::ui
