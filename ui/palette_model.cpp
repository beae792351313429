#include "ui/palette_model.h"

#include <QMimeData>
#include <QRegularExpression>
#include <algorithm>

#include "layers/layer.h"
#include "ui/icons.h"

namespace cornu::ui {

namespace {

int word_rank(const nodes::CatalogEntry& entry, const QString& word) {
  const QString type = QString::fromStdString(entry.type);
  if (type.startsWith(word, Qt::CaseInsensitive)) return 0;
  if (type.contains(word, Qt::CaseInsensitive)) return 1;
  if (layer_registry().contains(entry.type)) {
    const auto& registered = layer_registry().get(entry.type);
    std::vector<std::string> names = registered.aliases;
    if (!registered.keras_class.empty()) names.push_back(registered.keras_class);
    for (const auto& name : names)
      if (QString::fromStdString(name).contains(word, Qt::CaseInsensitive)) return 1;
  }
  static const QRegularExpression separators(QStringLiteral("[^\\w]+"));
  for (const QString& doc_word : QString::fromStdString(entry.doc).split(separators, Qt::SkipEmptyParts))
    if (doc_word.startsWith(word, Qt::CaseInsensitive)) return 2;
  return -1;
}

}  // namespace

int match_rank(const nodes::CatalogEntry& entry, const QString& text) {
  int worst = 0;
  for (const QString& word : text.split(' ', Qt::SkipEmptyParts)) {
    const int rank = word_rank(entry, word);
    if (rank < 0) return -1;
    worst = std::max(worst, rank);
  }
  return worst;
}

PaletteModel::PaletteModel(QObject* parent) : QAbstractItemModel(parent) { rebuild(); }

void PaletteModel::set_filter(const QString& text) {
  const QString simplified = text.simplified();
  if (simplified == filter_) return;
  beginResetModel();
  filter_ = simplified;
  rebuild();
  endResetModel();
}

void PaletteModel::rebuild() {
  groups_.clear();
  struct Ranked {
    Group group;
    int best = 0;
  };
  std::vector<Ranked> ranked;
  for (const std::string& category : nodes::catalog().categories()) {
    std::vector<std::pair<int, const nodes::CatalogEntry*>> matches;
    for (const nodes::CatalogEntry* entry : nodes::catalog().in_category(category)) {
      const int rank = filter_.isEmpty() ? 0 : match_rank(*entry, filter_);
      if (rank >= 0) matches.push_back({rank, entry});
    }
    if (matches.empty()) continue;
    std::stable_sort(matches.begin(), matches.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    Ranked r{.group = {.category = category, .entries = {}}, .best = matches.front().first};
    for (const auto& m : matches) r.group.entries.push_back(m.second);
    ranked.push_back(std::move(r));
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.best < b.best; });
  for (auto& r : ranked) groups_.push_back(std::move(r.group));
}

QString PaletteModel::first_match() const {
  if (groups_.empty()) return {};
  return QString::fromStdString(groups_.front().entries.front()->type);
}

QStringList PaletteModel::visible_types() const {
  QStringList types;
  for (const Group& g : groups_)
    for (const nodes::CatalogEntry* e : g.entries) types << QString::fromStdString(e->type);
  return types;
}

QModelIndex PaletteModel::index_of_type(const QString& type) const {
  for (size_t g = 0; g < groups_.size(); ++g)
    for (size_t i = 0; i < groups_[g].entries.size(); ++i)
      if (QString::fromStdString(groups_[g].entries[i]->type) == type)
        return createIndex(static_cast<int>(i), 0, static_cast<quintptr>(g + 1));
  return {};
}

// Category rows carry internal id 0; a layer row carries its category's row + 1.
QModelIndex PaletteModel::index(int row, int column, const QModelIndex& parent) const {
  if (column != 0 || row < 0) return {};
  if (!parent.isValid())
    return row < static_cast<int>(groups_.size()) ? createIndex(row, 0, quintptr(0)) : QModelIndex();
  if (parent.internalId() != 0 || parent.row() >= static_cast<int>(groups_.size())) return {};
  if (row >= static_cast<int>(groups_[parent.row()].entries.size())) return {};
  return createIndex(row, 0, static_cast<quintptr>(parent.row() + 1));
}

QModelIndex PaletteModel::parent(const QModelIndex& child) const {
  if (!child.isValid() || child.internalId() == 0) return {};
  return createIndex(static_cast<int>(child.internalId() - 1), 0, quintptr(0));
}

int PaletteModel::rowCount(const QModelIndex& parent) const {
  if (!parent.isValid()) return static_cast<int>(groups_.size());
  if (parent.internalId() != 0 || parent.column() != 0) return 0;
  return static_cast<int>(groups_[parent.row()].entries.size());
}

int PaletteModel::columnCount(const QModelIndex&) const { return 1; }

const nodes::CatalogEntry* PaletteModel::entry_at(const QModelIndex& index) const {
  if (!index.isValid() || index.internalId() == 0) return nullptr;
  return groups_[index.internalId() - 1].entries[index.row()];
}

QVariant PaletteModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  if (const nodes::CatalogEntry* entry = entry_at(index)) {
    switch (role) {
      case Qt::DisplayRole:
      case TypeRole: return QString::fromStdString(entry->type);
      case DocRole: return QString::fromStdString(entry->doc);
      case Qt::ToolTipRole:
        return QStringLiteral("<b>%1</b><p>%2</p><p><i>Double-click or drag onto the canvas to add it.</i></p>")
            .arg(QString::fromStdString(entry->type), QString::fromStdString(entry->doc).toHtmlEscaped());
      case IsCategoryRole: return false;
      default: return {};
    }
  }
  const std::string& category = groups_[index.row()].category;
  switch (role) {
    case Qt::DisplayRole: return QString::fromStdString(category);
    case Qt::DecorationRole: return category_icon(category);
    case IsCategoryRole: return true;
    default: return {};
  }
}

Qt::ItemFlags PaletteModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  if (!entry_at(index)) return Qt::ItemIsEnabled;
  return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled | Qt::ItemNeverHasChildren;
}

QStringList PaletteModel::mimeTypes() const { return {kLayerMimeType, QStringLiteral("text/plain")}; }

QMimeData* PaletteModel::mimeData(const QModelIndexList& indexes) const {
  for (const QModelIndex& index : indexes) {
    if (const nodes::CatalogEntry* entry = entry_at(index)) {
      auto* mime = new QMimeData;
      mime->setData(kLayerMimeType, QByteArray::fromStdString(entry->type));
      mime->setText(QString::fromStdString(entry->type));
      return mime;
    }
  }
  return nullptr;
}

Qt::DropActions PaletteModel::supportedDragActions() const { return Qt::CopyAction; }

}  // namespace cornu::ui
