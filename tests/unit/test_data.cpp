// Data loading: IDX, CSV, NPY/NPZ readers on real files and on hostile ones, transforms, splits, generated sets.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include "core/error.h"
#include "error_message.h"
#include "test_datasets.h"
#include "data/csv.h"
#include "data/fashion_mnist.h"
#include "data/file_bytes.h"
#include "data/idx.h"
#include "data/npy.h"
#include "data/synthetic.h"
#include "data/transforms.h"

using namespace cornu;
using test::io_error;
using namespace cornu::data;

using test::shared_datasets;
using test::class_counts;

namespace {

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void put_be32(std::string& s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((v >> shift) & 0xff);
}
void put_le(std::string& s, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string idx_header(unsigned char type, const std::vector<uint32_t>& dims) {
  std::string s{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims) put_be32(s, d);
  return s;
}

// A .npy file with a hand-written header dict (format 1.0).
std::string npy_file(const std::string& dict, const std::string& data) {
  std::string s = "\x93NUMPY\x01";
  s += '\0';
  put_le(s, dict.size(), 2);
  return s + dict + data;
}

uint32_t crc32_of(const std::string& data) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// A zip archive with stored (uncompressed) members, written byte by byte as numpy.savez lays them out.
std::string stored_zip(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string local, central;
  for (const auto& [name, data] : members) {
    const uint32_t offset = static_cast<uint32_t>(local.size()), crc = crc32_of(data);
    const uint64_t size = data.size();
    put_le(local, 0x04034b50, 4);
    put_le(local, 20, 2), put_le(local, 0, 2), put_le(local, 0, 2);  // version, flags, method: stored
    put_le(local, 0, 2), put_le(local, 0x21, 2);                       // time, date 1980-01-01
    put_le(local, crc, 4), put_le(local, size, 4), put_le(local, size, 4);
    put_le(local, name.size(), 2), put_le(local, 0, 2);
    local += name + data;
    put_le(central, 0x02014b50, 4);
    put_le(central, 20, 2), put_le(central, 20, 2), put_le(central, 0, 2), put_le(central, 0, 2);
    put_le(central, 0, 2), put_le(central, 0x21, 2);
    put_le(central, crc, 4), put_le(central, size, 4), put_le(central, size, 4);
    put_le(central, name.size(), 2), put_le(central, 0, 2), put_le(central, 0, 2);  // name, extra, comment
    put_le(central, 0, 2), put_le(central, 0, 2), put_le(central, 0, 4);            // disk, attributes
    put_le(central, offset, 4);
    central += name;
  }
  std::string end;
  put_le(end, 0x06054b50, 4);
  put_le(end, 0, 2), put_le(end, 0, 2), put_le(end, members.size(), 2), put_le(end, members.size(), 2);
  put_le(end, central.size(), 4), put_le(end, local.size(), 4), put_le(end, 0, 2);
  return local + central + end;
}

}  // namespace

class TestData : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir tmp_;
  std::string path(const char* name) const { return (tmp_.path() + "/" + name).toStdString(); }
  std::string datasets_or_skip() {
    std::string dir = shared_datasets();
    if (!QFileInfo(QString::fromStdString(dir + "/mnist")).isDir()) return "";
    return dir;
  }

 private slots:
  void initTestCase() { QVERIFY(tmp_.isValid()); }

