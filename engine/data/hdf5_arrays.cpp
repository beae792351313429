#include "data/hdf5_arrays.h"

#include <hdf5.h>

#include <algorithm>
#include <utility>

#include "core/error.h"
#include "data/file_bytes.h"

namespace cornu::data {
namespace {

class H5 {  // owns an HDF5 handle: closed on scope exit, moved (never copied) between owners
 public:
  H5(hid_t id, herr_t (*close)(hid_t)) : id(id), close_(close) {}
  H5(H5&& other) noexcept : id(std::exchange(other.id, -1)), close_(other.close_) {}
  H5(const H5&) = delete;
  H5& operator=(const H5&) = delete;
  ~H5() {
    if (id >= 0) close_(id);
  }
  hid_t id;

 private:
  herr_t (*close_)(hid_t);
};

// HDF5 prints a stack of errors to stderr by default; ours say what to do instead.
void silence_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

H5 open_file(const std::string& path) {
  silence_hdf5();
  read_prefix_maybe_gzipped(path, 8);  // the usual message for a missing file or a folder
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw IoError("'" + path + "' is not an HDF5 file (h5py's .h5/.hdf5). Check the file, or choose the dataset "
                  "type that matches it (csv, numpy, idx).");
  H5 file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  if (file.id < 0) throw IoError("'" + path + "' cannot be opened as HDF5: the file is damaged or truncated.");
  return file;
}

herr_t collect_dataset(hid_t group, const char* name, const H5L_info_t*, void* out) {
  hid_t object = H5Oopen(group, name, H5P_DEFAULT);
  if (object < 0) return 0;
  if (H5Iget_type(object) == H5I_DATASET) static_cast<std::vector<std::string>*>(out)->push_back(name);
  H5Oclose(object);
  return 0;
}

std::vector<std::string> dataset_names(hid_t file) {
  std::vector<std::string> names;
  H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &names);
  std::sort(names.begin(), names.end());
  return names;
}

std::string where(const std::string& path, const std::string& dataset) {
  return "The dataset '" + dataset + "' in '" + path + "'";
}

// The opened dataset with its dims and class, checked as hdf5_array_info promises.
struct OpenArray {
  H5 file, dataset;
  Hdf5ArrayInfo info;
};

OpenArray open_array(const std::string& path, const std::string& name) {
  H5 file = open_file(path);
  H5 dataset{name.empty() ? -1 : H5Dopen2(file.id, name.c_str(), H5P_DEFAULT), H5Dclose};
  if (dataset.id < 0) {
    std::string present;
    for (const std::string& n : dataset_names(file.id)) present += (present.empty() ? "" : ", ") + n;
    throw IoError("'" + path + "' has no dataset '" + name + "'. It holds: " +
                  (present.empty() ? std::string("no datasets at all") : present) + ".");
  }
  H5 type{H5Dget_type(dataset.id), H5Tclose};
  const H5T_class_t type_class = H5Tget_class(type.id);
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT)
    throw IoError(where(path, name) + " does not hold numbers (text, compound or other data); only integer and "
                  "float arrays can be trained on.");
  H5 space{H5Dget_space(dataset.id), H5Sclose};
  const int rank = H5Sget_simple_extent_ndims(space.id);
  if (rank < 0) throw IoError(where(path, name) + " cannot be read: the file is damaged.");
  if (rank == 0) throw IoError(where(path, name) + " is a single value; a dataset needs an array (N, ...).");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
  OpenArray a{std::move(file), std::move(dataset), {{}, type_class == H5T_INTEGER}};
  for (hsize_t d : dims) a.info.dims.push_back(static_cast<int64_t>(d));
  const auto count = checked_product(a.info.dims);
  if (!count || static_cast<uint64_t>(*count) > kMaxHdf5ArrayBytes / 4)
    throw IoError(where(path, name) + " has shape " + dims_to_string(a.info.dims) + ", more than the " +
                  std::to_string(kMaxHdf5ArrayBytes >> 30) + " GiB Cornu loads at once. Use a smaller subset.");
  return a;
}

}  // namespace

Hdf5ArrayInfo hdf5_array_info(const std::string& path, const std::string& dataset) {
  return open_array(path, dataset).info;
}

Tensor read_hdf5_array(const std::string& path, const std::string& dataset) {
  OpenArray a = open_array(path, dataset);
  const bool labels = a.info.integer && a.info.dims.size() == 1;
  Tensor t = Tensor::empty(Shape(a.info.dims), labels ? DType::Int32 : DType::Float32);
  if (H5Dread(a.dataset.id, labels ? H5T_NATIVE_INT32 : H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw()) < 0)
    throw IoError(where(path, dataset) + " cannot be read: the file is damaged or truncated.");
  return t;
}

std::vector<std::string> hdf5_dataset_names(const std::string& path) { return dataset_names(open_file(path).id); }

}  // namespace cornu::data
