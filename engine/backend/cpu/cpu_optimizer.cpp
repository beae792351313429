// CPU optimizer updates, regularizer gradients and weight constraints, with Keras 3's exact formulas
// (keras/src/optimizers/*.py, keras/src/constraints/constraints.py). Each update is one fused loop over
// the packed parameters: decoupled weight decay first, then the optimizer's rule.
#include <algorithm>
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"
#include "core/error.h"

namespace cornu {

namespace {

constexpr float kEpsilon = 1e-7f;  // keras.backend.epsilon()

// Runs f(i) for every i < n, across cores when n is large; f is inlined so the loop vectorises.
template <class F>
inline void for_each_index(int64_t n, F f) {
  parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) f(i);
  });
}

float* slot(float* const* slots, int k, const char* what) {
  if (!slots || !slots[k]) throw Error(std::string("Optimizer update is missing its ") + what + " slot (an engine bug).");
  return slots[k];
}

}  // namespace

void CpuBackend::add_l1_l2_gradient(const float* w, float* g, int64_t n, float l1, float l2) {
  const float two_l2 = 2.0f * l2;
  // d|w|/dw = sign(w), 0 at 0 (as TensorFlow's and JAX's abs gradients).
  for_each_index(n, [=](int64_t i) { g[i] += l1 * static_cast<float>((w[i] > 0) - (w[i] < 0)) + two_l2 * w[i]; });
}

void CpuBackend::constrain(ConstraintKind kind, const ConstraintParams& p, float* w, int64_t rows, int64_t cols) {
  const int64_t n = rows * cols;
  if (kind == ConstraintKind::NonNeg) {
    for_each_index(n, [=](int64_t i) { w[i] = std::max(w[i], 0.0f); });
    return;
  }
  // Column norms over the rows (Keras's axis=0 with keepdims), then one scale factor per column. Column
  // by column, with the sum on the stack, so that a training step allocates nothing; columns are split
  // across cores when the matrix is large.
  const ConstraintParams params = p;
  parallel_for(
      cols,
      [=](int64_t c_begin, int64_t c_end) {
        for (int64_t c = c_begin; c < c_end; ++c) {
          double sq = 0.0;
          for (int64_t r = 0; r < rows; ++r) sq += double(w[r * cols + c]) * w[r * cols + c];
          const double norm = std::sqrt(sq);
          double desired = norm;
          switch (kind) {
            case ConstraintKind::MaxNorm: desired = std::clamp(norm, 0.0, double(params.max_value)); break;
            case ConstraintKind::MinMaxNorm:
              desired = params.rate * std::clamp(norm, double(params.min_value), double(params.max_value)) +
                        (1.0 - params.rate) * norm;
              break;
            case ConstraintKind::UnitNorm: desired = 1.0; break;
            case ConstraintKind::NonNeg: break;
          }
          const auto factor = static_cast<float>(desired / (kEpsilon + norm));
          for (int64_t r = 0; r < rows; ++r) w[r * cols + c] *= factor;
        }
      },
      kParallelThreshold / std::max<int64_t>(rows, 1));
}

