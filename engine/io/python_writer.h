// Pieces of the Python export (python_script in keras_io.h), private to engine/io:
//   python_literals.cpp  Python literals and keyword arguments from registry entries (non-default ones only)
//   python_model.cpp     the model: keras.Sequential([...]) for a chain, the functional API otherwise
//   python_data.cpp      the data section: the dataset, its normalization and labels, or random arrays
//   python_datasets.cpp  each dataset's loading code, as a Keras user would write it (NumPy, h5py, keras.utils)
//   python_code.cpp      the script around them: imports, compile, callbacks, fit, evaluate
#pragma once
#include <set>
#include <string>
#include <vector>

#include "core/registry.h"
#include "io/keras_io.h"

namespace cornu::io::python {

// A Python string literal for any text: quoted and escaped, invalid UTF-8 replaced, so a hostile layer name
// cannot end the string or the line.
std::string string_literal(const std::string& text);
// The text of string_literal without its quotes: safe inside a comment or a docstring.
std::string comment_text(const std::string& text);
// A float that reads back to the same double ("0.001", "1e-07", "float(\"inf\")").
std::string float_literal(double value);
// null -> None, true -> True, numbers, strings, lists; arrays become tuples when `tuple` is set.
std::string literal(const Config& value, bool tuple = false);
// The value of a registry parameter as Keras code: tuples for shapes, keras.initializers.HeNormal(seed=7) for
// initializer objects carrying a config, plain names otherwise.
std::string param_value(const ParamSpec& spec, const Config& value);
// "units=64"-style arguments for the entries of `config` that differ from their spec's default, in spec order.
// Leading required parameters come first, positionally (Dense(10), Dropout(0.5)), as Keras users write them.
std::vector<std::string> arguments(const std::vector<ParamSpec>& specs, const Config& config);
// keras.<module>.<Class>(args) or "name" for a module value (a name, or {"class_name", "config"}).
// `kind` is one of initializer, regularizer, constraint, loss, optimizer, schedule, metric.
std::string module_value(const std::string& kind, const Config& value);
std::string join(const std::vector<std::string>& parts, const std::string& separator = ", ");

// A Python identifier made from `name` (a layer name), unique among `taken`, which it joins.
std::string identifier(const std::string& name, std::set<std::string>& taken);

// The model's code: lines that define it, ending with `<variable> = keras.Sequential(...)` or keras.Model.
// `taken` holds names already in use at module level (it gains the model's own variables).
std::vector<std::string> model_code(const Model& model, const std::string& variable, std::set<std::string>& taken);

// The data section: defines x_train, y_train, x_test, y_test (lists for a model with several inputs or outputs
// when the data is random). `one_hot_classes` > 0: class labels become one-hot vectors of that size, as
// categorical_crossentropy needs.
std::vector<std::string> data_code(const Model& model, const PythonScriptOptions& options, int64_t one_hot_classes);

// python_datasets.cpp: the lines loading one dataset (a resolved data registry choice) into x_train, y_train,
// x_test, y_test; none for a dataset it does not know.
std::vector<std::string> dataset_loader(const std::string& name, const Config& resolved);
// The normalization setting (none, scale, standardize), fitted on x_train as Cornu fits it.
std::vector<std::string> normalization_code(const std::string& mode);
bool data_registry_has(const std::string& name);

}  // namespace cornu::io::python
