// PLACEHOLDER (being written by the activations helper): replace entirely.
#include "backend/cpu/cpu_backend.h"
#include "core/error.h"
namespace cornu {
void CpuBackend::unary(UnaryOp, const float*, float*, int64_t, UnaryParams) { throw Error("unary: not written yet"); }
void CpuBackend::unary_backward(UnaryOp, const float*, const float*, const float*, float*, int64_t, UnaryParams) { throw Error("unary_backward: not written yet"); }
}  // namespace cornu
