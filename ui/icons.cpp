#include "ui/icons.h"

#include <QApplication>
#include <QFile>
#include <QHash>
#include <QIconEngine>
#include <QPainter>
#include <QPalette>
#include <QSvgRenderer>
#include <algorithm>
#include <cmath>
#include <memory>

#include "ui/theme.h"

// The icons are compiled into the static cornu_ui library, whose resource initialiser the linker would drop
// as nothing refers to it: this reference keeps it (Q_INIT_RESOURCE must be called outside namespaces).
static void init_cornu_resources() { Q_INIT_RESOURCE(resources); }

namespace cornu::ui {

namespace {

void ensure_resources() {
  static const bool done = (init_cornu_resources(), true);
  (void)done;
}

// Renders an SVG at exactly the pixel size asked for, optionally as a mask filled with one colour.
class SvgIconEngine final : public QIconEngine {
 public:
  enum class Tint { None, Fixed, WindowText };

  SvgIconEngine(const QString& path, Tint tint, const QColor& color)
      : path_(path), tint_(tint), color_(color), renderer_(std::make_shared<QSvgRenderer>(path)) {}

  void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State state) override {
    // The device transform holds every scale between the rect and the pixels: the screen's device pixel
    // ratio, a zoomed canvas, a grab into a 2x pixmap (where the device itself reports 1).
    const QTransform& t = painter->deviceTransform();
    const qreal ratio = std::clamp(std::hypot(t.m11(), t.m12()), 1.0, 8.0);
    QPixmap image = render((QSizeF(rect.size()) * ratio).toSize(), mode);
    image.setDevicePixelRatio(ratio);
    painter->drawPixmap(rect, image);
  }

  // QIcon::pixmap(size, dpr) asks for size * dpr device pixels here: rendering at that size keeps it crisp.
  QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State) override { return render(size, mode); }
  QSize actualSize(const QSize& size, QIcon::Mode, QIcon::State) override { return size; }
  QIconEngine* clone() const override { return new SvgIconEngine(*this); }
  QString key() const override { return QStringLiteral("cornu-svg"); }
  bool isNull() override { return !renderer_->isValid(); }

 private:
  QColor tint_color(QIcon::Mode mode) const {
    const QPalette palette = QApplication::palette();
    if (mode == QIcon::Disabled) return palette.color(QPalette::Disabled, QPalette::WindowText);
    if (mode == QIcon::Selected) return palette.color(QPalette::HighlightedText);
    return tint_ == Tint::Fixed ? color_ : palette.color(QPalette::WindowText);
  }

  // Item views repaint their icons often: the last few renderings are kept, keyed by everything they show.
  QPixmap render(const QSize& size, QIcon::Mode mode) const {
    const QString key = QStringLiteral("%1x%2:%3:%4").arg(size.width()).arg(size.height()).arg(int(mode))
                            .arg(tint_ == Tint::None ? 0u : tint_color(mode).rgba());
    if (auto it = cache_->find(key); it != cache_->end()) return *it;
    if (cache_->size() > 32) cache_->clear();
    return cache_->insert(key, draw(size, mode)).value();
  }

  QPixmap draw(const QSize& size, QIcon::Mode mode) const {
    QPixmap out(size.isValid() && !size.isEmpty() ? size : QSize(1, 1));
    out.fill(Qt::transparent);
    if (!renderer_->isValid()) return out;
    QPainter painter(&out);
    painter.setRenderHint(QPainter::Antialiasing);
    renderer_->render(&painter, QRectF(QPointF(0, 0), QSizeF(out.size())));
    if (tint_ != Tint::None) {
      // Keep the drawing's coverage (alpha), replace its colour.
      painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
      painter.fillRect(out.rect(), tint_color(mode));
    } else if (mode == QIcon::Disabled) {
      painter.setCompositionMode(QPainter::CompositionMode_DestinationIn);
      painter.fillRect(out.rect(), QColor(0, 0, 0, 110));
    }
    return out;
  }

  QString path_;
  Tint tint_;
  QColor color_;
  std::shared_ptr<QSvgRenderer> renderer_;  // parsed once, shared by the icon's copies
  std::shared_ptr<QHash<QString, QPixmap>> cache_ = std::make_shared<QHash<QString, QPixmap>>();
};

QString slug(const std::string& name) {
  QString out;
  for (QChar c : QString::fromStdString(name).toLower()) {
    if (c.isLetterOrNumber())
      out += c;
    else if (!out.endsWith('-'))
      out += '-';
  }
  while (out.endsWith('-')) out.chop(1);
  return out;
}

// One icon per file and tint for the whole application (a QIcon copy shares its engine and cache).
QIcon make(const QString& path, SvgIconEngine::Tint tint, const QColor& color = QColor()) {
  ensure_resources();
  // Never destroyed: icons must not outlive the application object, which static destructors would make them.
  static auto* made = new QHash<QString, QIcon>;
  const QString key = QStringLiteral("%1:%2:%3").arg(path).arg(int(tint)).arg(color.isValid() ? color.rgba() : 0u);
  if (auto it = made->find(key); it != made->end()) return *it;
  const QIcon icon = QFile::exists(path) ? QIcon(new SvgIconEngine(path, tint, color)) : QIcon();
  made->insert(key, icon);
  return icon;
}

}  // namespace

QString category_icon_path(const std::string& category) {
  ensure_resources();
  const QString path = QStringLiteral(":/icons/category-%1.svg").arg(slug(category));
  return QFile::exists(path) ? path : QStringLiteral(":/icons/category-other.svg");
}

QIcon tinted_svg_icon(const QString& path, const QColor& color) {
  return make(path, color.isValid() ? SvgIconEngine::Tint::Fixed : SvgIconEngine::Tint::WindowText, color);
}

QIcon category_icon(const std::string& category) {
  return tinted_svg_icon(category_icon_path(category), category_color(category));
}

QIcon action_icon(const QString& name) { return tinted_svg_icon(QStringLiteral(":/icons/%1.svg").arg(name)); }

QIcon status_icon(const QString& name) {
  return make(QStringLiteral(":/icons/status-%1.svg").arg(name), SvgIconEngine::Tint::None);
}

QIcon app_icon() { return make(QStringLiteral(":/icons/cornu.svg"), SvgIconEngine::Tint::None); }

}  // namespace cornu::ui
