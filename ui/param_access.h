// ParamAccess for a parameter of a node of the document: read through Document::param, written through
// Document::set_param (one undo step, or one per gesture), refused with the document's reason.
#pragma once
#include "nodes/document.h"
#include "ui/param_editor.h"

namespace cornu::ui {

ParamAccess node_param_access(nodes::Document& doc, int node, const ParamSpec& spec);

// Checks `value` against `spec` as the document would (normalising it: 3 -> [3] for a tuple) and throws
// ValueError "why. (doc)" when it does not fit: for values kept outside nodes (optimizer, settings).
Config checked_value(const ParamSpec& spec, Config value);

}  // namespace cornu::ui
