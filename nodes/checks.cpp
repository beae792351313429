#include "nodes/checks.h"

#include <unistd.h>

#include <algorithm>
#include <set>

#include "core/error.h"
#include "data/builtin_datasets.h"
#include "constraints/constraint.h"
#include "initializers/initializer.h"
#include "losses/loss.h"
#include "metrics/metric.h"
#include "regularizers/regularizer.h"
#include "nodes/catalog.h"
#include "nodes/units.h"

namespace cornu::nodes {

std::string shape_text(const Shape& shape) { return shape.to_string(); }

bool CheckReport::has_errors() const {
  return std::any_of(problems.begin(), problems.end(), [](const Problem& p) { return p.severity == Severity::Error; });
}

std::vector<const Problem*> CheckReport::problems_of(int node) const {
  std::vector<const Problem*> out;
  for (const auto& p : problems)
    if (p.node == node) out.push_back(&p);
  return out;
}

std::string CheckReport::first_error() const {
  for (const auto& p : problems)
    if (p.severity == Severity::Error) return p.message;
  return "";
}

namespace {

double physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

int64_t add_saturated(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}

// The activation a layer node ends with, as a name ("softmax", "linear"); "" when it cannot be told.
std::string final_activation(const Node& n) {
  if (n.type == "Softmax") return "softmax";
  if (n.type == "ReLU") return "relu";
  if (n.type != "Dense" && n.type != "Activation") return "";
  Config a = n.params.contains("activation") ? n.params.at("activation") : Config("linear");
  if (a.is_null()) return "linear";
  if (a.is_object() && a.contains("class_name") && a.at("class_name").is_string()) a = a.at("class_name");
  return a.is_string() ? a.get<std::string>() : "";
}

// Everything one check run needs to find its way around the graph.
struct GraphIndex {
  std::map<int, const Node*> nodes;
  std::map<int, std::vector<const Edge*>> in, out;  // `in` ordered by port

  explicit GraphIndex(const Graph& g) {
    for (const auto& n : g.nodes) nodes[n.id] = &n;
    for (const auto& e : g.edges) {
      if (!nodes.count(e.from.node) || !nodes.count(e.to.node)) continue;
      in[e.to.node].push_back(&e);
      out[e.from.node].push_back(&e);
    }
    for (auto& [id, list] : in)
      std::sort(list.begin(), list.end(), [](const Edge* a, const Edge* b) { return a->to.port < b->to.port; });
  }
  const std::string& name(int id) const { return nodes.at(id)->name; }
};

class Run {
 public:
  // `body`: the graph is a unit's body, checked as a model of its own; `units`: the reports of the bodies of
  // the graph's units, by unit id.
  Run(const ProjectData& p, const Graph& graph, bool body, CheckReport& r, const GraphIndex& g,
      const std::map<int, CheckReport>& units)
      : project_(p), graph_(graph), body_(body), report_(r), g_(g), units_(units) {}

  void problem(int node, std::string message, Severity s = Severity::Error, std::optional<Edge> edge = {}) {
    report_.problems.push_back({s, node, edge, std::move(message)});
  }
  std::string input_mismatch(const std::string& input, const Shape& takes, const Shape& data) const;
  void data_problem(int node, std::string message, Severity s = Severity::Error) {
    problem(node, std::move(message), s);
    report_.problems.back().about_data = true;
  }

