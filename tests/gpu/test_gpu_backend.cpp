// The CUDA backend against the CPU backend: the same numbers for the operations it implements so far.
// Without a GPU (or without the CUDA backend in the build) every test is skipped with the reason.
#include <QtTest>

#include <cmath>

#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cuda_info.h"
#include "core/random.h"
#include "core/tensor.h"

using namespace cornu;

namespace {

std::vector<float> values(int64_t n, uint64_t key) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = 2.0f * random_normal_at(key, static_cast<uint64_t>(i));
  return v;
}

void expect_close(const std::vector<float>& gpu, const std::vector<float>& cpu, double tolerance, const char* what) {
  QCOMPARE(gpu.size(), cpu.size());
  for (size_t i = 0; i < gpu.size(); ++i) {
    double err = std::fabs(gpu[i] - cpu[i]) / std::max(1.0, static_cast<double>(std::fabs(cpu[i])));
    if (err > tolerance) QFAIL((std::string(what) + " differs at " + std::to_string(i) + ": GPU " + std::to_string(gpu[i]) + " vs CPU " + std::to_string(cpu[i])).c_str());
  }
}

}  // namespace

class TestGpuBackend : public QObject {
  Q_OBJECT
 private slots:
  void init() {
    if (cuda::device_count() == 0) QSKIP(("no CUDA GPU to test on: " + cuda::runtime_info().problem).c_str());
  }

  void device_is_described() {
    auto info = cuda::runtime_info();
    QVERIFY(!info.devices.empty());
    QVERIFY(!info.devices[0].name.empty());
    QVERIFY(info.devices[0].total_memory > 0);
  }

  void activations_match_cpu() {
    Backend& gpu = cuda_backend();
    const int64_t n = 4099;
    auto x = values(n, 1), dy = values(n, 2);
    for (int op = 0; op <= static_cast<int>(UnaryOp::Scale); ++op) {
      UnaryOp u = static_cast<UnaryOp>(op);
      auto input = x;
      if (u == UnaryOp::Sqrt || u == UnaryOp::Log)
        for (auto& v : input) v = std::fabs(v) + 0.1f;
      UnaryParams p{0.1f, 6.0f, 0.0f};
      Tensor cx = Tensor::from_vector(Shape{n}, input), cy = Tensor::zeros(Shape{n}), cdx = Tensor::zeros(Shape{n});
      Tensor cdy = Tensor::from_vector(Shape{n}, dy);
      Tensor gx = Tensor::from_vector(Shape{n}, input, &gpu), gy = Tensor::zeros(Shape{n}, DType::Float32, &gpu);
      Tensor gdx = Tensor::zeros(Shape{n}, DType::Float32, &gpu), gdy = Tensor::from_vector(Shape{n}, dy, &gpu);
      cpu_backend().unary(u, cx.data(), cy.data(), n, p);
      gpu.unary(u, gx.data(), gy.data(), n, p);
      cpu_backend().unary_backward(u, cx.data(), cy.data(), cdy.data(), cdx.data(), n, p);
      gpu.unary_backward(u, gx.data(), gy.data(), gdy.data(), gdx.data(), n, p);
      std::string name = "unary op " + std::to_string(op);
      expect_close(gy.to_vector(), cy.to_vector(), 1e-5, name.c_str());
      expect_close(gdx.to_vector(), cdx.to_vector(), 1e-4, (name + " gradient").c_str());
    }
  }

  void gemm_matches_cpu() {
    Backend& gpu = cuda_backend();
    const int64_t M = 67, N = 45, K = 129;
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        auto a = values(M * K, 3), b = values(K * N, 4), c = values(M * N, 5);
        Tensor ca = Tensor::from_vector(Shape{M * K}, a), cb = Tensor::from_vector(Shape{K * N}, b);
        Tensor cc = Tensor::from_vector(Shape{M * N}, c);
        Tensor ga = Tensor::from_vector(Shape{M * K}, a, &gpu), gb = Tensor::from_vector(Shape{K * N}, b, &gpu);
        Tensor gc = Tensor::from_vector(Shape{M * N}, c, &gpu);
        int64_t lda = ta ? M : K, ldb = tb ? K : N;
        cpu_backend().gemm(ta, tb, M, N, K, 0.5f, ca.data(), lda, cb.data(), ldb, 1.0f, cc.data(), N);
        gpu.gemm(ta, tb, M, N, K, 0.5f, ga.data(), lda, gb.data(), ldb, 1.0f, gc.data(), N);
        expect_close(gc.to_vector(), cc.to_vector(), 1e-4, "gemm");
      }
  }
};

QTEST_APPLESS_MAIN(TestGpuBackend)
#include "test_gpu_backend.moc"
