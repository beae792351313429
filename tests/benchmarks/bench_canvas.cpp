// Canvas frame times: a 500-node graph (residual blocks, laid out by Graphviz) in a 1600x1000 view, panned and
// zoomed step by step, each step painted synchronously (repaint), as the user's screen would be. Prints the
// median and 95th-percentile frame time per interaction and zoom level; 16.7 ms is the 60 frames/s budget.
// Runs on the offscreen platform by default (raster painting, like a software-rendered X server).
#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "nodes/compile.h"
#include "nodes/document.h"
#include "nodes/live_checks.h"
#include "ui/canvas.h"
#include "project_fixtures.h"
#include "ui/theme.h"

using namespace cornu;

namespace {

// Input -> 166 blocks [Dense 64 relu -> Dropout -> Add(block input, dropout)] -> Output: 500 nodes, 665 edges.
nodes::ProjectData residual_graph(int nodes_wanted) {
  nodes::Document doc;
  const int input = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 64}}});
  const int prev = test::add_residual_blocks(doc, input, (nodes_wanted - 2) / 3);
  int out = doc.add_node("Output", 0, 0, {{"loss", "mean_squared_error"}});
  doc.connect({prev, 0}, {out, 0});
  nodes::ProjectData data = doc.data();
  nodes::arrange(data.graph);
  return data;
}

void report(const char* what, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  const double median = ms[ms.size() / 2], p95 = ms[ms.size() * 95 / 100];
  std::printf("%-40s median %6.2f ms  p95 %6.2f ms  (%5.0f frames/s at the median)  %s\n", what, median, p95,
              1000.0 / median, p95 <= 1000.0 / 60 ? "within 60 fps" : "SLOWER than 60 fps");
}

}  // namespace

int main(int argc, char** argv) {
  if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  QApplication app(argc, argv);
  ui::apply_theme(app, ui::ThemeMode::Light);
  const int count = argc > 1 ? std::atoi(argv[1]) : 500;

  nodes::Document doc;
  doc.reset(residual_graph(count));
  nodes::LiveChecks checks(doc);
  ui::Selection selection;
  ui::CanvasScene scene(doc, checks, selection);
  ui::CanvasView view(&scene);
  view.resize(1600, 1000);
  view.show();
  app.processEvents();
  std::printf("Canvas: %zu nodes, %zu edges, view %dx%d, platform %s\n", doc.nodes().size(), doc.edges().size(),
              view.viewport()->width(), view.viewport()->height(), qPrintable(QGuiApplication::platformName()));

  auto frame = [&](auto&& change) {
    QElapsedTimer t;
    t.start();
    change();
    view.viewport()->repaint();  // synchronous paint of the whole frame
    return t.nsecsElapsed() / 1e6;
  };
  const QRectF content = scene.content_rect();
  for (double zoom : {1.0, 0.5, 0.25, 0.1}) {
    view.resetTransform();
    view.scale(zoom, zoom);
    view.centerOn(content.center().x(), content.top() + 500);
    std::vector<double> pan;
    for (int i = 0; i < 120; ++i)
      pan.push_back(frame([&] { view.verticalScrollBar()->setValue(view.verticalScrollBar()->value() + 12); }));
    char label[64];
    std::snprintf(label, sizeof label, "pan at %3.0f %% zoom", zoom * 100);
    report(label, pan);
  }
  view.resetTransform();
  view.centerOn(content.center());
  std::vector<double> zoom;
  for (int i = 0; i < 120; ++i)
    zoom.push_back(frame([&] { const double f = i % 60 < 30 ? 0.95 : 1 / 0.95; view.scale(f, f); }));
  report("zoom 100 % -> 21 % -> 100 %", zoom);
  view.resetTransform();
  view.fitInView(content, Qt::KeepAspectRatio);
  std::vector<double> overview;
  for (int i = 0; i < 60; ++i)
    overview.push_back(frame([&] { view.horizontalScrollBar()->setValue(view.horizontalScrollBar()->value() + (i % 2 ? 3 : -3)); }));
  report("whole graph in view (fit)", overview);
  return 0;
}
