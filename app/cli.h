// The `cornu` command line. A contract: later tools and checks rely on these commands and their output.
//   cornu                       without a display: the default demo (Fashion-MNIST MLP), trained in the terminal
//                               (with one, main.cpp opens the editor instead: app/gui.h)
//   cornu export PROJECT --to FILE.svg|FILE.png [options]   the model drawn as Keras's plot_model draws it
//   cornu demos                 lists the built-in demos
//   cornu train --demo NAME [--epochs N] [--batch-size N] [--seed S] [--log FILE.jsonl] [--verbose 0|1|2]
//   cornu summary --demo NAME
//   cornu info                  versions in use: Cornu, OpenBLAS (core, threads), HDF5, Qt, CUDA, cuDNN, GPUs
#pragma once
#include <string>
#include <vector>

namespace cornu::cli {

int run(const std::vector<std::string>& args);

}  // namespace cornu::cli
