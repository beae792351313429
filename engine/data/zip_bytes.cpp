#include "data/zip_bytes.h"

#include "core/error.h"

namespace cornu::data {

ZipHandle open_zip_bytes(std::string_view bytes, const std::string& where, const std::string& kind) {
  if (bytes.size() < 22)  // the smallest zip: one end-of-central-directory record
    throw IoError(where + " is too short to be a " + kind + " (zip) archive (" + std::to_string(bytes.size()) + " bytes).");
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) {
    std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw IoError("Cannot read " + where + ": " + why + ".");
  }
  ZipHandle archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_source_free(source);
    std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw IoError(where + " is not a valid " + kind + " (zip) archive: " + why + ".");
  }
  zip_error_fini(&error);
  return archive;
}

}  // namespace cornu::data
