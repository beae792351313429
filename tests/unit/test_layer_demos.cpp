// The demos built on convolution, pooling, recurrent and merge layers: each builds with the layers and
// shapes it promises (parameter counts as Keras reports them) and learns something in one short epoch on
// a small part of its data. The Fashion-MNIST CNN's accuracy promise (>= 91% in 10 epochs) is a manual run
// (tests/benchmarks/README.md), not a timed test.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "data/fashion_mnist.h"
#include "data/sentiment.h"
#include "data/text_characters.h"
#include "demos/demos.h"
#include "layers/layer.h"
#include "model/symbolic.h"

using namespace cornu;

namespace {

std::vector<std::string> layer_classes(const Model& model) {
  std::vector<std::string> names;
  for (const LayerPtr& layer : model.layers()) names.push_back(layer->class_name());
  return names;
}

// The output shape of the n-th call of a layer of class `cls` (0 the first).
Shape output_of(const Model& model, const std::string& cls, int n = 0) {
  for (const auto& node : model.nodes())
    if (node->layer->class_name() == cls && n-- == 0) return node->output_shapes.at(0);
  return Shape{};
}

Demo::Arrays first_rows(const Demo::Arrays& all, int64_t train, int64_t test) {
  Demo::Arrays out;
  for (const Tensor& t : all.train.x) out.train.x.push_back(t.slice_rows(0, train));
  for (const Tensor& t : all.train.y) out.train.y.push_back(t.slice_rows(0, train));
  for (const Tensor& t : all.test.x) out.test.x.push_back(t.slice_rows(0, test));
  for (const Tensor& t : all.test.y) out.test.y.push_back(t.slice_rows(0, test));
  return out;
}

// One epoch on `data`: the training loss on it goes down.
void learns_in_one_epoch(Model& model, const Demo::Arrays& data, int batch_size) {
  const EvaluateOptions quiet{.batch_size = 128, .verbose = 0};
  const double before = model.evaluate(data.train.x, data.train.y, quiet).at("loss");
  model.fit(data.train.x, data.train.y, {.epochs = 1, .batch_size = batch_size, .verbose = 0, .seed = 1});
  const double after = model.evaluate(data.train.x, data.train.y, quiet).at("loss");
  qInfo("loss %.4f -> %.4f", before, after);
  QVERIFY2(after < before, (std::to_string(before) + " -> " + std::to_string(after)).c_str());
  const Logs test = model.evaluate(data.test.x, data.test.y, quiet);
  QVERIFY(std::isfinite(test.at("loss")));
}

ModelPtr build(const Demo& demo) {
  clear_session();
  set_random_seed(1337);
  return demo.build();
}

}  // namespace

class TestLayerDemos : public QObject {
  Q_OBJECT
 private slots:
  void fashion_mnist_cnn() {
    const Demo& demo = find_demo("fashion-mnist-cnn");
    ModelPtr model = build(demo);
    QCOMPARE(layer_classes(*model),
             (std::vector<std::string>{"InputLayer", "Reshape", "Conv2D", "BatchNormalization", "MaxPooling2D", "Conv2D",
                                       "BatchNormalization", "MaxPooling2D", "Flatten", "Dense", "Dropout", "Dense"}));
    QCOMPARE(output_of(*model, "MaxPooling2D"), Shape({Shape::kNone, 13, 13, 32}));
    QCOMPARE(output_of(*model, "Flatten"), Shape({Shape::kNone, 1600}));
    // mnist_convnet's, with Dense(128) and two BatchNormalization layers (4 per channel, half non-trainable).
    QCOMPARE(model->count_params(), int64_t(34826 - 16010 + 1600 * 128 + 128 + 1290 + 4 * (32 + 64)));
    if (!std::filesystem::exists(std::string(data::kFashionMnistDir) + "/train-images-idx3-ubyte.gz"))
      QSKIP("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    learns_in_one_epoch(*model, first_rows(demo.arrays(), 1024, 256), demo.batch_size);
  }

  void text_lstm() {
    const Demo& demo = find_demo("text-lstm");
    ModelPtr model = build(demo);
    QCOMPARE(layer_classes(*model), (std::vector<std::string>{"InputLayer", "LSTM", "LSTM", "Dense"}));
    QCOMPARE(output_of(*model, "LSTM"), Shape({Shape::kNone, 20, 128}));
    QCOMPARE(output_of(*model, "LSTM", 1), Shape({Shape::kNone, 128}));
    QCOMPARE(model->outputs()[0].shape(), Shape({Shape::kNone, 28}));
    QCOMPARE(model->count_params(), int64_t(80384 + 131584 + 3612));
    if (!std::filesystem::exists(data::kDefaultTextPath)) QSKIP("No /usr/share/dict/words (apt-get install wamerican)");
    Config small = demo.dataset;
    small["max_samples"] = 1200;
    data::TrainTest d = data::load_dataset(small);
    QCOMPARE(d.train.x.shape(), Shape({1080, 20, 28}));
    learns_in_one_epoch(*model, {{{d.train.x}, {d.train.y}}, {{d.test.x}, {d.test.y}}}, 32);
  }

  void sentiment_gru() {
    const Demo& demo = find_demo("sentiment-gru");
    ModelPtr model = build(demo);
    QCOMPARE(layer_classes(*model), (std::vector<std::string>{"InputLayer", "Embedding", "Bidirectional", "Dense"}));
    QCOMPARE(output_of(*model, "Embedding"), Shape({Shape::kNone, 16, 16}));
    QCOMPARE(output_of(*model, "Bidirectional"), Shape({Shape::kNone, 32}));
    const auto words = static_cast<int64_t>(data::sentiment_vocabulary().size());
    // Embedding, two GRUs of 16 units (reset_after: two bias rows), Dense.
    QCOMPARE(model->count_params(), words * 16 + 2 * 3 * (16 * 16 + 16 * 16 + 2 * 16) + 33);
    Demo::Arrays data = first_rows(demo.arrays(), 800, 200);
    learns_in_one_epoch(*model, data, demo.batch_size);
  }

  void functional_mixed() {
    const Demo& demo = find_demo("functional-mixed");
    QVERIFY(demo.dataset.is_null());
    ModelPtr model = build(demo);
    QCOMPARE(model->inputs().size(), size_t(2));
    QCOMPARE(model->outputs().size(), size_t(2));
    QCOMPARE(model->outputs()[0].shape(), Shape({Shape::kNone, 3}));
    QCOMPARE(model->outputs()[1].shape(), Shape({Shape::kNone, 1}));
    const std::vector<std::string> classes = layer_classes(*model);
    for (const char* wanted : {"Conv2D", "GlobalAveragePooling2D", "Concatenate", "Dense"})
      QVERIFY2(std::find(classes.begin(), classes.end(), wanted) != classes.end(), wanted);
    QCOMPARE(model->count_params(), int64_t(160 + 4640 + 80 + 3136 + 195 + 65));
    Demo::Arrays data = first_rows(demo.arrays(), 600, 200);
    QCOMPARE(data.train.x.size(), size_t(2));
    learns_in_one_epoch(*model, data, demo.batch_size);
  }
};

QTEST_APPLESS_MAIN(TestLayerDemos)
#include "test_layer_demos.moc"
