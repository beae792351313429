// A column of generated editors: label | field | reset, with the field's error under it. The inspector
// stacks one per section (a layer's parameters, the optimizer's, each output's loss), so labels line up
// inside a section and the whole form fits a narrow dock.
#pragma once
#include <QWidget>
#include <vector>

#include "ui/param_editor.h"

class QGridLayout;
class QLabel;

namespace cornu::ui {

// A section title in the inspector: bold, a little larger, in the palette's text colour.
QLabel* make_heading(const QString& text, QWidget* parent = nullptr);

class ParamForm : public QWidget {
  Q_OBJECT

 public:
  explicit ParamForm(QWidget* parent = nullptr);

  ParamEditor* add(const ParamSpec& spec, ParamAccess access, const QString& scope = {});
  // A widget across the whole width (a note, a sub-heading).
  void add_wide(QWidget* widget);
  // A bold title over the rows that follow ("Optimizer", "Output 'logits'").
  void add_heading(const QString& text);
  const std::vector<ParamEditor*>& editors() const { return editors_; }
  ParamEditor* editor(const std::string& key) const;  // the first one with this key

  void refresh();
  // Some editor cannot hold its current value (see ParamEditor::can_show): rebuild the form.
  bool needs_rebuild() const;

 private:
  QGridLayout* grid_;
  std::vector<ParamEditor*> editors_;
};

}  // namespace cornu::ui
