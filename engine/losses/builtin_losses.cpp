// Keras 3's losses, under their function names, with their class names and the aliases keras.losses.get
// and tf.keras accept. Parameters are the config keys of the Keras classes; "name" and "reduction" are
// handled by make_loss. https://keras.io/api/losses/
#include "core/error.h"
#include "losses/loss.h"

namespace cornu {

namespace {

ParamSpec from_logits_param() {
  return {.name = "from_logits",
          .type = ParamType::Bool,
          .default_value = false,
          .doc = "Whether y_pred holds logits (unnormalised scores) rather than probabilities."};
}
ParamSpec label_smoothing_param(const std::string& towards) {
  return {.name = "label_smoothing",
          .type = ParamType::Float,
          .default_value = 0.0,
          .doc = "In [0, 1]: mixes the targets with " + towards + " (0: no smoothing).",
          .minimum = 0.0,
          .maximum = 1.0};
}
ParamSpec axis_param() {
  return {.name = "axis",
          .type = ParamType::Int,
          .default_value = -1,
          .doc = "The features axis; only -1 (the last axis) is supported."};
}

void add_loss(Registry<Loss>& registry, std::string name, std::string keras_class, std::vector<std::string> aliases,
              std::string doc, LossKind kind, std::vector<ParamSpec> params = {}) {
  auto create = [name, kind](const Config& c) {
    if (c.contains("axis") && c["axis"].get<int64_t>() != -1)
      throw ValueError("Loss '" + name + "': only axis=-1 (the last axis) is supported, got axis=" + c["axis"].dump() +
                       ". Move the class axis last, for instance with a Permute layer.");
    if (c.contains("ignore_class") && !c["ignore_class"].is_null())
      throw ValueError("Loss '" + name + "': ignore_class is not supported; it must be null, got " +
                       c["ignore_class"].dump() + ". Give the ignored samples a sample weight of 0 instead.");
    auto loss = std::make_shared<Loss>();
    loss->name = name;
    loss->kind = kind;
    loss->config = c;
    if (c.contains("from_logits")) loss->params.from_logits = c["from_logits"].get<bool>();
    if (c.contains("label_smoothing")) loss->params.label_smoothing = c["label_smoothing"].get<float>();
    if (c.contains("delta")) loss->params.delta = c["delta"].get<float>();
    return loss;
  };
  registry.add({.name = std::move(name),
                .keras_class = std::move(keras_class),
                .aliases = std::move(aliases),
                .category = "Loss",
                .doc = std::move(doc),
                .params = std::move(params),
                .create = create});
}

}  // namespace

void register_builtin_losses(Registry<Loss>& r) {
  add_loss(r, "categorical_crossentropy", "CategoricalCrossentropy", {},
           "Crossentropy between one-hot targets and predicted class probabilities.", LossKind::CategoricalCrossentropy,
           {from_logits_param(), label_smoothing_param("the uniform distribution 1 / num_classes"), axis_param()});
  add_loss(r, "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", {},
           "Crossentropy between integer class targets and predicted class probabilities.",
           LossKind::SparseCategoricalCrossentropy,
           {from_logits_param(),
            {.name = "ignore_class",
             .type = ParamType::Int,
             .default_value = nullptr,
             .doc = "A class index whose samples are ignored; only null is supported.",
             .nullable = true},
            axis_param()});
  add_loss(r, "binary_crossentropy", "BinaryCrossentropy", {"bce", "BCE"},
           "Crossentropy of 0/1 targets against predicted probabilities, averaged over the last axis.",
           LossKind::BinaryCrossentropy, {from_logits_param(), label_smoothing_param("0.5"), axis_param()});
  add_loss(r, "mean_squared_error", "MeanSquaredError", {"mse", "MSE"},
           "Mean of the squared differences between targets and predictions.", LossKind::MeanSquaredError);
  add_loss(r, "mean_absolute_error", "MeanAbsoluteError", {"mae", "MAE"},
           "Mean of the absolute differences between targets and predictions.", LossKind::MeanAbsoluteError);
  add_loss(r, "mean_absolute_percentage_error", "MeanAbsolutePercentageError", {"mape", "MAPE"},
           "100 times the mean of |target - prediction| / max(|target|, epsilon).",
           LossKind::MeanAbsolutePercentageError);
  add_loss(r, "mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", {"msle", "MSLE"},
           "Mean squared difference of log(1 + x) between targets and predictions.",
           LossKind::MeanSquaredLogarithmicError);
  add_loss(r, "huber", "Huber", {"huber_loss"},
           "Squared error for errors up to delta, linear beyond: robust to outliers.", LossKind::Huber,
           {{.name = "delta",
             .type = ParamType::Float,
             .default_value = 1.0,
             .doc = "Where the loss changes from quadratic to linear.",
             .minimum = 0.0}});
  add_loss(r, "log_cosh", "LogCosh", {"logcosh"},
           "Mean of log(cosh(prediction - target)): like MSE for small errors, like MAE for large ones.",
           LossKind::LogCosh);
  add_loss(r, "kl_divergence", "KLDivergence", {"kld", "KLD", "kullback_leibler_divergence"},
           "Kullback-Leibler divergence sum(t * log(t / p)), both clipped to [epsilon, 1].", LossKind::KLDivergence);
  add_loss(r, "poisson", "Poisson", {}, "Mean of prediction - target * log(prediction + epsilon).", LossKind::Poisson);
  add_loss(r, "hinge", "Hinge", {}, "Mean of max(1 - target * prediction, 0); 0/1 targets become -1/1.",
           LossKind::Hinge);
  add_loss(r, "squared_hinge", "SquaredHinge", {},
           "Mean of max(1 - target * prediction, 0) squared; 0/1 targets become -1/1.", LossKind::SquaredHinge);
  add_loss(r, "categorical_hinge", "CategoricalHinge", {},
           "max(max((1 - target) * prediction) - sum(target * prediction) + 1, 0) for one-hot targets.",
           LossKind::CategoricalHinge);
  add_loss(r, "cosine_similarity", "CosineSimilarity", {},
           "Negative cosine similarity between target and prediction rows (-1: same direction).",
           LossKind::CosineSimilarity, {axis_param()});
}

}  // namespace cornu
