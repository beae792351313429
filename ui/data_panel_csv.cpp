// The Data panel's CSV table: the first rows of the file with its header, the label column highlighted;
// clicking a column's header makes it the label column (one undo step).
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>

#include "ui/data_choice.h"
#include "ui/data_panel.h"

namespace cornu::ui {

void DataPanel::show_csv(std::shared_ptr<const CsvHead> head) {
  csv_table_->setVisible(head != nullptr);
  if (!head) return;
  csv_has_header_ = head->has_header;
  const int columns = static_cast<int>(head->column_names.size());
  csv_table_->clear();
  csv_table_->setColumnCount(columns);
  csv_table_->setRowCount(static_cast<int>(head->rows.size()));
  for (int c = 0; c < columns; ++c) {
    auto* item = new QTableWidgetItem(QString::fromStdString(head->column_names[static_cast<size_t>(c)]));
    item->setData(Qt::UserRole, item->text());  // the name as the file has it, without the " (label)" mark
    if (c == head->label_column) {
      item->setText(item->text() + tr(" (label)"));
      QFont bold = item->font();
      bold.setBold(true);
      item->setFont(bold);
    }
    csv_table_->setHorizontalHeaderItem(c, item);
  }
  for (size_t r = 0; r < head->rows.size(); ++r)
    for (int c = 0; c < columns && c < static_cast<int>(head->rows[r].size()); ++c)
      csv_table_->setItem(static_cast<int>(r), c,
                          new QTableWidgetItem(QString::fromStdString(head->rows[r][static_cast<size_t>(c)])));
  csv_table_->setToolTip(head->has_header ? tr("The first line is a header. Click a column's header to make it the "
                                               "label column.")
                                          : tr("No header line: columns are numbered. Click a column's header to "
                                               "make it the label column."));
  csv_table_->resizeColumnsToContents();
}

void DataPanel::pick_label_column(int column) {
  try {
    // By name when the file has a header (it survives columns added later), else by index.
    const QTableWidgetItem* item = csv_table_->horizontalHeaderItem(column);
    const bool named = csv_has_header_ && item;
    set_dataset_param(doc_, "label_column", named ? item->data(Qt::UserRole).toString().toStdString() : std::to_string(column));
  } catch (const std::exception& e) {
    status_->setText(QString::fromUtf8(e.what()));
  }
}

}  // namespace cornu::ui
