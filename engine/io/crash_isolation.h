// Reading an untrusted HDF5 file can crash inside the HDF5 library itself: 1.10 does not bounds-check the
// global-heap references behind variable-length strings, and one corrupted byte there is a segfault in
// H5Aread (found by fuzzing). Cornu's own checks cannot reach into the library, so a file from outside is read
// first in a forked child: if the child dies or hangs (another such bug loops forever), the file is refused
// with a message and the program goes on.
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace cornu::io {

// Runs `read` in a forked child process. Returns normally when it succeeded there; rethrows its cornu::Error
// (as IoError or ValueError, with the same message) when it failed; throws IoError naming `what` when the child
// crashed or hung for `timeout_seconds`. `what` names the file as messages quote it ("'model.h5'"). Set CORNU_NO_CRASH_ISOLATION=1 to read in-process (for debuggers).
void try_in_child_process(const std::function<void()>& read, const std::string& what, int timeout_seconds = 300);

// Reads every attribute and dataset of an HDF5 file image once, in a child process (the HDF5 library alone:
// no model is built there, and no thread pool is needed). After it returns, reading the same bytes here is
// as safe as HDF5 can be made. `where` names the file in messages ("'model.h5'").
void check_hdf5_in_child(std::string_view bytes, const std::string& where);

}  // namespace cornu::io
