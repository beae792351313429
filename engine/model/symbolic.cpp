#include "model/symbolic.h"

#include <atomic>

#include "core/error.h"
#include "core/random.h"
#include "layers/input_layer.h"

namespace cornu {

namespace {
std::atomic<uint64_t> g_seed{1337};
std::atomic<uint64_t> g_layers_built{0};
}  // namespace

void set_random_seed(uint64_t seed) {
  g_seed = seed;
  g_layers_built = 0;
}
uint64_t random_seed() { return g_seed; }
uint64_t next_layer_seed_key() { return mix_key(g_seed, 0x1A7E5, g_layers_built++); }

const Shape& SymbolicTensor::shape() const {
  if (!node) throw ValueError("This symbolic tensor is empty: create it with Input(...) or by calling a layer.");
  return node->output_shapes.at(static_cast<size_t>(index));
}

SymbolicTensor Input(const Shape& sample_shape, const std::string& name) {
  auto node = std::make_shared<Node>();
  node->layer = make_input_layer(sample_shape, name);
  node->output_shapes = node->layer->compute_output_shape({});
  return {node, 0};
}

std::vector<SymbolicTensor> call_layer(const LayerPtr& layer, const std::vector<SymbolicTensor>& inputs) {
  if (!layer) throw ValueError("Cannot call an empty layer.");
  if (layer->class_name() == "InputLayer")
    throw ValueError("An InputLayer cannot be called on tensors; use Input(shape) to start a model.");
  Shapes shapes;
  for (const auto& x : inputs) shapes.push_back(x.shape());
  auto node = std::make_shared<Node>();
  node->layer = layer;
  node->inputs = inputs;
  node->output_shapes = layer->compute_output_shape(shapes);
  if (!layer->built()) {
    layer->build(shapes, next_layer_seed_key());
  } else {
    // A shared layer: its weights were made for the first call's shapes; later calls must fit them.
    const Shapes& built = layer->built_input_shapes();
    for (size_t i = 0; i < shapes.size() && i < built.size(); ++i)
      if (shapes[i].without_batch() != built[i].without_batch())
        throw ShapeError("Layer '" + layer->name() + "' was built for inputs of shape " + built[i].to_string() +
                         " and is now called on " + shapes[i].to_string() +
                         ". A shared layer must be called on tensors of the same shape; use a new layer instead.");
  }
  std::vector<SymbolicTensor> outputs;
  for (size_t i = 0; i < node->output_shapes.size(); ++i) outputs.push_back({node, static_cast<int>(i)});
  return outputs;
}

}  // namespace cornu
