#include "ui/param_editor.h"

#include <QAction>
#include <QCheckBox>
#include <QEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QRegularExpressionValidator>
#include <QToolButton>
#include <algorithm>
#include <climits>

#include "ui/param_choices.h"
#include "ui/param_spin_box.h"
#include "ui/param_text.h"

namespace cornu::ui {

namespace {

bool fits_spin_box(const Config& value) {
  // (INT_MIN is the spin box's None.)
  if (!value.is_number()) return false;
  const double v = value.get<double>();
  return v > static_cast<double>(INT_MIN) && v <= static_cast<double>(INT_MAX) && v == static_cast<double>(static_cast<int64_t>(v));
}

// The document's reasons start with the layer and the key ("Dense 'dense': units: it must be at least 1");
// beside the field both are plain, so the editor keeps what follows.
QString short_reason(const std::string& what, const std::string& key) {
  QString reason = QString::fromStdString(what);
  const QString marker = QString::fromStdString(key) + ": ";
  const qsizetype at = reason.indexOf(marker);
  if (at >= 0 && at < 160) reason = reason.mid(at + marker.size());
  if (!reason.isEmpty()) reason[0] = reason[0].toUpper();
  return reason;
}

QString tooltip_for(const ParamSpec& spec) {
  QString tip = "<b>" + QString::fromStdString(spec.name).toHtmlEscaped() + "</b> (" + param_type_name(spec.type) + ")";
  if (!spec.doc.empty()) tip += "<br>" + QString::fromStdString(spec.doc).toHtmlEscaped();
  if (spec.minimum || spec.maximum) {
    tip += "<br>Range: " + (spec.minimum ? format_number(*spec.minimum) : QString("-inf")) + " to " +
           (spec.maximum ? format_number(*spec.maximum) : QString("inf"));
  }
  if (spec.required) tip += "<br>Required.";
  else tip += "<br>Default: " + (spec.default_value.is_null() ? QString("None") : format_param(spec, spec.default_value).toHtmlEscaped());
  return tip;
}

const char* placeholder_for(const ParamSpec& spec) {
  if (spec.required) return "required";
  switch (spec.type) {
    case ParamType::IntTuple: return "e.g. 3, 3";
    case ParamType::IntOrTuple: return "e.g. 1 or 1, 2";
    case ParamType::FloatList: return "e.g. 0.1, 0.01";
    default: return spec.nullable || spec.default_value.is_null() ? "None" : "";
  }
}

}  // namespace

QColor error_colour(const QPalette& palette) {
  return palette.color(QPalette::Window).lightness() < 128 ? QColor(0xff, 0x6b, 0x6b) : QColor(0xd3, 0x2f, 0x2f);
}

ParamEditor::ParamEditor(ParamSpec spec, ParamAccess access, QWidget* parent, const QString& scope)
    : QObject(parent), spec_(std::move(spec)), access_(std::move(access)) {
  const QString name = (scope.isEmpty() ? QString() : scope + ".") + QString::fromStdString(spec_.name);
  setObjectName(name);
  label_ = new QLabel(param_label(spec_.name), parent);
  label_->setToolTip(tooltip_for(spec_));
  label_->setObjectName(name + ".label");

  make_field(parent);
  field_->setObjectName(name);
  field_->setToolTip(label_->toolTip());
  field_->installEventFilter(this);
  label_->setBuddy(field_);

  reset_ = new QToolButton(parent);
  reset_->setObjectName(name + ".reset");
  reset_->setAutoRaise(true);
  reset_->setText(QString::fromUtf8("\u21BA"));  // ↺, as Blender's and Qt Designer's reset arrows
  reset_->setToolTip("Reset " + QString::fromStdString(spec_.name) + " to its default" +
                     (spec_.default_value.is_null() ? QString(" (None)") : " (" + format_param(spec_, spec_.default_value) + ")"));
  reset_->setFocusPolicy(Qt::NoFocus);
  QSizePolicy keep = reset_->sizePolicy();
  keep.setRetainSizeWhenHidden(true);  // the fields stay aligned whether a row has a reset button or not
  reset_->setSizePolicy(keep);
  connect(reset_, &QToolButton::clicked, this, [this] {
    try {
      if (access_.reset) access_.reset();
      else access_.apply(Config(), 0);
      show_error({});
    } catch (const std::exception& e) {
      show_error(short_reason(e.what(), spec_.name));
    }
  });
  // The same from the label's context menu, where Qt Designer users look for it.
  auto* reset_action = new QAction("Reset to default", label_);
  connect(reset_action, &QAction::triggered, reset_, &QToolButton::click);
  label_->addAction(reset_action);
  label_->setContextMenuPolicy(Qt::ActionsContextMenu);

  error_ = new QLabel(parent);
  error_->setObjectName(name + ".error");
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QPalette red = error_->palette();
  red.setColor(QPalette::WindowText, error_colour(parent->palette()));
  error_->setPalette(red);
  error_->hide();

  refresh();
}

void ParamEditor::make_field(QWidget* parent) {
  const Config value = access_.value();
  if (spec_.type == ParamType::Int && (value.is_null() ? spec_.nullable : fits_spin_box(value))) {
    kind_ = Kind::Spin;
    spin_ = new IntSpinBox(spec_.minimum, spec_.maximum, spec_.nullable, parent);
    field_ = spin_;
    connect(spin_, &QSpinBox::valueChanged, this, [this] {
      commit(spin_->is_none() ? Config() : Config(static_cast<int64_t>(spin_->value())), true);
    });
  } else if (spec_.type == ParamType::Bool) {
    kind_ = Kind::Check;
    check_ = new QCheckBox(parent);
    field_ = check_;
    connect(check_, &QCheckBox::clicked, this, [this](bool on) { commit(on, false); });
  } else if (is_choice_type(spec_.type)) {
    kind_ = Kind::Combo;
    combo_ = new ChoiceBox(parent);
    combo_->setFocusPolicy(Qt::StrongFocus);
    // A long entry (sparse_categorical_crossentropy) must not widen the whole panel.
    combo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo_->setMinimumContentsLength(6);
    field_ = combo_;
    connect(combo_, &QComboBox::activated, this, &ParamEditor::commit_combo);
  } else if (spec_.type == ParamType::StringList) {
    kind_ = Kind::Checklist;
    list_ = new QListWidget(parent);
    list_->setUniformItemSizes(true);
    list_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // long names elide; the tooltip has them
    list_->setTextElideMode(Qt::ElideRight);
    field_ = list_;
    connect(list_, &QListWidget::itemChanged, this, &ParamEditor::commit_checklist);
  } else {
    kind_ = Kind::Text;
    edit_ = new QLineEdit(parent);
    edit_->setPlaceholderText(placeholder_for(spec_));
    if (QRegularExpression pattern = param_pattern(spec_.type); pattern.isValid() && !pattern.pattern().isEmpty())
      edit_->setValidator(new QRegularExpressionValidator(pattern, edit_));
    field_ = edit_;
    connect(edit_, &QLineEdit::editingFinished, this, &ParamEditor::commit_text);
  }
  field_->setSizePolicy(QSizePolicy::Expanding, field_->sizePolicy().verticalPolicy());
  field_->setMinimumWidth(60);
}

bool ParamEditor::can_show(const Config& value) const {
  if (kind_ != Kind::Spin) return true;
  return value.is_null() ? spec_.nullable : fits_spin_box(value);
}

QString ParamEditor::error() const { return error_->isHidden() ? QString() : error_->text(); }

void ParamEditor::show_error(const QString& message) {
  error_->setText(message);
  error_->setVisible(!message.isEmpty());
}

// The user is in the middle of typing here: a refresh must leave their text, caret and focus alone.
bool ParamEditor::typing() const {
  if (edit_) return edit_->hasFocus() && edit_->isModified();
  if (spin_) return spin_->hasFocus() && spin_->line_edit()->isModified();
  return false;
}

void ParamEditor::refresh() {
  const bool set = access_.is_set ? access_.is_set() : false;
  QFont font = label_->font();
  if (font.bold() != set) {
    font.setBold(set);
    label_->setFont(font);
  }
  reset_->setVisible(set && !spec_.required);
  if (typing()) return;
  const Config value = access_.value();
  if (value == shown_ && field_->property("shown").toBool()) return;
  show_error({});
  show_value(value);
}

void ParamEditor::show_value(const Config& value) {
  shown_ = value;
  field_->setProperty("shown", true);
  switch (kind_) {
    case Kind::Spin: {
      const QSignalBlocker block(spin_);
      if (value.is_null()) spin_->set_none();
      else if (fits_spin_box(value)) spin_->setValue(static_cast<int>(value.get<int64_t>()));
      spin_->line_edit()->setModified(false);
      break;
    }
    case Kind::Check: {
      const QSignalBlocker block(check_);
      check_->setChecked(value.is_boolean() && value.get<bool>());
      break;
    }
    case Kind::Combo: fill_combo(value); break;
    case Kind::Checklist: fill_checklist(value); break;
    case Kind::Text: {
      const QString text = format_param(spec_, value);
      if (edit_->text() != text) edit_->setText(text);
      edit_->setModified(false);
      edit_->setCursorPosition(0);  // long values (JSON) show their start
      break;
    }
  }
}

void ParamEditor::fill_combo(const Config& value) {
  const QSignalBlocker block(combo_);
  combo_->clear();
  const std::string current = choice_of(spec_, value);
  if (offers_none(spec_) || value.is_null()) combo_->addItem("None", QVariant());
  bool listed = false;
  for (const auto& name : choice_names(spec_)) {
    combo_->addItem(QString::fromStdString(name), QString::fromStdString(name));
    listed = listed || name == current;
  }
  if (!current.empty() && !listed)  // a name the registry does not list (a file from a newer Keras): shown as is
    combo_->addItem(QString::fromStdString(current), QString::fromStdString(current));
  combo_->setCurrentIndex(current.empty() ? 0 : combo_->findData(QString::fromStdString(current)));
  // An object value keeps its config (e.g. an initializer's seed) until another name is picked.
  QString tip = label_->toolTip();
  if (value.is_object() && value.contains("config"))
    tip += "<br>Config: <code>" + QString::fromStdString(value.at("config").dump()).toHtmlEscaped() + "</code>";
  combo_->setToolTip(tip);
}

void ParamEditor::fill_checklist(const Config& value) {
  const QSignalBlocker block(list_);
  list_->clear();
  std::vector<std::string> names = metric_names();
  std::vector<std::string> chosen;
  if (value.is_array())
    for (const auto& m : value) chosen.push_back(metric_of(m));
  for (const auto& c : chosen)
    if (std::find(names.begin(), names.end(), c) == names.end()) names.push_back(c);
  for (const auto& name : names) {
    auto* item = new QListWidgetItem(QString::fromStdString(name), list_);
    item->setToolTip(item->text());
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    const bool on = std::find(chosen.begin(), chosen.end(), name) != chosen.end();
    item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
  }
  // Six rows show at once; the rest scroll (the panel itself must stay short).
  const int row = std::max(list_->sizeHintForRow(0), list_->fontMetrics().height() + 4);
  list_->setFixedHeight(row * std::min<int>(6, static_cast<int>(names.size())) + 2 * list_->frameWidth() + 2);
}

void ParamEditor::commit(const Config& value, bool continuous) {
  int gesture = 0;
  if (continuous && access_.begin_gesture) {
    if (gesture_ == 0) gesture_ = access_.begin_gesture();
    gesture = gesture_;
  }
  try {
    access_.apply(value, gesture);
    show_error({});
    if (edit_) edit_->setModified(false);
    if (spin_) spin_->line_edit()->setModified(false);
  } catch (const std::exception& e) {
    // A combo, check box or checklist goes back to the value in effect; typed text stays to be corrected.
    if (kind_ == Kind::Combo || kind_ == Kind::Check || kind_ == Kind::Checklist) show_value(shown_);
    show_error(short_reason(e.what(), spec_.name));
  }
}

void ParamEditor::commit_text() {
  if (!edit_->isModified() && error_->isHidden()) return;  // focus left an untouched field
  Config value;
  try {
    value = parse_param(spec_, edit_->text());
  } catch (const std::exception& e) {
    show_error(short_reason(e.what(), spec_.name));
    return;
  }
  if (value == shown_ && error_->isHidden()) {
    edit_->setModified(false);
    return;
  }
  commit(value, false);
}

void ParamEditor::commit_combo(int index) {
  const QVariant data = combo_->itemData(index);
  const std::string name = data.isValid() ? data.toString().toStdString() : std::string();
  if (name == choice_of(spec_, shown_)) return;  // the same name: an object value keeps its config
  commit(name.empty() ? Config() : Config(name), false);
}

void ParamEditor::commit_checklist() {
  // The user's order is kept: unchecked names leave the list, newly checked ones join at its end.
  Config next = Config::array();
  std::vector<std::string> checked;
  for (int i = 0; i < list_->count(); ++i)
    if (list_->item(i)->checkState() == Qt::Checked) checked.push_back(list_->item(i)->text().toStdString());
  std::vector<std::string> kept;
  if (shown_.is_array())
    for (const auto& m : shown_)
      if (std::find(checked.begin(), checked.end(), metric_of(m)) != checked.end()) {
        next.push_back(m);
        kept.push_back(metric_of(m));
      }
  for (const auto& name : checked)
    if (std::find(kept.begin(), kept.end(), name) == kept.end()) next.push_back(name);
  commit(next, false);
}

bool ParamEditor::eventFilter(QObject* watched, QEvent* event) {
  if (watched == field_ && event->type() == QEvent::FocusIn) gesture_ = 0;  // one undo step per visit
  if (watched == field_ && event->type() == QEvent::FocusOut && edit_ && !edit_->hasAcceptableInput()) {
    show_value(shown_);  // half a number ("1e") when leaving: back to the value in effect
  }
  return QObject::eventFilter(watched, event);
}

}  // namespace cornu::ui
