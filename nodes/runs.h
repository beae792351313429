// Training a project: its settings as fit() options, the built-in demos as projects, and the record of a
// run kept in the project's history (what the dashboard overlays and the CLI prints).
#pragma once
#include <string>

#include "data/dataset.h"
#include "demos/demos.h"
#include "model/model.h"
#include "nodes/graph.h"

namespace cornu::nodes {

// The settings as fit() options: epochs, batches, shuffling and the seed; the validation they choose (a split
// of the training rows, `data`'s test set as validation_data, or none); and the callbacks, a
// ModelCheckpoint's relative filepath placed in the folder of the project at `project_path` (its default:
// <project>.checkpoint.weights.h5). Throws DeviceError when the device asked for cannot train in this build,
// ValueError when a checkpoint has no folder to go to (an unsaved project).
FitOptions fit_options(const Settings& settings, const data::TrainTest& data, const std::string& project_path = "");

// Where a ModelCheckpoint writes: `filepath` as set ("" for the default), placed beside the project.
std::string checkpoint_path(const std::string& filepath, const std::string& project_path);

// What a run record says beyond the settings and the history.
struct RunDetails {
  std::string device = "cpu";  // the device that trained (training_device())
  std::string fingerprint;     // data::fingerprint() of the data trained on; "" unknown
  std::string weights;         // the run's weights, relative to the project's folder; "" none saved
};

// One history entry: {"started", "finished", "device", "seed", "settings", "data": {"name", its resolved
// config, "fingerprint"}, "epochs": [{"epoch": 1, "loss": ...}], "stopped": "completed" | "stopped early" |
// "stopped by the user", "test": {...}, "weights"}. Non-finite values become null.
Config run_record(const Settings& settings, const History& history, const Logs& test, const std::string& started,
                  const std::string& finished, const std::string& stopped, const RunDetails& details = {});

// Saves the weights of the run that started at `started` beside the project, atomically:
// "mnist.cornu" -> "mnist.runs/2026-11-23T11-05-00Z.weights.h5" (a suffix when that name is taken). Returns
// the path relative to the project's folder, for the record's "weights".
std::string save_run_weights(const std::string& project_path, const std::string& started, Model& model);
// The file a record's relative "weights" path names.
std::string run_weights_file(const std::string& project_path, const std::string& relative);

// Appends a run to the project's history, dropping the oldest beyond the most a file keeps (1,000 runs).
void append_run(ProjectData& project, Config run);

// The current time as ISO 8601 UTC, "2026-11-23T11:05:00Z".
std::string utc_now();

// A built-in demo as a project: its model on the canvas (laid out), its data and training settings.
ProjectData demo_project(const Demo& demo);

}  // namespace cornu::nodes