  void mnist_idx_reads_in_place() {
    std::string dir = datasets_or_skip();
    if (dir.empty()) QSKIP(("The shared datasets folder " + shared_datasets() + " is missing.").c_str());
    Tensor x = read_idx(dir + "/mnist/t10k-images-idx3-ubyte.gz");
    QCOMPARE(x.shape(), Shape({10000, 28, 28}));
    QCOMPARE(x.dtype(), DType::Float32);
    std::vector<float> v = x.to_vector();
    QCOMPARE(*std::min_element(v.begin(), v.end()), 0.0f);
    QCOMPARE(*std::max_element(v.begin(), v.end()), 255.0f);  // raw values, no scaling
    Tensor y = read_idx(dir + "/mnist/t10k-labels-idx1-ubyte.gz");
    QCOMPARE(y.dtype(), DType::Int32);
    QCOMPARE(y.shape(), Shape({10000}));
    QCOMPARE(class_counts(y, 10), (std::vector<int64_t>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}));
    ArrayDataset pair = load_idx_pair(dir + "/mnist/t10k-images-idx3-ubyte.gz", dir + "/mnist/t10k-labels-idx1-ubyte.gz",
                                      1.0f / 255.0f);
    QCOMPARE(pair.x.data()[7 * 784 + 200], v[7 * 784 + 200] / 255.0f);
  }

  void iris_csv_with_sklearn_header() {
    std::string dir = datasets_or_skip();
    if (dir.empty()) QSKIP(("The shared datasets folder " + shared_datasets() + " is missing.").c_str());
    for (std::optional<bool> header : {std::optional<bool>(true), std::optional<bool>()}) {  // given and detected
      CsvOptions o;
      o.header = header;
      CsvTable t = read_csv(dir + "/tabular/iris.csv", o);
      QCOMPARE(t.features.shape(), Shape({150, 4}));
      QCOMPARE(t.labels.shape(), Shape({150}));
      QCOMPARE(t.labels.dtype(), DType::Int32);
      QCOMPARE(t.column_names.size(), size_t(5));
      QCOMPARE(t.class_names, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
      QCOMPARE(class_counts(t.labels, 3), (std::vector<int64_t>{50, 50, 50}));
      std::vector<float> f = t.features.to_vector();
      QCOMPARE(std::vector<float>(f.begin(), f.begin() + 4), (std::vector<float>{5.1f, 3.5f, 1.4f, 0.2f}));
    }
  }

  void digits_csv_gz_without_header() {
    std::string dir = datasets_or_skip();
    if (dir.empty()) QSKIP(("The shared datasets folder " + shared_datasets() + " is missing.").c_str());
    CsvTable t = read_csv(dir + "/tabular/digits.csv.gz");
    QCOMPARE(t.features.shape(), Shape({1797, 64}));
    QCOMPARE(t.column_names.size(), size_t(65));
    QCOMPARE(t.column_names[0], std::string("column_1"));
    QVERIFY(t.class_names.empty());
    QCOMPARE(class_counts(t.labels, 10),
             (std::vector<int64_t>{178, 182, 177, 183, 181, 182, 181, 179, 174, 180}));
    std::vector<float> f = t.features.to_vector();
    QCOMPARE(*std::max_element(f.begin(), f.end()), 16.0f);
    QCOMPARE(*std::min_element(f.begin(), f.end()), 0.0f);
  }

  void fashion_mnist_from_debian_package() {
    if (!QFileInfo(kFashionMnistDir).isDir()) QSKIP("Fashion-MNIST is not installed in /usr/share/datasets/fashion-mnist.");
    TrainTest d = load_fashion_mnist();
    QCOMPARE(d.train.x.shape(), Shape({60000, 28, 28}));
    QCOMPARE(d.test.x.shape(), Shape({10000, 28, 28}));
    QCOMPARE(d.train.y.shape(), Shape({60000}));
    QCOMPARE(d.class_names.size(), size_t(10));
    QCOMPARE(d.class_names[0], std::string("T-shirt/top"));
    QCOMPARE(d.class_names[9], std::string("Ankle boot"));
    std::vector<float> v = d.test.x.to_vector();
    QCOMPARE(*std::min_element(v.begin(), v.end()), 0.0f);
    QCOMPARE(*std::max_element(v.begin(), v.end()), 1.0f);
    QCOMPARE(class_counts(d.train.y, 10), std::vector<int64_t>(10, 6000));
    QCOMPARE(class_counts(d.test.y, 10), std::vector<int64_t>(10, 1000));
  }

  void fashion_mnist_missing_folder_says_how_to_install() {
    std::string missing = path("no-fashion-here");
    QString message = io_error([&] { load_fashion_mnist(missing); });
    QCOMPARE(message, QString::fromStdString(
                          "Fashion-MNIST was not found in " + missing +
                          ". Install it with `apt-get install dataset-fashion-mnist` (Debian's package puts it there), "
                          "or pass the folder that holds train-images-idx3-ubyte.gz."));
  }

  void idx_types_and_gzip_detected_by_content() {
    std::string floats = idx_header(0x0D, {2, 3});
    for (float f : {1.5f, -2.0f, 3.25f, 0.0f, 1e6f, -7.0f}) put_be32(floats, std::bit_cast<uint32_t>(f));
    write_bytes(path("floats.idx"), floats);
    Tensor t = read_idx(path("floats.idx"));
    QCOMPARE(t.shape(), Shape({2, 3}));
    QCOMPARE(t.to_vector(), (std::vector<float>{1.5f, -2.0f, 3.25f, 0.0f, 1e6f, -7.0f}));

    std::string labels = idx_header(0x08, {4}) + std::string{'\x00', '\x09', '\x03', '\xff'};
    write_bytes(path("labels.bin"), gzip(labels));  // gzipped, with a name that does not say so
    Tensor y = read_idx(path("labels.bin"));
    QCOMPARE(y.dtype(), DType::Int32);
    QCOMPARE(y.to_int_vector(), (std::vector<int32_t>{0, 9, 3, 255}));

    std::string shorts = idx_header(0x0B, {2, 1}) + std::string{'\xff', '\xfe', '\x01', '\x00'};
    QCOMPARE(parse_idx(shorts, "shorts").to_vector(), (std::vector<float>{-2.0f, 256.0f}));
  }

  void idx_rejects_hostile_files() {
    std::string valid = idx_header(0x08, {2, 2, 2}) + std::string(8, '\x07');
    QVERIFY(parse_idx(valid, "ok").defined());
    QVERIFY(io_error([&] { parse_idx(valid.substr(0, valid.size() - 1), "cut.idx"); }).contains("truncated"));
    QVERIFY(io_error([&] { parse_idx(valid.substr(0, 9), "cut.idx"); }).contains("truncated"));
    QVERIFY(io_error([&] { parse_idx(valid + "x", "long.idx"); }).contains("holds 9 bytes"));
    std::string wrong_magic = valid;
    wrong_magic[0] = 'P';
    QVERIFY(io_error([&] { parse_idx(wrong_magic, "photo.png"); }).contains("not an IDX file"));
    QVERIFY(io_error([&] { parse_idx(idx_header(0x42, {1}) + "x", "t"); }).contains("unknown IDX data type"));
    QVERIFY(io_error([&] { parse_idx("", "empty.idx"); }).contains("too short"));
    // Absurd dimensions: an overflowing product and a merely huge one must fail before any allocation.
    QVERIFY(io_error([&] { parse_idx(idx_header(0x0E, {0xffffffffu, 0xffffffffu, 0xffffffffu}) + "abc", "t"); })
                .contains("more than 2^63"));
    QString huge = io_error([&] { parse_idx(idx_header(0x08, {100000, 100000}) + "abc", "huge.idx"); });
    QVERIFY2(huge.contains("huge.idx") && huge.contains("(100000, 100000)"), qPrintable(huge));
    // A gzipped file cut in half.
    std::string gz = gzip(valid + std::string(1000, '\x01'));
    write_bytes(path("cut.gz"), gz.substr(0, gz.size() / 2));
    QVERIFY(io_error([&] { read_idx(path("cut.gz")); }).contains("truncated"));
    QVERIFY(io_error([&] { read_idx(path("does-not-exist.idx")); }).contains("does not exist"));
  }

  void csv_options_and_labels() {
    std::string text = "a,b,species\n1,2,cat\n\n3,4,dog\r\n5,\"6\",cat\n";
    CsvOptions o;
    o.categorical_labels = true;
    CsvTable t = parse_csv(text, o, "pets.csv");
    QCOMPARE(t.column_names, (std::vector<std::string>{"a", "b", "species"}));
    QCOMPARE(t.class_names, (std::vector<std::string>{"cat", "dog"}));
    QCOMPARE(t.labels.to_int_vector(), (std::vector<int32_t>{0, 1, 0}));
    QCOMPARE(t.features.to_vector(), (std::vector<float>{1, 2, 3, 4, 5, 6}));

    CsvTable u = parse_csv("7;1.5\n8;2.5\n", CsvOptions{.delimiter = ';', .label_column = 0}, "semi.csv");
    QCOMPARE(u.labels.dtype(), DType::Int32);
    QCOMPARE(u.labels.to_int_vector(), (std::vector<int32_t>{7, 8}));
    QCOMPARE(u.features.to_vector(), (std::vector<float>{1.5f, 2.5f}));

    CsvTable regression = parse_csv("x,y\n1,0.5\n2,1.5\n", {}, "r.csv");
    QCOMPARE(regression.labels.dtype(), DType::Float32);
    QCOMPARE(regression.labels.to_vector(), (std::vector<float>{0.5f, 1.5f}));
    CsvTable forced = parse_csv("x,y\n1,3\n2,4\n", {.float_labels = true}, "r.csv");
    QCOMPARE(forced.labels.dtype(), DType::Float32);

    CsvTable none = parse_csv("1,2\n3,4\n", {.label_column = -2}, "n.csv");
    QVERIFY(!none.labels.defined());
    QCOMPARE(none.features.shape(), Shape({2, 2}));

    CsvTable named = parse_csv("target,f\n1,10\n0,20\n", {.label_name = "target"}, "n.csv");
    QCOMPARE(named.labels.to_int_vector(), (std::vector<int32_t>{1, 0}));
    QCOMPARE(named.features.to_vector(), (std::vector<float>{10, 20}));
    QVERIFY_THROWS_EXCEPTION(ValueError, parse_csv("target,f\n1,2\n", {.label_name = "targte"}, "n.csv"));
    QVERIFY_THROWS_EXCEPTION(ValueError, parse_csv("1,2\n", {.label_column = 5}, "n.csv"));
  }

  void csv_errors_name_the_line() {
    QString ragged = io_error([] { parse_csv("a,b,c\n1,2,3\n4,5\n", {}, "ragged.csv"); });
    QVERIFY2(ragged.contains("'ragged.csv' line 3") && ragged.contains("has 2 cells"), qPrintable(ragged));
    QString after_blank = io_error([] { parse_csv("1,2\n\n\n3\n", {}, "gaps.csv"); });
    QVERIFY2(after_blank.contains("line 4"), qPrintable(after_blank));
    QString text_cell = io_error([] { parse_csv("a,b\n1,2\n3,oops\n", {}, "t.csv"); });
    QVERIFY2(text_cell.contains("line 3") && text_cell.contains("'oops'") && text_cell.contains("categorical_labels"),
             qPrintable(text_cell));
    QString text_feature = io_error([] { parse_csv("a,b\nred,2\n", {}, "t.csv"); });
    QVERIFY2(text_feature.contains("line 2, column 1 ('a')") && text_feature.contains("'red'"), qPrintable(text_feature));
    QVERIFY(io_error([] { parse_csv("1,,3\n", {}, "t.csv"); }).contains("is empty"));
    QVERIFY(io_error([] { parse_csv("", {}, "empty.csv"); }).contains("'empty.csv' is empty"));
    QVERIFY(io_error([] { parse_csv("\n  \n\r\n", {}, "blank.csv"); }).contains("is empty"));
    QVERIFY(io_error([] { parse_csv("a,b\n", {}, "h.csv"); }).contains("no data rows"));
    QVERIFY(io_error([] { parse_csv("1,\"2\n", {}, "q.csv"); }).contains("never closed"));
    write_bytes(path("empty.csv.gz"), gzip(""));
    QVERIFY(io_error([&] { read_csv(path("empty.csv.gz")); }).contains("is empty"));
  }

  void npy_round_trip_both_dtypes() {
    Tensor f = Tensor::from_vector(Shape({2, 3}), std::vector<float>{1.5f, -2, 3, 4, 5e-8f, 6});
    write_npy(path("f.npy"), f);
    QVERIFY(!QFileInfo::exists(QString::fromStdString(path("f.npy.tmp"))));
    Tensor g = read_npy(path("f.npy"));
    QCOMPARE(g.shape(), f.shape());
    QCOMPARE(g.dtype(), DType::Float32);
    QCOMPARE(g.to_vector(), f.to_vector());
    std::string bytes = read_file_bytes(path("f.npy"));
    QCOMPARE(bytes.size(), size_t(128 + 24));  // header padded to 64 bytes, as NumPy does
    QVERIFY(bytes.find("'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }") != std::string::npos);

    Tensor i = Tensor::from_vector(Shape({4}), std::vector<int32_t>{-1, 0, 7, 2147483647});
    write_npy(path("i.npy"), i);
    Tensor j = read_npy(path("i.npy"));
    QCOMPARE(j.dtype(), DType::Int32);
    QCOMPARE(j.shape(), Shape({4}));
    QCOMPARE(j.to_int_vector(), i.to_int_vector());
    QVERIFY(read_file_bytes(path("i.npy")).find("'shape': (4,)") != std::string::npos);
  }

  void npy_dtypes_orders_and_versions() {
    std::string f8;
    for (double d : {0.5, -1.25}) put_le(f8, std::bit_cast<uint64_t>(d), 8);
    QCOMPARE(parse_npy(npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", f8), "t").to_vector(),
             (std::vector<float>{0.5f, -1.25f}));
    std::string be;
    put_be32(be, std::bit_cast<uint32_t>(3.5f));
    QCOMPARE(parse_npy(npy_file("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", be), "t").to_vector(),
             (std::vector<float>{3.5f}));
    std::string half{'\x00', '\x3c', '\x00', '\xc0'};  // 1.0 and -2.0 in float16
    QCOMPARE(parse_npy(npy_file("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", half), "t").to_vector(),
             (std::vector<float>{1.0f, -2.0f}));
    std::string i8;
    for (int64_t v : {-5LL, 9LL}) put_le(i8, static_cast<uint64_t>(v), 8);
    Tensor ints = parse_npy(npy_file("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", i8), "t");
    QCOMPARE(ints.dtype(), DType::Int32);
    QCOMPARE(ints.to_int_vector(), (std::vector<int32_t>{-5, 9}));
    QCOMPARE(parse_npy(npy_file("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", std::string{'\1', '\0', '\2'}), "t")
                 .to_int_vector(),
             (std::vector<int32_t>{1, 0, 1}));
    // A Fortran-ordered (2, 3) array [[1, 2, 3], [4, 5, 6]] is stored column by column.
    std::string u1{'\1', '\4', '\2', '\5', '\3', '\6'};
    Tensor fortran = parse_npy(npy_file("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", u1), "t");
    QCOMPARE(fortran.shape(), Shape({2, 3}));
    QCOMPARE(fortran.to_int_vector(), (std::vector<int32_t>{1, 2, 3, 4, 5, 6}));
    // (2, 2, 2) in Fortran order: element (i, j, k) at offset i + 2j + 4k.
    std::string cube;
    for (int offset = 0; offset < 8; ++offset) cube += static_cast<char>(offset);
    Tensor c = parse_npy(npy_file("{'descr': '|i1', 'fortran_order': True, 'shape': (2, 2, 2), }", cube), "t");
    QCOMPARE(c.to_int_vector(), (std::vector<int32_t>{0, 4, 2, 6, 1, 5, 3, 7}));
    // Version 2.0: a 4-byte header length.
    std::string dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (), }";
    std::string v2 = "\x93NUMPY\x02";
    v2 += '\0';
    put_le(v2, dict.size(), 4);
    v2 += dict;
    put_le(v2, 42, 4);
    Tensor scalar = parse_npy(v2, "v2.npy");
    QCOMPARE(scalar.shape().rank(), 0);
    QCOMPARE(scalar.to_int_vector(), (std::vector<int32_t>{42}));
  }

  void npy_rejects_hostile_files() {
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
    std::string good = npy_file(dict, std::string(16, '\0'));
    QVERIFY(parse_npy(good, "ok").defined());
    std::string magic = good;
    magic[1] = 'X';
    QVERIFY(io_error([&] { parse_npy(magic, "bad.npy"); }).contains("not a .npy file"));
    QVERIFY(io_error([&] { parse_npy(good.substr(0, good.size() - 1), "cut.npy"); }).contains("truncated"));
    QVERIFY(io_error([&] { parse_npy(good.substr(0, 20), "cut.npy"); }).contains("ends inside"));
    QVERIFY(io_error([&] {
              parse_npy(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", ""), "t");
            }).contains("truncated or damaged"));
    QVERIFY(io_error([&] {
              parse_npy(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }", "abcd"), "t");
            }).contains("(99999999999,)"));
    QVERIFY(io_error([&] { parse_npy(npy_file("{'descr': '<U5', 'fortran_order': False, 'shape': (1,), }", "x"), "t"); })
                .contains("'<U5'"));
    QVERIFY(io_error([&] { parse_npy(npy_file("{'descr': '<f4', 'shape': (1,), }", "abcd"), "t"); }).contains("malformed"));
    QVERIFY(io_error([&] { parse_npy(npy_file("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", "abcd"), "t"); })
                .contains("True or False"));
    QVERIFY(io_error([&] { parse_npy(npy_file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "abcd"), "t"); })
                .contains("structured"));
    std::string big;
    put_le(big, 1ULL << 40, 8);
    QVERIFY(io_error([&] { parse_npy(npy_file("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", big), "t"); })
                .contains("does not fit in int32"));
    std::string long_header = "\x93NUMPY\x02";
    long_header += '\0';
    put_le(long_header, 0x7fffffff, 4);
    QVERIFY(io_error([&] { parse_npy(long_header, "t"); }).contains("more than the"));
  }

  void npz_reads_stored_and_deflated_archives() {
    Tensor x = Tensor::from_vector(Shape({2, 2}), std::vector<float>{1, 2, 3, 4});
    Tensor y = Tensor::from_vector(Shape({2}), std::vector<int32_t>{0, 1});
    for (bool compress : {false, true}) {
      write_npz(path("xy.npz"), {{"x_train", x}, {"y_train", y}}, compress);
      auto arrays = read_npz(path("xy.npz"));
      QCOMPARE(arrays.size(), size_t(2));
      QCOMPARE(arrays.at("x_train").to_vector(), x.to_vector());
      QCOMPARE(arrays.at("y_train").to_int_vector(), y.to_int_vector());
    }
    // A stored archive built byte by byte, as numpy.savez writes them.
    std::string zip = stored_zip({{"a.npy", npy_bytes(x)}, {"labels.npy", npy_bytes(y)}});
    auto arrays = parse_npz(zip, "hand.npz");
    QCOMPARE(arrays.size(), size_t(2));
    QCOMPARE(arrays.at("a").to_vector(), x.to_vector());
    QCOMPARE(arrays.at("labels").to_int_vector(), y.to_int_vector());

    std::string corrupt = zip;
    corrupt[40] ^= 0x55;  // inside the first member's data: the CRC no longer matches
    QVERIFY(!io_error([&] { parse_npz(corrupt, "crc.npz"); }).isEmpty());
    QVERIFY(!io_error([&] { parse_npz(zip.substr(0, zip.size() - 30), "cut.npz"); }).isEmpty());
    QVERIFY(io_error([&] { parse_npz("not a zip file at all, just text", "t.npz"); }).contains("not a valid .npz"));
    QVERIFY(io_error([&] { parse_npz(stored_zip({{"notes.txt", "hello"}}), "t.npz"); }).contains("not a .npy array"));
  }

  void to_categorical_like_keras() {
    Tensor y = Tensor::from_vector(Shape({3}), std::vector<int32_t>{0, 2, 1});
    Tensor onehot = to_categorical(y);
    QCOMPARE(onehot.shape(), Shape({3, 3}));
    QCOMPARE(onehot.to_vector(), (std::vector<float>{1, 0, 0, 0, 0, 1, 0, 1, 0}));
    Tensor column = Tensor::from_vector(Shape({2, 1}), std::vector<int32_t>{1, 3});
    QCOMPARE(to_categorical(column, 5).shape(), Shape({2, 5}));
    QCOMPARE(to_categorical(column, 5).to_vector(), (std::vector<float>{0, 1, 0, 0, 0, 0, 0, 0, 1, 0}));
    Tensor floats = Tensor::from_vector(Shape({2}), std::vector<float>{1, 0});
    QCOMPARE(to_categorical(floats).to_vector(), (std::vector<float>{0, 1, 1, 0}));
    QVERIFY_THROWS_EXCEPTION(ValueError, to_categorical(y, 2));
    QVERIFY_THROWS_EXCEPTION(ValueError, to_categorical(Tensor::from_vector(Shape({1}), std::vector<int32_t>{-1})));
    QVERIFY_THROWS_EXCEPTION(ValueError, to_categorical(Tensor::from_vector(Shape({1}), std::vector<float>{0.5f})));
    QVERIFY_THROWS_EXCEPTION(ShapeError, to_categorical(Tensor::from_vector(Shape({1, 2}), std::vector<int32_t>{0, 1})));
  }

  void scale_and_standardize() {
    Tensor pixels = Tensor::from_vector(Shape({2}), std::vector<int32_t>{0, 255});
    QCOMPARE(scale(pixels, 1.0f / 255.0f).to_vector(), (std::vector<float>{0.0f, 1.0f}));
    Tensor x = Tensor::from_vector(Shape({4, 2}), std::vector<float>{1, 5, 2, 5, 3, 5, 4, 5});
    Standardization s = fit_standardization(x);
    QCOMPARE(s.mean, (std::vector<float>{2.5f, 5.0f}));
    QVERIFY(std::fabs(s.stddev[0] - std::sqrt(1.25f)) < 1e-6f);  // population stddev
    QCOMPARE(s.stddev[1], 0.0f);
    std::vector<float> z = standardize(x, s).to_vector();
    double sum = 0, sq = 0;
    for (int r = 0; r < 4; ++r) sum += z[static_cast<size_t>(2 * r)], sq += z[static_cast<size_t>(2 * r)] * z[static_cast<size_t>(2 * r)];
    QVERIFY(std::fabs(sum) < 1e-5 && std::fabs(sq / 4 - 1.0) < 1e-5);
    QCOMPARE(z[1], 0.0f);  // a constant feature is only centered
    QVERIFY_THROWS_EXCEPTION(ShapeError, standardize(Tensor::zeros(Shape({2, 3})), s));
  }

  void split_and_take_rows() {
    std::vector<float> xs;
    std::vector<int32_t> ys;
    for (int i = 0; i < 10; ++i) xs.insert(xs.end(), {float(i), float(i) + 0.5f}), ys.push_back(i);
    ArrayDataset d{Tensor::from_vector(Shape({10, 2}), xs), Tensor::from_vector(Shape({10}), ys)};
    auto [train, val] = train_validation_split(d, 0.25, false, 0);
    QCOMPARE(train.x.shape(), Shape({7, 2}));  // floor(10 * 0.75) = 7, as Keras
    QCOMPARE(val.y.to_int_vector(), (std::vector<int32_t>{7, 8, 9}));
    QCOMPARE(val.x.to_vector(), (std::vector<float>{7, 7.5f, 8, 8.5f, 9, 9.5f}));

    auto [a, av] = train_validation_split(d, 0.3, true, 42);
    auto [b, bv] = train_validation_split(d, 0.3, true, 42);
    auto [c, cv] = train_validation_split(d, 0.3, true, 43);
    QCOMPARE(a.y.to_int_vector(), b.y.to_int_vector());
    QCOMPARE(av.y.to_int_vector(), bv.y.to_int_vector());
    QVERIFY(a.y.to_int_vector() != c.y.to_int_vector());
    QCOMPARE(av.y.size(), int64_t(3));
    std::set<int32_t> all;
    for (const Tensor* t : {&a.y, &av.y}) for (int32_t v : t->to_int_vector()) all.insert(v);
    QCOMPARE(all.size(), size_t(10));
    std::vector<float> ax = a.x.to_vector();
    std::vector<int32_t> ay = a.y.to_int_vector();
    for (size_t i = 0; i < ay.size(); ++i) QCOMPARE(ax[2 * i], float(ay[i]));  // x and y stay paired
    QVERIFY(ay != (std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6}));

    QVERIFY_THROWS_EXCEPTION(ValueError, train_validation_split(d, 0.95, false, 0));  // floor(0.5) = 0 train rows
    QVERIFY_THROWS_EXCEPTION(ValueError, train_validation_split(d, 1.0, false, 0));

    Tensor cube = Tensor::from_vector(Shape({3, 2, 2}), std::vector<float>{0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23});
    Tensor picked = take_rows(cube, {2, 0, 2});
    QCOMPARE(picked.shape(), Shape({3, 2, 2}));
    QCOMPARE(picked.to_vector(), (std::vector<float>{20, 21, 22, 23, 0, 1, 2, 3, 20, 21, 22, 23}));
    QCOMPARE(take_rows(d.y, {9, 1}).to_int_vector(), (std::vector<int32_t>{9, 1}));
    QVERIFY_THROWS_EXCEPTION(ShapeError, take_rows(d.y, {10}));
  }

  void spirals_and_xor_are_balanced_and_reproducible() {
    QCOMPARE(class_counts(make_spirals(201, 0.2f, 7).y, 2), (std::vector<int64_t>{101, 100}));
    ArrayDataset s = make_spirals(200, 0.0f, 7);
    QCOMPARE(s.x.shape(), Shape({200, 2}));
    QCOMPARE(s.y.dtype(), DType::Int32);
    QCOMPARE(class_counts(s.y, 2), (std::vector<int64_t>{100, 100}));
    std::vector<float> p = s.x.to_vector();
    for (float v : p) QVERIFY(std::fabs(v) <= 1.0f + 1e-6f);
    // Rows come shuffled: the first ten are not all one class.
    std::vector<int32_t> y = s.y.to_int_vector();
    QVERIFY(std::count(y.begin(), y.begin() + 10, 0) > 0 && std::count(y.begin(), y.begin() + 10, 1) > 0);
    // Noise-free spirals: the two classes are point reflections of each other.
    std::set<std::pair<int, int>> class0, class1;
    for (size_t i = 0; i < y.size(); ++i) {
      auto key = std::make_pair(int(std::lround(p[2 * i] * 1e4f)), int(std::lround(p[2 * i + 1] * 1e4f)));
      (y[i] ? class1 : class0).insert(key);
    }
    int reflected = 0;
    for (auto [a, b] : class1) reflected += class0.count({-a, -b}) ? 1 : 0;
    QCOMPARE(reflected, 100);

    ArrayDataset again = make_spirals(201, 0.1f, 7), other = make_spirals(201, 0.1f, 8);
    QCOMPARE(again.x.to_vector(), make_spirals(201, 0.1f, 7).x.to_vector());
    QVERIFY(again.x.to_vector() != other.x.to_vector());

    ArrayDataset x = make_xor(400, 0.0f, 3);
    QCOMPARE(x.x.shape(), Shape({400, 2}));
    QCOMPARE(class_counts(x.y, 2), (std::vector<int64_t>{200, 200}));
    std::vector<float> q = x.x.to_vector();
    std::vector<int32_t> labels = x.y.to_int_vector();
    for (size_t i = 0; i < labels.size(); ++i) {
      QCOMPARE(std::fabs(q[2 * i]), 0.5f);
      QCOMPARE(labels[i], int32_t((q[2 * i] > 0) != (q[2 * i + 1] > 0)));
    }
    QCOMPARE(make_xor(50, 0.3f, 1).x.to_vector(), make_xor(50, 0.3f, 1).x.to_vector());
    QVERIFY_THROWS_EXCEPTION(ValueError, make_xor(0, 0.1f, 1));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_spirals(10, -1.0f, 1));
  }
};

QTEST_APPLESS_MAIN(TestData)
#include "test_data.moc"
