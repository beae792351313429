// Spin boxes and combos for a panel that scrolls: the mouse wheel scrolls the panel unless the field has
// the keyboard focus (turning the wheel over a form must not change values on the way down).
#pragma once
#include <QComboBox>
#include <QSpinBox>
#include <optional>

class QLineEdit;

namespace cornu::ui {

// An int spin box whose arrows stay inside the parameter's range, while typing accepts any int, so that
// a value out of range reaches the document and comes back refused with its reason instead of silently
// reverting. When the value may be None, the lowest int stands for it and reads "None".
class IntSpinBox : public QSpinBox {
 public:
  IntSpinBox(std::optional<double> minimum, std::optional<double> maximum, bool nullable, QWidget* parent = nullptr);
  bool is_none() const { return nullable_ && value() == minimum(); }
  void set_none() { setValue(minimum()); }
  QLineEdit* line_edit() const { return lineEdit(); }
  void stepBy(int steps) override;

 protected:
  StepEnabled stepEnabled() const override;
  void wheelEvent(QWheelEvent* event) override;

 private:
  int low_, high_;  // the range the arrows keep to
  bool nullable_;
};

class ChoiceBox : public QComboBox {
 public:
  using QComboBox::QComboBox;

 protected:
  void wheelEvent(QWheelEvent* event) override;
};

}  // namespace cornu::ui