  void structure() {
    int inputs = 0, outputs = 0;
    for (const auto& n : graph_.nodes) {
      const CatalogEntry& e = catalog().get(n.type);
      inputs += e.is_input();
      outputs += e.is_output();
      ports(n, e);
      if (!e.is_output() && !g_.out.count(n.id))
        problem(n.id, "'" + n.name + "' leads nowhere: nothing uses its output. Connect it to another layer or " +
                          "to an Output, or delete it.", Severity::Warning);
    }
    // An Input that reaches no Output cannot be fed: the model would not know what to do with its data.
    std::set<int> useful;
    std::vector<int> stack;
    for (const auto& n : graph_.nodes)
      if (n.type == kOutputType) stack.push_back(n.id);
    while (!stack.empty()) {
      int id = stack.back();
      stack.pop_back();
      if (!useful.insert(id).second) continue;
      if (auto it = g_.in.find(id); it != g_.in.end())
        for (const Edge* e : it->second) stack.push_back(e->from.node);
    }
    const std::string model = body_ ? "unit" : "model";
    if (outputs > 0)
      for (const auto& n : graph_.nodes)
        if (n.type == kInputType && !useful.count(n.id))
          problem(n.id, "Input '" + n.name + "' does not lead to any Output, so the " + model + " could not take " +
                            "its data. Connect it through layers to an Output, or delete it.");
    if (body_) {
      if (graph_.nodes.empty())
        problem(0, "The unit is empty: open it and add an Input, the layers, and an Output.");
      else if (inputs == 0)
        problem(0, "The unit has no Input: add one inside it (Input/Output in the palette); each Input is one of the "
                   "unit's input ports.");
      else if (outputs == 0)
        problem(0, "The unit has no Output: connect its last layer to an Output inside it; each Output is one of the "
                   "unit's output ports (it carries no loss).");
      return;
    }
    if (graph_.nodes.empty()) {
      problem(0, "The canvas is empty: drag an Input from the palette to start, or open an example.");
      return;
    }
    if (inputs == 0)
      problem(0, "The model has no Input: add one (Input/Output in the palette) and give it the shape of one sample.");
    if (outputs == 0)
      problem(0, "The model has no Output: connect its last layer to an Output node (Input/Output in the palette), "
                 "which also says which loss to train with.");
  }

  // A unit's ports are its body's Inputs and Outputs; an edit inside can leave connections on ports gone.
  void unit_ports(const Node& n) {
    const Graph& body = body_of(n);
    const int inputs = static_cast<int>(unit_inputs(body).size()), outputs = static_cast<int>(unit_outputs(body).size());
    const auto none = std::vector<const Edge*>{};
    const auto& in = g_.in.count(n.id) ? g_.in.at(n.id) : none;
    const auto& out = g_.out.count(n.id) ? g_.out.at(n.id) : none;
    for (int port = 0; port < inputs; ++port)
      if (std::none_of(in.begin(), in.end(), [port](const Edge* x) { return x->to.port == port; }))
        problem(n.id, "Input " + std::to_string(port + 1) + " of unit '" + n.name + "' is not connected: it takes " +
                          std::to_string(inputs) + (inputs == 1 ? " input" : " inputs") +
                          " (the Inputs inside it); wire a layer's output into each.");
    for (const Edge* e : in)
      if (e->to.port >= inputs)
        problem(n.id, "Unit '" + n.name + "' has no input " + std::to_string(e->to.port + 1) + " any more: it has " +
                          std::to_string(inputs) + " Inputs inside. Delete the connection from '" +
                          g_.name(e->from.node) + "', or add an Input inside the unit.", Severity::Error, *e);
    for (const Edge* e : out)
      if (e->from.port >= outputs)
        problem(n.id, "Unit '" + n.name + "' has no output " + std::to_string(e->from.port + 1) + " any more: it has " +
                          std::to_string(outputs) + " Outputs inside. Delete the connection to '" +
                          g_.name(e->to.node) + "', or add an Output inside the unit.", Severity::Error, *e);
  }

  void ports(const Node& n, const CatalogEntry& e) {
    if (e.is_unit()) return unit_ports(n);
    auto it = g_.in.find(n.id);
    const size_t wired = it == g_.in.end() ? 0 : it->second.size();
    if (e.variadic()) {
      if (static_cast<int>(wired) < e.min_inputs)
        problem(n.id, "'" + n.name + "' combines at least " + std::to_string(e.min_inputs) + " inputs but " +
                          (wired == 0 ? "none is" : "only " + std::to_string(wired) + " is") +
                          " connected: wire another layer's output into it.");
      return;
    }
    auto connected_at = [&](int port) {
      return it != g_.in.end() &&
             std::any_of(it->second.begin(), it->second.end(), [port](const Edge* x) { return x->to.port == port; });
    };
    // Ports past min_inputs are optional (an RNN's initial states), but Keras passes them in order.
    int last_wired = -1;
    for (int port = 0; port < e.max_inputs; ++port)
      if (connected_at(port)) last_wired = port;
    for (int port = 0; port < e.max_inputs; ++port) {
      if (connected_at(port)) continue;
      if (port >= e.min_inputs) {
        if (port < last_wired)
          problem(n.id, "Input " + std::to_string(port + 1) + " of '" + n.name + "' is not connected, but input " +
                            std::to_string(last_wired + 1) + " is: optional inputs are taken in order, so wire " +
                            std::to_string(port + 1) + " too or move the connection to it.");
        continue;
      }
      if (e.min_inputs == 1)
        problem(n.id, "'" + n.name + "' has no input: drag from the bottom port of the layer that should feed it " +
                          "to the top port of '" + n.name + "'.");
      else
        problem(n.id, "Input " + std::to_string(port + 1) + " of '" + n.name + "' is not connected: it takes " +
                          std::to_string(e.min_inputs) + " inputs; wire a layer's output into each.");
    }
  }

