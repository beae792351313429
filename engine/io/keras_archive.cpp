// The Keras 3 archive (.keras): a zip holding, stored uncompressed and in this order, metadata.json
// ({"keras_version": ..., "date_saved": ...}), config.json (the model config plus "compile_config" when
// compiled) and model.weights.h5 (io/weights_store.h). Reading also takes deflated members and ZIP64, and
// refuses member names that would escape the archive's folder.
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "data/file_bytes.h"
#include "data/zip_bytes.h"
#include "io/keras_io.h"
#include "io/load_common.h"
#include "io/weights_store.h"

namespace cornu::io {
namespace {

using data::ZipHandle;
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
struct ZipSourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};

constexpr uint64_t kMaxDeflateRatio = 1100;  // deflate cannot expand more than about 1032:1
constexpr uint64_t kMaxMetadataBytes = 1 << 20;

std::string error_text(zip_error_t* error) { return zip_error_strerror(error); }

std::string date_saved() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d@%H:%M:%S", &local);
  return text;
}

// The zip bytes of `members` (name, content), stored uncompressed in the order given.
std::string zip_bytes(const std::vector<std::pair<std::string, std::string>>& members, const std::string& path) {
  zip_error_t error;
  zip_error_init(&error);
  std::unique_ptr<zip_source_t, ZipSourceFree> buffer(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!buffer) throw IoError("Cannot write '" + path + "': " + error_text(&error) + ".");
  ZipHandle archive(zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error));
  if (!archive) throw IoError("Cannot write '" + path + "': " + error_text(&error) + ".");
  zip_source_keep(buffer.get());  // the archive's close must leave the buffer to us
  auto fail = [&](const std::string& what) {
    throw IoError("Cannot write '" + path + "' (" + what + "): " + zip_error_strerror(zip_get_error(archive.get())) + ".");
  };
  for (const auto& [name, content] : members) {
    zip_source_t* source = zip_source_buffer(archive.get(), content.data(), content.size(), 0);
    if (!source) fail(name);
    const zip_int64_t index = zip_file_add(archive.get(), name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      fail(name);
    }
    if (zip_set_file_compression(archive.get(), static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) != 0) fail(name);
  }
  if (zip_close(archive.get()) != 0) fail("closing the archive");
  archive.release();  // zip_close freed it

  zip_source_t* src = buffer.get();
  auto unreadable = [&] { return IoError("Cannot write '" + path + "': the archive in memory cannot be read back."); };
  if (zip_source_open(src) != 0) throw unreadable();
  zip_source_seek(src, 0, SEEK_END);
  const zip_int64_t size = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  std::string bytes(static_cast<size_t>(std::max<zip_int64_t>(size, 0)), '\0');
  const zip_int64_t got = bytes.empty() ? 0 : zip_source_read(src, bytes.data(), bytes.size());
  zip_source_close(src);
  if (size <= 0 || got != size) throw unreadable();
  return bytes;
}

// A member name that stays inside the folder the archive would be extracted to.
bool safe_member_name(const std::string& name) {
  if (name.empty() || name[0] == '/' || name[0] == '\\' || name.find('\0') != std::string::npos) return false;
  if (name.size() >= 2 && name[1] == ':') return false;  // C:...
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find_first_of("/\\", start);
    if (end == std::string::npos) end = name.size();
    if (name.compare(start, end - start, "..") == 0 && end - start == 2) return false;
    start = end + 1;
  }
  return true;
}

