// Small documents the nodes tests build on.
#pragma once
#include "nodes/document.h"

namespace cornu::test {

// Input (None, 28, 28) -> Flatten -> Dense 64 relu -> Dense 10 softmax -> Output (sparse CE, accuracy).
struct MlpIds {
  int input, flatten, hidden, logits, output;
};
inline MlpIds build_mlp(nodes::Document& doc) {
  MlpIds ids;
  ids.input = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 28, 28}}}, "image");
  ids.flatten = doc.add_node("Flatten", 0, 100);
  ids.hidden = doc.add_node("Dense", 0, 200, {{"units", 64}, {"activation", "relu"}});
  ids.logits = doc.add_node("Dense", 0, 300, {{"units", 10}, {"activation", "softmax"}});
  ids.output = doc.add_node("Output", 0, 400, {{"loss", "sparse_categorical_crossentropy"}, {"metrics", {"accuracy"}}});
  doc.connect({ids.input, 0}, {ids.flatten, 0});
  doc.connect({ids.flatten, 0}, {ids.hidden, 0});
  doc.connect({ids.hidden, 0}, {ids.logits, 0});
  doc.connect({ids.logits, 0}, {ids.output, 0});
  return ids;
}

}  // namespace cornu::test
