// What CUDA offers on this machine. Plain C++ (no CUDA headers) so every build can ask; without the
// CUDA backend compiled in, `compiled()` is false and there are no devices.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cornu::cuda {

struct DeviceInfo {
  int index = 0;
  std::string name;
  uint64_t total_memory = 0;  // bytes
  uint64_t free_memory = 0;
  int compute_major = 0, compute_minor = 0;
};

struct RuntimeInfo {
  bool compiled = false;   // the CUDA backend is part of this build
  int runtime_version = 0; // e.g. 13000
  int driver_version = 0;  // 0: no driver
  int cudnn_version = 0;
  int cublas_version = 0;
  std::string problem;     // why no device can be used, in words ("no NVIDIA driver", ...)
  std::vector<DeviceInfo> devices;
};

// Safe on machines without a GPU or a driver: never throws, says what is missing in `problem`.
RuntimeInfo runtime_info();
bool compiled();
int device_count();  // 0 when no device (or no driver, or not compiled)

}  // namespace cornu::cuda
