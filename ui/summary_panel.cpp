#include "ui/summary_panel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "nodes/compile.h"
#include "ui/icons.h"

namespace cornu::ui {

namespace {

constexpr int kNodeRole = Qt::UserRole + 1;
constexpr int kColumnGap = 8;  // each side of a column's widest text

// Cells and headers keep kColumnGap clear on both sides, so a right-aligned count never touches the text of
// the next column.
class PaddedDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;

  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    return QStyledItemDelegate::sizeHint(option, index) + QSize(2 * kColumnGap, 4);
  }

  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.state &= ~QStyle::State_HasFocus;  // rows are selected whole: no focus frame around one cell
    QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
    QStyleOptionViewItem background = opt;  // the row colour and selection span the whole cell
    background.text.clear();
    background.icon = QIcon();
    background.features &= ~QStyleOptionViewItem::HasDecoration;
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, opt.widget);
    opt.rect.adjust(kColumnGap, 0, -kColumnGap, 0);
    opt.features &= ~QStyleOptionViewItem::Alternate;
    opt.backgroundBrush = Qt::NoBrush;
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
  }
};

class PaddedHeader : public QHeaderView {
 public:
  using QHeaderView::QHeaderView;

 protected:
  void paintSection(QPainter* painter, const QRect& rect, int logical) const override {
    QStyleOptionHeader opt;
    initStyleOption(&opt);
    initStyleOptionForIndex(&opt, logical);
    opt.rect = rect;
    style()->drawControl(QStyle::CE_HeaderSection, &opt, painter, this);
    opt.rect = rect.adjusted(kColumnGap, 0, -kColumnGap, 0);
    style()->drawControl(QStyle::CE_HeaderLabel, &opt, painter, this);
  }
  QSize sectionSizeFromContents(int logical) const override {
    return QHeaderView::sectionSizeFromContents(logical) + QSize(2 * kColumnGap, 0);
  }
};

QIcon blank_icon() {
  QPixmap blank(16, 16);
  blank.fill(Qt::transparent);
  return QIcon(blank);
}

// Parameters are float32: 4 bytes each, in binary units as Keras prints them ("918.54 KB").
QString param_bytes(int64_t params) {
  double bytes = static_cast<double>(params) * 4;
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) bytes /= 1024, ++unit;
  return QStringLiteral("%1 %2").arg(bytes, 0, 'f', 2).arg(QLatin1String(units[unit]));
}

// "0.10 M", "12.35 G": multiply-adds in millions, or billions from a billion on.
QString scaled_macs(int64_t macs) {
  const double value = static_cast<double>(macs);
  if (value >= 1e9) return QStringLiteral("%1 G").arg(value / 1e9, 0, 'f', 2);
  return QStringLiteral("%1 M").arg(value / 1e6, 0, 'f', 2);
}

QString shapes_text(const Shapes& shapes) {
  if (shapes.empty()) return QStringLiteral("?");
  QStringList parts;
  for (const Shape& s : shapes) parts << QString::fromStdString(nodes::shape_text(s));
  return parts.join(QStringLiteral(", "));
}

QString pad(const QString& s, qsizetype width, bool right) {
  return right ? s.rightJustified(width, ' ') : s.leftJustified(width, ' ');
}

}  // namespace

QString with_thousands(int64_t n) {
  const QString digits = QString::number(n < 0 ? -static_cast<uint64_t>(n) : static_cast<uint64_t>(n));
  QString out;
  for (qsizetype i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? '-' + out : out;
}

SummaryPanel::SummaryPanel(nodes::Document& doc, nodes::LiveChecks& checks, Selection& selection, QWidget* parent)
    : QWidget(parent), doc_(doc), checks_(checks), selection_(selection) {
  model_ = new QStandardItemModel(0, ColumnCount, this);
  model_->setHorizontalHeaderLabels({tr("Layer (type)"), tr("Output Shape"), tr("Param #"), tr("Connected to"),
                                     tr("Mult-Adds")});
  model_->horizontalHeaderItem(ParamsColumn)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  model_->horizontalHeaderItem(MacsColumn)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  model_->horizontalHeaderItem(MacsColumn)->setToolTip(tr("Multiply-adds per sample in a forward pass"));

  table_ = new QTableView(this);
  table_->setHorizontalHeader(new PaddedHeader(Qt::Horizontal, table_));
  table_->setItemDelegate(new PaddedDelegate(table_));
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setAlternatingRowColors(true);
  table_->setShowGrid(false);
  table_->setWordWrap(false);
  table_->setTextElideMode(Qt::ElideMiddle);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setHighlightSections(false);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  table_->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  table_->horizontalHeader()->setStretchLastSection(false);
  table_->setContextMenuPolicy(Qt::ActionsContextMenu);
  table_->installEventFilter(this);

  auto* copy = new QAction(action_icon(QStringLiteral("copy")), tr("Copy Summary as Text"), table_);
  copy->setShortcut(QKeySequence::Copy);
  copy->setShortcutContext(Qt::WidgetShortcut);
  connect(copy, &QAction::triggered, this, &SummaryPanel::copy_to_clipboard);
  table_->addAction(copy);

  totals_ = new QLabel(this);
  totals_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  totals_->setContentsMargins(6, 2, 6, 4);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addWidget(table_, 1);
  layout->addWidget(totals_);

  connect(&checks_, &nodes::LiveChecks::updated, this, &SummaryPanel::refresh);
  connect(&selection_, &Selection::changed, this, [this](QObject* origin) {
    if (origin != this) show_selection();
  });
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SummaryPanel::take_selection);
  refresh();
}

