// Recurrent cells on the CPU: the elementwise part of one time step of LSTM, GRU and SimpleRNN, fused into one
// pass over the batch (the layers do the gemms: one for the input projection of every step, one per step for the
// recurrent projection). Formulas follow Keras 3 (keras/src/layers/rnn/{lstm,gru,simple_rnn}.py), masks as in
// keras/src/backend/jax/rnn.py: a masked row keeps its previous state.
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"
#include "core/error.h"

namespace cornu {

namespace {

constexpr float kSeluAlpha = 1.67326324235437728f;
constexpr float kSeluScale = 1.05070098735548049f;

inline float sigmoid(float x) {
  float z = std::exp(-std::fabs(x));
  return x >= 0 ? 1.0f / (1.0f + z) : z / (1.0f + z);
}

// The activations a recurrent cell may use (the layers refuse the others by name, see layers/recurrent.h).
inline float activate(UnaryOp op, UnaryParams p, float x) {
  switch (op) {
    case UnaryOp::Tanh: return std::tanh(x);
    case UnaryOp::Sigmoid: return sigmoid(x);
    case UnaryOp::Identity: return x;
    case UnaryOp::HardSigmoid: return std::fmin(std::fmax(x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case UnaryOp::Relu: {
      float above = p.b < 0 ? x : std::fmin(std::fmax(x, 0.0f), p.b);
      return x > p.c ? above : p.a * (x - p.c);
    }
    case UnaryOp::Softplus: return std::fmax(x, 0.0f) + std::log1p(std::exp(-std::fabs(x)));
    case UnaryOp::Softsign: return x / (1.0f + std::fabs(x));
    case UnaryOp::Elu: return x > 0 ? x : p.a * std::expm1(x);
    case UnaryOp::Selu: return kSeluScale * (x > 0 ? x : kSeluAlpha * std::expm1(x));
    case UnaryOp::Exponential: return std::exp(x);
    default: return x;  // refused by the layers
  }
}

// d activate / dx at x, given y = activate(x).
inline float derivative(UnaryOp op, UnaryParams p, float x, float y) {
  switch (op) {
    case UnaryOp::Tanh: return 1.0f - y * y;
    case UnaryOp::Sigmoid: return y * (1.0f - y);
    case UnaryOp::Identity: return 1.0f;
    case UnaryOp::HardSigmoid: return x > -3.0f && x < 3.0f ? 1.0f / 6.0f : 0.0f;
    case UnaryOp::Relu: {
      float above = p.b < 0 ? 1.0f : (x >= 0 && x < p.b ? 1.0f : 0.0f);
      return x > p.c ? above : p.a;
    }
    case UnaryOp::Softplus: return sigmoid(x);
    case UnaryOp::Softsign: {
      float d = 1.0f + std::fabs(x);
      return 1.0f / (d * d);
    }
    case UnaryOp::Elu: return x > 0 ? 1.0f : p.a * std::exp(x);
    case UnaryOp::Selu: return x > 0 ? kSeluScale : kSeluScale * kSeluAlpha * std::exp(x);
    case UnaryOp::Exponential: return y;
    default: return 1.0f;
  }
}

inline bool kept(const float* keep, int64_t stride, int64_t b) { return !keep || keep[b * stride] != 0.0f; }

// Rows split across cores only when a step is large (most steps are a few thousand values).
template <class Body>
void over_rows(int64_t batch, int64_t width, Body&& body) {
  parallel_for(batch, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) body(b);
  }, std::max<int64_t>(1, kParallelThreshold / std::max<int64_t>(1, width)));
}

}  // namespace

void CpuBackend::lstm_cell_forward(const RecurrentActivations& a, const float* z, float* gates, const float* c_prev,
                                   float* c, float* c_act, const float* h_prev, float* h, const float* keep,
                                   int64_t keep_stride, int64_t batch, int64_t units) {
  const int64_t u = units;
  over_rows(batch, 4 * u, [&](int64_t b) {
    const float* zr = z + b * 4 * u;
    float* g = gates + b * 4 * u;
    const bool keep_row = kept(keep, keep_stride, b);
    for (int64_t j = 0; j < u; ++j) {
      const float i = activate(a.recurrent, a.recurrent_params, zr[j]);
      const float f = activate(a.recurrent, a.recurrent_params, zr[u + j]);
      const float cc = activate(a.activation, a.activation_params, zr[2 * u + j]);
      const float o = activate(a.recurrent, a.recurrent_params, zr[3 * u + j]);
      g[j] = i, g[u + j] = f, g[2 * u + j] = cc, g[3 * u + j] = o;
      const float cn = f * c_prev[b * u + j] + i * cc;
      const float ca = activate(a.activation, a.activation_params, cn);
      c_act[b * u + j] = ca;
      c[b * u + j] = keep_row ? cn : c_prev[b * u + j];
      h[b * u + j] = keep_row ? o * ca : h_prev[b * u + j];
    }
  });
}

void CpuBackend::lstm_cell_backward(const RecurrentActivations& a, const float* z, const float* gates,
                                    const float* c_prev, const float* c_act, const float* keep, int64_t keep_stride,
                                    float* dh, float* dc, float* dz, int64_t batch, int64_t units) {
  const int64_t u = units;
  over_rows(batch, 4 * u, [&](int64_t b) {
    const float* zr = z + b * 4 * u;
    const float* g = gates + b * 4 * u;
    float* d = dz + b * 4 * u;
    if (!kept(keep, keep_stride, b)) {  // the state passed through: dh and dc go to the previous step unchanged
      for (int64_t j = 0; j < 4 * u; ++j) d[j] = 0.0f;
      return;
    }
    for (int64_t j = 0; j < u; ++j) {
      const float i = g[j], f = g[u + j], cc = g[2 * u + j], o = g[3 * u + j];
      const float ca = c_act[b * u + j];
      const float cn = f * c_prev[b * u + j] + i * cc;
      const float dhj = dh[b * u + j];
      const float dcn = dc[b * u + j] + dhj * o * derivative(a.activation, a.activation_params, cn, ca);
      d[j] = dcn * cc * derivative(a.recurrent, a.recurrent_params, zr[j], i);
      d[u + j] = dcn * c_prev[b * u + j] * derivative(a.recurrent, a.recurrent_params, zr[u + j], f);
      d[2 * u + j] = dcn * i * derivative(a.activation, a.activation_params, zr[2 * u + j], cc);
      d[3 * u + j] = dhj * ca * derivative(a.recurrent, a.recurrent_params, zr[3 * u + j], o);
      dc[b * u + j] = dcn * f;
      dh[b * u + j] = 0.0f;  // reaches h_prev only through the recurrent kernel
    }
  });
}

void CpuBackend::gru_gates_forward(const RecurrentActivations& a, bool reset_after, const float* xz, const float* hz,
                                   float* pre, float* gates, const float* h_prev, float* rh, int64_t batch,
                                   int64_t units) {
  const int64_t u = units;
  over_rows(batch, 3 * u, [&](int64_t b) {
    const float* x = xz + b * 3 * u;
    const float* r = hz + b * 3 * u;
    float* p = pre + b * 3 * u;
    float* g = gates + b * 3 * u;
    for (int64_t j = 0; j < 2 * u; ++j) {
      p[j] = x[j] + r[j];
      g[j] = activate(a.recurrent, a.recurrent_params, p[j]);
    }
    if (!reset_after)
      for (int64_t j = 0; j < u; ++j) rh[b * u + j] = g[u + j] * h_prev[b * u + j];
  });
}

void CpuBackend::gru_cell_forward(const RecurrentActivations& a, bool reset_after, const float* xz, const float* hz,
                                  float* pre, float* gates, const float* h_prev, float* h, const float* keep,
                                  int64_t keep_stride, int64_t batch, int64_t units) {
  const int64_t u = units;
  over_rows(batch, 3 * u, [&](int64_t b) {
    const float* x = xz + b * 3 * u;
    const float* r = hz + b * 3 * u;
    float* p = pre + b * 3 * u;
    float* g = gates + b * 3 * u;
    const bool keep_row = kept(keep, keep_stride, b);
    for (int64_t j = 0; j < u; ++j) {
      p[2 * u + j] = x[2 * u + j] + (reset_after ? g[u + j] * r[2 * u + j] : r[2 * u + j]);
      const float hh = activate(a.activation, a.activation_params, p[2 * u + j]);
      g[2 * u + j] = hh;
      const float z = g[j], hp = h_prev[b * u + j];
      h[b * u + j] = keep_row ? z * hp + (1.0f - z) * hh : hp;
    }
  });
}

void CpuBackend::gru_cell_backward(const RecurrentActivations& a, bool reset_after, const float* hz, const float* pre,
                                   const float* gates, const float* h_prev, const float* keep, int64_t keep_stride,
                                   float* dh, float* dxz, float* dhz, int64_t batch, int64_t units) {
  const int64_t u = units;
  over_rows(batch, 3 * u, [&](int64_t b) {
    const float* r = hz + b * 3 * u;
    const float* p = pre + b * 3 * u;
    const float* g = gates + b * 3 * u;
    float* dx = dxz + b * 3 * u;
    float* dr = dhz + b * 3 * u;
    if (!kept(keep, keep_stride, b)) {
      for (int64_t j = 0; j < 3 * u; ++j) dx[j] = dr[j] = 0.0f;
      return;
    }
    for (int64_t j = 0; j < u; ++j) {
      const float z = g[j], rg = g[u + j], hh = g[2 * u + j], hp = h_prev[b * u + j];
      const float d = dh[b * u + j];
      const float dpre_h = d * (1.0f - z) * derivative(a.activation, a.activation_params, p[2 * u + j], hh);
      const float dpre_z = d * (hp - hh) * derivative(a.recurrent, a.recurrent_params, p[j], z);
      dx[j] = dr[j] = dpre_z;
      dx[2 * u + j] = dpre_h;
      if (reset_after) {
        dr[2 * u + j] = dpre_h * rg;
        const float dpre_r = dpre_h * r[2 * u + j] * derivative(a.recurrent, a.recurrent_params, p[u + j], rg);
        dx[u + j] = dr[u + j] = dpre_r;
      } else {
        dr[2 * u + j] = dpre_h;  // finished by gru_reset_backward
      }
      dh[b * u + j] = d * z;
    }
  });
}

void CpuBackend::gru_reset_backward(const RecurrentActivations& a, const float* pre, const float* gates,
                                    const float* h_prev, const float* drh, float* dh, float* dxz, float* dhz,
                                    int64_t batch, int64_t units) {
  const int64_t u = units;
  over_rows(batch, 3 * u, [&](int64_t b) {
    const float* p = pre + b * 3 * u;
    const float* g = gates + b * 3 * u;
    for (int64_t j = 0; j < u; ++j) {
      const float d = drh[b * u + j];
      const float rg = g[u + j];
      const float dpre_r = d * h_prev[b * u + j] * derivative(a.recurrent, a.recurrent_params, p[u + j], rg);
      dxz[b * 3 * u + u + j] = dhz[b * 3 * u + u + j] = dpre_r;
      dh[b * u + j] += d * rg;
    }
  });
}

void CpuBackend::simple_rnn_cell_forward(const RecurrentActivations& a, const float* z, const float* h_prev, float* h,
                                         const float* keep, int64_t keep_stride, int64_t batch, int64_t units) {
  over_rows(batch, units, [&](int64_t b) {
    const bool keep_row = kept(keep, keep_stride, b);
    for (int64_t j = 0; j < units; ++j)
      h[b * units + j] =
          keep_row ? activate(a.activation, a.activation_params, z[b * units + j]) : h_prev[b * units + j];
  });
}

void CpuBackend::simple_rnn_cell_backward(const RecurrentActivations& a, const float* z, const float* h,
                                          const float* keep, int64_t keep_stride, float* dh, float* dz, int64_t batch,
                                          int64_t units) {
  over_rows(batch, units, [&](int64_t b) {
    if (!kept(keep, keep_stride, b)) {
      for (int64_t j = 0; j < units; ++j) dz[b * units + j] = 0.0f;
      return;
    }
    for (int64_t j = 0; j < units; ++j) {
      const int64_t k = b * units + j;
      dz[k] = dh[k] * derivative(a.activation, a.activation_params, z[k], h[k]);
      dh[k] = 0.0f;
    }
  });
}

void CpuBackend::time_major_copy(const float* src, float* dst, int64_t batch, int64_t time, int64_t cols,
                                 bool to_time_major, bool backwards, bool accumulate) {
  parallel_for(time * batch, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const int64_t s = k / batch, b = k % batch;  // step s of row b
      const int64_t t = backwards ? time - 1 - s : s;
      const float* from = to_time_major ? src + (b * time + t) * cols : src + k * cols;
      float* to = to_time_major ? dst + k * cols : dst + (b * time + t) * cols;
      if (accumulate) {
        for (int64_t j = 0; j < cols; ++j) to[j] += from[j];
      } else {
        for (int64_t j = 0; j < cols; ++j) to[j] = from[j];
      }
    }
  }, std::max<int64_t>(1, kParallelThreshold / std::max<int64_t>(1, cols)));
}

}  // namespace cornu
