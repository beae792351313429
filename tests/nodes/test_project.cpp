// Project files: a save/load round trip is identical; saves are atomic; corrupt, truncated and hostile
// files (wrong types, huge numbers, deep nesting, unknown layers, a million nodes, newer versions) are
// refused with the JSON path of the first problem and never crash; autosave and crash recovery.
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "core/random.h"
#include "nodes/autosave.h"
#include "nodes/checks.h"
#include "nodes/compile.h"
#include "nodes/project.h"
#include "nodes/runs.h"
#include "project_fixtures.h"

using namespace cornu;
using namespace cornu::nodes;

namespace {

ProjectData sample_project() {
  Document doc;
  test::build_mlp(doc);
  Settings s = doc.settings();
  s.dataset = {{"name", "spirals"}, {"noise", 0.2}};
  s.epochs = 7;
  s.model_name = "mlp";
  s.optimizer = {{"class_name", "SGD"}, {"config", {{"learning_rate", 0.05}, {"momentum", 0.9}}}};
  s.callbacks = {{{"class_name", "EarlyStopping"}, {"config", {{"monitor", "val_loss"}, {"patience", 3}}}},
                 {{"class_name", "ModelCheckpoint"}, {"config", {{"save_best_only", true}}}}};
  s.device = "cpu";
  s.validation = "test";
  doc.set_settings(s);
  doc.append_history({{"started", "2026-11-23T10:00:00Z"}, {"stopped", "completed"},
                      {"epochs", {{{"epoch", 1}, {"loss", 0.5}, {"accuracy", 0.75}}, {{"epoch", 2}, {"loss", nullptr}}}}});
  return doc.data();
}

// Replaces the first occurrence of `from` in the sample project's text.
std::string edited(const std::string& from, const std::string& to) {
  std::string text = project_to_text(sample_project());
  auto at = text.find(from);
  if (at == std::string::npos) qFatal("fixture text lacks %s", from.c_str());
  return text.replace(at, from.size(), to);
}

// Parsing `text` is refused with a ProjectError whose path and message contain the given parts.
void refused(const std::string& text, const std::string& path, const std::string& message) {
  try {
    parse_project(text);
    QFAIL(("accepted; expected " + message).c_str());
  } catch (const ProjectError& e) {
    QVERIFY2(e.json_path().find(path) == 0, (std::string("path: ") + e.json_path() + " in " + e.what()).c_str());
    QVERIFY2(std::string(e.what()).find(message) != std::string::npos, e.what());
  }
}

}  // namespace

class ProjectTest : public QObject {
  Q_OBJECT

 private slots:
  void roundTripIsIdentical() {
    ProjectData p = sample_project();
    QTemporaryDir dir;
    const std::string path = dir.filePath("model.cornu").toStdString();
    save_project(path, p);
    ProjectData back = load_project(path);
    QVERIFY(back == p);
    QCOMPARE(project_to_text(back), project_to_text(p));
    // Nothing but the project in the folder: the temporary file was renamed over it.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"model.cornu"});
  }

