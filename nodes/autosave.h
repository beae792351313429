// Autosave for crash recovery: while the document has unsaved changes, a copy is written every minute
// beside the project (".NAME.cornu.autosave") or, for an untitled document, in the user's data folder. A
// save or an explicit discard removes it; after a crash, recoverable() finds it to offer it back.
#pragma once
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "nodes/document.h"

namespace cornu::nodes {

class Autosaver : public QObject {
  Q_OBJECT

 public:
  explicit Autosaver(Document& doc, int interval_ms = 60000, QObject* parent = nullptr);

  // Where the autosave of `project_path` goes; for "" (untitled), a per-process file in the data folder.
  static QString autosave_path(const QString& project_path);
  // The autosave to offer back for this project: one that exists and is newer than the project. "" if none.
  static QString recoverable(const QString& project_path);
  // Autosaves of untitled documents left by earlier sessions.
  static QStringList recoverable_untitled();

  // Writes the autosave now if there are unsaved changes; true when it wrote one.
  bool save_now();
  // Removes the autosave: after a successful save, or when the user discards the changes.
  void discard();

 signals:
  void autosaved(const QString& path);
  void failed(const QString& message);  // e.g. the disk is full: the document itself is untouched

 private:
  Document& doc_;
  QTimer timer_;
  QString last_path_;
};

}  // namespace cornu::nodes
