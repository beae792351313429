// The functional API's symbolic tensors: calling a layer on them records a Node (one call of a layer) and
// checks shapes at once, as Keras does, so a mistake is reported where it is made.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "layers/layer.h"

namespace cornu {

struct Node;

// The output `index` of a layer call; its shape has None for the batch.
struct SymbolicTensor {
  std::shared_ptr<Node> node;
  int index = 0;
  const Shape& shape() const;
};

struct Node {
  LayerPtr layer;
  std::vector<SymbolicTensor> inputs;
  Shapes output_shapes;
};

// keras.Input: a symbolic tensor for samples of `sample_shape` (without the batch dimension).
SymbolicTensor Input(const Shape& sample_shape, const std::string& name = "");

// Calls `layer` on symbolic inputs: checks the shapes (the layer's own message on a mismatch), builds the
// layer's weights on first use (keyed by the global seed) and returns its outputs.
std::vector<SymbolicTensor> call_layer(const LayerPtr& layer, const std::vector<SymbolicTensor>& inputs);

// A layer with Keras's call syntax: `auto h = Dense(64, "relu")(x);`.
class LayerHandle {
 public:
  LayerHandle(LayerPtr layer) : layer_(std::move(layer)) {}  // NOLINT: implicit by design
  SymbolicTensor operator()(const SymbolicTensor& x) const { return call_layer(layer_, {x}).at(0); }
  SymbolicTensor operator()(const std::vector<SymbolicTensor>& xs) const { return call_layer(layer_, xs).at(0); }
  std::vector<SymbolicTensor> call(const std::vector<SymbolicTensor>& xs) const { return call_layer(layer_, xs); }
  Layer* operator->() const { return layer_.get(); }
  operator LayerPtr() const { return layer_; }  // NOLINT
  const LayerPtr& ptr() const { return layer_; }

 private:
  LayerPtr layer_;
};

// keras.utils.set_random_seed: one seed makes a run reproducible (initial weights, dropout, shuffling).
void set_random_seed(uint64_t seed);
uint64_t random_seed();
// A fresh key for the next layer built (counts layers built since set_random_seed).
uint64_t next_layer_seed_key();

}  // namespace cornu
