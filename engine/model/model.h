// Model: a directed acyclic graph of layer calls (Keras's functional Model), trained with compile/fit.
// Sequential is the same graph built one layer at a time. A model is itself a layer: calling it on
// symbolic tensors nests it, and its layers are inlined into the caller's execution plan.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "callbacks/callback.h"
#include "layers/layer.h"
#include "losses/loss.h"
#include "metrics/metric.h"
#include "model/symbolic.h"
#include "optimizers/optimizer.h"

namespace cornu {

class ExecutionPlan;

struct CompileOptions {
  Config optimizer = "rmsprop";  // name, or {"class_name": ..., "config": ...}
  std::vector<Config> loss;      // one for all outputs, or one per output
  std::vector<double> loss_weights;               // empty: all 1
  std::vector<std::vector<Config>> metrics;       // one list for all outputs, or one list per output
};

struct FitOptions {
  int epochs = 1;
  int batch_size = 32;
  int verbose = 1;  // 0 silent, 1 progress bar, 2 one line per epoch
  double validation_split = 0.0;
  std::optional<std::pair<std::vector<Tensor>, std::vector<Tensor>>> validation_data;
  bool shuffle = true;
  std::map<int, double> class_weight;
  std::vector<Tensor> sample_weight;  // one (N,) tensor per output, or empty
  int initial_epoch = 0;
  std::vector<CallbackPtr> callbacks;
  std::optional<uint64_t> seed;  // default: the global seed (set_random_seed)
};

struct EvaluateOptions {
  int batch_size = 32;
  int verbose = 1;
  std::vector<Tensor> sample_weight;
};

class Model : public Layer {
 public:
  Model(const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& outputs,
        const std::string& name = "");
  ~Model() override;

  // --- structure ---
  const std::vector<SymbolicTensor>& inputs() const { return inputs_; }
  const std::vector<SymbolicTensor>& outputs() const { return outputs_; }
  // Every layer once, in call order (Keras's model.layers; InputLayers included for functional models).
  const std::vector<LayerPtr>& layers() const { return layers_; }
  LayerPtr get_layer(const std::string& name) const;
  // Layer calls in topological order.
  const std::vector<std::shared_ptr<Node>>& nodes() const { return nodes_; }
  std::string summary(int line_length = 0) const;
  int64_t count_params() const override;
  std::vector<Variable*> all_variables() override;

  // --- Layer interface, for a model nested inside another ---
  Shapes compute_output_shape(const Shapes& inputs) const override;
  void forward(Context&, const std::vector<const Tensor*>&, const std::vector<Tensor*>&) override;
  void backward(Context&, const std::vector<const Tensor*>&, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>&, const std::vector<Tensor*>&) override;

  // --- training ---
  void compile(const CompileOptions& options);
  // The Keras one-liner: compile("adam", "categorical_crossentropy", {"accuracy"}).
  void compile(const Config& optimizer, const Config& loss, const std::vector<Config>& metrics = {});
  bool compiled() const { return optimizer_ != nullptr; }
  // What compile() was given, as given (the editor and exporters write it back out).
  const CompileOptions& compile_options() const { return compile_options_; }
  Optimizer& optimizer();
  const std::vector<LossPtr>& losses() const { return losses_; }

  History fit(const std::vector<Tensor>& x, const std::vector<Tensor>& y, const FitOptions& options = {});
  History fit(const Tensor& x, const Tensor& y, const FitOptions& options = {}) { return fit(std::vector{x}, std::vector{y}, options); }
  Logs evaluate(const std::vector<Tensor>& x, const std::vector<Tensor>& y, const EvaluateOptions& options = {});
  Logs evaluate(const Tensor& x, const Tensor& y, const EvaluateOptions& options = {}) { return evaluate(std::vector{x}, std::vector{y}, options); }
  std::vector<Tensor> predict(const std::vector<Tensor>& x, int batch_size = 32);
  Tensor predict(const Tensor& x, int batch_size = 32) { return predict(std::vector{x}, batch_size).at(0); }
  // argmax over the last axis (or p > 0.5 for one sigmoid unit), as int32 (N,).
  Tensor predict_classes(const Tensor& x, int batch_size = 32);
  Tensor predict_proba(const Tensor& x, int batch_size = 32) { return predict(x, batch_size); }

  Logs train_on_batch(const std::vector<Tensor>& x, const std::vector<Tensor>& y, const std::vector<Tensor>& sample_weight = {});
  Logs train_on_batch(const Tensor& x, const Tensor& y) { return train_on_batch(std::vector{x}, std::vector{y}); }
  Logs test_on_batch(const std::vector<Tensor>& x, const std::vector<Tensor>& y, const std::vector<Tensor>& sample_weight = {});
  Logs test_on_batch(const Tensor& x, const Tensor& y) { return test_on_batch(std::vector{x}, std::vector{y}); }
  std::vector<Tensor> predict_on_batch(const std::vector<Tensor>& x);
  // Metrics accumulate over train_on_batch calls until this is called (fit and evaluate reset them).
  void reset_metrics();
  Tensor predict_on_batch(const Tensor& x) { return predict_on_batch(std::vector{x}).at(0); }

  // Weights as host tensors, in layer order then variable order (Keras's get_weights).
  std::vector<Tensor> get_weights() const;
  void set_weights(const std::vector<Tensor>& weights);

  // Ends fit() cleanly after the current batch; safe to call from another thread (the GUI's Stop).
  void stop_training() { stop_requested_ = true; }
  bool stop_requested() const { return stop_requested_; }

  // Names of the outputs' loss and metric entries in logs, e.g. "loss", "accuracy" or "out_a_loss".
  std::vector<std::string> metrics_names() const;

 protected:
  Model(const std::string& class_name, const std::string& name);  // Sequential: graph set later
  void set_graph(const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& outputs);
  void invalidate_plans();
  void clear_graph();
  virtual void ensure_graph(const std::vector<Tensor>& x) {}  // Sequential builds itself from data

 public:
  struct Trainer;  // training state, private to model/ (trainer_state.h)

 private:
  std::unique_ptr<Trainer> trainer_;
  Trainer& trainer();

  std::vector<SymbolicTensor> inputs_, outputs_;
  std::vector<std::shared_ptr<Node>> nodes_;
  std::vector<LayerPtr> layers_;

  OptimizerPtr optimizer_;
  std::vector<LossPtr> losses_;
  std::vector<double> loss_weights_;
  std::vector<std::vector<Config>> metric_configs_;
  CompileOptions compile_options_;
  std::atomic<bool> stop_requested_{false};
};

// A linear stack of layers (keras.Sequential), on the same graph machinery.
class Sequential : public Model {
 public:
  explicit Sequential(const std::string& name = "");
  Sequential(const std::vector<LayerPtr>& layers, const std::string& name = "");
  // Adds a layer on top. The first may be an InputLayer (add(Input(...)) or add_input), or a layer with an
  // "input_shape" in its config; otherwise the model is built from the data at the first fit/predict.
  void add(const LayerPtr& layer);
  void add(const SymbolicTensor& input);  // Keras 3: model.add(keras.Input(shape=(784,)))
  void pop();
  const std::vector<LayerPtr>& stack() const { return stack_; }

 protected:
  void ensure_graph(const std::vector<Tensor>& x) override;

 private:
  void rebuild(const Shape& sample_shape);
  std::vector<LayerPtr> stack_;  // without the InputLayer
  std::optional<Shape> input_sample_shape_;
  std::string input_name_;
};

using ModelPtr = std::shared_ptr<Model>;

}  // namespace cornu
