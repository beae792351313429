// The document behind the canvas: a graph of layer nodes and the project's settings, edited only through
// undoable commands on its QUndoStack. Continuous edits (a drag, typing in a field) carry a gesture id and
// merge into one undo step. QtCore/QtGui only: the command line and the tests use it without a window.
#pragma once
#include <QObject>
#include <QString>
#include <QUndoStack>
#include <optional>

#include "nodes/catalog.h"
#include "nodes/graph.h"

namespace cornu::nodes {

class Document : public QObject {
  Q_OBJECT

 public:
  explicit Document(QObject* parent = nullptr);

  // --- reading ---
  const ProjectData& data() const { return data_; }
  const Graph& graph() const { return data_.graph; }
  const Settings& settings() const { return data_.settings; }
  const std::vector<Node>& nodes() const { return data_.graph.nodes; }
  const std::vector<Edge>& edges() const { return data_.graph.edges; }
  const Node* node(int id) const;
  const Node* node_named(const std::string& name) const;
  const Node& at(int id) const;  // throws ValueError when there is no such node
  const CatalogEntry& catalog_entry(int id) const { return catalog().get(at(id).type); }
  std::vector<Edge> edges_into(int id) const;  // ordered by input port
  std::vector<Edge> edges_from(int id) const;
  // Input ports a node shows: fixed layers their count; merge layers one per wired input (the canvas adds
  // a spare one to wire the next).
  int input_ports(int id) const;
  // The parameter as the layer will see it: the user's value, else the catalog default (null if unset).
  Config param(int id, const std::string& key) const;
  // "dense", "dense_1", ...: the first free Keras-style name for a layer of this type.
  std::string unique_name(const std::string& type) const;

  // --- edits: each one is an undo step (or joins the current gesture's step) ---
  // Adds a node; `params` are checked against the catalog (ValueError with the reason). Returns its id.
  int add_node(const std::string& type, double x, double y, const Config& params = Config::object(),
               const std::string& name = "");
  void remove_nodes(const std::vector<int>& ids);
  // Wires an output port to an input port. A fixed input port that is taken is rewired; on a merge layer
  // the new input goes in at that port and the later ones shift. Refuses (ValueError with the reason) a
  // self-loop, a missing node or port, or an edge out of an Output / into an Input.
  void connect(Port from, Port to);
  void disconnect(const Edge& edge);
  // Sets a parameter (checked against its spec); a null value returns it to its default.
  void set_param(int id, const std::string& key, const Config& value, int gesture = 0);
  void rename(int id, const std::string& name);
  void move_nodes(const std::vector<std::pair<int, std::pair<double, double>>>& positions, int gesture = 0);
  void set_settings(const Settings& settings, int gesture = 0);
  // Drops a new layer onto an edge: from -> new -> to, one undo step. Returns the new node's id.
  int insert_on_edge(const Edge& edge, const std::string& type, const Config& params = Config::object());

  // Copy: the selected nodes and the edges between them, as JSON text (the clipboard's content).
  std::string copy(const std::vector<int>& ids) const;
  // Paste: new ids, names made unique, positions shifted by (dx, dy); one undo step. Returns the new ids.
  std::vector<int> paste(const std::string& clipboard, double dx = 30, double dy = 30);

  // Continuous edits with the same non-zero gesture merge into one undo step.
  int begin_gesture() { return ++last_gesture_; }

  // --- the whole document ---
  QUndoStack& undo_stack() { return undo_; }
  bool dirty() const { return !undo_.isClean() || dirty_without_undo_; }
  void mark_saved();
  // Replaces everything (open, new): clears the undo history and the dirty flag.
  void reset(ProjectData data);
  // Training history is appended outside the undo history (a run is not an edit) but makes the document dirty.
  void append_history(const Config& run);
  const QString& file_path() const { return file_path_; }
  void set_file_path(const QString& path) { file_path_ = path; }

 signals:
  // After every change (edit, undo, redo, reset): views and live checks refresh.
  void changed();

 public:
  // --- primitives, used by the commands in commands.cpp; they emit changed() but push nothing ---
  void insert_node_at(size_t index, const Node& node);
  Node take_node(int id, size_t* index);
  void insert_edge_at(size_t index, const Edge& edge);
  Edge take_edge(Edge edge, size_t* index);  // by value: callers often pass an element of edges()
  Edge take_edge_at(size_t index);
  void set_param_raw(int id, const std::string& key, const std::optional<Config>& value);
  void set_name_raw(int id, const std::string& name);
  void set_position_raw(int id, double x, double y);
  void set_settings_raw(const Settings& settings);
  int allocate_id() { return next_id_++; }

 private:
  Node& mutable_node(int id);
  bool variadic(int id) const;
  void check_param_value(const Node& node, const std::string& key, Config& value) const;

  ProjectData data_;
  QUndoStack undo_;
  QString file_path_;
  int next_id_ = 1;
  int last_gesture_ = 0;
  bool dirty_without_undo_ = false;
};

// True when `name` can name a layer: 1 to 128 letters, digits, '_', '.' or '-' (Keras refuses '/').
bool valid_layer_name(const std::string& name);

}  // namespace cornu::nodes
