// The devices this build can see, and the one training runs on. Training a Model runs on the CPU backend
// today: the trainer's state holds cpu_backend() and the CUDA backend lacks losses, optimizers, softmax and
// more (backend/cuda/cuda_backend.h). So "auto" means the CPU, and a GPU request is refused with the reason
// until GPU training lands.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cornu {

struct DeviceEntry {
  std::string kind;  // "cpu" or "gpu"
  int index = 0;     // the CUDA device index for a GPU
  std::string name;  // "CPU (OpenBLAS Haswell, 2 threads)", "NVIDIA H100 80GB HBM3"
  uint64_t memory = 0;  // bytes; 0 for the CPU
  std::string description() const;  // "GPU 0: NVIDIA H100 80GB HBM3, 79.1 GiB"
};

// The CPU, then each CUDA device when the build has the CUDA backend and a device answers.
std::vector<DeviceEntry> available_devices();

// Whether fit() can run on a GPU in this build (false until the CUDA backend trains).
bool gpu_training_available();

// The device a run trains on for a choice of "auto", "cpu" or "gpu": "cpu" today. Throws DeviceError with
// what to do when the choice cannot be honoured, and ValueError for an unknown choice.
std::string training_device(const std::string& choice);

}  // namespace cornu
