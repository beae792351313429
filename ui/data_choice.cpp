#include "ui/data_choice.h"

#include <QComboBox>
#include <QLabel>

#include "core/error.h"
#include "data/builtin_datasets.h"
#include "ui/param_access.h"
#include "ui/param_form.h"

namespace cornu::ui {

namespace {

void change_dataset(nodes::Document& doc, const std::function<void(Config&)>& edit, int gesture) {
  nodes::Settings s = doc.settings();
  edit(s.dataset);
  doc.set_settings(s, gesture);
}

ParamAccess param_access(nodes::Document& doc, const ParamSpec& spec) {
  ParamAccess access;
  access.value = [&doc, spec] {
    const Config& d = doc.settings().dataset;
    return d.is_object() && d.contains(spec.name) ? d.at(spec.name) : spec.default_value;
  };
  access.is_set = [&doc, spec] {
    const Config& d = doc.settings().dataset;
    return d.is_object() && d.contains(spec.name) && d.at(spec.name) != spec.default_value;
  };
  access.apply = [&doc, spec](const Config& value, int gesture) {
    const Config checked = value.is_null() ? Config() : checked_value(spec, value);
    set_dataset_param(doc, spec.name, checked, gesture);
  };
  access.begin_gesture = [&doc] { return doc.begin_gesture(); };
  return access;
}

}  // namespace

std::string dataset_name(const nodes::Settings& s) {
  return s.dataset.is_object() && s.dataset.contains("name") && s.dataset.at("name").is_string()
             ? s.dataset.at("name").get<std::string>()
             : std::string();
}

void set_dataset_param(nodes::Document& doc, const std::string& key, const Config& value, int gesture) {
  change_dataset(doc, [&](Config& d) {
    if (!d.is_object()) return;
    if (value.is_null()) d.erase(key);
    else d[key] = value;
  }, gesture);
}

void add_dataset_tooltips(ParamForm& form) {
  ParamEditor* editor = form.editor("dataset");
  auto* combo = editor ? qobject_cast<QComboBox*>(editor->field()) : nullptr;
  if (!combo) return;
  for (const auto& d : data::builtin_datasets())
    if (int i = combo->findText(QString::fromStdString(d.name)); i >= 0)
      combo->setItemData(i, QString::fromStdString(d.doc), Qt::ToolTipRole);
}

void add_dataset_rows(ParamForm& form, nodes::Document& doc) {
  ParamSpec choice{.name = "dataset", .type = ParamType::Enum, .default_value = nullptr,
                   .doc = "The data to train on: a dataset that comes with Cornu (None: choose one later).",
                   .nullable = true};
  for (const auto& d : data::builtin_datasets()) choice.choices.push_back(d.name);
  ParamAccess pick;
  pick.value = [&doc] {
    const std::string name = dataset_name(doc.settings());
    return name.empty() ? Config() : Config(name);
  };
  pick.is_set = [&doc] { return !doc.settings().dataset.is_null(); };
  pick.apply = [&doc](const Config& value, int gesture) {
    change_dataset(doc, [&](Config& d) { d = value.is_null() ? Config() : Config{{"name", value}}; }, gesture);
  };
  form.add(choice, std::move(pick), "data");
  add_dataset_tooltips(form);

  const std::string name = dataset_name(doc.settings());
  if (name.empty()) return;
  const data::DatasetEntry* entry = nullptr;
  try {
    entry = &data::find_dataset(name);
  } catch (const Error&) {
    return;  // the document refuses unknown datasets; nothing to offer for one
  }
  if (!entry->doc.empty()) {
    auto* note = new QLabel(QString::fromStdString(entry->doc));
    note->setObjectName("data.doc");
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    form.add_wide(note);
  }
  for (const ParamSpec& spec : entry->params) form.add(spec, param_access(doc, spec), "dataset");
}

}  // namespace cornu::ui
