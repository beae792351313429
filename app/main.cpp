#include <cstdio>
#include <exception>

#include "cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return cornu::cli::run(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cornu: %s\n", e.what());
    return 1;
  }
}
