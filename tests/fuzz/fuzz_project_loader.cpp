// libFuzzer target for the .cornu project loader (nodes/project.h).
//
// For every input: parse_project() must either return a project or throw a cornu::Error (ProjectError);
// any other exception (nlohmann's type_error/out_of_range, std::out_of_range, bad_alloc...) escapes and
// libFuzzer reports it as a crash. For an input that parses:
//   - the live checks (nodes/checks.h) must report problems, never throw or crash;
//   - project_to_text() must write it, and parse_project() must read that back into an equal project.
// build_model() is deliberately not called: it allocates real weights.
//
// Built with -fsanitize=fuzzer by tests/fuzz/run_fuzz.sh (CMake option CORNU_FUZZ). Compiled with
// CORNU_FUZZ_STANDALONE instead, the file has a main() that replays the files and folders named on the command
// line (the seed corpus and crash reproducers in tests/fuzz/corpus), as the CTest unit.fuzz_project_loader_corpus.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.h"
#include "nodes/checks.h"
#include "nodes/project.h"

namespace {

// CORNU_FUZZ_VERBOSE=1 prints what happened to each input (refused with which message, or the problems the
// checks found): for looking at one input by hand, never while fuzzing.
bool verbose() {
  static const bool on = [] {
    const char* v = std::getenv("CORNU_FUZZ_VERBOSE");
    return v && *v && *v != '0';
  }();
  return on;
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_project_loader: %s\n%s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

void check_live(const cornu::nodes::ProjectData& project) {
  try {
    cornu::nodes::CheckReport once = cornu::nodes::check(project);
    // The editor keeps one Checker and re-checks after every edit: the cached path must agree.
    cornu::nodes::Checker checker;
    cornu::nodes::CheckReport first = checker.check(project);
    cornu::nodes::CheckReport second = checker.check(project);
    if (first.problems.size() != second.problems.size() || first.order != second.order ||
        once.problems.size() != first.problems.size())
      fail("a re-check of an unchanged project reports differently", cornu::nodes::project_to_text(project));
    (void)once.has_errors();
    (void)once.first_error();
    if (verbose()) {
      std::fprintf(stderr, "parsed: %zu nodes, %zu edges; %zu problems\n", project.graph.nodes.size(),
                   project.graph.edges.size(), once.problems.size());
      for (const auto& p : once.problems)
        std::fprintf(stderr, "  [%s] node %d: %s\n", p.severity == cornu::nodes::Severity::Error ? "error" : "warning",
                     p.node, p.message.c_str());
    }
    for (const auto& [id, node] : once.nodes) {
      (void)once.problems_of(id);
      for (const auto& s : node.outputs) (void)cornu::nodes::shape_text(s);
    }
  } catch (const cornu::Error& e) {
    // The live checks report problems; an exception out of them would take the editor down.
    fail("check() threw instead of reporting a problem", e.what());
  }
}

void check_round_trip(const cornu::nodes::ProjectData& project) {
  const std::string text = cornu::nodes::project_to_text(project);
  cornu::nodes::ProjectData again;
  try {
    again = cornu::nodes::parse_project(text);
  } catch (const cornu::Error& e) {
    fail("a saved project does not load again", std::string(e.what()) + "\n--- saved text:\n" + text);
  }
  if (!(again == project))
    fail("a saved project loads as a different project",
         "--- saved text:\n" + text + "--- loaded again, saved:\n" + cornu::nodes::project_to_text(again));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cornu::nodes::ProjectData project;
  try {
    project = cornu::nodes::parse_project(text);
  } catch (const cornu::Error& e) {
    if (verbose()) std::fprintf(stderr, "refused: %s\n", e.what());
    return 0;  // refused with a message: what a damaged file should get
  }
  check_live(project);
  check_round_trip(project);
  return 0;
}

#ifdef CORNU_FUZZ_STANDALONE
#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace fs = std::filesystem;

// Replays each file named, and every file under each folder named (sorted, so runs are reproducible).
int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such file or folder\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "no input files\n");
    return 2;
  }
  int failures = 0;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot read\n", path.c_str());
      ++failures;
      continue;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replaying %s (%zu bytes)\n", path.c_str(), bytes.size());
    try {
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: FAILED: uncaught exception: %s\n", path.c_str(), e.what());
      ++failures;
    }
  }
  std::fprintf(stderr, "%zu inputs replayed, %d failed\n", files.size(), failures);
  return failures == 0 ? 0 : 1;
}
#endif
