// Keras's model.summary() as a live table: one row per layer in data-flow order (Layer (type), Output
// Shape, Param #, Connected to for functional graphs, and Mult-Adds), the totals beneath. Rows follow the
// shared Selection both ways; Ctrl+C copies the summary as Keras prints it.
#pragma once
#include <QString>
#include <QWidget>
#include <vector>

#include "nodes/document.h"
#include "nodes/live_checks.h"
#include "ui/selection.h"

class QLabel;
class QStandardItemModel;
class QTableView;

namespace cornu::ui {

class SummaryPanel : public QWidget {
  Q_OBJECT

 public:
  enum Column { LayerColumn, ShapeColumn, ParamsColumn, ConnectedColumn, MacsColumn, ColumnCount };

  SummaryPanel(nodes::Document& doc, nodes::LiveChecks& checks, Selection& selection, QWidget* parent = nullptr);

  QTableView* table() const { return table_; }
  QStandardItemModel* model() const { return model_; }
  // False for a chain (a Sequential model): Keras then shows neither the Input row nor "Connected to".
  bool functional() const { return functional_; }
  int node_at(int row) const;  // 0 when out of range
  int row_of(int node) const;  // -1 when the node has no row
  // "Total params: 50,890 (198.79 KB)" and the next lines, as shown beneath the table.
  QString totals_text() const;
  // The table drawn with box characters as Keras prints it, then the totals: what Ctrl+C copies.
  QString summary_text() const;
  void copy_to_clipboard() const;

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void refresh();
  void show_selection();  // Selection -> rows
  void take_selection();  // rows -> Selection

  nodes::Document& doc_;
  nodes::LiveChecks& checks_;
  Selection& selection_;
  QTableView* table_ = nullptr;
  QStandardItemModel* model_ = nullptr;
  QLabel* totals_ = nullptr;
  std::vector<int> row_nodes_;
  bool functional_ = false;
  bool syncing_ = false;  // set while the panel moves its own rows, so it does not echo them back
};

// 1234567 -> "1,234,567".
QString with_thousands(int64_t n);

}  // namespace cornu::ui
