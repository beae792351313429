// Zip archives held in memory (.npz files, .keras archives): opened read-only with libzip's consistency checks.
#pragma once
#include <zip.h>

#include <memory>
#include <string>
#include <string_view>

namespace cornu::data {

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipCloser>;

// Opens `bytes`, which must outlive the handle. IoError starting with `where` ("'m.keras'") that names `kind`
// (".keras") when they are too short or not a consistent zip archive.
ZipHandle open_zip_bytes(std::string_view bytes, const std::string& where, const std::string& kind);

}  // namespace cornu::data
