#include "ui/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <csignal>
#include <set>

#include "core/error.h"
#include "data/builtin_datasets.h"
#include "demos/demos.h"
#include "model/versions.h"
#include "nodes/catalog.h"
#include "nodes/compile.h"
#include "nodes/diagram.h"
#include "nodes/layout.h"
#include "nodes/project.h"
#include "nodes/runs.h"
#include "ui/canvas.h"
#include "ui/dashboard.h"
#include "ui/keras_files.h"
#include "ui/data_panel.h"
#include "ui/evaluation.h"
#include "ui/icons.h"
#include "ui/inspector.h"
#include "ui/layer_histograms.h"
#include "ui/palette.h"
#include "ui/problems_panel.h"
#include "ui/sketch_pad.h"
#include "ui/text_samples.h"
#include "ui/summary_panel.h"

namespace cornu::ui {

namespace {

constexpr const char* kFragmentMimeType = "application/x-cornu-fragment";
constexpr int kMaxRecent = 8;
// Graphs larger than this are laid out on a worker thread (dot takes seconds on a thousand nodes).
constexpr size_t kArrangeInBackground = 150;

QString pretty_name(const QString& path) { return QFileInfo(path).fileName(); }

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), checks_(doc_), autosaver_(doc_) {
  setObjectName("MainWindow");
  setWindowIcon(app_icon());
  setDockNestingEnabled(true);

  scene_ = new CanvasScene(doc_, checks_, selection_, this);
  view_ = new CanvasView(scene_);
  view_->setObjectName("canvas");

  // The bar above the canvas that shows where you are when a unit is open ("model › block_1").
  scope_bar_ = new QWidget;
  auto* scope_layout = new QHBoxLayout(scope_bar_);
  scope_layout->setContentsMargins(8, 4, 8, 4);
  auto* back = new QToolButton;
  back->setObjectName("leave-unit-button");
  back->setText(tr("‹ Back to the model"));
  back->setAutoRaise(true);
  scope_label_ = new QLabel;
  scope_layout->addWidget(back);
  scope_layout->addWidget(scope_label_, 1);
  connect(back, &QToolButton::clicked, this, [this] { doc_.leave_unit(); });
  scope_bar_->hide();

  training_banner_ = new QLabel(tr("Training: the model is locked until the run ends. Pause or Stop it in the "
                                    "Training panel."));
  training_banner_->setObjectName("training-banner");
  training_banner_->setAlignment(Qt::AlignCenter);
  training_banner_->setStyleSheet("QLabel { background: #3d8bfd; color: white; padding: 4px; font-weight: bold; }");
  training_banner_->hide();

  auto* centre = new QWidget;
  auto* centre_layout = new QVBoxLayout(centre);
  centre_layout->setContentsMargins(0, 0, 0, 0);
  centre_layout->setSpacing(0);
  centre_layout->addWidget(training_banner_);
  centre_layout->addWidget(scope_bar_);
  centre_layout->addWidget(view_, 1);
  setCentralWidget(centre);

  build_docks();
  build_actions();
  build_menus_and_toolbar();

  status_problems_ = new QLabel;
  status_params_ = new QLabel;
  status_zoom_ = new QLabel;
  status_problems_->setMinimumWidth(status_problems_->fontMetrics().horizontalAdvance("888 errors · 888 warnings"));
  statusBar()->addPermanentWidget(status_problems_);
  statusBar()->addPermanentWidget(status_params_);
  statusBar()->addPermanentWidget(status_zoom_);

  connect(&doc_, &nodes::Document::changed, this, [this] { update_title(); update_actions(); });
  connect(&doc_.undo_stack(), &QUndoStack::cleanChanged, this, &MainWindow::update_title);
  connect(&doc_, &nodes::Document::scope_changed, this, [this] {
    update_scope_bar();
    // After the canvas has the new graph (changed() follows scope_changed()).
    QTimer::singleShot(0, view_, [this] { view_->fit_to_view(); });
  });
  connect(&checks_, &nodes::LiveChecks::updated, this, &MainWindow::update_status);
  connect(&selection_, &Selection::changed, this, [this] { update_actions(); });
  connect(view_, &CanvasView::zoom_changed, this, &MainWindow::update_status);
  connect(scene_, &CanvasScene::message, this, [this](const QString& m) { show_message(m); });
  connect(scene_, &CanvasScene::node_double_clicked, this, [this](int id) {
    if (doc_.at(id).type == nodes::kUnitType) {
      doc_.enter_unit(id);
    }
  });
  connect(&autosaver_, &nodes::Autosaver::failed, this,
          [this](const QString& m) { show_message(tr("Autosave failed: %1").arg(m), 15000); });

  restore_layout();
  update_title();
  update_status();
  update_actions();
}

MainWindow::~MainWindow() {
  // A layout still running posts its result to this window: let it finish first (its result is then dropped).
  if (arrange_thread_) arrange_thread_->wait();
  // The views refer to the document, checks and selection, which are members and so die before the
  // QObject children: silence them and take the views down first.
  for (QObject* source : std::initializer_list<QObject*>{&doc_, &doc_.undo_stack(), &checks_, &selection_, dashboard_})
    QObject::disconnect(source, nullptr, nullptr, nullptr);
  delete takeCentralWidget();
  qDeleteAll(findChildren<QDockWidget*>());
  delete scene_;
}

// --- construction -----------------------------------------------------------------------------------------

void MainWindow::build_docks() {
  auto dock = [this](const QString& title, const QString& name, QWidget* widget, Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(name);
    d->setWidget(widget);
    d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    addDockWidget(area, d);
    return d;
  };
  palette_ = new Palette;
  inspector_ = new Inspector(doc_, checks_, selection_);
  summary_ = new SummaryPanel(doc_, checks_, selection_);
  problems_ = new ProblemsPanel(doc_, checks_, selection_);
  dashboard_ = new Dashboard(doc_);
  evaluation_ = new EvaluationPanel;
  data_panel_ = new DataPanel(doc_);

  dock(tr("Layers"), "palette-dock", palette_, Qt::LeftDockWidgetArea);
  dock(tr("Inspector"), "inspector-dock", inspector_, Qt::RightDockWidgetArea);
  QDockWidget* summary_dock = dock(tr("Summary"), "summary-dock", summary_, Qt::BottomDockWidgetArea);
  QDockWidget* problems_dock = dock(tr("Problems"), "problems-dock", problems_, Qt::BottomDockWidgetArea);
  QDockWidget* training_dock = dock(tr("Training"), "training-dock", dashboard_, Qt::BottomDockWidgetArea);
  tabifyDockWidget(summary_dock, problems_dock);
  // Beside Training: the data is chosen and looked at just before a run, and the bottom area is wide
  // enough for the form and the preview side by side.
  tabifyDockWidget(problems_dock, dock(tr("Data"), "data-dock", data_panel_, Qt::BottomDockWidgetArea));
  QDockWidget* evaluation_dock = dock(tr("Evaluation"), "evaluation-dock", evaluation_, Qt::BottomDockWidgetArea);
  tabifyDockWidget(problems_dock, training_dock);
  tabifyDockWidget(training_dock, evaluation_dock);
  // Teaching views: the layers' statistics beside the charts, the Sketch Pad on demand (View menu).
  layer_histograms_ = new LayerHistograms;
  layer_histograms_->setObjectName("layer-histograms");
  auto* histograms_scroll = new QScrollArea;
  histograms_scroll->setWidget(layer_histograms_);
  histograms_scroll->setWidgetResizable(true);
  QDockWidget* histograms_dock = dock(tr("Layer Statistics"), "layer-statistics-dock", histograms_scroll, Qt::BottomDockWidgetArea);
  tabifyDockWidget(training_dock, histograms_dock);
  connect(dashboard_, &Dashboard::session_started, this, [this](TrainingSession* session) {
    layer_histograms_->clear();
    connect(session, &TrainingSession::layer_stats, layer_histograms_, &LayerHistograms::add);
  });
  sketch_pad_ = new SketchPad;
  sketch_pad_->setObjectName("sketch-pad");
  QDockWidget* sketch_dock = dock(tr("Sketch Pad"), "sketch-pad-dock", sketch_pad_, Qt::RightDockWidgetArea);
  sketch_dock->hide();
  connect(sketch_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) { if (visible) update_sketch_pad(); });
  connect(dashboard_, &Dashboard::run_finished, this, &MainWindow::update_sketch_pad);
  connect(&doc_, &nodes::Document::changed, this, [this, sketch_dock] { if (sketch_dock->isVisible()) update_sketch_pad(); });
  text_samples_ = new TextSamplesPanel;
  text_samples_->setObjectName("text-samples");
  QDockWidget* samples_dock = dock(tr("Text Samples"), "text-samples-dock", text_samples_, Qt::RightDockWidgetArea);
  samples_dock->hide();
  connect(samples_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) { if (visible) update_text_samples(); });
  connect(dashboard_, &Dashboard::run_finished, this, &MainWindow::update_text_samples);
  connect(&doc_, &nodes::Document::changed, this, [this, samples_dock] { if (samples_dock->isVisible()) update_text_samples(); });
  connect(dashboard_, &Dashboard::evaluated, this, [this, evaluation_dock](std::shared_ptr<const Predictions> p) {
    evaluation_->show_predictions(std::move(p));
    evaluation_dock->raise();
  });
  summary_dock->raise();
  connect(dashboard_, &Dashboard::training_changed, this, [this, training_dock](bool training) {
    if (training) {
      training_dock->raise();
      // The charts need room: grow the bottom area if it is smaller than that.
      if (training_dock->height() < 380) resizeDocks({training_dock}, {380}, Qt::Vertical);
    }
    set_training(training);
  });
  connect(dashboard_, &Dashboard::run_finished, this, [this](const QString& text) { show_message(text, 15000); });
  resizeDocks({findChild<QDockWidget*>("palette-dock"), findChild<QDockWidget*>("inspector-dock")}, {250, 330},
              Qt::Horizontal);
  resizeDocks({summary_dock}, {220}, Qt::Vertical);

  connect(palette_, &Palette::layer_activated, this,
          [this](const QString& type) { add_layer_below_selection(type.toStdString()); });
  connect(problems_, &ProblemsPanel::go_to_node, view_, &CanvasView::go_to_node);
  connect(problems_, &ProblemsPanel::go_to_edge, view_, &CanvasView::go_to_edge);
  connect(problems_, &ProblemsPanel::count_changed, this, [problems_dock](int errors, int warnings) {
    problems_dock->setWindowTitle(errors + warnings ? tr("Problems (%1)").arg(errors + warnings) : tr("Problems"));
  });
}

