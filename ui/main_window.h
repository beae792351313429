// The editor's window: palette (left), canvas (centre), inspector (right), summary and problems (bottom),
// the menus and toolbar, files (open, save, recent, examples, autosave recovery) and the window's memory
// of its layout between runs (QSettings).
#pragma once
#include <QMainWindow>
#include <QPointer>
#include <memory>

#include "nodes/autosave.h"
#include "nodes/document.h"
#include "nodes/live_checks.h"
#include "ui/selection.h"
#include "ui/theme.h"

class QAction;
class QLabel;
class QMenu;
class QThread;
class QToolButton;

namespace cornu {
class Model;
}

namespace cornu::ui {

class CanvasScene;
class CanvasView;
class Dashboard;
class DataPanel;
class EvaluationPanel;
class LayerHistograms;
class SketchPad;
class TextSamplesPanel;
class Inspector;
class Palette;
class ProblemsPanel;
class SummaryPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  nodes::Document& document() { return doc_; }
  nodes::LiveChecks& checks() { return checks_; }
  Selection& selection() { return selection_; }
  CanvasView* canvas_view() const { return view_; }
  CanvasScene* canvas_scene() const { return scene_; }
  Palette* palette() const { return palette_; }
  Inspector* inspector() const { return inspector_; }
  SummaryPanel* summary() const { return summary_; }
  ProblemsPanel* problems() const { return problems_; }
  Dashboard* dashboard() const { return dashboard_; }
  EvaluationPanel* evaluation() const { return evaluation_; }
  LayerHistograms* layer_histograms() const { return layer_histograms_; }
  SketchPad* sketch_pad() const { return sketch_pad_; }
  TextSamplesPanel* text_samples() const { return text_samples_; }
  DataPanel* data_panel() const { return data_panel_; }
  QAction* action(const QString& name) const;  // by objectName, e.g. "save", "undo" (tests, menus)

  // Files. Each returns false when it did not happen (refused, cancelled, an error shown to the user).
  bool open_file(const QString& path);
  bool save_to(const QString& path);
  void open_example(const std::string& demo_name);
  void new_project();
  // The palette's double-click: adds a layer below the selected node and wires it in. Returns its id.
  int add_layer_below_selection(const std::string& type);
  void set_theme(ThemeMode mode);
  ThemeMode saved_theme() const { return theme_; }
  // After a crash: offers back the autosave of an untitled document; true when the user took it.
  bool offer_untitled_recovery();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  void build_docks();
  void build_actions();
  void build_menus_and_toolbar();
  void restore_layout();
  void update_title();
  void update_status();
  void update_actions();
  void update_scope_bar();
  bool maybe_save();  // asks about unsaved changes; false: the user cancelled
  bool save();
  bool save_as();
  void open_dialog();
  void export_diagram();
  void arrange();
  void copy();
  void paste();
  void duplicate();
  void group_into_unit();
  void ungroup_unit();
  void add_recent(const QString& path);
  void rebuild_recent_menu();
  void show_message(const QString& text, int timeout_ms = 6000);
  void set_training(bool training);
  // Gives the Sketch Pad a copy of the trained model when the data are images, else the reason it cannot help.
  void update_sketch_pad();  // the canvas and its editors are read-only while a run trains
  // Gives the Text Samples panel a copy of the trained model when it is a character model, else the reason.
  void update_text_samples();
  bool stop_training_for(const QString& what);  // asks to stop a run before `what`; false: the user declined

  nodes::Document doc_;
  nodes::LiveChecks checks_;
  Selection selection_;
  nodes::Autosaver autosaver_;
  CanvasScene* scene_ = nullptr;
  CanvasView* view_ = nullptr;
  Palette* palette_ = nullptr;
  Inspector* inspector_ = nullptr;
  SummaryPanel* summary_ = nullptr;
  ProblemsPanel* problems_ = nullptr;
  Dashboard* dashboard_ = nullptr;
  EvaluationPanel* evaluation_ = nullptr;
  LayerHistograms* layer_histograms_ = nullptr;
  SketchPad* sketch_pad_ = nullptr;
  std::weak_ptr<Model> sketch_source_;  // the trained model the pad's copy was made from
  TextSamplesPanel* text_samples_ = nullptr;
  std::weak_ptr<Model> text_samples_source_;  // the trained model the panel's copy was made from
  DataPanel* data_panel_ = nullptr;
  QLabel* training_banner_ = nullptr;
  QWidget* scope_bar_ = nullptr;
  QLabel* scope_label_ = nullptr;
  QLabel* status_problems_ = nullptr;
  QLabel* status_params_ = nullptr;
  QLabel* status_zoom_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QString untitled_name_ = "untitled";
  ThemeMode theme_ = ThemeMode::System;
  bool arranging_ = false;
  int document_generation_ = 0;  // bumped when another project replaces this one
  int paste_count_ = 0;
  QPointer<QThread> arrange_thread_;  // a layout of a large graph in progress
};

}  // namespace cornu::ui
