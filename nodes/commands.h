// The undoable edits. Each records just what it needs to put the document back exactly as it was
// (serialized forms compare equal after undo); the ones a gesture repeats (moving, typing) merge.
#pragma once
#include <QUndoCommand>
#include <map>
#include <optional>

#include "nodes/document.h"

namespace cornu::nodes {

// Base: redo/undo go back to the scope the edit was made in (the unit opened then), run the edit, then
// tell views once (children of a composite leave both to their parent).
class EditCommand : public QUndoCommand {
 public:
  EditCommand(Document& doc, const QString& text, QUndoCommand* parent = nullptr)
      : QUndoCommand(text, parent), doc_(doc), scope_(doc.scope()), notify_(parent == nullptr) {}
  void redo() final;
  void undo() final;

 protected:
  virtual void apply() = 0;
  virtual void revert() = 0;
  Document& doc_;

 private:
  std::vector<int> scope_;
  bool notify_;
};

// A composite: its children run in order on redo, in reverse on undo; views refresh once.
class MacroCommand : public EditCommand {
 public:
  MacroCommand(Document& doc, const QString& text) : EditCommand(doc, text) {}

 protected:
  void apply() override {}
  void revert() override {}
};

// Nodes (with fixed ids) and edges among them or to existing nodes: adding a node, pasting.
class AddCommand : public EditCommand {
 public:
  AddCommand(Document& doc, const QString& text, std::vector<Node> nodes, std::vector<Edge> edges,
             QUndoCommand* parent = nullptr);

 protected:
  void apply() override;
  void revert() override;

 private:
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
};

// Nodes and every edge touching them; remembers positions in the lists to restore the exact order.
class RemoveCommand : public EditCommand {
 public:
  RemoveCommand(Document& doc, std::vector<int> ids, QUndoCommand* parent = nullptr);

 protected:
  void apply() override;
  void revert() override;

 private:
  std::vector<int> ids_;
  std::vector<std::pair<size_t, Node>> removed_nodes_;
  std::vector<std::pair<size_t, Edge>> removed_edges_;
};

class ConnectCommand : public EditCommand {
 public:
  ConnectCommand(Document& doc, Edge edge, QUndoCommand* parent = nullptr);

 protected:
  void apply() override;
  void revert() override;

 private:
  Edge edge_;
  std::optional<std::pair<size_t, Edge>> replaced_;  // the edge that held a fixed input port before
};

class DisconnectCommand : public EditCommand {
 public:
  DisconnectCommand(Document& doc, Edge edge, QUndoCommand* parent = nullptr);

 protected:
  void apply() override;
  void revert() override;

 private:
  Edge edge_;
  size_t index_ = 0;
};

class SetParamCommand : public EditCommand {
 public:
  SetParamCommand(Document& doc, int id, std::string key, std::optional<Config> value, int gesture);
  int id() const override { return gesture_ ? 1 : -1; }
  bool mergeWith(const QUndoCommand* other) override;

 protected:
  void apply() override { doc_.set_param_raw(node_, key_, new_); }
  void revert() override { doc_.set_param_raw(node_, key_, old_); }

 private:
  int node_;
  std::string key_;
  std::optional<Config> old_, new_;  // nullopt: not set (the default applies)
  int gesture_;
};

class RenameCommand : public EditCommand {
 public:
  RenameCommand(Document& doc, int id, std::string name);

 protected:
  void apply() override { doc_.set_name_raw(node_, new_); }
  void revert() override { doc_.set_name_raw(node_, old_); }

 private:
  int node_;
  std::string old_, new_;
};

class MoveCommand : public EditCommand {
 public:
  using Point = std::pair<double, double>;
  MoveCommand(Document& doc, const std::vector<std::pair<int, Point>>& positions, int gesture);
  int id() const override { return gesture_ ? 2 : -1; }
  bool mergeWith(const QUndoCommand* other) override;

 protected:
  void apply() override;
  void revert() override;

 private:
  std::map<int, std::pair<Point, Point>> moves_;  // id -> (before, after)
  int gesture_;
};

class SettingsCommand : public EditCommand {
 public:
  SettingsCommand(Document& doc, Settings settings, int gesture);
  int id() const override { return gesture_ ? 3 : -1; }
  bool mergeWith(const QUndoCommand* other) override;

 protected:
  void apply() override { doc_.set_settings_raw(new_); }
  void revert() override { doc_.set_settings_raw(old_); }

 private:
  Settings old_, new_;
  int gesture_;
};

}  // namespace cornu::nodes
