// The versions of the libraries the engine runs on, gathered in one place for `cornu info` and the
// editor's About box, each of which words them its own way. Qt is not the engine's: callers that have Qt
// add qVersion() themselves.
#pragma once
#include <string>
#include <vector>

namespace cornu {

struct LibraryVersions {
  std::string cornu;            // "0.1.0"
  bool openblas_loaded = false;
  std::string openblas;         // "core Haswell (chosen by OpenBLAS), 2 threads", or why it could not load
  std::string openblas_config;  // OpenBLAS's build configuration ("OpenBLAS 0.3.21 DYNAMIC_ARCH ...")
  std::string hdf5;             // "1.10.8"
  bool cuda_compiled = false;   // the CUDA backend is part of this build
  std::string cuda;             // "runtime 12.4, driver 12.4", or why there is no CUDA
  std::string cudnn;            // "9.1.0"; empty when CUDA is not compiled in
  std::vector<std::string> gpus;  // "GPU 0: NVIDIA H100, 81559 MiB (80000 MiB free), compute capability 9.0"
  std::string no_gpu_reason;      // why `gpus` is empty ("no NVIDIA driver", ...)
};

// Loads OpenBLAS and asks CUDA for its devices if they were not yet: never throws, a library that is missing
// is described in words instead.
LibraryVersions library_versions();

}  // namespace cornu