QAction* MainWindow::action(const QString& name) const { return findChild<QAction*>(name); }

void MainWindow::build_actions() {
  auto make = [this](const QString& name, const QString& text, auto slot, QList<QKeySequence> keys = {},
                     const QString& icon = {}) {
    auto* a = new QAction(text, this);
    a->setObjectName(name);
    a->setShortcuts(keys);
    if (!icon.isEmpty()) a->setIcon(action_icon(icon));
    connect(a, &QAction::triggered, this, slot);
    return a;
  };
  using K = QKeySequence;
  make("new", tr("&New"), [this] { if (maybe_save()) new_project(); }, K::keyBindings(K::New), "new");
  make("open", tr("&Open…"), [this] { open_dialog(); }, K::keyBindings(K::Open), "open");
  make("save", tr("&Save"), [this] { save(); }, K::keyBindings(K::Save), "save");
  make("save-as", tr("Save &As…"), [this] { save_as(); }, K::keyBindings(K::SaveAs), "save-as");
  make("export-diagram", tr("&Diagram…"), [this] { export_diagram(); }, {K(tr("Ctrl+E"))}, "export-diagram");
  action("export-diagram")->setToolTip(tr("Export Diagram"));
  make("import-keras", tr("&Import Keras Model…"), [this] {
    if (!maybe_save()) return;
    const QString project = import_keras_model(this);
    if (!project.isEmpty() && open_file(project)) show_message(tr("Imported into %1").arg(project));
  }, {K(tr("Ctrl+I"))});
  auto keras_export = [this](KerasExport format) {
    nodes::ProjectData project = doc_.data();
    project.path = doc_.file_path().toStdString();
    const QString base = QFileInfo(doc_.file_path().isEmpty() ? untitled_name_.section(' ', 0, 0) : doc_.file_path()).completeBaseName();
    const QString done = export_keras(this, format, project, {dashboard_->trained_model(), dashboard_->trained_graph()},
                                      doc_.file_path().isEmpty() ? base : QFileInfo(doc_.file_path()).absolutePath() + "/" + base);
    if (!done.isEmpty()) show_message(done, 10000);
  };
  make("export-h5", tr("Keras &HDF5 (.h5)…"), [keras_export] { keras_export(KerasExport::H5); });
  make("export-keras", tr("Keras &Archive (.keras)…"), [keras_export] { keras_export(KerasExport::Archive); });
  make("export-python", tr("&Python Script (.py)…"), [keras_export] { keras_export(KerasExport::Python); });
  make("quit", tr("&Quit"), [this] { close(); }, K::keyBindings(K::Quit));

  QAction* undo = doc_.undo_stack().createUndoAction(this, tr("&Undo"));
  undo->setObjectName("undo");
  undo->setShortcuts(K::keyBindings(K::Undo));
  undo->setIcon(action_icon("undo"));
  QAction* redo = doc_.undo_stack().createRedoAction(this, tr("&Redo"));
  redo->setObjectName("redo");
  redo->setShortcuts(K::keyBindings(K::Redo));
  redo->setIcon(action_icon("redo"));
  make("cut", tr("Cu&t"), [this] { copy(); view_->delete_selection(); }, K::keyBindings(K::Cut), "cut");
  make("copy", tr("&Copy"), [this] { copy(); }, K::keyBindings(K::Copy), "copy");
  make("paste", tr("&Paste"), [this] { paste(); }, K::keyBindings(K::Paste), "paste");
  make("duplicate", tr("D&uplicate"), [this] { duplicate(); }, {K(tr("Ctrl+D"))}, "duplicate");
  QList<QKeySequence> del = K::keyBindings(K::Delete);
  del << K(Qt::Key_Backspace);
  make("delete", tr("&Delete"), [this] { view_->delete_selection(); }, del, "delete");
  make("select-all", tr("Select &All"), [this] {
    std::vector<int> ids;
    for (const auto& n : doc_.nodes()) ids.push_back(n.id);
    selection_.set(ids);
  }, K::keyBindings(K::SelectAll), "select-all");
  make("group-unit", tr("&Group into Unit"), [this] { group_into_unit(); }, {K(tr("Ctrl+G"))}, "group-unit");
  make("ungroup-unit", tr("U&ngroup Unit"), [this] { ungroup_unit(); }, {K(tr("Ctrl+Shift+G"))}, "ungroup-unit");
  make("open-unit", tr("&Open Unit"), [this] {
    const int id = selection_.single();
    if (id && doc_.at(id).type == nodes::kUnitType) doc_.enter_unit(id);
  }, {K(Qt::Key_Tab)});
  make("leave-unit", tr("&Leave Unit"), [this] { doc_.leave_unit(); }, {K(Qt::SHIFT | Qt::Key_Tab)});
  // Tab and Backspace belong to the canvas: elsewhere they move focus and edit text.
  for (const char* name : {"open-unit", "leave-unit", "delete"}) {
    action(name)->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    view_->addAction(action(name));
  }

  make("find-layer", tr("&Find Layer…"), [this] { palette_->focus_search(); }, K::keyBindings(K::Find));
  make("train", tr("&Train"), [this] { dashboard_->train(); }, {K(tr("Ctrl+T"))});
  make("stop-training", tr("&Stop Training"), [this] { dashboard_->stop(); }, {K(tr("Ctrl+."))});
  make("zoom-in", tr("Zoom &In"), [this] { view_->zoom_in(); }, K::keyBindings(K::ZoomIn), "zoom-in");
  make("zoom-out", tr("Zoom &Out"), [this] { view_->zoom_out(); }, K::keyBindings(K::ZoomOut), "zoom-out");
  make("zoom-fit", tr("Zoom to &Fit"), [this] { view_->fit_to_view(); }, {K(tr("Ctrl+0")), K(Qt::Key_Home)}, "zoom-fit");
  make("zoom-reset", tr("Actual &Size"), [this] { view_->reset_zoom(); }, {K(tr("Ctrl+1"))});
  make("arrange", tr("&Arrange"), [this] { arrange(); }, {K(tr("Ctrl+L"))}, "arrange");
}

