#include "ui/palette.h"

#include <QApplication>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QTreeView>
#include <QVBoxLayout>

#include "ui/icons.h"
#include "ui/theme.h"

namespace cornu::ui {

namespace {

constexpr int kPadding = 4;

// Layer rows: the type in bold, its description beneath in a quieter colour, both elided to the width,
// after a stripe of the category's colour (the same colour as the node's card on the canvas).
class PaletteDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;

  void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.data(PaletteModel::IsCategoryRole).toBool()) option->font.setBold(true);
  }

  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    if (index.data(PaletteModel::IsCategoryRole).toBool()) {
      QSize size = QStyledItemDelegate::sizeHint(option, index);
      size.setHeight(std::max(size.height(), option.fontMetrics.height()) + 2 * kPadding);
      return size;
    }
    return {option.fontMetrics.averageCharWidth() * 20, 2 * option.fontMetrics.height() + 3 * kPadding};
  }

  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    if (index.data(PaletteModel::IsCategoryRole).toBool()) {
      QStyledItemDelegate::paint(painter, option, index);
      return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget);

    painter->save();
    const QModelIndex category = index.parent();
    const QColor stripe = category_color(category.data().toString().toStdString());
    const QRect rect = option.rect.adjusted(kPadding, kPadding, -kPadding, -kPadding);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(stripe);
    painter->drawRoundedRect(QRectF(rect.left(), rect.top() + 1, 3, rect.height() - 2), 1.5, 1.5);

    const bool selected = option.state & QStyle::State_Selected;
    const QPalette& palette = option.palette;
    const QColor text = selected ? palette.color(QPalette::HighlightedText) : palette.color(QPalette::Text);
    QColor subtext = text;
    subtext.setAlphaF(selected ? 0.85f : 0.62f);
    const QRect text_rect = rect.adjusted(3 + 2 * kPadding, 0, 0, 0);

    QFont bold = option.font;
    bold.setBold(true);
    const QFontMetrics bold_metrics(bold);
    painter->setFont(bold);
    painter->setPen(text);
    const QRect name_rect(text_rect.left(), text_rect.top(), text_rect.width(), bold_metrics.height());
    painter->drawText(name_rect, Qt::AlignLeft | Qt::AlignVCenter,
                      bold_metrics.elidedText(index.data().toString(), Qt::ElideRight, name_rect.width()));

    painter->setFont(option.font);
    painter->setPen(subtext);
    const QRect doc_rect(text_rect.left(), name_rect.bottom() + 1 + kPadding / 2, text_rect.width(),
                         option.fontMetrics.height());
    painter->drawText(doc_rect, Qt::AlignLeft | Qt::AlignVCenter,
                      option.fontMetrics.elidedText(index.data(PaletteModel::DocRole).toString(), Qt::ElideRight,
                                                    doc_rect.width()));
    painter->restore();
  }
};

bool is_enter(const QKeyEvent* key) { return key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter; }

}  // namespace

Palette::Palette(QWidget* parent) : QWidget(parent) {
  search_ = new QLineEdit(this);
  search_->setPlaceholderText(tr("Search layers"));
  search_->setClearButtonEnabled(true);
  search_->addAction(action_icon(QStringLiteral("search")), QLineEdit::LeadingPosition);
  search_->setToolTip(tr("Type part of a layer's name or description; Enter adds the first match, "
                         "Down moves into the list."));
  search_->installEventFilter(this);

  model_ = new PaletteModel(this);
  view_ = new QTreeView(this);
  view_->setModel(model_);
  view_->setItemDelegate(new PaletteDelegate(view_));
  view_->setHeaderHidden(true);
  view_->setUniformRowHeights(false);
  view_->setIndentation(14);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setDragEnabled(true);
  view_->setDragDropMode(QAbstractItemView::DragOnly);
  view_->setDefaultDropAction(Qt::CopyAction);
  view_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  view_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
  view_->setMouseTracking(true);
  view_->setIconSize(QSize(18, 18));
  view_->setExpandsOnDoubleClick(true);
  view_->installEventFilter(this);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(4);
  layout->addWidget(search_);
  layout->addWidget(view_, 1);
  setFocusProxy(search_);

  connect(search_, &QLineEdit::textChanged, this, &Palette::apply_filter);
  connect(view_, &QTreeView::doubleClicked, this, &Palette::activate);
  connect(view_, &QTreeView::collapsed, this, [this](const QModelIndex& index) {
    if (model_->filter().isEmpty()) collapsed_.insert(index.data().toString());
  });
  connect(view_, &QTreeView::expanded, this, [this](const QModelIndex& index) {
    if (model_->filter().isEmpty()) collapsed_.remove(index.data().toString());
  });
  restore_expansion();
}

void Palette::focus_search() {
  search_->setFocus(Qt::ShortcutFocusReason);
  search_->selectAll();
}

void Palette::apply_filter(const QString& text) {
  model_->set_filter(text);
  restore_expansion();
  const QModelIndex first = model_->index_of_type(model_->first_match());
  if (!model_->filter().isEmpty() && first.isValid()) {
    // Shows what Enter will add.
    view_->setCurrentIndex(first);
    view_->scrollTo(first);
  } else {
    view_->clearSelection();
    view_->scrollToTop();
  }
}

void Palette::restore_expansion() {
  const bool searching = !model_->filter().isEmpty();
  for (int row = 0; row < model_->rowCount(); ++row) {
    const QModelIndex category = model_->index(row, 0);
    view_->setExpanded(category, searching || !collapsed_.contains(category.data().toString()));
  }
}

void Palette::activate(const QModelIndex& index) {
  if (!index.isValid() || index.data(PaletteModel::IsCategoryRole).toBool()) return;
  emit layer_activated(index.data(PaletteModel::TypeRole).toString());
}

bool Palette::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() != QEvent::KeyPress) return QWidget::eventFilter(watched, event);
  auto* key = static_cast<QKeyEvent*>(event);
  if (watched == search_) {
    if (is_enter(key)) {
      // An empty search matches everything: Enter then adds nothing rather than the first layer listed.
      const QString type = model_->filter().isEmpty() ? QString() : model_->first_match();
      if (!type.isEmpty()) emit layer_activated(type);
      return true;
    }
    if (key->key() == Qt::Key_Down) {
      const QModelIndex first = model_->index_of_type(model_->first_match());
      if (first.isValid()) {
        view_->setFocus(Qt::TabFocusReason);
        view_->setCurrentIndex(first);
      }
      return true;
    }
    if (key->key() == Qt::Key_Escape && !search_->text().isEmpty()) {
      search_->clear();
      return true;
    }
  } else if (watched == view_) {
    const QModelIndex current = view_->currentIndex();
    if (is_enter(key) && current.isValid() && !current.data(PaletteModel::IsCategoryRole).toBool()) {
      activate(current);
      return true;
    }
    // Up from the first layer goes back to the search box, as Down came from it.
    if (key->key() == Qt::Key_Up && current.isValid() && current == model_->index_of_type(model_->first_match())) {
      focus_search();
      return true;
    }
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace cornu::ui
