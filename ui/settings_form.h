// What the inspector edits when no layer is selected: the model's name, the training settings, the
// optimizer and its parameters (generated from the optimizer registry, learning rate first), validation and
// device, the callbacks (EarlyStopping, ...) and theirs, a pointer to the Data panel (where the dataset is
// chosen), and the loss, loss weight and metrics of each Output node. Settings change through
// Document::set_settings, the Output nodes through set_param: each change one undo step.
#pragma once
#include <QWidget>
#include <string>

#include "nodes/document.h"

namespace cornu::ui {

class ParamForm;

class SettingsForm : public QWidget {
  Q_OBJECT

 public:
  explicit SettingsForm(nodes::Document& doc, QWidget* parent = nullptr);

  // What the form's rows depend on (the optimizer, the dataset, the Output nodes): when it changes, the
  // inspector makes a new form; otherwise refresh() updates the values in place.
  static std::string layout_key(const nodes::Document& doc);
  const std::string& key() const { return key_; }
  void refresh();
  bool needs_rebuild() const;
  ParamForm* form() const { return form_; }

 private:
  void add_model_rows();
  void add_optimizer_rows();
  void add_dataset_rows();
  // Each callback of the registry: an on/off row, and its parameters while it is on.
  void add_callback_rows();
  void add_callback_param(const std::string& name, const ParamSpec& spec);
  void add_output_rows();
  // Applies one change to a copy of the settings and hands it to the document (which checks it all).
  void change(const std::function<void(nodes::Settings&)>& edit, int gesture);

  nodes::Document& doc_;
  ParamForm* form_;
  std::string key_;
};

}  // namespace cornu::ui