void MainWindow::build_menus_and_toolbar() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(action("new"));
  file->addAction(action("open"));
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  recent_menu_->setObjectName("recent-menu");
  QMenu* examples = file->addMenu(tr("E&xamples"));
  examples->setObjectName("examples-menu");
  for (const Demo& demo : builtin_demos()) {
    QAction* a = examples->addAction(QString::fromStdString(demo.name), this, [this, name = demo.name] {
      if (maybe_save()) open_example(name);
    });
    a->setObjectName(QString::fromStdString("example-" + demo.name));
    a->setStatusTip(QString::fromStdString(demo.description));
  }
  file->addSeparator();
  file->addAction(action("save"));
  file->addAction(action("save-as"));
  file->addAction(action("import-keras"));
  QMenu* export_menu = file->addMenu(tr("&Export"));
  export_menu->setObjectName("export-menu");
  for (const char* name : {"export-h5", "export-keras", "export-python", "", "export-diagram"})
    *name ? (void)export_menu->addAction(action(name)) : (void)export_menu->addSeparator();
  file->addSeparator();
  file->addAction(action("quit"));
  rebuild_recent_menu();

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  for (const char* name : {"undo", "redo", "", "cut", "copy", "paste", "duplicate", "delete", "", "select-all",
                           "find-layer", "",
                           "group-unit", "ungroup-unit", "open-unit", "leave-unit"})
    *name ? (void)edit->addAction(action(name)) : (void)edit->addSeparator();

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (const char* name : {"zoom-in", "zoom-out", "zoom-fit", "zoom-reset", "", "arrange"})
    *name ? (void)view->addAction(action(name)) : (void)view->addSeparator();
  view->addSeparator();
  QMenu* theme = view->addMenu(tr("&Theme"));
  auto* themes = new QActionGroup(this);
  for (auto [mode, text, name] : {std::tuple{ThemeMode::System, tr("Follow the &System"), "theme-system"},
                                  std::tuple{ThemeMode::Light, tr("&Light"), "theme-light"},
                                  std::tuple{ThemeMode::Dark, tr("&Dark"), "theme-dark"}}) {
    QAction* a = theme->addAction(text, this, [this, mode = mode] { set_theme(mode); });
    a->setObjectName(name);
    a->setCheckable(true);
    themes->addAction(a);
  }
  view->addSeparator();
  for (QDockWidget* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  run->addAction(action("train"));
  run->addAction(action("stop-training"));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Cornu"), this, [this] {
    // The same versions as `cornu info` (engine/model/versions.h), so a bug report from either says the same.
    LibraryVersions v = library_versions();
    auto row = [](const QString& name, const std::string& value) {
      return QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
          .arg(name, QString::fromStdString(value).toHtmlEscaped());
    };
    QString rows = row(tr("OpenBLAS"), v.openblas) + row(tr("HDF5"), v.hdf5) +
                   row(tr("Qt"), std::string("runtime ") + qVersion() + ", built with " + QT_VERSION_STR) +
                   row(tr("CUDA"), v.cuda);
    if (v.cuda_compiled) {
      rows += row(tr("cuDNN"), v.cudnn);
      if (v.gpus.empty()) rows += row(tr("GPUs"), "none (" + v.no_gpu_reason + ")");
      for (const std::string& gpu : v.gpus) rows += row(tr("GPU"), gpu);
    }
    QMessageBox box(QMessageBox::NoIcon, tr("About Cornu"),
                    tr("<h3>Cornu %1</h3><p>Build and train neural networks visually, the Keras way.</p>"
                       "<p>Drag layers from the palette, wire an output port (bottom of a card) to an input "
                       "port (top), and watch the shapes flow.</p><table cellspacing=\"4\">%2</table>")
                        .arg(QString::fromStdString(v.cornu), rows),
                    QMessageBox::Ok, this);
    box.setIconPixmap(app_icon().pixmap(QSize(64, 64), devicePixelRatioF()));  // in colour, not theme-tinted
    box.exec();
  })->setObjectName("about");

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName("main-toolbar");
  bar->setIconSize(QSize(20, 20));
  for (const char* name : {"new", "open", "save", "", "undo", "redo", "", "delete", "group-unit", "", "zoom-in",
                           "zoom-out", "zoom-fit", "arrange", "", "export-diagram"})
    *name ? (void)bar->addAction(action(name)) : (void)bar->addSeparator();

  for (const char* name : {"cut", "copy", "paste", "duplicate", "delete", "", "group-unit", "ungroup-unit", "open-unit"})
    if (*name) view_->addAction(action(name));
}

