// Counts heap allocations, to prove a steady training step allocates nothing. Replaces the global
// operator new/delete: include it from exactly one source file of a test executable.
#pragma once
#include <atomic>
#include <cstdlib>
#include <new>

inline std::atomic<long long> g_allocations{0};

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
