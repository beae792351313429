// The plain data of a project: nodes, edges and settings, as saved in a .cornu file. No behaviour here;
// Document (document.h) edits it through undoable commands.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/registry.h"

namespace cornu::nodes {

// The size of a node card on the canvas (the canvas draws them; the layout spaces them).
inline constexpr double kCardWidth = 200, kCardHeight = 72;
// The canvas is 2e7 pixels across: positions beyond are clamped (and refused in files).
inline constexpr double kMaxCoordinate = 1e7;
inline double clamp_coordinate(double v) { return v != v ? 0.0 : v < -kMaxCoordinate ? -kMaxCoordinate : v > kMaxCoordinate ? kMaxCoordinate : v; }
// Bounds of the settings, shared by the editor and the file loader.
inline constexpr int64_t kMaxBatchSize = 1 << 20, kMaxEpochs = 1000000;
inline constexpr uint64_t kMaxSeed = 9007199254740991;  // 2^53 - 1: exact in JSON readers everywhere
inline constexpr double kMaxValidationSplit = 0.99;
// Where training runs ("auto": the best device this build can train on) and what validates each epoch
// ("split": validation_split of the training rows; "test": the dataset's test set, as Keras users often
// pass validation_data; "none").
inline const std::vector<std::string> kDeviceChoices{"auto", "cpu", "gpu"};
inline const std::vector<std::string> kValidationChoices{"split", "test", "none"};

struct Graph;

struct Node {
  int id = 0;           // stable within its graph; never reused while the document is open
  std::string type;     // catalog type: Keras class name, "Output", or "Unit"
  std::string name;     // unique in its graph, Keras-style: "dense", "dense_1"
  Config params = Config::object();  // the parameters the user set; the others take the catalog's defaults
  double x = 0, y = 0;  // top-left of the card on the canvas
  // A unit (type "Unit", a nested model) holds exactly one graph, its body; every other node none. The
  // body's InputLayer nodes are the unit's input ports and its Output nodes its output ports, both in the
  // body's node order. Node ids and names in a body are a space of their own.
  std::vector<Graph> body;
  // Keras's shared layer: the name of another layer node of the same graph whose layer this node calls again,
  // with the same weights. Such a node has no parameters of its own (they are that node's); "" for none.
  std::string shares;
  bool operator==(const Node&) const;
};

struct Port {
  int node = 0;
  int port = 0;
  bool operator==(const Port&) const = default;
};

// An output port feeding an input port. Each input port takes one edge; the ports of a merge layer are
// ordered (Concatenate's first input is port 0) and stay contiguous: removing one shifts the later ones.
struct Edge {
  Port from, to;
  bool operator==(const Edge&) const = default;
};

// Model-level and training settings (the Output nodes carry the loss of each output).
struct Settings {
  std::string model_name;  // Keras model name; empty: "sequential"/"functional" as Keras names them
  Config optimizer = {{"class_name", "Adam"}, {"config", {{"learning_rate", 0.001}}}};
  int64_t batch_size = 32;
  int64_t epochs = 10;
  uint64_t seed = 1337;
  double validation_split = 0.1;
  bool shuffle = true;
  Config dataset = nullptr;  // {"name": "fashion-mnist", ...} (data/builtin_datasets.h), or null: none chosen
  // Keras-style [{"class_name": "EarlyStopping", "config": {"patience": 3}}, ...]: each class at most once,
  // configs holding only what the user set (callbacks/callback_registry.h has the rest).
  Config callbacks = Config::array();
  std::string device = "auto";      // one of kDeviceChoices
  std::string validation = "split";  // one of kValidationChoices
  bool operator==(const Settings&) const = default;
};

struct Graph {
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  bool operator==(const Graph&) const = default;
};

inline bool Node::operator==(const Node&) const = default;  // here, where Graph is complete

// Everything a .cornu file holds (the weights live in a sibling .weights.h5).
struct ProjectData {
  Graph graph;
  Settings settings;
  // One entry per training run: {"started", "settings", "epochs": [{"epoch": 1, "loss": ...}], "stopped", "test"}.
  Config history = Config::array();
  // The file the project lives in, absolute, or "" when unsaved. Not part of the file (nor of ==): it lets a
  // run place its checkpoints and weights beside the project.
  std::string path;
  bool operator==(const ProjectData& o) const {
    return graph == o.graph && settings == o.settings && history == o.history;
  }
};

}  // namespace cornu::nodes
