#include "nodes/autosave.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "nodes/project.h"

namespace cornu::nodes {

namespace {
QString untitled_folder() {
  return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/autosave";
}
}  // namespace

Autosaver::Autosaver(Document& doc, int interval_ms, QObject* parent) : QObject(parent), doc_(doc) {
  timer_.setInterval(interval_ms);
  connect(&timer_, &QTimer::timeout, this, [this] { save_now(); });
  timer_.start();
}

QString Autosaver::autosave_path(const QString& project_path) {
  if (project_path.isEmpty())
    return untitled_folder() + QString("/untitled-%1.cornu").arg(QCoreApplication::applicationPid());
  QFileInfo info(project_path);
  return info.dir().filePath("." + info.fileName() + ".autosave");
}

QString Autosaver::recoverable(const QString& project_path) {
  QFileInfo autosave(autosave_path(project_path)), project(project_path);
  if (!autosave.exists()) return {};
  if (project.exists() && project.lastModified() > autosave.lastModified()) return {};
  return autosave.filePath();
}

QStringList Autosaver::recoverable_untitled() {
  QStringList out;
  QDir dir(untitled_folder());
  for (const QString& name : dir.entryList({"untitled-*.cornu"}, QDir::Files, QDir::Time)) out << dir.filePath(name);
  return out;
}

bool Autosaver::save_now() {
  if (!doc_.dirty()) return false;
  const QString path = autosave_path(doc_.file_path());
  if (!last_path_.isEmpty() && last_path_ != path) QFile::remove(last_path_);  // the project was renamed
  try {
    QDir().mkpath(QFileInfo(path).path());
    write_file_atomically(path.toStdString(), project_to_text(doc_.data()));
  } catch (const std::exception& e) {
    emit failed(QString::fromStdString(e.what()));
    return false;
  }
  last_path_ = path;
  emit autosaved(path);
  return true;
}

void Autosaver::discard() {
  QFile::remove(autosave_path(doc_.file_path()));
  if (!last_path_.isEmpty()) QFile::remove(last_path_);
  last_path_.clear();
}

}  // namespace cornu::nodes
