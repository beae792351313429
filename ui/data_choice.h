// The Data panel's form: which dataset (a combo of the registry, each entry's one-line doc as its tooltip)
// and the chosen entry's parameters, generated from its ParamSpecs, with Browse… buttons for file and folder
// parameters. Each edit is one undo step through Document::set_settings (a drag or typing: one gesture).
#pragma once
#include <string>

#include "nodes/document.h"

namespace cornu::ui {

class ParamForm;

// "spirals", or "" when no dataset is chosen.
std::string dataset_name(const nodes::Settings& settings);

// Adds the rows: "data.dataset" (the combo), then "dataset.<param>" for each parameter of the chosen entry.
void add_dataset_rows(ParamForm& form, nodes::Document& doc);

// Each entry's one-line doc as the tooltip of its item in the combo (again after a refresh refills it).
void add_dataset_tooltips(ParamForm& form);

// Sets one parameter of the chosen dataset (null: back to its default); throws with the reason when refused.
void set_dataset_param(nodes::Document& doc, const std::string& key, const Config& value, int gesture = 0);

}  // namespace cornu::ui
