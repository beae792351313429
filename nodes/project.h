// .cornu project files: JSON with a format version, the graph with positions, the settings and the history
// of past runs; trained weights in a sibling `<name>.weights.h5` (Keras 3's layout). Loading checks
// everything and reports the first problem with its JSON path; saves are atomic (write, then rename).
#pragma once
#include <string>
#include <string_view>

#include "core/error.h"
#include "nodes/graph.h"

namespace cornu {
class Model;
}

namespace cornu::nodes {

inline constexpr int kProjectFormatVersion = 1;
// Limits that keep a hostile or damaged file from exhausting memory or the stack.
inline constexpr size_t kMaxProjectBytes = 64u << 20;
inline constexpr int kMaxJsonDepth = 64;
inline constexpr size_t kMaxNodes = 10000, kMaxEdges = 50000, kMaxHistoryRuns = 1000;
// Node ids in files; the editor numbers new nodes after the largest, which stays within int.
inline constexpr int64_t kMaxNodeId = 2000000000;
inline constexpr size_t kMaxJsonContainers = 500000;  // objects and lists in one file

// A project file that cannot be opened; `json_path` says where ("$.graph.nodes[3].params.units").
class ProjectError : public IoError {
 public:
  ProjectError(std::string json_path, std::string message, const std::string& prefix = "")
      : IoError(prefix + (json_path.empty() ? message : json_path + ": " + message)),
        json_path_(std::move(json_path)),
        message_(std::move(message)) {}
  const std::string& json_path() const { return json_path_; }
  const std::string& message() const { return message_; }  // without the path

 private:
  std::string json_path_, message_;
};

// Checks the callbacks, the device and the validation choice as the loader does; ValueError says what is
// wrong and what is allowed ("device: 'tpu' is not one of 'auto', 'cpu', 'gpu'.").
void check_training_settings(const Settings& settings);

Config project_to_json(const ProjectData& project);
std::string project_to_text(const ProjectData& project);  // pretty-printed, stable key order
ProjectData project_from_json(const Config& json);         // validates and migrates
ProjectData parse_project(std::string_view text);          // size and depth limits, then the above
ProjectData load_project(const std::string& path);         // ProjectError naming the file on failure
void save_project(const std::string& path, const ProjectData& project);

// "mnist.cornu" -> "mnist.weights.h5".
std::string weights_path_for(const std::string& project_path);
// Saves the model's weights beside the project, then the project (each atomic).
void save_project_with_weights(const std::string& path, const ProjectData& project, Model& model);
// Loads the weights saved beside the project into `model`; false when there are none.
bool load_project_weights(const std::string& project_path, Model& model);

// Writes `bytes` to `path` atomically: a temporary file beside it, flushed, renamed over it.
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace cornu::nodes
