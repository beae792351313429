// Driving widgets as a user does, shared by the GUI tests.
#pragma once
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QLineEdit>
#include <QTest>

namespace cornu::test {

// Selects the field's text, types over it and presses Enter (spin boxes and line edits commit then).
inline void type_into(QWidget* w, const QString& text) {
  w->setFocus();
  if (auto* spin = qobject_cast<QAbstractSpinBox*>(w)) spin->selectAll();
  if (auto* edit = qobject_cast<QLineEdit*>(w)) edit->selectAll();
  QTest::keyClicks(w, text);
  QTest::keyClick(w, Qt::Key_Return);
}

// What a user does with the mouse: opens the combo and picks the entry (activated, as a click sends).
inline void choose(QComboBox* combo, const QString& text) {
  const int index = combo->findText(text);
  QVERIFY2(index >= 0, qPrintable(text));
  combo->setCurrentIndex(index);
  emit combo->activated(index);
}

}  // namespace cornu::test
