#include "model/plan.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "core/random.h"
#include "model/model.h"

namespace cornu {

namespace {

struct Flattener {
  std::vector<PlannedCall>& calls;
  std::vector<Shape>& shapes;
  std::vector<int>& mask_of;  // per tensor: the id of its mask, or -1
  std::vector<bool>& no_grad;  // per tensor: a model input or a mask
  int64_t batch;

  int new_tensor(const Shape& s, bool mask = false) {
    shapes.push_back(s.with_batch(batch));
    mask_of.push_back(-1);
    no_grad.push_back(mask);
    return static_cast<int>(shapes.size()) - 1;
  }

  // Decides where each output's mask comes from (Layer::output_mask_sources) and allocates the new ones.
  void plan_masks(PlannedCall& call) {
    std::vector<bool> masked;
    for (int id : call.inputs) {
      call.input_masks.push_back(mask_of[static_cast<size_t>(id)]);
      masked.push_back(call.input_masks.back() >= 0);
    }
    std::vector<int> sources = call.layer->output_mask_sources(masked, call.outputs.size());
    for (size_t k = 0; k < call.outputs.size(); ++k) {
      const int source = k < sources.size() ? sources[k] : Layer::kNoMask;
      int mask = -1;
      if (source >= 0 && static_cast<size_t>(source) < call.input_masks.size()) {
        mask = call.input_masks[static_cast<size_t>(source)];
      } else if (source == Layer::kOwnMask) {
        const Shape out = shapes[static_cast<size_t>(call.outputs[k])];
        if (out.rank() < 2)
          throw ShapeError("Layer '" + call.layer->name() + "' makes a mask, but its output " + out.to_string() +
                           " has no time axis to mask.");
        mask = new_tensor(Shape{out[0], out[1]}, true);
        call.computes_masks = true;
      }
      call.output_masks.push_back(mask);
      mask_of[static_cast<size_t>(call.outputs[k])] = mask;
    }
  }

  // Appends the calls of `model` with its inputs bound to `input_ids`; returns its output tensor ids.
  std::vector<int> flatten(const Model& model, const std::vector<int>& input_ids) {
    std::map<std::pair<const Node*, int>, int> ids;
    for (size_t i = 0; i < model.inputs().size(); ++i)
      ids[{model.inputs()[i].node.get(), model.inputs()[i].index}] = input_ids.at(i);
    for (const auto& node : model.nodes()) {
      if (node->layer->class_name() == "InputLayer") continue;
      std::vector<int> in;
      for (const auto& x : node->inputs) in.push_back(ids.at({x.node.get(), x.index}));
      std::vector<int> out;
      if (auto* inner = dynamic_cast<const Model*>(node->layer.get())) {
        out = flatten(*inner, in);
      } else {
        PlannedCall call;
        call.layer = node->layer.get();
        call.inputs = in;
        for (const auto& s : node->output_shapes) call.outputs.push_back(new_tensor(s));
        plan_masks(call);
        out = call.outputs;
        calls.push_back(std::move(call));
      }
      for (size_t k = 0; k < out.size(); ++k) ids[{node.get(), static_cast<int>(k)}] = out[k];
    }
    std::vector<int> outputs;
    for (const auto& y : model.outputs()) outputs.push_back(ids.at({y.node.get(), y.index}));
    return outputs;
  }
};

}  // namespace

ExecutionPlan::ExecutionPlan(Model& model, int64_t batch, Backend& backend, uint64_t seed)
    : batch_(batch), backend_(backend) {
  std::vector<int> mask_of;
  Flattener f{calls_, shapes_, mask_of, is_input_, batch};
  for (const auto& x : model.inputs()) input_ids_.push_back(f.new_tensor(x.shape()));
  output_ids_ = f.flatten(model, input_ids_);
  for (int id : output_ids_) output_mask_ids_.push_back(mask_of[static_cast<size_t>(id)]);
  for (int id : input_ids_) is_input_[static_cast<size_t>(id)] = true;

  // One arena for values, one for gradients (model inputs need none), each tensor a view.
  int64_t value_total = 0, grad_total = 0;
  std::vector<int64_t> value_offset(shapes_.size()), grad_offset(shapes_.size(), -1);
  constexpr int64_t kAlign = 16;  // floats: 64 bytes
  for (size_t i = 0; i < shapes_.size(); ++i) {
    int64_t n = (shapes_[i].size() + kAlign - 1) / kAlign * kAlign;
    value_offset[i] = value_total, value_total += n;
    if (!is_input_[i]) grad_offset[i] = grad_total, grad_total += n;
  }
  value_arena_ = Tensor::empty(Shape{value_total}, DType::Float32, &backend);
  grad_arena_ = Tensor::empty(Shape{std::max<int64_t>(grad_total, 1)}, DType::Float32, &backend);
  backend.fill(value_arena_.data(), value_total, 0.0f);
  for (size_t i = 0; i < shapes_.size(); ++i) {
    values_.push_back(value_arena_.slice_flat(value_offset[i], shapes_[i]));
    grads_.push_back(grad_offset[i] >= 0 ? grad_arena_.slice_flat(grad_offset[i], shapes_[i]) : Tensor());
  }
  for (size_t c = 0; c < calls_.size(); ++c) {
    PlannedCall& call = calls_[c];
    call.context = std::make_unique<Context>(backend, mix_key(seed, 0xCA11, c));
    for (int id : call.input_masks)
      call.context->input_masks.push_back(id >= 0 ? &values_[static_cast<size_t>(id)] : nullptr);
  }
}

double ExecutionPlan::forward(bool training, uint64_t step) {
  double added = 0;
  auto& x = x_;
  auto& y = y_;
  for (auto& call : calls_) {
    x.clear(), y.clear();
    for (int id : call.inputs) x.push_back(&values_[static_cast<size_t>(id)]);
    for (int id : call.outputs) y.push_back(&values_[static_cast<size_t>(id)]);
    call.context->training = training;
    call.context->step = step;
    call.layer->forward(*call.context, x, y);
    if (call.computes_masks) {
      masks_.clear();
      for (size_t k = 0; k < call.outputs.size(); ++k) {
        const int id = call.output_masks[k];
        const bool own = id >= 0 && std::find(call.input_masks.begin(), call.input_masks.end(), id) == call.input_masks.end();
        masks_.push_back(own ? &values_[static_cast<size_t>(id)] : nullptr);
      }
      call.layer->compute_mask(*call.context, x, masks_);
    }
    added += call.context->take_added_loss();
  }
  return added;
}

void ExecutionPlan::zero_grads() { backend_.fill(grad_arena_.data(), grad_arena_.size(), 0.0f); }

void ExecutionPlan::backward() {
  auto &x = x_, &y = y_const_, &dy = dy_;
  auto& dx = dx_;
  for (auto it = calls_.rbegin(); it != calls_.rend(); ++it) {
    auto& call = *it;
    x.clear(), y.clear(), dy.clear(), dx.clear();
    for (int id : call.inputs) {
      x.push_back(&values_[static_cast<size_t>(id)]);
      dx.push_back(is_input_[static_cast<size_t>(id)] ? nullptr : &grads_[static_cast<size_t>(id)]);
    }
    for (int id : call.outputs) {
      y.push_back(&values_[static_cast<size_t>(id)]);
      dy.push_back(&grads_[static_cast<size_t>(id)]);
    }
    call.layer->backward(*call.context, x, y, dy, dx);
  }
}

}  // namespace cornu
