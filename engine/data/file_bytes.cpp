#include "data/file_bytes.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/error.h"

namespace cornu::data {

std::string read_file_bytes(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    throw IoError("Cannot read '" + path + "': the file does not exist. Check the path.");
  if (std::filesystem::is_directory(status))
    throw IoError("Cannot read '" + path + "': it is a folder, not a file. Pass the path of the file inside it.");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("Cannot open '" + path + "' for reading. Check its permissions.");
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) throw IoError("Cannot determine the size of '" + path + "'; it is not a regular file.");
  in.seekg(0, std::ios::beg);
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), size);
  if (in.gcount() != size)
    throw IoError("Reading '" + path + "' stopped after " + std::to_string(in.gcount()) + " of " +
                  std::to_string(size) + " bytes. Check the disk and try again.");
  return bytes;
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

namespace {

struct InflateStream {
  z_stream zs{};
  InflateStream(const std::string& name) {
    // 16 + MAX_WBITS: expect a gzip header and check its CRC-32 and length trailer.
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
      throw IoError("Cannot start decompressing '" + name + "': zlib could not initialize.");
  }
  ~InflateStream() { inflateEnd(&zs); }
};

}  // namespace

std::string gunzip(std::string_view bytes, const std::string& name) {
  if (!is_gzip(bytes)) throw IoError("'" + name + "' is not gzip data: it does not start with the bytes 1f 8b.");
  InflateStream stream(name);
  z_stream& zs = stream.zs;
  std::string out;
  size_t in_pos = 0, out_len = 0;
  const size_t chunk_limit = std::numeric_limits<uInt>::max() / 2;
  for (;;) {
    if (out_len == out.size()) {
      if (out.size() >= kMaxDecompressedBytes)
        throw IoError("'" + name + "' decompresses to more than " + std::to_string(kMaxDecompressedBytes >> 30) +
                      " GiB, which Cornu refuses as a likely decompression bomb.");
      size_t grow = std::clamp<size_t>(out.size(), size_t(1) << 16, size_t(1) << 28);
      out.resize(std::min<size_t>(out.size() + grow, kMaxDecompressedBytes));
    }
    size_t in_chunk = std::min(bytes.size() - in_pos, chunk_limit);
    size_t out_chunk = std::min(out.size() - out_len, chunk_limit);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + in_pos));
    zs.avail_in = static_cast<uInt>(in_chunk);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + out_len);
    zs.avail_out = static_cast<uInt>(out_chunk);
    int rc = inflate(&zs, Z_NO_FLUSH);
    in_pos += in_chunk - zs.avail_in;
    out_len += out_chunk - zs.avail_out;
    if (rc == Z_STREAM_END) {
      std::string_view rest = bytes.substr(in_pos);
      if (is_gzip(rest)) {  // another gzip member follows (as `cat a.gz b.gz` makes)
        inflateReset(&zs);
        continue;
      }
      if (std::any_of(rest.begin(), rest.end(), [](char c) { return c != 0; }))
        throw IoError("'" + name + "' has " + std::to_string(rest.size()) +
                      " bytes of unexpected data after the end of its gzip stream; the file is damaged.");
      break;
    }
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR || rc == Z_MEM_ERROR)
      throw IoError("'" + name + "' holds corrupt gzip data (" + std::string(zs.msg ? zs.msg : "zlib error") +
                    "). Download the file again.");
    if (rc == Z_BUF_ERROR && in_pos == bytes.size() && out_len < out.size())
      throw IoError("'" + name + "' is truncated: its gzip data ends before the end of the stream. Download the file again.");
  }
  out.resize(out_len);
  return out;
}

std::string gzip(std::string_view bytes) {
  if (bytes.size() > std::numeric_limits<uInt>::max() / 2)
    throw ValueError("gzip() compresses at most 2 GiB in one call; split the data.");
  z_stream zs{};
  // 16 + MAX_WBITS: write a gzip header and trailer rather than a bare zlib stream.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw IoError("Cannot start gzip compression: zlib could not initialize.");
  std::string out(deflateBound(&zs, static_cast<uLong>(bytes.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw IoError("gzip compression failed inside zlib.");
  return out;
}

std::string read_maybe_gzipped(const std::string& path) {
  std::string bytes = read_file_bytes(path);
  return is_gzip(bytes) ? gunzip(bytes, path) : bytes;
}

std::string read_prefix_maybe_gzipped(const std::string& path, size_t max_bytes) {
  {
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status) || std::filesystem::is_directory(status))
      read_file_bytes(path);  // throws the same message as a full read would
  }
  // gzread reads plain files as they are, so one call serves both.
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw IoError("Cannot open '" + path + "' for reading. Check its permissions.");
  std::string bytes(max_bytes, '\0');
  int got = gzread(file, bytes.data(), static_cast<unsigned>(std::min<size_t>(max_bytes, 1u << 30)));
  int errnum = 0;
  std::string why = got < 0 ? gzerror(file, &errnum) : "";
  gzclose(file);
  if (got < 0) throw IoError("'" + path + "' cannot be read: " + why + ". The file is damaged; get it again.");
  bytes.resize(static_cast<size_t>(got));
  return bytes;
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  std::error_code ec;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError("Cannot write '" + tmp + "'. Check that the folder exists and is writable.");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      throw IoError("Writing '" + tmp + "' failed (is the disk full?).");
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::string why = ec.message();
    std::filesystem::remove(tmp, ec);
    throw IoError("Cannot rename '" + tmp + "' to '" + path + "': " + why + ".");
  }
}

std::optional<int64_t> checked_product(const std::vector<int64_t>& dims) {
  // The non-zero dimensions must multiply without overflow even when another one is 0, so that later
  // products over any subset (sample sizes, strides) stay defined.
  int64_t nonzero = 1;
  bool empty = false;
  for (int64_t d : dims) {
    if (d < 0) return std::nullopt;
    if (d == 0) {
      empty = true;
      continue;
    }
    if (nonzero > std::numeric_limits<int64_t>::max() / d) return std::nullopt;
    nonzero *= d;
  }
  return empty ? 0 : nonzero;
}

std::string dims_to_string(const std::vector<int64_t>& dims) {
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

}  // namespace cornu::data
