#include "ui/sketch_pad.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

namespace cornu::ui {

namespace {

constexpr double kPenWidth = 22;  // in ink pixels: about 2 pixels at 28x28, the stroke width of the dataset's images

// The class probabilities as a list of bars, the most likely one in the accent colour.
class ProbabilityBars : public QWidget {
 public:
  void set(const std::vector<QString>& names, const std::vector<float>& p) {
    names_ = names;
    p_ = p;
    setMinimumHeight(static_cast<int>(names_.size()) * kRow + 4);
    update();
  }
  QSize sizeHint() const override { return {260, static_cast<int>(names_.size()) * kRow + 4}; }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const size_t best = p_.empty() ? names_.size() : static_cast<size_t>(std::max_element(p_.begin(), p_.end()) - p_.begin());
    const int name_width = std::min(120, width() / 3), value_width = 48;
    for (size_t i = 0; i < names_.size(); ++i) {
      const int top = static_cast<int>(i) * kRow + 2;
      const double value = i < p_.size() ? p_[i] : 0.0;
      p.setPen(palette().color(QPalette::Text));
      QFont f = font();
      f.setBold(i == best);
      p.setFont(f);
      p.drawText(QRect(0, top, name_width - 6, kRow), Qt::AlignVCenter | Qt::AlignRight, names_[i]);
      const QRectF track(name_width, top + 4, width() - name_width - value_width, kRow - 8);
      p.setPen(Qt::NoPen);
      p.setBrush(palette().color(QPalette::AlternateBase));
      p.drawRoundedRect(track, 3, 3);
      p.setBrush(i == best ? QColor(0x3d8bfd) : palette().color(QPalette::PlaceholderText));
      p.drawRoundedRect(QRectF(track.left(), track.top(), std::max(2.0, track.width() * value), track.height()), 3, 3);
      p.setPen(palette().color(QPalette::Text));
      p.drawText(QRect(width() - value_width, top, value_width, kRow), Qt::AlignVCenter | Qt::AlignRight,
                 QString("%1 %").arg(100.0 * value, 0, 'f', 1));
    }
  }

 private:
  static constexpr int kRow = 22;
  std::vector<QString> names_;
  std::vector<float> p_;
};

}  // namespace

SketchCanvas::SketchCanvas(QWidget* parent) : QWidget(parent), ink_(kSide, kSide, QImage::Format_Grayscale8) {
  ink_.fill(Qt::black);
  setMinimumSize(140, 140);
  setCursor(Qt::CrossCursor);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setToolTip(tr("Draw with the left mouse button; Clear starts again"));
}

void SketchCanvas::clear() {
  ink_.fill(Qt::black);
  empty_ = true;
  update();
  emit changed();
}

QRectF SketchCanvas::square() const {
  const double side = std::min(width(), height());
  return {(width() - side) / 2, (height() - side) / 2, side, side};
}

QPointF SketchCanvas::to_ink(const QPointF& at) const {
  const QRectF s = square();
  return {(at.x() - s.left()) / s.width() * kSide, (at.y() - s.top()) / s.height() * kSide};
}

void SketchCanvas::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  last_ = to_ink(event->position());
  mouseMoveEvent(event);  // a click leaves a dot
}

void SketchCanvas::mouseMoveEvent(QMouseEvent* event) {
  if (!(event->buttons() & Qt::LeftButton)) return;
  const QPointF at = to_ink(event->position());
  QPainter p(&ink_);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(Qt::white, kPenWidth, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
  p.drawLine(last_, at);
  last_ = at;
  empty_ = false;
  update();
  emit changed();
}

void SketchCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::SmoothPixmapTransform);
  p.drawImage(square(), ink_);
  p.setPen(QPen(palette().color(QPalette::Mid), 1));
  p.drawRect(square().adjusted(0, 0, -1, -1));
  if (!isEnabled()) p.fillRect(square(), QColor(128, 128, 128, 120));
}

