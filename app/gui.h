// The desktop editor's entry point (built when Qt Widgets are, see app/CMakeLists.txt).
//   cornu                       with a display: the editor on the default demo (without one: the terminal demo)
//   cornu FILE.cornu            the editor on a project
//   cornu gui [FILE.cornu] [--new] [--example NAME] [--train] [--theme system|light|dark] [--screenshot OUT.png]
//                               --screenshot: show the window, save an image of it, quit (docs, tests)
#pragma once
#include <string>
#include <vector>

namespace cornu::app {

// True when there is a screen to open a window on (X11 or Wayland).
bool display_available();
int run_gui(int argc, char** argv, const std::vector<std::string>& args);

}  // namespace cornu::app
