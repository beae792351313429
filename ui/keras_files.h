// File > Import Keras Model and File > Export > Keras HDF5 / Keras archive / Python script: the dialogs around
// engine/io/keras_io.h. Import writes the model as a project (with its weights beside it) and returns its path
// for the window to open; export builds the canvas's model with the best weights there are: the last run's
// when it trained this very graph, else those saved beside the project, else fresh ones (and says which).
#pragma once
#include <QString>

#include "model/model.h"
#include "nodes/graph.h"

class QWidget;

namespace cornu::ui {

enum class KerasExport { H5, Archive, Python };

// Asks for a Keras file, then for the project to create; "" when cancelled or refused (the reason was shown).
QString import_keras_model(QWidget* parent);

// The weights an export carries, and where they came from, in words.
struct ExportWeights {
  ModelPtr trained;          // the last run's model, or null
  nodes::Graph trained_graph;
};

// Asks where to write, then writes; returns the message for the status line ("" when cancelled or failed).
QString export_keras(QWidget* parent, KerasExport format, const nodes::ProjectData& project, const ExportWeights& weights,
                     const QString& suggested_base);

// The same without dialogs (the dialogs' work, and what tests drive): throws cornu::Error on failure.
QString write_keras_export(KerasExport format, const nodes::ProjectData& project, const ExportWeights& weights,
                           const QString& path, bool distributed = false);
QString write_keras_import(const QString& model_path, const QString& project_path);

}  // namespace cornu::ui
