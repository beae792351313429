#include "ui/settings_form.h"

#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

#include "backend/devices.h"
#include "callbacks/callback_registry.h"
#include "core/error.h"
#include "core/module_config.h"
#include "optimizers/optimizer.h"
#include "ui/param_access.h"
#include "ui/param_form.h"

namespace cornu::ui {

namespace {

using nodes::Settings;

// Optimizer keys Cornu reads from Keras configs but refuses unless left alone (EMA, loss scaling,
// gradient accumulation), and the optimizer's own name: offering them would only invite an error.
bool hidden_optimizer_param(const std::string& key) {
  static const char* const hidden[] = {"name", "use_ema", "ema_momentum", "ema_overwrite_frequency",
                                       "loss_scale_factor", "gradient_accumulation_steps"};
  return std::any_of(std::begin(hidden), std::end(hidden), [&](const char* h) { return key == h; });
}

const RegistryEntry<Optimizer>& optimizer_entry(const Settings& s) {
  return optimizer_registry().get(split_module_config(s.optimizer, "optimizer").first);
}
std::string keras_class(const RegistryEntry<Optimizer>& e) { return e.keras_class.empty() ? e.name : e.keras_class; }
Config optimizer_config(const Settings& s) { return split_module_config(s.optimizer, "optimizer").second; }

std::string dataset_name(const Settings& s) {
  return s.dataset.is_object() && s.dataset.contains("name") && s.dataset.at("name").is_string()
             ? s.dataset.at("name").get<std::string>()
             : std::string();
}

// The settings as rows: each a ParamSpec (so they get the same editors, ranges and reset buttons as
// layer parameters) and how to read it from and write it to Settings.
struct SettingRow {
  ParamSpec spec;
  std::function<Config(const Settings&)> read;
  std::function<void(Settings&, const Config&)> write;  // the value is checked and never null here
};

// Offers only devices that exist (the CPU, a GPU when CUDA finds one) and the project's own choice; the
// doc names what was found.
ParamSpec device_spec(const std::string& current) {
  ParamSpec spec{.name = "device", .type = ParamType::Enum, .default_value = "auto", .choices = {"auto", "cpu"}};
  std::string found;
  for (const DeviceEntry& d : available_devices()) {
    found += (found.empty() ? "" : "; ") + d.description();
    if (d.kind == "gpu" && spec.choices.size() < 3) spec.choices.push_back("gpu");
  }
  if (current == "gpu" && spec.choices.size() < 3) spec.choices.push_back("gpu");  // Train says why it cannot
  spec.doc = std::string("Where training runs; auto: the CPU") +
             (gpu_training_available() ? " or the GPU" : " (GPU training comes with the CUDA backend)") +
             ". Found: " + found + ".";
  return spec;
}

std::vector<SettingRow> model_rows(const Settings& current) {
  std::vector<SettingRow> rows;
  rows.push_back({{.name = "model_name", .type = ParamType::String, .default_value = "",
                   .doc = "The Keras model's name; empty: 'sequential' or 'functional', as Keras names it."},
                  [](const Settings& s) { return Config(s.model_name); },
                  [](Settings& s, const Config& v) { s.model_name = v.get<std::string>(); }});
  rows.push_back({{.name = "batch_size", .type = ParamType::Int, .default_value = 32,
                   .doc = "Samples per gradient step.", .minimum = 1.0, .maximum = double(nodes::kMaxBatchSize)},
                  [](const Settings& s) { return Config(s.batch_size); },
                  [](Settings& s, const Config& v) { s.batch_size = v.get<int64_t>(); }});
  rows.push_back({{.name = "epochs", .type = ParamType::Int, .default_value = 10,
                   .doc = "Passes over the training data.", .minimum = 1.0, .maximum = double(nodes::kMaxEpochs)},
                  [](const Settings& s) { return Config(s.epochs); },
                  [](Settings& s, const Config& v) { s.epochs = v.get<int64_t>(); }});
  rows.push_back({{.name = "validation", .type = ParamType::Enum, .default_value = "split",
                   .doc = "What validates each epoch: split (validation_split of the training rows), test (the "
                          "dataset's test set, as Keras's validation_data) or none.",
                   .choices = nodes::kValidationChoices},
                  [](const Settings& s) { return Config(s.validation); },
                  [](Settings& s, const Config& v) { s.validation = v.get<std::string>(); }});
  rows.push_back({{.name = "validation_split", .type = ParamType::Float, .default_value = 0.1,
                   .doc = "Fraction of the training data held out to validate each epoch (0 to 0.99).",
                   .minimum = 0.0, .maximum = nodes::kMaxValidationSplit},
                  [](const Settings& s) { return Config(s.validation_split); },
                  [](Settings& s, const Config& v) { s.validation_split = v.get<double>(); }});
  rows.push_back({{.name = "shuffle", .type = ParamType::Bool, .default_value = true,
                   .doc = "Shuffle the training samples before each epoch."},
                  [](const Settings& s) { return Config(s.shuffle); },
                  [](Settings& s, const Config& v) { s.shuffle = v.get<bool>(); }});
  rows.push_back({{.name = "seed", .type = ParamType::Int, .default_value = 1337,
                   .doc = "Seed of the weights' initial values, the shuffling and dropout: the same seed trains the same way.",
                   .minimum = 0.0, .maximum = double(nodes::kMaxSeed)},
                  [](const Settings& s) { return Config(s.seed); },
                  [](Settings& s, const Config& v) { s.seed = v.get<uint64_t>(); }});
  rows.push_back({device_spec(current.device), [](const Settings& s) { return Config(s.device); },
                  [](Settings& s, const Config& v) { s.device = v.get<std::string>(); }});
  return rows;
}

// The index of the callback `name` in the settings' list, or -1 when it is off.
int callback_index(const Settings& s, const std::string& name) {
  for (size_t i = 0; i < s.callbacks.size(); ++i) {
    const Config& c = s.callbacks[i];
    if (c.is_object() && c.value("class_name", "") == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

SettingsForm::SettingsForm(nodes::Document& doc, QWidget* parent)
    : QWidget(parent), doc_(doc), form_(new ParamForm(this)), key_(layout_key(doc)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(form_);
  add_model_rows();
  add_optimizer_rows();
  add_dataset_rows();
  add_callback_rows();
  add_output_rows();
}

std::string SettingsForm::layout_key(const nodes::Document& doc) {
  std::string key = optimizer_entry(doc.settings()).name + "|" + dataset_name(doc.settings()) + "|" +
                    std::to_string(doc.scope().size());
  for (const auto& n : doc.nodes())
    if (n.type == nodes::kOutputType) key += "|" + std::to_string(n.id) + ":" + n.name;
  key += "|" + doc.settings().validation;  // validation_split shows for "split" only
  for (const auto& entry : callback_registry().entries())  // a callback's rows show while it is on
    key += callback_index(doc.settings(), entry.name) >= 0 ? "|" + entry.name : "";
  return key;
}

void SettingsForm::refresh() { form_->refresh(); }
bool SettingsForm::needs_rebuild() const { return layout_key(doc_) != key_ || form_->needs_rebuild(); }

void SettingsForm::change(const std::function<void(Settings&)>& edit, int gesture) {
  Settings s = doc_.settings();
  edit(s);
  doc_.set_settings(s, gesture);
}

void SettingsForm::add_model_rows() {
  form_->add_heading("Training");
  const Settings defaults;
  for (const SettingRow& row : model_rows(doc_.settings())) {
    if (row.spec.name == "validation_split" && doc_.settings().validation != "split") continue;  // it would do nothing
    ParamAccess access;
    access.value = [this, read = row.read] { return read(doc_.settings()); };
    access.is_set = [this, read = row.read, defaults] { return read(doc_.settings()) != read(defaults); };
    access.apply = [this, row, defaults](const Config& value, int gesture) {
      const Config checked = value.is_null() ? row.read(defaults) : checked_value(row.spec, value);
      change([&](Settings& s) { row.write(s, checked); }, gesture);
    };
    access.begin_gesture = [this] { return doc_.begin_gesture(); };
    form_->add(row.spec, std::move(access), "settings");
  }
}

void SettingsForm::add_optimizer_rows() {
  form_->add_heading("Optimizer");
  ParamSpec choice{.name = "optimizer", .type = ParamType::Enum, .default_value = "Adam",
                   .doc = "How the weights follow their gradients. Adam suits most models."};
  for (const auto& e : optimizer_registry().entries()) choice.choices.push_back(keras_class(e));
  ParamAccess pick;
  pick.value = [this] { return Config(keras_class(optimizer_entry(doc_.settings()))); };
  pick.is_set = [this] { return keras_class(optimizer_entry(doc_.settings())) != "Adam"; };
  pick.apply = [this](const Config& value, int gesture) {
    const auto& old_entry = optimizer_entry(doc_.settings());
    const auto& new_entry = optimizer_registry().get(value.is_null() ? "Adam" : value.get<std::string>());
    // A learning rate the user chose travels to the new optimizer; the other parameters are its own.
    Config config = Config::object();
    const Config old_config = optimizer_config(doc_.settings());
    for (const auto& p : old_entry.params)
      if (p.name == "learning_rate" && old_config.contains(p.name) && old_config.at(p.name) != p.default_value)
        config["learning_rate"] = old_config.at(p.name);
    change([&](Settings& s) { s.optimizer = {{"class_name", keras_class(new_entry)}, {"config", config}}; }, gesture);
  };
  form_->add(choice, std::move(pick), "settings");

  for (const ParamSpec& spec : optimizer_entry(doc_.settings()).params) {
    if (hidden_optimizer_param(spec.name)) continue;
    ParamAccess access;
    access.value = [this, spec] {
      const Config config = optimizer_config(doc_.settings());
      return config.contains(spec.name) ? config.at(spec.name) : spec.default_value;
    };
    access.is_set = [this, spec] {
      const Config config = optimizer_config(doc_.settings());
      return config.contains(spec.name) && config.at(spec.name) != spec.default_value;
    };
    access.apply = [this, spec](const Config& value, int gesture) {
      // Null is "back to the default", except where None is a value of its own.
      const bool reset = value.is_null() && !(spec.nullable && !spec.default_value.is_null());
      const Config checked = reset ? Config() : checked_value(spec, value);
      change([&](Settings& s) {
        auto [name, config] = split_module_config(s.optimizer, "optimizer");
        if (reset) config.erase(spec.name);
        else config[spec.name] = checked;
        s.optimizer = {{"class_name", keras_class(optimizer_registry().get(name))}, {"config", config}};
      }, gesture);
    };
    access.begin_gesture = [this] { return doc_.begin_gesture(); };
    form_->add(spec, std::move(access), "optimizer");
  }
}

void SettingsForm::add_dataset_rows() {
  // The dataset, its parameters and a preview live in the Data panel, where the data can be seen.
  form_->add_heading("Data");
  const std::string name = dataset_name(doc_.settings());
  auto* hint = new QLabel((name.empty() ? QString("No dataset chosen yet.") : "Dataset: " + QString::fromStdString(name) + ".") +
                          " Choose and preview the data in the Data panel (View ▸ Data).");
  hint->setObjectName("settings.data-hint");
  hint->setWordWrap(true);
  hint->setForegroundRole(QPalette::PlaceholderText);
  form_->add_wide(hint);
}

void SettingsForm::add_callback_rows() {
  form_->add_heading("Callbacks");
  for (const auto& entry : callback_registry().entries()) {
    const std::string name = entry.name;
    ParamSpec on{.name = name, .type = ParamType::Bool, .default_value = false, .doc = entry.doc};
    ParamAccess toggle;
    toggle.value = [this, name] { return Config(callback_index(doc_.settings(), name) >= 0); };
    toggle.is_set = [this, name] { return callback_index(doc_.settings(), name) >= 0; };
    toggle.apply = [this, name](const Config& value, int gesture) {
      const bool wanted = value.is_boolean() && value.get<bool>();
      change([&](Settings& s) {
        const int index = callback_index(s, name);
        if (wanted && index < 0) s.callbacks.push_back({{"class_name", name}, {"config", Config::object()}});
        if (!wanted && index >= 0) s.callbacks.erase(static_cast<size_t>(index));
      }, gesture);
    };
    toggle.begin_gesture = [this] { return doc_.begin_gesture(); };
    form_->add(on, std::move(toggle), "callbacks");
    if (callback_index(doc_.settings(), name) < 0) continue;
    for (const ParamSpec& spec : entry.params) add_callback_param(name, spec);
  }
}

void SettingsForm::add_callback_param(const std::string& name, const ParamSpec& spec) {
  // The value the user set in the callback's config, or null.
  auto given = [this, name, key = spec.name]() -> Config {
    const int index = callback_index(doc_.settings(), name);
    if (index < 0) return nullptr;
    const Config& c = doc_.settings().callbacks[static_cast<size_t>(index)];
    return c.contains("config") && c.at("config").is_object() && c.at("config").contains(key) ? c.at("config").at(key)
                                                                                                : Config();
  };
  ParamAccess access;
  access.value = [given, spec] {
    const Config v = given();
    return v.is_null() ? spec.default_value : v;
  };
  access.is_set = [given, spec] {
    const Config v = given();
    return !v.is_null() && v != spec.default_value;
  };
  access.apply = [this, name, spec](const Config& value, int gesture) {
    const bool reset = value.is_null() && !(spec.nullable && !spec.default_value.is_null());
    const Config checked = reset ? Config() : checked_value(spec, value);
    change([&](Settings& s) {
      const int index = callback_index(s, name);
      if (index < 0) return;
      Config& c = s.callbacks[static_cast<size_t>(index)];
      if (!c.contains("config") || !c.at("config").is_object()) c["config"] = Config::object();
      if (reset) c["config"].erase(spec.name);
      else c["config"][spec.name] = checked;
    }, gesture);
  };
  access.begin_gesture = [this] { return doc_.begin_gesture(); };
  form_->add(spec, std::move(access), QString::fromStdString(name));
}

void SettingsForm::add_output_rows() {
  if (!doc_.scope().empty()) {  // a unit is open: its Outputs are ports; losses belong to the model's outputs
    auto* hint = new QLabel("A unit is open: its Output nodes are its ports. Losses and metrics are set on the "
                            "model's own Output nodes (‹ Back to the model).");
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    form_->add_heading("Loss and metrics");
    form_->add_wide(hint);
    return;
  }
  std::vector<const nodes::Node*> outputs;
  for (const auto& n : doc_.nodes())
    if (n.type == nodes::kOutputType) outputs.push_back(&n);
  const auto& specs = nodes::catalog().get(nodes::kOutputType).params;
  for (const nodes::Node* output : outputs) {
    form_->add_heading(outputs.size() == 1 ? QString("Loss and metrics")
                                           : "Output '" + QString::fromStdString(output->name) + "'");
    for (const ParamSpec& spec : specs)
      form_->add(spec, node_param_access(doc_, output->id, spec), QString::fromStdString(output->name));
  }
  if (outputs.empty()) {
    auto* hint = new QLabel("Add an Output node after the last layer to choose the loss and metrics.");
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    form_->add_heading("Loss and metrics");
    form_->add_wide(hint);
  }
}

}  // namespace cornu::ui
