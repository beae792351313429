// The Python export (io::python_script): key lines of the scripts for each model shape and dataset kind, no
// default arguments, and every script compiled by python3 (py_compile) so that it is at least valid Python.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "io/keras_io.h"
#include "model/layers_api.h"
#include "model/model.h"

using namespace cornu;

namespace {

// Compiles `script` with python3 -m py_compile; "" when it compiles, else python's message.
QString py_compile(const std::string& script) {
  QTemporaryDir dir;
  const QString path = dir.filePath("script.py");
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return "cannot write " + path;
  file.write(QByteArray::fromStdString(script));
  file.close();
  QProcess python;
  python.start("python3", {"-m", "py_compile", path});
  if (!python.waitForStarted(10000)) return "python3 is not installed; the README's setup installs it";
  python.waitForFinished(60000);
  if (python.exitCode() == 0) return "";
  return QString::fromUtf8(python.readAllStandardError());
}

#define QVERIFY_CONTAINS(text, snippet)                                                              \
  QVERIFY2((text).find(snippet) != std::string::npos, (std::string("missing: ") + (snippet) + "\n--- script:\n" + (text)).c_str())
#define QVERIFY_LACKS(text, snippet)                                                                 \
  QVERIFY2((text).find(snippet) == std::string::npos, (std::string("unexpected: ") + (snippet)).c_str())
#define QVERIFY_COMPILES(script)                                                                     \
  do {                                                                                              \
    const QString problem = py_compile(script);                                                     \
    QVERIFY2(problem.isEmpty(), qPrintable(problem + "\n--- script:\n" + QString::fromStdString(script))); \
  } while (0)

std::shared_ptr<Sequential> fashion_mlp() {
  auto model = std::make_shared<Sequential>("fashion_mlp");
  model->add(Input(Shape{28, 28}, "image"));
  model->add(layers::Flatten({{"name", "flatten"}}));
  model->add(layers::Dense(128, {{"activation", "relu"}, {"name", "hidden"},
                                 {"kernel_initializer", {{"class_name", "HeNormal"}, {"config", {{"seed", 7}}}}}}));
  model->add(layers::Dropout(0.2, {{"name", "drop"}}));
  model->add(layers::Dense(10, {{"activation", "softmax"}, {"name", "predictions"}}));
  return model;
}

}  // namespace

class TestPythonCode : public QObject {
  Q_OBJECT
 private slots:
  void init() { clear_session(); }

  void sequential_chain_with_fashion_mnist() {
    auto model = fashion_mlp();
    model->compile(Config{{"class_name", "Adam"}, {"config", {{"learning_rate", 0.0005}}}},
                   "sparse_categorical_crossentropy", {"accuracy"});
    io::PythonScriptOptions o;
    o.dataset = {{"name", "fashion-mnist"}};
    o.epochs = 3;
    o.callbacks = Config::array({{{"class_name", "EarlyStopping"}, {"config", {{"patience", 3}}}}});
    const std::string s = io::python_script(*model, o);
    QVERIFY_CONTAINS(s, "os.environ.setdefault(\"KERAS_BACKEND\", \"jax\")");
    QVERIFY_CONTAINS(s, "keras.utils.set_random_seed(1337)");
    QVERIFY_CONTAINS(s, "keras.Sequential(");
    QVERIFY_CONTAINS(s, "keras.Input(shape=(28, 28), name=\"image\"),");
    QVERIFY_CONTAINS(s, "layers.Flatten(name=\"flatten\"),");
    QVERIFY_CONTAINS(s, "layers.Dense(128, activation=\"relu\", kernel_initializer=keras.initializers.HeNormal(seed=7), name=\"hidden\"),");
    QVERIFY_CONTAINS(s, "layers.Dropout(0.2, name=\"drop\"),");
    QVERIFY_CONTAINS(s, "layers.Dense(10, activation=\"softmax\", name=\"predictions\"),");
    QVERIFY_CONTAINS(s, "name=\"fashion_mlp\",");
    QVERIFY_CONTAINS(s, "/usr/share/datasets/fashion-mnist");
    QVERIFY_CONTAINS(s, "def load_idx(path):");
    QVERIFY_CONTAINS(s, "keras.datasets.fashion_mnist.load_data()");
    QVERIFY_CONTAINS(s, "optimizer=keras.optimizers.Adam(learning_rate=0.0005),");
    QVERIFY_CONTAINS(s, "loss=\"sparse_categorical_crossentropy\",");
    QVERIFY_CONTAINS(s, "metrics=[\"accuracy\"],");
    QVERIFY_CONTAINS(s, "keras.callbacks.EarlyStopping(patience=3),");
    QVERIFY_CONTAINS(s, "validation_split=0.1,");
    QVERIFY_CONTAINS(s, "epochs=3,");
    QVERIFY_CONTAINS(s, "model.evaluate(x_test, y_test");
    QVERIFY_LACKS(s, "use_bias");
    QVERIFY_LACKS(s, "to_categorical");  // sparse labels stay class numbers
    QVERIFY_LACKS(s, "set_distribution");
    QVERIFY_COMPILES(s);
  }

