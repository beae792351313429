// Registers every built-in layer, explicitly (no static self-registration: see style.md). A new layer is
// its own file with a register_<name> function, plus one line here.
#include "layers/layer.h"

namespace cornu {

void register_input_layer(LayerRegistry&);

LayerRegistry& layer_registry() {
  static LayerRegistry registry = [] {
    LayerRegistry r("layer");
    register_input_layer(r);
    return r;
  }();
  return registry;
}

}  // namespace cornu
