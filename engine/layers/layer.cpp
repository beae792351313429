#include "layers/layer.h"

#include <atomic>
#include <cctype>
#include <map>
#include <mutex>

#include "constraints/constraint.h"
#include "core/error.h"
#include "core/random.h"
#include "initializers/initializer.h"
#include "regularizers/regularizer.h"

namespace cornu {

uint64_t Context::random_key(uint64_t stream) const { return mix_key(call_key_, step, stream); }

Tensor& Context::scratch(int slot, const Shape& shape) {
  if (slot >= static_cast<int>(scratch_.size())) scratch_.resize(static_cast<size_t>(slot) + 1);
  Tensor& t = scratch_[static_cast<size_t>(slot)];
  if (!t.defined() || t.shape() != shape) t = Tensor::empty(shape, DType::Float32, &backend_);
  return t;
}

namespace {
std::mutex& name_counters_mutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<std::string, int>& name_counters() {
  static std::map<std::string, int> counters;
  return counters;
}
}  // namespace

Layer::Layer(std::string class_name, Config config) : class_name_(std::move(class_name)) {
  if (config.contains("name") && config["name"].is_string()) name_ = config["name"].get<std::string>();
  if (config.contains("trainable") && config["trainable"].is_boolean()) trainable_ = config["trainable"].get<bool>();
  auto dims_of = [](const Config& v) {
    std::vector<int64_t> d;
    for (const auto& x : v) d.push_back(x.is_null() ? Shape::kNone : x.get<int64_t>());
    return d;
  };
  if (config.contains("input_shape") && config["input_shape"].is_array())
    declared_input_shape_ = Shape(dims_of(config["input_shape"]));
  else if (config.contains("batch_input_shape") && config["batch_input_shape"].is_array())
    declared_input_shape_ = Shape(dims_of(config["batch_input_shape"])).without_batch();
  else if (config.contains("input_dim") && config["input_dim"].is_number_integer())
    declared_input_shape_ = Shape{config["input_dim"].get<int64_t>()};
  for (const char* key : {"name", "trainable", "dtype", "input_shape", "batch_input_shape", "input_dim"})
    config.erase(key);
  params_ = std::move(config);
  if (name_.empty()) {
    // Keras's naming: the first Dense is "dense", then "dense_1", "dense_2"...
    std::lock_guard lock(name_counters_mutex());
    std::string base = snake_case(class_name_);
    int n = name_counters()[base]++;
    name_ = n == 0 ? base : base + "_" + std::to_string(n);
  }
}

void clear_session() {
  std::lock_guard lock(name_counters_mutex());
  name_counters().clear();
}

void Layer::set_name(std::string name) {
  if (name.empty()) throw ValueError("A layer name may not be empty.");
  name_ = std::move(name);
}

void Layer::set_trainable(bool trainable) {
  trainable_ = trainable;
  for (auto& v : variables_) v.trainable = trainable;
}

Config Layer::config() const {
  Config c = Config::object();
  c["name"] = name_;
  c["trainable"] = trainable_;
  for (auto it = params_.begin(); it != params_.end(); ++it) c[it.key()] = it.value();
  return c;
}

void Layer::build(const Shapes& inputs, uint64_t seed_key) {
  if (built_) return;
  compute_output_shape(inputs);  // validates, with the layer's own message
  build_weights(inputs, seed_key);
  built_input_shapes_ = inputs;
  built_ = true;
}

std::vector<Variable*> Layer::all_variables() {
  std::vector<Variable*> out;
  for (auto& v : variables_) out.push_back(&v);
  return out;
}

std::vector<int> Layer::output_mask_sources(const std::vector<bool>& inputs_masked, size_t output_count) const {
  const bool pass = supports_masking_ && !inputs_masked.empty() && inputs_masked[0];
  return std::vector<int>(output_count, pass ? 0 : kNoMask);
}

std::vector<Layer::WeightGroup> Layer::keras_weight_groups() { return {{"", name_, all_variables()}}; }

int64_t Layer::count_params() const {
  int64_t n = 0;
  for (const auto& v : variables_) n += v.value.size();
  return n;
}

std::vector<Layer::WeightShape> Layer::weight_shapes(const Shapes& inputs) {
  if (built_) throw ValueError("weight_shapes is for unbuilt layers; '" + name_ + "' is built: read variables().");
  std::vector<WeightShape> shapes;
  recording_ = &shapes;
  try {
    build_weights(inputs, 0);
  } catch (...) {
    recording_ = nullptr;
    throw;
  }
  recording_ = nullptr;
  return shapes;
}

Variable& Layer::add_weight(const std::string& name, const Shape& shape, const Config& initializer, uint64_t seed_key,
                            const Config& regularizer, const Config& constraint, bool trainable) {
  if (recording_) {  // weight_shapes: note the shape, create nothing (the placeholder is never read)
    recording_->push_back({name, shape, trainable && trainable_});
    static thread_local Variable placeholder;
    return placeholder;
  }
  Variable v;
  v.name = name;
  auto init = make_initializer(initializer);
  v.value = Tensor::from_vector(shape, init->generate(shape, mix_key(seed_key, variables_.size())));
  v.grad = Tensor::zeros(shape);
  v.trainable = trainable && trainable_;
  v.regularizer = make_regularizer(regularizer);
  v.constraint = make_constraint(constraint);
  variables_.push_back(std::move(v));
  return variables_.back();
}

const Config& Layer::param(const std::string& key) const {
  if (!params_.contains(key)) throw Error(class_name_ + " has no parameter '" + key + "' (a registry bug).");
  return params_.at(key);
}

std::string snake_case(const std::string& name) {
  // Keras: re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name) then re.sub("([a-z])([A-Z])", r"\1_\2", ...).lower()
  std::string step1;
  for (size_t i = 0; i < name.size(); ++i) {
    if (i > 0 && std::isupper(static_cast<unsigned char>(name[i])) && i + 1 < name.size() &&
        std::islower(static_cast<unsigned char>(name[i + 1])))
      step1 += '_';
    step1 += name[i];
  }
  std::string out;
  for (size_t i = 0; i < step1.size(); ++i) {
    if (i > 0 && std::isupper(static_cast<unsigned char>(step1[i])) &&
        std::islower(static_cast<unsigned char>(step1[i - 1])))
      out += '_';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(step1[i])));
  }
  // Digits do not split ("Conv2D" -> "conv2d"): Keras's second pattern is ([a-z])([A-Z]).
  return out;
}

