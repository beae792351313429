// Automatic layout with Graphviz dot: cards flow downward, never overlap, and merge inputs keep port order.
#include <QtTest>

#include <cmath>
#include <random>
#include <thread>

#include "core/error.h"
#include "nodes/layout.h"

using namespace cornu;
using namespace cornu::nodes;

namespace {

using Positions = std::map<int, LayoutPoint>;

std::vector<LayoutBox> boxes_with_ids(std::initializer_list<int> ids) {
  std::vector<LayoutBox> boxes;
  for (int id : ids) boxes.push_back({.id = id});
  return boxes;
}

const LayoutBox& box_of(const std::vector<LayoutBox>& boxes, int id) {
  return *std::find_if(boxes.begin(), boxes.end(), [&](const LayoutBox& b) { return b.id == id; });
}

// Every box placed, at whole pixels, the whole drawing touching (0,0), and no two cards overlapping.
void check_placement(const std::vector<LayoutBox>& boxes, const Positions& at) {
  QCOMPARE(at.size(), boxes.size());
  double min_x = 1e9, min_y = 1e9;
  for (const LayoutBox& b : boxes) {
    QVERIFY2(at.count(b.id), qPrintable(QString("box %1 has no position").arg(b.id)));
    LayoutPoint p = at.at(b.id);
    QCOMPARE(p.x, std::round(p.x));
    QCOMPARE(p.y, std::round(p.y));
    min_x = std::min(min_x, p.x), min_y = std::min(min_y, p.y);
  }
  QCOMPARE(min_x, 0.0);
  QCOMPARE(min_y, 0.0);
  for (size_t i = 0; i < boxes.size(); ++i)
    for (size_t j = i + 1; j < boxes.size(); ++j) {
      const LayoutBox &a = boxes[i], &b = boxes[j];
      LayoutPoint p = at.at(a.id), q = at.at(b.id);
      bool overlap = p.x < q.x + b.width && q.x < p.x + a.width && p.y < q.y + b.height && q.y < p.y + a.height;
      QVERIFY2(!overlap, qPrintable(QString("boxes %1 and %2 overlap").arg(a.id).arg(b.id)));
    }
}

// The head's top is at least a rank gap below the tail's bottom (1 pixel of slack for rounding).
bool points_down(const std::vector<LayoutBox>& boxes, const Positions& at, const LayoutEdge& e, double rank_gap) {
  return at.at(e.to).y >= at.at(e.from).y + box_of(boxes, e.from).height + rank_gap - 1;
}

// A random DAG: each node after the first takes 1-3 inputs from earlier nodes; sizes vary like real cards.
void random_dag(int n, unsigned seed, std::vector<LayoutBox>& boxes, std::vector<LayoutEdge>& edges) {
  std::mt19937 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int i = 0; i < n; ++i) {
    boxes.push_back({.id = 1000 + i, .width = double(uniform(120, 320)), .height = double(uniform(40, 140))});
    if (i == 0) continue;
    int inputs = std::min(i, uniform(1, 3));
    for (int port = 0; port < inputs; ++port) edges.push_back({.from = 1000 + uniform(0, i - 1), .to = 1000 + i, .to_port = port});
  }
}

}  // namespace

class TestLayout : public QObject {
  Q_OBJECT
 private slots:
  void empty_input_gives_empty_layout() { QVERIFY(layout_dot({}, {}).empty()); }

  void chain_goes_strictly_downward() {
    std::vector<LayoutBox> boxes{{.id = 1}, {.id = 2, .width = 300, .height = 120}, {.id = 3, .width = 80}, {.id = 4}};
    std::vector<LayoutEdge> edges{{.from = 1, .to = 2}, {.from = 2, .to = 3}, {.from = 3, .to = 4}};
    Positions at = layout_dot(boxes, edges);
    check_placement(boxes, at);
    for (const LayoutEdge& e : edges) QVERIFY(points_down(boxes, at, e, 60));
    // Centres line up: a chain is drawn as one straight column.
    for (const LayoutBox& b : boxes) QCOMPARE(at[b.id].x + b.width / 2, at[1].x + 100);
  }

