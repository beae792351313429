// `cornu sample`, end to end: a small character model trained on a text file by `cornu train`, then text
// sampled from its saved weights at two temperatures; the mistakes a user can make explained.
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#ifdef CORNU_WITH_NODES
#include "model/layers_api.h"
#include "nodes/compile.h"
#include "nodes/project.h"
#endif

using namespace cornu;

namespace {

struct Run {
  int exit_code = -1;
  QString out, err;
};

Run cornu_run(const QStringList& args) {
  QProcess p;
  p.start(CORNU_EXECUTABLE, args);
  if (!p.waitForFinished(600000)) p.kill();
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

#ifdef CORNU_WITH_NODES
// A project whose model reads 4 one-hot characters of "\nacdgotw" and guesses the next (no recurrent layer
// needed to exercise the command).
void write_project(const QString& path, const Config& dataset) {
  using namespace cornu::layers;
  Sequential model("chars");
  model.add(Input(Shape{4, 8}, "characters"));
  model.add(Flatten());
  model.add(Dense(8, "softmax"));
  model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  nodes::Settings s;
  s.epochs = 3;
  s.batch_size = 16;
  s.dataset = dataset;
  nodes::save_project(path.toStdString(), nodes::project_from_model(model, s));
}
#endif

}  // namespace

class TestCliSample : public QObject {
  Q_OBJECT
 private slots:
  void samples_a_trained_character_model() {
#ifndef CORNU_WITH_NODES
    QSKIP("built without project files (-DCORNU_WITH_GUI=OFF)");
#else
    QTemporaryDir dir;
    const QString d = dir.path(), text = d + "/words.txt", project = d + "/chars.cornu";
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int i = 0; i < 60; ++i) f.write("cat\ndog\ncow\nCAT\n");
    f.close();
    const Config dataset = {{"name", "text_characters"}, {"path", text.toStdString()}, {"maxlen", 4},
                            {"step", 1}, {"vocabulary", "\nacdgotw"}};
    write_project(project, dataset);

    Run r = cornu_run({"sample", project});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.contains("no trained weights") && r.err.contains("cornu train"), qPrintable(r.err));

    r = cornu_run({"train", project, "--verbose", "0"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    r = cornu_run({"sample", project, "--temperature", "0.5,1", "--length", "40", "--seed", "Do"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("----- temperature 0.5\n") && r.out.contains("----- temperature 1\n"), qPrintable(r.out));
    // The seed lowercased and padded on the left with newlines to the model's 4 characters.
    QVERIFY2(r.out.startsWith("Seed: \"\n\ndo\"\n"), qPrintable(r.out));
    const QStringList passages = r.out.split("----- temperature ");
    QCOMPARE(passages.size(), 3);
    for (int k = 1; k < passages.size(); ++k) {
      QString body = passages[k].section('\n', 1);  // after the temperature line
      if (k + 1 < passages.size()) body.chop(1);      // the blank line before the next passage
      QCOMPARE(body.size(), 4 + 40 + 1);  // seed, generated, final newline
      for (QChar c : body) QVERIFY2(QString("\nacdgotw").contains(c), qPrintable(body));
    }
    // The same seed and temperature write the same text.
    QCOMPARE(cornu_run({"sample", project, "--temperature", "0.5,1", "--length", "40", "--seed", "Do"}).out, r.out);
    // Without --seed it starts from a window of the training text.
    r = cornu_run({"sample", project, "--temperature", "0.2", "--length", "10"});
    QVERIFY2(r.exit_code == 0 && r.out.startsWith("Seed: \""), qPrintable(r.out + r.err));

    r = cornu_run({"sample", project, "--temperature", "hot"});
    QVERIFY2(r.exit_code != 0 && r.err.contains("positive numbers separated by commas"), qPrintable(r.err));
    r = cornu_run({"sample", project, "--seed", "cats!"});
    QVERIFY2(r.exit_code != 0 && r.err.contains("'s'") && r.err.contains("never saw"), qPrintable(r.err));

    const QString spiral = d + "/spiral.cornu";
    QCOMPARE(cornu_run({"demos", "--write", d}).exit_code, 0);
    r = cornu_run({"train", spiral, "--epochs", "1", "--verbose", "0"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    r = cornu_run({"sample", spiral});
    QVERIFY2(r.exit_code != 0 && r.err.contains("text_characters"), qPrintable(r.err));
#endif
  }
};

QTEST_GUILESS_MAIN(TestCliSample)
#include "test_cli_sample.moc"
