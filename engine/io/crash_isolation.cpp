#include "io/crash_isolation.h"

#include <poll.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <vector>
#include <cstdlib>
#include <cstring>

#include "core/error.h"
#include "io/h5_image.h"

namespace cornu::io {

namespace {

// What the child reports through the pipe: a kind letter, then the message.
constexpr char kValue = 'V', kIo = 'I';

void write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Reads one attribute or dataset whole in its native memory type, then frees what HDF5 allocated for
// variable-length values. Values too large to matter are skipped: the real reader refuses them itself.
void read_value(hid_t type_id, hid_t space_id, const std::function<herr_t(hid_t, void*)>& read) {
  h5::Handle type(H5Tget_native_type(type_id, H5T_DIR_DEFAULT), H5Tclose);
  if (!type.valid()) return;
  const hssize_t points = H5Sget_simple_extent_npoints(space_id);
  const size_t size = H5Tget_size(type.id());
  if (points < 0 || size == 0 || static_cast<double>(points) * static_cast<double>(size) > double(size_t(1) << 31)) return;
  std::vector<unsigned char> buffer(std::max<size_t>(1, static_cast<size_t>(points) * size));
  if (read(type.id(), buffer.data()) < 0) return;
  if (H5Tdetect_class(type.id(), H5T_VLEN) > 0 || H5Tis_variable_str(type.id()) > 0)
    H5Dvlen_reclaim(type.id(), space_id, H5P_DEFAULT, buffer.data());
}

herr_t read_attribute(hid_t object, const char* name, const H5A_info_t*, void*) {
  h5::Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  if (!attribute.valid()) return 0;
  h5::Handle type(H5Aget_type(attribute.id()), H5Tclose), space(H5Aget_space(attribute.id()), H5Sclose);
  if (type.valid() && space.valid())
    read_value(type.id(), space.id(), [&](hid_t memory, void* buffer) { return H5Aread(attribute.id(), memory, buffer); });
  return 0;
}

herr_t read_object(hid_t file, const char* name, const H5O_info_t* info, void*) {
  h5::Handle object(H5Oopen(file, name, H5P_DEFAULT), H5Oclose);
  if (!object.valid()) return 0;
  hsize_t index = 0;
  H5Aiterate2(object.id(), H5_INDEX_NAME, H5_ITER_NATIVE, &index, read_attribute, nullptr);
  if (info->type == H5O_TYPE_DATASET) {
    h5::Handle type(H5Dget_type(object.id()), H5Tclose), space(H5Dget_space(object.id()), H5Sclose);
    if (type.valid() && space.valid())
      read_value(type.id(), space.id(), [&](hid_t memory, void* buffer) {
        return H5Dread(object.id(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
      });
  }
  return 0;
}

}  // namespace

void check_hdf5_in_child(std::string_view bytes, const std::string& where) {
  // HDF5 reads memory at well over 50 MB/s; a child still busy long after that is looping (a damaged global
  // heap can make H5Aread spin forever, found by fuzzing).
  const int timeout_seconds = 10 + static_cast<int>(bytes.size() / (50u << 20));
  try_in_child_process(
      [&] {
        h5::Quiet quiet;
        h5::Handle file = h5::open_image(bytes, where);
        H5Ovisit2(file.id(), H5_INDEX_NAME, H5_ITER_NATIVE, read_object, nullptr, H5O_INFO_BASIC);
      },
      where, timeout_seconds);
}

void try_in_child_process(const std::function<void()>& read, const std::string& what, int timeout_seconds) {
  if (const char* off = std::getenv("CORNU_NO_CRASH_ISOLATION"); off && *off && std::strcmp(off, "0") != 0) return read();
  int fds[2];
  if (::pipe(fds) != 0) return read();  // no pipe, no child: read here rather than refuse the file
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]), ::close(fds[1]);
    return read();
  }
  if (pid == 0) {  // the child: read, report, and leave without running the parent's exit handlers
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a child spinning in HDF5 must not outlive a parent that died
    if (::getppid() != parent) ::_exit(2);  // it died before prctl took effect
    ::close(fds[0]);
    int code = 0;
    try {
      read();
    } catch (const ValueError& e) {
      write_all(fds[1], std::string(1, kValue) + e.what());
      code = 1;
    } catch (const std::exception& e) {
      write_all(fds[1], std::string(1, kIo) + e.what());
      code = 1;
    }
    ::_exit(code);
  }
  ::close(fds[1]);
  std::string report;
  char buffer[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child closed its end: it has finished
    if (report.size() < (1u << 20)) report.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    throw IoError("Reading " + what + " took longer than " + std::to_string(timeout_seconds) +
                  " seconds and was stopped: the file is damaged (HDF5 kept reading in a loop), so Cornu refused it.");
  if (WIFSIGNALED(status))
    throw IoError(what + " is damaged: reading it crashed the HDF5 library (signal " +
                  std::to_string(WTERMSIG(status)) + "), so Cornu refused it and nothing was loaded. Save the model " +
                  "again from Keras.");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  if (!report.empty() && report[0] == kValue) throw ValueError(report.substr(1));
  if (!report.empty()) throw IoError(report.substr(1));
  throw IoError("Reading " + what + " failed in a way Cornu could not report (exit code " +
                std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ").");
}

}  // namespace cornu::io
