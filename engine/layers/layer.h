// The layer contract (see ../shared/docs/style.md, after Caffe): a constructor that only stores the
// resolved config, a pure `compute_output_shape` (live shape checks call it), `build` that creates the
// weights, and forward/backward written against the Backend, never against a device.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/registry.h"
#include "core/tensor.h"

namespace cornu {

struct Regularizer;
struct Constraint;

// A weight: its value, its gradient (same shape), and how it is regularised and constrained.
struct Variable {
  std::string name;  // "kernel", "bias", "alpha"
  Tensor value;
  Tensor grad;
  bool trainable = true;
  std::shared_ptr<Regularizer> regularizer;
  std::shared_ptr<Constraint> constraint;
};

// What one call of a layer may use while it runs. One Context exists per call site of a layer in a model
// and per planned batch size, so scratch buffers are allocated on the first step only.
class Context {
 public:
  Context(Backend& backend, uint64_t call_key) : backend_(backend), call_key_(call_key) {}
  Backend& backend() const { return backend_; }
  bool training = false;
  // Changes every step: keys random draws (dropout masks, noise) so that they are reproducible per seed.
  uint64_t step = 0;
  uint64_t random_key(uint64_t stream = 0) const;

  // A buffer private to this call, kept between steps (a dropout mask, a saved intermediate). The reference
  // stays valid when other slots are asked for.
  Tensor& scratch(int slot, const Shape& shape);

  // Keras's masks of this call's inputs (null where an input carries none): float 0/1 of shape (batch, time)
  // for the time steps to skip, set by the model before forward and backward. See Layer::output_mask_sources.
  std::vector<const Tensor*> input_masks;
  const Tensor* input_mask(size_t i = 0) const { return i < input_masks.size() ? input_masks[i] : nullptr; }

  // Extra loss terms (activity regularisation) added during forward; the model adds them to the loss.
  void add_loss(double value) { added_loss_ += value; }
  double take_added_loss() { double v = added_loss_; added_loss_ = 0; return v; }

 private:
  Backend& backend_;
  uint64_t call_key_;
  // A deque: a new slot leaves the references to earlier slots valid (a layer may hold several at once).
  std::deque<Tensor> scratch_;
  double added_loss_ = 0;
};

class Layer {
 public:
  // `config` is the resolved configuration (every parameter present); it may carry "name".
  Layer(std::string class_name, Config config);
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  const std::string& class_name() const { return class_name_; }
  const std::string& name() const { return name_; }
  void set_name(std::string name);
  // Keras-compatible configuration, including "name" and "trainable".
  Config config() const;
  bool trainable() const { return trainable_; }
  // Keras 2's input_shape / input_dim on a first layer, as a sample shape (used by Sequential).
  const std::optional<Shape>& declared_input_shape() const { return declared_input_shape_; }
  void set_trainable(bool trainable);

  // Output shapes (batch dimension included, possibly None) for these input shapes. Pure: allocates nothing,
  // throws ShapeError with a message a beginner can act on.
  virtual Shapes compute_output_shape(const Shapes& inputs) const = 0;

  // Creates the weights for these input shapes; `seed_key` keys their initial values. Called once.
  void build(const Shapes& inputs, uint64_t seed_key);
  bool built() const { return built_; }
  const Shapes& built_input_shapes() const { return built_input_shapes_; }

