// The CUDA backend. This first part holds the seam: device memory, copies, cuBLAS gemm and the
// elementwise kernels (fill, axpy, scale, every UnaryOp forward and backward). The rest of the Backend
// interface (losses, optimizers, softmax, random...) is the GPU issue's work: until then those calls say
// so with a DeviceError, and training runs on the CPU.
#pragma once
#include "backend/backend.h"

namespace cornu {

// The GPU backend for device `index`; throws DeviceError (with the reason) when no GPU can be used.
Backend& cuda_backend(int index = 0);

}  // namespace cornu