  void savesAreAtomic() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("model.cornu").toStdString();
    save_project(path, sample_project());
    const std::string before = project_to_text(load_project(path));
    // A save that cannot happen (its folder is a file) fails with a message and leaves the old file.
    QVERIFY_THROWS_EXCEPTION(IoError, save_project(path + "/inside.cornu", ProjectData{}));
    QCOMPARE(project_to_text(load_project(path)), before);
  }

  void truncatedFilesAreRefused() {
    const std::string text = project_to_text(sample_project());
    for (size_t cut = 0; cut < text.size() - 2; cut += 7) {
      try {
        parse_project(text.substr(0, cut));
        QFAIL(("a file cut at byte " + std::to_string(cut) + " was accepted").c_str());
      } catch (const ProjectError&) {
      }
    }
    refused("", "", "not valid JSON");
  }

  void corruptBytesNeverCrash() {
    // Random byte changes: each gives a project (a change inside a string, say) or a ProjectError.
    const std::string text = project_to_text(sample_project());
    int refusals = 0;
    for (uint64_t trial = 0; trial < 3000; ++trial) {
      std::string damaged = text;
      static const char alphabet[] = "{}[]\":,0-9e.ntfa \\";
      for (int k = 0; k < 3; ++k) {
        size_t at = static_cast<size_t>(random_uniform_at(mix_key(77, trial), static_cast<uint64_t>(2 * k)) * damaged.size());
        size_t pick = static_cast<size_t>(random_uniform_at(mix_key(77, trial), static_cast<uint64_t>(2 * k + 1)) *
                                          (sizeof(alphabet) - 1));
        damaged[std::min(at, damaged.size() - 1)] = alphabet[std::min(pick, sizeof(alphabet) - 2)];
      }
      try {
        ProjectData p = parse_project(damaged);
        check(p);  // whatever loads can be checked
      } catch (const ProjectError&) {
        ++refusals;
      }
    }
    QVERIFY(refusals > 1000);
  }

  void wrongTypesNameTheirPath() {
    refused(edited("\"units\":64", "\"units\":\"sixty-four\""), "$.graph.nodes[2].params.units", "expected an integer");
    refused(edited("\"epochs\": 7", "\"epochs\": \"7\""), "$.settings.epochs", "expected a whole number");
    refused(edited("\"shuffle\": true", "\"shuffle\": 1"), "$.settings.shuffle", "expected true or false");
    refused(edited("\"position\":[0.0,200.0]", "\"position\":[0.0]"), "$.graph.nodes[2].position", "expected [x, y]");
    refused(edited("\"graph\": {", "\"graph\": 3, \"g\": {"), "$", "unknown key 'g'");
    refused(edited("\"nodes\": [", "\"nodes\": {\"a\": ["), "", "not valid JSON");
    refused("[1, 2]", "$", "is a JSON object");
    refused(R"({"format": "keras", "version": 1})", "$.format", "not a Cornu project");
    refused(edited("\"name\":\"dense\"", "\"name\":\"dense_1\""), "$.graph.nodes[3].name", "two layers are called 'dense_1'");
    refused(edited("\"name\":\"dense\"", "\"name\":\"a/b\""), "$.graph.nodes[2].name", "cannot name a layer");
    refused(edited("\"dataset\": {", "\"dataset\": {\"size\": 3, "), "$.settings.dataset", "unknown parameter 'size'");
    refused(edited("\"class_name\":\"SGD\"", "\"class_name\":\"SDG\""), "$.settings.optimizer", "Did you mean 'sgd'");
  }

  void trainingSettingsAreCheckedWithTheirPath() {
    refused(edited("\"device\": \"cpu\"", "\"device\": \"tpu\""), "$.settings.device", "'auto', 'cpu', 'gpu'");
    refused(edited("\"validation\": \"test\"", "\"validation\": \"val\""), "$.settings.validation",
            "'split', 'test', 'none'");
    refused(edited("\"validation\": \"test\"", "\"validation\": 1"), "$.settings.validation", "expected a string");
    refused(edited("\"patience\":3", "\"patience\":-3"), "$.settings.callbacks[0]", "patience");
    refused(edited("\"patience\":3", "\"patiense\":3"), "$.settings.callbacks[0]", "Did you mean 'patience'");
    refused(edited("\"class_name\":\"EarlyStopping\"", "\"class_name\":\"EarlyStoping\""), "$.settings.callbacks[0]",
            "Did you mean 'EarlyStopping'");
    Config twice = project_to_json(sample_project());
    twice["settings"]["callbacks"][1] = twice["settings"]["callbacks"][0];
    refused(twice.dump(), "$.settings.callbacks[1]", "listed twice");
    refused(edited("\"callbacks\": [", "\"callbacks\": [3, "), "$.settings.callbacks[0]", "expected an object");
    // The document refuses what the loader refuses, before it becomes an undo step.
    Document doc;
    Settings s;
    s.device = "tpu";
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.set_settings(s));
    s.device = "auto";
    s.callbacks = {{{"class_name", "ReduceLROnPlateau"}, {"config", {{"factor", 2.0}}}}};
    QVERIFY_THROWS_EXCEPTION(ValueError, doc.set_settings(s));
    QCOMPARE(doc.undo_stack().count(), 0);
  }

  void filesWithoutTheTrainingKeysLoadWithDefaults() {
    // A file saved before callbacks, device and validation existed.
    Config j = project_to_json(sample_project());
    for (const char* key : {"callbacks", "device", "validation"}) j["settings"].erase(key);
    const Settings s = project_from_json(j).settings;
    QCOMPARE(s.callbacks, Config::array());
    QCOMPARE(s.device, std::string("auto"));
    QCOMPARE(s.validation, std::string("split"));
    QCOMPARE(s.epochs, int64_t(7));
  }

  void hugeNumbersAreRefused() {
    refused(edited("\"units\":64", "\"units\":1e300"), "$.graph.nodes[2].params.units", "expected an integer");
    refused(edited("\"units\":64", "\"units\":18446744073709551615"), "$.graph.nodes[2].params.units", "expected an integer");
    refused(edited("\"id\":1,", "\"id\":99999999999999999999,"), "$.graph.nodes[0].id", "from 1 to");
    refused(edited("\"position\":[0.0,200.0]", "\"position\":[0.0,1e308]"), "$.graph.nodes[2].position[1]", "from");
    refused(edited("\"position\":[0.0,200.0]", "\"position\":[0.0,1e999]"), "", "a value Cornu cannot read");
    refused(edited("\"batch_size\": 32", "\"batch_size\": -5"), "$.settings.batch_size", "from 1 to");
    refused(edited("\"from\":[1,0]", "\"from\":[1,70000000]"), "$.graph.edges[0].from[1]", "from 0 to");
  }

  void deepNestingIsRefusedBeforeParsing() {
    refused(std::string(100000, '[') + std::string(100000, ']'), "", "nested more than 64 levels");
    std::string deep = "{\"a\":";
    for (int i = 0; i < 5000; ++i) deep += "{\"a\":";
    refused(deep, "", "nested more than 64 levels");
    // Brackets inside strings do not count.
    ProjectData ok = parse_project(edited("2026-11-23T10:00:00Z", std::string(500, '[') + "\\\"{"));
    QCOMPARE(ok.history[0].at("started").get<std::string>().size(), size_t(502));
  }

  void unknownLayersAndBadGraphsAreRefused() {
    refused(edited("\"type\":\"Dense\"", "\"type\":\"Dence\""), "$.graph.nodes[2].type", "Did you mean 'Dense'");
    refused(edited("\"type\":\"Dense\"", "\"type\":\"os.system\""), "$.graph.nodes[2].type", "no layer called");
    refused(edited("\"units\":64", "\"unitz\":64"), "$.graph.nodes[2].params", "Did you mean 'units'");
    refused(edited("\"from\":[1,0]", "\"from\":[42,0]"), "$.graph.edges[0].from[0]", "no node with id 42");
    refused(edited("\"from\":[1,0]", "\"from\":[2,0]"), "$.graph.edges[0]", "cannot feed itself");
    refused(edited("\"to\":[2,0]", "\"to\":[3,0]"), "$.graph.edges", "connected twice");
    refused(edited("\"to\":[2,0]", "\"to\":[2,1]"), "$.graph.edges[0].to", "no input port 1");
    refused(edited("\"from\":[1,0]", "\"from\":[5,0]"), "$.graph.edges[0].from", "no output port 0");
    refused(edited("\"id\":2,", "\"id\":1,"), "$.graph.nodes[1].id", "used twice");
  }

  void aMillionNodesAreRefusedQuickly() {
    std::string text = R"({"format":"cornu-project","version":1,"graph":{"nodes":[)";
    for (int i = 1; i <= 1000000; ++i) {
      if (i > 1) text += ',';
      text += "{\"id\":" + std::to_string(i) + ",\"type\":\"Dense\",\"name\":\"d" + std::to_string(i) + "\"}";
    }
    text += R"(],"edges":[]}})";
    refused(text, "", "JSON objects and lists; Cornu opens projects of up to 500000");
    // And a file too large to be a project is refused by its size.
    refused(std::string(kMaxProjectBytes + 1, ' '), "", "MiB");
  }

  void longHistoriesLoad() {
    // 50,000 epochs of history (the loader parses without a callback, in linear time: bench_checks-style
    // timings belong in benchmarks, not here).
    ProjectData p = sample_project();
    Config epochs = Config::array();
    for (int e = 0; e < 50000; ++e) epochs.push_back({{"epoch", e + 1}, {"loss", 0.5}});
    p.history = Config::array({{{"epochs", epochs}}});
    QVERIFY(parse_project(project_to_text(p)) == p);
  }

  void versions() {
    refused(edited("\"version\": 1", "\"version\": 2"), "$.version", "saved by a newer Cornu (format 2");
    refused(edited("\"version\": 1", "\"version\": 0"), "$.version", "from 1 to");
    refused(edited("\"version\": 1,", ""), "$", "'version' is missing");
  }

  void missingFilesSayWhich() {
    try {
      load_project("/nonexistent/model.cornu");
      QFAIL("no error");
    } catch (const ProjectError& e) {
      QVERIFY2(std::string(e.what()).find("/nonexistent/model.cornu") != std::string::npos, e.what());
    }
  }

  void weightsLiveBesideTheProject() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("mlp.cornu").toStdString();
    QCOMPARE(weights_path_for(path), dir.filePath("mlp.weights.h5").toStdString());
    ProjectData p = sample_project();
    p.settings.dataset = {{"name", "fashion-mnist"}};
    ModelPtr model = build_model(p);
    save_project_with_weights(path, p, *model);
    p.settings.seed = 99;  // other initial weights...
    ModelPtr again = build_model(p);
    QVERIFY(again->get_weights()[0].to_vector() != model->get_weights()[0].to_vector());
    QVERIFY(load_project_weights(path, *again));  // ...replaced by the saved ones
    QCOMPARE(again->get_weights()[0].to_vector(), model->get_weights()[0].to_vector());
    // Weights of another architecture are refused with advice.
    Document other;
    test::build_mlp(other);
    other.set_param(other.node_named("dense")->id, "units", 3);
    ModelPtr changed = build_model(other.data());
    QVERIFY_THROWS_EXCEPTION(IoError, load_project_weights(path, *changed));
    QVERIFY(!load_project_weights(dir.filePath("none.cornu").toStdString(), *changed));
  }

  void autosaveIsOfferedBackAfterACrash() {
    QTemporaryDir dir;
    const QString path = dir.filePath("work.cornu");
    {
      Document doc;
      test::build_mlp(doc);
      doc.set_file_path(path);
      save_project(path.toStdString(), doc.data());
      doc.mark_saved();
      Autosaver autosaver(doc, 50);
      QVERIFY(!autosaver.save_now());  // nothing unsaved: nothing written
      doc.add_node("Dropout", 0, 0, {{"rate", 0.3}});
      QSignalSpy saved(&autosaver, &Autosaver::autosaved);
      QVERIFY(saved.wait(2000));  // the timer fired
      QVERIFY(QFile::exists(Autosaver::autosave_path(path)));
      // The process "crashes" here: no discard().
    }
    QString recovered = Autosaver::recoverable(path);
    QCOMPARE(recovered, Autosaver::autosave_path(path));
    ProjectData p = load_project(recovered.toStdString());
    QCOMPARE(p.graph.nodes.size(), size_t(6));  // the unsaved Dropout is there
    // A clean save removes the autosave: nothing to recover.
    {
      Document doc;
      doc.reset(p);
      doc.set_file_path(path);
      Autosaver autosaver(doc, 60000);
      save_project(path.toStdString(), doc.data());
      doc.mark_saved();
      autosaver.discard();
    }
    QVERIFY(Autosaver::recoverable(path).isEmpty());
    QVERIFY(!QFile::exists(Autosaver::autosave_path(path)));
  }

  void historyRecordsRuns() {
    History h;
    h.epoch = {0, 1};
    h.history["loss"] = {0.9, std::nan("")};
    Config run = run_record(Settings{}, h, {{"accuracy", 0.8}}, "a", "b", "completed");
    QCOMPARE(run.at("epochs").size(), size_t(2));
    QCOMPARE(run.at("epochs")[1].at("epoch"), Config(2));
    QVERIFY(run.at("epochs")[1].at("loss").is_null());  // NaN is kept as null, valid JSON
    ProjectData p = sample_project();
    p.history.push_back(run);
    QVERIFY(parse_project(project_to_text(p)) == p);
  }

  void runRecordsSayHowToRepeatTheRun() {
    Settings s;
    s.seed = 42;
    s.dataset = {{"name", "spirals"}};
    Config run = run_record(s, History{}, {}, "a", "b", "completed", {.fingerprint = "0123456789abcdef", .weights = "m.runs/a.weights.h5"});
    QCOMPARE(run.at("seed"), Config(42));
    QCOMPARE(run.at("device"), Config("cpu"));
    QCOMPARE(run.at("data").at("name"), Config("spirals"));
    QVERIFY(run.at("data").contains("noise"));  // every dataset parameter, defaults included
    QCOMPARE(run.at("data").at("fingerprint"), Config("0123456789abcdef"));
    ProjectData p = sample_project();
    p.history.push_back(run);
    QVERIFY(parse_project(project_to_text(p)) == p);
    // A run's weights stay inside the project's folder.
    p.history.back()["weights"] = "../elsewhere.weights.h5";
    refused(project_to_text(p), "$.history[1].weights", "inside the project's folder");
  }
};

QTEST_GUILESS_MAIN(ProjectTest)
#include "test_project.moc"
