#include "layers/normalization.h"

#include <algorithm>

#include "core/error.h"

namespace cornu::normalization {

std::vector<ParamSpec> affine_params(double epsilon) {
  return {{.name = "epsilon", .type = ParamType::Float, .default_value = epsilon,
           .doc = "Small float added to the variance to avoid dividing by zero.", .minimum = 0.0},
          {.name = "center", .type = ParamType::Bool, .default_value = true,
           .doc = "Add the learned offset beta to the normalized tensor."},
          {.name = "scale", .type = ParamType::Bool, .default_value = true,
           .doc = "Multiply the normalized tensor by the learned factor gamma."},
          {.name = "beta_initializer", .type = ParamType::Initializer, .default_value = "zeros",
           .doc = "Initializer for beta."},
          {.name = "gamma_initializer", .type = ParamType::Initializer, .default_value = "ones",
           .doc = "Initializer for gamma."},
          {.name = "beta_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
           .doc = "Regularizer for beta."},
          {.name = "gamma_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
           .doc = "Regularizer for gamma."},
          {.name = "beta_constraint", .type = ParamType::Constraint, .default_value = nullptr,
           .doc = "Constraint for beta."},
          {.name = "gamma_constraint", .type = ParamType::Constraint, .default_value = nullptr,
           .doc = "Constraint for gamma."}};
}

std::vector<int> trailing_axes(const Config& axis, int rank, const std::string& what) {
  std::vector<int> axes;
  auto add = [&](const Config& a) {
    if (!a.is_number_integer()) throw ValueError(what + ": axis must be an int or a list of ints, not " + a.dump() + ".");
    int k = a.get<int>();
    if (k < 0) k += rank;
    if (k <= 0 || k >= rank)
      throw ShapeError(what + ": axis " + a.dump() + " is not a feature axis of its input of rank " +
                       std::to_string(rank) + " (axis 0 is the batch).");
    axes.push_back(k);
  };
  if (axis.is_array()) {
    for (const auto& a : axis) add(a);
  } else {
    add(axis);
  }
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  if (axes.empty()) throw ValueError(what + ": axis lists no axis.");
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] != rank - static_cast<int>(axes.size()) + static_cast<int>(i))
      throw ValueError(what + ": Cornu normalizes the last axes only (axis=-1, or [-2, -1]...), but axis is " +
                       axis.dump() + ". Put those axes last with a Permute layer first.");
  return axes;
}

int64_t axes_size(const Shape& input, const std::vector<int>& axes, const std::string& what) {
  int64_t n = 1;
  for (int a : axes) {
    if (input[a] == Shape::kNone)
      throw ShapeError(what + " needs to know the size of axis " + std::to_string(a) + " of its input to create its " +
                       "weights, but it received " + input.to_string() + ". Give that axis a size in the Input shape.");
    n *= input[a];
  }
  return n;
}

namespace {
enum Slot { kMean, kVariance };
}  // namespace

void forward_with_own_statistics(Context& ctx, const Backend::NormGeometry& g, const Tensor& x, Tensor& y,
                                 const Variable* gamma, const Variable* beta) {
  float* mean = ctx.scratch(kMean, Shape{g.stats()}).data();
  float* variance = ctx.scratch(kVariance, Shape{g.stats()}).data();
  ctx.backend().norm_moments(g, x.data(), nullptr, mean, variance);
  ctx.backend().norm_apply(g, x.data(), mean, variance, gamma ? gamma->value.data() : nullptr,
                           beta ? beta->value.data() : nullptr, y.data());
}

void backward_with_own_statistics(Context& ctx, const Backend::NormGeometry& g, const Tensor& x, const Tensor& dy,
                                  Tensor* dx, Variable* gamma, Variable* beta) {
  ctx.backend().norm_backward(g, x.data(), nullptr, ctx.scratch(kMean, Shape{g.stats()}).data(),
                              ctx.scratch(kVariance, Shape{g.stats()}).data(), gamma ? gamma->value.data() : nullptr,
                              dy.data(), dx ? dx->data() : nullptr, gamma && gamma->trainable ? gamma->grad.data() : nullptr,
                              beta && beta->trainable ? beta->grad.data() : nullptr, true);
}

}  // namespace cornu::normalization