  void functional_two_inputs_two_outputs() {
    SymbolicTensor image = Input(Shape{16}, "image"), meta = Input(Shape{4}, "meta");
    SymbolicTensor a = layers::Dense(8, "relu")(image);
    SymbolicTensor merged = layers::make("Concatenate", {{"name", "merge"}})({a, meta});
    SymbolicTensor cls = layers::Dense(3, {{"activation", "softmax"}, {"name", "cls"}})(merged);
    SymbolicTensor score = layers::Dense(1, {{"name", "score"}, {"use_bias", false}})(merged);
    Model model({image, meta}, {cls, score}, "two_heads");
    CompileOptions c;
    c.optimizer = "adam";
    c.loss = {"categorical_crossentropy", "mse"};
    c.loss_weights = {1.0, 0.5};
    c.metrics = {{"accuracy"}, {"mae"}};
    model.compile(c);
    io::PythonScriptOptions o;
    o.validation = "test";
    o.distributed = true;
    o.weights_path = "two \"heads\".weights.h5";
    const std::string s = io::python_script(model, o);
    QVERIFY_CONTAINS(s, "image = keras.Input(shape=(16,), name=\"image\")");
    QVERIFY_CONTAINS(s, "dense = layers.Dense(8, activation=\"relu\", name=\"dense\")(image)");
    QVERIFY_CONTAINS(s, "merge = layers.Concatenate(name=\"merge\")([dense, meta])");
    QVERIFY_CONTAINS(s, "layers.Dense(1, use_bias=False, name=\"score\")(merge)");
    QVERIFY_CONTAINS(s, "keras.Model(inputs=[image, meta], outputs=[cls, score], name=\"two_heads\")");
    QVERIFY_CONTAINS(s, "loss={\"cls\": \"categorical_crossentropy\", \"score\": \"mse\"},");
    QVERIFY_CONTAINS(s, "loss_weights={\"cls\": 1.0, \"score\": 0.5},");
    QVERIFY_CONTAINS(s, "metrics={\"cls\": [\"accuracy\"], \"score\": [\"mae\"]},");
    QVERIFY_CONTAINS(s, "keras.utils.to_categorical(np.random.randint(0, 3, size=(num_samples,)), num_classes=3)");
    QVERIFY_CONTAINS(s, "validation_data=(x_test, y_test),");
    QVERIFY_CONTAINS(s, "keras.distribution.set_distribution(keras.distribution.DataParallel(devices=keras.distribution.list_devices()))");
    QVERIFY_CONTAINS(s, "model.load_weights(\"two \\\"heads\\\".weights.h5\")");
    QVERIFY_LACKS(s, "keras.Sequential");
    QVERIFY_COMPILES(s);
  }

  void nested_model_and_shared_layer() {
    auto encoder = std::make_shared<Sequential>("encoder");
    encoder->add(Input(Shape{8}, "encoder_in"));
    encoder->add(layers::Dense(4, {{"activation", "tanh"}, {"name", "code"}}));
    SymbolicTensor left = Input(Shape{8}, "left"), right = Input(Shape{8}, "right");
    LayerHandle enc(encoder);
    LayerHandle shared = layers::Dense(4, {{"name", "shared"}});
    SymbolicTensor l = shared(enc(left)), r = shared(enc(right));
    SymbolicTensor out = layers::Dense(1, {{"activation", "sigmoid"}, {"name", "same"}})(
        layers::make("Subtract", {{"name", "difference"}})({l, r}));
    Model model({left, right}, {out}, "siamese");
    model.compile("sgd", "binary_crossentropy");
    const std::string s = io::python_script(model, {});
    QVERIFY_CONTAINS(s, "def build_encoder():");
    QVERIFY_CONTAINS(s, "    return keras.Sequential(");
    QVERIFY_CONTAINS(s, "encoder = build_encoder()");
    QVERIFY_CONTAINS(s, "encoder_out = encoder(left)");
    QVERIFY_CONTAINS(s, "encoder_out_1 = encoder(right)");
    QVERIFY_CONTAINS(s, "shared = layers.Dense(4, name=\"shared\")");
    QVERIFY_CONTAINS(s, "shared_out = shared(encoder_out)");
    QVERIFY_CONTAINS(s, "shared_out_1 = shared(encoder_out_1)");
    QVERIFY_CONTAINS(s, "layers.Subtract(name=\"difference\")([shared_out, shared_out_1])");
    QVERIFY_CONTAINS(s, "optimizer=keras.optimizers.SGD(learning_rate=0.01),");
    QVERIFY_COMPILES(s);
  }

