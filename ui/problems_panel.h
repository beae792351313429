// The problems list: every error and warning of the live checks, errors first, each with its node's name
// (or "model") and the whole message wrapped. Clicking one selects its node and asks the canvas to go there.
#pragma once
#include <QWidget>
#include <vector>

#include "nodes/document.h"
#include "nodes/live_checks.h"
#include "ui/selection.h"

class QListWidget;

namespace cornu::ui {

class ProblemsPanel : public QWidget {
  Q_OBJECT

 public:
  ProblemsPanel(nodes::Document& doc, nodes::LiveChecks& checks, Selection& selection, QWidget* parent = nullptr);

  // One row per problem; when there is none, one row saying so (not a problem: problems() is empty).
  QListWidget* list() const { return list_; }
  const std::vector<nodes::Problem>& problems() const { return problems_; }
  int errors() const { return errors_; }
  int warnings() const { return warnings_; }
  // The problem a row shows (rows are ordered errors first).
  const nodes::Problem& problem_at(int row) const { return problems_.at(row); }
  // "Problems", "Problems (2 errors, 1 warning)": a title for the dock.
  QString title() const;
  // As a click on the row: selects its node, emits go_to_node and, for a connection, go_to_edge.
  void go_to(int row);

 signals:
  void count_changed(int errors, int warnings);
  void go_to_node(int id);
  void go_to_edge(cornu::nodes::Edge edge);

 private:
  void refresh();

  nodes::Document& doc_;
  nodes::LiveChecks& checks_;
  Selection& selection_;
  QListWidget* list_ = nullptr;
  std::vector<nodes::Problem> problems_;
  int errors_ = -1, warnings_ = -1;
};

}  // namespace cornu::ui
