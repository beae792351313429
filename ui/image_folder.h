// The "image-folder" dataset: a folder with one subfolder of images per class, as Keras's
// image_dataset_from_directory reads it. It lives in ui/ because it decodes images with Qt's QImage (the
// engine knows no Qt); register_image_datasets() adds it to the engine's dataset registry.
#pragma once

namespace cornu::ui {

// Adds "image-folder" to the dataset registry. Call it at start-up, before anything reads the registry
// (app/main.cpp does, for the editor and the command line alike); a second call does nothing.
void register_image_datasets();

}  // namespace cornu::ui
