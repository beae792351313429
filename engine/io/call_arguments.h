// Layer calls as Keras writes them, where they differ from one list of tensors (branch attn; to be folded into
// the registry entries, e.g. a ParamSpec flag, when nested layers and call kwargs are unified):
// - a parameter Cornu keeps in the layer's config but Keras passes to each call (use_causal_mask=True), written
//   to the inbound node's "kwargs" and read back from it;
// - a layer Keras calls with its tensors as separate arguments, mha(query, value, key), not as [query, value].
#pragma once
#include <string>
#include <vector>

namespace cornu::io {

inline bool is_call_argument(const std::string& param) { return param == "use_causal_mask"; }

inline bool takes_separate_tensors(const std::string& class_name) { return class_name == "MultiHeadAttention"; }

// The names of those separate tensors, in order: build_config's shapes_dict says "<name>_shape" for each.
inline std::vector<std::string> separate_tensor_names(const std::string& class_name) {
  return class_name == "MultiHeadAttention" ? std::vector<std::string>{"query", "value", "key"}
                                            : std::vector<std::string>{};
}

}  // namespace cornu::io