  void options_set_the_gaps() {
    std::vector<LayoutBox> boxes = boxes_with_ids({1, 2, 3});
    std::vector<LayoutEdge> edges{{.from = 1, .to = 2}, {.from = 1, .to = 3}};
    Positions at = layout_dot(boxes, edges, {.node_gap = 100, .rank_gap = 150});
    QCOMPARE(at[2].y, at[3].y);
    QVERIFY(std::abs(at[3].x - at[2].x) >= 200 + 100 - 1);
    QVERIFY(points_down(boxes, at, edges[0], 150));
  }

  void diamond_splits_and_merges() {
    std::vector<LayoutBox> boxes = boxes_with_ids({1, 2, 3, 4});
    std::vector<LayoutEdge> edges{{.from = 1, .to = 2}, {.from = 1, .to = 3}, {.from = 2, .to = 4, .to_port = 0},
                                  {.from = 3, .to = 4, .to_port = 1}};
    Positions at = layout_dot(boxes, edges);
    check_placement(boxes, at);
    for (const LayoutEdge& e : edges) QVERIFY(points_down(boxes, at, e, 60));
    QCOMPARE(at[2].y, at[3].y);  // the two branches share a row, side by side, port 0 on the left
    QVERIFY(at[2].x < at[3].x);
  }

  void merge_inputs_are_left_to_right_by_port() {
    // Created in the order 10, 11, 12 (what dot would keep by default), but wired to ports 1, 2, 0.
    std::vector<LayoutBox> boxes = boxes_with_ids({10, 11, 12, 20});
    std::vector<LayoutEdge> edges{{.from = 10, .to = 20, .to_port = 1}, {.from = 11, .to = 20, .to_port = 2},
                                  {.from = 12, .to = 20, .to_port = 0}};
    Positions at = layout_dot(boxes, edges);
    check_placement(boxes, at);
    QVERIFY(at[12].x < at[10].x);
    QVERIFY(at[10].x < at[11].x);

    // Inputs of different depths: a long edge still enters at its port's side.
    boxes = boxes_with_ids({1, 2, 3, 4, 5, 9});
    edges = {{.from = 1, .to = 2}, {.from = 2, .to = 3}, {.from = 3, .to = 9, .to_port = 2},
             {.from = 4, .to = 9, .to_port = 0}, {.from = 5, .to = 9, .to_port = 1}};
    at = layout_dot(boxes, edges);
    check_placement(boxes, at);
    QVERIFY(at[4].x < at[5].x);
    QVERIFY(at[5].x < at[3].x);
  }

  void random_dag_never_overlaps_and_flows_down() {
    for (unsigned seed : {1u, 2u, 3u}) {
      std::vector<LayoutBox> boxes;
      std::vector<LayoutEdge> edges;
      random_dag(200, seed, boxes, edges);
      Positions at = layout_dot(boxes, edges);
      check_placement(boxes, at);
      for (const LayoutEdge& e : edges) QVERIFY(points_down(boxes, at, e, 60));
    }
  }

  void isolated_nodes_are_placed() {
    std::vector<LayoutBox> boxes = boxes_with_ids({1, 2, 3, 4, 5});
    boxes.push_back({.id = 6, .width = 50, .height = 300});
    Positions at = layout_dot(boxes, {{.from = 1, .to = 2}});
    check_placement(boxes, at);
    at = layout_dot(boxes, {});  // no edges at all: one row
    check_placement(boxes, at);
  }

