// Diagrams as Keras's plot_model draws them: the DOT text carries each layer with its inferred shapes and the
// options' effects; SVG and PNG come out of Graphviz well formed, one box per layer, at the asked resolution;
// graphs with problems or unknown node types still get a diagram; other file types are refused.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <atomic>
#include <thread>

#include "core/error.h"
#include "nodes/checks.h"
#include "nodes/diagram.h"
#include "nodes/layout.h"
#include "nodes/project.h"
#include "project_fixtures.h"

using namespace cornu;
using namespace cornu::nodes;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The DOT statement that declares node `id` (its label and attributes), or "" when it is not drawn.
std::string node_statement(const std::string& dot, int id) {
  const std::string start = "  \"n" + std::to_string(id) + "\" [";
  auto at = dot.find(start);
  if (at == std::string::npos) return "";
  return dot.substr(at, dot.find('\n', at) - at);
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

// "Input shape: (None, 784)" as the label writes it (a muted caption, a bold value).
std::string shape_field(const std::string& caption, const std::string& value) {
  return caption + ": </font><b>" + value + "</b>";
}

struct Mlp {
  ProjectData project;
  test::MlpIds ids;
};
Mlp mlp() {
  Document doc;
  test::MlpIds ids = test::build_mlp(doc);
  return {doc.data(), ids};
}

// The number of `<g class="node">` groups in a well-formed SVG; -1 when the XML is broken.
int svg_nodes(const QByteArray& svg) {
  QXmlStreamReader xml(svg);
  int nodes = 0;
  bool root_is_svg = false;
  while (!xml.atEnd()) {
    if (xml.readNext() != QXmlStreamReader::StartElement) continue;
    if (xml.name() == QLatin1String("svg")) root_is_svg = true;
    if (xml.name() == QLatin1String("g") && xml.attributes().value("class") == QLatin1String("node")) ++nodes;
  }
  return xml.hasError() || !root_is_svg ? -1 : nodes;
}

QImage png_image(const std::string& bytes) {
  return QImage::fromData(reinterpret_cast<const uchar*>(bytes.data()), static_cast<int>(bytes.size()), "PNG");
}

QByteArray read_all(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class DiagramTest : public QObject {
  Q_OBJECT
 private slots:
  void mlp_layers_carry_their_inferred_shapes() {
    auto [project, ids] = mlp();
    const std::string dot = diagram_dot(project);
    const std::string input = node_statement(dot, ids.input), flatten = node_statement(dot, ids.flatten),
                      hidden = node_statement(dot, ids.hidden), logits = node_statement(dot, ids.logits);
    QVERIFY2(has(input, "<b>InputLayer</b>") && has(input, shape_field("Output shape", "(None, 28, 28)")), input.c_str());
    QVERIFY2(!has(input, "Input shape"), input.c_str());  // as in Keras: an InputLayer has only an output
    QVERIFY2(has(flatten, "<b>Flatten</b>") && has(flatten, shape_field("Input shape", "(None, 28, 28)")) &&
                 has(flatten, shape_field("Output shape", "(None, 784)")), flatten.c_str());
    QVERIFY2(has(hidden, "<b>Dense</b>") && has(hidden, shape_field("Input shape", "(None, 784)")) &&
                 has(hidden, shape_field("Output shape", "(None, 64)")), hidden.c_str());
    QVERIFY2(has(logits, shape_field("Input shape", "(None, 64)")) && has(logits, shape_field("Output shape", "(None, 10)")),
             logits.c_str());
    // No box for the Output node: the edges end at the last layer, as in Keras.
    QVERIFY2(node_statement(dot, ids.output).empty() && !has(dot, "\"n" + std::to_string(ids.output) + "\""), dot.c_str());
    QCOMPARE(count(dot, "label=<"), size_t(4));
    auto edge = [](int a, int b) { return "\"n" + std::to_string(a) + "\" -> \"n" + std::to_string(b) + "\";"; };
    QVERIFY(has(dot, edge(ids.input, ids.flatten)) && has(dot, edge(ids.flatten, ids.hidden)) &&
            has(dot, edge(ids.hidden, ids.logits)));
    QCOMPARE(count(dot, " -> "), size_t(3));
    QVERIFY(has(dot, "rankdir=TB") && has(dot, "DejaVu Sans"));
  }

  void options_change_what_a_box_shows() {
    auto [project, ids] = mlp();
    DiagramOptions o;
    o.show_shapes = false;
    std::string dot = diagram_dot(project, o);
    QVERIFY2(!has(dot, "shape:") && has(node_statement(dot, ids.hidden), "<b>Dense</b>"), dot.c_str());

    o = {};
    QVERIFY(!has(diagram_dot(project, o), "image"));  // the Input's name appears only when asked
    o.show_layer_names = true;
    dot = diagram_dot(project, o);
    QVERIFY2(has(node_statement(dot, ids.input), "<b>image</b>  (InputLayer)"), dot.c_str());
    QVERIFY2(has(node_statement(dot, ids.logits), "<b>dense_1</b>  (Dense)"), dot.c_str());

    o = {};
    QVERIFY(!has(diagram_dot(project, o), "Activation"));
    o.show_layer_activations = true;
    dot = diagram_dot(project, o);
    QVERIFY2(has(node_statement(dot, ids.hidden), shape_field("Activation", "relu")), dot.c_str());
    QVERIFY2(has(node_statement(dot, ids.logits), shape_field("Activation", "softmax")), dot.c_str());
    QVERIFY2(!has(node_statement(dot, ids.flatten), "Activation"), dot.c_str());  // Flatten has none

    o = {};
    o.show_trainable = true;
    for (Node& n : project.graph.nodes)
      if (n.id == ids.hidden) n.params["trainable"] = false;  // frozen
    dot = diagram_dot(project, o);
    QVERIFY2(has(node_statement(dot, ids.hidden), "Non-trainable"), dot.c_str());
    QVERIFY2(has(node_statement(dot, ids.logits), "Trainable") && !has(node_statement(dot, ids.logits), "Non-"), dot.c_str());
    QVERIFY2(!has(node_statement(dot, ids.flatten), "rainable"), dot.c_str());  // no weights, nothing to train

    o = {};
    o.rankdir = "LR";
    QVERIFY(has(diagram_dot(project, o), "rankdir=LR"));
    o.rankdir = "BT";
    QVERIFY_THROWS_EXCEPTION(ValueError, diagram_dot(project, o));
  }

  void merge_inputs_keep_their_port_order() {
    Document doc;
    int in = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 4}}});
    int wide = doc.add_node("Dense", 0, 0, {{"units", 8}}, "wide");
    int narrow = doc.add_node("Dense", 0, 0, {{"units", 3}}, "narrow");
    int join = doc.add_node("Concatenate", 0, 0);
    doc.connect({in, 0}, {wide, 0});
    doc.connect({in, 0}, {narrow, 0});
    doc.connect({narrow, 0}, {join, 0});
    doc.connect({wide, 0}, {join, 0});  // goes in at port 0: narrow moves to port 1
    const std::string dot = diagram_dot(doc.data());
    const std::string statement = node_statement(dot, join);
    QVERIFY2(has(statement, shape_field("Input shape", "[(None, 8), (None, 3)]")) &&
                 has(statement, shape_field("Output shape", "(None, 11)")) && has(statement, "ordering=in"),
             statement.c_str());
    auto into_join = [&](int from) { return dot.find("\"n" + std::to_string(from) + "\" -> \"n" + std::to_string(join)); };
    QVERIFY2(into_join(wide) < into_join(narrow) && into_join(narrow) != std::string::npos, dot.c_str());
  }

  void two_models_with_merges_render() {
    // Graphviz 2.42 reads out of bounds when two components both carry ordering constraints: only one does.
    Document doc;
    std::vector<int> merges;
    for (int model = 0; model < 2; ++model) {
      int in = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 4}}});
      int a = doc.add_node("Dense", 0, 0, {{"units", 4}}), b = doc.add_node("Dense", 0, 0, {{"units", 4}});
      merges.push_back(doc.add_node("Add", 0, 0));
      doc.connect({in, 0}, {a, 0});
      doc.connect({in, 0}, {b, 0});
      doc.connect({a, 0}, {merges.back(), 0});
      doc.connect({b, 0}, {merges.back(), 1});
    }
    const std::string dot = diagram_dot(doc.data());
    QVERIFY2(has(node_statement(dot, merges[0]), "ordering=in") && !has(node_statement(dot, merges[1]), "ordering"),
             dot.c_str());
    QCOMPARE(svg_nodes(QByteArray::fromStdString(render_diagram(doc.data(), "svg"))), 8);
  }

  void svg_is_xml_with_one_box_per_layer() {
    QTemporaryDir dir;
    const QString path = dir.path() + "/mlp.svg";
    export_diagram(mlp().project, path.toStdString());
    const QByteArray svg = read_all(path);
    QVERIFY(svg.startsWith("<?xml"));
    QCOMPARE(svg_nodes(svg), 4);
    QVERIFY(svg.contains("(None, 784)") && svg.contains("DejaVu Sans"));
    // Only the diagram is left in the folder: the temporary file was renamed over it.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"mlp.svg"});
  }

  void png_has_the_signature_and_sensible_dimensions() {
    const ProjectData project = mlp().project;
    const std::string bytes = render_diagram(project, "png");
    QVERIFY(bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0);
    const QImage image = png_image(bytes);
    QVERIFY(!image.isNull());
    // Four boxes of two text lines stacked top to bottom (at 96 dpi a line is about 20 pixels), as wide as the
    // widest box's two shapes side by side.
    QVERIFY2(image.height() > 4 * 40 && image.height() < 1500 && image.width() > 250 && image.width() < 1500,
             qPrintable(QString("%1 x %2").arg(image.width()).arg(image.height())));
    // Twice the dpi, twice the pixels (give or take the rounding of each box).
    DiagramOptions sharp;
    sharp.dpi = 192;
    const QImage twice = png_image(render_diagram(project, "png", sharp));
    QVERIFY2(std::abs(twice.width() - 2 * image.width()) <= 4 && std::abs(twice.height() - 2 * image.height()) <= 4,
             qPrintable(QString("%1 x %2").arg(twice.width()).arg(twice.height())));
    // A PNG by its extension, in any case.
    QTemporaryDir dir;
    export_diagram(project, (dir.path() + "/MLP.PNG").toStdString());
    QVERIFY(read_all(dir.path() + "/MLP.PNG").startsWith("\x89PNG"));
  }

  void a_huge_diagram_fits_a_png() {
    // 300 layers at 96 dpi would be about 35,000 pixels tall; cairo's limit is 32,767, so the resolution drops.
    Document doc;
    int previous = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 8}}});
    for (int i = 0; i < 300; ++i) {
      int next = doc.add_node("Dense", 0, 0, {{"units", 8}});
      doc.connect({previous, 0}, {next, 0});
      previous = next;
    }
    const QImage image = png_image(render_diagram(doc.data(), "png"));
    QVERIFY2(image.height() > 20000 && image.height() <= 32000, qPrintable(QString::number(image.height())));
  }

  void a_chain_drawn_left_to_right_is_wider_than_tall() {
    DiagramOptions o;
    o.rankdir = "LR";
    const QImage image = png_image(render_diagram(mlp().project, "png", o));
    QVERIFY2(image.width() > 2 * image.height(), qPrintable(QString("%1 x %2").arg(image.width()).arg(image.height())));
  }

  void other_file_types_are_refused() {
    QTemporaryDir dir;
    for (const char* name : {"/mlp.jpg", "/mlp", "/mlp.svg.txt", "/svg"}) {
      const std::string path = (dir.path() + name).toStdString();
      try {
        export_diagram(mlp().project, path);
        QFAIL(("accepted " + path).c_str());
      } catch (const ValueError& e) {
        QVERIFY2(has(e.what(), ".svg") && has(e.what(), ".png") && has(e.what(), path), e.what());
      }
    }
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
    QVERIFY_THROWS_EXCEPTION(ValueError, render_diagram(mlp().project, "pdf"));
    DiagramOptions o;
    o.dpi = 5000;  // a 100-megapixel image is a typo, not a wish
    QVERIFY_THROWS_EXCEPTION(ValueError, render_diagram(mlp().project, "png", o));
    // A folder that does not exist: an IoError naming the file, not a crash.
    QVERIFY_THROWS_EXCEPTION(IoError, export_diagram(mlp().project, (dir.path() + "/none/mlp.svg").toStdString()));
  }

  void a_graph_with_a_shape_problem_still_renders() {
    Document doc;
    test::MlpIds ids = test::build_mlp(doc);
    // 784 values cannot become 5: the Reshape fails, and everything after it has no known shape.
    int reshape = doc.insert_on_edge({{ids.flatten, 0}, {ids.hidden, 0}}, "Reshape", {{"target_shape", {5}}});
    QVERIFY(check(doc.data()).has_errors());
    const std::string dot = diagram_dot(doc.data());
    QVERIFY2(has(node_statement(dot, reshape), shape_field("Input shape", "(None, 784)")) &&
                 has(node_statement(dot, reshape), shape_field("Output shape", "?")),
             dot.c_str());
    QVERIFY2(has(node_statement(dot, ids.logits), shape_field("Input shape", "?")), dot.c_str());
    QCOMPARE(svg_nodes(QByteArray::fromStdString(render_diagram(doc.data(), "svg"))), 5);
    QVERIFY(!png_image(render_diagram(doc.data(), "png")).isNull());
  }

  void unknown_types_and_odd_names_are_drawn() {
    // A unit without a body (its shapes cannot be known) and a name with markup in it.
    ProjectData project = mlp().project;
    Node unit{.id = 100, .type = "Unit", .name = "encoder", .params = Config::object()};
    project.graph.nodes.push_back(unit);
    project.graph.edges.push_back({{project.graph.nodes[1].id, 0}, {100, 0}});
    project.graph.nodes[2].name = "a<b & \"c\">";
    const std::string dot = diagram_dot(project);
    QVERIFY2(has(node_statement(dot, 100), "<b>encoder</b>  (Unit)") &&
                 has(node_statement(dot, 100), shape_field("Output shape", "?")),
             dot.c_str());
    DiagramOptions named;
    named.show_layer_names = true;
    QVERIFY2(has(diagram_dot(project, named), "a&lt;b &amp; &quot;c&quot;&gt;"), dot.c_str());
    QCOMPARE(svg_nodes(QByteArray::fromStdString(render_diagram(project, "svg", named))), 5);
  }

  void an_empty_project_is_an_empty_drawing() {
    QCOMPARE(svg_nodes(QByteArray::fromStdString(render_diagram(ProjectData{}, "svg"))), 0);
  }

  void the_demos_render() {
    const QString demos = QString(qgetenv("CORNU_SOURCE_DIR")) + "/resources/demos/";
    const QStringList files = QDir(demos).entryList({"*.cornu"});
    QVERIFY2(files.size() >= 3, qPrintable(demos));
    for (const QString& file : files) {
      const ProjectData project = load_project((demos + file).toStdString());
      int layers = 0;
      for (const Node& n : project.graph.nodes) layers += n.type != "Output";
      QCOMPARE(svg_nodes(QByteArray::fromStdString(render_diagram(project, "svg"))), layers);
      QVERIFY(!has(diagram_dot(project), ": </font><b>?</b>"));  // the demos are sound: every shape is known
    }
  }

  void renders_and_layouts_share_graphviz_safely() {
    // Graphviz is not thread-safe: diagrams and the canvas layout, called at once, must take turns.
    const ProjectData project = mlp().project;
    std::vector<std::thread> threads;
    std::atomic<int> rendered{0};
    for (int t = 0; t < 3; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 3; ++i) rendered += !png_image(render_diagram(project, "png")).isNull();
      });
    for (int i = 0; i < 10; ++i) QCOMPARE(layout_dot({{1}, {2}, {3}}, {{1, 3, 0}, {2, 3, 1}}).size(), size_t(3));
    for (auto& t : threads) t.join();
    QCOMPARE(rendered.load(), 9);
  }
};

QTEST_GUILESS_MAIN(DiagramTest)
#include "test_diagram.moc"
