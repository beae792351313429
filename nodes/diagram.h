// Model diagrams as Keras's plot_model draws them (https://keras.io/api/utils/model_plotting_utils/): one box
// per layer with its type (and name), the input and output shapes the live checks infer, and the activation on
// request; rendered to SVG or PNG with Graphviz. The editor's "Export Diagram" and `cornu export` both call it.
#pragma once
#include <string>

#include "nodes/graph.h"

namespace cornu::nodes {

// plot_model's options, with the defaults an exported figure wants (shapes on: the point of a diagram).
// Left out: show_dtype (every Cornu tensor is float32) and expand_nested.
struct DiagramOptions {
  bool show_shapes = true;              // "Input shape" / "Output shape" under each header
  bool show_layer_names = false;        // header "dense_1 (Dense)" instead of "Dense"
  bool show_layer_activations = false;  // an "Activation: relu" row for layers that have one
  bool show_trainable = false;          // a "Trainable" / "Non-trainable" cell for layers with weights
  std::string rankdir = "TB";           // "TB" top to bottom, or "LR" left to right
  double dpi = 96;                      // PNG resolution (SVG is resolution-free); from 36 to 600
};

// The diagram as Graphviz DOT text: one HTML-table node per layer, edges in port order (the first input of a
// merge layer leftmost, or topmost with LR). Output nodes are left out, as Keras has none: the edges end at the
// last layer. Shapes come from check() (checks.h); a shape that cannot be inferred is drawn "?", so a graph
// with problems still has a diagram. Throws ValueError for a rankdir other than TB or LR.
std::string diagram_dot(const ProjectData& project, const DiagramOptions& options = {});

// Renders the diagram to `path` as SVG or PNG, chosen by its extension (.svg, .png, any case), and writes it
// atomically (a temporary file renamed over `path`). Throws ValueError for another extension or a dpi out of
// range, IoError when the file cannot be written, and Error when Graphviz fails. Thread-safe: Graphviz calls
// share layout_dot's lock.
void export_diagram(const ProjectData& project, const std::string& path, const DiagramOptions& options = {});

// The diagram as bytes: `format` is "svg" or "png" (what export_diagram writes).
std::string render_diagram(const ProjectData& project, const std::string& format, const DiagramOptions& options = {});

}  // namespace cornu::nodes
