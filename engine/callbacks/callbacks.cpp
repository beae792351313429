// The built-in callbacks (keras.callbacks.*), each a few lines over the Callback hooks.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <regex>

#include "callbacks/callback.h"
#include "core/error.h"
#include "model/model.h"
#include "model/weights_io.h"

namespace cornu {

namespace {

bool maximize(const std::string& monitor, const std::string& mode) {
  if (mode == "max") return true;
  if (mode == "min") return false;
  if (mode != "auto") throw ValueError("mode must be 'auto', 'min' or 'max', got '" + mode + "'.");
  // Keras: losses are minimised; accuracy-like metrics, AUC, precision and recall maximised.
  std::string name = monitor.rfind("val_", 0) == 0 ? monitor.substr(4) : monitor;
  if (name.size() >= 4 && name.compare(name.size() - 4, 4, "loss") == 0) return false;
  for (const char* up : {"acc", "auc", "precision", "recall"})
    if (name.find(up) != std::string::npos) return true;
  return false;
}

std::optional<double> monitored(const Logs& logs, const std::string& monitor, const char* who) {
  auto it = logs.find(monitor);
  if (it != logs.end()) return it->second;
  std::string keys;
  for (const auto& [k, v] : logs) keys += (keys.empty() ? "" : ", ") + k;
  std::fprintf(stderr, "%s is conditioned on metric '%s', which is not available. Available metrics are: %s.\n", who,
               monitor.c_str(), keys.c_str());
  return std::nullopt;
}

class EarlyStoppingCallback : public Callback {
 public:
  explicit EarlyStoppingCallback(EarlyStoppingOptions o) : o_(std::move(o)), max_(maximize(o_.monitor, o_.mode)) {}
  void on_train_begin(const Logs&) override {
    wait_ = 0, best_epoch_ = 0, stopped_epoch_ = -1;
    best_ = max_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    best_weights_.clear();
  }
  void on_epoch_end(int epoch, Logs& logs) override {
    auto current = monitored(logs, o_.monitor, "Early stopping");
    if (!current || epoch < o_.start_from_epoch) return;
    if (o_.restore_best_weights && best_weights_.empty()) best_weights_ = model_->get_weights();
    ++wait_;
    if (monitor_improves(o_.monitor, max_ ? "max" : "min", *current, best_, o_.min_delta)) {
      best_ = *current, best_epoch_ = epoch;
      if (o_.restore_best_weights) best_weights_ = model_->get_weights();
      // Keras: only reset patience when the baseline (if any) is also beaten.
      if (!o_.baseline || monitor_improves(o_.monitor, max_ ? "max" : "min", *current, *o_.baseline, o_.min_delta))
        wait_ = 0;
      return;
    }
    if (wait_ >= o_.patience && epoch > 0) {
      stopped_epoch_ = epoch;
      model_->stop_training();
    }
  }
  void on_train_end(const Logs&) override {
    if (stopped_epoch_ >= 0 && o_.verbose) std::printf("Epoch %d: early stopping\n", stopped_epoch_ + 1);
    if (o_.restore_best_weights && !best_weights_.empty()) {  // Keras restores whether or not it stopped early
      if (o_.verbose) std::printf("Restoring model weights from the end of the best epoch: %d.\n", best_epoch_ + 1);
      model_->set_weights(best_weights_);
    }
  }

