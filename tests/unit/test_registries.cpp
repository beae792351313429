// Every registry entry describes its module completely (the palette, the inspector and Keras import/export
// read these entries and nothing else), and every module the foundation promises is registered.
#include <QtTest>

#include "activations/activation.h"
#include "callbacks/callback_registry.h"
#include "constraints/constraint.h"
#include "initializers/initializer.h"
#include "layers/layer.h"
#include "losses/loss.h"
#include "metrics/metric.h"
#include "optimizers/optimizer.h"
#include "regularizers/regularizer.h"
#include "error_message.h"

using namespace cornu;

namespace {

template <class T>
void check_entries(const Registry<T>& registry) {
  for (const auto& e : registry.entries()) {
    QVERIFY2(!e.doc.empty(), (registry.kind() + " '" + e.name + "' has no doc").c_str());
    QVERIFY2(e.create != nullptr, (registry.kind() + " '" + e.name + "' has no factory").c_str());
    for (const auto& p : e.params) {
      QVERIFY2(!p.doc.empty(), (registry.kind() + " '" + e.name + "' parameter '" + p.name + "' has no doc").c_str());
      if (p.type == ParamType::Enum) QVERIFY2(!p.choices.empty(), (e.name + "." + p.name + " lists no choices").c_str());
      if (!p.required) {  // defaults must pass the entry's own checks
        Config one = {{p.name, p.default_value}};
        bool others_required = false;
        for (const auto& q : e.params) others_required |= q.required;
        if (!others_required) resolve_config(e.name, e.params, one, {"name", "dtype"});
      }
    }
  }
}

template <class T>
void expect_names(const Registry<T>& registry, const std::vector<std::string>& names) {
  for (const auto& n : names) QVERIFY2(registry.contains(n), (registry.kind() + " '" + n + "' is not registered").c_str());
}

}  // namespace

class TestRegistries : public QObject {
  Q_OBJECT
 private slots:
  void entries_are_complete() {
    check_entries(layer_registry());
    check_entries(activation_registry());
    check_entries(initializer_registry());
    check_entries(regularizer_registry());
    check_entries(constraint_registry());
    check_entries(loss_registry());
    check_entries(optimizer_registry());
    check_entries(metric_registry());
    check_entries(schedule_registry());
    check_entries(callback_registry());
  }

  void layers_have_palette_categories() {
    const std::vector<std::string> categories{"Core", "Convolution", "Pooling", "Recurrent", "Normalization",
                                              "Regularization", "Merge", "Reshaping", "Activation", "Input/Output",
                                              "Attention"};
    for (const auto& e : layer_registry().entries())
      QVERIFY2(std::find(categories.begin(), categories.end(), e.category) != categories.end(),
               (e.name + " has category '" + e.category + "'").c_str());
  }

  void the_foundation_is_registered() {
    expect_names(layer_registry(), {"InputLayer", "Dense", "Activation", "Dropout", "Flatten", "Reshape", "Permute",
                                    "RepeatVector", "GaussianNoise", "ActivityRegularization", "Concatenate", "Add",
                                    "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot", "ReLU", "LeakyReLU",
                                    "PReLU", "ELU", "Softmax"});
    expect_names(activation_registry(), {"linear", "relu", "relu6", "sigmoid", "hard_sigmoid", "tanh", "softmax",
                                         "log_softmax", "softplus", "softsign", "elu", "selu", "gelu", "silu", "swish",
                                         "mish", "leaky_relu", "exponential"});
    expect_names(initializer_registry(), {"zeros", "ones", "constant", "random_normal", "random_uniform",
                                          "truncated_normal", "glorot_uniform", "glorot_normal", "he_uniform",
                                          "he_normal", "lecun_uniform", "lecun_normal", "orthogonal", "identity",
                                          "variance_scaling", "GlorotUniform", "HeNormal"});
    expect_names(regularizer_registry(), {"l1", "l2", "l1_l2"});
    expect_names(constraint_registry(), {"max_norm", "min_max_norm", "non_neg", "unit_norm"});
    expect_names(loss_registry(), {"categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
                                   "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
                                   "mean_squared_logarithmic_error", "huber", "log_cosh", "kl_divergence", "poisson",
                                   "hinge", "squared_hinge", "categorical_hinge", "cosine_similarity", "mse", "mae"});
    expect_names(optimizer_registry(), {"sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamw", "adamax", "nadam", "SGD", "Adam"});
    expect_names(schedule_registry(), {"ExponentialDecay", "InverseTimeDecay", "PiecewiseConstantDecay", "CosineDecay"});
    expect_names(metric_registry(), {"binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
                                     "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "precision",
                                     "recall", "auc", "mean_squared_error", "mean_absolute_error",
                                     "root_mean_squared_error", "categorical_crossentropy",
                                     "sparse_categorical_crossentropy", "binary_crossentropy"});
  }

