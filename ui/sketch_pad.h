// Draw something and see what the trained model makes of it: a square canvas the user draws on with the mouse,
// downsampled to the model's input (28x28 grey for Fashion-MNIST), and the class probabilities as a bar list,
// updated while drawing. The pen is white on black because the training images are: Fashion-MNIST and MNIST
// store a bright object on a dark background (0 is background). The model is a copy of the trained one, so
// a prediction never races training; predictions run in Qt's thread pool, one at a time, the latest drawing
// winning.
#pragma once
#include <QFutureWatcher>
#include <QImage>
#include <QWidget>
#include <string>
#include <vector>

#include "model/model.h"

class QLabel;
class QPushButton;
class QTimer;

namespace cornu::ui {

// The drawing surface: thick antialiased white strokes on black, kept at kSide pixels a side whatever the
// widget's size.
class SketchCanvas : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kSide = 280;
  explicit SketchCanvas(QWidget* parent = nullptr);
  void clear();
  bool empty() const { return empty_; }
  // The drawing averaged down to width x height, 0 (black) to 1 (white), row-major.
  std::vector<float> downsampled(int width, int height) const;
  QSize sizeHint() const override { return {kSide, kSide}; }
  bool hasHeightForWidth() const override { return true; }
  int heightForWidth(int width) const override { return width; }

 signals:
  void changed();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;

 private:
  QPointF to_ink(const QPointF& at) const;
  QRectF square() const;
  QImage ink_;
  QPointF last_;
  bool empty_ = true;
};

class SketchPad : public QWidget {
  Q_OBJECT

 public:
  explicit SketchPad(QWidget* parent = nullptr);
  ~SketchPad() override;  // waits for a prediction under way

  // A model of its own (a copy of the trained one, built on the UI thread) and the dataset's class names.
  void set_model(ModelPtr model, const std::vector<std::string>& class_names);
  // No model to ask: the canvas is disabled and `reason` says what to do.
  void set_unavailable(const QString& reason);
  bool available() const { return model_ != nullptr; }
  QString reason() const;
  const Model* model() const { return model_.get(); }

  SketchCanvas* canvas() const { return canvas_; }
  const std::vector<float>& probabilities() const { return probabilities_; }
  const std::vector<QString>& class_names() const { return names_; }
  int predictions() const { return predictions_; }  // finished since construction

 signals:
  void predicted();

 private:
  void predict();
  void show_result();
  QWidget* bars_;
  SketchCanvas* canvas_;
  QLabel* note_;
  QPushButton* clear_;
  QTimer* throttle_;
  QFutureWatcher<std::vector<float>> watcher_;
  ModelPtr model_;
  std::vector<QString> names_;
  std::vector<float> probabilities_;
  bool pending_ = false;  // the drawing changed while a prediction ran
  int predictions_ = 0;
};

}  // namespace cornu::ui
