// PLACEHOLDER (being written by the optimizers helper): replace entirely.
#include "backend/cpu/cpu_backend.h"
#include "core/error.h"
namespace cornu {
void CpuBackend::add_l1_l2_gradient(const float*, float*, int64_t, float, float) { throw Error("not written yet"); }
void CpuBackend::constrain(ConstraintKind, const ConstraintParams&, float*, int64_t, int64_t) { throw Error("not written yet"); }
void CpuBackend::optimizer_update(OptimizerKind, const OptimizerStep&, float*, const float*, float* const*, int64_t) { throw Error("not written yet"); }
}  // namespace cornu
