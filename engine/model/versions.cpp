#include "model/versions.h"

#include "backend/cpu/openblas.h"
#include "backend/cuda/cuda_info.h"
#include "core/error.h"
#include "model/weights_io.h"

namespace cornu {

namespace {

std::string mebibytes(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// CUDA writes versions as 1000 * major + 10 * minor (12040 is 12.4).
std::string cuda_version(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }

// cuDNN writes them as 10000 * major + 100 * minor + patch (90100 is 9.1.0).
std::string cudnn_version(int v) {
  return std::to_string(v / 10000) + "." + std::to_string((v % 10000) / 100) + "." + std::to_string(v % 100);
}

}  // namespace

LibraryVersions library_versions() {
  LibraryVersions v;
  v.cornu = CORNU_VERSION;
  try {
    auto blas = openblas::info();
    v.openblas_loaded = true;
    v.openblas =
        "core " + blas.core + " (chosen by " + blas.chosen_by + "), " + std::to_string(blas.threads) + " threads";
    v.openblas_config = blas.config;
  } catch (const Error& e) {
    v.openblas = e.what();
  }
  v.hdf5 = hdf5_version();
  auto cuda = cuda::runtime_info();
  v.cuda_compiled = cuda.compiled;
  if (!cuda.compiled) {
    v.cuda = cuda.problem;
    return v;
  }
  v.cuda = "runtime " + cuda_version(cuda.runtime_version) + ", driver " +
           (cuda.driver_version ? cuda_version(cuda.driver_version) : std::string("none"));
  v.cudnn = cudnn_version(cuda.cudnn_version);
  for (const auto& d : cuda.devices)
    v.gpus.push_back("GPU " + std::to_string(d.index) + ": " + d.name + ", " + mebibytes(d.total_memory) + " (" +
                     mebibytes(d.free_memory) + " free), compute capability " + std::to_string(d.compute_major) + "." +
                     std::to_string(d.compute_minor));
  if (v.gpus.empty()) v.no_gpu_reason = cuda.problem;
  return v;
}

}  // namespace cornu
