// The palette's items: the catalog's categories, each holding its layers, narrowed by a search text.
// While searching, layers whose name matches come before those matched only by their description, and
// categories are ordered by their best match, so the first row is always the best match.
#pragma once
#include <QAbstractItemModel>
#include <QString>
#include <string>
#include <vector>

#include "nodes/catalog.h"

namespace cornu::ui {

// Drag payload of a palette entry: the layer's type name in UTF-8 (the canvas accepts it).
inline constexpr const char* kLayerMimeType = "application/x-cornu-layer";

class PaletteModel : public QAbstractItemModel {
  Q_OBJECT

 public:
  enum Role { TypeRole = Qt::UserRole + 1, DocRole, IsCategoryRole };

  explicit PaletteModel(QObject* parent = nullptr);

  // Case-insensitive; words separated by spaces must all match (name, alias or a word of the description).
  void set_filter(const QString& text);
  const QString& filter() const { return filter_; }
  // The best match of the current filter (the first layer row); empty when nothing matches.
  QString first_match() const;
  // Layer types shown, in display order.
  QStringList visible_types() const;
  QModelIndex index_of_type(const QString& type) const;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QStringList mimeTypes() const override;
  QMimeData* mimeData(const QModelIndexList& indexes) const override;
  Qt::DropActions supportedDragActions() const override;

 private:
  struct Group {
    std::string category;
    std::vector<const nodes::CatalogEntry*> entries;
  };
  void rebuild();
  const nodes::CatalogEntry* entry_at(const QModelIndex& index) const;

  QString filter_;
  std::vector<Group> groups_;
};

// How well an entry matches a search: 0 name starts with it, 1 name or alias contains it, 2 a word of the
// description starts with it; -1 no match. Several words: the worst of their ranks, -1 if any misses.
int match_rank(const nodes::CatalogEntry& entry, const QString& text);

}  // namespace cornu::ui
