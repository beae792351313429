// One editor generated from a parameter description (engine/core/registry.h): a spin box for an int, a
// checked line edit for a float or a tuple, a check box, a combo of a registry's names, a checklist of
// metrics, a JSON line edit for the rest. Beside it: a label (bold when the value is not the default), a
// reset button, and a red line under it when the value was refused, saying why.
#pragma once
#include <QColor>
#include <QObject>
#include <QPalette>
#include <QString>
#include <functional>

#include "core/registry.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QToolButton;
class QWidget;

namespace cornu::ui {

class IntSpinBox;

// Where a value comes from and goes to: a layer's parameter, an optimizer's, a model setting.
// Errors are red in light and dark themes alike, a lighter red where the background is dark.
QColor error_colour(const QPalette& palette);

struct ParamAccess {
  std::function<Config()> value;   // the value in effect (the default when the user set none)
  std::function<bool()> is_set;    // the user chose it (the label turns bold and the reset button shows)
  std::function<void(const Config& value, int gesture)> apply;  // throws with the reason when refused
  std::function<int()> begin_gesture;  // a fresh gesture id: edits with the same id merge into one undo step
  std::function<void()> reset;     // back to the default; empty: apply(null)
};

class ParamEditor : public QObject {
  Q_OBJECT

 public:
  // Makes the widgets as children of `parent`; the form places them. `scope` prefixes the object names
  // ("output.loss"), so tests and style sheets can find a field when keys repeat.
  ParamEditor(ParamSpec spec, ParamAccess access, QWidget* parent, const QString& scope = {});

  const ParamSpec& spec() const { return spec_; }
  QLabel* label() const { return label_; }
  QWidget* field() const { return field_; }
  QToolButton* reset_button() const { return reset_; }
  QLabel* error_label() const { return error_; }
  QString error() const;

  // Shows the current value, unless the user is typing in this very field (their text and caret stay).
  void refresh();
  // False when the editor made for this spec cannot hold the value (an int beyond a spin box's range, a
  // missing required int): the form is then rebuilt with a line edit.
  bool can_show(const Config& value) const;
  Config current_value() const { return access_.value(); }
  // Applies a value picked outside the field (a path from a file dialog), as if typed and committed.
  void set_value(const Config& value) { commit(value, false); }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  enum class Kind { Spin, Text, Check, Combo, Checklist };
  void make_field(QWidget* parent);
  void commit(const Config& value, bool continuous);
  void commit_text();
  void commit_combo(int index);
  void commit_checklist();
  void show_value(const Config& value);
  void fill_combo(const Config& value);
  void fill_checklist(const Config& value);
  void show_error(const QString& message);
  bool typing() const;

  ParamSpec spec_;
  ParamAccess access_;
  Kind kind_ = Kind::Text;
  QLabel* label_ = nullptr;
  QWidget* field_ = nullptr;
  QToolButton* reset_ = nullptr;
  QLabel* error_ = nullptr;
  IntSpinBox* spin_ = nullptr;
  QLineEdit* edit_ = nullptr;
  QCheckBox* check_ = nullptr;
  QComboBox* combo_ = nullptr;
  QListWidget* list_ = nullptr;
  Config shown_;     // the value the field shows (the combo keeps an object's config through it)
  int gesture_ = 0;  // spin-box arrows and typing in one focus visit share it
};

}  // namespace cornu::ui