void MainWindow::update_sketch_pad() {
  const Config& dataset = doc_.settings().dataset;
  if (dataset.is_null()) {
    sketch_pad_->set_unavailable(tr("Choose an image dataset (such as Fashion-MNIST) and train a model: then draw here "
                                    "to see what it makes of your drawing."));
    sketch_source_.reset();
    return;
  }
  data::DatasetInfo info;
  try {
    info = data::dataset_info(dataset);
  } catch (const std::exception& e) {
    sketch_pad_->set_unavailable(tr("The project's data cannot be read: %1").arg(e.what()));
    sketch_source_.reset();
    return;
  }
  const Shape& s = info.sample_shape;
  if (!(s.rank() == 2 || (s.rank() == 3 && s[2] == 1))) {
    sketch_pad_->set_unavailable(tr("The Sketch Pad draws grey images, but this project's samples have shape %1. "
                                    "It works with image data such as Fashion-MNIST (28x28).")
                                     .arg(QString::fromStdString(s.to_string())));
    sketch_source_.reset();
    return;
  }
  const ModelPtr& trained = dashboard_->trained_model();
  if (!trained || dashboard_->training() || !(dashboard_->trained_graph() == doc_.data().graph)) {
    sketch_pad_->set_unavailable(trained && !dashboard_->training()
                                     ? tr("The graph changed since the last run: train again to draw against it.")
                                     : tr("Train the model first: the pad shows what the trained model says about your drawing."));
    sketch_source_.reset();
    return;
  }
  if (sketch_source_.lock() == trained && sketch_pad_->available()) return;
  try {  // a copy of its own, built here (building touches process-wide state), so it never races a new run
    nodes::ProjectData project = doc_.data();
    project.graph = dashboard_->trained_graph();
    ModelPtr copy = nodes::build_model(project, /*compile=*/false);
    copy->set_weights(trained->get_weights());
    sketch_pad_->set_model(copy, info.class_names);
    sketch_source_ = trained;
  } catch (const std::exception& e) {
    sketch_pad_->set_unavailable(tr("The trained model cannot be copied for the pad: %1").arg(e.what()));
    sketch_source_.reset();
  }
}

