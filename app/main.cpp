#include <cstdio>
#include <exception>

#include "cli.h"
#ifdef CORNU_WITH_UI
#include "gui.h"
#include "ui/image_folder.h"
#endif

namespace {

#ifdef CORNU_WITH_UI
// The editor opens for `cornu gui ...`, `cornu FILE.cornu`, and a bare `cornu` when there is a display;
// everything else is the command line (a bare `cornu` without a display trains the demo in the terminal).
bool wants_editor(const std::vector<std::string>& args) {
  if (args.empty()) return cornu::app::display_available();
  const std::string& first = args.front();
  return first == "gui" || (first.size() > 6 && first.compare(first.size() - 6, 6, ".cornu") == 0);
}
#endif

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
#ifdef CORNU_WITH_UI
    cornu::ui::register_image_datasets();  // before anything reads the dataset registry, in the editor or the CLI
    if (wants_editor(args)) return cornu::app::run_gui(argc, argv, args);
#endif
    return cornu::cli::run(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cornu: %s\n", e.what());
    return 1;
  }
}
