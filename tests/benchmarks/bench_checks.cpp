// Live checks on a 300-node graph: how long a full re-check takes after an edit (the editor runs one after
// every edit; the target is under 5 ms), with the layer cache warm (the usual case) and cold (opening a
// project), plus the Graphviz layout of the same graph and the loading of a project with a long history. Prints medians and 95th percentiles.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "nodes/checks.h"
#include "nodes/compile.h"
#include "nodes/document.h"
#include "nodes/project.h"
#include "project_fixtures.h"

using namespace cornu;
using namespace cornu::nodes;

namespace {

// Input -> 100 residual blocks [Dense 64 relu -> Dropout -> Add(block input, dropout)] -> Dense 10 -> Output.
void build(Document& doc) {
  const int input = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 64}}});
  const int last = test::add_residual_blocks(doc, input, 99);
  int logits = doc.add_node("Dense", 0, 0, {{"units", 10}, {"activation", "softmax"}});
  int out = doc.add_node("Output", 0, 0, {{"loss", "sparse_categorical_crossentropy"}});
  doc.connect({last, 0}, {logits, 0});
  doc.connect({logits, 0}, {out, 0});
}

template <class F>
void time_it(const char* what, int runs, F f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    f(i);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-44s median %7.3f ms   p95 %7.3f ms   (%d runs)\n", what, ms[ms.size() / 2],
              ms[ms.size() * 95 / 100], runs);
}

}  // namespace

int main() {
  Document doc;
  build(doc);
  std::printf("graph: %zu nodes, %zu edges\n", doc.nodes().size(), doc.edges().size());
  Checker checker;
  CheckReport r = checker.check(doc.data());
  std::printf("problems: %zu, params: %lld, multiply-adds: %lld\n", r.problems.size(),
              static_cast<long long>(r.total_params), static_cast<long long>(r.total_macs));
  const int dense = doc.node_named("dense_50")->id;
  time_it("re-check, nothing changed (warm cache)", 500, [&](int) { checker.check(doc.data()); });
  time_it("edit one Dense's activation + re-check", 500, [&](int i) {
    doc.set_param(dense, "activation", i % 2 ? "tanh" : "relu");
    checker.check(doc.data());
  });
  time_it("full check, cold (no cache: opening a project)", 100, [&](int) { check(doc.data()); });
  ProjectData big = doc.data();
  Config epochs = Config::array();
  for (int e = 0; e < 200000; ++e) epochs.push_back({{"epoch", e + 1}, {"loss", 0.5}, {"accuracy", 0.9}});
  big.history = Config::array({{{"epochs", epochs}}});
  const std::string text = project_to_text(big);
  std::printf("project with 200,000 epochs of history: %.1f MB\n", static_cast<double>(text.size()) / 1e6);
  time_it("load it (parse and validate)", 5, [&](int) { parse_project(text); });
  time_it("Graphviz layout (arrange)", 10, [&](int) {
    Graph g = doc.graph();
    arrange(g);
  });
  return 0;
}
