#include "ui/problems_panel.h"

#include <QApplication>
#include <QListWidget>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/icons.h"

namespace cornu::ui {

namespace {

enum Role { WhereRole = Qt::UserRole + 1, StatusRole };
constexpr int kPadding = 6, kIconSize = 16;

// A row: the status icon, the node's name in bold, and beneath it the message wrapped to the width.
class ProblemDelegate : public QStyledItemDelegate {
 public:
  explicit ProblemDelegate(QListWidget* list) : QStyledItemDelegate(list), list_(list) {}

  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    const QRect text = text_rect(QRect(0, 0, list_->viewport()->width(), 0));
    const int height = header_height(option, index) + message_rect(option, index, text).height();
    return {text.right(), std::max(height, kIconSize) + 2 * kPadding};
  }

  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    opt.icon = QIcon();
    QStyle* style = option.widget ? option.widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, option.widget);

    painter->save();
    const bool selected = option.state & QStyle::State_Selected;
    const QColor color = option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    // Centred on the first line of text.
    const int first_line = std::max(header_height(option, index) - 2, option.fontMetrics.height());
    const QRect icon(option.rect.left() + kPadding, option.rect.top() + kPadding + (first_line - kIconSize) / 2,
                     kIconSize, kIconSize);
    status_icon(index.data(StatusRole).toString()).paint(painter, icon);

    const QRect text = text_rect(option.rect);
    const QString where = index.data(WhereRole).toString();
    int top = text.top();
    painter->setPen(color);
    if (!where.isEmpty()) {
      QFont bold = option.font;
      bold.setBold(true);
      painter->setFont(bold);
      const QFontMetrics metrics(bold);
      painter->drawText(QRect(text.left(), top, text.width(), metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                        metrics.elidedText(where, Qt::ElideRight, text.width()));
      top += header_height(option, index);
    }
    painter->setFont(option.font);
    const QRect message = message_rect(option, index, text);
    painter->drawText(QRect(text.left(), top, text.width(), message.height()), Qt::TextWordWrap | Qt::AlignLeft,
                      index.data().toString());
    painter->restore();
  }

 private:
  static QRect text_rect(const QRect& row) {
    return row.adjusted(2 * kPadding + kIconSize, kPadding, -kPadding, -kPadding);
  }
  static int header_height(const QStyleOptionViewItem& option, const QModelIndex& index) {
    if (index.data(WhereRole).toString().isEmpty()) return 0;
    QFont bold = option.font;
    bold.setBold(true);
    return QFontMetrics(bold).height() + 2;
  }
  static QRect message_rect(const QStyleOptionViewItem& option, const QModelIndex& index, const QRect& text) {
    return option.fontMetrics.boundingRect(QRect(0, 0, std::max(text.width(), 40), 1 << 20),
                                           Qt::TextWordWrap | Qt::AlignLeft, index.data().toString());
  }
  QListWidget* list_;
};

}  // namespace

ProblemsPanel::ProblemsPanel(nodes::Document& doc, nodes::LiveChecks& checks, Selection& selection, QWidget* parent)
    : QWidget(parent), doc_(doc), checks_(checks), selection_(selection) {
  list_ = new QListWidget(this);
  list_->setItemDelegate(new ProblemDelegate(list_));
  list_->setWordWrap(true);
  list_->setResizeMode(QListView::Adjust);  // rows re-wrap when the dock is resized
  list_->setUniformItemSizes(false);
  list_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  list_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
  list_->setSelectionMode(QAbstractItemView::SingleSelection);
  list_->setAlternatingRowColors(true);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(list_);

  connect(list_, &QListWidget::clicked, this, [this](const QModelIndex& index) { go_to(index.row()); });
  connect(list_, &QListWidget::activated, this, [this](const QModelIndex& index) { go_to(index.row()); });
  connect(&checks_, &nodes::LiveChecks::updated, this, &ProblemsPanel::refresh);
  refresh();
}

QString ProblemsPanel::title() const {
  if (errors_ <= 0 && warnings_ <= 0) return tr("Problems");
  QStringList parts;
  if (errors_ > 0) parts << (errors_ == 1 ? tr("1 error") : tr("%1 errors").arg(errors_));
  if (warnings_ > 0) parts << (warnings_ == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings_));
  return tr("Problems (%1)").arg(parts.join(QStringLiteral(", ")));
}

void ProblemsPanel::refresh() {
  problems_ = checks_.report().problems;
  std::stable_partition(problems_.begin(), problems_.end(),
                        [](const nodes::Problem& p) { return p.severity == nodes::Severity::Error; });
  list_->clear();
  int errors = 0, warnings = 0;
  for (const nodes::Problem& p : problems_) {
    const bool error = p.severity == nodes::Severity::Error;
    (error ? errors : warnings)++;
    const nodes::Node* node = p.node ? doc_.node(p.node) : nullptr;
    auto* item = new QListWidgetItem(QString::fromStdString(p.message), list_);
    item->setData(WhereRole, node ? QString::fromStdString(node->name) : tr("model"));
    item->setData(StatusRole, error ? QStringLiteral("error") : QStringLiteral("warning"));
    item->setToolTip(QString::fromStdString(p.message));
  }
  if (problems_.empty()) {
    auto* item = new QListWidgetItem(tr("No problems: the model can be built."), list_);
    item->setData(StatusRole, QStringLiteral("ok"));
    item->setFlags(Qt::ItemIsEnabled);
  }
  if (errors != errors_ || warnings != warnings_) {
    errors_ = errors;
    warnings_ = warnings;
    emit count_changed(errors, warnings);
  }
}

void ProblemsPanel::go_to(int row) {
  if (row < 0 || row >= static_cast<int>(problems_.size())) return;
  const nodes::Problem problem = problems_[row];  // a copy: the slots may edit the document
  if (problem.node && doc_.node(problem.node)) {
    selection_.set({problem.node}, this);
    emit go_to_node(problem.node);
  }
  if (problem.edge) emit go_to_edge(*problem.edge);
}

}  // namespace cornu::ui