std::vector<float> SketchCanvas::downsampled(int width, int height) const {
  // Qt's smooth downscale averages over each target pixel's area, as the datasets' own anti-aliasing does.
  const QImage small = ink_.scaled(width, height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
  std::vector<float> values;
  values.reserve(static_cast<size_t>(width * height));
  for (int y = 0; y < height; ++y) {
    const uchar* row = small.constScanLine(y);
    for (int x = 0; x < width; ++x) values.push_back(row[x] / 255.0f);
  }
  return values;
}

SketchPad::SketchPad(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  canvas_ = new SketchCanvas;
  canvas_->setObjectName("sketch-canvas");
  layout->addWidget(canvas_, 1);
  auto* side = new QVBoxLayout;
  auto* bars = new ProbabilityBars;
  bars->setObjectName("sketch-probabilities");
  bars_ = bars;
  side->addWidget(bars_);
  note_ = new QLabel;
  note_->setObjectName("sketch-note");
  note_->setWordWrap(true);
  side->addWidget(note_);
  side->addStretch(1);
  clear_ = new QPushButton(tr("Clear"));
  clear_->setObjectName("sketch-clear");
  side->addWidget(clear_, 0, Qt::AlignLeft);
  layout->addLayout(side, 1);

  throttle_ = new QTimer(this);
  throttle_->setSingleShot(true);
  throttle_->setInterval(60);  // at most about 16 predictions a second while drawing
  connect(canvas_, &SketchCanvas::changed, this, [this] { if (!throttle_->isActive()) throttle_->start(); });
  connect(throttle_, &QTimer::timeout, this, &SketchPad::predict);
  connect(clear_, &QPushButton::clicked, canvas_, &SketchCanvas::clear);
  connect(&watcher_, &QFutureWatcher<std::vector<float>>::finished, this, &SketchPad::show_result);
  set_unavailable(tr("Train a model on image data (such as Fashion-MNIST) to try it on your own drawings."));
}

SketchPad::~SketchPad() { watcher_.waitForFinished(); }

void SketchPad::set_model(ModelPtr model, const std::vector<std::string>& class_names) {
  model_ = std::move(model);
  names_.clear();
  for (const std::string& n : class_names) names_.push_back(QString::fromStdString(n));
  canvas_->setEnabled(true);
  clear_->setEnabled(true);
  note_->setText(tr("Draw white on black, as the training images are (a bright object on a dark background)."));
  probabilities_.clear();
  static_cast<ProbabilityBars*>(bars_)->set(names_, probabilities_);
  if (!canvas_->empty()) predict();
}

void SketchPad::set_unavailable(const QString& reason) {
  model_.reset();
  names_.clear();
  probabilities_.clear();
  static_cast<ProbabilityBars*>(bars_)->set(names_, probabilities_);
  canvas_->setEnabled(false);
  clear_->setEnabled(false);
  note_->setText(reason);
}

QString SketchPad::reason() const { return available() ? QString() : note_->text(); }

void SketchPad::predict() {
  if (!model_) return;
  if (watcher_.isRunning()) {  // the latest drawing goes next
    pending_ = true;
    return;
  }
  pending_ = false;
  const Shape sample = model_->inputs().front().shape();  // (None, h, w) or (None, h, w, 1)
  const int height = static_cast<int>(sample[1]), width = static_cast<int>(sample[2]);
  const Tensor x = Tensor::from_vector(sample.with_batch(1), canvas_->downsampled(width, height));
  ModelPtr model = model_;  // the task keeps the model alive even if set_model replaces it meanwhile
  watcher_.setFuture(QtConcurrent::run([model, x]() -> std::vector<float> {
    try {
      return model->predict(x, 1).to_vector();
    } catch (const std::exception&) {
      return {};
    }
  }));
}

void SketchPad::show_result() {
  std::vector<float> p = watcher_.result();
  if (p.size() == 1) p = {1 - p[0], p[0]};  // one sigmoid unit: the probability of class 1
  ++predictions_;
  if (model_ && !p.empty()) {
    probabilities_ = p;
    while (names_.size() < p.size()) names_.push_back(tr("class %1").arg(names_.size()));
    static_cast<ProbabilityBars*>(bars_)->set(names_, probabilities_);
  }
  emit predicted();
  if (pending_) predict();
}

}  // namespace cornu::ui
