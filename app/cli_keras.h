// The Keras commands of `cornu` (cli.cpp parses the options and calls these):
//   export SOURCE --to FILE.h5|FILE.keras|FILE.py [--weights W.h5] [--distributed]
//   import MODEL.h5|MODEL.keras -o PROJECT.cornu [--force]
//   summary MODEL.h5|MODEL.keras
//   predict SOURCE --input X.npy|X.npz -o Y.npy|Y.npz [--batch-size N]
// SOURCE is a project (.cornu, with its trained weights when it has some) or a Keras file.
#pragma once
#include <string>

namespace cornu::cli {

// ".keras" for "Model.KERAS": the extension with its dot, lower case ("" for none).
std::string lowercase_extension(const std::string& path);
bool is_keras_file(const std::string& path);
int command_keras_export(const std::string& source, const std::string& to, const std::string& weights, bool distributed);
int command_keras_import(const std::string& path, const std::string& project_path, bool force);
int command_keras_summary(const std::string& path);
int command_predict(const std::string& source, const std::string& input, const std::string& output, int batch_size);

}  // namespace cornu::cli