  void components_sit_side_by_side() {
    // Two separate graphs, each with a merge node (Graphviz 2.42 misreads memory on this as a single graph).
    std::vector<LayoutBox> boxes = boxes_with_ids({3, 12, 16, 26, 43, 45, 9, 23, 31, 17, 39, 46});
    std::vector<LayoutEdge> edges{{.from = 3, .to = 12}, {.from = 12, .to = 16}, {.from = 16, .to = 26},
                                  {.from = 26, .to = 45, .to_port = 0}, {.from = 43, .to = 45, .to_port = 2},
                                  {.from = 9, .to = 23}, {.from = 23, .to = 31}, {.from = 31, .to = 46},
                                  {.from = 31, .to = 39, .to_port = 2}, {.from = 17, .to = 39, .to_port = 0}};
    Positions at = layout_dot(boxes, edges);
    check_placement(boxes, at);
    for (const LayoutEdge& e : edges) QVERIFY(points_down(boxes, at, e, 60));
    QVERIFY(at[26].x < at[43].x);
    QVERIFY(at[17].x < at[31].x);
    double first_right = 0, second_left = 1e9;  // the first component given is the one on the left
    for (int id : {3, 12, 16, 26, 43, 45}) first_right = std::max(first_right, at[id].x + 200);
    for (int id : {9, 23, 31, 17, 39, 46}) second_left = std::min(second_left, at[id].x);
    QVERIFY(second_left >= first_right + 40);
    QCOMPARE(at[9].y, 0.0);  // both start at the top
  }

  void cycles_are_broken_without_crashing() {
    std::vector<LayoutBox> boxes = boxes_with_ids({1, 2, 3, 4});
    std::vector<LayoutEdge> edges{{.from = 1, .to = 2}, {.from = 2, .to = 3}, {.from = 3, .to = 1, .to_port = 1},
                                  {.from = 4, .to = 4}, {.from = 3, .to = 4}, {.from = 3, .to = 4, .to_port = 1}};
    Positions at = layout_dot(boxes, edges);
    check_placement(boxes, at);
    QVERIFY(points_down(boxes, at, edges[0], 60));
    QVERIFY(points_down(boxes, at, edges[1], 60));

    // Cycles among merge nodes, whose input order is constrained, too.
    std::vector<LayoutBox> many;
    edges.clear();
    random_dag(80, 7, many, edges);
    for (int i = 0; i < 20; ++i) edges.push_back({.from = 1079 - i, .to = 1000 + 3 * i, .to_port = 3});
    check_placement(many, layout_dot(many, edges));
  }

  void bad_input_is_reported() {
    std::vector<LayoutBox> boxes = boxes_with_ids({1, 2, 1});
    QVERIFY_THROWS_EXCEPTION(ValueError, layout_dot(boxes, {}));
    boxes = boxes_with_ids({1, 2});
    QVERIFY_THROWS_EXCEPTION(ValueError, layout_dot(boxes, {{.from = 1, .to = 3}}));
    QVERIFY(layout_dot(boxes, {{.from = 1, .to = 2}}).size() == 2);  // and the next call still works
  }

  void concurrent_calls_are_serialised() {
    std::vector<LayoutBox> boxes;
    std::vector<LayoutEdge> edges;
    random_dag(60, 11, boxes, edges);
    Positions expected = layout_dot(boxes, edges);
    std::vector<Positions> results(4);
    std::vector<std::thread> threads;
    for (Positions& r : results) threads.emplace_back([&] { r = layout_dot(boxes, edges); });
    for (std::thread& t : threads) t.join();
    for (const Positions& r : results)
      for (const auto& [id, p] : expected) QVERIFY(r.at(id).x == p.x && r.at(id).y == p.y);
  }

  // Its time is measured by tests/benchmarks/bench_checks (no timed tests).
  void three_hundred_nodes_lay_out() {
    std::vector<LayoutBox> boxes;
    std::vector<LayoutEdge> edges;
    random_dag(300, 5, boxes, edges);
    check_placement(boxes, layout_dot(boxes, edges));
  }
};

QTEST_APPLESS_MAIN(TestLayout)
#include "test_layout.moc"
