#include "backend/devices.h"

#include <cstdio>

#include "backend/cpu/openblas.h"
#include "backend/cuda/cuda_info.h"
#include "core/error.h"

namespace cornu {

std::string DeviceEntry::description() const {
  if (kind == "cpu") return name;
  char memory_text[32];
  std::snprintf(memory_text, sizeof memory_text, "%.1f GiB", static_cast<double>(memory) / (1u << 30));
  return "GPU " + std::to_string(index) + ": " + name + ", " + memory_text;
}

std::vector<DeviceEntry> available_devices() {
  const auto blas = openblas::info();
  std::vector<DeviceEntry> devices{
      {.kind = "cpu", .name = "CPU (OpenBLAS " + blas.core + ", " + std::to_string(blas.threads) + " threads)"}};
  for (const cuda::DeviceInfo& d : cuda::runtime_info().devices)
    devices.push_back({.kind = "gpu", .index = d.index, .name = d.name, .memory = d.total_memory});
  return devices;
}

bool gpu_training_available() { return false; }

std::string training_device(const std::string& choice) {
  if (choice == "auto" || choice == "cpu") return "cpu";
  if (choice != "gpu") throw ValueError("The device is 'auto', 'cpu' or 'gpu', got '" + choice + "'.");
  if (cuda::compiled() && cuda::device_count() == 0)
    throw DeviceError("No CUDA device found (" + cuda::runtime_info().problem +
                      "): training on CPU is available; choose device cpu.");
  // Compiled without CUDA, or with a GPU the trainer cannot use yet (see devices.h).
  throw DeviceError("This build trains on CPU only; GPU training comes with the CUDA backend. Choose device cpu "
                    "or auto.");
}

}  // namespace cornu
