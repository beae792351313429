#include "ui/keras_files.h"

#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>

#include "core/error.h"
#include "io/keras_io.h"
#include "model/weights_io.h"
#include "nodes/compile.h"
#include "nodes/project.h"

namespace cornu::ui {

namespace {

struct WaitCursor {
  WaitCursor() { QApplication::setOverrideCursor(Qt::WaitCursor); }
  ~WaitCursor() { QApplication::restoreOverrideCursor(); }
};

// The project's model with the best weights at hand, and those weights' origin in words.
std::pair<ModelPtr, QString> model_with_weights(const nodes::ProjectData& project, const ExportWeights& weights) {
  ModelPtr model = nodes::build_model(project, nodes::has_every_loss(project));
  if (weights.trained && weights.trained_graph == project.graph) {
    model->set_weights(weights.trained->get_weights());
    return {model, QObject::tr("the weights of the last training run")};
  }
  if (!project.path.empty() && nodes::load_project_weights(project.path, *model))
    return {model, QObject::tr("the weights saved with the project")};
  return {model, QObject::tr("untrained weights (train the model first to export what it learned)")};
}


}  // namespace

QString write_keras_export(KerasExport format, const nodes::ProjectData& project, const ExportWeights& weights,
                           const QString& path, bool distributed) {
  auto [model, origin] = model_with_weights(project, weights);
  const std::string target = path.toStdString();
  if (format == KerasExport::Python) {
    io::PythonScriptOptions options = nodes::python_script_options(project.settings);
    options.distributed = distributed;
    const bool trained = !origin.startsWith(QObject::tr("untrained"));
    if (trained) {  // the script loads them from beside itself
      const QString weights_file = QFileInfo(path).absolutePath() + "/" + QFileInfo(path).completeBaseName() + ".weights.h5";
      save_weights(*model, weights_file.toStdString());
      options.weights_path = weights_file.toStdString();
    }
    nodes::write_file_atomically(target, io::python_script(*model, options));
    return trained ? QObject::tr("Wrote the Keras script %1 and the weights it loads, %2").arg(path, origin)
                   : QObject::tr("Wrote the Keras script %1").arg(path);
  }
  format == KerasExport::H5 ? io::save_model_h5(*model, target) : io::save_model_keras(*model, target);
  return QObject::tr("Exported %1 with %2").arg(path, origin);
}

QString write_keras_import(const QString& model_path, const QString& project_path) {
  io::LoadedModel loaded = io::load_model(model_path.toStdString());
  nodes::ProjectData project = nodes::project_from_model(*loaded.model);
  project.path = QFileInfo(project_path).absoluteFilePath().toStdString();
  nodes::save_project_with_weights(project_path.toStdString(), project, *loaded.model);
  QString note;
  for (const auto& w : loaded.warnings) note += "\n" + QString::fromStdString(w);
  return note;
}

QString import_keras_model(QWidget* parent) {
  const QString model_path = QFileDialog::getOpenFileName(parent, QObject::tr("Import Keras Model"), {},
                                                          QObject::tr("Keras models (*.keras *.h5 *.hdf5)"));
  if (model_path.isEmpty()) return {};
  const QFileInfo info(model_path);
  const QString project_path = QFileDialog::getSaveFileName(
      parent, QObject::tr("Save the Imported Model as a Project"), info.absolutePath() + "/" + info.completeBaseName() + ".cornu",
      QObject::tr("Cornu projects (*.cornu)"));
  if (project_path.isEmpty()) return {};
  const QString target = project_path.endsWith(".cornu") ? project_path : project_path + ".cornu";
  try {
    WaitCursor wait;
    const QString warnings = write_keras_import(model_path, target);
    if (!warnings.isEmpty())
      QMessageBox::information(parent, QObject::tr("Imported with notes"),
                               QObject::tr("%1 was imported. Note:%2").arg(info.fileName(), warnings));
  } catch (const std::exception& e) {
    QMessageBox::critical(parent, QObject::tr("Cannot import %1").arg(info.fileName()),
                          QObject::tr("%1\n\nNothing was created.").arg(e.what()));
    return {};
  }
  return target;
}

QString export_keras(QWidget* parent, KerasExport format, const nodes::ProjectData& project, const ExportWeights& weights,
                     const QString& suggested_base) {
  const QString title = format == KerasExport::H5        ? QObject::tr("Export Keras HDF5")
                        : format == KerasExport::Archive ? QObject::tr("Export Keras Archive")
                                                         : QObject::tr("Export Python Script");
  const QString ext = format == KerasExport::H5 ? ".h5" : format == KerasExport::Archive ? ".keras" : ".py";
  const QString filter = format == KerasExport::H5        ? QObject::tr("Keras HDF5 (*.h5)")
                         : format == KerasExport::Archive ? QObject::tr("Keras archive (*.keras)")
                                                          : QObject::tr("Python script (*.py)");
  QString path = QFileDialog::getSaveFileName(parent, title, suggested_base + ext, filter);
  if (path.isEmpty()) return {};
  if (!path.endsWith(ext)) path += ext;
  bool distributed = false;
  if (format == KerasExport::Python)
    distributed = QMessageBox::question(parent, title,
                                        QObject::tr("Add Keras's data-parallel distribution, so that the script trains "
                                                    "on every GPU (or host) Keras finds?"),
                                        QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
  try {
    WaitCursor wait;
    return write_keras_export(format, project, weights, path, distributed);
  } catch (const std::exception& e) {
    QMessageBox::critical(parent, QObject::tr("Cannot export"), QObject::tr("%1\n\nNothing was written.").arg(e.what()));
    return {};
  }
}

}  // namespace cornu::ui
