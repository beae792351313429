// Built-in demos: a model, its data and its training settings, runnable with `cornu train --demo NAME`.
// (The node editor's issue turns them into project files in resources/.)
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/shapes_and_numbers.h"
#include "model/model.h"

namespace cornu {

struct Demo {
  std::string name;
  std::string description;
  int epochs = 10;
  int batch_size = 32;
  double validation_split = 0.1;
  // A compiled model; layers take their initial weights from the global seed (set_random_seed).
  std::function<ModelPtr()> build;
  // The data, as a project names it (data/builtin_datasets.h): {"name": "spirals", ...}.
  Config dataset;
  data::TrainTest load() const;
  // A demo whose model has several inputs or outputs loads its arrays here instead (a registry dataset gives
  // one x and one y), in the model's input and output order; its `dataset` stays null.
  struct Arrays {
    data::MultiArrayDataset train, test;
  };
  std::function<Arrays()> load_arrays;
  // load_arrays(), or the dataset's x and y as one-array lists.
  Arrays arrays() const;
};

const std::vector<Demo>& builtin_demos();
// Throws ValueError listing the demos when `name` is unknown.
const Demo& find_demo(const std::string& name);
constexpr const char* kDefaultDemo = "fashion-mnist-mlp";

}  // namespace cornu