void MainWindow::update_text_samples() {
  const Config& dataset = doc_.settings().dataset;
  const ModelPtr& trained = dashboard_->trained_model();
  QString reason;
  if (!dataset.is_object() || dataset.value("name", std::string()) != "text_characters")
    reason = tr("Text Samples reads what a character model writes: train a project on the text_characters dataset "
                "(File › Examples › text-lstm).");
  else if (!trained || dashboard_->training() || !(dashboard_->trained_graph() == doc_.data().graph))
    reason = trained && !dashboard_->training() ? tr("The graph changed since the last run: train again to sample it.")
                                                : tr("Train the model first: then it writes here.");
  if (reason.isEmpty() && text_samples_source_.lock() == trained && text_samples_->available()) return;
  if (reason.isEmpty()) {
    try {  // a copy of its own, as the Sketch Pad's, so sampling never races a new run
      nodes::ProjectData project = doc_.data();
      project.graph = dashboard_->trained_graph();
      ModelPtr copy = nodes::build_model(project, /*compile=*/false);
      copy->set_weights(trained->get_weights());
      text_samples_->set_model(copy, dataset);
      text_samples_source_ = trained;
      return;
    } catch (const std::exception& e) {
      reason = tr("The trained model cannot be copied for sampling: %1").arg(e.what());
    }
  }
  text_samples_->set_unavailable(reason);
  text_samples_source_.reset();
}

void MainWindow::restore_layout() {
  QSettings settings;
  resize(1440, 900);
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
  theme_ = static_cast<ThemeMode>(std::clamp(settings.value("window/theme", 0).toInt(), 0, 2));
  if (QAction* a = action(theme_ == ThemeMode::Dark ? "theme-dark" : theme_ == ThemeMode::Light ? "theme-light" : "theme-system"))
    a->setChecked(true);
}

void MainWindow::set_theme(ThemeMode mode) {
  theme_ = mode;
  apply_theme(*qApp, mode);
  QSettings().setValue("window/theme", static_cast<int>(mode));
}

void MainWindow::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) {
    scene_->update_colors();
    for (QAction* a : findChildren<QAction*>())  // icons are tinted with the text colour
      if (!a->objectName().isEmpty() && a->icon().isNull() == false) a->setIcon(action_icon(a->objectName()));
  }
  QMainWindow::changeEvent(event);
}

// --- state shown ------------------------------------------------------------------------------------------

void MainWindow::update_title() {
  const QString name = doc_.file_path().isEmpty() ? untitled_name_ : pretty_name(doc_.file_path());
  setWindowTitle(name + "[*] — Cornu");
  setWindowModified(doc_.dirty());
}

void MainWindow::update_status() {
  const nodes::CheckReport& r = checks_.report();
  int errors = 0, warnings = 0;
  for (const auto& p : r.problems) (p.severity == nodes::Severity::Error ? errors : warnings)++;
  auto count = [](int n, const QString& one, const QString& many) { return QString::number(n) + " " + (n == 1 ? one : many); };
  status_problems_->setText(errors || warnings ? count(errors, tr("error"), tr("errors")) + " · " +
                                                     count(warnings, tr("warning"), tr("warnings"))
                                               : tr("No problems"));
  status_params_->setText(tr("%1 parameters").arg(QLocale().toString(static_cast<qlonglong>(r.total_params))));
  status_zoom_->setText(QString("%1 %").arg(std::lround(view_->zoom() * 100)));
}

void MainWindow::update_actions() {
  const bool any = !selection_.empty();
  for (const char* name : {"cut", "copy", "duplicate", "group-unit"}) action(name)->setEnabled(any);
  const int single = selection_.single();
  const bool unit = single && doc_.node(single) && doc_.node(single)->type == nodes::kUnitType;
  action("ungroup-unit")->setEnabled(unit);
  action("open-unit")->setEnabled(unit);
  action("leave-unit")->setEnabled(!doc_.scope().empty());
  update_scope_bar();
}

void MainWindow::update_scope_bar() {
  scope_bar_->setVisible(!doc_.scope().empty());
  scope_label_->setText(tr("Editing unit <b>%1</b>. Changes apply to this unit; its ports are its Input and Output "
                           "nodes.").arg(QString::fromStdString(doc_.scope_title()).toHtmlEscaped()));
}

void MainWindow::show_message(const QString& text, int timeout_ms) { statusBar()->showMessage(text, timeout_ms); }