// slots (see backend.h): SGD [momentum]; RMSprop [velocity, momentum, average_gradient]; Adagrad
// [accumulator]; Adadelta [accumulated_grad, accumulated_delta_var]; Adam/AdamW [m, v, v_hat];
// Adamax [m, u]; Nadam [m, v]. Slots an option does not use (SGD without momentum, RMSprop's momentum
// and average_gradient, Adam's v_hat without amsgrad) may be null.
// step.nadam_u_product is the product of Nadam's momentum schedule u_1 ... u_{t-1} BEFORE this step;
// this step's u_t is multiplied in here, as Keras's Nadam does before its update.
void CpuBackend::optimizer_update(OptimizerKind kind, const OptimizerStep& s, float* w, const float* g,
                                  float* const* slots, int64_t n) {
  const float lr = s.learning_rate, eps = s.epsilon;
  const float decay = s.learning_rate * s.weight_decay;  // Keras: w -= w * weight_decay * lr
  const bool decays = s.weight_decay != 0.0f;
  const double t = static_cast<double>(s.iteration + 1);  // Keras's local_step
  switch (kind) {
    case OptimizerKind::SGD: {
      const float mom = s.momentum;
      if (mom == 0.0f) {
        for_each_index(n, [=](int64_t i) {
          const float wi = decays ? w[i] - w[i] * decay : w[i];
          w[i] = wi - g[i] * lr;
        });
        break;
      }
      float* m = slot(slots, 0, "momentum");
      const bool nesterov = s.nesterov;
      for_each_index(n, [=](int64_t i) {
        const float wi = decays ? w[i] - w[i] * decay : w[i];
        m[i] = m[i] * mom - g[i] * lr;
        w[i] = nesterov ? wi + (m[i] * mom - g[i] * lr) : wi + m[i];
      });
      break;
    }
    case OptimizerKind::RMSprop: {
      float* v = slot(slots, 0, "velocity");
      float* mo = s.momentum > 0 ? slot(slots, 1, "momentum") : nullptr;
      float* avg = s.centered ? slot(slots, 2, "average_gradient") : nullptr;
      const float rho = s.rho, mom = s.momentum;
      for_each_index(n, [=](int64_t i) {
        const float wi = decays ? w[i] - w[i] * decay : w[i];
        v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
        float denominator = v[i] + eps;  // Keras 3 keeps epsilon inside the square root
        if (avg) {
          avg[i] = rho * avg[i] + (1 - rho) * g[i];
          denominator = v[i] - avg[i] * avg[i] + eps;
        }
        const float increment = lr * g[i] / std::sqrt(denominator);
        if (mo) {
          mo[i] = mom * mo[i] + increment;
          w[i] = wi - mo[i];
        } else {
          w[i] = wi - increment;
        }
      });
      break;
    }
    case OptimizerKind::Adagrad: {
      float* acc = slot(slots, 0, "accumulator");  // starts at initial_accumulator_value (Optimizer fills it)
      for_each_index(n, [=](int64_t i) {
        const float wi = decays ? w[i] - w[i] * decay : w[i];
        acc[i] += g[i] * g[i];
        w[i] = wi - lr * g[i] / std::sqrt(acc[i] + eps);
      });
      break;
    }
    case OptimizerKind::Adadelta: {
      float* ag = slot(slots, 0, "accumulated_grad");
      float* ad = slot(slots, 1, "accumulated_delta_var");
      const float rho = s.rho;
      for_each_index(n, [=](int64_t i) {
        const float wi = decays ? w[i] - w[i] * decay : w[i];
        ag[i] = rho * ag[i] + (1 - rho) * g[i] * g[i];
        const float delta = -std::sqrt(ad[i] + eps) * g[i] / std::sqrt(ag[i] + eps);
        ad[i] = rho * ad[i] + (1 - rho) * delta * delta;
        w[i] = wi + lr * delta;
      });
      break;
    }
    case OptimizerKind::Adam:
    case OptimizerKind::AdamW: {  // AdamW is Adam whose weight_decay defaults to 0.004
      float* m = slot(slots, 0, "momentum");
      float* v = slot(slots, 1, "velocity");
      float* vhat = s.amsgrad ? slot(slots, 2, "velocity_hat") : nullptr;
      const float b1 = s.beta_1, b2 = s.beta_2;
      const auto alpha = static_cast<float>(s.learning_rate * std::sqrt(1.0 - std::pow(double(b2), t)) /
                                            (1.0 - std::pow(double(b1), t)));
      for_each_index(n, [=](int64_t i) {
        const float wi = decays ? w[i] - w[i] * decay : w[i];
        m[i] += (g[i] - m[i]) * (1 - b1);
        v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
        float vi = v[i];
        if (vhat) vi = vhat[i] = std::max(vhat[i], v[i]);
        w[i] = wi - m[i] * alpha / (std::sqrt(vi) + eps);
      });
      break;
    }
    case OptimizerKind::Adamax: {
      float* m = slot(slots, 0, "momentum");
      float* u = slot(slots, 1, "norm");
      const float b1 = s.beta_1, b2 = s.beta_2;
      const auto bias = static_cast<float>(1.0 - std::pow(double(b1), t));
      for_each_index(n, [=](int64_t i) {
        const float wi = decays ? w[i] - w[i] * decay : w[i];
        m[i] += (g[i] - m[i]) * (1 - b1);
        u[i] = std::max(b2 * u[i], std::fabs(g[i]));
        w[i] = wi - lr * m[i] / (bias * (u[i] + eps));
      });
      break;
    }
    case OptimizerKind::Nadam: {
      float* m = slot(slots, 0, "momentum");
      float* v = slot(slots, 1, "velocity");
      const double b1 = s.beta_1, b2 = s.beta_2;
      const double u_t = b1 * (1.0 - 0.5 * std::pow(0.96, t)), u_next = b1 * (1.0 - 0.5 * std::pow(0.96, t + 1));
      const double product = double(s.nadam_u_product) * u_t, product_next = product * u_next;
      const auto c_m = static_cast<float>(u_next / (1.0 - product_next));  // weight of the momentum
      const auto c_g = static_cast<float>((1.0 - u_t) / (1.0 - product));   // weight of the gradient
      const auto v_scale = static_cast<float>(1.0 / (1.0 - std::pow(b2, t)));
      const auto fb1 = static_cast<float>(b1), fb2 = static_cast<float>(b2);
      for_each_index(n, [=](int64_t i) {
        const float wi = decays ? w[i] - w[i] * decay : w[i];
        m[i] += (g[i] - m[i]) * (1 - fb1);
        v[i] += (g[i] * g[i] - v[i]) * (1 - fb2);
        const float m_hat = c_m * m[i] + c_g * g[i];
        w[i] = wi - m_hat * lr / (std::sqrt(v[i] * v_scale) + eps);
      });
      break;
    }
  }
}

}  // namespace cornu
