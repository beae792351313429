// OpenBLAS, loaded at run time so that Cornu picks its compute kernel before the library starts.
// Debian 12's OpenBLAS 0.3.21 does not recognise some recent CPUs and falls back to its generic Prescott
// kernel, 3.5-4.5x slower. OpenBLAS reads OPENBLAS_CORETYPE only while loading, so Cornu sets it (unless
// the user did) from the CPU's own feature flags, then loads the library: users never need to know.
#pragma once
#include <string>

namespace cornu::openblas {

enum Order { RowMajor = 101 };
enum Transpose { NoTrans = 111, Trans = 112 };

struct Api {
  void (*sgemm)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha, const float* a, int lda,
                const float* b, int ldb, float beta, float* c, int ldc);
  void (*saxpy)(int n, float alpha, const float* x, int incx, float* y, int incy);
  void (*sscal)(int n, float alpha, float* x, int incx);
  char* (*get_corename)();
  char* (*get_config)();
  int (*get_num_threads)();
  void (*set_num_threads)(int);
};

// The loaded library (loaded on first use; throws cornu::Error with the package to install if missing).
const Api& api();

struct Info {
  std::string core;         // kernel in use, e.g. "SkylakeX", "Haswell", "Zen"
  std::string config;       // build configuration string
  int threads = 0;
  std::string chosen_by;    // "OpenBLAS", "Cornu (from CPU flags)", "the user (OPENBLAS_CORETYPE)"
};
Info info();

// CPU features as the processor reports them (cpuid).
bool cpu_has_avx2();
bool cpu_has_avx512();
// True for OpenBLAS's generic fallback kernels that predate AVX2.
bool is_generic_core(const std::string& core);

}  // namespace cornu::openblas
