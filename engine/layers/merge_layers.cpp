// Elementwise merges of tensors of one shape: Add, Subtract (exactly 2), Multiply, Average, Maximum, Minimum.
// https://keras.io/api/layers/merging_layers/
// Keras 3 also broadcasts inputs of different shapes; Cornu requires equal shapes for now.
#include "core/error.h"
#include "layers/layer.h"

namespace cornu {

namespace {

enum class MergeOp { Add, Subtract, Multiply, Average, Maximum, Minimum };

// Multiply, Maximum and Minimum are computed as a chain m_k = op(m_{k-1}, x_k) (m_0 = x_0, m_last = y);
// scratch slots 0 and 1 hold gradients of the chain in backward, slot k + 1 holds m_k.
constexpr int kChainGradSlot = 0;

class ElementwiseMerge final : public Layer {
 public:
  ElementwiseMerge(std::string class_name, MergeOp op, Config config)
      : Layer(std::move(class_name), std::move(config)), op_(op) {}

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 2, op_ == MergeOp::Subtract ? 2 : -1);
    Shape out = inputs[0];
    for (size_t i = 1; i < inputs.size(); ++i) {
      const Shape& s = inputs[i];
      bool same = s.rank() == out.rank();
      for (int a = 0; same && a < s.rank(); ++a) {
        if (out[a] == Shape::kNone) out[a] = s[a];
        else same = s[a] == Shape::kNone || s[a] == out[a];
      }
      if (!same) {
        std::string fix = "reshape the inputs (Reshape, RepeatVector) so that their shapes match.";
        if (s.rank() == 2 && out.rank() == 2 && out[1] != Shape::kNone)  // two feature vectors of different widths
          fix = "give them one width, e.g. a Dense with units=" + std::to_string(out[1]) + " on the branch giving " +
                s.to_string() + ".";
        throw ShapeError(class_name() + " layer '" + name() + "' expects inputs of one shape, but it received " +
                         inputs[0].to_string() + " and " + s.to_string() + " (input " + std::to_string(i) +
                         "). Broadcasting between different shapes is not supported yet: " + fix);
      }
    }
    return {out};
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const int64_t n = y[0]->size(), count = static_cast<int64_t>(x.size());
    float* out = y[0]->data();
    switch (op_) {
      case MergeOp::Add:
      case MergeOp::Average:
        b.copy(out, x[0]->data(), static_cast<size_t>(n) * sizeof(float));
        for (int64_t i = 1; i < count; ++i) b.axpy(n, 1.0f, x[i]->data(), out);
        if (op_ == MergeOp::Average) b.scale(n, 1.0f / static_cast<float>(count), out);
        break;
      case MergeOp::Subtract: b.binary(BinaryOp::Sub, x[0]->data(), x[1]->data(), out, n); break;
      default: {
        const float* previous = x[0]->data();
        for (int64_t k = 1; k < count; ++k) {
          float* m = k == count - 1 ? out : ctx.scratch(static_cast<int>(k) + 1, y[0]->shape()).data();
          b.binary(chain_op(), previous, x[k]->data(), m, n);
          previous = m;
        }
      }
    }
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    Backend& b = ctx.backend();
    const int64_t n = y[0]->size(), count = static_cast<int64_t>(x.size());
    auto grad = [&](int64_t i) { return dx[static_cast<size_t>(i)] ? dx[static_cast<size_t>(i)]->data() : nullptr; };
    switch (op_) {
      case MergeOp::Add:
      case MergeOp::Average:
      case MergeOp::Subtract:
        for (int64_t i = 0; i < count; ++i) {
          float alpha = op_ == MergeOp::Average ? 1.0f / static_cast<float>(count)
                        : op_ == MergeOp::Subtract && i == 1 ? -1.0f
                                                             : 1.0f;
          if (grad(i)) b.axpy(n, alpha, dy[0]->data(), grad(i));
        }
        break;
      default: {
        // Walks the chain back: dm_{k-1} and dx_k from dm_k, with dm_last = dy and dm_0 = dx_0.
        const float* grad_m = dy[0]->data();
        for (int64_t k = count - 1; k >= 1; --k) {
          const float* previous = k == 1 ? x[0]->data() : ctx.scratch(static_cast<int>(k), y[0]->shape()).data();
          float* grad_previous = grad(0);
          if (k > 1) {
            grad_previous = ctx.scratch(kChainGradSlot + static_cast<int>(k % 2), y[0]->shape()).data();
            b.fill(grad_previous, n, 0.0f);
          }
          b.binary_backward(chain_op(), previous, x[k]->data(), grad_m, grad_previous, grad(k), n);
          grad_m = grad_previous;
        }
      }
    }
  }

 private:
  BinaryOp chain_op() const {
    return op_ == MergeOp::Multiply ? BinaryOp::Mul : op_ == MergeOp::Maximum ? BinaryOp::Max : BinaryOp::Min;
  }

  MergeOp op_;
};

void register_merge(LayerRegistry& r, const std::string& name, MergeOp op, const std::string& doc) {
  r.add({.name = name,
         .category = "Merge",
         .doc = doc,
         .params = {},
         .min_inputs = 2,
         .max_inputs = op == MergeOp::Subtract ? 2 : -1,
         .create = [name, op](const Config& c) { return std::make_shared<ElementwiseMerge>(name, op, c); }});
}

}  // namespace

void register_merge_layers(LayerRegistry& r) {
  register_merge(r, "Add", MergeOp::Add, "Adds its inputs (all of one shape) elementwise.");
  register_merge(r, "Subtract", MergeOp::Subtract, "Subtracts its second input from its first, elementwise.");
  register_merge(r, "Multiply", MergeOp::Multiply, "Multiplies its inputs (all of one shape) elementwise.");
  register_merge(r, "Average", MergeOp::Average, "Averages its inputs (all of one shape) elementwise.");
  register_merge(r, "Maximum", MergeOp::Maximum, "Elementwise maximum of its inputs (all of one shape).");
  register_merge(r, "Minimum", MergeOp::Minimum, "Elementwise minimum of its inputs (all of one shape).");
}

}  // namespace cornu