  // y = f(x). Tensors have a known batch dimension; outputs are preallocated with the inferred shapes.
  virtual void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) = 0;
  // Accumulates dL/dx into dx (dx[i] is null when input i needs no gradient) and dL/dw into each
  // variable's grad, given x, y = f(x) and dy = dL/dy.
  virtual void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                        const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) = 0;

  // The weights `build` would create for these inputs, as (name, shape), without allocating or initialising
  // them: the editor's live checks count the parameters of graphs far too large to build. Unbuilt layers only.
  // Wrappers (TimeDistributed, Bidirectional) override it to ask the layers they hold.
  struct WeightShape {
    std::string name;
    Shape shape;
    bool trainable = true;  // BatchNormalization's moving statistics are not
  };
  virtual std::vector<WeightShape> weight_shapes(const Shapes& inputs);
  // Multiply-adds for one sample through this layer (the editor's cost column); 0 for layers doing none.
  virtual int64_t count_macs(const Shapes& inputs, const Shapes& outputs) const { return 0; }

  // Masking, as in Keras: Embedding(mask_zero=True) or Masking start a mask of shape (batch, time); layers that
  // support masking pass it on, layers that use it (recurrent, attention, pooling) read it from
  // Context::input_masks, and any other layer ends it. For each output: kNoMask, the index of the input whose
  // mask it passes on unchanged, or kOwnMask (written by compute_mask). `inputs_masked` says which inputs
  // carry a mask. The default passes input 0's mask to every output when supports_masking() is true.
  static constexpr int kNoMask = -1, kOwnMask = -2;
  virtual std::vector<int> output_mask_sources(const std::vector<bool>& inputs_masked, size_t output_count) const;
  // Writes the kOwnMask outputs' masks (shape (batch, output axis 1), 1 = keep); others are null in `masks`.
  virtual void compute_mask(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& masks) {}
  bool supports_masking() const { return supports_masking_; }

  // Where Keras 3 keeps this layer's variables in a .keras weights file, relative to the layer's own group:
  // path "" is the layer's own `vars` (Dense), "cell" an RNN's cell, "forward_layer/cell" the forward half of
  // a Bidirectional. Each group lists its variables in Keras's order; `name` is the sublayer's Keras name
  // (written beside its vars). The default: one group "" holding all_variables(). Legacy .h5 files keep the
  // concatenation of the groups, in this order.
  struct WeightGroup {
    std::string path;
    std::string name;
    std::vector<Variable*> variables;
  };
  virtual std::vector<WeightGroup> keras_weight_groups();

  std::vector<Variable>& variables() { return variables_; }
  const std::vector<Variable>& variables() const { return variables_; }
  // Every variable this layer owns or holds through nested layers (a model used as a layer).
  virtual std::vector<Variable*> all_variables();
  virtual int64_t count_params() const;

 protected:
  virtual void build_weights(const Shapes& inputs, uint64_t seed_key) {}
  // Creates a variable initialised by `initializer` (a name or config, as in Keras) and its zero gradient.
  Variable& add_weight(const std::string& name, const Shape& shape, const Config& initializer, uint64_t seed_key,
                       const Config& regularizer = nullptr, const Config& constraint = nullptr,
                       bool trainable = true);
  // The resolved parameter `key` (throws if absent, which is a registry bug).
  const Config& param(const std::string& key) const;

  Config params_;  // resolved parameters, without name/trainable
  // Keras's supports_masking: the layer works per time step, so a mask on input 0 still applies to its output.
  bool supports_masking_ = false;

 private:
  std::string class_name_;
  std::string name_;
  bool trainable_ = true;
  bool built_ = false;
  Shapes built_input_shapes_;
  std::vector<Variable> variables_;
  std::optional<Shape> declared_input_shape_;
  std::vector<WeightShape>* recording_ = nullptr;  // set while weight_shapes runs
};

using LayerPtr = std::shared_ptr<Layer>;
using LayerRegistry = Registry<Layer>;

// The registry of every built-in layer (registered on first use, explicitly: see layers/builtin_layers.cpp).
LayerRegistry& layer_registry();

// Creates a layer from its Keras class name and config ({"units": 64, "activation": "relu"}); "name",
// "trainable" and "dtype" are accepted too. Without a name, one is made as Keras does: "dense", "dense_1"...
LayerPtr make_layer(const std::string& class_name, const Config& config = Config::object());

// Keras's keras.utils.clear_session(): automatic layer names start again at "dense", "dense_1"...
void clear_session();

// Keras's snake_case of a class name: "Dense" -> "dense", "LeakyReLU" -> "leaky_re_lu", "Conv2D" -> "conv2d".
std::string snake_case(const std::string& class_name);

// a * b, or INT64_MAX when that overflows (costs of hostile or absurd graphs stay countable).
inline int64_t mul_saturated(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

// Shape-check helpers that produce Keras-voiced messages.
void expect_inputs(const std::string& layer, const Shapes& inputs, int min_count, int max_count);
void expect_rank(const std::string& layer, const Shape& input, int min_rank, int max_rank, const std::string& hint = "");

}  // namespace cornu
