#include "data/builtin_datasets.h"

#include <cstdlib>

#include "core/error.h"
#include "data/fashion_mnist.h"
#include "data/synthetic.h"

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

std::vector<ParamSpec> generated_params(int samples, double noise) {
  return {{.name = "samples", .type = ParamType::Int, .default_value = samples, .doc = "Training points generated.",
           .minimum = 4, .maximum = 1000000},
          {.name = "test_samples", .type = ParamType::Int, .default_value = samples * 2 / 5,
           .doc = "Test points generated (with another seed).", .minimum = 1, .maximum = 1000000},
          {.name = "noise", .type = ParamType::Float, .default_value = noise,
           .doc = "Standard deviation of the jitter added to each coordinate.", .minimum = 0.0, .maximum = 10.0},
          {.name = "seed", .type = ParamType::Int, .default_value = 1, .doc = "Seed of the training points.",
           .minimum = 0}};
}

DatasetEntry generated(std::string name, std::string doc, int samples, double noise,
                       ArrayDataset (*make)(int64_t, float, uint64_t), std::vector<std::string> classes) {
  return {.name = std::move(name),
          .doc = std::move(doc),
          .params = generated_params(samples, noise),
          .info = [classes](const Config&) { return DatasetInfo{Shape{2}, LabelKind::Classes, 2, classes}; },
          .load = [make, classes](const Config& c) {
            auto seed = c.at("seed").get<uint64_t>();
            float noise = c.at("noise").get<float>();
            return TrainTest{make(c.at("samples").get<int64_t>(), noise, seed),
                             make(c.at("test_samples").get<int64_t>(), noise, seed + 1), classes};
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
  e.push_back(generated("spirals", "Two interleaved 2-D spirals: the classic problem no linear model solves.", 1000,
                        0.05, make_spirals, {"spiral A", "spiral B"}));
  e.push_back(generated("xor", "Four noisy clusters labelled by XOR: the smallest non-linear problem.", 400, 0.1,
                        make_xor, {"0", "1"}));
  return e;
}

}  // namespace

const std::vector<DatasetEntry>& builtin_datasets() {
  static const std::vector<DatasetEntry> entries = make_entries();
  return entries;
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
  return find_dataset(c.at("name").get<std::string>()).load(c);
}

}  // namespace cornu::data
