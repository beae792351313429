#include "gui.h"

#include <QApplication>
#include <QTimer>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "demos/demos.h"
#include "nodes/project.h"
#include "ui/canvas.h"
#include "ui/dashboard.h"
#include "ui/main_window.h"
#include "ui/theme.h"

namespace cornu::app {

bool display_available() {
  for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY"})
    if (const char* v = std::getenv(var); v && *v) return true;
  return false;
}

int run_gui(int argc, char** argv, const std::vector<std::string>& args) {
  std::string file, example, screenshot, theme = "system";
  bool train = false, wait = false;  // --wait: the screenshot once the run has ended
  long long epochs = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw ValueError(a + " needs a value. Run `cornu --help` for usage.");
      return args[++i];
    };
    if (a == "gui") continue;
    if (a == "--example") example = value();
    else if (a == "--new") example = "-";
    else if (a == "--train") train = true;
    else if (a == "--wait") wait = true;
    else if (a == "--epochs") epochs = std::stoll(value());
    else if (a == "--screenshot") screenshot = value();
    else if (a == "--theme") theme = value();
    else if (!a.empty() && a[0] == '-') throw ValueError("Unknown option '" + a + "' for the editor. Run `cornu --help` for usage.");
    else file = a;
  }
  if (theme != "system" && theme != "light" && theme != "dark")
    throw ValueError("--theme takes system, light or dark, not '" + theme + "'.");
  if (!example.empty() && example != "-") find_demo(example);  // an unknown name fails here, listing the demos

  QApplication app(argc, argv);
  QApplication::setApplicationName("Cornu");
  QApplication::setOrganizationName("Cornu");
  QApplication::setApplicationVersion(CORNU_VERSION);
  const ui::ThemeMode mode = theme == "dark" ? ui::ThemeMode::Dark : theme == "light" ? ui::ThemeMode::Light : ui::ThemeMode::System;
  ui::apply_theme(app, mode);

  ui::MainWindow window;
  // --theme is for this run (screenshots, demos); otherwise the theme chosen in View › Theme.
  if (theme == "system" && window.saved_theme() != ui::ThemeMode::System) ui::apply_theme(app, window.saved_theme());
  if (!file.empty()) {
    // Unattended (--screenshot), a file that cannot be opened is an error on stderr, not a dialog nobody clicks.
    if (!screenshot.empty()) nodes::load_project(file);
    if (!window.open_file(QString::fromStdString(file))) window.new_project();  // the dialog said why
  } else if (example == "-") {
    window.new_project();
  } else if (!(example.empty() && screenshot.empty() && window.offer_untitled_recovery())) {
    window.open_example(example.empty() ? kDefaultDemo : example);
  }
  window.show();
  // Fit once the window has its size (before show() the canvas has none yet).
  QTimer::singleShot(0, &window, [&] { window.canvas_view()->fit_to_view(); });
  if (epochs > 0) {
    nodes::Settings settings = window.document().settings();
    settings.epochs = epochs;
    window.document().set_settings(settings);
  }
  if (train) QTimer::singleShot(0, &window, [&] { window.action("train")->trigger(); });
  if (!screenshot.empty()) {
    // Let the window lay itself out and the canvas fit (and a run get going), then save what a user would see.
    auto take = [&] {
      window.canvas_view()->fit_to_view();
      QTimer::singleShot(200, &window, [&] {
        const bool ok = window.grab().save(QString::fromStdString(screenshot));
        std::fprintf(ok ? stdout : stderr, ok ? "Screenshot saved to %s\n" : "Cannot write %s\n", screenshot.c_str());
        if (window.dashboard()->training()) window.dashboard()->stop();
        window.document().mark_saved();  // nothing to ask about on the way out
        app.exit(ok ? 0 : 1);
      });
    };
    if (train && wait)
      QObject::connect(window.dashboard(), &ui::Dashboard::training_changed, &window, [&](bool on) {
        if (!on) QTimer::singleShot(300, &window, take);
      });
    else
      QTimer::singleShot(train ? 6000 : 400, &window, take);
  }
  return app.exec();
}

}  // namespace cornu::app
