// The default demo's promise: fashion-mnist-mlp reaches at least 88% test accuracy within 10 epochs with
// the default seed. Fashion-MNIST comes from Debian's dataset-fashion-mnist (installed by the README's
// commands); without it the test is skipped with that reason.
#include <QtTest>

#include <filesystem>

#include "data/fashion_mnist.h"
#include "demos/demos.h"

using namespace cornu;

class TestFashionMnistDemo : public QObject {
  Q_OBJECT
 private slots:
  void reaches_88_percent_in_10_epochs() {
    if (!std::filesystem::exists(std::string(data::kFashionMnistDir) + "/train-images-idx3-ubyte.gz"))
      QSKIP("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    const Demo& demo = find_demo("fashion-mnist-mlp");
    auto data = demo.load();
    set_random_seed(1337);  // the command line's default seed
    ModelPtr model = demo.build();
    FitOptions fit;
    fit.epochs = 10;
    fit.batch_size = demo.batch_size;
    fit.validation_split = demo.validation_split;
    fit.seed = 1337;
    fit.verbose = 2;
    model->fit(data.train.x, data.train.y, fit);
    Logs test = model->evaluate(data.test.x, data.test.y, {.batch_size = 256, .verbose = 0});
    qInfo("test accuracy %.4f, loss %.4f", test["accuracy"], test["loss"]);
    QVERIFY2(test["accuracy"] >= 0.88, std::to_string(test["accuracy"]).c_str());
  }
};

QTEST_APPLESS_MAIN(TestFashionMnistDemo)
#include "test_fashion_mnist_demo.moc"
