// Live checks: after every edit the whole graph is re-inferred through the engine's own shape rules, and
// each problem is attached to the node or connection it concerns, with a message a beginner can act on.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/shape.h"
#include "layers/layer.h"
#include "nodes/graph.h"

namespace cornu::nodes {

enum class Severity { Error, Warning };

struct Problem {
  Severity severity = Severity::Error;
  int node = 0;              // 0: the model as a whole
  std::optional<Edge> edge;  // set when a connection is at fault
  std::string message;
  bool about_data = false;  // compares the model with the project's data (the Data panel shows these)
};

struct NodeReport {
  Shapes inputs;   // the shapes arriving, by port (batch None)
  Shapes outputs;  // empty when unknown (a problem upstream or here)
  int64_t params = 0, trainable_params = 0;
  int64_t macs = 0;  // multiply-adds per sample
};

struct CheckReport {
  std::map<int, NodeReport> nodes;
  std::vector<Problem> problems;
  std::vector<int> order;  // node ids in data-flow order (nodes caught in a loop are left out)
  int64_t total_params = 0, trainable_params = 0, total_macs = 0;

  bool has_errors() const;
  std::vector<const Problem*> problems_of(int node) const;
  // The first error, "'dense_1': ..." (for refusing to compile); empty when there is none.
  std::string first_error() const;
};

// Keeps the layers it made between runs (keyed by node, type, name and parameters), so a re-check after a
// small edit rebuilds only what changed.
//
// A unit (a nested model) is checked as Keras would build it: its body alone, from the shapes of its own
// Inputs; what arrives at its ports must have those shapes, its outputs are the shapes reaching its body's
// Outputs, its parameters count into the totals, and the problems in its body are reported on the unit,
// "inside unit 'block_1': ...".
class Checker {
 public:
  // The model; with a scope (Document::scope(), the path of unit ids to a unit opened in place), the body of
  // that unit as a model of its own: its Inputs' shapes, Outputs without a loss, no data checks.
  CheckReport check(const ProjectData& project, const std::vector<int>& scope = {});

 private:
  CheckReport check_graph(const ProjectData& project, const Graph& graph, bool body);
  struct CachedLayer {
    std::string key;
    LayerPtr layer;
    std::string error;  // the layer could not be made from its parameters
  };
  const CachedLayer& layer_for(const Node& node);
  std::unordered_map<int, CachedLayer> cache_;
  std::unordered_map<int, std::unique_ptr<Checker>> units_;  // per unit node: the checker of its body (ids are its own)
};

// The problems that compare the model with its data (sample shape, labels against the loss, a dataset that
// cannot be described): the Data panel's verdict line.
std::vector<const Problem*> data_problems(const CheckReport& report);

// One-off check without a cache.
CheckReport check(const ProjectData& project, const std::vector<int>& scope = {});

// "(None, 28, 28)": how the editor writes shapes (Keras's notation).
std::string shape_text(const Shape& shape);

}  // namespace cornu::nodes
