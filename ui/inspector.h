// The inspector, in the dock on the right of the main window: the selected layer's type, doc line, name and
// parameters (editors generated from the catalog), its shapes, weight count and problems from the live
// checks; with nothing selected, the model and training settings. Every change is one undo step on the
// document; a refused value stays in its field with the document's reason under it in red.
// The document changes under it (undo, the canvas): values refresh in place while the same node stays
// selected, so the field being typed in keeps its text, caret and focus; the form is rebuilt only when the
// selection, the node's type, the optimizer, the dataset or the Output nodes change.
#pragma once
#include <QWidget>
#include <string>

#include "nodes/document.h"
#include "nodes/live_checks.h"
#include "ui/selection.h"

class QLabel;
class QScrollArea;
class QVBoxLayout;

namespace cornu::ui {

class ParamForm;
class SettingsForm;

class Inspector : public QWidget {
  Q_OBJECT

 public:
  Inspector(nodes::Document& doc, nodes::LiveChecks& checks, Selection& selection, QWidget* parent = nullptr);
  ~Inspector() override;

  enum class Mode { Settings, Node, Several };
  Mode mode() const { return mode_; }
  int node() const { return node_; }  // the node being edited (Mode::Node), else 0
  // The editors on show: the node's name and parameters, or the settings; never null.
  ParamForm* form() const { return form_; }
  QSize sizeHint() const override { return {320, 640}; }

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void refresh();
  std::string wanted_key() const;
  void rebuild(const std::string& key);
  QWidget* build_node_page(const nodes::Node& node);
  QWidget* build_settings_page();
  QWidget* build_several_page(int count);
  void refresh_report();

  nodes::Document& doc_;
  nodes::LiveChecks& checks_;
  Selection& selection_;
  QScrollArea* scroll_;
  std::string key_;  // what the page shows: "node:12:Dense", "settings:<layout>", "several:3"
  Mode mode_ = Mode::Settings;
  int node_ = 0;
  ParamForm* form_ = nullptr;
  SettingsForm* settings_ = nullptr;
  QLabel* report_ = nullptr;    // shapes and weights of the node
  QLabel* problems_ = nullptr;  // its problems, in red
};

}  // namespace cornu::ui