int SummaryPanel::node_at(int row) const {
  return row >= 0 && row < static_cast<int>(row_nodes_.size()) ? row_nodes_[row] : 0;
}

int SummaryPanel::row_of(int node) const {
  auto it = std::find(row_nodes_.begin(), row_nodes_.end(), node);
  return it == row_nodes_.end() ? -1 : static_cast<int>(it - row_nodes_.begin());
}

void SummaryPanel::refresh() {
  const nodes::CheckReport& report = checks_.report();
  functional_ = !nodes::is_chain(doc_.graph());
  syncing_ = true;
  model_->setRowCount(0);
  row_nodes_.clear();
  // When some rows carry a problem icon, the others get an empty one of the same size, so names line up.
  bool any_problem = false;
  for (const nodes::Problem& p : report.problems) any_problem = any_problem || p.node != 0;
  for (int id : report.order) {
    const nodes::Node* node = doc_.node(id);
    if (!node || node->type == nodes::kOutputType) continue;  // Keras has no Output layer
    if (!functional_ && node->type == nodes::kInputType) continue;  // nor an Input row in a Sequential
    const auto found = report.nodes.find(id);
    const nodes::NodeReport fallback;
    const nodes::NodeReport& r = found != report.nodes.end() ? found->second : fallback;

    QStringList connected;
    for (const nodes::Edge& e : doc_.edges_into(id))
      if (const nodes::Node* from = doc_.node(e.from.node))
        connected << QStringLiteral("%1[0][%2]").arg(QString::fromStdString(from->name)).arg(e.from.port);
    QList<QStandardItem*> items{
        new QStandardItem(QStringLiteral("%1 (%2)").arg(QString::fromStdString(node->name),
                                                        QString::fromStdString(node->type))),
        new QStandardItem(shapes_text(r.outputs)),
        new QStandardItem(with_thousands(r.params)),
        new QStandardItem(connected.isEmpty() ? QStringLiteral("-") : connected.join(QStringLiteral(", "))),
        new QStandardItem(with_thousands(r.macs))};
    items[ParamsColumn]->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    items[MacsColumn]->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    items[ParamsColumn]->setToolTip(r.params == r.trainable_params
                                        ? tr("%1 trainable parameters").arg(with_thousands(r.params))
                                        : tr("%1 trainable, %2 non-trainable parameters")
                                              .arg(with_thousands(r.trainable_params),
                                                   with_thousands(r.params - r.trainable_params)));
    QStringList messages;
    bool error = false;
    for (const nodes::Problem* p : report.problems_of(id)) {
      messages << QString::fromStdString(p->message);
      error = error || p->severity == nodes::Severity::Error;
    }
    if (!messages.isEmpty()) {
      items[LayerColumn]->setIcon(status_icon(error ? QStringLiteral("error") : QStringLiteral("warning")));
      items[LayerColumn]->setToolTip(messages.join('\n'));
    } else if (any_problem) {
      items[LayerColumn]->setIcon(blank_icon());
    }
    for (QStandardItem* item : items) item->setData(id, kNodeRole);
    model_->appendRow(items);
    row_nodes_.push_back(id);
  }
  table_->setColumnHidden(ConnectedColumn, !functional_);
  table_->resizeColumnsToContents();
  totals_->setText(totals_text().toHtmlEscaped().replace('\n', QStringLiteral("<br>")));
  syncing_ = false;
  show_selection();
}

