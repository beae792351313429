#include "ui/param_form.h"

#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace cornu::ui {

namespace {

// A file or folder parameter: its field with a Browse… button beside it; the chosen path is applied as if
// typed. The dialog starts where the current value points.
QWidget* with_browse_button(ParamEditor* editor, QWidget* parent) {
  auto* box = new QWidget(parent);
  auto* row = new QHBoxLayout(box);
  row->setContentsMargins(0, 0, 0, 0);
  row->setSpacing(4);
  row->addWidget(editor->field(), 1);
  auto* browse = new QToolButton(box);
  browse->setText(QObject::tr("Browse…"));
  browse->setObjectName(editor->objectName() + ".browse");
  browse->setToolTip(QObject::tr("Choose the %1 in a file dialog")
                         .arg(editor->spec().path == ParamSpec::PathKind::Folder ? "folder" : "file"));
  row->addWidget(browse);
  QObject::connect(browse, &QToolButton::clicked, editor, [editor, box] {
    const Config current = editor->current_value();
    const QString start = current.is_string() ? QString::fromStdString(current.get<std::string>()) : QString();
    const QString title = QString::fromStdString(editor->spec().name);
    const QString path = editor->spec().path == ParamSpec::PathKind::Folder
                             ? QFileDialog::getExistingDirectory(box, title, start)
                             : QFileDialog::getOpenFileName(box, title, start);
    if (!path.isEmpty()) editor->set_value(Config(path.toStdString()));
  });
  return box;
}

}  // namespace

ParamForm::ParamForm(QWidget* parent) : QWidget(parent), grid_(new QGridLayout(this)) {
  grid_->setContentsMargins(0, 0, 0, 0);
  grid_->setHorizontalSpacing(6);
  grid_->setVerticalSpacing(4);
  grid_->setColumnStretch(1, 1);
}

ParamEditor* ParamForm::add(const ParamSpec& spec, ParamAccess access, const QString& scope) {
  auto* editor = new ParamEditor(spec, std::move(access), this, scope);
  const int row = grid_->rowCount();
  // A tall field (the metrics checklist) keeps its label at the top, like Qt Designer's property sheet.
  const Qt::Alignment label_align = Qt::AlignLeft | (editor->field()->sizeHint().height() > 40 ? Qt::AlignTop : Qt::AlignVCenter);
  grid_->addWidget(editor->label(), row, 0, label_align);
  const bool path = spec.type == ParamType::String && spec.path != ParamSpec::PathKind::None;
  grid_->addWidget(path ? with_browse_button(editor, this) : editor->field(), row, 1);
  grid_->addWidget(editor->reset_button(), row, 2, Qt::AlignTop);
  grid_->addWidget(editor->error_label(), row + 1, 0, 1, 3);
  editors_.push_back(editor);
  return editor;
}

void ParamForm::add_wide(QWidget* widget) {
  widget->setParent(this);
  grid_->addWidget(widget, grid_->rowCount(), 0, 1, 3);
}

void ParamForm::add_heading(const QString& text) {
  QLabel* heading = make_heading(text, this);
  heading->setContentsMargins(0, grid_->rowCount() > 0 ? 10 : 0, 0, 2);
  add_wide(heading);
}

QLabel* make_heading(const QString& text, QWidget* parent) {
  auto* heading = new QLabel(text, parent);
  QFont font = heading->font();
  font.setBold(true);
  font.setPointSizeF(font.pointSizeF() * 1.08);
  heading->setFont(font);
  heading->setWordWrap(true);
  return heading;
}

ParamEditor* ParamForm::editor(const std::string& key) const {
  for (auto* e : editors_)
    if (e->spec().name == key) return e;
  return nullptr;
}

void ParamForm::refresh() {
  for (auto* e : editors_) e->refresh();
}

bool ParamForm::needs_rebuild() const {
  for (auto* e : editors_)
    if (!e->can_show(e->current_value())) return true;
  return false;
}

}  // namespace cornu::ui
