// Training a project: its settings as fit() options, the built-in demos as projects, and the record of a
// run kept in the project's history (what the dashboard overlays and the CLI prints).
#pragma once
#include <string>

#include "demos/demos.h"
#include "model/model.h"
#include "nodes/graph.h"

namespace cornu::nodes {

FitOptions fit_options(const Settings& settings);

// One history entry: {"started", "finished", "device", "settings", "epochs": [{"epoch": 1, "loss": ...}],
// "stopped": "completed" | "stopped early" | "stopped by the user", "test": {...}}. Non-finite values become null.
Config run_record(const Settings& settings, const History& history, const Logs& test, const std::string& started,
                  const std::string& finished, const std::string& stopped);

// Appends a run to the project's history, dropping the oldest beyond the most a file keeps (1,000 runs).
void append_run(ProjectData& project, Config run);

// The current time as ISO 8601 UTC, "2026-11-23T11:05:00Z".
std::string utc_now();

// A built-in demo as a project: its model on the canvas (laid out), its data and training settings.
ProjectData demo_project(const Demo& demo);

}  // namespace cornu::nodes
