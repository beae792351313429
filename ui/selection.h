// The one selection every view shares (canvas, summary table, problems list, inspector): a set of node
// ids of the document. A view that changes it passes itself as `origin` so it does not react to its own
// change (and the views never ping-pong).
#pragma once
#include <QObject>
#include <algorithm>
#include <vector>

namespace cornu::ui {

class Selection : public QObject {
  Q_OBJECT

 public:
  using QObject::QObject;
  const std::vector<int>& ids() const { return ids_; }
  bool contains(int id) const { return std::find(ids_.begin(), ids_.end(), id) != ids_.end(); }
  bool empty() const { return ids_.empty(); }
  // The node the inspector edits: the only selected one, else 0.
  int single() const { return ids_.size() == 1 ? ids_.front() : 0; }

  void set(std::vector<int> ids, QObject* origin = nullptr) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (ids == ids_) return;
    ids_ = std::move(ids);
    emit changed(origin);
  }
  void clear(QObject* origin = nullptr) { set({}, origin); }

 signals:
  void changed(QObject* origin);

 private:
  std::vector<int> ids_;
};

}  // namespace cornu::ui
