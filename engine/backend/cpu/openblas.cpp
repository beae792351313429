#include "backend/cpu/openblas.h"

#include <cpuid.h>
#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "core/error.h"

namespace cornu::openblas {

namespace {

struct CpuFlags {
  bool avx2 = false, fma = false, avx512 = false, amd = false;
};

CpuFlags read_cpu_flags() {
  CpuFlags f;
  unsigned a, b, c, d;
  if (!__get_cpuid(0, &a, &b, &c, &d)) return f;
  char vendor[13] = {};
  std::memcpy(vendor, &b, 4), std::memcpy(vendor + 4, &d, 4), std::memcpy(vendor + 8, &c, 4);
  f.amd = std::strcmp(vendor, "AuthenticAMD") == 0;
  unsigned max_leaf = a;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  bool osxsave = c & (1u << 27), avx = c & (1u << 28);
  f.fma = c & (1u << 12);
  if (!osxsave || !avx || max_leaf < 7) return f;
  // The OS must save the wide registers (XCR0), or the instructions fault.
  unsigned xcr0_lo, xcr0_hi;
  __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  bool ymm = (xcr0_lo & 0x6) == 0x6, zmm = (xcr0_lo & 0xE6) == 0xE6;
  __cpuid_count(7, 0, a, b, c, d);
  f.avx2 = ymm && (b & (1u << 5));
  // SkylakeX kernels need AVX-512 F, DQ, CD, BW and VL.
  unsigned need = (1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31);
  f.avx512 = zmm && (b & need) == need;
  return f;
}

const CpuFlags& cpu() {
  static const CpuFlags flags = read_cpu_flags();
  return flags;
}

// The kernel OpenBLAS 0.3.21 should use on this CPU, or "" to let OpenBLAS decide.
std::string preferred_core() {
  const CpuFlags& f = cpu();
  if (f.avx512) return "SkylakeX";
  if (f.avx2 && f.fma) return f.amd ? "Zen" : "Haswell";
  return "";
}

std::string g_chosen_by;

template <class F>
void bind(void* lib, F& fn, const char* symbol) {
  fn = reinterpret_cast<F>(dlsym(lib, symbol));
  if (!fn) throw Error(std::string("The OpenBLAS library lacks the function ") + symbol + "; reinstall libopenblas0.");
}

Api load() {
  if (const char* user = std::getenv("OPENBLAS_CORETYPE"); user && *user) {
    g_chosen_by = "the user (OPENBLAS_CORETYPE)";
  } else if (std::string core = preferred_core(); !core.empty()) {
    setenv("OPENBLAS_CORETYPE", core.c_str(), 0);
    g_chosen_by = "Cornu (from the CPU's feature flags)";
  } else {
    g_chosen_by = "OpenBLAS";
  }
  void* lib = nullptr;
  for (const char* name : {"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"}) {
    if ((lib = dlopen(name, RTLD_NOW | RTLD_GLOBAL))) break;
  }
  if (!lib)
    throw Error("Cornu could not load OpenBLAS (libopenblas.so.0): install it with `apt-get install libopenblas0`.");
  Api api{};
  bind(lib, api.sgemm, "cblas_sgemm");
  bind(lib, api.saxpy, "cblas_saxpy");
  bind(lib, api.sscal, "cblas_sscal");
  bind(lib, api.get_corename, "openblas_get_corename");
  bind(lib, api.get_config, "openblas_get_config");
  bind(lib, api.get_num_threads, "openblas_get_num_threads");
  bind(lib, api.set_num_threads, "openblas_set_num_threads");
  return api;
}

}  // namespace

const Api& api() {
  static const Api loaded = load();
  return loaded;
}

Info info() {
  const Api& a = api();
  return {a.get_corename(), a.get_config(), a.get_num_threads(), g_chosen_by};
}

bool cpu_has_avx2() { return cpu().avx2; }
bool cpu_has_avx512() { return cpu().avx512; }

bool is_generic_core(const std::string& core) {
  for (const char* generic : {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine",
                              "Northwood", "Banias", "Athlon", "Opteron", "Barcelona", "Bobcat", "Sandybridge",
                              "Bulldozer", "Piledriver", "generic", "Generic", "unknown"})
    if (core == generic) return true;
  return false;
}

}  // namespace cornu::openblas