LayerPtr make_layer(const std::string& class_name, const Config& config) {
  return layer_registry().create(class_name, config.is_null() ? Config::object() : config,
                                 {"name", "trainable", "dtype", "input_shape", "input_dim", "batch_input_shape"});
}

void expect_inputs(const std::string& layer, const Shapes& inputs, int min_count, int max_count) {
  int n = static_cast<int>(inputs.size());
  if (n >= min_count && (max_count < 0 || n <= max_count)) return;
  std::string want = min_count == max_count ? std::to_string(min_count)
                     : max_count < 0        ? "at least " + std::to_string(min_count)
                                            : std::to_string(min_count) + " to " + std::to_string(max_count);
  throw ShapeError("Layer '" + layer + "' expects " + want + " input" + (want == "1" ? "" : "s") + ", but it received " +
                   std::to_string(n) + ".");
}

void expect_rank(const std::string& layer, const Shape& input, int min_rank, int max_rank, const std::string& hint) {
  if (input.rank() >= min_rank && (max_rank < 0 || input.rank() <= max_rank)) return;
  std::string want = min_rank == max_rank ? "rank " + std::to_string(min_rank)
                     : max_rank < 0       ? "rank " + std::to_string(min_rank) + " or more"
                                          : "rank " + std::to_string(min_rank) + " to " + std::to_string(max_rank);
  throw ShapeError("Layer '" + layer + "' expects an input of " + want + " (batch included), but it received shape " +
                   input.to_string() + "." + (hint.empty() ? "" : " " + hint));
}

}  // namespace cornu
