// Orthogonal initializer: gain * Q from the QR decomposition of a normal matrix, as Keras 3 does.
// https://keras.io/api/layers/initializers/#orthogonal-class
// The variable is seen as (rows = product of all dims but the last, cols = last dim); Keras factors the
// (max, min) normal matrix A = QR, multiplies Q's columns by sign(diag(R)) (which makes Q the unique
// factor with a positive diagonal in R, whatever the QR algorithm), and transposes when rows < cols.
#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "core/random.h"
#include "initializers/initializer.h"

namespace cornu {

namespace {

constexpr uint64_t kSeedSalt = 0x5EED1417;  // the same salt as random_initializers.cpp

// Thin QR by Householder reflections in double. a is m x n stored column by column (each column contiguous,
// so the reflections stream through memory), m >= n; returns Q the same way, sign corrected so diag(R) > 0.
std::vector<double> orthonormal_factor(std::vector<double> a, int64_t m, int64_t n) {
  std::vector<std::vector<double>> reflectors;  // v_j, of length m - j
  std::vector<double> diag_r(static_cast<size_t>(n));
  auto at = [&](int64_t i, int64_t j) -> double& { return a[static_cast<size_t>(j * m + i)]; };
  for (int64_t j = 0; j < n; ++j) {
    double norm = 0;
    for (int64_t i = j; i < m; ++i) norm += at(i, j) * at(i, j);
    norm = std::sqrt(norm);
    const double alpha = at(j, j) > 0 ? -norm : norm;  // reflect away from x to avoid cancellation
    std::vector<double> v(static_cast<size_t>(m - j));
    for (int64_t i = j; i < m; ++i) v[static_cast<size_t>(i - j)] = at(i, j);
    v[0] -= alpha;
    double vv = 0;
    for (double x : v) vv += x * x;
    if (vv > 0)
      for (int64_t k = j; k < n; ++k) {  // A <- (I - 2 v v^T / v^T v) A on the trailing block
        double dot = 0;
        for (int64_t i = j; i < m; ++i) dot += v[static_cast<size_t>(i - j)] * at(i, k);
        const double f = 2 * dot / vv;
        for (int64_t i = j; i < m; ++i) at(i, k) -= f * v[static_cast<size_t>(i - j)];
      }
    diag_r[static_cast<size_t>(j)] = at(j, j);
    reflectors.push_back(vv > 0 ? std::move(v) : std::vector<double>{});
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  std::vector<double> q(static_cast<size_t>(m * n), 0.0);
  for (int64_t j = 0; j < n; ++j) q[static_cast<size_t>(j * m + j)] = 1.0;
  for (int64_t j = n - 1; j >= 0; --j) {
    const auto& v = reflectors[static_cast<size_t>(j)];
    if (v.empty()) continue;
    double vv = 0;
    for (double x : v) vv += x * x;
    for (int64_t k = 0; k < n; ++k) {
      double dot = 0;
      for (int64_t i = j; i < m; ++i) dot += v[static_cast<size_t>(i - j)] * q[static_cast<size_t>(k * m + i)];
      const double f = 2 * dot / vv;
      for (int64_t i = j; i < m; ++i) q[static_cast<size_t>(k * m + i)] -= f * v[static_cast<size_t>(i - j)];
    }
  }
  for (int64_t i = 0; i < m; ++i)
    for (int64_t k = 0; k < n; ++k) {
      const double d = diag_r[static_cast<size_t>(k)];
      q[static_cast<size_t>(k * m + i)] *= d > 0 ? 1.0 : (d < 0 ? -1.0 : 0.0);  // Keras: q *= sign(diag(r))
    }
  return q;
}

class Orthogonal final : public Initializer {
 public:
  explicit Orthogonal(double gain) : gain_(gain) {}
  std::vector<float> generate(const Shape& shape, uint64_t seed_key) const override {
    if (shape.rank() < 2)
      throw ValueError("The tensor to initialize must be at least two-dimensional. Received: shape=" +
                       shape.to_string() + " of rank " + std::to_string(shape.rank()) +
                       ". Use the orthogonal initializer for matrices and kernels only.");
    const int64_t cols = shape[-1], rows = shape.size() / cols;
    const int64_t m = std::max(rows, cols), n = std::min(rows, cols);
    const Config& seed = config.at("seed");
    const uint64_t key = seed.is_null() ? seed_key : mix_key(static_cast<uint64_t>(seed.get<int64_t>()), kSeedSalt);
    std::vector<double> a(static_cast<size_t>(m * n));
    for (size_t i = 0; i < a.size(); ++i) a[i] = random_normal_at(key, i);
    std::vector<double> q = orthonormal_factor(std::move(a), m, n);  // m x n, column-major
    std::vector<float> out(static_cast<size_t>(rows * cols));
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        // rows >= cols: out = Q (rows x cols); rows < cols: out = Q^T (Q is cols x rows). Q is column-major.
        const double v = rows >= cols ? q[static_cast<size_t>(c * m + r)] : q[static_cast<size_t>(r * m + c)];
        out[static_cast<size_t>(r * cols + c)] = static_cast<float>(gain_ * v);
      }
    return out;
  }

 private:
  double gain_;
};

}  // namespace

void register_orthogonal_initializer(Registry<Initializer>& r) {
  r.add({.name = "orthogonal",
         .keras_class = "Orthogonal",
         .aliases = {"OrthogonalInitializer"},
         .doc = "A random orthogonal matrix (rows or columns orthonormal) times gain.",
         .params = {{.name = "gain", .type = ParamType::Float, .default_value = 1.0, .doc = "Multiplier of the matrix."},
                    {.name = "seed", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Integer seed: the same values at every call (None: the model's seed decides).",
                     .nullable = true}},
         .create = [](const Config& c) {
           auto p = std::make_shared<Orthogonal>(c.at("gain").get<double>());
           p->name = "orthogonal";
           p->config = c;
           return std::shared_ptr<Initializer>(p);
         }});
}

}  // namespace cornu
