// Counter-based random numbers (Philox 4x32-10, Salmon et al. 2011): the value at (key, counter) is a pure
// function, so a dropout mask or an initial weight is the same on every backend and in every thread order,
// and one seed makes a whole run reproducible.
#pragma once
#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define CORNU_HOST_DEVICE __host__ __device__
#else
#define CORNU_HOST_DEVICE
#endif

namespace cornu {

struct Philox4x32 {
  uint32_t v[4];
};

CORNU_HOST_DEVICE inline Philox4x32 philox4x32(uint64_t key, uint64_t counter) {
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  uint32_t c0 = static_cast<uint32_t>(counter), c1 = static_cast<uint32_t>(counter >> 32), c2 = 0, c3 = 0;
  for (int round = 0; round < 10; ++round) {
    uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * c0;
    uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * c2;
    uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ k0;
    uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<uint32_t>(p1);
    c3 = static_cast<uint32_t>(p0);
    c0 = n0;
    c2 = n2;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return {{c0, c1, c2, c3}};
}

// Uniform in [0, 1) with 24 random bits, from 32 bits.
CORNU_HOST_DEVICE inline float bits_to_unit_float(uint32_t bits) { return static_cast<float>(bits >> 8) * (1.0f / 16777216.0f); }

// The i-th uniform number of stream `key`.
CORNU_HOST_DEVICE inline float random_uniform_at(uint64_t key, uint64_t i) {
  return bits_to_unit_float(philox4x32(key, i >> 2).v[i & 3]);
}

// The i-th standard normal number of stream `key` (Box-Muller on two 32-bit words, in double for accuracy).
CORNU_HOST_DEVICE inline float random_normal_at(uint64_t key, uint64_t i) {
  Philox4x32 r = philox4x32(key ^ 0x5851F42D4C957F2DULL, i >> 1);
  uint32_t a = r.v[(i & 1) * 2], b = r.v[(i & 1) * 2 + 1];
  double u1 = (static_cast<double>(a) + 1.0) * (1.0 / 4294967297.0);  // (0, 1]
  double u2 = static_cast<double>(b) * (1.0 / 4294967296.0);
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
}

// Derives independent stream keys from a seed and a few integers (layer index, step, call...): SplitMix64.
CORNU_HOST_DEVICE inline uint64_t mix_key(uint64_t seed, uint64_t a, uint64_t b = 0) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (a + 1) + 0xBF58476D1CE4E5B9ULL * (b + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A sequential generator over the same streams, for host code (shuffling, initializers).
class Random {
 public:
  explicit Random(uint64_t key) : key_(key) {}
  float uniform() { return random_uniform_at(key_, next_++); }
  float normal() { return random_normal_at(key_, next_++); }
  // Uniform integer in [0, n).
  uint64_t below(uint64_t n) {
    uint64_t hi = philox4x32(key_ ^ 0x243F6A8885A308D3ULL, next_++).v[0];
    uint64_t lo = philox4x32(key_ ^ 0x13198A2E03707344ULL, next_++).v[1];
    return ((hi << 32) | lo) % n;
  }
  uint64_t key() const { return key_; }

 private:
  uint64_t key_;
  uint64_t next_ = 0;
};

}  // namespace cornu
