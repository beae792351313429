// One finite-difference harness for every layer, activation and loss (after Caffe's GradientChecker):
// central differences in float64 arithmetic around float32 parameters, relative error floored at 1,
// fixed seeds. A layer's backward must agree with the numerical derivative of L = sum(r * y) for a
// random projection r.
#pragma once
#include <QtTest>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/random.h"
#include "core/tensor.h"
#include "layers/layer.h"

namespace cornu::testing {

struct GradCheckOptions {
  double step = 1e-2;        // perturbation
  double tolerance = 2e-2;   // max |analytic - numeric| / max(1, |analytic|, |numeric|)
  bool training = false;
  uint64_t seed = 1234;
  float input_scale = 1.0f;  // inputs uniform in [-scale, scale]
  int max_checks = 60;       // elements checked per tensor (spread evenly)
  // Keeps inputs away from kinks (relu at 0, abs at 0): resampled when |x - kink| < margin.
  std::vector<float> kinks;
  float kink_margin = 0.05f;
  // Positive inputs only (log, sqrt...).
  bool positive_inputs = false;
};

inline std::vector<float> random_values(int64_t n, uint64_t key, const GradCheckOptions& o) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    uint64_t draw = static_cast<uint64_t>(i) * 16;
    float x;
    for (;;) {
      float u = random_uniform_at(key, draw++);
      x = o.positive_inputs ? 0.1f + o.input_scale * u : o.input_scale * (2 * u - 1);
      bool near_kink = false;
      for (float k : o.kinks) near_kink |= std::fabs(x - k) < o.kink_margin;
      if (!near_kink) break;
    }
    v[static_cast<size_t>(i)] = x;
  }
  return v;
}

// Checks dL/dx for every input and dL/dw for every trainable variable of `layer` on inputs of the given
// (fully known) shapes. Builds the layer if needed. Reports failures through QVERIFY2.
inline void check_layer_gradients(Layer& layer, const Shapes& input_shapes, GradCheckOptions o = {}) {
  Backend& be = cpu_backend();
  if (!layer.built()) layer.build(input_shapes, o.seed);
  Shapes out_shapes = layer.compute_output_shape(input_shapes);
  std::vector<Tensor> x, y, dy, dx;
  for (size_t i = 0; i < input_shapes.size(); ++i) {
    x.push_back(Tensor::from_vector(input_shapes[i], random_values(input_shapes[i].size(), mix_key(o.seed, 10 + i), o)));
    dx.push_back(Tensor::zeros(input_shapes[i]));
  }
  GradCheckOptions ro;  // projection weights: plain uniform
  for (size_t i = 0; i < out_shapes.size(); ++i) {
    y.push_back(Tensor::zeros(out_shapes[i]));
    dy.push_back(Tensor::from_vector(out_shapes[i], random_values(out_shapes[i].size(), mix_key(o.seed, 100 + i), ro)));
  }
  auto ptrs = [](std::vector<Tensor>& v) {
    std::vector<Tensor*> p;
    for (auto& t : v) p.push_back(&t);
    return p;
  };
  auto cptrs = [](std::vector<Tensor>& v) {
    std::vector<const Tensor*> p;
    for (auto& t : v) p.push_back(&t);
    return p;
  };
  Context ctx(be, mix_key(o.seed, 999));
  ctx.training = o.training;
  ctx.step = 7;
  auto objective = [&]() {  // L = sum(r * y), in double
    ctx.take_added_loss();
    for (auto& t : y) be.fill(t.data(), t.size(), 0.0f);
    layer.forward(ctx, cptrs(x), ptrs(y));
    double L = ctx.take_added_loss();
    for (size_t i = 0; i < y.size(); ++i) {
      auto yv = y[i].to_vector(), rv = dy[i].to_vector();
      for (size_t k = 0; k < yv.size(); ++k) L += static_cast<double>(yv[k]) * rv[k];
    }
    return L;
  };
  objective();
  for (auto& v : layer.variables()) be.fill(v.grad.data(), v.grad.size(), 0.0f);
  std::vector<Tensor*> dx_ptrs = ptrs(dx);
  layer.backward(ctx, cptrs(x), cptrs(y), cptrs(dy), dx_ptrs);

  auto check_tensor = [&](Tensor& param, const Tensor& analytic, const std::string& what) {
    int64_t n = param.size();
    int64_t stride = std::max<int64_t>(1, n / o.max_checks);
    auto grad = analytic.to_vector();
    for (int64_t k = 0; k < n; k += stride) {
      float* p = param.data() + k;  // CPU tensors: host memory
      float saved = *p;
      *p = static_cast<float>(saved + o.step);
      double up = objective();
      *p = static_cast<float>(saved - o.step);
      double down = objective();
      *p = saved;
      double numeric = (up - down) / (2 * o.step);
      double a = grad[static_cast<size_t>(k)];
      double err = std::fabs(a - numeric) / std::max({1.0, std::fabs(a), std::fabs(numeric)});
      if (err > o.tolerance) {
        std::string msg = layer.class_name() + " " + what + "[" + std::to_string(k) + "]: analytic " +
                          std::to_string(a) + " vs numeric " + std::to_string(numeric);
        QFAIL(msg.c_str());
      }
    }
  };
  for (size_t i = 0; i < x.size(); ++i) {
    check_tensor(x[i], dx[i], "d input " + std::to_string(i));
    if (QTest::currentTestFailed()) return;
  }
  for (auto& v : layer.variables()) {
    if (!v.trainable) continue;
    check_tensor(v.value, v.grad, "d " + v.name);
    if (QTest::currentTestFailed()) return;
  }
}

}  // namespace cornu::testing
