// Datasets from the user's own files, through the dataset registry: csv, idx, numpy and hdf5 entries, the
// common normalization, the data fingerprint, register_dataset and the CSV preview.
#include <QtTest>

#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "error_message.h"
#include "test_datasets.h"
#include "data/builtin_datasets.h"
#include "data/csv.h"
#include "data/file_bytes.h"
#include "data/npy.h"

using namespace cornu;
using namespace cornu::data;
using test::io_error;
using test::value_error;

using test::shared_datasets;

namespace {

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string idx_bytes(unsigned char type, const std::vector<uint32_t>& dims, const std::string& values) {
  std::string s{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((d >> shift) & 0xff);
  return s + values;
}

// A .npy of uint8 values written by hand (write_npy only writes float32 and int32).
std::string npy_uint8(const std::vector<int64_t>& shape, const std::vector<uint8_t>& values) {
  std::string dims;
  for (int64_t d : shape) dims += std::to_string(d) + ", ";
  std::string dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + dims + "), }";
  while ((10 + dict.size() + 1) % 64) dict += ' ';
  dict += '\n';
  std::string s = "\x93NUMPY\x01";
  s += '\0';
  s += static_cast<char>(dict.size() & 0xff);
  s += static_cast<char>(dict.size() >> 8);
  return s + dict + std::string(values.begin(), values.end());
}

// An HDF5 file written with the C API directly, independently of the reader under test.
void write_h5(const std::string& path, const std::map<std::string, Tensor>& arrays, bool with_text = false) {
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  for (const auto& [name, t] : arrays) {
    std::vector<hsize_t> dims(t.shape().dims().begin(), t.shape().dims().end());
    hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const bool ints = t.dtype() == DType::Int32;
    hid_t ds = H5Dcreate2(file, name.c_str(), ints ? H5T_STD_I64LE : H5T_IEEE_F64LE, space, H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, ints ? H5T_NATIVE_INT32 : H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw());
    H5Dclose(ds);
    H5Sclose(space);
  }
  if (with_text) {
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 8);
    hsize_t n = 2;
    hid_t space = H5Screate_simple(1, &n, nullptr);
    hid_t ds = H5Dcreate2(file, "names", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, "cat\0\0\0\0\0dog\0\0\0\0\0");
    H5Dclose(ds);
    H5Sclose(space);
    H5Tclose(type);
  }
  H5Fclose(file);
}

std::vector<float> column(const Tensor& x, int64_t c) {
  std::vector<float> v = x.to_vector(), out;
  for (int64_t r = 0; r < x.rows(); ++r) out.push_back(v[static_cast<size_t>(r * x.cols() + c)]);
  return out;
}

}  // namespace

