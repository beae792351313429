// The "image-folder" dataset (ui/image_folder.cpp): class subfolders of images written here with QImage,
// plus a corrupt file, read through the engine's dataset registry.
#include <QtTest>

#include <QFile>
#include <QImage>
#include <filesystem>

#include "core/error.h"
#include "data/builtin_datasets.h"
#include "error_message.h"
#include "test_datasets.h"
#include "ui/image_folder.h"

using namespace cornu;
using namespace cornu::data;
using test::io_error;

class TestImageFolder : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string path(const QString& name) const { return (tmp_.path() + "/" + name).toStdString(); }

  // <root>/<class>/<i>.png: `count` solid images of 12x10 pixels in the class's colour.
  void write_class(const QString& root, const QString& name, QColor colour, int count) {
    QDir().mkpath(tmp_.path() + "/" + root + "/" + name);
    for (int i = 0; i < count; ++i) {
      QImage image(12, 10, QImage::Format_RGB32);
      image.fill(colour);
      QVERIFY(image.save(tmp_.path() + "/" + root + "/" + name + "/" + QString::number(i) + ".png"));
    }
  }

 private slots:
  void initTestCase() {
    ui::register_image_datasets();
    ui::register_image_datasets();  // a second call is harmless
    write_class("shapes", "square", QColor(51, 51, 51), 4);  // grey 0.2
    write_class("shapes", "circle", QColor(255, 0, 0), 3);   // red
    QFile broken(tmp_.path() + "/shapes/square/broken.png");
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("\x89PNG not really");
    broken.close();
    write_class("test", "circle", QColor(255, 0, 0), 2);
    QDir().mkpath(tmp_.path() + "/empty/cats");
  }

  void loads_grey_images_by_class_and_lists_the_broken_file() {
    Config c = {{"name", "image-folder"}, {"path", path("shapes")}, {"width", 8}, {"height", 6},
                {"test_fraction", 0.3}, {"seed", 3}};
    TrainTest d = load_dataset(c);
    QCOMPARE(d.class_names, (std::vector<std::string>{"circle", "square"}));
    QCOMPARE(d.train.x.shape().without_batch(), Shape({6, 8}));
    QCOMPARE(d.train.x.rows() + d.test.x.rows(), int64_t(7));
    QCOMPARE(d.test.x.rows(), int64_t(3));
    // Each image is uniform: red becomes Keras's grey of red (0.299), the dark grey 51 / 255 = 0.2.
    const float red_grey = 0.299f;
    for (const ArrayDataset* part : {&d.train, &d.test}) {
      std::vector<float> x = part->x.to_vector();
      std::vector<int32_t> y = part->y.to_int_vector();
      for (size_t i = 0; i < y.size(); ++i) {
        const float expected = y[i] == 0 ? red_grey : 0.2f;
        QVERIFY2(std::fabs(x[i * 48] - expected) < 0.002f, qPrintable(QString::number(x[i * 48])));
        QCOMPARE(x[i * 48 + 47], x[i * 48]);
      }
    }
    QCOMPARE(d.warnings.size(), size_t(1));
    QVERIFY2(QString::fromStdString(d.warnings[0]).contains("broken.png"), d.warnings[0].c_str());
    QCOMPARE(load_dataset(c).test.x.to_vector(), d.test.x.to_vector());  // the seed fixes the split

    DatasetInfo info = dataset_info(c);
    QCOMPARE(info.sample_shape, Shape({6, 8}));
    QCOMPARE(info.classes, 2);
  }

  void rgb_and_a_separate_test_folder() {
    Config c = {{"name", "image-folder"}, {"path", path("shapes")}, {"test_path", path("test")},
                {"color_mode", "rgb"}, {"width", 4}, {"height", 4}};
    TrainTest d = load_dataset(c);
    QCOMPARE(d.train.x.shape(), Shape({7, 4, 4, 3}));
    QCOMPARE(d.test.x.shape(), Shape({2, 4, 4, 3}));
    QCOMPARE(d.test.y.to_int_vector(), (std::vector<int32_t>{0, 0}));  // circle is class 0 in the training folder
    std::vector<float> red = d.test.x.to_vector();
    QCOMPARE(red[0], 1.0f);
    QCOMPARE(red[1], 0.0f);
    QCOMPARE(red[2], 0.0f);
    QCOMPARE(dataset_info(c).sample_shape, Shape({4, 4, 3}));
  }

  void reads_the_shared_mnist_pngs() {
    const std::string dir = test::shared_datasets();
    if (!std::filesystem::exists(dir + "/images/mnist_png_subset"))
      QSKIP(("The shared datasets are not here (" + dir + "/images/mnist_png_subset).").c_str());
    TrainTest d = load_dataset({{"name", "image-folder"}, {"path", dir + "/images/mnist_png_subset"}});
    QCOMPARE(d.class_names.size(), size_t(10));
    QCOMPARE(d.class_names.front(), std::string("0"));
    QCOMPARE(d.train.x.rows() + d.test.x.rows(), int64_t(500));
    QCOMPARE(d.train.x.shape().without_batch(), Shape({28, 28}));
    std::vector<float> x = d.train.x.to_vector();
    QCOMPARE(*std::max_element(x.begin(), x.end()), 1.0f);
    QVERIFY(d.warnings.empty());
  }

  void folders_without_images_say_what_layout_is_expected() {
    QString empty = io_error([&] { dataset_info({{"name", "image-folder"}, {"path", path("empty")}}); });
    QVERIFY2(empty.contains("no class subfolders with files") && empty.contains("one subfolder per class"),
             qPrintable(empty));
    QString flat = io_error([&] { load_dataset({{"name", "image-folder"}, {"path", path("shapes/circle")}}); });
    QVERIFY2(flat.contains("one subfolder per class"), qPrintable(flat));
    QString missing = io_error([&] { load_dataset({{"name", "image-folder"}, {"path", path("nowhere")}}); });
    QVERIFY2(missing.contains("nowhere") && missing.contains("does not exist"), qPrintable(missing));
    QVERIFY(io_error([] { dataset_info({{"name", "image-folder"}}); }).contains("choose one"));
    const DatasetEntry& entry = find_dataset("image-folder");
    QCOMPARE(entry.params.front().path, PathKind::Folder);
    for (const ParamSpec& p : entry.params) QVERIFY2(!p.doc.empty(), p.name.c_str());
  }
};

QTEST_MAIN(TestImageFolder)
#include "test_image_folder.moc"
