// Whole-file reading shared by the dataset readers. Every reader parses bytes already in memory
// (parse_idx, parse_csv, parse_npy, parse_npz), so a fuzz target can call the parsers without files.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cornu::data {

// The largest payload accepted from a .gz file: a guard against decompression bombs.
constexpr uint64_t kMaxDecompressedBytes = uint64_t(4) << 30;

// The whole file; IoError when it is missing, a folder or unreadable.
std::string read_file_bytes(const std::string& path);

// True when `bytes` starts with the gzip magic number 1f 8b.
bool is_gzip(std::string_view bytes);

// Decompresses gzip data (several concatenated members are allowed). `name` is the file named in errors.
std::string gunzip(std::string_view bytes, const std::string& name);

// Compresses bytes into one gzip member (for writing .gz files).
std::string gzip(std::string_view bytes);

// read_file_bytes, then gunzip when the content is gzip (detected by its magic bytes, not by the name).
std::string read_maybe_gzipped(const std::string& path);

// At most the first `max_bytes` of a file, decompressed when it is gzipped: the headers readers need for a
// quick description (IDX dimensions, CSV first lines) without reading the whole file. IoError as read_file_bytes.
std::string read_prefix_maybe_gzipped(const std::string& path, size_t max_bytes);

// Writes `bytes` to path + ".tmp", then renames it over `path`, so readers never see half a file.
void write_file_atomic(const std::string& path, std::string_view bytes);

// The product of non-negative dimensions, or nullopt when it overflows int64.
std::optional<int64_t> checked_product(const std::vector<int64_t>& dims);

// "(60000, 28, 28)" for error messages.
std::string dims_to_string(const std::vector<int64_t>& dims);

}  // namespace cornu::data
