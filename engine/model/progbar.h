// Keras 3's terminal progress bar: "469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 5ms/step - accuracy: 0.8 - loss: 0.5".
// On a terminal the line is redrawn in place (at most ~10 times a second); elsewhere (logs, CI) only the
// final line of each epoch is printed.
#pragma once
#include <chrono>
#include <cstdio>
#include <string>

#include "callbacks/callback.h"

namespace cornu {

class Progbar {
 public:
  Progbar(int64_t target, int verbose, std::FILE* out = stdout);
  void update(int64_t current, const Logs& logs, bool finalize = false);

 private:
  std::string line(int64_t current, const Logs& logs, bool finalize) const;
  int64_t target_;
  int verbose_;
  std::FILE* out_;
  bool interactive_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

std::string format_logs(const Logs& logs);

}  // namespace cornu