void SummaryPanel::show_selection() {
  syncing_ = true;
  QItemSelection rows;
  int first = -1;
  for (int id : selection_.ids()) {
    const int row = row_of(id);
    if (row < 0) continue;
    rows.select(model_->index(row, 0), model_->index(row, ColumnCount - 1));
    first = first < 0 ? row : std::min(first, row);
  }
  table_->selectionModel()->select(rows, QItemSelectionModel::ClearAndSelect);
  if (first >= 0) {
    table_->selectionModel()->setCurrentIndex(model_->index(first, 0), QItemSelectionModel::NoUpdate);
    table_->scrollTo(model_->index(first, 0));
  }
  syncing_ = false;
}

void SummaryPanel::take_selection() {
  if (syncing_) return;
  std::vector<int> ids;
  for (const QModelIndex& index : table_->selectionModel()->selectedRows()) ids.push_back(node_at(index.row()));
  selection_.set(std::move(ids), this);
}

QString SummaryPanel::totals_text() const {
  const nodes::CheckReport& r = checks_.report();
  const int64_t frozen = r.total_params - r.trainable_params;
  return tr("Total params: %1 (%2)\nTrainable params: %3 (%4)\nNon-trainable params: %5 (%6)\n"
            "Total mult-adds: %7 (%8)")
      .arg(with_thousands(r.total_params), param_bytes(r.total_params), with_thousands(r.trainable_params),
           param_bytes(r.trainable_params), with_thousands(frozen), param_bytes(frozen),
           with_thousands(r.total_macs), scaled_macs(r.total_macs));
}

QString SummaryPanel::summary_text() const {
  std::vector<int> columns;
  for (int c = 0; c < ColumnCount; ++c)
    if (!table_->isColumnHidden(c)) columns.push_back(c);
  auto cell = [&](int row, int column) { return model_->item(row, column)->text(); };
  auto right = [](int column) { return column == ParamsColumn || column == MacsColumn; };
  std::vector<qsizetype> width;
  for (int c : columns) {
    qsizetype w = model_->horizontalHeaderItem(c)->text().size();
    for (int row = 0; row < model_->rowCount(); ++row) w = std::max(w, cell(row, c).size());
    width.push_back(w);
  }
  auto rule = [&](QChar left, QChar middle, QChar end, QChar fill) {
    QString s = left;
    for (size_t i = 0; i < width.size(); ++i) s += QString(width[i] + 2, fill) + (i + 1 < width.size() ? middle : end);
    return s + '\n';
  };
  auto line = [&](auto text_of, QChar separator) {
    QString s = separator;
    for (size_t i = 0; i < columns.size(); ++i)
      s += ' ' + pad(text_of(columns[i]), width[i], right(columns[i])) + ' ' + separator;
    return s + '\n';
  };
  const std::string& name = doc_.settings().model_name;
  QString out = QStringLiteral("Model: \"%1\"\n")
                    .arg(QString::fromStdString(name.empty() ? (functional_ ? "functional" : "sequential") : name));
  out += rule(u'\u250f', u'\u2533', u'\u2513', u'\u2501');
  out += line([&](int c) { return model_->horizontalHeaderItem(c)->text(); }, u'\u2503');
  out += rule(u'\u2521', u'\u2547', u'\u2529', u'\u2501');
  for (int row = 0; row < model_->rowCount(); ++row) {
    out += line([&](int c) { return cell(row, c); }, u'\u2502');
    if (row + 1 < model_->rowCount()) out += rule(u'\u251c', u'\u253c', u'\u2524', u'\u2500');
  }
  out += rule(u'\u2514', u'\u2534', u'\u2518', u'\u2500');
  for (const QString& total : totals_text().split('\n')) out += ' ' + total + '\n';
  return out;
}

void SummaryPanel::copy_to_clipboard() const { QApplication::clipboard()->setText(summary_text()); }

bool SummaryPanel::eventFilter(QObject* watched, QEvent* event) {
  // Claims Ctrl+C while the table has focus, before a window-wide Copy (of canvas nodes) can take it.
  if (watched == table_ && event->type() == QEvent::ShortcutOverride &&
      static_cast<QKeyEvent*>(event)->matches(QKeySequence::Copy)) {
    event->accept();
    return true;
  }
  if (watched == table_ && event->type() == QEvent::KeyPress &&
      static_cast<QKeyEvent*>(event)->matches(QKeySequence::Copy)) {
    copy_to_clipboard();
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace cornu::ui
