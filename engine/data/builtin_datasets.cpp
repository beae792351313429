#include "data/builtin_datasets.h"

#include <cstdlib>

#include "core/error.h"
#include "data/fashion_mnist.h"
#include "data/file_datasets.h"
#include "data/normalization.h"
#include "data/sentiment.h"
#include "data/synthetic.h"
#include "data/text_characters.h"

namespace cornu::data {

const char* label_kind_name(LabelKind k) {
  switch (k) {
    case LabelKind::Classes: return "class indices";
    case LabelKind::OneHot: return "one-hot vectors";
    case LabelKind::Regression: return "numbers";
  }
  return "?";
}

namespace {

// The parameters every generated set has (sizes and seed) around those that shape its points.
std::vector<ParamSpec> generated_params(int samples, std::vector<ParamSpec> shape) {
  std::vector<ParamSpec> params = {
      {.name = "samples", .type = ParamType::Int, .default_value = samples, .doc = "Training points generated.",
       .minimum = 4, .maximum = 1000000},
      {.name = "test_samples", .type = ParamType::Int, .default_value = samples * 2 / 5,
       .doc = "Test points generated (with another seed).", .minimum = 1, .maximum = 1000000}};
  for (ParamSpec& p : shape) params.push_back(std::move(p));
  params.push_back({.name = "seed", .type = ParamType::Int, .default_value = 1, .doc = "Seed of the training points.",
                    .minimum = 0});
  return params;
}

ParamSpec noise_param(double noise) {
  return {.name = "noise", .type = ParamType::Float, .default_value = noise,
          .doc = "Standard deviation of the jitter added to each coordinate.", .minimum = 0.0, .maximum = 10.0};
}

// Makes `samples` points with `seed` from a resolved config; the test set is the same call with seed + 1.
using Generate = std::function<ArrayDataset(const Config& resolved, int64_t samples, uint64_t seed)>;
using ClassNames = std::function<std::vector<std::string>(const Config& resolved)>;

DatasetEntry generated(std::string name, std::string doc, std::vector<ParamSpec> params, Generate make,
                       ClassNames class_names) {
  return {.name = std::move(name),
          .doc = std::move(doc),
          .params = std::move(params),
          .info = [class_names](const Config& c) {
            std::vector<std::string> names = class_names(c);
            return DatasetInfo{Shape{2}, LabelKind::Classes, static_cast<int>(names.size()), names};
          },
          .load = [make, class_names](const Config& c) {
            auto seed = c.at("seed").get<uint64_t>();
            return TrainTest{make(c, c.at("samples").get<int64_t>(), seed),
                             make(c, c.at("test_samples").get<int64_t>(), seed + 1), class_names(c)};
          }};
}

// A generated set with two fixed classes and only `noise` shaping its points.
DatasetEntry two_classes(std::string name, std::string doc, int samples, double noise,
                         ArrayDataset (*make)(int64_t, float, uint64_t), std::vector<std::string> classes) {
  return generated(
      std::move(name), std::move(doc), generated_params(samples, {noise_param(noise)}),
      [make](const Config& c, int64_t n, uint64_t seed) { return make(n, c.at("noise").get<float>(), seed); },
      [classes](const Config&) { return classes; });
}

DatasetEntry circles() {
  return generated(
      "circles", "A ring around a disc: two concentric circles, as scikit-learn's make_circles.",
      generated_params(400, {noise_param(0.05),
                             {.name = "factor", .type = ParamType::Float, .default_value = 0.5,
                              .doc = "Radius of the inner circle relative to the outer one (below 1).",
                              .minimum = 0.0, .maximum = 0.99}}),
      [](const Config& c, int64_t n, uint64_t seed) {
        return make_circles(n, c.at("noise").get<float>(), c.at("factor").get<float>(), seed);
      },
      [](const Config&) { return std::vector<std::string>{"outer", "inner"}; });
}

DatasetEntry blobs() {
  return generated(
      "blobs",
      "Gaussian blobs around random centres, one class each, as scikit-learn's make_blobs: the easy case where "
      "a linear model suffices.",
      generated_params(400, {{.name = "centers", .type = ParamType::Int, .default_value = 3,
                              .doc = "Number of blobs (classes); their centres are drawn in [-10, 10]^2 from the seed.",
                              .minimum = 2, .maximum = 10},
                             {.name = "cluster_std", .type = ParamType::Float, .default_value = 1.0,
                              .doc = "Standard deviation of each blob around its centre.", .minimum = 0.0,
                              .maximum = 10.0}}),
      [](const Config& c, int64_t n, uint64_t seed) {
        // Train and test sets share the centres of the training seed; only their points differ.
        std::vector<Point2> centres = blob_centres(c.at("centers").get<int>(), c.at("seed").get<uint64_t>());
        return make_blobs(n, centres, c.at("cluster_std").get<float>(), seed);
      },
      [](const Config& c) {
        std::vector<std::string> names;
        for (int k = 1; k <= c.at("centers").get<int>(); ++k) names.push_back("blob " + std::to_string(k));
        return names;
      });
}

// A noisy sine to fit: regression, one input, one target.
DatasetEntry sine() {
  ParamSpec noise = noise_param(0.1);
  noise.doc = "Standard deviation of the Gaussian noise added to each target.";
  return {.name = "sine",
          .doc = "A noisy sine wave over [-pi, pi] to fit: the smallest regression problem with a curve in it.",
          .params = generated_params(
              500, {noise,
                    {.name = "frequency", .type = ParamType::Float, .default_value = 2.0,
                     .doc = "Waves per 2 pi: higher is harder to fit.", .minimum = 0.0, .maximum = 20.0}}),
          .info = [](const Config&) { return DatasetInfo{Shape{1}, LabelKind::Regression, 0, {}}; },
          .load = [](const Config& c) {
            const auto seed = c.at("seed").get<uint64_t>();
            const float noise = c.at("noise").get<float>(), frequency = c.at("frequency").get<float>();
            return TrainTest{make_sine(c.at("samples").get<int64_t>(), noise, frequency, seed),
                             make_sine(c.at("test_samples").get<int64_t>(), noise, frequency, seed + 1), {}};
          }};
}

std::vector<DatasetEntry> make_entries() {
  std::vector<DatasetEntry> e;
  e.push_back({.name = "fashion-mnist",
               .doc = "Zalando's 28x28 grey clothing images in 10 classes (Debian's dataset-fashion-mnist).",
               .params = {{.name = "dir", .type = ParamType::String, .default_value = kFashionMnistDir,
                           .doc = "Folder holding the four IDX files (CORNU_FASHION_MNIST_DIR overrides it)."}},
               .info = [](const Config&) {
                 return DatasetInfo{Shape{28, 28}, LabelKind::Classes, 10,
                                    {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                                     "Sneaker", "Bag", "Ankle boot"}};
               },
               .load = [](const Config& c) {
                 const char* dir = std::getenv("CORNU_FASHION_MNIST_DIR");
                 return load_fashion_mnist(dir && *dir ? std::string(dir) : c.at("dir").get<std::string>());
               }});
  e.push_back(two_classes("spirals", "Two interleaved 2-D spirals: the classic problem no linear model solves.",
                          1000, 0.05, make_spirals, {"spiral A", "spiral B"}));
  e.push_back(two_classes("xor", "Four noisy clusters labelled by XOR: the smallest non-linear problem.", 400, 0.1,
                          make_xor, {"0", "1"}));
  e.push_back(two_classes("moons", "Two interleaving half circles, as scikit-learn's make_moons.", 400, 0.1,
                          make_moons, {"upper moon", "lower moon"}));
  e.push_back(circles());
  e.push_back(blobs());
  e.push_back(sine());
  e.push_back(sentiment_dataset());        // generated reviews: word sequences (demo sentiment-gru)
  e.push_back(text_characters_dataset());  // a text file as character windows (demo text-lstm)
  for (DatasetEntry (*file_entry)() : {csv_dataset, idx_dataset, numpy_dataset, hdf5_dataset})
    e.push_back(file_entry());
  for (DatasetEntry& entry : e) add_normalization_param(entry.params);
  return e;
}

std::vector<DatasetEntry>& registry() {
  static std::vector<DatasetEntry> entries = make_entries();
  return entries;
}

}  // namespace

const std::vector<DatasetEntry>& builtin_datasets() { return registry(); }

void register_dataset(DatasetEntry entry) {
  for (const DatasetEntry& d : registry())
    if (d.name == entry.name)
      throw ValueError("A dataset called '" + entry.name + "' is already registered; give the new one another name.");
  if (!entry.info || !entry.load)
    throw ValueError("The dataset entry '" + entry.name + "' needs both an info and a load function.");
  add_normalization_param(entry.params);
  registry().push_back(std::move(entry));
}

const DatasetEntry& find_dataset(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& d : builtin_datasets()) {
    if (d.name == name) return d;
    names.push_back(d.name);
  }
  std::string list, hint = did_you_mean(name, names);
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw ValueError("There is no dataset called '" + name + "'. " + (hint.empty() ? "" : hint + " ") +
                   "Datasets: " + list + ".");
}

Config resolve_dataset(const Config& choice) {
  if (!choice.is_object() || !choice.contains("name") || !choice.at("name").is_string())
    throw ValueError("A dataset choice is an object naming the dataset, e.g. {\"name\": \"spirals\"}; got " +
                     choice.dump() + ".");
  const DatasetEntry& entry = find_dataset(choice.at("name").get<std::string>());
  Config resolved = resolve_config("dataset '" + entry.name + "'", entry.params, choice, {"name"});
  return resolved;
}

DatasetInfo dataset_info(const Config& choice) {
  Config c = resolve_dataset(choice);
  return find_dataset(c.at("name").get<std::string>()).info(c);
}

TrainTest load_dataset(const Config& choice) {
  Config c = resolve_dataset(choice);
  TrainTest data = find_dataset(c.at("name").get<std::string>()).load(c);
  apply_normalization(data, c.at("normalization").get<std::string>());
  return data;
}

}  // namespace cornu::data
