// Without the CUDA backend in the build, CUDA queries answer "not compiled" (backend/cuda/ is not built).
#ifndef CORNU_WITH_CUDA
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cuda_info.h"
#include "core/error.h"

namespace cornu::cuda {

RuntimeInfo runtime_info() {
  RuntimeInfo info;
  info.problem = "this build of Cornu has no CUDA backend (nvcc was not found when it was built)";
  return info;
}
bool compiled() { return false; }
int device_count() { return 0; }

}  // namespace cornu::cuda

namespace cornu {

Backend& cuda_backend(int) {
  throw DeviceError("This build of Cornu has no GPU backend (nvcc was not found when it was built); train on the CPU.");
}

}  // namespace cornu
#endif
