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

  // --- reading: the graph of the current scope (the model, or the body of the unit opened; see scope()) ---
  const ProjectData& data() const { return data_; }  // the whole project, whatever the scope
  const Graph& graph() const { return current_graph(); }
  const Settings& settings() const { return data_.settings; }
  const std::vector<Node>& nodes() const { return graph().nodes; }
  const std::vector<Edge>& edges() const { return graph().edges; }
  const Node* node(int id) const;
  const Node* node_named(const std::string& name) const;
  const Node& at(int id) const;  // throws ValueError when there is no such node
  const CatalogEntry& catalog_entry(int id) const { return catalog().get(at(id).type); }
  std::vector<Edge> edges_into(int id) const;  // ordered by input port
  std::vector<Edge> edges_from(int id) const;
  // Input ports a node shows: fixed layers their count; merge layers one per wired input (the canvas adds
  // a spare one to wire the next); a unit one per Input in its body.
  int input_ports(int id) const;
  // Output ports: a layer 1, an Output 0, a unit one per Output in its body.
  int output_ports(int id) const;
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

  // Groups the selected nodes into a new unit (a nested model) placed where they were: an Input inside for
  // each outside output feeding the selection (shaped as the live checks find it), an Output inside for each
  // selected output used outside, the outside connections rewired to the unit's ports, the body laid out.
  // Refuses (ValueError with the reason) an empty selection, the model's own Inputs and Outputs, an unknown
  // incoming shape, and units nested deeper than kMaxUnitDepth. One undo step; returns the unit's id.
  int group_into_unit(const std::vector<int>& ids, const std::string& name = "");
  // The inverse: the unit's layers back into the current graph (names made unique, moved to where the unit
  // was), its connections rewired through. One undo step; returns the ids of the layers.
  std::vector<int> ungroup_unit(int id);

  // --- scope: a unit opened in place. Reading and editing apply to the opened unit's body; entering and
  // leaving are not undo steps, and undoing an edit made in another scope first goes back to that scope. ---
  void enter_unit(int id);  // a unit of the current graph; ValueError for any other node
  void leave_unit();        // one level up; nothing at the top
  const std::vector<int>& scope() const { return scope_; }  // unit ids from the top; empty: the model itself
  std::string scope_title() const;                          // "model › block_1"

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
  void set_file_path(const QString& path) {
    file_path_ = path;
    data_.path = path.toStdString();  // travels with data() into a training run
  }

 signals:
  // After every change (edit, undo, redo, reset, entering or leaving a unit): views and live checks refresh.
  void changed();
  // The scope changed (a unit entered or left, an undo that went back to another scope, a reset); changed()
  // follows.
  void scope_changed();

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
  void set_scope_raw(const std::vector<int>& scope);  // emits scope_changed() and changed() if it differs
  int allocate_id() { return next_id_++; }

 private:
  const Graph& current_graph() const;
  Graph& current_graph() { return const_cast<Graph&>(static_cast<const Document*>(this)->current_graph()); }
  Node& mutable_node(int id);
  bool variadic(int id) const;
  void check_param_value(const Node& node, const std::string& key, Config& value) const;

  ProjectData data_;
  std::vector<int> scope_;
  QUndoStack undo_;
  QString file_path_;
  int next_id_ = 1;
  int last_gesture_ = 0;
  bool dirty_without_undo_ = false;
};

// True when `name` can name a layer: 1 to 128 letters, digits, '_', '.' or '-' (Keras refuses '/').
bool valid_layer_name(const std::string& name);

}  // namespace cornu::nodes
