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

// The MLP with its Flatten removed and an Input of unknown width: Dense is fed (None, 28, None), an error on that
// connection (it cannot size its kernel). A Dense fed (None, 28, 28) is legal, as in Keras: it acts on the last axis.
inline MlpIds build_broken_mlp(nodes::Document& doc) {
  MlpIds ids = build_mlp(doc);
  doc.set_param(ids.input, "batch_shape", Config::array({nullptr, 28, nullptr}));
  doc.remove_nodes({ids.flatten});
  doc.connect({ids.input, 0}, {ids.hidden, 0});
  return ids;
}

// `blocks` residual blocks [Dense 64 relu -> Dropout -> Add(block input, dropout)] after node `from` (which
// outputs 64 features); returns the last Add. Three nodes and four connections a block: big graphs for benchmarks.
inline int add_residual_blocks(nodes::Document& doc, int from, int blocks) {
  for (int b = 0; b < blocks; ++b) {
    const int dense = doc.add_node("Dense", 0, 0, {{"units", 64}, {"activation", "relu"}});
    const int drop = doc.add_node("Dropout", 0, 0, {{"rate", 0.1}});
    const int add = doc.add_node("Add", 0, 0);
    doc.connect({from, 0}, {dense, 0});
    doc.connect({dense, 0}, {drop, 0});
    doc.connect({from, 0}, {add, 0});
    doc.connect({drop, 0}, {add, 1});
    from = add;
  }
  return from;
}

}  // namespace cornu::test
