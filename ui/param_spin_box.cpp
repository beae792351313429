#include "ui/param_spin_box.h"

#include <QLineEdit>
#include <QWheelEvent>
#include <algorithm>
#include <climits>
#include <cmath>

namespace cornu::ui {

namespace {

int bound(std::optional<double> limit, int fallback) {
  if (!limit) return fallback;
  return static_cast<int>(std::clamp(std::ceil(*limit), static_cast<double>(INT_MIN + 1), static_cast<double>(INT_MAX)));
}

}  // namespace

IntSpinBox::IntSpinBox(std::optional<double> minimum, std::optional<double> maximum, bool nullable, QWidget* parent)
    : QSpinBox(parent), low_(bound(minimum, INT_MIN + 1)), high_(std::max(low_, bound(maximum, INT_MAX))), nullable_(nullable) {
  setRange(nullable ? INT_MIN : INT_MIN + 1, INT_MAX);
  if (nullable) setSpecialValueText("None");
  setKeyboardTracking(false);  // typing commits on Enter or when leaving the field, arrows at once
  setFocusPolicy(Qt::StrongFocus);
  setAccelerated(true);
}

void IntSpinBox::stepBy(int steps) {
  if (is_none()) {  // the first step out of None lands on the range's start (or 0)
    setValue(std::clamp(0, low_, high_));
    return;
  }
  const long long next = static_cast<long long>(value()) + static_cast<long long>(steps) * singleStep();
  setValue(static_cast<int>(std::clamp<long long>(next, low_, high_)));
}

QAbstractSpinBox::StepEnabled IntSpinBox::stepEnabled() const {
  if (is_none()) return StepUpEnabled | StepDownEnabled;
  StepEnabled enabled = StepNone;
  if (value() < high_) enabled |= StepUpEnabled;
  if (value() > low_) enabled |= StepDownEnabled;
  return enabled;
}

void IntSpinBox::wheelEvent(QWheelEvent* event) {
  if (hasFocus()) QSpinBox::wheelEvent(event);
  else event->ignore();
}

void ChoiceBox::wheelEvent(QWheelEvent* event) {
  if (hasFocus()) QComboBox::wheelEvent(event);
  else event->ignore();
}

}  // namespace cornu::ui
