// Elementwise functions and their derivatives on the CPU (the UnaryOp list in backend/backend.h).
// Each op is one branch-free loop over a lambda, so the compiler can vectorise it, split across cores
// above kParallelThreshold. Formulas follow Keras 3 (keras/src/activations/activations.py) in forms
// that stay finite for large |x|: sigmoid through exp(-|x|), softplus as max(x, 0) + log1p(exp(-|x|)).
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"
#include "core/error.h"

namespace cornu {

namespace {

// SELU's constants (Klambauer et al. 2017), as in Keras.
constexpr float kSeluAlpha = 1.67326324235437728f;
constexpr float kSeluScale = 1.05070098735548049f;
constexpr float kSqrt2OverPi = 0.797884560802865356f;  // sqrt(2 / pi), GELU's tanh approximation
constexpr float kInvSqrt2 = 0.707106781186547524f;
constexpr float kInvSqrt2Pi = 0.398942280401432678f;  // 1 / sqrt(2 pi), the normal density at 0
constexpr float kGeluCubic = 0.044715f;

inline float sigmoid(float x) {
  float z = std::exp(-std::fabs(x));  // in (0, 1]: never overflows
  return x >= 0 ? 1.0f / (1.0f + z) : z / (1.0f + z);
}
inline float softplus(float x) { return std::fmax(x, 0.0f) + std::log1p(std::exp(-std::fabs(x))); }

// Keras's relu(x, negative_slope, max_value, threshold): x above the threshold (clipped to [0, max_value]
// when max_value is set), negative_slope * (x - threshold) below it. p.b < 0 means no max_value.
inline float relu(float x, UnaryParams p) {
  float above = p.b < 0 ? x : std::fmin(std::fmax(x, 0.0f), p.b);
  return x > p.c ? above : p.a * (x - p.c);
}
inline float relu_derivative(float x, UnaryParams p) {
  float above = p.b < 0 ? 1.0f : (x >= 0 && x < p.b ? 1.0f : 0.0f);
  return x > p.c ? above : p.a;
}

inline float gelu_tanh_inner(float x) { return kSqrt2OverPi * (x + kGeluCubic * x * x * x); }

template <class F>
void map(const float* x, float* y, int64_t n, F f) {
  parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) y[i] = f(x[i]);
  });
}

// dx += dy * derivative(v), where v is x or y, whichever the derivative is cheaper from.
template <class F>
void accumulate(const float* v, const float* dy, float* dx, int64_t n, F derivative) {
  parallel_for(n, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) dx[i] += dy[i] * derivative(v[i]);
  });
}

}  // namespace

void CpuBackend::unary(UnaryOp op, const float* x, float* y, int64_t n, UnaryParams p) {
  switch (op) {
    case UnaryOp::Identity: map(x, y, n, [](float v) { return v; }); return;
    case UnaryOp::Relu: map(x, y, n, [p](float v) { return relu(v, p); }); return;
    case UnaryOp::Sigmoid: map(x, y, n, [](float v) { return sigmoid(v); }); return;
    case UnaryOp::HardSigmoid:
      map(x, y, n, [](float v) { return std::fmin(std::fmax(v + 3.0f, 0.0f), 6.0f) / 6.0f; });
      return;
    case UnaryOp::Tanh: map(x, y, n, [](float v) { return std::tanh(v); }); return;
    case UnaryOp::Softplus: map(x, y, n, [](float v) { return softplus(v); }); return;
    case UnaryOp::Softsign: map(x, y, n, [](float v) { return v / (1.0f + std::fabs(v)); }); return;
    case UnaryOp::Elu: map(x, y, n, [p](float v) { return v > 0 ? v : p.a * std::expm1(v); }); return;
    case UnaryOp::Selu:
      map(x, y, n, [](float v) { return kSeluScale * (v > 0 ? v : kSeluAlpha * std::expm1(v)); });
      return;
    case UnaryOp::Gelu: map(x, y, n, [](float v) { return 0.5f * v * (1.0f + std::erf(v * kInvSqrt2)); }); return;
    case UnaryOp::GeluTanh:
      map(x, y, n, [](float v) { return 0.5f * v * (1.0f + std::tanh(gelu_tanh_inner(v))); });
      return;
    case UnaryOp::Silu: map(x, y, n, [](float v) { return v * sigmoid(v); }); return;
    case UnaryOp::Mish: map(x, y, n, [](float v) { return v * std::tanh(softplus(v)); }); return;
    case UnaryOp::Exponential:
    case UnaryOp::Exp: map(x, y, n, [](float v) { return std::exp(v); }); return;
    case UnaryOp::Square: map(x, y, n, [](float v) { return v * v; }); return;
    case UnaryOp::Sqrt: map(x, y, n, [](float v) { return std::sqrt(v); }); return;
    case UnaryOp::Abs: map(x, y, n, [](float v) { return std::fabs(v); }); return;
    case UnaryOp::Neg: map(x, y, n, [](float v) { return -v; }); return;
    case UnaryOp::Log: map(x, y, n, [](float v) { return std::log(v); }); return;
    case UnaryOp::Sign: map(x, y, n, [](float v) { return v > 0 ? 1.0f : (v < 0 ? -1.0f : 0.0f); }); return;
    case UnaryOp::Scale: map(x, y, n, [p](float v) { return p.a * v + p.b; }); return;
  }
  throw Error("unary: unknown UnaryOp " + std::to_string(static_cast<int>(op)) + " (a backend bug).");
}

