// The layer palette: a search box over the catalog's categories. Each layer shows its name in bold and its
// one-line description beneath; double-click or Enter adds it (layer_activated), dragging carries
// kLayerMimeType to the canvas. Typing filters at once; Enter in the search box takes the best match and
// Down moves into the list.
#pragma once
#include <QSet>
#include <QWidget>

#include "ui/palette_model.h"  // kLayerMimeType

class QLineEdit;
class QTreeView;

namespace cornu::ui {

class Palette : public QWidget {
  Q_OBJECT

 public:
  explicit Palette(QWidget* parent = nullptr);

  QLineEdit* search_box() const { return search_; }
  QTreeView* view() const { return view_; }
  PaletteModel* model() const { return model_; }
  // Focuses the search box with its text selected (the window's Ctrl+F).
  void focus_search();

 signals:
  void layer_activated(QString type);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void apply_filter(const QString& text);
  void activate(const QModelIndex& index);
  void restore_expansion();

  QLineEdit* search_ = nullptr;
  QTreeView* view_ = nullptr;
  PaletteModel* model_ = nullptr;
  QSet<QString> collapsed_;  // categories the user folded (outside searches)
};

}  // namespace cornu::ui