class TestDatasetFiles : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string path(const char* name) const { return (tmp_.path() + "/" + name).toStdString(); }

  // 10 rows: two features and a text label; row i is (i, 10 * i, cat|dog).
  std::string pets_csv() {
    std::string text = "size,weight,species\n";
    for (int i = 0; i < 10; ++i)
      text += std::to_string(i) + "," + std::to_string(10 * i) + "," + (i % 3 ? "dog" : "cat") + "\n";
    write_bytes(path("pets.csv"), text);
    return path("pets.csv");
  }

 private slots:
  void every_file_entry_documents_its_parameters() {
    for (const char* name : {"csv", "idx", "numpy", "hdf5"}) {
      const DatasetEntry& entry = find_dataset(name);
      QVERIFY(!entry.doc.empty());
      int files = 0;
      for (const ParamSpec& p : entry.params) {
        QVERIFY2(!p.doc.empty(), (std::string(name) + "." + p.name).c_str());
        files += p.path == PathKind::File;
      }
      QVERIFY2(files >= 1, name);
      QCOMPARE(entry.params.back().name, std::string("normalization"));
    }
    // Every entry, built-in ones included, gets the common normalization once.
    for (const DatasetEntry& entry : builtin_datasets()) {
      int count = 0;
      for (const ParamSpec& p : entry.params) count += p.name == "normalization";
      QCOMPARE(count, 1);
    }
    QCOMPARE(find_dataset("spirals").params.back().default_value, Config("none"));
    QCOMPARE(find_dataset("idx").params.back().default_value, Config("scale"));
  }

  void csv_reads_iris_and_info_agrees() {
    const std::string iris = shared_datasets() + "/tabular/iris.csv";
    if (!std::filesystem::exists(iris)) QSKIP(("The shared datasets are not here (" + iris + ").").c_str());
    Config choice = {{"name", "csv"}, {"path", iris}};
    TrainTest d = load_dataset(choice);
    QCOMPARE(d.train.x.shape(), Shape({120, 4}));
    QCOMPARE(d.test.x.shape(), Shape({30, 4}));
    QCOMPARE(d.train.y.dtype(), DType::Int32);
    QCOMPARE(d.class_names, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
    DatasetInfo info = dataset_info(choice);
    QCOMPARE(info.sample_shape, d.train.x.shape().without_batch());
    QCOMPARE(info.labels, LabelKind::Classes);
    QCOMPARE(info.classes, 3);
    QVERIFY(d.warnings.empty());
  }

  void csv_text_labels_become_sorted_classes() {
    Config choice = {{"name", "csv"}, {"path", pets_csv()}, {"test_fraction", 0.3}, {"seed", 4}};
    TrainTest d = load_dataset(choice);
    QCOMPARE(d.class_names, (std::vector<std::string>{"cat", "dog"}));
    QCOMPARE(d.train.x.rows() + d.test.x.rows(), int64_t(10));
    QCOMPARE(d.test.x.rows(), int64_t(3));
    // Each row keeps its label: cat exactly where size is a multiple of 3.
    for (const ArrayDataset* part : {&d.train, &d.test}) {
      std::vector<float> size = column(part->x, 0), weight = column(part->x, 1);
      std::vector<int32_t> y = part->y.to_int_vector();
      for (size_t i = 0; i < y.size(); ++i) {
        QCOMPARE(weight[i], 10 * size[i]);
        QCOMPARE(y[i], int32_t(int(size[i]) % 3 ? 1 : 0));
      }
    }
    QCOMPARE(dataset_info(choice).classes, 2);
    QCOMPARE(dataset_info(choice).class_names, d.class_names);
  }

  void csv_test_split_is_fixed_by_the_seed() {
    Config a = {{"name", "csv"}, {"path", pets_csv()}, {"seed", 7}};
    QCOMPARE(load_dataset(a).test.x.to_vector(), load_dataset(a).test.x.to_vector());
    Config b = a;
    b["seed"] = 8;
    std::vector<float> sizes_a = column(load_dataset(a).test.x, 0), sizes_b = column(load_dataset(b).test.x, 0);
    std::sort(sizes_a.begin(), sizes_a.end());
    std::sort(sizes_b.begin(), sizes_b.end());
    QVERIFY(sizes_a != sizes_b);
  }

  void csv_options_delimiter_header_label_column() {
    write_bytes(path("semi.csv"), "7;1.5;2\n8;2.5;3\n9;3.5;4\n10;4.5;5\n11;5.5;6\n");
    Config c = {{"name", "csv"}, {"path", path("semi.csv")}, {"delimiter", ";"}, {"label_column", "0"},
                {"test_fraction", 0.2}};
    TrainTest d = load_dataset(c);
    QCOMPARE(d.train.x.shape(), Shape({4, 2}));
    std::vector<int32_t> labels = d.train.y.to_int_vector();
    std::vector<float> first = column(d.train.x, 0);
    for (size_t i = 0; i < labels.size(); ++i) QCOMPARE(first[i], float(labels[i]) - 5.5f);

    write_bytes(path("tab.csv"), "a\tb\ttarget\n1\t2\t0.5\n3\t4\t1.5\n5\t6\t2.5\n");
    TrainTest r = load_dataset({{"name", "csv"}, {"path", path("tab.csv")}, {"delimiter", "tab"},
                                {"label_column", "target"}, {"test_fraction", 0.34}});
    QCOMPARE(r.train.y.dtype(), DType::Float32);
    QCOMPARE(dataset_info({{"name", "csv"}, {"path", path("tab.csv")}, {"delimiter", "tab"}}).labels,
             LabelKind::Regression);
    // labels = categorical: numbers as class names, sorted by value; regression: integers kept as numbers.
    write_bytes(path("ints.csv"), "1,10\n2,2\n3,10\n4,2\n5,30\n");
    TrainTest cat = load_dataset({{"name", "csv"}, {"path", path("ints.csv")}, {"labels", "categorical"}});
    QCOMPARE(cat.class_names, (std::vector<std::string>{"2", "10", "30"}));
    TrainTest reg = load_dataset({{"name", "csv"}, {"path", path("ints.csv")}, {"labels", "regression"}});
    QCOMPARE(reg.train.y.dtype(), DType::Float32);
    // header = no: a first line of text is then a bad row.
    QVERIFY(io_error([&] { load_dataset({{"name", "csv"}, {"path", pets_csv()}, {"header", "no"}}); })
                .contains("line 1"));
  }

  void csv_separate_test_file_shares_the_training_classes() {
    write_bytes(path("train.csv"), "x,kind\n1,ant\n2,bee\n3,cat\n4,bee\n");
    write_bytes(path("test.csv"), "x,kind\n5,cat\n6,bee\n");
    TrainTest d = load_dataset({{"name", "csv"}, {"path", path("train.csv")}, {"test_path", path("test.csv")}});
    QCOMPARE(d.class_names, (std::vector<std::string>{"ant", "bee", "cat"}));
    QCOMPARE(d.test.y.to_int_vector(), (std::vector<int32_t>{2, 1}));
    QCOMPARE(d.train.x.rows(), int64_t(4));
    write_bytes(path("test_new.csv"), "x,kind\n5,dog\n");
    QString unknown = io_error([&] {
      load_dataset({{"name", "csv"}, {"path", path("train.csv")}, {"test_path", path("test_new.csv")}});
    });
    QVERIFY2(unknown.contains("'dog'") && unknown.contains("test_new.csv"), qPrintable(unknown));
  }

  void csv_bad_rows_are_refused_or_skipped_with_their_lines() {
    std::string text = "a,b,y\n";
    for (int i = 0; i < 12; ++i) text += i == 2 ? "1,2\n" : i == 4 ? "x,2,0\n" : i == 7 ? "1,,1\n" : "1,2,1\n";
    text += "3,oops,1\n4,4,\n5,5,5,5\n6,\"6,0\n";
    write_bytes(path("bad.csv"), text);
    Config c = {{"name", "csv"}, {"path", path("bad.csv")}, {"labels", "regression"}};
    QString refused = io_error([&] { load_dataset(c); });
    for (const char* line : {"line 4 has 2 cells", "line 6, column 1 ('a') holds 'x'", "line 9, column 2 ('b') is empty",
                             "line 14, column 2", "line 15, column 3 ('y') has no label"})
      QVERIFY2(refused.contains(line), qPrintable(refused + " lacks " + line));
    QVERIFY2(refused.contains("7 rows are bad") && refused.contains("and 2 more") && !refused.contains("line 16"),
             qPrintable(refused));
    QVERIFY2(refused.contains("bad_rows = skip"), qPrintable(refused));
    c["bad_rows"] = "skip";
    TrainTest d = load_dataset(c);
    QCOMPARE(d.train.x.rows() + d.test.x.rows(), int64_t(9));
    QCOMPARE(d.warnings.size(), size_t(7));
    QVERIFY2(QString::fromStdString(d.warnings[0]).contains("'" + QString::fromStdString(path("bad.csv")) + "' line 4"),
             d.warnings[0].c_str());
    QVERIFY2(QString::fromStdString(d.warnings[6]).contains("line 17") &&
             QString::fromStdString(d.warnings[6]).contains("never closed"), d.warnings[6].c_str());
  }

  void csv_errors_say_what_to_do() {
    QString missing = io_error([&] { load_dataset({{"name", "csv"}, {"path", path("nope.csv")}}); });
    QVERIFY2(missing.contains("nope.csv") && missing.contains("does not exist"), qPrintable(missing));
    QVERIFY(io_error([] { dataset_info({{"name", "csv"}}); }).contains("choose the file"));
    QVERIFY(io_error([&] { dataset_info({{"name", "csv"}, {"path", path("nope.csv")}}); }).contains("does not exist"));
    QString unknown = value_error([&] { load_dataset({{"name", "csv"}, {"path", pets_csv()}, {"label_column", "specie"}}); });
    QVERIFY2(unknown.contains("no column named 'specie'") && unknown.contains("0 'size', 1 'weight', 2 'species'") &&
             unknown.contains("Did you mean 'species'"), qPrintable(unknown));
    QString none = value_error([&] { load_dataset({{"name", "csv"}, {"path", pets_csv()}, {"label_column", "none"}}); });
    QVERIFY2(none.contains("needs a label column"), qPrintable(none));
    write_bytes(path("ragged.csv"), "1,2,3\n4,5,6\n7,8\n");
    QString ragged = io_error([&] { dataset_info({{"name", "csv"}, {"path", path("ragged.csv")}}); });
    QVERIFY2(ragged.contains("ragged.csv' line 3 has 2 cells"), qPrintable(ragged));
  }

  void csv_preview_shows_the_first_rows() {
    CsvPreview p = preview_csv(pets_csv(), {.text_labels_as_classes = true}, 3);
    QVERIFY(p.has_header);
    QCOMPARE(p.column_names, (std::vector<std::string>{"size", "weight", "species"}));
    QCOMPARE(p.label_column, 2);
    QCOMPARE(p.rows.size(), size_t(3));
    QCOMPARE(p.rows[1], (std::vector<std::string>{"1", "10", "dog"}));
    write_bytes(path("plain.csv.gz"), gzip("1;2\n3;4\n"));
    CsvPreview q = preview_csv(path("plain.csv.gz"), {.delimiter = ';', .label_column = 0});
    QVERIFY(!q.has_header);
    QCOMPARE(q.column_names, (std::vector<std::string>{"column_1", "column_2"}));
    QCOMPARE(q.rows, (std::vector<std::vector<std::string>>{{"1", "2"}, {"3", "4"}}));
    QCOMPARE(q.label_column, 0);
  }

  void idx_files_with_and_without_a_test_pair() {
    // 6 images of 2x3 pixels, pixel value = 10 * image + position; labels 0..2.
    std::string pixels, labels;
    for (int i = 0; i < 6; ++i) {
      for (int p = 0; p < 6; ++p) pixels += static_cast<char>(10 * i + p);
      labels += static_cast<char>(i % 3);
    }
    write_bytes(path("images.idx.gz"), gzip(idx_bytes(0x08, {6, 2, 3}, pixels)));
    write_bytes(path("labels.idx"), idx_bytes(0x08, {6}, labels));
    Config c = {{"name", "idx"}, {"train_images", path("images.idx.gz")}, {"train_labels", path("labels.idx")},
                {"test_fraction", 0.5}, {"normalization", "none"}};
    TrainTest d = load_dataset(c);
    QCOMPARE(d.train.x.shape(), Shape({3, 2, 3}));
    QCOMPARE(d.test.x.shape(), Shape({3, 2, 3}));
    std::vector<float> x = d.train.x.to_vector();
    std::vector<int32_t> y = d.train.y.to_int_vector();
    for (size_t i = 0; i < y.size(); ++i) {
      const int image = int(x[i * 6]) / 10;
      QCOMPARE(y[i], int32_t(image % 3));
      QCOMPARE(x[i * 6 + 5], float(10 * image + 5));
    }
    DatasetInfo info = dataset_info(c);
    QCOMPARE(info.sample_shape, Shape({2, 3}));
    QCOMPARE(info.classes, 3);
    // The default normalization divides the 8-bit pixels by 255.
    c.erase("normalization");
    c["test_images"] = path("images.idx.gz");
    c["test_labels"] = path("labels.idx");
    TrainTest scaled = load_dataset(c);
    QCOMPARE(scaled.train.x.shape(), Shape({6, 2, 3}));
    QCOMPARE(scaled.test.y.to_int_vector(), (std::vector<int32_t>{0, 1, 2, 0, 1, 2}));
    QCOMPARE(scaled.train.x.to_vector()[35], 55.0f / 255.0f);  // image 5, pixel 5

    write_bytes(path("cut.idx"), idx_bytes(0x08, {6, 2, 3}, pixels.substr(0, 20)));
    c["train_images"] = path("cut.idx");
    QString cut = io_error([&] { load_dataset(c); });
    QVERIFY2(cut.contains("cut.idx") && cut.contains("truncated"), qPrintable(cut));
    write_bytes(path("short.idx"), idx_bytes(0x08, {6, 2, 3}, "").substr(0, 9));
    c["train_images"] = path("short.idx");
    QVERIFY(io_error([&] { dataset_info(c); }).contains("truncated"));
    c["train_images"] = path("images.idx.gz");
    c["test_labels"] = "";
    QVERIFY(io_error([&] { load_dataset(c); }).contains("only one of test_images and test_labels"));
  }

  void idx_reads_the_shared_mnist_sample() {
    const std::string dir = shared_datasets() + "/mnist/";
    if (!std::filesystem::exists(dir)) QSKIP(("The shared datasets are not here (" + dir + ").").c_str());
    Config c = {{"name", "idx"}, {"train_images", dir + "t10k-images-idx3-ubyte.gz"},
                {"train_labels", dir + "t10k-labels-idx1-ubyte.gz"}};
    DatasetInfo info = dataset_info(c);
    QCOMPARE(info.sample_shape, Shape({28, 28}));
    QCOMPARE(info.classes, 10);
    TrainTest d = load_dataset(c);
    QCOMPARE(d.train.x.shape(), Shape({8000, 28, 28}));
    std::vector<float> x = d.train.x.to_vector();
    QCOMPARE(*std::max_element(x.begin(), x.end()), 1.0f);
  }

  void numpy_layouts() {
    Tensor x = Tensor::from_vector(Shape({4, 2}), std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7});
    Tensor y = Tensor::from_vector(Shape({4}), std::vector<int32_t>{0, 1, 0, 2});
    write_npz(path("keras.npz"), {{"x_train", x}, {"y_train", y}, {"x_test", x.slice_rows(0, 2)},
                                  {"y_test", y.slice_rows(0, 2)}}, true);
    Config c = {{"name", "numpy"}, {"path", path("keras.npz")}};
    TrainTest d = load_dataset(c);
    QCOMPARE(d.train.x.to_vector(), x.to_vector());
    QCOMPARE(d.test.y.to_int_vector(), (std::vector<int32_t>{0, 1}));
    QCOMPARE(dataset_info(c).classes, 3);
    QCOMPARE(dataset_info(c).sample_shape, Shape({2}));

    // x and y only: split by test_fraction; float labels are regression targets.
    Tensor targets = Tensor::from_vector(Shape({4}), std::vector<float>{0.5f, 1.5f, 2.5f, 3.5f});
    write_npz(path("xy.npz"), {{"x", x}, {"y", targets}});
    TrainTest r = load_dataset({{"name", "numpy"}, {"path", path("xy.npz")}, {"test_fraction", 0.25}});
    QCOMPARE(r.train.x.rows(), int64_t(3));
    QCOMPARE(r.train.y.dtype(), DType::Float32);
    QCOMPARE(dataset_info({{"name", "numpy"}, {"path", path("xy.npz")}}).labels, LabelKind::Regression);

    // An .npy of uint8 features with its labels in another .npy: features become float32.
    write_bytes(path("pixels.npy"), npy_uint8({4, 3}, {0, 255, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    write_npy(path("labels.npy"), y);
    Config n = {{"name", "numpy"}, {"path", path("pixels.npy")}, {"labels_path", path("labels.npy")},
                {"test_fraction", 0.5}};
    TrainTest u = load_dataset(n);
    QCOMPARE(u.train.x.dtype(), DType::Float32);
    QCOMPARE(u.train.x.rows() + u.test.x.rows(), int64_t(4));
    QCOMPARE(dataset_info(n).sample_shape, Shape({3}));
    n["normalization"] = "scale";
    std::vector<float> all = load_dataset(n).train.x.to_vector();
    QVERIFY(*std::max_element(all.begin(), all.end()) <= 1.0f);

    write_npz(path("odd.npz"), {{"features", x}, {"targets", y}});
    QString keys = io_error([&] { load_dataset({{"name", "numpy"}, {"path", path("odd.npz")}}); });
    QVERIFY2(keys.contains("features, targets") && keys.contains("x_train"), qPrintable(keys));
    QVERIFY(io_error([&] { dataset_info({{"name", "numpy"}, {"path", path("odd.npz")}}); }).contains("features, targets"));
    QVERIFY(io_error([&] { load_dataset({{"name", "numpy"}, {"path", path("pixels.npy")}}); }).contains("labels_path"));
    write_bytes(path("broken.npz"), "PK\x03\x04 not really a zip");
    QVERIFY(!io_error([&] { dataset_info({{"name", "numpy"}, {"path", path("broken.npz")}}); }).isEmpty());
  }

  void hdf5_datasets_by_path() {
    Tensor x = Tensor::from_vector(Shape({5, 2}), std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    Tensor y = Tensor::from_vector(Shape({5}), std::vector<int32_t>{1, 0, 1, 0, 1});
    write_h5(path("data.h5"), {{"x_train", x}, {"y_train", y}, {"x_test", x.slice_rows(0, 2)},
                               {"y_test", y.slice_rows(0, 2)}}, true);
    Config c = {{"name", "hdf5"}, {"path", path("data.h5")}};
    TrainTest d = load_dataset(c);
    QCOMPARE(d.train.x.to_vector(), x.to_vector());
    QCOMPARE(d.train.y.dtype(), DType::Int32);
    QCOMPARE(d.train.y.to_int_vector(), y.to_int_vector());
    QCOMPARE(d.test.x.shape(), Shape({2, 2}));
    DatasetInfo info = dataset_info(c);
    QCOMPARE(info.sample_shape, Shape({2}));
    QCOMPARE(info.classes, 2);
    c["x_test"] = "";
    c["y_test"] = "";
    c["test_fraction"] = 0.4;
    TrainTest split = load_dataset(c);
    QCOMPARE(split.test.x.rows(), int64_t(2));
    QCOMPARE(split.test.x.to_vector(), load_dataset(c).test.x.to_vector());

    c["x"] = "pixels";
    QString missing = io_error([&] { load_dataset(c); });
    QVERIFY2(missing.contains("no dataset 'pixels'") && missing.contains("names, x_test, x_train, y_test, y_train"),
             qPrintable(missing));
    c["x"] = "names";
    QString text = io_error([&] { dataset_info(c); });
    QVERIFY2(text.contains("'names'") && text.contains("does not hold numbers"), qPrintable(text));

    write_bytes(path("garbage.h5"), std::string(4096, 'x'));
    QVERIFY(io_error([&] { dataset_info({{"name", "hdf5"}, {"path", path("garbage.h5")}}); }).contains("not an HDF5 file"));
    // A real file cut short: an error, never a crash.
    std::string whole = read_file_bytes(path("data.h5"));
    write_bytes(path("cut.h5"), whole.substr(0, whole.size() / 2));
    QVERIFY(!io_error([&] { load_dataset({{"name", "hdf5"}, {"path", path("cut.h5")}}); }).isEmpty());
  }

  void normalization_is_fitted_on_the_training_set() {
    write_bytes(path("scale.csv"), "f,g,y\n0,10,0\n255,20,1\n51,30,0\n102,40,1\n");
    Config c = {{"name", "csv"}, {"path", path("scale.csv")}, {"test_fraction", 0.25}, {"normalization", "scale"}};
    // Every value an integer in 0..255: divided by 255, as pixels are.
    TrainTest bytes = load_dataset(c);
    std::vector<float> v = bytes.train.x.to_vector(), raw = load_dataset({{"name", "csv"}, {"path", path("scale.csv")},
                                                                         {"test_fraction", 0.25}}).train.x.to_vector();
    for (size_t i = 0; i < v.size(); ++i) QCOMPARE(v[i], raw[i] / 255.0f);

    // Other values: min-max per column over the training rows; the test row uses the same range.
    write_bytes(path("minmax.csv"), "f,g,y\n-1,0.5,0\n1,1.5,1\n3,2.5,0\n5,3.5,1\n7,4.5,0\n");
    c["path"] = path("minmax.csv");
    c["test_fraction"] = 0.2;
    TrainTest m = load_dataset(c);
    c["normalization"] = "none";
    TrainTest plain = load_dataset(c);
    for (int64_t col = 0; col < 2; ++col) {
      std::vector<float> train = column(plain.train.x, col), scaled = column(m.train.x, col);
      const float low = *std::min_element(train.begin(), train.end()), high = *std::max_element(train.begin(), train.end());
      for (size_t i = 0; i < train.size(); ++i) QCOMPARE(scaled[i], (train[i] - low) / (high - low));
      QCOMPARE(column(m.test.x, col)[0], (column(plain.test.x, col)[0] - low) / (high - low));
    }

    c["normalization"] = "standardize";
    TrainTest s = load_dataset(c);
    for (int64_t col = 0; col < 2; ++col) {
      std::vector<float> z = column(s.train.x, col), train = column(plain.train.x, col);
      double mean = 0, var = 0, raw_mean = 0, raw_var = 0;
      for (float f : z) mean += f / double(z.size());
      for (float f : z) var += (f - mean) * (f - mean) / double(z.size());
      for (float f : train) raw_mean += f / double(train.size());
      for (float f : train) raw_var += (f - raw_mean) * (f - raw_mean) / double(train.size());
      QVERIFY(std::fabs(mean) < 1e-5);
      QVERIFY(std::fabs(var - 1.0) < 1e-4);
      QVERIFY(std::fabs(column(s.test.x, col)[0] - (column(plain.test.x, col)[0] - raw_mean) / std::sqrt(raw_var)) < 1e-4);
    }
  }

  void fashion_mnist_is_already_in_the_unit_range() {
    const char* dir = "/usr/share/datasets/fashion-mnist";
    if (!QFileInfo::exists(QString(dir) + "/t10k-images-idx3-ubyte.gz")) QSKIP("Fashion-MNIST is not installed");
    TrainTest d = load_dataset({{"name", "fashion-mnist"}});
    std::vector<float> x = d.test.x.to_vector();
    QCOMPARE(*std::min_element(x.begin(), x.end()), 0.0f);
    QCOMPARE(*std::max_element(x.begin(), x.end()), 1.0f);
    QCOMPARE(fingerprint(d).size(), size_t(16));
  }

  void fingerprint_sees_every_byte_and_shape() {
    TrainTest a = load_dataset({{"name", "moons"}, {"samples", 100}});
    TrainTest b = load_dataset({{"name", "moons"}, {"samples", 100}});
    const std::string f = fingerprint(a);
    QCOMPARE(f.size(), size_t(16));
    QVERIFY(f.find_first_not_of("0123456789abcdef") == std::string::npos);
    QCOMPARE(fingerprint(b), f);
    b.train.x.data()[57] += 1e-6f;
    QVERIFY(fingerprint(b) != f);
    b = load_dataset({{"name", "moons"}, {"samples", 100}});
    b.test.y.int_data()[3] ^= 1;
    QVERIFY(fingerprint(b) != f);
    b = load_dataset({{"name", "moons"}, {"samples", 100}});
    b.train.x = b.train.x.view(Shape({50, 4}));  // the same bytes, another shape
    QVERIFY(fingerprint(b) != f);
    QVERIFY(fingerprint(load_dataset({{"name", "moons"}, {"samples", 100}, {"seed", 2}})) != f);
  }

  void libraries_register_their_own_datasets() {
    DatasetEntry entry{.name = "ones",
                       .doc = "Ones.",
                       .params = {{.name = "n", .type = ParamType::Int, .default_value = 3, .doc = "Rows."}},
                       .info = [](const Config&) { return DatasetInfo{Shape{1}, LabelKind::Regression, 0, {}}; },
                       .load = [](const Config& c) {
                         const int n = c.at("n").get<int>();
                         Tensor x = Tensor::from_vector(Shape({n, 1}), std::vector<float>(size_t(n), 4.0f));
                         return TrainTest{{x, x}, {x, x}, {}, {"made up"}};
                       }};
    register_dataset(entry);
    TrainTest d = load_dataset({{"name", "ones"}, {"n", 5}, {"normalization", "standardize"}});
    QCOMPARE(d.train.x.to_vector(), std::vector<float>(5, 0.0f));  // centred; a constant column is not divided
    QCOMPARE(d.warnings, std::vector<std::string>{"made up"});
    QCOMPARE(find_dataset("ones").params.back().name, std::string("normalization"));
    QString twice = value_error([&] { register_dataset(entry); });
    QVERIFY2(twice.contains("'ones' is already registered"), qPrintable(twice));
  }
};

QTEST_GUILESS_MAIN(TestDatasetFiles)
#include "test_dataset_files.moc"