  void hostile_names_stay_strings() {
    auto model = std::make_shared<Sequential>("evil\"\"\" name\nimport os");
    model->add(Input(Shape{3}, "in"));
    model->add(layers::Dense(2, {{"name", "x\")\nos.system(\"rm -rf /\")#"}}));
    const std::string s = io::python_script(*model, {});
    QVERIFY_LACKS(s, "\nos.system");
    QVERIFY_CONTAINS(s, "# The model was not compiled in Cornu");
    QVERIFY_COMPILES(s);
  }

  void reads_as_written_by_hand() {
    // Layers named like builtins or like the script's own variables; a default initializer spelled out as Keras
    // writes it; a float32 learning rate as Keras stores it.
    auto x = Input(Shape{4}, "x");
    auto a = layers::Dense(3, {{"name", "all"}, {"kernel_initializer", {{"class_name", "GlorotUniform"}, {"config", {{"seed", nullptr}}}}}})(x);
    auto b = layers::Dense(3, {{"name", "model"}})(x);
    auto y = layers::make("Add", {{"name", "history"}})({a, b});
    Model model({x}, {y}, "by_hand");
    model.compile(Config{{"class_name", "SGD"}, {"config", {{"learning_rate", 0.10000000149011612}}}}, "mse");
    const std::string s = io::python_script(model, {});
    QVERIFY_CONTAINS(s, "all_ = layers.Dense(3, name=\"all\")(x)");
    QVERIFY_CONTAINS(s, "model_ = layers.Dense(3, name=\"model\")(x)");
    QVERIFY_CONTAINS(s, "learning_rate=0.1)");
    QVERIFY_LACKS(s, "kernel_initializer");
    QVERIFY_COMPILES(s);
  }

  void every_dataset_kind() {
    const std::vector<std::pair<Config, std::string>> cases = {
        {{{"name", "spirals"}, {"noise", 0.2}}, "make_spirals(1000, 0.2, np.random.default_rng(1))"},
        {{{"name", "xor"}}, "def make_xor(samples, noise, rng):"},
        {{{"name", "moons"}}, "x_test, y_test = make_moons(160, 0.1, np.random.default_rng(2))"},
        {{{"name", "circles"}, {"factor", 0.3}}, "make_circles(400, 0.05, 0.3, np.random.default_rng(1))"},
        {{{"name", "blobs"}, {"centers", 2}}, "uniform(-10, 10, (2, 2))"},
        {{{"name", "csv"}, {"path", "data/iris.csv"}, {"delimiter", ";"}, {"label_column", "species"},
          {"normalization", "standardize"}},
         "header.index(\"species\")"},
        {{{"name", "idx"}, {"train_images", "a.gz"}, {"train_labels", "b.gz"}}, "split_test(x_train, y_train, 0.2, 1)"},
        {{{"name", "numpy"}, {"path", "d.npz"}}, "arrays = np.load(\"d.npz\")"},
        {{{"name", "hdf5"}, {"path", "d.h5"}}, "with h5py.File(\"d.h5\", \"r\") as f:"},
        {{{"name", "image-folder"}, {"path", "pics"}, {"color_mode", "grayscale"}},
         "keras.utils.image_dataset_from_directory("},
    };
    for (const auto& [dataset, snippet] : cases) {
      clear_session();
      auto model = std::make_shared<Sequential>("net");
      model->add(Input(Shape{2}, "points"));
      model->add(layers::Dense(2, {{"activation", "softmax"}, {"name", "out"}}));
      model->compile("adam", "categorical_crossentropy", {"accuracy"});
      io::PythonScriptOptions o;
      o.dataset = dataset;
      const std::string s = io::python_script(*model, o);
      QVERIFY_CONTAINS(s, snippet);
      QVERIFY_CONTAINS(s, "y_train = keras.utils.to_categorical(y_train, num_classes=2)");
      QVERIFY_COMPILES(s);
    }
    auto regression = std::make_shared<Sequential>("fit");
    regression->add(Input(Shape{1}, "x"));
    regression->add(layers::Dense(1, {{"name", "y"}}));
    regression->compile("adam", "mse");
    io::PythonScriptOptions o;
    o.dataset = {{"name", "sine"}, {"normalization", "scale"}};
    const std::string s = io::python_script(*regression, o);
    QVERIFY_CONTAINS(s, "make_sine(500, 0.1, 2.0, np.random.default_rng(1))");
    QVERIFY_CONTAINS(s, "normalization \"scale\"");
    QVERIFY_COMPILES(s);
  }
};

QTEST_GUILESS_MAIN(TestPythonCode)
#include "test_python_code.moc"
