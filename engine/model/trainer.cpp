// compile / fit / evaluate / predict. A step: gather a batch into the plan's input buffers, forward, the
// loss op seeds the output gradients, backward, regularizer gradients, one fused optimizer update,
// constraints. Buffers are planned once per batch size; the steady step allocates nothing.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <type_traits>

#include "constraints/constraint.h"
#include "core/error.h"
#include "core/random.h"
#include "model/model.h"
#include "model/plan.h"
#include "model/trainer_state.h"
#include "model/progbar.h"
#include "regularizers/regularizer.h"

namespace cornu {

namespace {

int64_t rows_per_sample(const Shape& output) {  // all axes but the batch and the last
  int64_t n = 1;
  for (int i = 1; i + 1 < output.rank(); ++i) n *= output[i];
  return n;
}
int64_t last_axis(const Shape& output) { return output.rank() >= 2 ? output[-1] : 1; }

}  // namespace


Model::~Model() = default;

Model::Trainer& Model::trainer() {
  if (!trainer_) {
    trainer_ = std::make_unique<Trainer>();
    trainer_->seed = random_seed();
  }
  return *trainer_;
}

void Model::invalidate_plans() {
  if (trainer_) trainer_->plans.clear(), trainer_->slots.clear(), trainer_->packed_count = -1;
}

Optimizer& Model::optimizer() {
  if (!optimizer_) throw ValueError("Model '" + name() + "' is not compiled: call compile(optimizer, loss) first.");
  return *optimizer_;
}

void Model::compile(const Config& optimizer, const Config& loss, const std::vector<Config>& metrics) {
  CompileOptions o;
  o.optimizer = optimizer;
  o.loss = {loss};
  if (!metrics.empty()) o.metrics = {metrics};
  compile(o);
}

void Model::compile(const CompileOptions& options) {
  if (options.loss.empty()) throw ValueError("compile needs a loss, e.g. loss=\"categorical_crossentropy\".");
  const size_t n_out = outputs_.empty() ? 1 : outputs_.size();
  if (options.loss.size() != 1 && options.loss.size() != n_out)
    throw ValueError("compile got " + std::to_string(options.loss.size()) + " losses for a model with " +
                     std::to_string(n_out) + " outputs: pass one loss, or one per output.");
  losses_.clear();
  for (size_t i = 0; i < n_out; ++i) losses_.push_back(make_loss(options.loss[options.loss.size() == 1 ? 0 : i]));
  loss_weights_ = options.loss_weights.empty() ? std::vector<double>(n_out, 1.0) : options.loss_weights;
  if (loss_weights_.size() != n_out)
    throw ValueError("loss_weights has " + std::to_string(loss_weights_.size()) + " entries but the model has " +
                     std::to_string(n_out) + " outputs.");
  if (options.metrics.size() > 1 && options.metrics.size() != n_out)
    throw ValueError("Pass one list of metrics for all outputs, or one list per output.");
  metric_configs_ = options.metrics;
  optimizer_ = make_optimizer(options.optimizer);
  auto& t = trainer();
  t.metrics.assign(n_out, {});
  t.slots.clear();  // target buffers depend on the loss (class indices or dense targets)
  for (size_t o = 0; o < n_out; ++o) {
    const auto& list = options.metrics.empty() ? std::vector<Config>{} : options.metrics[options.metrics.size() == 1 ? 0 : o];
    for (const auto& m : list) t.metrics[o].push_back(make_metric(m, losses_[o].get()));
  }
  t.packed_count = -1;
  compile_options_ = options;
}

namespace {

void pack_parameters(Model& m, Model::Trainer& t) {
  auto vars = m.all_variables();
  t.regularized.clear(), t.constrained.clear(), t.ranges.clear(), t.packed.clear();
  int64_t n = 0;
  for (Variable* v : vars) {
    // Keras regularises and constrains the trainable weights only.
    if (!v->trainable) continue;
    if (v->regularizer) t.regularized.push_back(v);
    if (v->constraint) t.constrained.push_back(v);
    t.packed.push_back(v);
    t.ranges.push_back({n, v->value.size()});  // offset and size of each variable in the packed arrays
    n += v->value.size();
  }
  t.params = Tensor::empty(Shape{std::max<int64_t>(n, 1)}, DType::Float32, t.backend);
  t.grads = Tensor::zeros(Shape{std::max<int64_t>(n, 1)}, DType::Float32, t.backend);
  for (size_t i = 0; i < t.packed.size(); ++i) {
    Variable* v = t.packed[i];
    Tensor view = t.params.slice_flat(t.ranges[i].first, v->value.shape());
    t.backend->copy(view.raw(), v->value.raw(), static_cast<size_t>(v->value.size()) * sizeof(float));
    v->value = view;
    v->grad = t.grads.slice_flat(t.ranges[i].first, v->value.shape());
  }
  // The optimizer's state is per parameter: a different set of trainable weights starts it afresh.
  if (t.packed_count >= 0 && t.packed_count != n && m.compiled()) m.optimizer().reset();
  t.packed_count = n;
}

// Packs the trainable weights unless they are still packed here. Another model sharing layers with this
// one packs them into its own arrays when it trains; this model then takes them back.
void ensure_packed(Model& m, Model::Trainer& t) {
  bool valid = t.packed_count >= 0;
  if (valid) {
    auto vars = m.all_variables();
    size_t k = 0;
    for (Variable* v : vars) {
      if (!v->trainable) continue;
      if (k >= t.packed.size() || t.packed[k] != v || v->value.data() != t.params.data() + t.ranges[k].first) {
        valid = false;
        break;
      }
      ++k;
    }
    valid = valid && k == t.packed.size();
  }
  if (!valid) pack_parameters(m, t);
}

void check_sample_weights(const std::vector<Tensor>& sample_weight, const std::vector<Tensor>& y, int64_t n) {
  if (sample_weight.size() > y.size())
    throw ValueError("sample_weight has " + std::to_string(sample_weight.size()) + " arrays but the model has " +
                     std::to_string(y.size()) + " output(s): pass one (samples,) array per output.");
  for (size_t o = 0; o < sample_weight.size(); ++o)
    if (sample_weight[o].defined() && sample_weight[o].size() != n)
      throw ValueError("sample_weight" + (sample_weight.size() > 1 ? "[" + std::to_string(o) + "]" : std::string()) +
                       " has " + std::to_string(sample_weight[o].size()) + " values, but there are " +
                       std::to_string(n) + " samples: pass one weight per sample.");
}

std::string output_prefix(const Model& m, size_t o) {
  return m.outputs().size() > 1 ? m.outputs()[o].node->layer->name() + "_" : "";
}

}  // namespace

std::vector<std::string> Model::metrics_names() const {
  std::vector<std::string> names{"loss"};
  if (!trainer_) return names;
  for (size_t o = 0; o < trainer_->metrics.size(); ++o) {
    if (outputs_.size() > 1) names.push_back(output_prefix(*this, o) + "loss");
    for (const auto& m : trainer_->metrics[o]) names.push_back(output_prefix(*this, o) + m->name());
  }
  return names;
}

// ------------------------------------------------------------------------------------------ data checks

namespace {

struct Batches {
  std::vector<Tensor> x, y, sample_weight;
  int64_t count = 0;
};

// Whole-number inputs (Keras's int32 token ids for an Embedding) as float32, exact up to 2^24; others as given.
std::vector<Tensor> float32_inputs(const std::vector<Tensor>& x) {
  std::vector<Tensor> out = x;
  for (Tensor& t : out)
    if (t.dtype() == DType::Int32) {
      const std::vector<int32_t> v = t.to_int_vector();
      t = Tensor::from_vector(t.shape(), std::vector<float>(v.begin(), v.end()));
    }
  return out;
}

void check_inputs(const Model& m, const std::vector<Tensor>& x) {
  if (x.size() != m.inputs().size())
    throw ValueError("Model '" + m.name() + "' has " + std::to_string(m.inputs().size()) + " input(s), but " +
                     std::to_string(x.size()) + " array(s) were passed as x.");
  for (size_t i = 0; i < x.size(); ++i) {
    Shape want = m.inputs()[i].shape().without_batch(), got = x[i].shape().without_batch();
    if (want != got) {
      std::string hint;
      if (want.rank() == 1 && got.rank() > 1 && got.size() == want.size())
        hint = " Reshape the data to (samples, " + std::to_string(want[0]) + "), or start the model with Flatten.";
      throw ShapeError("Input " + std::to_string(i) + " of model '" + m.name() + "' expects samples of shape " +
                       want.to_string() + ", but the data has samples of shape " + got.to_string() + "." + hint);
    }
    if (x[i].dtype() != DType::Float32)
      throw ValueError("Input " + std::to_string(i) + " must hold float32 (or int32) values.");
  }
}

void check_targets(const Model& m, const std::vector<LossPtr>& losses, const std::vector<Tensor>& x,
                   const std::vector<Tensor>& y) {
  if (y.size() != m.outputs().size())
    throw ValueError("Model '" + m.name() + "' has " + std::to_string(m.outputs().size()) + " output(s), but " +
                     std::to_string(y.size()) + " target array(s) were passed as y.");
  for (size_t o = 0; o < y.size(); ++o) {
    if (y[o].rows() != x[0].rows())
      throw ValueError("x has " + std::to_string(x[0].rows()) + " samples but y" +
                       (y.size() > 1 ? "[" + std::to_string(o) + "]" : std::string()) + " has " +
                       std::to_string(y[o].rows()) + ". Pass one target per sample.");
    const Shape& out = m.outputs()[o].shape();
    int64_t per_sample = out.sample_size();
    if (losses[o]->sparse_labels()) {
      if (y[o].cols() != rows_per_sample(out))
        throw ShapeError("Loss '" + losses[o]->name + "' takes one class index per sample, shape (samples,), but the "
                         "targets have samples of shape " + y[o].shape().without_batch().to_string() +
                         ". For one-hot targets use 'categorical_crossentropy'.");
    } else if (y[o].cols() != per_sample) {
      std::string hint;
      if (y[o].cols() == rows_per_sample(out) && last_axis(out) > 1)
        hint = " The targets look like class indices: use loss='sparse_categorical_crossentropy', or convert them with "
               "to_categorical.";
      throw ShapeError("Output '" + m.outputs()[o].node->layer->name() + "' has shape " + out.to_string() +
                       ", but the targets have samples of shape " + y[o].shape().without_batch().to_string() + "." +
                       hint);
    }
  }
}

// Class indices for a sparse loss: float targets must hold whole, finite numbers.
void check_label(float v, int64_t row) {
  if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 2147483647.0f)
    throw ValueError("Target " + std::to_string(v) + " of sample " + std::to_string(row) +
                     " is not a class index: a sparse loss takes whole numbers 0, 1, 2... as targets.");
}

// Rows [begin, begin+count) of `order` gathered from src into dst (host), as floats or int32.
template <class Out>
void gather(const Tensor& src, const std::vector<int64_t>& order, int64_t begin, int64_t count, std::vector<Out>& dst) {
  const int64_t cols = src.cols();
  dst.resize(static_cast<size_t>(count * cols));
  for (int64_t r = 0; r < count; ++r) {
    int64_t row = order[static_cast<size_t>(begin + r)];
    Out* d = dst.data() + r * cols;
    if (src.dtype() == DType::Float32) {
      const float* s = src.data() + row * cols;
      if constexpr (std::is_same_v<Out, int32_t>)
        for (int64_t c = 0; c < cols; ++c) check_label(s[c], row);
      for (int64_t c = 0; c < cols; ++c) d[c] = static_cast<Out>(s[c]);
    } else {
      const int32_t* s = src.int_data() + row * cols;
      for (int64_t c = 0; c < cols; ++c) d[c] = static_cast<Out>(s[c]);
    }
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------- the step

namespace {

struct StepResult {
  double loss = 0;
  std::vector<double> output_losses;
};

// Loads a batch into the plan and slots. weights: per sample (may be empty).
void load_batch(Model& m, Model::Trainer& t, ExecutionPlan& plan, const std::vector<Tensor>& x,
                const std::vector<Tensor>* y, const std::vector<float>* sample_weights, const std::vector<int64_t>& order,
                int64_t begin, int64_t count, const std::vector<LossPtr>& losses) {
  for (size_t i = 0; i < x.size(); ++i) {
    gather(x[i], order, begin, count, t.host_input);
    plan.value(plan.input_ids()[i]).copy_from_host(t.host_input.data(), t.host_input.size() * sizeof(float));
  }
  if (!y) return;
  auto& slots = t.slots[count];
  if (slots.empty()) {
    for (size_t o = 0; o < m.outputs().size(); ++o) {
      Model::Trainer::OutputSlot s;
      const Shape out = m.outputs()[o].shape();
      s.cols = last_axis(out);
      s.rows = count * rows_per_sample(out);
      s.row_loss = Tensor::empty(Shape{s.rows}, DType::Float32, t.backend);
      s.weights = Tensor::empty(Shape{s.rows}, DType::Float32, t.backend);
      if (losses[o]->sparse_labels()) s.labels = Tensor::empty(Shape{s.rows}, DType::Int32, t.backend);
      else s.y_true = Tensor::empty(Shape{s.rows, s.cols}, DType::Float32, t.backend);
      slots.push_back(std::move(s));
    }
  }
  for (size_t o = 0; o < slots.size(); ++o) {
    auto& s = slots[o];
    if (losses[o]->sparse_labels()) {
      gather((*y)[o], order, begin, count, s.host_labels);
      s.labels.copy_from_host(s.host_labels.data(), s.host_labels.size() * sizeof(int32_t));
    } else {
      gather((*y)[o], order, begin, count, s.host_true);
      s.y_true.copy_from_host(s.host_true.data(), s.host_true.size() * sizeof(float));
    }
    int64_t per = s.rows / count;
    s.host_weights.assign(static_cast<size_t>(s.rows), 1.0f);
    if (sample_weights && !sample_weights[o].empty())
      for (int64_t r = 0; r < count; ++r)
        for (int64_t k = 0; k < per; ++k)
          s.host_weights[static_cast<size_t>(r * per + k)] = sample_weights[o][static_cast<size_t>(order[static_cast<size_t>(begin + r)])];
    s.weights.copy_from_host(s.host_weights.data(), s.host_weights.size() * sizeof(float));
  }
}

// Forward, loss and (when training) backward and update. Returns the batch loss.
void run_step(Model& m, Model::Trainer& t, ExecutionPlan& plan, int64_t count, const std::vector<LossPtr>& losses,
              const std::vector<double>& loss_weights, bool training, StepResult& r) {
  Backend& be = *t.backend;
  if (training) {
    plan.zero_grads();
    // Zeroed here rather than after the update, so between steps each variable's grad holds the last batch's
    // gradient (the Layer Statistics view reads its norm); the cost is the same one fill.
    be.fill(t.grads.data(), t.grads.size(), 0.0f);
  }
  double added = plan.forward(training, t.step);
  r.loss = added;
  r.output_losses.resize(losses.size());
  auto& slots = t.slots[count];
  for (size_t o = 0; o < slots.size(); ++o) {
    auto& s = slots[o];
    Tensor& pred = plan.value(plan.output_ids()[o]);
    // Keras applies an output's mask to its loss (keras.losses.loss.apply_mask): masked steps weigh 0 and the
    // others total/valid, so the mean runs over the valid steps only; all masked: the loss is 0.
    if (const Tensor* mask = plan.output_mask(o); mask && mask->size() == s.rows) {
      be.binary(BinaryOp::Mul, s.weights.data(), mask->data(), s.weights.data(), s.rows);
      const double valid = be.sum(mask->data(), s.rows);
      be.scale(s.rows, valid > 0 ? static_cast<float>(static_cast<double>(s.rows) / valid) : 0.0f, s.weights.data());
    }
    float scale = static_cast<float>(loss_weights[o] / static_cast<double>(s.rows));
    be.loss(losses[o]->kind, losses[o]->params, s.y_true.defined() ? s.y_true.data() : nullptr,
            s.labels.defined() ? s.labels.int_data() : nullptr, pred.data(), s.weights.data(), s.row_loss.data(),
            training ? plan.grad(plan.output_ids()[o]).data() : nullptr, scale, s.rows, s.cols);
    double value = be.sum(s.row_loss.data(), s.rows) / static_cast<double>(s.rows);
    r.output_losses[o] = value;
    r.loss += loss_weights[o] * value;
  }
  for (Variable* v : t.regularized) r.loss += v->regularizer->penalty(be, v->value.data(), v->value.size());
  if (!training) return;
  plan.backward();
  for (Variable* v : t.regularized)
    if (v->trainable) v->regularizer->add_gradient(be, v->value.data(), v->grad.data(), v->value.size());
  if (t.packed_count > 0) m.optimizer().apply(be, t.params.data(), t.grads.data(), t.packed_count, t.ranges);
  for (Variable* v : t.constrained) v->constraint->apply(be, v->value);
  ++t.step;
}

void update_metrics(Model::Trainer& t, ExecutionPlan& plan, int64_t count) {
  auto& slots = t.slots[count];
  for (size_t o = 0; o < t.metrics.size(); ++o) {
    if (t.metrics[o].empty()) continue;
    auto& s = slots[o];
    Tensor& pred = plan.value(plan.output_ids()[o]);
    s.host_pred.resize(static_cast<size_t>(pred.size()));
    t.backend->copy_to_host(s.host_pred.data(), pred.raw(), s.host_pred.size() * sizeof(float));
    // Keras 3 weights only `weighted_metrics` by sample and class weights; `metrics` are unweighted, except by
    // the output's mask (MeanMetricWrapper reads it), so masked steps count for nothing.
    const Tensor* mask = plan.output_mask(o);
    const bool masked = mask && mask->size() == s.rows;
    if (masked) {
      s.host_mask.resize(static_cast<size_t>(s.rows));
      t.backend->copy_to_host(s.host_mask.data(), mask->raw(), s.host_mask.size() * sizeof(float));
    }
    for (auto& metric : t.metrics[o])
      metric->update(s.host_true.empty() ? nullptr : s.host_true.data(),
                     s.host_labels.empty() ? nullptr : s.host_labels.data(), s.host_pred.data(),
                     masked ? s.host_mask.data() : nullptr, s.rows, s.cols);
  }
}

// Sample-weighted running mean, as Keras's loss tracker.
struct Mean {
  double total = 0, weight = 0;
  void add(double v, double w) { total += v * w, weight += w; }
  double result() const { return weight > 0 ? total / weight : 0; }
};

}  // namespace

// ----------------------------------------------------------------------------------------- evaluation

namespace {

Logs run_evaluation(Model& m, Model::Trainer& t, const std::vector<Tensor>& x, const std::vector<Tensor>& y,
                    const std::vector<Tensor>& sample_weight, int batch_size, int verbose,
                    const std::vector<LossPtr>& losses, const std::vector<double>& loss_weights, const std::string& prefix) {
  const int64_t n = x[0].rows();
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::vector<float>> weights(y.size());
  for (size_t o = 0; o < sample_weight.size() && o < y.size(); ++o) weights[o] = sample_weight[o].to_vector();
  for (auto& list : t.metrics)
    for (auto& metric : list) metric->reset();
  Mean loss;
  std::vector<Mean> output_loss(y.size());
  int64_t steps = (n + batch_size - 1) / batch_size;
  Progbar bar(steps, verbose);
  // Keys made once: a batch only updates values (no allocation per batch).
  const std::string loss_key = prefix + "loss";
  std::vector<std::string> loss_keys;
  std::vector<std::vector<std::string>> metric_keys(t.metrics.size());
  for (size_t o = 0; o < t.metrics.size(); ++o) {
    loss_keys.push_back(prefix + output_prefix(m, o) + "loss");
    for (auto& metric : t.metrics[o]) metric_keys[o].push_back(prefix + output_prefix(m, o) + metric->name());
  }
  Logs logs;
  StepResult r;
  for (int64_t b = 0; b < steps; ++b) {
    int64_t begin = b * batch_size, count = std::min<int64_t>(batch_size, n - begin);
    ExecutionPlan& plan = t.plan(m, count);
    load_batch(m, t, plan, x, &y, weights.data(), order, begin, count, losses);
    run_step(m, t, plan, count, losses, loss_weights, false, r);
    loss.add(r.loss, static_cast<double>(count));
    for (size_t o = 0; o < y.size(); ++o) output_loss[o].add(r.output_losses[o], static_cast<double>(count));
    update_metrics(t, plan, count);
    logs[loss_key] = loss.result();
    for (size_t o = 0; o < t.metrics.size(); ++o) {
      if (y.size() > 1) logs[loss_keys[o]] = output_loss[o].result();
      for (size_t k = 0; k < t.metrics[o].size(); ++k) logs[metric_keys[o][k]] = t.metrics[o][k]->result();
    }
    bar.update(b + 1, logs, b + 1 == steps);
  }
  return logs;
}

}  // namespace

Logs Model::evaluate(const std::vector<Tensor>& x_given, const std::vector<Tensor>& y, const EvaluateOptions& options) {
  const std::vector<Tensor> x = float32_inputs(x_given);
  ensure_graph(x);
  optimizer();  // must be compiled
  check_inputs(*this, x);
  check_targets(*this, losses_, x, y);
  if (options.batch_size < 1) throw ValueError("batch_size must be at least 1.");
  check_sample_weights(options.sample_weight, y, x[0].rows());
  ensure_packed(*this, *trainer_);
  return run_evaluation(*this, *trainer_, x, y, options.sample_weight, options.batch_size, options.verbose, losses_,
                        loss_weights_, "");
}

std::vector<Tensor> Model::predict(const std::vector<Tensor>& x_given, int batch_size) {
  const std::vector<Tensor> x = float32_inputs(x_given);
  ensure_graph(x);
  check_inputs(*this, x);
  if (batch_size < 1) throw ValueError("batch_size must be at least 1.");
  auto& t = trainer();
  const int64_t n = x[0].rows();
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::vector<Tensor> out;
  for (const auto& y : outputs_) out.push_back(Tensor::empty(y.shape().with_batch(n)));
  for (int64_t begin = 0; begin < n; begin += batch_size) {
    int64_t count = std::min<int64_t>(batch_size, n - begin);
    ExecutionPlan& plan = t.plan(*this, count);
    load_batch(*this, t, plan, x, nullptr, nullptr, order, begin, count, losses_);
    plan.forward(false, t.step);
    for (size_t o = 0; o < out.size(); ++o) {
      Tensor& pred = plan.value(plan.output_ids()[o]);
      t.backend->copy_to_host(out[o].slice_rows(begin, begin + count).raw(), pred.raw(),
                              static_cast<size_t>(pred.size()) * sizeof(float));
    }
  }
  return out;
}

Tensor Model::predict_classes(const Tensor& x, int batch_size) {
  Tensor p = predict(x, batch_size);
  const int64_t n = p.rows(), c = p.cols();
  auto v = p.to_vector();
  std::vector<int32_t> classes(static_cast<size_t>(n));
  for (int64_t r = 0; r < n; ++r) {
    const float* row = v.data() + r * c;
    classes[static_cast<size_t>(r)] = c == 1 ? (row[0] > 0.5f ? 1 : 0)
                                             : static_cast<int32_t>(std::max_element(row, row + c) - row);
  }
  return Tensor::from_vector(Shape{n}, classes);
}

std::vector<Tensor> Model::predict_on_batch(const std::vector<Tensor>& x) {
  return predict(x, static_cast<int>(std::max<int64_t>(1, x.at(0).rows())));
}

Logs Model::test_on_batch(const std::vector<Tensor>& x, const std::vector<Tensor>& y,
                          const std::vector<Tensor>& sample_weight) {
  EvaluateOptions o;
  o.batch_size = static_cast<int>(std::max<int64_t>(1, x.at(0).rows()));
  o.verbose = 0;
  o.sample_weight = sample_weight;
  return evaluate(x, y, o);
}

Logs Model::train_on_batch(const std::vector<Tensor>& x_given, const std::vector<Tensor>& y,
                           const std::vector<Tensor>& sample_weight) {
  const std::vector<Tensor> x = float32_inputs(x_given);
  ensure_graph(x);
  optimizer();
  check_inputs(*this, x);
  check_targets(*this, losses_, x, y);
  auto& t = *trainer_;
  check_sample_weights(sample_weight, y, x[0].rows());
  ensure_packed(*this, t);
  const int64_t n = x[0].rows();
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::vector<float>> weights(y.size());
  for (size_t o = 0; o < sample_weight.size() && o < y.size(); ++o) weights[o] = sample_weight[o].to_vector();
  ExecutionPlan& plan = t.plan(*this, n);
  load_batch(*this, t, plan, x, &y, weights.data(), order, 0, n, losses_);
  // Like Keras, metrics accumulate over train_on_batch calls until reset_metrics().
  StepResult r;
  run_step(*this, t, plan, n, losses_, loss_weights_, true, r);
  // Metrics of train_on_batch are computed on the outputs before the update, as Keras reports them.
  update_metrics(t, plan, n);
  Logs logs{{"loss", r.loss}};
  for (size_t o = 0; o < t.metrics.size(); ++o) {
    if (y.size() > 1) logs[output_prefix(*this, o) + "loss"] = r.output_losses[o];
    for (auto& metric : t.metrics[o]) logs[output_prefix(*this, o) + metric->name()] = metric->result();
  }
  return logs;
}

void Model::reset_metrics() {
  if (!trainer_) return;
  for (auto& list : trainer_->metrics)
    for (auto& metric : list) metric->reset();
}

// ------------------------------------------------------------------------------------------------ fit

History Model::fit(const std::vector<Tensor>& x_given, const std::vector<Tensor>& y_all, const FitOptions& options) {
  const std::vector<Tensor> x_all = float32_inputs(x_given);
  ensure_graph(x_all);
  optimizer();
  check_inputs(*this, x_all);
  check_targets(*this, losses_, x_all, y_all);
  if (options.batch_size < 1) throw ValueError("batch_size must be at least 1.");
  if (options.epochs < options.initial_epoch) throw ValueError("epochs must be at least initial_epoch.");
  if (options.validation_split < 0 || options.validation_split >= 1)
    throw ValueError("validation_split must be in [0, 1), got " + std::to_string(options.validation_split) + ".");
  auto& t = *trainer_;
  if (options.seed && *options.seed != t.seed) t.seed = *options.seed, t.plans.clear(), t.slots.clear();
  ensure_packed(*this, t);
  stop_requested_ = false;

  check_sample_weights(options.sample_weight, y_all, x_all[0].rows());
  // Keras: validation_data wins over validation_split; a split takes the last samples (with their sample
  // weights), before any shuffling, at floor(n * (1 - split)).
  std::vector<Tensor> x = x_all, y = y_all, sw = options.sample_weight, x_val, y_val, w_val;
  int64_t n = x_all[0].rows();
  if (options.validation_data) {
    x_val = float32_inputs(options.validation_data->first), y_val = options.validation_data->second;
    check_inputs(*this, x_val);
    check_targets(*this, losses_, x_val, y_val);
  } else if (options.validation_split > 0) {
    int64_t split_at = static_cast<int64_t>(std::floor(static_cast<double>(n) * (1.0 - options.validation_split)));
    if (split_at < 1 || split_at >= n)
      throw ValueError("validation_split=" + std::to_string(options.validation_split) + " leaves " +
                       (split_at < 1 ? "no training samples" : "no validation samples") + " out of " +
                       std::to_string(n) + ". Use a split between 0 and 1 that keeps both non-empty.");
    auto split = [&](std::vector<Tensor>& all, std::vector<Tensor>& val) {
      for (auto& a : all)
        if (a.defined()) val.push_back(a.slice_rows(split_at, n)), a = a.slice_rows(0, split_at);
    };
    split(x, x_val), split(y, y_val), split(sw, w_val);
    n = split_at;
  }

  // Per-sample weights: sample_weight times class_weight (by integer label or one-hot argmax).
  std::vector<std::vector<float>> weights(y.size());
  for (size_t o = 0; o < sw.size() && o < y.size(); ++o)
    if (sw[o].defined()) weights[o] = sw[o].to_vector();
  if (!options.class_weight.empty()) {
    if (y.size() != 1) throw ValueError("class_weight is only supported for models with one output.");
    if (weights[0].empty()) weights[0].assign(static_cast<size_t>(n), 1.0f);
    auto labels = y[0].dtype() == DType::Int32 ? std::vector<float>() : y[0].to_vector();
    auto ints = y[0].dtype() == DType::Int32 ? y[0].to_int_vector() : std::vector<int32_t>();
    const int64_t c = y[0].cols();
    for (int64_t i = 0; i < n; ++i) {
      int label = !ints.empty() ? ints[static_cast<size_t>(i * c)]
                  : c == 1     ? static_cast<int>(std::lround(labels[static_cast<size_t>(i)]))
                               : static_cast<int>(std::max_element(labels.begin() + i * c, labels.begin() + (i + 1) * c) -
                                                  (labels.begin() + i * c));
      auto it = options.class_weight.find(label);
      if (it != options.class_weight.end()) weights[0][static_cast<size_t>(i)] *= static_cast<float>(it->second);
    }
  }

  for (auto& cb : options.callbacks) cb->set_model(this);
  History history;
  Logs empty;
  for (auto& cb : options.callbacks) cb->on_train_begin(empty);
  const int64_t steps = (n + options.batch_size - 1) / options.batch_size;
  std::vector<int64_t> order(static_cast<size_t>(n));
  bool warned_nan = false;
  Logs epoch_logs;
  // Log keys computed once: the step loop only updates values (no allocation per step).
  std::vector<std::string> loss_keys;
  std::vector<std::vector<std::string>> metric_keys(t.metrics.size());
  for (size_t o = 0; o < t.metrics.size(); ++o) {
    loss_keys.push_back(output_prefix(*this, o) + "loss");
    for (auto& metric : t.metrics[o]) metric_keys[o].push_back(output_prefix(*this, o) + metric->name());
  }
  StepResult r;
  for (int epoch = options.initial_epoch; epoch < options.epochs && !stop_requested_; ++epoch) {
    for (auto& cb : options.callbacks) cb->on_epoch_begin(epoch, empty);
    if (options.verbose) std::printf("Epoch %d/%d\n", epoch + 1, options.epochs), std::fflush(stdout);
    std::iota(order.begin(), order.end(), 0);
    if (options.shuffle) {
      Random rng(mix_key(t.seed, 0x5F0FF1E, static_cast<uint64_t>(epoch)));
      for (int64_t i = n - 1; i > 0; --i) std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<uint64_t>(i + 1))]);
    }
    for (auto& list : t.metrics)
      for (auto& metric : list) metric->reset();
    Mean loss;
    std::vector<Mean> output_loss(y.size());
    Progbar bar(steps, options.verbose);
    int64_t seen = 0;
    Logs logs;
    for (int64_t b = 0; b < steps && !stop_requested_; ++b) {
      for (auto& cb : options.callbacks) cb->on_train_batch_begin(static_cast<int>(b), empty);
      int64_t begin = b * options.batch_size, count = std::min<int64_t>(options.batch_size, n - begin);
      ExecutionPlan& plan = t.plan(*this, count);
      load_batch(*this, t, plan, x, &y, weights.data(), order, begin, count, losses_);
      run_step(*this, t, plan, count, losses_, loss_weights_, true, r);
      seen += count;
      if (!std::isfinite(r.loss) && !warned_nan && options.verbose) {
        std::fprintf(stderr, "\nWarning: the loss became %s at epoch %d, batch %lld. Training goes on, but the weights "
                     "are likely ruined: lower the learning rate, normalise the inputs, or add TerminateOnNaN.\n",
                     std::isnan(r.loss) ? "NaN" : "infinite", epoch + 1, static_cast<long long>(b + 1));
        warned_nan = true;
      }
      loss.add(r.loss, static_cast<double>(count));
      for (size_t o = 0; o < y.size(); ++o) output_loss[o].add(r.output_losses[o], static_cast<double>(count));
      // Training metrics see the outputs of the forward pass of this step, as in Keras.
      update_metrics(t, plan, count);
      logs["loss"] = loss.result();
      for (size_t o = 0; o < t.metrics.size(); ++o) {
        if (y.size() > 1) logs[loss_keys[o]] = output_loss[o].result();
        for (size_t k = 0; k < t.metrics[o].size(); ++k) logs[metric_keys[o][k]] = t.metrics[o][k]->result();
      }
      for (auto& cb : options.callbacks) cb->on_train_batch_end(static_cast<int>(b), logs);
      bar.update(b + 1, logs, false);
    }
    epoch_logs = logs;
    if (!x_val.empty()) {  // Keras validates even in an epoch a callback stopped
      for (auto& cb : options.callbacks) cb->on_test_begin(empty);
      Logs val = run_evaluation(*this, t, x_val, y_val, w_val, options.batch_size, 0, losses_, loss_weights_, "val_");
      for (auto& cb : options.callbacks) cb->on_test_end(val);
      epoch_logs.insert(val.begin(), val.end());
    }
    for (auto& cb : options.callbacks) cb->on_epoch_end(epoch, epoch_logs);
    // After the callbacks, as Keras's progress bar: it shows what they added (learning_rate).
    bar.update(seen == n ? steps : (seen + options.batch_size - 1) / options.batch_size, epoch_logs, true);
    history.epoch.push_back(epoch);
    for (const auto& [k, v] : epoch_logs) history.history[k].push_back(v);
  }
  for (auto& cb : options.callbacks) cb->on_train_end(epoch_logs);
  return history;
}

}  // namespace cornu
