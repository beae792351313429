#include "io/h5_image.h"

#include <atomic>
#include <cstring>

#include "core/error.h"

namespace cornu::io::h5 {
namespace {

// More names than any real model has; a bound on what a hostile dataspace makes us allocate.
constexpr hssize_t kMaxListEntries = 1 << 20;

std::string unique_name() {
  static std::atomic<uint64_t> counter{0};
  return "cornu-image-" + std::to_string(counter++) + ".h5";
}

Handle core_access() {
  Handle fapl{H5Pcreate(H5P_FILE_ACCESS), H5Pclose};
  if (!fapl.valid() || H5Pset_fapl_core(fapl.id(), size_t(1) << 16, false) < 0)
    throw IoError("The HDF5 library cannot create an in-memory file.");
  return fapl;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

const char* link_kind(H5L_type_t type) {
  switch (type) {
    case H5L_TYPE_SOFT: return "a soft link";
    case H5L_TYPE_EXTERNAL: return "an external link";
    default: return "a user-defined link";
  }
}

// True when `name` is a hard link in `group`; IoError for any other kind of link.
bool hard_link(hid_t group, const std::string& name, const std::string& path, const std::string& where) {
  if (name.empty() || name == ".") return false;
  if (H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0) return false;
  H5L_info_t info;
  if (H5Lget_info(group, name.c_str(), &info, H5P_DEFAULT) < 0)
    throw IoError(where + ": the link '" + path + "' cannot be read; the file is damaged.");
  if (info.type != H5L_TYPE_HARD)
    throw IoError(where + ": '" + path + "' is " + link_kind(info.type) +
                  ", which Cornu refuses to follow (a model file must hold its data itself). Save the model again "
                  "from Keras.");
  return true;
}

// The group at parts[0..count) under loc, through hard links; invalid when a step is missing or not a group.
Handle walk(hid_t loc, const std::vector<std::string>& parts, size_t count, const std::string& path,
            const std::string& where) {
  Handle current{H5Oopen(loc, ".", H5P_DEFAULT), H5Oclose};
  if (!current.valid()) throw IoError(where + " cannot be read; the file is damaged.");
  for (size_t i = 0; i < count; ++i) {
    if (!hard_link(current.id(), parts[i], path, where)) return {};
    Handle next{H5Oopen(current.id(), parts[i].c_str(), H5P_DEFAULT), H5Oclose};
    if (!next.valid() || H5Iget_type(next.id()) != H5I_GROUP) return {};
    current = std::move(next);
  }
  return current;
}

Handle string_type(bool utf8) {
  Handle type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id(), H5T_VARIABLE);
  H5Tset_cset(type.id(), utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
  return type;
}

// Strings of an attribute whose type is a string (variable or fixed length), `count` elements.
std::vector<std::string> read_strings(hid_t attr, hid_t file_type, hssize_t count, const std::string& what) {
  std::vector<std::string> out;
  if (count == 0) return out;
  const H5T_cset_t cset = H5Tget_cset(file_type);
  if (H5Tis_variable_str(file_type) > 0) {
    Handle memory = string_type(cset == H5T_CSET_UTF8);
    std::vector<char*> pointers(static_cast<size_t>(count), nullptr);
    if (H5Aread(attr, memory.id(), pointers.data()) < 0) throw IoError(what + " cannot be read; the file is damaged.");
    size_t total = 0;
    bool too_long = false;
    for (char* p : pointers) {
      if (!too_long && p) {
        const size_t n = strnlen(p, kMaxAttributeBytes + 1);
        total += n;
        if (total > kMaxAttributeBytes) too_long = true;
        else out.emplace_back(p, n);
      } else if (!p) {
        out.emplace_back();
      }
      if (p) H5free_memory(p);
    }
    if (too_long)
      throw IoError(what + " is longer than " + std::to_string(kMaxAttributeBytes >> 20) +
                    " MiB, more than any model Cornu loads; the file is damaged or not a model.");
    return out;
  }
  const size_t size = H5Tget_size(file_type);
  if (size == 0 || size > kMaxAttributeBytes || static_cast<uint64_t>(count) * size > kMaxAttributeBytes)
    throw IoError(what + " is larger than " + std::to_string(kMaxAttributeBytes >> 20) +
                  " MiB, more than any model Cornu loads; the file is damaged or not a model.");
  Handle memory{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(memory.id(), size);
  H5Tset_cset(memory.id(), cset);
  H5Tset_strpad(memory.id(), H5T_STR_NULLPAD);
  std::string buffer(static_cast<size_t>(count) * size, '\0');
  if (H5Aread(attr, memory.id(), buffer.data()) < 0) throw IoError(what + " cannot be read; the file is damaged.");
  const bool spacepad = H5Tget_strpad(file_type) == H5T_STR_SPACEPAD;
  for (hssize_t i = 0; i < count; ++i) {
    std::string s(buffer.data() + static_cast<size_t>(i) * size, size);
    s.resize(strnlen(s.data(), s.size()));
    if (spacepad)
      while (!s.empty() && s.back() == ' ') s.pop_back();
    out.push_back(std::move(s));
  }
  return out;
}

// One attribute holding a list (or a scalar, read as a one-element list).
std::vector<std::string> read_list_attribute(hid_t object, const std::string& name, const std::string& what) {
  Handle attr{H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose};
  if (!attr.valid()) throw IoError(what + " cannot be read; the file is damaged.");
  Handle type{H5Aget_type(attr.id()), H5Tclose};
  Handle space{H5Aget_space(attr.id()), H5Sclose};
  if (!type.valid() || !space.valid()) throw IoError(what + " cannot be read; the file is damaged.");
  const H5S_class_t space_class = H5Sget_simple_extent_type(space.id());
  if (space_class == H5S_NULL) return {};
  if (space_class == H5S_SIMPLE && H5Sget_simple_extent_ndims(space.id()) != 1)
    throw IoError(what + " should be a list of names (one-dimensional); the file is damaged.");
  const hssize_t count = H5Sget_simple_extent_npoints(space.id());
  if (count < 0 || count > kMaxListEntries) throw IoError(what + " holds too many names; the file is damaged.");
  if (H5Tget_class(type.id()) != H5T_STRING) {
    if (count == 0) return {};  // h5py writes [] as float64 of shape (0,)
    throw IoError(what + " should hold names (strings) but holds numbers or other data; the file is damaged.");
  }
  return read_strings(attr.id(), type.id(), count, what);
}

}  // namespace

Quiet::Quiet() {
  H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}
Quiet::~Quiet() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

bool has_hdf5_signature(std::string_view bytes) {
  static constexpr char kSignature[] = "\x89HDF\r\n\x1a\n";
  return bytes.size() >= 8 && std::memcmp(bytes.data(), kSignature, 8) == 0;
}

Handle create_image() {
  Handle fapl = core_access();
  Handle file{H5Fcreate(unique_name().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), H5Fclose};
  if (!file.valid()) throw IoError("The HDF5 library cannot create an in-memory file.");
  return file;
}

std::string image(hid_t file) {
  if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) throw IoError("The HDF5 library cannot finish an in-memory file.");
  const ssize_t size = H5Fget_file_image(file, nullptr, 0);
  if (size <= 0) throw IoError("The HDF5 library cannot finish an in-memory file.");
  std::string bytes(static_cast<size_t>(size), '\0');
  if (H5Fget_file_image(file, bytes.data(), bytes.size()) != size)
    throw IoError("The HDF5 library cannot finish an in-memory file.");
  return bytes;
}

Handle open_image(std::string_view bytes, const std::string& where) {
  if (!has_hdf5_signature(bytes))
    throw IoError(where + " is not an HDF5 file (it does not start with the HDF5 signature).");
  Handle fapl = core_access();
  // The image is copied: the caller's bytes need not outlive the file.
  if (H5Pset_file_image(fapl.id(), const_cast<char*>(bytes.data()), bytes.size()) < 0)
    throw IoError(where + " cannot be opened as HDF5 (out of memory?).");
  Handle file{H5Fopen(unique_name().c_str(), H5F_ACC_RDONLY, fapl.id()), H5Fclose};
  if (!file.valid()) throw IoError(where + " cannot be opened as HDF5: the file is damaged or truncated.");
  return file;
}

bool exists(hid_t loc, const std::string& path, const std::string& where) {
  const auto parts = split_path(path);
  if (parts.empty()) return false;
  Handle parent = walk(loc, parts, parts.size() - 1, path, where);
  return parent.valid() && hard_link(parent.id(), parts.back(), path, where);
}

Handle open_group(hid_t loc, const std::string& path, const std::string& where) {
  const auto parts = split_path(path);
  Handle group = walk(loc, parts, parts.size(), path, where);
  if (!group.valid()) throw IoError(where + " has no group '" + path + "'.");
  return group;
}

std::vector<std::string> members(hid_t group) {
  std::vector<std::string> names;
  H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr,
             [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
               auto* list = static_cast<std::vector<std::string>*>(out);
               if (list->size() >= static_cast<size_t>(kMaxListEntries)) return 1;
               list->push_back(name);
               return 0;
             },
             &names);
  return names;
}

bool has_attribute(hid_t object, const std::string& name) { return H5Aexists(object, name.c_str()) > 0; }

void write_string(hid_t object, const std::string& name, const std::string& value) {
  Handle type = string_type(true);
  Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Handle attr{H5Acreate2(object, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  const char* s = value.c_str();
  if (!attr.valid() || H5Awrite(attr.id(), type.id(), &s) < 0)
    throw IoError("Cannot write the HDF5 attribute '" + name + "' (" + std::to_string(value.size()) + " bytes).");
}

void write_string_list(hid_t object, const std::string& name, const std::vector<std::string>& values) {
  if (values.empty()) {
    hsize_t zero = 0;
    Handle space{H5Screate_simple(1, &zero, nullptr), H5Sclose};
    Handle attr{H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
    double unused = 0;
    if (!attr.valid() || H5Awrite(attr.id(), H5T_NATIVE_DOUBLE, &unused) < 0)
      throw IoError("Cannot write the HDF5 attribute '" + name + "'.");
    return;
  }
  // Keras splits a list whose numpy object array (8 bytes an entry) passes HDF5's 64512-byte header limit
  // into name0, name1... as numpy.array_split does: the first chunks one entry longer.
  constexpr size_t kHeaderLimit = 64512;
  size_t chunks = 1;
  while ((values.size() + chunks - 1) / chunks * 8 > kHeaderLimit) ++chunks;
  Handle type = string_type(true);
  size_t begin = 0;
  for (size_t c = 0; c < chunks; ++c) {
    const size_t n = values.size() / chunks + (c < values.size() % chunks ? 1 : 0);
    std::vector<const char*> pointers;
    for (size_t i = begin; i < begin + n; ++i) pointers.push_back(values[i].c_str());
    begin += n;
    const std::string attr_name = chunks == 1 ? name : name + std::to_string(c);
    hsize_t dims = n;
    Handle space{H5Screate_simple(1, &dims, nullptr), H5Sclose};
    Handle attr{H5Acreate2(object, attr_name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
    if (!attr.valid() || H5Awrite(attr.id(), type.id(), pointers.data()) < 0)
      throw IoError("Cannot write the HDF5 attribute '" + attr_name + "'.");
  }
}

std::string read_string(hid_t object, const std::string& name, const std::string& what) {
  Handle attr{H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose};
  if (!attr.valid()) throw IoError(what + " cannot be read; the file is damaged.");
  Handle type{H5Aget_type(attr.id()), H5Tclose};
  Handle space{H5Aget_space(attr.id()), H5Sclose};
  if (!type.valid() || !space.valid()) throw IoError(what + " cannot be read; the file is damaged.");
  if (H5Tget_class(type.id()) != H5T_STRING) throw IoError(what + " should be a string but holds other data.");
  if (H5Sget_simple_extent_type(space.id()) != H5S_SCALAR)
    throw IoError(what + " should be a single (scalar) string but is an array or empty; the file was not written "
                  "by Keras.");
  return read_strings(attr.id(), type.id(), 1, what).at(0);
}

std::vector<std::string> read_string_list(hid_t object, const std::string& name, const std::string& what) {
  if (has_attribute(object, name)) return read_list_attribute(object, name, what);
  if (!has_attribute(object, name + "0")) throw IoError(what + " is missing.");
  std::vector<std::string> all;
  for (int i = 0; has_attribute(object, name + std::to_string(i)); ++i) {
    auto part = read_list_attribute(object, name + std::to_string(i), what);
    all.insert(all.end(), part.begin(), part.end());
    if (all.size() > static_cast<size_t>(kMaxListEntries)) throw IoError(what + " holds too many names; the file is damaged.");
  }
  return all;
}

void write_float_dataset(hid_t loc, const std::string& path, const Tensor& value) {
  Handle lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  const auto& d = value.shape().dims();
  std::vector<hsize_t> dims(d.begin(), d.end());
  Handle space{dims.empty() ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
               H5Sclose};
  Handle ds{H5Dcreate2(loc, path.c_str(), H5T_IEEE_F32LE, space.id(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  std::vector<float> host = value.to_vector();
  if (host.empty()) host.push_back(0);  // HDF5 wants a buffer even for no elements
  if (!ds.valid() || H5Dwrite(ds.id(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, host.data()) < 0)
    throw IoError("Cannot write the weight '" + path + "' (out of memory?).");
}

std::vector<float> read_float_dataset(hid_t loc, const std::string& path, const Shape& expected,
                                      const std::string& what) {
  const auto parts = split_path(path);
  Handle parent = parts.empty() ? Handle{} : walk(loc, parts, parts.size() - 1, path, what);
  if (!parent.valid() || !hard_link(parent.id(), parts.back(), path, what)) throw IoError(what + " is missing.");
  Handle object{H5Oopen(parent.id(), parts.back().c_str(), H5P_DEFAULT), H5Oclose};
  if (!object.valid() || H5Iget_type(object.id()) != H5I_DATASET)
    throw IoError(what + " is not a dataset (an array of numbers); the file is damaged.");
  Handle dcpl{H5Dget_create_plist(object.id()), H5Pclose};
  if (!dcpl.valid()) throw IoError(what + " cannot be read; the file is damaged.");
  if (H5Pget_external_count(dcpl.id()) != 0)
    throw IoError(what + " keeps its data in external files, which Cornu refuses to read. Save the model again "
                  "from Keras.");
  const H5D_layout_t layout = H5Pget_layout(dcpl.id());
  if (layout != H5D_CONTIGUOUS && layout != H5D_CHUNKED && layout != H5D_COMPACT)
    throw IoError(what + " uses a virtual or unknown storage layout, which Cornu refuses to read.");
  Handle type{H5Dget_type(object.id()), H5Tclose};
  const H5T_class_t type_class = type.valid() ? H5Tget_class(type.id()) : H5T_NO_CLASS;
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER)
    throw IoError(what + " does not hold numbers (text, compound or other data); weights must be float arrays.");
  Handle space{H5Dget_space(object.id()), H5Sclose};
  const H5S_class_t space_class = space.valid() ? H5Sget_simple_extent_type(space.id()) : H5S_NO_CLASS;
  if (space_class != H5S_SCALAR && space_class != H5S_SIMPLE) throw IoError(what + " has no shape; the file is damaged.");
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0 || rank > 32) throw IoError(what + " cannot be read; the file is damaged.");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  std::vector<int64_t> shape;
  for (hsize_t d : dims) shape.push_back(d > static_cast<hsize_t>(INT64_MAX) ? -1 : static_cast<int64_t>(d));
  if (Shape(shape) != expected)
    throw IoError(what + " has shape " + Shape(shape).to_string() + ", but the model expects " + expected.to_string() +
                  ": the weights belong to a different model.");
  std::vector<float> values(static_cast<size_t>(expected.size()));
  if (values.empty()) return values;
  if (H5Dread(object.id(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    throw IoError(what + " cannot be read as float32; the file is damaged or truncated.");
  return values;
}

}  // namespace cornu::io::h5