void MainWindow::set_training(bool training) {
  training_banner_->setVisible(training);
  view_->setInteractive(!training);
  view_->setAcceptDrops(!training);
  inspector_->setEnabled(!training);
  data_panel_->setEnabled(!training);  // as the inspector: the settings stay as the run found them
  palette_->setEnabled(!training);
  for (const char* name : {"undo", "redo", "cut", "paste", "duplicate", "delete", "group-unit", "ungroup-unit",
                           "arrange", "new", "open", "train"})
    action(name)->setEnabled(!training);
  action("stop-training")->setEnabled(training);
  if (!training) update_actions();
}

// --- files ------------------------------------------------------------------------------------------------

void MainWindow::new_project() {
  ++document_generation_;
  nodes::ProjectData p;
  doc_.reset(p);
  doc_.set_file_path({});
  untitled_name_ = "untitled";
  selection_.clear();
  update_title();
  view_->reset_zoom();
  view_->centerOn(0, 0);
}

void MainWindow::open_example(const std::string& demo_name) {
  ++document_generation_;
  const Demo& demo = find_demo(demo_name);
  doc_.reset(nodes::demo_project(demo));
  doc_.set_file_path({});
  untitled_name_ = QString::fromStdString(demo.name) + tr(" (example)");
  selection_.clear();
  update_title();
  view_->fit_to_view();
  show_message(QString::fromStdString(demo.description));
}

bool MainWindow::open_file(const QString& path) {
  try {
    QString from = path;
    const QString recovered = nodes::Autosaver::recoverable(path);
    if (!recovered.isEmpty() &&
        QMessageBox::question(this, tr("Recover unsaved changes?"),
                              tr("Cornu kept unsaved changes to %1 from %2. Recover them? (No opens the file as "
                                 "it was last saved; the changes are kept aside in %3.declined-DATE.)")
                                  .arg(pretty_name(path), QFileInfo(recovered).lastModified().toString(), recovered)) ==
            QMessageBox::Yes)
      from = recovered;
    else if (!recovered.isEmpty()) {
      // Declined: kept aside (the next autosave would overwrite it), as promised in the question.
      const QString aside = recovered + ".declined-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
      QFile::rename(recovered, aside);
    }
    nodes::ProjectData loaded = nodes::load_project(from.toStdString());
    ++document_generation_;
    doc_.reset(std::move(loaded));
    doc_.set_file_path(QFileInfo(path).absoluteFilePath());
    // A recovered autosave differs from the file on disk: it stays marked unsaved until saved.
    if (from != path) doc_.undo_stack().resetClean();
    // A file written by a tool may put every node at one spot: lay it out (an undo step, so the file is
    // untouched until saved).
    const auto& nodes = doc_.nodes();
    if (nodes.size() > 1 && std::all_of(nodes.begin(), nodes.end(), [&](const nodes::Node& n) {
          return n.x == nodes.front().x && n.y == nodes.front().y;
        }))
      arrange();
  } catch (const std::exception& e) {
    QMessageBox::critical(this, tr("Cannot open %1").arg(pretty_name(path)),
                          tr("%1\n\nNothing was changed: the file stays as it is.").arg(e.what()));
    return false;
  }
  selection_.clear();
  add_recent(doc_.file_path());
  update_title();
  view_->fit_to_view();
  return true;
}

bool MainWindow::save_to(const QString& path) {
  try {
    // Trained weights go beside the project when they belong to the graph as it is now.
    if (dashboard_->trained_model() && dashboard_->trained_graph() == doc_.data().graph)
      nodes::save_project_with_weights(path.toStdString(), doc_.data(), *dashboard_->trained_model());
    else
      nodes::save_project(path.toStdString(), doc_.data());
  } catch (const std::exception& e) {
    QMessageBox::critical(this, tr("Cannot save %1").arg(pretty_name(path)),
                          tr("%1\n\nYour work is still open here; try another folder or free some disk space.")
                              .arg(e.what()));
    return false;
  }
  autosaver_.discard();
  doc_.set_file_path(QFileInfo(path).absoluteFilePath());
  doc_.mark_saved();
  add_recent(doc_.file_path());
  update_title();
  show_message(tr("Saved %1").arg(path));
  return true;
}

bool MainWindow::save() { return doc_.file_path().isEmpty() ? save_as() : save_to(doc_.file_path()); }

bool MainWindow::save_as() {
  QString suggested = doc_.file_path().isEmpty() ? untitled_name_.section(' ', 0, 0) + ".cornu" : doc_.file_path();
  const QString path = QFileDialog::getSaveFileName(this, tr("Save Project"), suggested, tr("Cornu projects (*.cornu)"));
  if (path.isEmpty()) return false;
  return save_to(path.endsWith(".cornu") ? path : path + ".cornu");
}

void MainWindow::open_dialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), {}, tr("Cornu projects (*.cornu)"));
  if (!path.isEmpty() && maybe_save()) open_file(path);
}

bool MainWindow::offer_untitled_recovery() {
  // Newest first; an autosave whose Cornu is still running belongs to that window, not to us.
  QString newest;
  for (const QString& path : nodes::Autosaver::recoverable_untitled()) {
    bool number = false;
    const qint64 pid = QFileInfo(path).completeBaseName().section('-', 1).toLongLong(&number);
    if (number && pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0) continue;
    newest = path;
    break;
  }
  if (newest.isEmpty()) return false;
  const auto answer = QMessageBox::question(
      this, tr("Recover unsaved work?"),
      tr("Cornu closed unexpectedly with unsaved work in an untitled project (%1). Recover it?")
          .arg(QFileInfo(newest).lastModified().toString()));
  if (answer != QMessageBox::Yes) {  // asked once: kept aside, not offered again
    QFile::rename(newest, newest + ".declined-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"));
    return false;
  }
  try {
    ++document_generation_;
    doc_.reset(nodes::load_project(newest.toStdString()));
    doc_.set_file_path({});
    doc_.undo_stack().resetClean();  // unsaved until the user saves it somewhere
    QFile::remove(newest);
    untitled_name_ = tr("recovered");
    update_title();
    view_->fit_to_view();
    return true;
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Cannot recover"), e.what());
    return false;
  }
}