  void callbacks_resolve_with_keras_defaults() {
    expect_names(callback_registry(), {"EarlyStopping", "ReduceLROnPlateau", "ModelCheckpoint"});
    const Config early = resolve_callback({{"class_name", "EarlyStopping"}, {"config", {{"patience", 3}}}});
    QCOMPARE(early.at("config").at("patience").get<int>(), 3);
    QCOMPARE(early.at("config").at("monitor").get<std::string>(), std::string("val_loss"));  // Keras's default
    QVERIFY(early.at("config").at("baseline").is_null());
    QCOMPARE(resolve_callback({{"class_name", "ReduceLROnPlateau"}}).at("config").at("min_delta").get<double>(), 1e-4);
    QVERIFY(make_callback({{"class_name", "ReduceLROnPlateau"}, {"config", {{"factor", 0.5}}}}) != nullptr);
    QVERIFY(test::value_error([] { resolve_callback({{"class_name", "EarlyStoping"}}); }).contains("Did you mean 'EarlyStopping'"));
    QVERIFY(test::value_error([] { resolve_callback({{"class_name", "EarlyStopping"}, {"config", {{"patience", -1}}}}); })
                .contains("patience"));
    QVERIFY(test::value_error([] { resolve_callback({{"class_name", "ReduceLROnPlateau"}, {"config", {{"factor", 1.5}}}}); })
                .contains("factor"));
    QVERIFY(test::value_error([] { make_callback({{"class_name", "ModelCheckpoint"}}); }).contains("filepath"));
  }

  void unknown_names_list_the_known_ones() {
    try {
      make_layer("Dens");
      QFAIL("no error");
    } catch (const ValueError& e) {
      QVERIFY2(QString(e.what()).contains("Did you mean 'Dense'"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(ValueError, make_optimizer("adamm"));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_loss("crossentropy_of_doom"));
  }

  void every_layer_config_round_trips() {
    // Each layer built with its defaults (plus the required parameters) gives back a config that builds the same.
    const Config required = {{"units", 3}, {"target_shape", {2, 2}}, {"dims", {1}}, {"n", 2}, {"axes", 1},
                             {"activation", "relu"}, {"rate", 0.5}, {"stddev", 0.1}, {"batch_shape", {nullptr, 4}},
                             {"num_heads", 2}, {"key_dim", 4}, {"filters", 2}, {"kernel_size", 3},
                             {"input_dim", 5}, {"output_dim", 3},
                             {"layer", {{"class_name", "Dense"}, {"config", {{"units", 3}}}}}};
    for (const auto& e : layer_registry().entries()) {
      Config c = Config::object();
      for (const auto& p : e.params)
        if (p.required) c[p.name] = required.value(p.name, Config());
      if (e.name == "Bidirectional") c["layer"] = {{"class_name", "LSTM"}, {"config", {{"units", 3}}}};  // an RNN
      LayerPtr a = layer_registry().create(e.name, c, {"name"});
      LayerPtr b = layer_registry().create(e.name, a->config(), {"name", "trainable"});
      Config ca = a->config(), cb = b->config();
      ca.erase("name"), cb.erase("name");
      QVERIFY2(ca == cb, (e.name + ": " + ca.dump() + " vs " + cb.dump()).c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestRegistries)
#include "test_registries.moc"
