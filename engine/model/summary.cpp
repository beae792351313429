// model.summary() as Keras 3 draws it: a box table with one row per layer call, and a "Connected to"
// column for functional models.
#include <algorithm>
#include <map>
#include <set>

#include "model/model.h"

namespace cornu {

namespace {

std::string with_commas(int64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

std::string human_bytes(int64_t params) {
  double bytes = static_cast<double>(params) * 4;
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) bytes /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f %s", bytes, units[u]);
  return buf;
}

// Display width of UTF-8 text (every code point counts one column here).
size_t width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string pad(const std::string& s, size_t w, bool right) {
  size_t n = width(s);
  if (n >= w) return s;
  return right ? std::string(w - n, ' ') + s : s + std::string(w - n, ' ');
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

std::string Model::summary(int line_length) const {
  (void)line_length;
  const bool functional = class_name() != "Sequential";
  std::vector<std::string> header{"Layer (type)", "Output Shape", "Param #"};
  if (functional) header.push_back("Connected to");
  std::vector<std::vector<std::string>> rows;
  // One row per layer, as Keras: its first call's output shape, and in "Connected to" the inputs of all its
  // calls ("dense[1][0]": the second call of layer dense, its first output). Input layers come first.
  std::map<const Node*, int> call_index;
  std::map<const Layer*, std::vector<const Node*>> calls;
  for (const auto& node : nodes_) {
    auto& list = calls[node->layer.get()];
    call_index[node.get()] = static_cast<int>(list.size());
    list.push_back(node.get());
  }
  std::vector<const Layer*> order;
  if (functional)
    for (const auto& x : inputs_) order.push_back(x.node->layer.get());
  for (const auto& l : layers_)
    if (std::find(order.begin(), order.end(), l.get()) == order.end() && (functional || l->class_name() != "InputLayer"))
      order.push_back(l.get());
  for (const Layer* l : order) {
    const auto& nodes = calls[l];
    std::string shapes;
    for (size_t i = 0; i < nodes.front()->output_shapes.size(); ++i)
      shapes += (i ? ", " : "") + nodes.front()->output_shapes[i].to_string();
    std::vector<std::string> row{l->name() + " (" + l->class_name() + ")", shapes, with_commas(l->count_params())};
    if (functional) {
      std::string connected;
      for (const Node* node : nodes)
        for (const auto& x : node->inputs)
          connected += (connected.empty() ? "" : ", ") + x.node->layer->name() + "[" +
                       std::to_string(call_index[x.node.get()]) + "][" + std::to_string(x.index) + "]";
      row.push_back(connected.empty() ? "-" : connected);
    }
    rows.push_back(row);
  }
  std::vector<size_t> w(header.size());
  std::vector<size_t> minimum = functional ? std::vector<size_t>{25, 18, 11, 18} : std::vector<size_t>{31, 22, 13};
  for (size_t c = 0; c < header.size(); ++c) {
    w[c] = std::max(minimum[c], width(header[c]));
    for (const auto& r : rows) w[c] = std::max(w[c], width(r[c]));
  }
  auto rule = [&](const std::string& left, const std::string& mid, const std::string& right, const std::string& fill) {
    std::string s = left;
    for (size_t c = 0; c < w.size(); ++c) s += repeat(fill, w[c] + 2) + (c + 1 < w.size() ? mid : right);
    return s + "\n";
  };
  auto line = [&](const std::vector<std::string>& cells, const std::string& sep) {
    std::string s = sep;
    for (size_t c = 0; c < cells.size(); ++c) s += " " + pad(cells[c], w[c], c == 2) + " " + sep;
    return s + "\n";
  };
  std::string out = "Model: \"" + name() + "\"\n";
  out += rule("\u250f", "\u2533", "\u2513", "\u2501");
  out += line(header, "\u2503");
  out += rule("\u2521", "\u2547", "\u2529", "\u2501");
  for (size_t i = 0; i < rows.size(); ++i) {
    out += line(rows[i], "\u2502");
    if (i + 1 < rows.size()) out += rule("\u251c", "\u253c", "\u2524", "\u2500");
  }
  out += rule("\u2514", "\u2534", "\u2518", "\u2500");
  int64_t total = 0, trainable = 0;
  for (Variable* v : const_cast<Model*>(this)->all_variables()) {
    total += v->value.size();
    if (v->trainable) trainable += v->value.size();
  }
  out += " Total params: " + with_commas(total) + " (" + human_bytes(total) + ")\n";
  out += " Trainable params: " + with_commas(trainable) + " (" + human_bytes(trainable) + ")\n";
  out += " Non-trainable params: " + with_commas(total - trainable) + " (" + human_bytes(total - trainable) + ")\n";
  return out;
}

}  // namespace cornu