bool MainWindow::stop_training_for(const QString& what) {
  if (!dashboard_->training()) return true;
  if (QMessageBox::question(this, tr("Training is running"), tr("Stop the training run to %1?").arg(what)) !=
      QMessageBox::Yes)
    return false;
  dashboard_->stop();
  QApplication::setOverrideCursor(Qt::WaitCursor);
  while (dashboard_->training()) QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);  // the run ends after its batch
  QApplication::restoreOverrideCursor();
  return true;
}

bool MainWindow::maybe_save() {
  if (!stop_training_for(tr("continue"))) return false;
  if (!doc_.dirty()) return true;
  const QString name = doc_.file_path().isEmpty() ? untitled_name_ : pretty_name(doc_.file_path());
  const auto answer = QMessageBox::warning(this, tr("Unsaved changes"),
                                           tr("Save the changes to %1 before closing it?").arg(name),
                                           QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                           QMessageBox::Save);
  if (answer == QMessageBox::Cancel) return false;
  if (answer == QMessageBox::Save) return save();
  autosaver_.discard();
  return true;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!maybe_save()) return event->ignore();
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  event->accept();
}

void MainWindow::add_recent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value("recent").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  settings.setValue("recent", recent);
  rebuild_recent_menu();
}

void MainWindow::rebuild_recent_menu() {
  recent_menu_->clear();
  const QStringList recent = QSettings().value("recent").toStringList();
  for (const QString& path : recent)
    recent_menu_->addAction(pretty_name(path), this, [this, path] { if (maybe_save()) open_file(path); })
        ->setStatusTip(path);
  recent_menu_->setEnabled(!recent.isEmpty());
}

// --- diagram ----------------------------------------------------------------------------------------------

void MainWindow::export_diagram() {
  QDialog dialog(this);
  dialog.setWindowTitle(tr("Export Diagram"));
  auto* form = new QFormLayout(&dialog);
  auto* path = new QLineEdit(QFileInfo(doc_.file_path().isEmpty() ? untitled_name_.section(' ', 0, 0) : doc_.file_path())
                                 .completeBaseName() + ".svg");
  auto* browse = new QPushButton(tr("Browse…"));
  auto* row = new QHBoxLayout;
  row->addWidget(path, 1);
  row->addWidget(browse);
  form->addRow(tr("File (.svg or .png):"), row);
  auto* shapes = new QCheckBox(tr("Show shapes"));
  shapes->setChecked(true);
  auto* names = new QCheckBox(tr("Show layer names"));
  names->setChecked(true);
  auto* activations = new QCheckBox(tr("Show activations"));
  auto* direction = new QComboBox;
  direction->addItems({tr("Top to bottom"), tr("Left to right")});
  form->addRow(shapes);
  form->addRow(names);
  form->addRow(activations);
  form->addRow(tr("Direction:"), direction);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  connect(browse, &QPushButton::clicked, &dialog, [&] {
    const QString p = QFileDialog::getSaveFileName(&dialog, tr("Export Diagram"), path->text(),
                                                   tr("SVG image (*.svg);;PNG image (*.png)"));
    if (!p.isEmpty()) path->setText(p);
  });
  if (dialog.exec() != QDialog::Accepted) return;
  nodes::DiagramOptions options;
  options.show_shapes = shapes->isChecked();
  options.show_layer_names = names->isChecked();
  options.show_layer_activations = activations->isChecked();
  options.rankdir = direction->currentIndex() == 1 ? "LR" : "TB";
  try {
    nodes::export_diagram(doc_.data(), path->text().toStdString(), options);
    show_message(tr("Diagram written to %1").arg(path->text()));
  } catch (const std::exception& e) {
    QMessageBox::critical(this, tr("Cannot export the diagram"), e.what());
  }
}

// --- editing ----------------------------------------------------------------------------------------------

void MainWindow::arrange() {
  const nodes::Graph graph = doc_.graph();
  if (graph.nodes.empty() || arranging_) return;
  auto apply = [this, scope = doc_.scope(), generation = document_generation_](const nodes::Graph& laid_out) {
    arranging_ = false;
    statusBar()->clearMessage();
    // The user opened another project or another unit meanwhile: these ids are not theirs.
    if (doc_.scope() != scope || generation != document_generation_) return;
    std::vector<std::pair<int, std::pair<double, double>>> moves;
    for (const auto& n : laid_out.nodes)
      if (const nodes::Node* now = doc_.node(n.id); now && (now->x != n.x || now->y != n.y))
        moves.push_back({n.id, {n.x, n.y}});
    if (!moves.empty()) doc_.move_nodes(moves);
    view_->fit_to_view();
  };
  if (graph.nodes.size() < kArrangeInBackground) {
    nodes::Graph g = graph;
    try {
      nodes::arrange(g);
    } catch (const std::exception& e) {
      show_message(tr("Cannot arrange: %1").arg(e.what()));
      return;
    }
    apply(g);
    return;
  }
  // Large graphs: lay out on a worker so the window stays responsive; the result is one undo step.
  arranging_ = true;
  show_message(tr("Arranging %1 layers…").arg(graph.nodes.size()), 0);
  QThread* worker = QThread::create([this, graph, apply] {
    nodes::Graph g = graph;
    try {
      nodes::arrange(g);
    } catch (const std::exception& e) {
      QMetaObject::invokeMethod(this, [this, m = QString(e.what())] { arranging_ = false; show_message(m); });
      return;
    }
    QMetaObject::invokeMethod(this, [apply, g] { apply(g); }, Qt::QueuedConnection);
  });
  connect(worker, &QThread::finished, worker, &QObject::deleteLater);
  arrange_thread_ = worker;
  worker->start();
}

