#include "ui/inspector.h"

#include <QEvent>
#include <QFrame>
#include <QLabel>
#include <QLayout>
#include <QLocale>
#include <QScrollArea>
#include <QVBoxLayout>

#include "nodes/checks.h"
#include "ui/param_access.h"
#include "ui/param_form.h"
#include "ui/settings_form.h"

namespace cornu::ui {

namespace {

// A nested model: another part of the editor adds it, and opens it on a double-click on the canvas.
constexpr const char* kUnitType = "Unit";

QString count_text(int64_t n) { return QLocale(QLocale::English).toString(static_cast<qlonglong>(n)); }

QLabel* dim_label(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setWordWrap(true);
  label->setForegroundRole(QPalette::PlaceholderText);
  return label;
}

QWidget* new_page(QVBoxLayout** layout) {
  auto* page = new QWidget;
  *layout = new QVBoxLayout(page);
  (*layout)->setContentsMargins(10, 10, 10, 10);
  (*layout)->setSpacing(6);
  return page;
}

QString shapes_html(const char* what, const Shapes& shapes) {
  QString html;
  for (size_t i = 0; i < shapes.size(); ++i) {
    QString label = shapes.size() == 1 ? QString(what) : QString("%1 %2").arg(what).arg(i + 1);
    html += "<tr><td>" + label + "</td><td>" +
            QString::fromStdString(nodes::shape_text(shapes[i])).toHtmlEscaped() + "</td></tr>";
  }
  return html;
}

}  // namespace

Inspector::Inspector(nodes::Document& doc, nodes::LiveChecks& checks, Selection& selection, QWidget* parent)
    : QWidget(parent), doc_(doc), checks_(checks), selection_(selection), scroll_(new QScrollArea(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(scroll_);
  scroll_->setWidgetResizable(true);
  scroll_->setFrameShape(QFrame::NoFrame);
  scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // the dock is narrow: fields shrink instead
  setMinimumWidth(240);

  connect(&doc_, &nodes::Document::changed, this, &Inspector::refresh);
  connect(&checks_, &nodes::LiveChecks::updated, this, &Inspector::refresh);
  connect(&selection_, &Selection::changed, this, &Inspector::refresh);
  refresh();
}

Inspector::~Inspector() {
  // Closing takes the focus from a field, which commits what was typed there and changes the document:
  // by then this object is half destroyed and must not hear of it.
  disconnect(&doc_, nullptr, this, nullptr);
  disconnect(&checks_, nullptr, this, nullptr);
  disconnect(&selection_, nullptr, this, nullptr);
}

std::string Inspector::wanted_key() const {
  if (const int id = selection_.single(); id && doc_.node(id)) return "node:" + std::to_string(id) + ":" + doc_.at(id).type;
  int existing = 0;
  for (int id : selection_.ids()) existing += doc_.node(id) != nullptr;
  if (existing > 1) return "several:" + std::to_string(existing);
  return "settings:" + SettingsForm::layout_key(doc_);
}

void Inspector::refresh() {
  const std::string key = wanted_key();
  if (key != key_ || form_->needs_rebuild()) {
    rebuild(key);
    return;
  }
  form_->refresh();
  refresh_report();
}

void Inspector::rebuild(const std::string& key) {
  key_ = key;
  form_ = nullptr, settings_ = nullptr, report_ = nullptr, problems_ = nullptr, node_ = 0;
  QWidget* page = nullptr;
  if (key.rfind("node:", 0) == 0) {
    mode_ = Mode::Node;
    node_ = selection_.single();
    page = build_node_page(doc_.at(node_));
  } else if (key.rfind("several:", 0) == 0) {
    mode_ = Mode::Several;
    page = build_several_page(std::stoi(key.substr(8)));
  } else {
    mode_ = Mode::Settings;
    page = build_settings_page();
  }
  // The old page may be where this refresh started (a field's commit): it goes once the event loop
  // is back, never under the feet of its own signal.
  if (QWidget* old = scroll_->takeWidget()) {
    old->hide();
    old->deleteLater();
  }
  scroll_->setWidget(page);
  refresh_report();
}

QWidget* Inspector::build_node_page(const nodes::Node& node) {
  QVBoxLayout* layout = nullptr;
  QWidget* page = new_page(&layout);
  const nodes::CatalogEntry* entry = nodes::catalog().find(node.type);

  QLabel* title = make_heading(QString::fromStdString(node.type), page);
  title->setObjectName("inspector.title");
  QFont font = title->font();
  font.setPointSizeF(font.pointSizeF() * 1.15);
  title->setFont(font);
  layout->addWidget(title);
  if (entry) {
    QLabel* category = dim_label(QString::fromStdString(entry->category), page);
    category->setObjectName("inspector.category");
    layout->addWidget(category);
    if (!entry->doc.empty()) {
      auto* doc = new QLabel(QString::fromStdString(entry->doc), page);
      doc->setObjectName("inspector.doc");
      doc->setWordWrap(true);
      layout->addWidget(doc);
    }
  }

  form_ = new ParamForm(page);
  const int id = node.id;
  ParamAccess name;
  name.value = [this, id] { return doc_.node(id) ? Config(doc_.at(id).name) : Config(); };
  name.apply = [this, id](const Config& value, int) { doc_.rename(id, value.is_string() ? value.get<std::string>() : ""); };
  form_->add({.name = "name", .type = ParamType::String, .doc = "The layer's name, unique in the model (letters, "
                                                               "digits, '_', '.' or '-'); Keras code uses it.",
              .required = true},
             std::move(name), "node");
  if (!node.shares.empty()) {
    auto* shared = dim_label(QString("'%1' calls the layer of '%2' again, with the same weights (a shared layer, as in "
                                     "Keras). Its properties are those of '%2': select '%2' to change them for both.")
                                 .arg(QString::fromStdString(node.name), QString::fromStdString(node.shares)),
                             form_);
    shared->setObjectName("inspector.shares");
    form_->add_wide(shared);
  } else if (node.type == kUnitType) {
    form_->add_wide(dim_label("A unit is a nested model. Double-click the unit (or press Tab) to open and edit its "
                              "layers.", form_));
  } else if (!entry) {
    form_->add_wide(dim_label("Cornu does not know this layer type, so it has nothing to edit here.", form_));
  } else if (entry->is_output() && !doc_.scope().empty()) {
    // Inside a unit an Output is only an output port of the nested model: losses belong to the model's outputs.
    form_->add_wide(dim_label("This Output is an output port of the unit. Losses and metrics are set on the "
                              "model's own Output nodes.", form_));
  } else if (!entry->params.empty()) {
    form_->add_heading("Properties");
    for (const ParamSpec& spec : entry->params) form_->add(spec, node_param_access(doc_, id, spec), "param");
  }
  layout->addWidget(form_);

  layout->addWidget(make_heading("Shapes and weights", page));
  report_ = new QLabel(page);
  report_->setObjectName("inspector.report");
  report_->setWordWrap(true);
  report_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(report_);
  problems_ = new QLabel(page);
  problems_->setObjectName("inspector.problems");
  problems_->setWordWrap(true);
  problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(problems_);
  layout->addStretch(1);
  return page;
}

QWidget* Inspector::build_settings_page() {
  QVBoxLayout* layout = nullptr;
  QWidget* page = new_page(&layout);
  QLabel* title = make_heading("Model", page);
  title->setObjectName("inspector.title");
  QFont font = title->font();
  font.setPointSizeF(font.pointSizeF() * 1.15);
  title->setFont(font);
  layout->addWidget(title);
  layout->addWidget(dim_label("Nothing is selected: these settings apply to the whole model. Select a layer "
                              "to edit it.", page));
  settings_ = new SettingsForm(doc_, page);
  form_ = settings_->form();
  layout->addWidget(settings_);
  layout->addStretch(1);
  return page;
}

QWidget* Inspector::build_several_page(int count) {
  QVBoxLayout* layout = nullptr;
  QWidget* page = new_page(&layout);
  QLabel* title = make_heading(QString("%1 layers selected").arg(count), page);
  title->setObjectName("inspector.title");
  layout->addWidget(title);
  layout->addWidget(dim_label("Select a single layer to edit its properties, or click the empty canvas for the "
                              "model's settings.", page));
  form_ = new ParamForm(page);  // empty: nothing to edit for several layers at once
  layout->addWidget(form_);
  layout->addStretch(1);
  return page;
}

void Inspector::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  // A theme switch: the page is made again so the error red suits the new background.
  if (event->type() == QEvent::PaletteChange && form_) rebuild(key_);
}

void Inspector::refresh_report() {
  if (!report_ || !doc_.node(node_)) return;
  const nodes::CheckReport& report = checks_.report();
  QString html = "<table cellspacing='0' cellpadding='1'>";
  if (auto it = report.nodes.find(node_); it != report.nodes.end()) {
    const nodes::NodeReport& r = it->second;
    html += shapes_html("Input", r.inputs);
    const nodes::CatalogEntry* entry = nodes::catalog().find(doc_.at(node_).type);
    if (r.outputs.empty() && (!entry || entry->outputs > 0))
      html += "<tr><td>Output</td><td>unknown until the problems are fixed</td></tr>";
    html += shapes_html("Output", r.outputs);
    html += "<tr><td>Params&nbsp;&nbsp;</td><td>" + count_text(r.params);
    if (r.params > 0 && r.trainable_params == r.params) html += ", all trainable";
    else if (r.params > 0)
      html += ", " + count_text(r.trainable_params) + " trainable, " + count_text(r.params - r.trainable_params) + " frozen";
    html += "</td></tr>";
    if (r.macs > 0) html += "<tr><td>Mult-adds&nbsp;&nbsp;</td><td>" + count_text(r.macs) + " per sample</td></tr>";
  } else {
    html += "<tr><td>Not checked yet.</td></tr>";
  }
  html += "</table>";
  if (report_->text() != html) report_->setText(html);

  QString problems;
  const QString red = error_colour(palette()).name();
  for (const nodes::Problem* p : report.problems_of(node_)) {
    const QString message = QString::fromStdString(p->message).toHtmlEscaped();
    problems += p->severity == nodes::Severity::Error ? "<p style='color:" + red + "'>" + message + "</p>"
                                                      : "<p><b>Warning:</b> " + message + "</p>";
  }
  if (problems_->text() != problems) problems_->setText(problems);
  problems_->setVisible(!problems.isEmpty());
  // Wrapped labels whose text changed need the page's layout to ask their height again (else lines are cut).
  if (QLayout* layout = problems_->parentWidget()->layout()) layout->invalidate();
  problems_->parentWidget()->updateGeometry();
}

}  // namespace cornu::ui
