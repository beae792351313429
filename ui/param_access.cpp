#include "ui/param_access.h"

#include "core/error.h"

namespace cornu::ui {

ParamAccess node_param_access(nodes::Document& doc, int node, const ParamSpec& spec) {
  ParamAccess access;
  const std::string key = spec.name;
  // The node may be gone by the time a queued refresh asks (undo of its creation): read nothing then.
  access.value = [&doc, node, key] { return doc.node(node) ? doc.param(node, key) : Config(); };
  access.is_set = [&doc, node, key, fallback = spec.default_value] {
    const nodes::Node* n = doc.node(node);
    return n && n->params.contains(key) && n->params.at(key) != fallback;
  };
  access.apply = [&doc, node, key](const Config& value, int gesture) { doc.set_param(node, key, value, gesture); };
  access.begin_gesture = [&doc] { return doc.begin_gesture(); };
  // Null means "default", except where None is a value of its own (a nullable parameter with another
  // default): there the default is written back explicitly.
  access.reset = [&doc, node, key, spec] {
    doc.set_param(node, key, spec.nullable && !spec.default_value.is_null() ? spec.default_value : Config());
  };
  return access;
}

Config checked_value(const ParamSpec& spec, Config value) {
  if (std::string why = check_param(spec, value); !why.empty())
    throw ValueError(spec.name + ": " + why + "." + (spec.doc.empty() ? "" : " (" + spec.doc + ")"));
  return value;
}

}  // namespace cornu::ui
