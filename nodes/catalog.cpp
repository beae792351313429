#include "nodes/catalog.h"

#include <algorithm>

#include "core/error.h"
#include "layers/layer.h"
#include "losses/loss.h"

namespace cornu::nodes {

namespace {

// The palette's order; a category that a new layer brings and that is not listed here goes last.
const std::vector<std::string> kCategoryOrder{"Input/Output",   "Core",  "Convolution", "Pooling",   "Recurrent", "Attention",
                                              "Normalization", "Regularization", "Merge",  "Reshaping", "Activation"};

std::vector<std::string> loss_names() {
  std::vector<std::string> names;
  for (const auto& e : loss_registry().entries()) names.push_back(e.name);
  return names;
}

CatalogEntry output_entry() {
  CatalogEntry e;
  e.type = kOutputType;
  e.category = "Input/Output";
  e.doc = "Marks a model output: what the network predicts, and the loss that measures it against the labels.";
  e.params = {{.name = "loss", .type = ParamType::Loss, .default_value = nullptr,
               .doc = "How wrong a prediction is, e.g. sparse_categorical_crossentropy for class labels.",
               .choices = loss_names(), .nullable = true},
              {.name = "loss_weight", .type = ParamType::Float, .default_value = 1.0,
               .doc = "Weight of this output's loss in the total (several outputs).", .minimum = 0.0},
              {.name = "metrics", .type = ParamType::StringList, .default_value = Config::array(),
               .doc = "Metrics reported for this output, e.g. [\"accuracy\"]."}};
  e.min_inputs = e.max_inputs = 1;
  e.outputs = 0;
  e.card_params = {"loss"};
  return e;
}

CatalogEntry unit_entry() {
  CatalogEntry e;
  e.type = kUnitType;
  e.category = "Units";
  e.doc = "A group of layers used as one: a nested model";
  return e;
}

// Keras's per-layer `trainable` flag, which every layer config carries.
ParamSpec trainable_param() {
  return {.name = "trainable", .type = ParamType::Bool, .default_value = true,
          .doc = "Update this layer's weights during training (false freezes them)."};
}

CatalogEntry layer_entry(const LayerRegistry::Entry& r) {
  CatalogEntry e;
  e.type = r.name;
  e.category = r.category.empty() ? "Core" : r.category;
  e.doc = r.doc;
  e.params = r.params;
  e.min_inputs = r.min_inputs;
  e.max_inputs = r.max_inputs;
  e.outputs = 1;
  if (r.output_count) {
    // Parameters as the node holds them (defaults left out, the editor's `trainable` added): resolved first.
    e.output_count = [name = r.name, specs = r.params, count = r.output_count](const Config& params) {
      Config given = params.is_object() ? params : Config::object();
      given.erase("trainable");
      try {
        return count(resolve_config(name, specs, given, {"name", "dtype"}));
      } catch (const std::exception&) {
        return 1;  // an invalid parameter is reported by the checks; the card keeps one port meanwhile
      }
    };
  }
  if (r.name != kInputType) e.params.push_back(trainable_param());
  for (const auto& p : r.params)
    if (p.required || p.name == "activation") e.card_params.push_back(p.name);
  return e;
}

}  // namespace

const ParamSpec* CatalogEntry::param(const std::string& name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

std::string CatalogEntry::unknown_param_message(const std::string& name) const {
  std::vector<std::string> names;
  for (const auto& p : params) names.push_back(p.name);
  std::string hint = did_you_mean(name, names);
  return type + " has no parameter '" + name + "'." + (hint.empty() ? "" : " " + hint);
}

Catalog::Catalog() {
  for (const auto& r : layer_registry().entries()) entries_.push_back(layer_entry(r));
  entries_.push_back(output_entry());
  entries_.push_back(unit_entry());
}

const CatalogEntry* Catalog::find(const std::string& type) const {
  for (const auto& e : entries_)
    if (e.type == type) return &e;
  if (!layer_registry().contains(type)) return nullptr;
  const std::string& canonical = layer_registry().get(type).name;  // an alias: "Input" -> "InputLayer"
  for (const auto& e : entries_)
    if (e.type == canonical) return &e;
  return nullptr;
}

const CatalogEntry& Catalog::get(const std::string& type) const {
  if (const CatalogEntry* e = find(type)) return *e;
  std::vector<std::string> names;
  for (const auto& e : entries_) names.push_back(e.type);
  std::string hint = did_you_mean(type, names);
  throw ValueError("There is no layer called '" + type + "'. " + (hint.empty() ? "" : hint + " ") +
                   "The palette lists every layer Cornu knows.");
}

std::vector<std::string> Catalog::categories() const {
  std::vector<std::string> out;
  for (const auto& c : kCategoryOrder)
    if (!in_category(c).empty()) out.push_back(c);
  for (const auto& e : entries_)
    if (std::find(out.begin(), out.end(), e.category) == out.end()) out.push_back(e.category);
  return out;
}

std::vector<const CatalogEntry*> Catalog::in_category(const std::string& category) const {
  std::vector<const CatalogEntry*> out;
  for (const auto& e : entries_)
    if (e.category == category) out.push_back(&e);
  return out;
}

const Catalog& catalog() {
  static const Catalog c;
  return c;
}

}  // namespace cornu::nodes