void CpuBackend::unary_backward(UnaryOp op, const float* x, const float* y, const float* dy, float* dx, int64_t n,
                                UnaryParams p) {
  switch (op) {
    case UnaryOp::Identity: accumulate(x, dy, dx, n, [](float) { return 1.0f; }); return;
    case UnaryOp::Relu: accumulate(x, dy, dx, n, [p](float v) { return relu_derivative(v, p); }); return;
    case UnaryOp::Sigmoid:  // s' = s (1 - s)
      if (y) accumulate(y, dy, dx, n, [](float s) { return s * (1.0f - s); });
      else accumulate(x, dy, dx, n, [](float v) { float s = sigmoid(v); return s * (1.0f - s); });
      return;
    case UnaryOp::HardSigmoid:
      accumulate(x, dy, dx, n, [](float v) { return v > -3.0f && v < 3.0f ? 1.0f / 6.0f : 0.0f; });
      return;
    case UnaryOp::Tanh:  // tanh' = 1 - tanh^2
      if (y) accumulate(y, dy, dx, n, [](float t) { return 1.0f - t * t; });
      else accumulate(x, dy, dx, n, [](float v) { float t = std::tanh(v); return 1.0f - t * t; });
      return;
    case UnaryOp::Softplus: accumulate(x, dy, dx, n, [](float v) { return sigmoid(v); }); return;
    case UnaryOp::Softsign:
      accumulate(x, dy, dx, n, [](float v) { float d = 1.0f + std::fabs(v); return 1.0f / (d * d); });
      return;
    case UnaryOp::Elu: accumulate(x, dy, dx, n, [p](float v) { return v > 0 ? 1.0f : p.a * std::exp(v); }); return;
    case UnaryOp::Selu:
      accumulate(x, dy, dx, n, [](float v) { return kSeluScale * (v > 0 ? 1.0f : kSeluAlpha * std::exp(v)); });
      return;
    case UnaryOp::Gelu:  // Phi(x) + x phi(x)
      accumulate(x, dy, dx, n, [](float v) {
        return 0.5f * (1.0f + std::erf(v * kInvSqrt2)) + v * kInvSqrt2Pi * std::exp(-0.5f * v * v);
      });
      return;
    case UnaryOp::GeluTanh:
      accumulate(x, dy, dx, n, [](float v) {
        float t = std::tanh(gelu_tanh_inner(v));
        float inner_derivative = kSqrt2OverPi * (1.0f + 3.0f * kGeluCubic * v * v);
        return 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * inner_derivative;
      });
      return;
    case UnaryOp::Silu:  // s + x s (1 - s)
      accumulate(x, dy, dx, n, [](float v) { float s = sigmoid(v); return s * (1.0f + v * (1.0f - s)); });
      return;
    case UnaryOp::Mish:  // tanh(sp) + x (1 - tanh(sp)^2) sigmoid(x), with sp = softplus(x)
      accumulate(x, dy, dx, n, [](float v) {
        float t = std::tanh(softplus(v));
        return t + v * (1.0f - t * t) * sigmoid(v);
      });
      return;
    case UnaryOp::Exponential:
    case UnaryOp::Exp:
      if (y) accumulate(y, dy, dx, n, [](float e) { return e; });
      else accumulate(x, dy, dx, n, [](float v) { return std::exp(v); });
      return;
    case UnaryOp::Square: accumulate(x, dy, dx, n, [](float v) { return 2.0f * v; }); return;
    case UnaryOp::Sqrt:
      if (y) accumulate(y, dy, dx, n, [](float r) { return 0.5f / r; });
      else accumulate(x, dy, dx, n, [](float v) { return 0.5f / std::sqrt(v); });
      return;
    case UnaryOp::Abs: accumulate(x, dy, dx, n, [](float v) { return v > 0 ? 1.0f : (v < 0 ? -1.0f : 0.0f); }); return;
    case UnaryOp::Neg: accumulate(x, dy, dx, n, [](float) { return -1.0f; }); return;
    case UnaryOp::Log: accumulate(x, dy, dx, n, [](float v) { return 1.0f / v; }); return;
    case UnaryOp::Sign: return;  // derivative 0 almost everywhere: nothing to add
    case UnaryOp::Scale: accumulate(x, dy, dx, n, [p](float) { return p.a; }); return;
  }
  throw Error("unary_backward: unknown UnaryOp " + std::to_string(static_cast<int>(op)) + " (a backend bug).");
}

}  // namespace cornu