  // Kahn's algorithm; what it cannot order lies on a loop or behind one.
  void order() {
    std::map<int, int> pending;
    for (const auto& [id, n] : g_.nodes) pending[id] = g_.in.count(id) ? static_cast<int>(g_.in.at(id).size()) : 0;
    std::vector<int> ready;
    for (const auto& n : graph_.nodes)
      if (pending[n.id] == 0) ready.push_back(n.id);
    for (size_t i = 0; i < ready.size(); ++i) {
      report_.order.push_back(ready[i]);
      if (auto it = g_.out.find(ready[i]); it != g_.out.end())
        for (const Edge* e : it->second)
          if (--pending[e->to.node] == 0) ready.push_back(e->to.node);
    }
    if (report_.order.size() == g_.nodes.size()) return;
    // Peel off the unordered nodes that feed no other unordered node (a worklist, linear in the graph):
    // what remains is on loops.
    std::set<int> loop;
    for (const auto& [id, count] : pending)
      if (count > 0) loop.insert(id);
    std::map<int, int> feeds;  // out-edges into the unordered set
    std::vector<int> free;
    for (int id : loop) {
      int n = 0;
      if (auto o = g_.out.find(id); o != g_.out.end())
        for (const Edge* e : o->second) n += loop.count(e->to.node) > 0;
      feeds[id] = n;
      if (n == 0) free.push_back(id);
    }
    while (!free.empty()) {
      int id = free.back();
      free.pop_back();
      loop.erase(id);
      if (auto in = g_.in.find(id); in != g_.in.end())
        for (const Edge* e : in->second)
          if (loop.count(e->from.node) && --feeds[e->from.node] == 0) free.push_back(e->from.node);
    }
    for (const auto& e : graph_.edges)
      if (loop.count(e.from.node) && loop.count(e.to.node))
        problem(e.to.node, "The connection '" + g_.name(e.from.node) + "' -> '" + g_.name(e.to.node) +
                               "' closes a loop: data would flow in a circle. A model flows one way, from its Inputs "
                               "to its Outputs: remove this connection or another one in the loop.",
                Severity::Error, e);
  }

  void shapes(const std::unordered_map<int, LayerPtr>& layers);

 private:
  bool unit_shapes(const Node& n, NodeReport& r);

