#include "nodes/live_checks.h"

namespace cornu::nodes {

LiveChecks::LiveChecks(Document& doc, QObject* parent) : QObject(parent), doc_(doc) {
  connect(&doc_, &Document::changed, this, &LiveChecks::refresh);
  refresh();
}

void LiveChecks::refresh() {
  report_ = checker_.check(doc_.data(), doc_.scope());  // the graph the canvas shows
  emit updated();
}

}  // namespace cornu::nodes
