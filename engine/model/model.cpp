// Model structure: graph traversal, nesting, weights, Sequential. Training lives in trainer.cpp and the
// summary table in summary.cpp.
#include "model/model.h"

#include <functional>
#include <set>

#include "core/error.h"
#include "layers/input_layer.h"
#include "model/plan.h"
#include "model/trainer_state.h"

namespace cornu {

Model::Model(const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& outputs,
             const std::string& name)
    : Layer("Functional", name.empty() ? Config::object() : Config{{"name", name}}) {
  set_graph(inputs, outputs);
}

Model::Model(const std::string& class_name, const std::string& name)
    : Layer(class_name, name.empty() ? Config::object() : Config{{"name", name}}) {}

void Model::set_graph(const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& outputs) {
  if (inputs.empty()) throw ValueError("A model needs at least one input: pass the tensors made by Input(...).");
  if (outputs.empty()) throw ValueError("A model needs at least one output tensor.");
  std::set<const Node*> input_nodes;
  for (const auto& x : inputs) {
    if (!x.node || x.node->layer->class_name() != "InputLayer")
      throw ValueError("Model inputs must be tensors made by Input(...); got the output of layer '" +
                       (x.node ? x.node->layer->name() : std::string("?")) + "'.");
    input_nodes.insert(x.node.get());
  }
  // Depth-first from the outputs gives a topological order; reaching an Input that is not one of the
  // model's inputs means the graph is disconnected.
  std::vector<std::shared_ptr<Node>> order;
  std::set<const Node*> done, active;
  std::function<void(const std::shared_ptr<Node>&)> visit = [&](const std::shared_ptr<Node>& n) {
    if (done.count(n.get())) return;
    if (active.count(n.get())) throw ValueError("The model's graph has a cycle through layer '" + n->layer->name() + "'.");
    active.insert(n.get());
    if (n->layer->class_name() == "InputLayer" && !input_nodes.count(n.get()))
      throw ValueError("Graph disconnected: the outputs depend on input '" + n->layer->name() +
                       "', which is not among the model's inputs. Add it to the inputs of Model(...).");
    for (const auto& x : n->inputs) visit(x.node);
    active.erase(n.get());
    done.insert(n.get());
    order.push_back(n);
  };
  for (const auto& y : outputs) {
    if (!y.node) throw ValueError("A model output is an empty tensor.");
    visit(y.node);
  }
  for (const auto& x : inputs)
    if (!done.count(x.node.get())) order.insert(order.begin(), x.node);  // unused input: still an input
  inputs_ = inputs;
  outputs_ = outputs;
  nodes_ = std::move(order);
  layers_.clear();
  std::set<const Layer*> seen;
  for (const auto& n : nodes_)
    if (seen.insert(n->layer.get()).second) layers_.push_back(n->layer);
  // A model is a built layer: its inner layers were built when they were called.
  Shapes in;
  for (const auto& x : inputs_) in.push_back(x.shape());
  build(in, 0);
  invalidate_plans();
}

void Model::clear_graph() {
  inputs_.clear(), outputs_.clear(), nodes_.clear(), layers_.clear();
  invalidate_plans();
}

LayerPtr Model::get_layer(const std::string& name) const {
  for (const auto& l : layers_)
    if (l->name() == name) return l;
  std::vector<std::string> names;
  for (const auto& l : layers_) names.push_back(l->name());
  std::string hint = did_you_mean(name, names);
  throw ValueError("Model '" + this->name() + "' has no layer named '" + name + "'. " + hint);
}

std::vector<Variable*> Model::all_variables() {
  std::vector<Variable*> out;
  std::set<const Variable*> seen;
  for (const auto& l : layers_)
    for (Variable* v : l->all_variables())
      if (seen.insert(v).second) out.push_back(v);
  return out;
}

int64_t Model::count_params() const {
  int64_t n = 0;
  for (Variable* v : const_cast<Model*>(this)->all_variables()) n += v->value.size();
  return n;
}

Shapes Model::compute_output_shape(const Shapes& inputs) const {
  expect_inputs(name(), inputs, static_cast<int>(inputs_.size()), static_cast<int>(inputs_.size()));
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].without_batch() != inputs_[i].shape().without_batch())
      throw ShapeError("Model '" + name() + "' expects input " + std::to_string(i) + " of shape " +
                       inputs_[i].shape().to_string() + ", but it received " + inputs[i].to_string() + ".");
  Shapes out;
  for (const auto& y : outputs_) out.push_back(y.shape().with_batch(inputs.empty() ? Shape::kNone : inputs[0][0]));
  return out;
}