 private:
  EarlyStoppingOptions o_;
  bool max_;
  int wait_ = 0, best_epoch_ = 0, stopped_epoch_ = -1;
  double best_ = 0;
  std::vector<Tensor> best_weights_;
};

// Expands "{epoch:02d}" and "{val_loss:.2f}" (Python format fields) in checkpoint paths.
std::string format_path(const std::string& pattern, int epoch, const Logs& logs) {
  static const std::regex field(R"(\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\})");
  std::string out;
  auto begin = std::sregex_iterator(pattern.begin(), pattern.end(), field);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += pattern.substr(last, static_cast<size_t>(it->position()) - last);
    std::string key = (*it)[1], spec = (*it)[2];
    // Only Python's numeric specs ("02d", ".2f", "e"): a free format string would be unsafe in printf.
    static const std::regex numeric_spec(R"(0?[0-9]{0,2}(\.[0-9]{1,2})?[dfeg]?)");
    if (!std::regex_match(spec, numeric_spec))
      throw ValueError("The checkpoint path field '{" + key + ":" + spec + "}' has a format Cornu does not know; use "
                       "forms such as {epoch:02d} or {val_loss:.2f}.");
    std::string format = "%";
    format.append(spec);
    char buf[64];
    if (key == "epoch") {
      if (format.back() != 'd') format.push_back('d');
      std::snprintf(buf, sizeof buf, format.c_str(), epoch + 1);
    } else {
      auto v = logs.find(key);
      if (v == logs.end()) throw ValueError("The checkpoint path uses '{" + key + "}', which is not in the logs.");
      char last = format.back();
      if (last != 'f' && last != 'e' && last != 'g') format.push_back('f');
      if (format.back() == 'd') format.back() = 'f';
      std::snprintf(buf, sizeof buf, format.c_str(), v->second);
    }
    out += buf;
    last = static_cast<size_t>(it->position() + it->length());
  }
  return out + pattern.substr(last);
}

class ModelCheckpointCallback : public Callback {
 public:
  explicit ModelCheckpointCallback(ModelCheckpointOptions o) : o_(std::move(o)), max_(maximize(o_.monitor, o_.mode)) {
    if (o_.filepath.empty()) throw ValueError("ModelCheckpoint needs a filepath, e.g. \"best.weights.h5\".");
    best_ = max_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  void on_epoch_end(int epoch, Logs& logs) override {
    std::string path = format_path(o_.filepath, epoch, logs);
    if (o_.save_best_only) {
      auto current = monitored(logs, o_.monitor, "ModelCheckpoint");
      if (!current || !monitor_improves(o_.monitor, max_ ? "max" : "min", *current, best_, 0.0)) return;
      if (o_.verbose)
        std::printf("Epoch %d: %s improved from %.5f to %.5f, saving model to %s\n", epoch + 1, o_.monitor.c_str(),
                    best_, *current, path.c_str());
      best_ = *current;
    } else if (o_.verbose) {
      std::printf("Epoch %d: saving model to %s\n", epoch + 1, path.c_str());
    }
    save_weights(*model_, path);
  }

 private:
  ModelCheckpointOptions o_;
  bool max_;
  double best_;
};

class ReduceLROnPlateauCallback : public Callback {
 public:
  explicit ReduceLROnPlateauCallback(ReduceLROnPlateauOptions o) : o_(std::move(o)), max_(maximize(o_.monitor, o_.mode)) {
    if (o_.factor >= 1.0) throw ValueError("ReduceLROnPlateau does not support a factor >= 1.0, got " + std::to_string(o_.factor) + ".");
  }
  void on_train_begin(const Logs&) override {
    wait_ = 0, cooldown_counter_ = 0;
    best_ = max_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  void on_epoch_end(int epoch, Logs& logs) override {
    logs["learning_rate"] = model_->optimizer().learning_rate();
    auto current = monitored(logs, o_.monitor, "Learning rate reduction");
    if (!current) return;
    if (cooldown_counter_ > 0) --cooldown_counter_, wait_ = 0;
    if (monitor_improves(o_.monitor, max_ ? "max" : "min", *current, best_, o_.min_delta)) {
      best_ = *current, wait_ = 0;
    } else if (cooldown_counter_ <= 0 && ++wait_ >= o_.patience) {
      double old_lr = model_->optimizer().learning_rate();
      if (old_lr > o_.min_lr) {
        double new_lr = std::max(old_lr * o_.factor, o_.min_lr);
        model_->optimizer().set_learning_rate(new_lr);
        if (o_.verbose) std::printf("Epoch %d: ReduceLROnPlateau reducing learning rate to %g.\n", epoch + 1, new_lr);
        cooldown_counter_ = o_.cooldown;
        wait_ = 0;
      }
    }
  }

 private:
  ReduceLROnPlateauOptions o_;
  bool max_;
  int wait_ = 0, cooldown_counter_ = 0;
  double best_ = 0;
};

class LearningRateSchedulerCallback : public Callback {
 public:
  LearningRateSchedulerCallback(std::function<double(int, double)> f, int verbose) : f_(std::move(f)), verbose_(verbose) {}
  void on_epoch_begin(int epoch, const Logs&) override {
    double lr = f_(epoch, model_->optimizer().learning_rate());
    if (!std::isfinite(lr)) throw ValueError("The learning rate schedule returned a non-finite value at epoch " + std::to_string(epoch) + ".");
    model_->optimizer().set_learning_rate(lr);
    if (verbose_) std::printf("\nEpoch %d: LearningRateScheduler setting learning rate to %g.\n", epoch + 1, lr);
  }
  void on_epoch_end(int, Logs& logs) override { logs["learning_rate"] = model_->optimizer().learning_rate(); }

