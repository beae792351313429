// Datasets a project can name: {"name": "spirals", "samples": 1000, "noise": 0.05}. Each is described once
// (parameters, the shape of a sample, the kind of labels), so the editor checks a model against its data
// before loading a byte, and the command line and the GUI load it the same way.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/registry.h"
#include "core/shape.h"
#include "data/dataset.h"

namespace cornu::data {

enum class LabelKind {
  Classes,     // int32 class indices (N,): sparse_categorical_crossentropy, or binary_crossentropy for 2 classes
  OneHot,      // float32 (N, classes): categorical_crossentropy
  Regression,  // float32 targets
};
const char* label_kind_name(LabelKind);

struct DatasetInfo {
  Shape sample_shape;  // one input sample, without the batch axis
  LabelKind labels = LabelKind::Classes;
  int classes = 0;     // for Classes and OneHot
  std::vector<std::string> class_names;
};

struct DatasetEntry {
  std::string name;
  std::string doc;
  std::vector<ParamSpec> params;
  std::function<DatasetInfo(const Config& resolved)> info;
  std::function<TrainTest(const Config& resolved)> load;
};

// Every entry: the built-in ones (generated sets, Fashion-MNIST, the file formats csv, idx, numpy, hdf5) and
// those added by register_dataset. Each entry's params end with `normalization` (see data/normalization.h).
const std::vector<DatasetEntry>& builtin_datasets();
// Adds an entry from outside the engine (the GUI's "image-folder"). Call it at start-up, before anything reads
// the registry: references returned by find_dataset stay valid only until the next registration. Throws
// ValueError when the name is taken; a registered entry gets the common `normalization` parameter too.
void register_dataset(DatasetEntry entry);
// Throws ValueError naming the datasets (with a "Did you mean") when there is none by that name.
const DatasetEntry& find_dataset(const std::string& name);
// The choice {"name": ..., params...} with every parameter filled in and checked.
Config resolve_dataset(const Config& choice);
DatasetInfo dataset_info(const Config& choice);
// The entry's load, then the chosen normalization (fitted on the training part).
TrainTest load_dataset(const Config& choice);

}  // namespace cornu::data
