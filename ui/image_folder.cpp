#include "ui/image_folder.h"

#include <QDir>
#include <QImage>
#include <QImageReader>

#include "core/error.h"
#include "data/builtin_datasets.h"
#include "data/file_datasets.h"

namespace cornu::ui {
namespace {

constexpr const char* kLayout =
    "Expected layout: one subfolder per class holding its images, e.g. <folder>/cat/001.png, <folder>/dog/002.jpg.";

struct ImageOptions {
  int width = 28, height = 28;
  bool rgb = false;
  Shape sample() const { return rgb ? Shape{height, width, 3} : Shape{height, width}; }
};

ImageOptions image_options(const Config& c) {
  return {c.at("width").get<int>(), c.at("height").get<int>(), c.at("color_mode").get<std::string>() == "rgb"};
}

QDir existing_folder(const Config& c, const std::string& key) {
  const std::string path = c.at(key).get<std::string>();
  if (path.empty()) throw IoError("The image-folder dataset has no folder in `" + key + "`: choose one. " + kLayout);
  QDir dir(QString::fromStdString(path));
  if (!dir.exists())
    throw IoError("Cannot read the folder '" + path + "' (" + key + "): it does not exist. Check the path.");
  return dir;
}

QStringList class_folders(const QDir& dir) {
  return dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

QStringList files_of(const QDir& dir, const QString& class_name) {
  return QDir(dir.filePath(class_name)).entryList(QDir::Files, QDir::Name);
}

// Pixels of one image, resized and converted, scaled to [0, 1], appended to `pixels`; "" or the reason it failed.
QString append_pixels(const QString& file, const ImageOptions& o, std::vector<float>& pixels) {
  QImageReader reader(file);
  QImage image = reader.read();
  if (image.isNull()) return reader.errorString();
  image = image.scaled(o.width, o.height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
              .convertToFormat(QImage::Format_RGB888);
  for (int row = 0; row < o.height; ++row) {
    const uchar* rgb = image.constScanLine(row);
    for (int x = 0; x < o.width; ++x, rgb += 3) {
      if (o.rgb) {
        for (int c = 0; c < 3; ++c) pixels.push_back(static_cast<float>(rgb[c]) / 255.0f);
      } else {  // ITU-R 601 luma, as Keras (tf.image.rgb_to_grayscale) and PIL compute grey; Qt 6's own
                // Grayscale8 conversion weighs colours in linear light and would disagree with a Keras twin.
        pixels.push_back((0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2]) / 255.0f);
      }
    }
  }
  return {};
}

// Every readable image under `dir`, labelled by the index of its subfolder's name in `classes`.
data::ArrayDataset read_folder(const QDir& dir, const QStringList& classes, const ImageOptions& o,
                               std::vector<std::string>& warnings) {
  std::vector<float> pixels;
  std::vector<int32_t> labels;
  for (const QString& name : class_folders(dir)) {
    const auto id = static_cast<int32_t>(classes.indexOf(name));
    if (id < 0)
      throw IoError("The test folder '" + dir.path().toStdString() + "' has the class '" + name.toStdString() +
                    "', which the training folder lacks. The test set may only hold classes the model learns.");
    for (const QString& file : files_of(dir, name)) {
      const QString full = QDir(dir.filePath(name)).filePath(file);
      if (QString why = append_pixels(full, o, pixels); !why.isEmpty()) {
        warnings.push_back(full.toStdString() + ": skipped, not a readable image (" + why.toStdString() + ").");
        continue;
      }
      labels.push_back(id);
    }
  }
  if (labels.empty())
    throw IoError("The folder '" + dir.path().toStdString() + "' holds no readable images. " + kLayout);
  const auto n = static_cast<int64_t>(labels.size());
  return {Tensor::from_vector(Shape::batched(o.sample(), n), pixels),
          Tensor::from_vector(Shape{n}, labels)};
}

std::vector<std::string> names_of(const QStringList& classes) {
  std::vector<std::string> names;
  for (const QString& c : classes) names.push_back(c.toStdString());
  return names;
}

QStringList checked_classes(const QDir& dir) {
  const QStringList classes = class_folders(dir);
  bool any_file = false;
  for (const QString& c : classes) any_file = any_file || !files_of(dir, c).isEmpty();
  if (!any_file)
    throw IoError("The folder '" + dir.path().toStdString() + "' has no class subfolders with files in them. " +
                  kLayout);
  return classes;
}

data::TrainTest load(const Config& c) {
  const ImageOptions o = image_options(c);
  const QDir train_dir = existing_folder(c, "path");
  const QStringList classes = checked_classes(train_dir);
  data::TrainTest d;
  d.class_names = names_of(classes);
  data::ArrayDataset train = read_folder(train_dir, classes, o, d.warnings);
  if (c.at("test_path").get<std::string>().empty()) {
    std::tie(d.train, d.test) = data::split_by_fraction(train, c);
  } else {
    d.train = train;
    d.test = read_folder(existing_folder(c, "test_path"), classes, o, d.warnings);
  }
  return d;
}

// Folder listings only: no image is decoded.
data::DatasetInfo info(const Config& c) {
  const QStringList classes = checked_classes(existing_folder(c, "path"));
  if (!c.at("test_path").get<std::string>().empty()) existing_folder(c, "test_path");
  return {image_options(c).sample(), data::LabelKind::Classes, static_cast<int>(classes.size()), names_of(classes)};
}

data::DatasetEntry image_folder_entry() {
  using data::path_param;
  std::vector<ParamSpec> params = {
      path_param("path", std::string("The training images: one subfolder per class, named after it. ") + kLayout,
                 PathKind::Folder),
      path_param("test_path", "A folder of test images laid out the same way; empty: test_fraction of the "
                              "training images are held out.", PathKind::Folder),
      {.name = "width", .type = ParamType::Int, .default_value = 28, .doc = "Width every image is resized to.",
       .minimum = 1, .maximum = 1024},
      {.name = "height", .type = ParamType::Int, .default_value = 28, .doc = "Height every image is resized to.",
       .minimum = 1, .maximum = 1024},
      {.name = "color_mode", .type = ParamType::Enum, .default_value = "grayscale",
       .doc = "grayscale: samples (height, width), as Fashion-MNIST; rgb: (height, width, 3).",
       .choices = {"grayscale", "rgb"}}};
  for (ParamSpec& p : data::split_params()) params.push_back(std::move(p));
  return {.name = "image-folder",
          .doc = "Your own images, one subfolder per class (PNG, JPEG, BMP...), resized and scaled to [0, 1]; "
                 "unreadable files are skipped with a warning.",
          .params = std::move(params),
          .info = info,
          .load = load};
}

}  // namespace

void register_image_datasets() {
  for (const data::DatasetEntry& e : data::builtin_datasets())
    if (e.name == "image-folder") return;
  data::register_dataset(image_folder_entry());
}

}  // namespace cornu::ui