void MainWindow::copy() {
  if (selection_.empty()) return;
  auto* mime = new QMimeData;
  const QByteArray text = QByteArray::fromStdString(doc_.copy(selection_.ids()));
  mime->setData(kFragmentMimeType, text);
  mime->setText(QString::fromUtf8(text));
  QApplication::clipboard()->setMimeData(mime);
}

void MainWindow::paste() {
  const QMimeData* mime = QApplication::clipboard()->mimeData();
  if (!mime) return;
  const QByteArray text = mime->hasFormat(kFragmentMimeType) ? mime->data(kFragmentMimeType) : mime->text().toUtf8();
  if (text.trimmed().isEmpty()) return;
  try {
    // Pasted around the middle of the view (a little further on each paste, so copies never hide each other).
    std::vector<int> ids;
    undoable(doc_, tr("Paste"), [&] {
      ids = doc_.paste(text.toStdString(), 0, 0);
      QRectF box;
      for (int id : ids) box |= QRectF(doc_.at(id).x, doc_.at(id).y, nodes::kCardWidth, nodes::kCardHeight);
      const QPointF target = view_->mapToScene(view_->viewport()->rect().center()) + QPointF(20, 20) * (paste_count_++ % 8);
      const QPointF shift = target - box.center();
      std::vector<std::pair<int, std::pair<double, double>>> moves;
      for (int id : ids) moves.push_back({id, {std::round(doc_.at(id).x + shift.x()), std::round(doc_.at(id).y + shift.y())}});
      doc_.move_nodes(moves);
    });
    selection_.set(ids);
  } catch (const std::exception& e) {
    show_message(tr("Nothing pasted: %1").arg(e.what()));
  }
}

void MainWindow::duplicate() {
  if (selection_.empty()) return;
  try {
    selection_.set(doc_.paste(doc_.copy(selection_.ids())));
  } catch (const std::exception& e) {
    show_message(tr("Cannot duplicate: %1").arg(e.what()));
  }
}

void MainWindow::group_into_unit() {
  if (selection_.empty()) return;
  try {
    const int id = doc_.group_into_unit(selection_.ids());
    selection_.set({id});
    show_message(tr("Grouped into a unit: double-click it (or press Tab) to open it."));
  } catch (const std::exception& e) {
    show_message(tr("Cannot group: %1").arg(e.what()));
  }
}

void MainWindow::ungroup_unit() {
  const int id = selection_.single();
  if (!id) return;
  try {
    doc_.ungroup_unit(id);
  } catch (const std::exception& e) {
    show_message(tr("Cannot ungroup: %1").arg(e.what()));
  }
}

int MainWindow::add_layer_below_selection(const std::string& type) {
  const int above = selection_.single();
  const nodes::Node* a = above ? doc_.node(above) : nullptr;
  const nodes::CatalogEntry* entry = nodes::catalog().find(type);
  // Below an Output, or adding something that takes no input (an Input, a new unit): nothing to wire.
  const bool wire = a && entry && doc_.output_ports(above) > 0 && entry->max_inputs != 0 && !entry->is_unit();
  if (!wire) {
    QPointF at = view_->mapToScene(view_->viewport()->rect().center());
    if (a) at = QPointF(a->x + nodes::kCardWidth / 2, a->y + nodes::kCardHeight * 1.5 + 60);
    return scene_->drop_layer(type, at);
  }
  const double x = a->x, y = a->y, row = nodes::kCardHeight + 60;  // copies: `a` moves when nodes are added
  int id = 0;
  try {
    undoable(doc_, QString::fromStdString("Add " + type), [&] {
      const auto out = doc_.edges_from(above);
      if (!out.empty() && entry->outputs != 0) {
        // The selected layer already feeds something: the new one goes in between, and everything below
        // moves down a row to make room.
        std::set<int> below;
        for (std::vector<int> stack{out.front().to.node}; !stack.empty();) {
          const int n = stack.back();
          stack.pop_back();
          if (!below.insert(n).second) continue;
          for (const auto& e : doc_.edges_from(n)) stack.push_back(e.to.node);
        }
        std::vector<std::pair<int, std::pair<double, double>>> moves;
        for (int n : below) moves.push_back({n, {doc_.at(n).x, doc_.at(n).y + row}});
        doc_.move_nodes(moves);
        id = doc_.insert_on_edge(out.front(), type);
        doc_.move_nodes({{id, {x, y + row}}});
      } else {
        id = doc_.add_node(type, x, y + row);
        doc_.connect({above, 0}, {id, 0});
      }
    });
  } catch (const std::exception& e) {
    show_message(tr("Cannot add %1: %2").arg(QString::fromStdString(type), e.what()));
    return 0;
  }
  selection_.set({id});
  if (NodeItem* item = scene_->node_item(id)) view_->ensureVisible(item, 40, 40);
  return id;
}

}  // namespace cornu::ui
