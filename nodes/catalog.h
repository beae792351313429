// The node catalog: what the palette offers and the inspector edits, generated from the engine's layer
// registry (a layer added to the engine appears here with no edit in nodes/), plus the one node that is
// not a layer: Output, which marks a model output and carries its loss.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/registry.h"

namespace cornu::nodes {

inline constexpr const char* kOutputType = "Output";
inline constexpr const char* kInputType = "InputLayer";
// A group of layers used as one: a nested model whose body is a graph (Node::body).
inline constexpr const char* kUnitType = "Unit";

struct CatalogEntry {
  std::string type;      // Keras class name ("Dense"), or "Output"
  std::string category;  // one of categories(), in palette order
  std::string doc;       // one line
  std::vector<ParamSpec> params;
  // Input ports; max -1: as many as are wired (merge layers). A unit's ports come from its body
  // (Document::input_ports/output_ports): its entry says 1 and 1 only as the usual case.
  int min_inputs = 1, max_inputs = 1;
  int outputs = 1;  // output ports (see output_count)
  // The output ports for a node's parameters when they decide it (LSTM's return_state); null: `outputs`.
  std::function<int(const Config& params)> output_count;
  // Parameters worth printing on the node card ("units", "activation", "rate"...).
  std::vector<std::string> card_params;

  bool is_input() const { return type == kInputType; }
  bool is_output() const { return type == kOutputType; }
  bool is_unit() const { return type == kUnitType; }
  bool variadic() const { return max_inputs < 0; }
  const ParamSpec* param(const std::string& name) const;
  // "Dense has no parameter 'unit'. Did you mean 'units'?": for editors and the file loader alike.
  std::string unknown_param_message(const std::string& name) const;
};

class Catalog {
 public:
  Catalog();
  const std::vector<CatalogEntry>& entries() const { return entries_; }
  // By type, alias or Keras name ("Input" finds InputLayer); throws ValueError with a suggestion.
  const CatalogEntry& get(const std::string& type) const;
  const CatalogEntry* find(const std::string& type) const;
  // The palette's groups, in order: Input/Output, Core, Convolution, ..., then any new ones.
  std::vector<std::string> categories() const;
  std::vector<const CatalogEntry*> in_category(const std::string& category) const;

 private:
  std::vector<CatalogEntry> entries_;
};

const Catalog& catalog();

}  // namespace cornu::nodes