void Model::forward(Context&, const std::vector<const Tensor*>&, const std::vector<Tensor*>&) {
  throw Error("A nested model runs inlined in its caller's plan; forward() is never called on it.");
}
void Model::backward(Context&, const std::vector<const Tensor*>&, const std::vector<const Tensor*>&,
                     const std::vector<const Tensor*>&, const std::vector<Tensor*>&) {
  throw Error("A nested model runs inlined in its caller's plan; backward() is never called on it.");
}

std::vector<Tensor> Model::get_weights() const {
  std::vector<Tensor> out;
  for (Variable* v : const_cast<Model*>(this)->all_variables())
    out.push_back(Tensor::from_vector(v->value.shape(), v->value.to_vector()));
  return out;
}

void Model::set_weights(const std::vector<Tensor>& weights) {
  auto vars = all_variables();
  if (weights.size() != vars.size())
    throw ValueError("set_weights got " + std::to_string(weights.size()) + " arrays, but model '" + name() + "' has " +
                     std::to_string(vars.size()) + " weights. Pass the list that get_weights() returns.");
  for (size_t i = 0; i < vars.size(); ++i) {
    if (weights[i].shape() != vars[i]->value.shape())
      throw ShapeError("set_weights: weight " + std::to_string(i) + " ('" + vars[i]->name + "') has shape " +
                       vars[i]->value.shape().to_string() + ", but the array given has shape " +
                       weights[i].shape().to_string() + ".");
  }
  for (size_t i = 0; i < vars.size(); ++i) {
    auto host = weights[i].to_vector();
    vars[i]->value.copy_from_host(host.data(), host.size() * sizeof(float));
  }
}

// ---------------------------------------------------------------------------------------------- Sequential

Sequential::Sequential(const std::string& name) : Model("Sequential", name) {}

Sequential::Sequential(const std::vector<LayerPtr>& layers, const std::string& name) : Sequential(name) {
  for (const auto& l : layers) add(l);
}

void Sequential::add(const SymbolicTensor& input) {
  if (!input.node || input.node->layer->class_name() != "InputLayer")
    throw ValueError("Sequential.add takes layers, or an Input(...) as the very first element.");
  add(input.node->layer);
}

void Sequential::add(const LayerPtr& layer) {
  if (!layer) throw ValueError("Sequential.add got an empty layer.");
  if (auto* input = dynamic_cast<InputLayer*>(layer.get())) {
    if (!stack_.empty() || input_sample_shape_)
      throw ValueError("An InputLayer can only be the first element of a Sequential model.");
    input_sample_shape_ = input->batch_shape().without_batch();
    input_name_ = input->name();
    return;
  }
  if (layer.get() == this) throw ValueError("A Sequential model cannot contain itself.");
  if (stack_.empty() && !input_sample_shape_ && layer->declared_input_shape())
    input_sample_shape_ = *layer->declared_input_shape();  // Keras 2 style: Dense(64, input_dim=100)
  stack_.push_back(layer);
  try {
    if (input_sample_shape_) rebuild(*input_sample_shape_);
  } catch (...) {
    stack_.pop_back();  // the model stays as it was before the failed add
    if (stack_.empty()) clear_graph();
    else if (input_sample_shape_) rebuild(*input_sample_shape_);
    throw;
  }
}

void Sequential::pop() {
  if (stack_.empty()) throw ValueError("There are no layers in model '" + name() + "' to pop.");
  stack_.pop_back();
  if (stack_.empty()) return clear_graph();  // Keras: an empty Sequential is unbuilt again
  if (input_sample_shape_) rebuild(*input_sample_shape_);
}

void Sequential::rebuild(const Shape& sample_shape) {
  SymbolicTensor x = Input(sample_shape, input_name_);
  input_name_ = x.node->layer->name();
  SymbolicTensor y = x;
  for (const auto& layer : stack_) {
    auto outs = call_layer(layer, {y});
    if (outs.size() != 1)
      throw ValueError("Layer '" + layer->name() + "' has " + std::to_string(outs.size()) +
                       " outputs; a Sequential model needs layers with one output. Use the functional API.");
    y = outs[0];
  }
  set_graph({x}, {y});
}

void Sequential::ensure_graph(const std::vector<Tensor>& x) {
  if (!outputs().empty()) return;
  if (stack_.empty()) throw ValueError("Model '" + name() + "' has no layers yet: add some with model.add(...).");
  if (x.size() != 1) throw ValueError("A Sequential model takes exactly one input array.");
  input_sample_shape_ = x[0].shape().without_batch();
  rebuild(*input_sample_shape_);
}

}  // namespace cornu
