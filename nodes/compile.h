// Between the document and the engine: a canvas becomes a Keras-style Model (Sequential when it is a chain
// from one Input to one Output, functional otherwise; each unit a nested model of the same kind, named after
// it), and a Model becomes a canvas (how imported Keras models reach the editor), laid out by Graphviz.
#pragma once
#include "io/keras_io.h"
#include "model/model.h"
#include "nodes/graph.h"

namespace cornu::nodes {

// True when the graph is one Input, a chain of single-input layers, and one Output.
bool is_chain(const Graph& graph);

// Builds (and, with `compile`, compiles) the model the project describes. Initial weights come from the
// project's seed. Throws ValueError with the first problem the live checks find, so a model that fails
// to build says why in the editor's words.
// Without `compile`, Output nodes need no loss (a model that only predicts).
ModelPtr build_model(const ProjectData& project, bool compile = true);
// What a Keras Python script of the project does besides building the model: its data and its training.
io::PythonScriptOptions python_script_options(const Settings& settings);
// True when every Output node has a loss, so that the model can be compiled.
bool has_every_loss(const ProjectData& project);

// The project of an engine model: one node per layer, a unit per nested model (its body that model's graph,
// recursively), the compile() settings on Output nodes and in the settings, positions from Graphviz. Layers
// called more than once (shared layers) are refused for now (ValueError saying so).
ProjectData project_from_model(const Model& model, Settings settings = {});

// Lays out every node of the graph (Graphviz dot, top to bottom, no overlaps).
void arrange(Graph& graph);

}  // namespace cornu::nodes
