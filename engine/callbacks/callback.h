// Callbacks, as in Keras: objects told about the training loop's events, able to stop it or change the
// learning rate. Logs are sorted by name, which is the order Keras 3 prints them in.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cornu {

class Model;
using Logs = std::map<std::string, double>;

class Callback {
 public:
  virtual ~Callback() = default;
  void set_model(Model* model) { model_ = model; }
  virtual void on_train_begin(const Logs&) {}
  virtual void on_train_end(const Logs&) {}
  virtual void on_epoch_begin(int epoch, const Logs&) {}
  virtual void on_epoch_end(int epoch, Logs& logs) {}  // may add entries (lr)
  virtual void on_train_batch_begin(int batch, const Logs&) {}
  virtual void on_train_batch_end(int batch, const Logs& logs) {}
  virtual void on_test_begin(const Logs&) {}
  virtual void on_test_end(const Logs&) {}

 protected:
  Model* model_ = nullptr;
};
using CallbackPtr = std::shared_ptr<Callback>;

// The per-epoch record that fit returns (keras.callbacks.History).
struct History {
  std::vector<int> epoch;
  std::map<std::string, std::vector<double>> history;
};

// mode "auto" picks "max" for accuracy-like monitors and "min" otherwise, as Keras does.
bool monitor_improves(const std::string& monitor, const std::string& mode, double current, double best,
                      double min_delta);

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  double min_delta = 0.0;
  int patience = 0;
  int verbose = 0;
  std::string mode = "auto";
  std::optional<double> baseline;
  bool restore_best_weights = false;
  int start_from_epoch = 0;
};
CallbackPtr EarlyStopping(EarlyStoppingOptions options = {});

struct ModelCheckpointOptions {
  std::string filepath;  // may hold {epoch:02d} and {val_loss:.2f}-style fields
  std::string monitor = "val_loss";
  int verbose = 0;
  bool save_best_only = false;
  std::string mode = "auto";
};
// Saves the weights (Keras's .weights.h5 layout) at the end of each epoch, atomically.
CallbackPtr ModelCheckpoint(ModelCheckpointOptions options);

struct ReduceLROnPlateauOptions {
  std::string monitor = "val_loss";
  double factor = 0.1;
  int patience = 10;
  int verbose = 0;
  std::string mode = "auto";
  double min_delta = 1e-4;
  int cooldown = 0;
  double min_lr = 0.0;
};
CallbackPtr ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});

// schedule(epoch, current_lr) -> new lr, called at the start of each epoch.
CallbackPtr LearningRateScheduler(std::function<double(int, double)> schedule, int verbose = 0);
CallbackPtr CSVLogger(std::string filename, char separator = ',', bool append = false);
CallbackPtr TerminateOnNaN();

struct LambdaCallbackFunctions {
  std::function<void(int, const Logs&)> on_epoch_begin, on_epoch_end, on_batch_begin, on_batch_end;
  std::function<void(const Logs&)> on_train_begin, on_train_end;
};
CallbackPtr LambdaCallback(LambdaCallbackFunctions functions);

}  // namespace cornu
