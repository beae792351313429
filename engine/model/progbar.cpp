#include "model/progbar.h"

#include <unistd.h>

#include <cmath>

namespace cornu {

std::string format_logs(const Logs& logs) {
  std::string s;
  char buf[64];
  for (const auto& [name, value] : logs) {
    if (name == "learning_rate" || name == "lr") std::snprintf(buf, sizeof buf, "%.4g", value);
    else std::snprintf(buf, sizeof buf, "%.4f", value);
    s += " - " + name + ": " + buf;
  }
  return s;
}

Progbar::Progbar(int64_t target, int verbose, std::FILE* out)
    : target_(target), verbose_(verbose), out_(out), interactive_(isatty(fileno(out)) != 0) {
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

std::string Progbar::line(int64_t current, const Logs& logs, bool finalize) const {
  using namespace std::chrono;
  double elapsed = duration<double>(steady_clock::now() - start_).count();
  std::string digits = std::to_string(target_);
  char head[64];
  std::snprintf(head, sizeof head, "%*lld/%s ", static_cast<int>(digits.size()), static_cast<long long>(current),
                digits.c_str());
  std::string bar;
  const int width = 20;
  int done = target_ > 0 ? static_cast<int>(width * current / target_) : width;
  for (int i = 0; i < width; ++i) bar += i < done ? "\u2501" : "\u2500";  // ━ and ─, as Keras 3 draws them
  char timing[64];
  double per_step = current > 0 ? elapsed / static_cast<double>(current) : 0;
  // Keras 3's units: seconds, milliseconds or microseconds per step, whichever reads best.
  auto per_step_text = [](double t) {
    char b[32];
    if (t >= 1 || t == 0) std::snprintf(b, sizeof b, "%.0fs/step", t);
    else if (t >= 1e-3) std::snprintf(b, sizeof b, "%.0fms/step", t * 1e3);
    else std::snprintf(b, sizeof b, "%.0fus/step", t * 1e6);
    return std::string(b);
  };
  if (finalize) {
    std::snprintf(timing, sizeof timing, " %.0fs %s", elapsed, per_step_text(per_step).c_str());
  } else {
    double eta = per_step * static_cast<double>(target_ - current);
    std::snprintf(timing, sizeof timing, " %.0fs %s", eta, per_step_text(per_step).c_str());
  }
  return std::string(head) + bar + timing + format_logs(logs);
}

void Progbar::update(int64_t current, const Logs& logs, bool finalize) {
  if (verbose_ <= 0) return;
  if (verbose_ == 2 && !finalize) return;
  auto now = std::chrono::steady_clock::now();
  if (!finalize) {
    if (!interactive_ || now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    std::fprintf(out_, "\r%s\x1b[K", line(current, logs, false).c_str());
    std::fflush(out_);
    return;
  }
  std::fprintf(out_, "%s%s%s\n", interactive_ ? "\r" : "", line(current, logs, true).c_str(), interactive_ ? "\x1b[K" : "");
  std::fflush(out_);
}

}  // namespace cornu
