// Keras model files: the legacy .h5 and the .keras archive written and read back (predictions and compile
// settings survive, nested models and several inputs and outputs included), the files Keras 3.15 itself wrote
// (tests/data/keras, made by make_fixtures.py there) and a tf.keras 2-style .h5, the weights file layout, and
// hostile files refused with a message naming the file and the layer. The test changes saved files with the
// HDF5 C API directly, independently of the readers it checks.
#include <hdf5.h>

#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "cornu.h"
#include "data/npy.h"
#include "io/crash_isolation.h"
#include "io/keras_io.h"
#include "model/weights_io.h"

#include "error_message.h"

using namespace cornu;
using namespace cornu::layers;
using cornu::test::io_error;
using cornu::test::value_error;

namespace {

std::string fixture(const std::string& name) {
  const QByteArray dir = qgetenv("CORNU_SOURCE_DIR");
  return (dir.isEmpty() ? std::string(".") : dir.toStdString()) + "/tests/data/keras/" + name;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Tensor sample(const Shape& s, uint64_t key) {
  std::vector<float> v(static_cast<size_t>(s.size()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = random_normal_at(key, i);
  return Tensor::from_vector(s, v);
}

bool close(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-6) {
  if (a.shape() != b.shape()) return false;
  auto x = a.to_vector(), y = b.to_vector();
  for (size_t i = 0; i < x.size(); ++i)
    if (!(std::abs(x[i] - y[i]) <= atol + rtol * std::abs(y[i]))) return false;
  return true;
}

void expect_same_predictions(Model& a, Model& b, const std::vector<Tensor>& x) {
  auto ya = a.predict(x), yb = b.predict(x);
  QCOMPARE(ya.size(), yb.size());
  for (size_t i = 0; i < ya.size(); ++i) QCOMPARE(yb[i].to_vector(), ya[i].to_vector());
}

std::shared_ptr<Sequential> mlp() {
  auto s = std::make_shared<Sequential>("mlp");
  s->add(Input(Shape{4}));
  LayerHandle hidden = Dense(5, "relu");
  hidden->set_name("hidden");
  LayerHandle probs = Dense(3, "softmax");
  probs->set_name("probs");
  s->add(hidden);
  s->add(Dropout(0.25));
  s->add(probs);
  return s;
}

// Two inputs, two outputs, a nested Sequential.
ModelPtr two_heads() {
  auto a = Input(Shape{4}, "a"), b = Input(Shape{3}, "b");
  LayerHandle fc = Dense(3, "tanh");
  fc->set_name("fc");
  auto inner = std::make_shared<Sequential>("inner");
  inner->add(Input(Shape{6}));
  LayerHandle inner_d = Dense(2);
  inner_d->set_name("inner_d");
  inner->add(inner_d);
  inner->add(Activation("relu"));
  auto merged = make("Concatenate", {{"name", "join"}})({fc(a), b});
  auto out1 = call_layer(inner, {merged}).at(0);
  LayerHandle out2 = Dense(1);
  out2->set_name("out2");
  return std::make_shared<Model>(std::vector{a, b}, std::vector{out1, out2(merged)}, "two_heads");
}

// Opens a saved HDF5 file read-write, lets `change` edit it, closes it.
void edit_h5(const std::string& path, const std::function<void(hid_t)>& change) {
  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  QVERIFY(file >= 0);
  change(file);
  H5Fclose(file);
}

void replace_dataset(hid_t file, const char* path, hid_t type, std::vector<hsize_t> dims, const void* data,
                     hid_t dcpl = H5P_DEFAULT) {
  H5Ldelete(file, path, H5P_DEFAULT);
  hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  hid_t ds = H5Dcreate2(file, path, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  if (data) H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  H5Dclose(ds);
  H5Sclose(space);
}

void write_root_string(hid_t file, const char* name, const std::string& value, bool scalar = true) {
  H5Adelete(file, name);
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  hsize_t one = 1;
  hid_t space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &one, nullptr);
  hid_t attr = H5Acreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* s = value.c_str();
  H5Awrite(attr, type, &s);
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

}  // namespace

class TestKerasFiles : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::string path(const std::string& name) const { return (dir_.path() + "/" + QString::fromStdString(name)).toStdString(); }

  // A compiled mlp saved as .h5 at `name`, for the hostile cases to damage.
  std::string saved_h5(const std::string& name) {
    set_random_seed(5);
    auto m = mlp();
    m->compile("adam", "categorical_crossentropy", {"accuracy"});
    io::save_model(*m, path(name));
    return path(name);
  }

 private slots:
  void sequential_round_trips_with_compile_settings() {
    for (const char* name : {"mlp.h5", "mlp.keras"}) {
      set_random_seed(1);
      auto m = mlp();
      m->compile("adam", "categorical_crossentropy", {"accuracy"});
      io::save_model(*m, path(name));
      QVERIFY(!QFile::exists(QString::fromStdString(path(name) + ".tmp")));
      io::LoadedModel loaded = io::load_model(path(name));
      QVERIFY2(loaded.warnings.empty(), loaded.warnings.empty() ? "" : loaded.warnings[0].c_str());
      QCOMPARE(loaded.keras_version, std::string(io::kKerasVersion));
      QCOMPARE(loaded.model->class_name(), std::string("Sequential"));
      QVERIFY(loaded.model->compiled());
      QCOMPARE(io::compile_config(*loaded.model), io::compile_config(*m));
      QCOMPARE(io::training_config(*loaded.model), io::training_config(*m));
      expect_same_predictions(*m, *loaded.model, {sample(Shape{6, 4}, 3)});
    }
  }

  void functional_nested_round_trips() {
    for (const char* name : {"two.h5", "two.keras"}) {
      set_random_seed(2);
      auto m = two_heads();
      io::save_model(*m, path(name));
      io::LoadedModel loaded = io::load_model(path(name));
      QVERIFY(!loaded.model->compiled());
      QCOMPARE(loaded.model->inputs().size(), size_t(2));
      QCOMPARE(loaded.model->outputs().size(), size_t(2));
      expect_same_predictions(*m, *loaded.model, {sample(Shape{5, 4}, 4), sample(Shape{5, 3}, 5)});
    }
  }

  void h5_layout_is_keras() {
    set_random_seed(2);
    auto m = two_heads();
    io::save_model_h5(*m, path("layout.h5"));
    hid_t file = H5Fopen(path("layout.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    QVERIFY(file >= 0);
    for (const char* p : {"model_weights/fc/fc/kernel", "model_weights/inner/inner/inner_d/kernel",
                          "model_weights/top_level_model_weights", "model_weights/a"})
      QVERIFY2(H5Lexists(file, "model_weights", H5P_DEFAULT) > 0 && H5Oexists_by_name(file, p, H5P_DEFAULT) > 0, p);
    QVERIFY(H5Aexists(file, "model_config") > 0 && H5Aexists(file, "backend") > 0);
    QVERIFY(H5Aexists(file, "training_config") == 0);
    QVERIFY(H5Lexists(file, "optimizer_weights", H5P_DEFAULT) == 0);
    H5Fclose(file);
  }

  void weights_files_nest_models_as_keras_does() {
    set_random_seed(3);
    auto m = two_heads();
    save_weights(*m, path("two.weights.h5"));
    hid_t file = H5Fopen(path("two.weights.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    for (const char* p : {"vars", "layers/input_layer/vars", "layers/input_layer_1/vars", "layers/dense/vars/1",
                          "layers/sequential/vars", "layers/sequential/layers/dense/vars/0",
                          "layers/sequential/layers/activation/vars", "layers/concatenate/vars"})
      QVERIFY2(H5Oexists_by_name(file, p, H5P_DEFAULT) > 0, p);
    QCOMPARE(H5Lexists(file, "layers/sequential/vars/0", H5P_DEFAULT), 0);
    H5Fclose(file);
    auto copy = two_heads();
    load_weights(*copy, path("two.weights.h5"));
    expect_same_predictions(*m, *copy, {sample(Shape{2, 4}, 1), sample(Shape{2, 3}, 2)});
  }

  void older_cornu_weights_files_still_load() {
    // Cornu used to flatten a nested model's variables into layers/<key>/vars/0..N.
    set_random_seed(4);
    auto m = two_heads();
    const std::string p = path("old.weights.h5");
    hid_t file = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    auto put = [&](const std::string& name, const Tensor& t) {
      std::vector<hsize_t> dims(t.shape().dims().begin(), t.shape().dims().end());
      hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
      hid_t ds = H5Dcreate2(file, name.c_str(), H5T_IEEE_F32LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
      auto v = t.to_vector();
      H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
      H5Dclose(ds);
      H5Sclose(space);
    };
    auto w = m->get_weights();  // fc kernel, bias; inner_d kernel, bias; out2 kernel, bias
    put("layers/dense/vars/0", w[0]);
    put("layers/dense/vars/1", w[1]);
    put("layers/sequential/vars/0", w[2]);
    put("layers/sequential/vars/1", w[3]);
    put("layers/dense_1/vars/0", w[4]);
    put("layers/dense_1/vars/1", w[5]);
    H5Pclose(lcpl);
    H5Fclose(file);
    set_random_seed(9);
    auto copy = two_heads();
    load_weights(*copy, p);
    expect_same_predictions(*m, *copy, {sample(Shape{2, 4}, 1), sample(Shape{2, 3}, 2)});
  }

  void reads_files_keras_wrote() {
    struct Case {
      const char* file;
      const char* stem;
      int inputs, outputs;
      bool compiled;
    };
    for (const Case& c : {Case{"sequential.h5", "sequential", 1, 1, true}, Case{"sequential.keras", "sequential", 1, 1, true},
                          Case{"sequential_deflated.keras", "sequential", 1, 1, true},
                          Case{"sequential_zip64.keras", "sequential", 1, 1, true},
                          Case{"functional.h5", "functional", 2, 2, false}, Case{"functional.keras", "functional", 2, 2, false},
                          Case{"keras2_sequential.h5", "keras2_sequential", 1, 1, true}}) {
      io::LoadedModel loaded = io::load_model(fixture(c.file));
      QVERIFY2(loaded.warnings.empty(), (std::string(c.file) + ": " + (loaded.warnings.empty() ? "" : loaded.warnings[0])).c_str());
      QCOMPARE(loaded.model->compiled(), c.compiled);
      QCOMPARE(loaded.keras_version, std::string(std::string(c.file).rfind("keras2", 0) == 0 ? "2.15.0" : "3.15.1"));
      std::vector<Tensor> x;
      for (int i = 0; i < c.inputs; ++i) x.push_back(data::read_npy(fixture(std::string(c.stem) + "_x" + std::to_string(i) + ".npy")));
      auto y = loaded.model->predict(x);
      QCOMPARE(static_cast<int>(y.size()), c.outputs);
      for (int i = 0; i < c.outputs; ++i)
        QVERIFY2(close(y[i], data::read_npy(fixture(std::string(c.stem) + "_y" + std::to_string(i) + ".npy"))), c.file);
    }
    // The compile settings Keras saved come back.
    auto seq = io::load_model(fixture("sequential.keras")).model;
    QCOMPARE(seq->optimizer().learning_rate(), 0.01);  // float32 0.009999999776482582 in the file: read as typed
    QCOMPARE(seq->metrics_names(), (std::vector<std::string>{"loss", "accuracy"}));
  }

  void extension_decides_and_content_must_agree() {
    set_random_seed(1);
    auto m = mlp();
    QVERIFY(value_error([&] { io::save_model(*m, path("m.json")); }).contains(".keras"));
    QVERIFY(value_error([&] { io::load_model(path("m.txt")); }).contains(".h5"));
    io::save_model(*m, path("real.keras"));
    std::filesystem::copy_file(path("real.keras"), path("fake.h5"));
    QVERIFY(io_error([&] { io::load_model(path("fake.h5")); }).contains("zip archive"));
    io::save_model(*m, path("real.h5"));
    std::filesystem::copy_file(path("real.h5"), path("fake.keras"));
    QVERIFY(io_error([&] { io::load_model(path("fake.keras")); }).contains("HDF5 file"));
    QVERIFY(io_error([&] { io::load_model(path("missing.keras")); }).contains("missing.keras"));
  }

  void truncated_files_are_refused() {
    const std::string h5 = read_bytes(saved_h5("t.h5"));
    for (size_t n : {size_t(0), size_t(7), size_t(100), h5.size() / 2, h5.size() - 1}) {
      QString e = io_error([&] { io::load_model_h5_bytes(h5.substr(0, n), "t.h5"); });
      QVERIFY2(e.contains("'t.h5'"), qPrintable(e));
    }
    const std::string keras = read_bytes(fixture("sequential.keras"));
    for (size_t n : {size_t(0), size_t(30), keras.size() / 2, keras.size() - 1}) {
      QString e = io_error([&] { io::load_model_keras_bytes(keras.substr(0, n), "t.keras"); });
      QVERIFY2(e.contains("'t.keras'"), qPrintable(e));
    }
  }

  void wrong_dtypes() {
    // Integer weights are converted.
    std::string p = saved_h5("int.h5");
    std::vector<int32_t> ints(4 * 5, 1);
    edit_h5(p, [&](hid_t f) { replace_dataset(f, "model_weights/hidden/hidden/kernel", H5T_STD_I32LE, {4, 5}, ints.data()); });
    auto m = io::load_model_h5(p).model;
    QCOMPARE(m->get_layer("hidden")->variables()[0].value.to_vector(), std::vector<float>(20, 1.0f));
    // Text is refused, naming the layer.
    p = saved_h5("text.h5");
    edit_h5(p, [&](hid_t f) {
      hid_t type = H5Tcopy(H5T_C_S1);
      H5Tset_size(type, 4);
      replace_dataset(f, "model_weights/hidden/hidden/kernel", type, {4, 5}, nullptr);
      H5Tclose(type);
    });
    QString e = io_error([&] { io::load_model_h5(p); });
    QVERIFY2(e.contains("does not hold numbers") && e.contains("'hidden'") && e.contains("text.h5"), qPrintable(e));
  }

  void missing_and_misshapen_weights() {
    std::string p = saved_h5("missing.h5");
    edit_h5(p, [](hid_t f) { H5Ldelete(f, "model_weights/probs/probs/bias", H5P_DEFAULT); });
    QString e = io_error([&] { io::load_model_h5(p); });
    QVERIFY2(e.contains("missing") && e.contains("'probs'"), qPrintable(e));

    p = saved_h5("shape.h5");
    std::vector<float> values(4 * 6, 0.5f);
    edit_h5(p, [&](hid_t f) { replace_dataset(f, "model_weights/hidden/hidden/kernel", H5T_IEEE_F32LE, {4, 6}, values.data()); });
    e = io_error([&] { io::load_model_h5(p); });
    QVERIFY2(e.contains("(4, 6)") && e.contains("(4, 5)") && e.contains("'hidden'"), qPrintable(e));

    p = saved_h5("nolayer.h5");
    edit_h5(p, [](hid_t f) {
      hid_t g = H5Gopen2(f, "model_weights", H5P_DEFAULT);
      H5Adelete(g, "layer_names");
      hid_t type = H5Tcopy(H5T_C_S1);
      H5Tset_size(type, H5T_VARIABLE);
      hsize_t n = 1;
      hid_t space = H5Screate_simple(1, &n, nullptr);
      const char* names[] = {"hidden"};
      hid_t attr = H5Acreate2(g, "layer_names", type, space, H5P_DEFAULT, H5P_DEFAULT);
      H5Awrite(attr, type, names);
      H5Aclose(attr);
      H5Sclose(space);
      H5Tclose(type);
      H5Gclose(g);
    });
    e = io_error([&] { io::load_model_h5(p); });
    QVERIFY2(e.contains("holds weights for 1 layers") && e.contains("'probs'"), qPrintable(e));

    // A weights file for another model leaves the model as it was.
    set_random_seed(3);
    auto m = mlp();
    m->predict(sample(Shape{1, 4}, 1));
    auto before = m->get_weights();
    auto other = std::make_shared<Sequential>();
    other->add(Input(Shape{4}));
    other->add(Dense(5, "relu"));
    other->add(Dense(2));
    save_weights(*other, path("other.weights.h5"));
    e = io_error([&] { load_weights(*m, path("other.weights.h5")); });
    QVERIFY2(e.contains("'probs'") && e.contains("other.weights.h5"), qPrintable(e));
    auto after = m->get_weights();
    for (size_t i = 0; i < before.size(); ++i) QCOMPARE(after[i].to_vector(), before[i].to_vector());
  }

  void config_attributes_are_checked() {
    std::string p = saved_h5("array.h5");
    std::string config;
    edit_h5(p, [&](hid_t f) { write_root_string(f, "model_config", "{}", false); });
    QString e = io_error([&] { io::load_model_h5(p); });
    QVERIFY2(e.contains("scalar") && e.contains("model_config"), qPrintable(e));

    p = saved_h5("huge.h5");
    edit_h5(p, [&](hid_t f) { write_root_string(f, "model_config", std::string((size_t(64) << 20) + 10, ' ')); });
    e = io_error([&] { io::load_model_h5(p); });
    QVERIFY2(e.contains("64 MiB"), qPrintable(e));

    p = saved_h5("json.h5");
    edit_h5(p, [&](hid_t f) { write_root_string(f, "model_config", "{\"class_name\": "); });
    e = io_error([&] { io::load_model_h5(p); });
    QVERIFY2(e.contains("not valid JSON"), qPrintable(e));

    p = saved_h5("weightsonly.h5");
    edit_h5(p, [&](hid_t f) { H5Adelete(f, "model_config"); });
    e = io_error([&] { io::load_model_h5(p); });
    QVERIFY2(e.contains("load_weights"), qPrintable(e));

    // Compile settings Cornu cannot restore: loaded uncompiled, with a warning.
    p = saved_h5("compile.h5");
    edit_h5(p, [&](hid_t f) {
      write_root_string(f, "training_config",
                        R"({"loss": "no_such_loss", "metrics": null, "loss_weights": null, "optimizer_config": {"class_name": "Adam", "config": {}}})");
    });
    io::LoadedModel loaded = io::load_model_h5(p);
    QVERIFY(!loaded.model->compiled());
    QCOMPARE(loaded.warnings.size(), size_t(1));
    QVERIFY(QString::fromStdString(loaded.warnings[0]).contains("uncompiled"));
  }

  void links_and_external_storage_are_refused() {
    std::string p = saved_h5("soft.h5");
    edit_h5(p, [](hid_t f) {
      H5Ldelete(f, "model_weights/probs/probs/bias", H5P_DEFAULT);
      H5Lcreate_soft("/model_weights/probs/probs/kernel", f, "model_weights/probs/probs/bias", H5P_DEFAULT, H5P_DEFAULT);
    });
    QString e = io_error([&] { io::load_model_h5(p); });
    QVERIFY2(e.contains("soft link") && e.contains("refuses"), qPrintable(e));

    p = saved_h5("external.h5");
    edit_h5(p, [](hid_t f) {
      H5Ldelete(f, "model_weights/probs", H5P_DEFAULT);
      H5Lcreate_external("/etc/passwd.h5", "/x", f, "model_weights/probs", H5P_DEFAULT, H5P_DEFAULT);
    });
    e = io_error([&] { io::load_model_h5(p); });
    QVERIFY2(e.contains("external link"), qPrintable(e));

    p = saved_h5("extdata.h5");
    edit_h5(p, [](hid_t f) {
      hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
      H5Pset_external(dcpl, "/etc/hostname", 0, 4 * 5 * 4);
      replace_dataset(f, "model_weights/hidden/hidden/kernel", H5T_IEEE_F32LE, {4, 5}, nullptr, dcpl);
      H5Pclose(dcpl);
    });
    e = io_error([&] { io::load_model_h5(p); });
    QVERIFY2(e.contains("external files") && e.contains("'hidden'"), qPrintable(e));
  }

  void archive_members_must_stay_inside() {
    QString e = io_error([&] { io::load_model_keras(fixture("escaping_member.keras")); });
    QVERIFY2(e.contains("../evil.txt") && e.contains("refuses"), qPrintable(e));
    const std::string keras = read_bytes(fixture("sequential.keras"));
    std::string not_config = keras;
    not_config.replace(not_config.find("config.json"), 11, "config.jsox");  // local header
    not_config.replace(not_config.find("config.json"), 11, "config.jsox");  // central directory
    e = io_error([&] { io::load_model_keras_bytes(not_config, "x.keras"); });
    QVERIFY2(e.contains("no config.json"), qPrintable(e));
  }

  void a_file_that_crashes_hdf5_is_refused_and_we_go_on() {
    // One corrupted byte in a global-heap reference makes HDF5 1.10's H5Aread segfault (found by fuzzing);
    // Cornu reads the file in a child process first and refuses it when the child dies.
    const QByteArray dir = qgetenv("CORNU_SOURCE_DIR");
    const std::string path = (dir.isEmpty() ? std::string(".") : dir.toStdString()) +
                             "/tests/fuzz/corpus/fuzz_keras_h5/crash-hdf5-global-heap-1.h5";
    QString e = io_error([&] { io::load_model_h5(path); });
    QVERIFY2(e.contains("crashed the HDF5 library") && e.contains("crash-hdf5-global-heap-1.h5") &&
                 e.contains("nothing was loaded"),
             qPrintable(e));
    // The child's own errors come back with their type and message; its success lets the reader go on.
    e = value_error([] { io::try_in_child_process([] { throw ValueError("bad value here"); }, "'x'"); });
    QCOMPARE(e, QString("bad value here"));
    e = io_error([] { io::try_in_child_process([] { throw IoError("bad bytes there"); }, "'x'"); });
    QCOMPARE(e, QString("bad bytes there"));
    bool ran = false;
    io::try_in_child_process([&] { ran = true; }, "'x'");
    QVERIFY(!ran);  // it ran in the child, whose memory is its own
    QVERIFY(io::load_model(fixture("functional.h5")).model);
  }
};

QTEST_GUILESS_MAIN(TestKerasFiles)
#include "test_keras_files.moc"
