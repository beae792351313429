// libFuzzer target for the Keras legacy .h5 model file reader (io/keras_io.h: load_model_h5_bytes).
//
// For every input the reader must either return a model or throw a cornu::Error (IoError, ValueError...): any
// other exception escapes and libFuzzer reports it, as it does crashes, leaks and sanitizer findings. A model
// that loads must also describe itself again (model_to_config), as the editor would.
//
// Built with -fsanitize=fuzzer by tests/fuzz/run_fuzz.sh (FUZZ_TARGET=fuzz_keras_h5, CMake option CORNU_FUZZ).
// Compiled with CORNU_FUZZ_STANDALONE instead, the file has a main() that replays the files and folders named
// on the command line (the seed corpus in tests/fuzz/corpus/fuzz_keras_h5), as the CTest
// unit.fuzz_keras_h5_corpus.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "io/keras_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  cornu::io::LoadedModel loaded;
  try {
    loaded = cornu::io::load_model_h5_bytes(bytes, "fuzz.h5");
  } catch (const cornu::Error& e) {
    if (std::getenv("CORNU_FUZZ_VERBOSE")) std::fprintf(stderr, "refused: %s\n", e.what());
    return 0;  // refused with a message: what a damaged file should get
  }
  if (!loaded.model) {
    std::fprintf(stderr, "fuzz_keras_h5: a load returned no model and no error\n");
    std::abort();
  }
  (void)cornu::io::model_to_config(*loaded.model, cornu::io::ConfigFlavor::Archive);
  return 0;
}

#ifdef CORNU_FUZZ_STANDALONE
#include "replay_main.h"
#else
// Under libFuzzer the readers run in-process: the child-process guard of io/crash_isolation.h would turn every
// crash into a refusal and cost a fork per input. Crashes inside HDF5 itself then show up as well (the corpus
// keeps the known ones, crash-hdf5-* and hang-hdf5-*, which the replay checks are refused with the guard on).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("CORNU_NO_CRASH_ISOLATION", "1", 1);
  return 0;
}
#endif
