// .npz archives: a zip of .npy members (numpy.savez stores them, numpy.savez_compressed deflates them).
#include <zip.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "core/error.h"
#include "data/file_bytes.h"
#include "data/npy.h"
#include "data/zip_bytes.h"

namespace cornu::data {
namespace {

struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

// Deflate cannot expand data by more than about 1032:1; a larger claim is a lie or a bomb.
constexpr uint64_t kMaxDeflateRatio = 1100;

std::string read_member(zip_t* archive, zip_uint64_t index, const zip_stat_t& st, const std::string& where) {
  if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
    throw IoError(where + " has no recorded size; the archive is damaged.");
  if (st.size > kMaxDecompressedBytes || st.size > st.comp_size * kMaxDeflateRatio + 4096)
    throw IoError(where + " claims " + std::to_string(st.size) + " bytes from " + std::to_string(st.comp_size) +
                  " compressed bytes, which is impossible or too large; the archive is damaged.");
  std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive, index, 0));
  if (!file)
    throw IoError(where + " cannot be opened: " + std::string(zip_error_strerror(zip_get_error(archive))) + ".");
  std::string bytes(static_cast<size_t>(st.size), '\0');
  size_t got = 0;
  for (;;) {
    // Read one byte past the recorded size so that a member longer than announced is noticed, and so that
    // libzip reaches the end of the data and checks its CRC-32.
    char extra = 0;
    char* dst = got < bytes.size() ? bytes.data() + got : &extra;
    zip_uint64_t want = got < bytes.size() ? bytes.size() - got : 1;
    zip_int64_t n = zip_fread(file.get(), dst, want);
    if (n < 0)
      throw IoError(where + " is damaged: " + std::string(zip_error_strerror(zip_file_get_error(file.get()))) + ".");
    if (n == 0) break;
    if (got >= bytes.size()) throw IoError(where + " holds more data than its recorded size; the archive is damaged.");
    got += static_cast<size_t>(n);
  }
  if (got != bytes.size())
    throw IoError(where + " ends after " + std::to_string(got) + " of its " + std::to_string(bytes.size()) +
                  " bytes; the archive is truncated.");
  return bytes;
}

// Calls f(key, index, stat, where) for each .npy member; IoError for anything else in the archive.
template <class F>
void for_each_member(zip_t* archive, const std::string& name, F&& f) {
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME))
      throw IoError("Member " + std::to_string(i) + " of '" + name + "' cannot be read; the archive is damaged.");
    std::string member = st.name;
    if (!member.empty() && member.back() == '/') continue;  // a folder entry
    const std::string where = "Member '" + member + "' of '" + name + "'";
    if (member.size() < 4 || member.compare(member.size() - 4, 4, ".npy") != 0)
      throw IoError(where + " is not a .npy array; a .npz archive should hold only arrays saved by numpy.savez.");
    f(member.substr(0, member.size() - 4), static_cast<zip_uint64_t>(i), st, where);
  }
}

// The arrays whose key `wanted` accepts.
template <class Wanted>
std::map<std::string, Tensor> read_members(zip_t* archive, const std::string& name, Wanted&& wanted) {
  std::map<std::string, Tensor> arrays;
  bool any = false;
  for_each_member(archive, name, [&](const std::string& key, zip_uint64_t index, const zip_stat_t& st,
                                     const std::string& where) {
    any = true;
    if (!wanted(key)) return;
    std::string npy = read_member(archive, index, st, where);
    if (!arrays.emplace(key, parse_npy(npy, name + ":" + key + ".npy")).second)
      throw IoError("'" + name + "' holds the array '" + key + "' twice; the archive is damaged.");
  });
  if (!any) throw IoError("'" + name + "' holds no arrays.");
  return arrays;
}

// An archive read from its file (only the members asked for are then read).
ZipHandle open_archive(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) read_file_bytes(path);  // its message: missing, a folder...
  int code = 0;
  ZipHandle archive(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code));
  if (!archive) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw IoError("'" + path + "' is not a valid .npz (zip) archive: " + why + ".");
  }
  return archive;
}

}  // namespace

std::map<std::string, Tensor> parse_npz(std::string_view bytes, const std::string& name) {
  ZipHandle archive = open_zip_bytes(bytes, "'" + name + "'", ".npz");
  return read_members(archive.get(), name, [](const std::string&) { return true; });
}

std::map<std::string, Tensor> read_npz(const std::string& path) { return parse_npz(read_file_bytes(path), path); }

std::map<std::string, Tensor> read_npz(const std::string& path, const std::vector<std::string>& keys) {
  ZipHandle archive = open_archive(path);
  std::map<std::string, Tensor> arrays = read_members(archive.get(), path, [&](const std::string& key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  });
  for (const std::string& key : keys)
    if (!arrays.count(key)) {
      std::string present;
      for (const auto& [other, header] : read_npz_headers(path)) present += (present.empty() ? "" : ", ") + other;
      throw IoError("'" + path + "' has no array '" + key + "'; it holds: " + present + ".");
    }
  return arrays;
}

std::map<std::string, NpyHeader> read_npz_headers(const std::string& path) {
  ZipHandle archive = open_archive(path);
  std::map<std::string, NpyHeader> headers;
  for_each_member(archive.get(), path, [&](const std::string& key, zip_uint64_t index, const zip_stat_t&,
                                           const std::string& where) {
    std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive.get(), index, 0));
    if (!file) throw IoError(where + " cannot be opened; the archive is damaged.");
    std::string start(10 + kMaxNpyHeaderBytes, '\0');
    zip_int64_t got = zip_fread(file.get(), start.data(), start.size());
    if (got < 0) throw IoError(where + " is damaged: " + std::string(zip_error_strerror(zip_file_get_error(file.get()))) + ".");
    start.resize(static_cast<size_t>(got));
    headers.emplace(key, parse_npy_start(start, path + ":" + key + ".npy", nullptr));
  });
  return headers;
}

void write_npz(const std::string& path, const std::map<std::string, Tensor>& arrays, bool compress) {
  if (arrays.empty()) throw ValueError("write_npz needs at least one array to save.");
  // The member bytes must live until zip_close, which reads them.
  std::vector<std::string> members;
  members.reserve(arrays.size());
  for (const auto& [key, tensor] : arrays) members.push_back(npy_bytes(tensor));

  int code = 0;
  // libzip writes to a temporary file and renames it on zip_close, so the archive appears atomically.
  ZipHandle archive(zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code));
  if (!archive) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw IoError("Cannot create '" + path + "': " + why + ".");
  }
  auto fail = [&](const std::string& what) {
    throw IoError("Cannot write '" + path + "' (" + what + "): " + zip_error_strerror(zip_get_error(archive.get())) + ".");
  };
  size_t m = 0;
  for (const auto& [key, tensor] : arrays) {
    const std::string& bytes = members[m++];
    zip_source_t* source = zip_source_buffer(archive.get(), bytes.data(), bytes.size(), 0);
    if (!source) fail("array '" + key + "'");
    zip_int64_t index = zip_file_add(archive.get(), (key + ".npy").c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      fail("array '" + key + "'");
    }
    if (zip_set_file_compression(archive.get(), static_cast<zip_uint64_t>(index),
                                 compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) != 0)
      fail("compression of '" + key + "'");
  }
  if (zip_close(archive.get()) != 0) fail("closing the archive");
  archive.release();  // zip_close freed it
}

}  // namespace cornu::data