// One member's bytes, checked against its recorded size and CRC; nullopt-like "" + false when absent.
bool read_member(zip_t* archive, const std::string& member, uint64_t max_bytes, const std::string& where,
                 std::string& out) {
  const zip_int64_t index = zip_name_locate(archive, member.c_str(), 0);
  if (index < 0) return false;
  const std::string what = where + ": its member '" + member + "'";
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(archive, static_cast<zip_uint64_t>(index), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
      !(st.valid & ZIP_STAT_COMP_SIZE))
    throw IoError(what + " has no recorded size; the archive is damaged.");
  if (st.size > max_bytes)
    throw IoError(what + " is " + std::to_string(st.size) + " bytes, more than the " + std::to_string(max_bytes >> 20) +
                  " MiB Cornu reads; the archive is damaged or not a model.");
  if (st.size > st.comp_size * kMaxDeflateRatio + 4096)
    throw IoError(what + " claims " + std::to_string(st.size) + " bytes from " + std::to_string(st.comp_size) +
                  " compressed bytes, which is impossible; the archive is damaged.");
  std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0));
  if (!file) throw IoError(what + " cannot be opened: " + zip_error_strerror(zip_get_error(archive)) + ".");
  out.assign(static_cast<size_t>(st.size), '\0');
  size_t got = 0;
  for (;;) {
    // One byte past the recorded size: a longer member is noticed, and libzip reaches the end and checks the CRC.
    char extra = 0;
    char* dst = got < out.size() ? out.data() + got : &extra;
    const zip_uint64_t want = got < out.size() ? out.size() - got : 1;
    const zip_int64_t n = zip_fread(file.get(), dst, want);
    if (n < 0) throw IoError(what + " is damaged: " + zip_error_strerror(zip_file_get_error(file.get())) + ".");
    if (n == 0) break;
    if (got >= out.size()) throw IoError(what + " holds more data than its recorded size; the archive is damaged.");
    got += static_cast<size_t>(n);
  }
  if (got != out.size()) throw IoError(what + " is truncated; the archive is damaged.");
  return true;
}

}  // namespace

void save_model_keras(Model& model, const std::string& path) {
  Config config = model_to_config(model, ConfigFlavor::Archive);
  if (model.compiled()) config["compile_config"] = compile_config(model);
  // Keras's key order (nlohmann would sort them).
  const std::string metadata = std::string("{\"keras_version\": \"") + kKerasVersion + "\", \"date_saved\": \"" +
                               date_saved() + "\"}";
  const std::string weights = keras_weights_image(model);
  data::write_file_atomic(path, zip_bytes({{"metadata.json", metadata},
                                           {"config.json", config.dump()},
                                           {"model.weights.h5", weights}},
                                          path));
}

LoadedModel load_model_keras(const std::string& path) { return load_model_keras_bytes(data::read_file_bytes(path), path); }

LoadedModel load_model_keras_bytes(const std::string& bytes, const std::string& name) {
  const std::string where = "'" + name + "'";
  ZipHandle archive = data::open_zip_bytes(bytes, where, ".keras");

  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* member = zip_get_name(archive.get(), static_cast<zip_uint64_t>(i), 0);
    if (!member) throw IoError(where + ": member " + std::to_string(i) + " has no readable name; the archive is damaged.");
    if (!safe_member_name(member))
      throw IoError(where + ": the member '" + std::string(member) +
                    "' would land outside the archive's folder; Cornu refuses such archives.");
  }

  LoadedModel result;
  std::string text;
  if (!read_member(archive.get(), "config.json", kMaxConfigBytes, where, text))
    throw IoError(where + " has no config.json: it is not a Keras model archive (.keras).");
  const Config config = parse_json(text, where + ": config.json");
  if (read_member(archive.get(), "metadata.json", kMaxMetadataBytes, where, text)) {
    try {  // informative only: Keras never reads it back either
      const Config metadata = Config::parse(text);
      if (metadata.is_object() && metadata.contains("keras_version") && metadata["keras_version"].is_string())
        result.keras_version = metadata["keras_version"].get<std::string>();
    } catch (const nlohmann::json::exception&) {
      result.warnings.push_back("metadata.json of " + where + " is not valid JSON; it was ignored.");
    }
  }
  std::string weights;
  const bool has_weights = read_member(archive.get(), "model.weights.h5", data::kMaxDecompressedBytes, where, weights);

  result.model = model_from_file_config(config, where);
  if (has_weights) {
    load_keras_weights_image(*result.model, weights, where + " (model.weights.h5)");
  } else if (!result.model->all_variables().empty()) {
    throw IoError(where + " has no model.weights.h5, so the weights of its model are missing; the archive is damaged.");
  }
  if (config.is_object() && config.contains("compile_config"))
    apply_compile_settings(*result.model, config["compile_config"], false, result.warnings);
  return result;
}

}  // namespace cornu::io