 private:
  std::function<double(int, double)> f_;
  int verbose_;
};

class CSVLoggerCallback : public Callback {
 public:
  CSVLoggerCallback(std::string filename, char sep, bool append) : filename_(std::move(filename)), sep_(sep), append_(append) {}
  void on_train_begin(const Logs&) override {
    bool exists = std::ifstream(filename_).good();
    out_.open(filename_, append_ ? std::ios::app : std::ios::trunc);
    if (!out_) throw IoError("CSVLogger cannot write '" + filename_ + "': check that the folder exists and is writable.");
    header_written_ = append_ && exists;
    keys_.clear();
  }
  void on_epoch_end(int epoch, Logs& logs) override {
    if (keys_.empty())
      for (const auto& [k, v] : logs) keys_.push_back(k);
    if (!header_written_) {
      out_ << "epoch";
      for (const auto& k : keys_) out_ << sep_ << k;
      out_ << "\n";
      header_written_ = true;
    }
    out_ << epoch;
    char buf[64];
    for (const auto& k : keys_) {
      auto it = logs.find(k);
      if (it == logs.end()) out_ << sep_ << "NA";
      else std::snprintf(buf, sizeof buf, "%.17g", it->second), out_ << sep_ << buf;
    }
    out_ << "\n";
    out_.flush();
  }
  void on_train_end(const Logs&) override { out_.close(); }

 private:
  std::string filename_;
  char sep_;
  bool append_;
  std::ofstream out_;
  bool header_written_ = false;
  std::vector<std::string> keys_;
};

class TerminateOnNaNCallback : public Callback {
 public:
  void on_train_batch_end(int batch, const Logs& logs) override {
    auto it = logs.find("loss");
    if (it != logs.end() && !std::isfinite(it->second)) {
      std::printf("Batch %d: Invalid loss, terminating training\n", batch);
      model_->stop_training();
    }
  }
};

class LambdaCallbackImpl : public Callback {
 public:
  explicit LambdaCallbackImpl(LambdaCallbackFunctions f) : f_(std::move(f)) {}
  void on_epoch_begin(int e, const Logs& l) override { if (f_.on_epoch_begin) f_.on_epoch_begin(e, l); }
  void on_epoch_end(int e, Logs& l) override { if (f_.on_epoch_end) f_.on_epoch_end(e, l); }
  void on_train_batch_begin(int b, const Logs& l) override { if (f_.on_batch_begin) f_.on_batch_begin(b, l); }
  void on_train_batch_end(int b, const Logs& l) override { if (f_.on_batch_end) f_.on_batch_end(b, l); }
  void on_train_begin(const Logs& l) override { if (f_.on_train_begin) f_.on_train_begin(l); }
  void on_train_end(const Logs& l) override { if (f_.on_train_end) f_.on_train_end(l); }

 private:
  LambdaCallbackFunctions f_;
};

}  // namespace

bool monitor_improves(const std::string& monitor, const std::string& mode, double current, double best,
                      double min_delta) {
  if (!std::isfinite(current)) return false;
  // Keras: min_delta is subtracted in the improving direction.
  return maximize(monitor, mode) ? current - std::fabs(min_delta) > best : current + std::fabs(min_delta) < best;
}

CallbackPtr EarlyStopping(EarlyStoppingOptions o) { return std::make_shared<EarlyStoppingCallback>(std::move(o)); }
CallbackPtr ModelCheckpoint(ModelCheckpointOptions o) { return std::make_shared<ModelCheckpointCallback>(std::move(o)); }
CallbackPtr ReduceLROnPlateau(ReduceLROnPlateauOptions o) { return std::make_shared<ReduceLROnPlateauCallback>(std::move(o)); }
CallbackPtr LearningRateScheduler(std::function<double(int, double)> f, int verbose) {
  return std::make_shared<LearningRateSchedulerCallback>(std::move(f), verbose);
}
CallbackPtr CSVLogger(std::string filename, char separator, bool append) {
  return std::make_shared<CSVLoggerCallback>(std::move(filename), separator, append);
}
CallbackPtr TerminateOnNaN() { return std::make_shared<TerminateOnNaNCallback>(); }
CallbackPtr LambdaCallback(LambdaCallbackFunctions f) { return std::make_shared<LambdaCallbackImpl>(std::move(f)); }

}  // namespace cornu