  const ProjectData& project_;
  const Graph& graph_;
  bool body_;
  CheckReport& report_;
  const GraphIndex& g_;
  const std::map<int, CheckReport>& units_;
};

bool is_crossentropy(LossKind k) {
  return k == LossKind::CategoricalCrossentropy || k == LossKind::SparseCategoricalCrossentropy ||
         k == LossKind::BinaryCrossentropy;
}

}  // namespace

// Loss against output and labels: the mistakes that train without an error and learn nothing.
static void check_loss(Run& run, const ProjectData& project, const Node& output, const Node& producer,
                       const Shape& shape, const std::optional<data::DatasetInfo>& labels) {
  Config loss_config = output.params.contains("loss") ? output.params.at("loss") : Config();
  const std::string who = "Output '" + output.name + "'";
  if (loss_config.is_null()) {
    run.problem(output.id, who + " has no loss: choose sparse_categorical_crossentropy for class labels, " +
                               "binary_crossentropy for yes/no labels or mean_squared_error for numbers.");
    return;
  }
  LossPtr loss;
  try {
    loss = make_loss(loss_config);
  } catch (const Error& e) {
    run.problem(output.id, who + ": " + e.what());
    return;
  }
  for (const auto& m : output.params.value("metrics", Config::array())) {
    try {
      make_metric(m, loss.get());
    } catch (const Error& e) {
      run.problem(output.id, who + ": " + e.what());
    }
  }
  if (producer.type == kInputType) {
    run.problem(output.id, who + " is fed by the Input '" + producer.name + "' itself: there is nothing to train. " +
                               "Put layers between them.");
    return;
  }
  const std::string act = final_activation(producer);
  const int64_t units = shape.rank() == 2 ? shape[1] : Shape::kNone;
  const std::string units_text = std::to_string(units) + (units == 1 ? " unit" : " units");
  const LossKind kind = loss->kind;
  if (kind == LossKind::BinaryCrossentropy && units > 1 && act == "softmax") {
    run.problem(output.id, who + ": '" + producer.name + "' ends with a softmax over " + units_text +
                               ", but binary_crossentropy scores each unit as a separate yes/no question. For " +
                               std::to_string(units) + " classes use sparse_categorical_crossentropy (labels are " +
                               "class numbers) or categorical_crossentropy (one-hot labels).");
    return;
  }
  if ((kind == LossKind::CategoricalCrossentropy || kind == LossKind::SparseCategoricalCrossentropy) && units == 1) {
    run.problem(output.id, who + ": '" + producer.name + "' has a single unit, but " + loss->name +
                               " needs one unit per class (one softmax unit always outputs 1). For two classes, " +
                               "use one sigmoid unit with binary_crossentropy, or two softmax units.");
    return;
  }
  if (is_crossentropy(kind) && !loss->params.from_logits && !act.empty() && act != "softmax" && act != "sigmoid") {
    run.problem(output.id, who + ": '" + producer.name + "' ends with activation '" + act + "', so its outputs " +
                               "are not probabilities as " + loss->name + " expects. Set its activation to " +
                               (kind == LossKind::BinaryCrossentropy ? "sigmoid" : "softmax") +
                               ", or set from_logits=true on the loss.",
                Severity::Warning);
  }
  if (!labels) return;
  const std::string data_name = project.settings.dataset.value("name", std::string("the dataset"));
  const int classes = labels->classes;
  if (labels->labels == data::LabelKind::Classes) {
    if (kind == LossKind::CategoricalCrossentropy) {
      run.data_problem(output.id, who + ": the labels of " + data_name + " are class numbers (0 to " +
                                 std::to_string(classes - 1) + "), but categorical_crossentropy expects one-hot " +
                                 "vectors. Use sparse_categorical_crossentropy.");
    } else if (kind == LossKind::SparseCategoricalCrossentropy && units > 0 && units != classes) {
      run.data_problem(output.id, who + ": " + data_name + " has " + std::to_string(classes) + " classes but '" +
                                 producer.name + "' has " + units_text + ": set its units to " +
                                 std::to_string(classes) + ".");
    } else if (kind == LossKind::BinaryCrossentropy && classes != 2) {
      run.data_problem(output.id, who + ": binary_crossentropy is for two classes, but " + data_name + " has " +
                                 std::to_string(classes) + ". Use sparse_categorical_crossentropy with " +
                                 std::to_string(classes) + " softmax units.");
    } else if (kind == LossKind::BinaryCrossentropy && units > 1) {
      run.data_problem(output.id, who + ": " + data_name + " has two classes, labelled 0 and 1, so binary_crossentropy "
                                 "needs one sigmoid unit, but '" + producer.name + "' has " + units_text + ".");
    } else if (!is_crossentropy(kind)) {
      run.data_problem(output.id, who + ": " + loss->name + " treats the class numbers of " + data_name +
                                 " as quantities. For classification use sparse_categorical_crossentropy.",
                  Severity::Warning);
    }
  } else if (labels->labels == data::LabelKind::OneHot && kind == LossKind::SparseCategoricalCrossentropy) {
    run.data_problem(output.id, who + ": the labels of " + data_name + " are one-hot vectors, but " +
                               "sparse_categorical_crossentropy expects class numbers. Use categorical_crossentropy.");
  } else if (labels->labels == data::LabelKind::Regression && is_crossentropy(kind)) {
    run.data_problem(output.id, who + ": " + data_name + " has numeric targets, not classes: use mean_squared_error " +
                               "or mean_absolute_error.");
  }
}

// Input against the data's samples. Same values in another arrangement ((784,) against (28, 28)) is the
// common case: the fix is the Input's shape plus a Flatten, not other data.
std::string Run::input_mismatch(const std::string& input, const Shape& takes, const Shape& data) const {
  const std::string data_name = project_.settings.dataset.value("name", std::string("the dataset"));
  std::string message = "Input '" + input + "' takes samples of shape " + takes.to_string() + ", but the samples of " +
                        data_name + " are " + data.to_string() + ". ";
  bool known = takes.rank() > 0;  // no None axis
  for (int a = 0; a < takes.rank(); ++a) known = known && takes[a] > 0;
  if (known && takes.size() == data.size() && takes.rank() == 1 && data.rank() > 1)
    return message + "They hold the same " + std::to_string(data.size()) + " values: set the Input's shape to " +
           data.to_string() + " and put a Flatten layer right after it.";
  return message + "Set the Input's shape to " + data.to_string() +
         (data.rank() > 1 ? " (and add a Flatten before the first Dense)" : "") + ", or choose data that fits.";
}

// A unit: what arrives must fit its Inputs; what leaves is what reaches its Outputs. False when not known.
bool Run::unit_shapes(const Node& n, NodeReport& r) {
  const CheckReport& body = units_.at(n.id);
  const Graph& graph = body_of(n);
  const auto inputs = unit_inputs(graph);
  const auto wired = g_.in.find(n.id);
  bool known = true;
  for (size_t k = 0; k < inputs.size(); ++k) {
    auto it = body.nodes.find(inputs[k]->id);
    if (it == body.nodes.end() || it->second.outputs.empty()) {
      known = false;  // the Input's own shape is wrong: reported inside
      continue;
    }
    const Shape& wanted = it->second.outputs[0];
    if (r.inputs[k].without_batch() == wanted.without_batch()) continue;
    const Edge* edge = wired->second.at(k);  // inputs arrived at every port, in port order
    problem(n.id, "Unit '" + n.name + "' takes " + shape_text(wanted) + " at input " + std::to_string(k + 1) +
                      " (its Input '" + inputs[k]->name + "'), but '" + g_.name(edge->from.node) + "' gives " +
                      shape_text(r.inputs[k]) + ". Change the layers before it, or the shape of that Input inside " +
                      "the unit.", Severity::Error, *edge);
    known = false;
  }
  if (!known) return false;
  for (const Node* output : unit_outputs(graph)) {
    auto it = body.nodes.find(output->id);
    if (it == body.nodes.end() || it->second.outputs.empty()) {
      r.outputs.clear();
      return false;
    }
    r.outputs.push_back(it->second.outputs[0]);
  }
  r.params = body.total_params;
  r.trainable_params = body.trainable_params;
  r.macs = body.total_macs;
  return true;
}

void Run::shapes(const std::unordered_map<int, LayerPtr>& layers) {
  std::optional<data::DatasetInfo> labels;
  if (!body_ && !project_.settings.dataset.is_null()) {
    try {
      labels = data::dataset_info(project_.settings.dataset);
    } catch (const Error& e) {
      data_problem(0, std::string("Data: ") + e.what());
    }
  }
  int input_count = 0, output_count = 0;
  for (const auto& [id, n] : g_.nodes) {
    input_count += n->type == kInputType;
    output_count += n->type == kOutputType;
  }
  for (int id : report_.order) {
    const Node& n = *g_.nodes.at(id);
    NodeReport& r = report_.nodes[id];
    bool known = true;
    const CatalogEntry& entry = catalog().get(n.type);
    if (auto it = g_.in.find(id); it != g_.in.end())
      for (const Edge* e : it->second) {
        const NodeReport& src = report_.nodes[e->from.node];
        if (e->from.port >= static_cast<int>(src.outputs.size())) known = false;
        else r.inputs.push_back(src.outputs[static_cast<size_t>(e->from.port)]);
      }
    const int wired = static_cast<int>(r.inputs.size());
    if (entry.is_unit() && wired != static_cast<int>(unit_inputs(body_of(n)).size())) known = false;
    // Optional inputs (ports past min_inputs) may stay open; the ports check reports gaps between them.
    if (!entry.is_unit() && !entry.variadic() && (wired < entry.min_inputs || wired > entry.max_inputs)) known = false;
    if (entry.variadic() && static_cast<int>(r.inputs.size()) < entry.min_inputs) known = false;
    if (!known) continue;  // the problem is upstream, or an open port already reported
    if (entry.is_output()) {
      r.outputs = r.inputs;
      const Edge* in = g_.in.at(id).front();
      if (!body_)
        check_loss(*this, project_, n, *g_.nodes.at(in->from.node), r.inputs[0],
                   output_count == 1 ? labels : std::nullopt);
      else if (n.params.contains("loss") && !n.params.at("loss").is_null())
        problem(id, "Output '" + n.name + "' is inside a unit, so its loss is not used: only the model's own Outputs "
                        "carry a loss. Clear it, or set the loss on the model's Output.", Severity::Warning);
      continue;
    }
    if (entry.is_unit()) {
      if (!unit_shapes(n, r)) continue;
      report_.total_params = add_saturated(report_.total_params, r.params);
      report_.trainable_params = add_saturated(report_.trainable_params, r.trainable_params);
      report_.total_macs = add_saturated(report_.total_macs, r.macs);
      continue;
    }
    auto layer_it = layers.find(id);
    if (layer_it == layers.end() || !layer_it->second) continue;  // its parameters are wrong: reported
    Layer& layer = *layer_it->second;
    try {
      r.outputs = layer.compute_output_shape(r.inputs);
      if (!n.shares.empty()) {  // its weights are counted once, on the node it shares
        r.macs = layer.count_macs(r.inputs, r.outputs);
        report_.total_macs = add_saturated(report_.total_macs, r.macs);
        continue;
      }
      for (const auto& w : layer.weight_shapes(r.inputs)) {
        r.params = add_saturated(r.params, w.shape.size());
        if (w.trainable) r.trainable_params = add_saturated(r.trainable_params, w.shape.size());
      }
      r.macs = layer.count_macs(r.inputs, r.outputs);
    } catch (const Error& e) {
      r.outputs.clear();
      const auto& in = g_.in.count(id) ? g_.in.at(id) : std::vector<const Edge*>{};
      std::optional<Edge> edge;
      if (in.size() == 1) edge = *in.front();
      problem(id, e.what(), Severity::Error, edge);
      continue;
    }
    report_.total_params = add_saturated(report_.total_params, r.params);
    report_.trainable_params = add_saturated(report_.trainable_params, r.trainable_params);
    report_.total_macs = add_saturated(report_.total_macs, r.macs);
    if (entry.is_input() && labels && input_count == 1 && !r.outputs.empty()) {
      Shape sample = r.outputs[0].without_batch();
      bool fits = sample.rank() == labels->sample_shape.rank();
      for (int a = 0; fits && a < sample.rank(); ++a)
        fits = sample[a] == Shape::kNone || sample[a] == labels->sample_shape[a];
      if (!fits) data_problem(id, input_mismatch(n.name, sample, labels->sample_shape));
    }
  }
  // A shared layer's weights fit the shapes of its first call: every call must bring the same.
  for (const auto& [id, n] : g_.nodes) {
    if (n->shares.empty()) continue;
    auto target = std::find_if(g_.nodes.begin(), g_.nodes.end(), [&](const auto& m) { return m.second->name == n->shares; });
    if (target == g_.nodes.end()) continue;
    const NodeReport& mine = report_.nodes[id];
    const NodeReport& theirs = report_.nodes[target->first];
    if (mine.outputs.empty() || theirs.outputs.empty() || mine.inputs.size() != theirs.inputs.size()) continue;
    for (size_t k = 0; k < mine.inputs.size(); ++k)
      if (mine.inputs[k].without_batch() != theirs.inputs[k].without_batch()) {
        problem(id, "'" + n->name + "' shares the layer of '" + n->shares + "', which takes " + shape_text(theirs.inputs[k]) +
                        ", but it receives " + shape_text(mine.inputs[k]) + ". A shared layer must be called on " +
                        "tensors of the same shape; use a layer of its own instead.");
        break;
      }
  }
}

const Checker::CachedLayer& Checker::layer_for(const Node& n) {
  std::string key = n.type + '\n' + n.name + '\n' + n.params.dump();
  CachedLayer& c = cache_[n.id];
  if (c.key == key && (c.layer || !c.error.empty())) return c;
  c = CachedLayer{key, nullptr, ""};
  try {
    Config config = n.params;
    config["name"] = n.name;
    c.layer = make_layer(n.type, config);
    // Weight initializers, regularizers and constraints are only made when the model is built: make them
    // now, so that a bad one is a problem on its node rather than an error at training time.
    for (const auto& spec : catalog().get(n.type).params) {
      if (!n.params.contains(spec.name) || n.params.at(spec.name).is_null()) continue;
      const Config& v = n.params.at(spec.name);
      if (spec.type == ParamType::Initializer) make_initializer(v);
      if (spec.type == ParamType::Regularizer) make_regularizer(v);
      if (spec.type == ParamType::Constraint) make_constraint(v);
    }
  } catch (const Error& e) {
    c.layer = nullptr;
    c.error = e.what();
  } catch (const std::exception& e) {  // a hostile value the registry's checks let through
    c.error = "'" + n.name + "' has parameters Cornu cannot use (" + e.what() + "): check them in the inspector.";
  }
  return c;
}

CheckReport Checker::check(const ProjectData& project, const std::vector<int>& scope) {
  Checker* checker = this;
  const Graph* graph = &project.graph;
  for (int id : scope) {
    auto it = std::find_if(graph->nodes.begin(), graph->nodes.end(), [id](const Node& n) { return n.id == id; });
    if (it == graph->nodes.end() || !is_unit(*it))
      throw ValueError("The scope names node " + std::to_string(id) + ", which is not a unit there.");
    auto& inner = checker->units_[id];
    if (!inner) inner = std::make_unique<Checker>();
    checker = inner.get();
    graph = &body_of(*it);
  }
  return checker->check_graph(project, *graph, !scope.empty());
}

CheckReport Checker::check_graph(const ProjectData& project, const Graph& graph, bool body) {
  CheckReport report;
  GraphIndex g(graph);
  std::map<int, CheckReport> units;  // the bodies first: a unit's shapes come from its body
  for (const auto& n : graph.nodes) {
    if (!is_unit(n)) continue;
    auto& inner = units_[n.id];
    if (!inner) inner = std::make_unique<Checker>();
    units[n.id] = inner->check_graph(project, body_of(n), true);
  }
  for (auto it = units_.begin(); it != units_.end();)
    it = units.count(it->first) ? std::next(it) : units_.erase(it);
  Run run(project, graph, body, report, g, units);
  run.structure();
  run.order();
  for (const auto& [id, inner] : units)
    for (const auto& p : inner.problems)
      run.problem(id, "inside unit '" + g.name(id) + "': " + p.message, p.severity);
  std::unordered_map<int, LayerPtr> layers;
  for (const auto& n : graph.nodes) {
    if (n.type == kOutputType || is_unit(n) || !n.shares.empty()) continue;
    const CachedLayer& c = layer_for(n);
    if (!c.error.empty()) run.problem(n.id, "'" + n.name + "': " + c.error);
    layers[n.id] = c.layer;
  }
  // A node sharing a layer calls the very layer object of the node it names (Keras's shared layer).
  for (const auto& n : graph.nodes) {
    if (n.shares.empty()) continue;
    auto target = std::find_if(graph.nodes.begin(), graph.nodes.end(), [&](const Node& m) { return m.name == n.shares; });
    if (target == graph.nodes.end())
      run.problem(n.id, "'" + n.name + "' shares the layer '" + n.shares + "', which is not in this graph any more. "
                        "Pick the layer to share in the inspector, or delete '" + n.name + "'.");
    else if (target->type != n.type || !target->shares.empty())
      run.problem(n.id, "'" + n.name + "' can share only another " + n.type + " that shares nothing itself; '" +
                        n.shares + "' is not one.");
    else
      layers[n.id] = layers[target->id];
  }
  // Forget layers of nodes that are gone.
  for (auto it = cache_.begin(); it != cache_.end();)
    it = g.nodes.count(it->first) ? std::next(it) : cache_.erase(it);
  run.shapes(layers);
  if (body) return report;
  // Training holds each weight four times (value, gradient, and an optimizer's two moments, as Adam does).
  const double bytes = static_cast<double>(report.total_params) * 16.0;
  const double memory = physical_memory_bytes();
  if (memory > 0 && bytes > memory)
    run.problem(0, "The model has " + std::to_string(report.total_params) + " parameters: training it needs about " +
                       std::to_string(static_cast<int64_t>(bytes / (1 << 30))) + " GiB, more than this computer's " +
                       std::to_string(static_cast<int64_t>(memory / (1 << 30))) +
                       " GiB. Make the largest layers smaller (the summary shows which).");
  return report;
}

std::vector<const Problem*> data_problems(const CheckReport& report) {
  std::vector<const Problem*> found;
  for (const Problem& p : report.problems)
    if (p.about_data) found.push_back(&p);
  return found;
}

CheckReport check(const ProjectData& project, const std::vector<int>& scope) {
  Checker checker;
  return checker.check(project, scope);
}

}  // namespace cornu::nodes
