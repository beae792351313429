// Renders the app icon (an SVG) to the PNG sizes a desktop's icon theme looks up (hicolor/NxN/apps), at
// build time, so the PNGs never drift from the SVG and the repository holds no binaries.
// Usage: cornu_render_icon ICON.svg THEME_DIR SIZE...   writes THEME_DIR/SIZExSIZE/apps/ICON.png for each size.
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "Usage: %s ICON.svg THEME_DIR SIZE...\n", argv[0]);
    return 2;
  }
  // No QGuiApplication: the icon has no text, and painting on a QImage needs no display (nor a platform).
  const QString svg = QString::fromLocal8Bit(argv[1]);
  QSvgRenderer renderer(svg);
  if (!renderer.isValid()) {
    std::fprintf(stderr, "Cannot render '%s': it is missing or not a valid SVG file.\n", argv[1]);
    return 1;
  }
  const QString name = QFileInfo(svg).completeBaseName() + ".png";
  for (int i = 3; i < argc; ++i) {
    bool ok = false;
    const int size = QString::fromLocal8Bit(argv[i]).toInt(&ok);
    if (!ok || size < 8 || size > 2048) {
      std::fprintf(stderr, "Icon size '%s' is not a number of pixels from 8 to 2048.\n", argv[i]);
      return 2;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHints(QPainter::Antialiasing | QPainter::SmoothPixmapTransform);
    renderer.render(&painter);
    painter.end();
    const QString dir = QString::fromLocal8Bit(argv[2]) + QString("/%1x%1/apps").arg(size);
    const QString out = dir + "/" + name;
    if (!QDir().mkpath(dir) || !image.save(out, "PNG")) {
      std::fprintf(stderr, "Cannot write '%s': check that the folder is writable.\n", qPrintable(out));
      return 1;
    }
  }
  return 0;
}
