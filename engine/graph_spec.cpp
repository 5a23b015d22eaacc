#include "engine/graph_spec.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace avflow {
namespace fs = std::filesystem;

namespace {

std::string max_in_flight_range() {
  return "[" + std::to_string(kMaxInFlightMin) + ", " + std::to_string(kMaxInFlightMax) + "]";
}

SourceLocation location_of(const toml::source_region& r, const std::string& fallback_file) {
  SourceLocation loc;
  loc.file = r.path ? *r.path : fallback_file;
  loc.line = static_cast<int>(r.begin.line);
  loc.column = static_cast<int>(r.begin.column);
  return loc;
}

// Converts a TOML value to the closest ParamValue; nullopt for tables,
// dates, nested or mixed arrays.
std::optional<ParamValue> to_param_value(const toml::node& n) {
  if (auto v = n.as_integer()) return ParamValue(v->get());
  if (auto v = n.as_floating_point()) return ParamValue(v->get());
  if (auto v = n.as_boolean()) return ParamValue(v->get());
  if (auto v = n.as_string()) return ParamValue(v->get());
  if (auto arr = n.as_array()) {
    if (arr->empty()) return ParamValue(std::vector<double>{});
    if (arr->is_homogeneous(toml::node_type::integer)) {
      std::vector<int64_t> out;
      for (auto& e : *arr) out.push_back(e.as_integer()->get());
      return ParamValue(out);
    }
    if (arr->is_homogeneous(toml::node_type::string)) {
      std::vector<std::string> out;
      for (auto& e : *arr) out.push_back(e.as_string()->get());
      return ParamValue(out);
    }
    std::vector<double> out;
    for (auto& e : *arr) {
      if (auto i = e.as_integer()) out.push_back(static_cast<double>(i->get()));
      else if (auto f = e.as_floating_point()) out.push_back(f->get());
      else return std::nullopt;
    }
    return ParamValue(out);
  }
  return std::nullopt;
}

std::string type_name(const toml::node& n) {
  std::ostringstream os;
  os << n.type();
  return os.str();
}

class Loader {
 public:
  GraphSpec spec;
  std::vector<Diagnostic> errors;
  std::vector<Override> sets;  // from [set] tables, in the order they apply

  void load_file(const std::string& path, const SourceLocation* included_from) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
    std::string key = ec ? path : canonical.string();
    if (active_.count(key)) {
      error(included_from ? *included_from : SourceLocation{path}, "",
            "include cycle: '" + path + "' includes itself");
      return;
    }
    if (!fs::exists(path)) {
      error(included_from ? *included_from : SourceLocation{path}, "",
            included_from ? "included file '" + path + "' does not exist"
                          : "graph file does not exist");
      return;
    }
    if (loaded_.count(key)) return;  // diamond includes read once
    loaded_.insert(key);
    toml::table root;
    try {
      root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      error(location_of(e.source(), path), "", std::string(e.description()));
      return;
    }
    active_.insert(key);
    read_root(root, path);
    active_.erase(key);
  }

  void load_text(const std::string& text, const std::string& path) {
    toml::table root;
    try {
      root = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
      error(location_of(e.source(), path), "", std::string(e.description()));
      return;
    }
    read_root(root, path);
  }

 private:
  std::set<std::string> active_;  // include stack, for cycle detection
  std::set<std::string> loaded_;
  bool settings_seen_ = false;

  void error(SourceLocation where, std::string node, std::string msg) {
    errors.push_back({std::move(where), std::move(node), std::move(msg)});
  }

  SourceLocation where(const toml::node& n, const std::string& file) {
    return location_of(n.source(), file);
  }

  void read_root(const toml::table& root, const std::string& file) {
    if (spec.files.empty()) spec.file = file;
    spec.files.push_back(file);
    static const std::vector<std::string> kKeys = {"include", "plugins", "graph", "node", "edge", "set"};
    const std::string dir = fs::path(file).parent_path().string();

    // Includes first, so that a later file's settings win over an included one.
    if (auto* inc = root.get("include")) {
      for_each_string(*inc, file, "include", [&](const std::string& s, const SourceLocation& at) {
        fs::path p = fs::path(s).is_absolute() ? fs::path(s) : fs::path(dir) / s;
        load_file(p.lexically_normal().string(), &at);
      });
    }
    for (auto&& [k, v] : root) {
      std::string key(k.str());
      if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
        error(where(v, file), "",
              "unknown top-level key '" + key + "'" + did_you_mean(key, kKeys) +
                  "; expected include, plugins, [graph], [[node]], [[edge]] or [set]");
      }
    }
    if (auto* plugins = root.get("plugins")) {
      for_each_string(*plugins, file, "plugins", [&](const std::string& s, const SourceLocation& at) {
        spec.plugins.push_back({s, dir, at});
      });
    }
    if (auto* g = root.get("graph")) read_settings(*g, file);
    if (auto* nodes = root.get("node")) {
      if (auto* arr = nodes->as_array(); arr && arr->is_array_of_tables()) {
        for (auto& n : *arr) read_node(*n.as_table(), file);
      } else {
        error(where(*nodes, file), "", "'node' must be an array of tables: write [[node]]");
      }
    }
    if (auto* edges = root.get("edge")) {
      if (auto* arr = edges->as_array(); arr && arr->is_array_of_tables()) {
        for (auto& e : *arr) read_edge(*e.as_table(), file);
      } else {
        error(where(*edges, file), "", "'edge' must be an array of tables: write [[edge]]");
      }
    }
    if (auto* set = root.get("set")) read_set(*set, file);
  }

  // [set] node.param = value: parameters for nodes of any file read so far
  // or later, applied once every file is read (an including file's after
  // its includes', so the outermost file wins).
  void read_set(const toml::node& n, const std::string& file) {
    auto* t = n.as_table();
    if (!t) {
      error(where(n, file), "", "'set' must be a table: write [set] and then node.param = value lines");
      return;
    }
    for (auto&& [node, params] : *t) {
      auto* by_param = params.as_table();
      if (!by_param) {
        error(where(params, file), "",
              "[set] " + std::string(node.str()) + ": write node.param = value (e.g. mel.n_mels = 64)");
        continue;
      }
      for (auto&& [param, v] : *by_param) {
        auto value = to_param_value(v);
        if (!value) {
          error(where(v, file), "", "[set] " + std::string(node.str()) + "." + std::string(param.str()) +
                                        ": unsupported value type (" + type_name(v) + ")");
          continue;
        }
        sets.push_back({std::string(node.str()), std::string(param.str()), *value, where(v, file)});
      }
    }
  }

  template <class F>
  void for_each_string(const toml::node& n, const std::string& file, const char* what, F f) {
    auto* arr = n.as_array();
    if (!arr) {
      if (auto* s = n.as_string()) {
        f(s->get(), where(n, file));
        return;
      }
      error(where(n, file), "", std::string("'") + what + "' must be a list of strings");
      return;
    }
    for (auto& e : *arr) {
      if (auto* s = e.as_string()) f(s->get(), where(e, file));
      else error(where(e, file), "", std::string("'") + what + "' entries must be strings");
    }
  }

  void read_settings(const toml::node& n, const std::string& file) {
    auto* t = n.as_table();
    if (!t) {
      error(where(n, file), "", "'graph' must be a table: write [graph]");
      return;
    }
    // The first file read is the top-level one; included files are read
    // before it finishes, so remember whether the top-level set each key.
    bool top = spec.files.front() == file;
    for (auto&& [k, v] : *t) {
      std::string key(k.str());
      if (key == "name" && v.is_string()) {
        if (top || spec.settings.name.empty()) spec.settings.name = v.as_string()->get();
      } else if (key == "doc" && v.is_string()) {
        if (top || spec.settings.doc.empty()) spec.settings.doc = v.as_string()->get();
      } else if (key == "max_in_flight" && v.is_integer()) {
        int64_t m = v.as_integer()->get();
        if (!max_in_flight_ok(m))
          error(where(v, file), "", "[graph] max_in_flight must be in " + max_in_flight_range() + ", got " +
                                        std::to_string(m));
        else if (top || !settings_seen_)
          spec.settings.max_in_flight = m;
      } else if (key == "checkpoints" && v.is_string()) {
        if (top || spec.settings.checkpoints.empty()) spec.settings.checkpoints = v.as_string()->get();
      } else if (key == "name" || key == "doc" || key == "max_in_flight" || key == "checkpoints") {
        error(where(v, file), "", "[graph] " + key + " has the wrong type (" + type_name(v) + ")");
      } else {
        error(where(v, file), "",
              "unknown [graph] key '" + key + "'" +
                  did_you_mean(key, {"name", "doc", "max_in_flight", "checkpoints"}));
      }
    }
    settings_seen_ = true;
  }

  void read_node(const toml::table& t, const std::string& file) {
    NodeSpec node;
    node.where = where(t, file);
    auto* name = t.get("name");
    auto* op = t.get("op");
    if (name && name->is_string()) node.name = name->as_string()->get();
    if (op && op->is_string()) {
      node.op = op->as_string()->get();
      node.op_where = where(*op, file);
    }
    if (!name || !name->is_string() || node.name.empty()) {
      error(name ? where(*name, file) : node.where, "", "[[node]] needs name = \"...\" (a non-empty string)");
      return;
    }
    if (node.name.find('.') != std::string::npos || node.name == "graph") {
      error(where(*name, file), node.name,
            "node names may not contain '.' nor be 'graph' (it addresses [graph] in --set)");
    }
    if (!op || !op->is_string() || node.op.empty()) {
      error(op ? where(*op, file) : node.where, node.name, "needs op = \"...\" naming its operator");
      return;
    }
    for (auto&& [k, v] : t) {
      std::string key(k.str());
      if (key == "name" || key == "op") continue;
      auto value = to_param_value(v);
      if (!value) {
        error(where(v, file), node.name,
              "parameter '" + key + "' has an unsupported value (" + type_name(v) +
                  "); use a number, bool, string or a flat list of one of them");
        continue;
      }
      node.params.push_back({key, std::move(*value), where(v, file)});
    }
    spec.nodes.push_back(std::move(node));
  }

  void read_edge(const toml::table& t, const std::string& file) {
    EdgeSpec edge;
    edge.where = where(t, file);
    bool ok = true;
    for (const char* key : {"from", "to"}) {
      auto* v = t.get(key);
      if (!v || !v->is_string() || v->as_string()->get().empty()) {
        error(v ? where(*v, file) : edge.where, "",
              std::string("[[edge]] needs ") + key + " = \"node.port\"");
        ok = false;
        continue;
      }
      std::string s = v->as_string()->get();
      Endpoint ep;
      auto dot = s.find('.');
      ep.node = s.substr(0, dot);
      if (dot != std::string::npos) ep.port = s.substr(dot + 1);
      (std::string(key) == "from" ? edge.from : edge.to) = ep;
    }
    for (auto&& [k, v] : t) {
      std::string key(k.str());
      if (key != "from" && key != "to")
        error(where(v, file), "", "unknown [[edge]] key '" + key + "'" + did_you_mean(key, {"from", "to"}));
    }
    if (ok) spec.edges.push_back(std::move(edge));
  }
};

}  // namespace

GraphSpec load_graph_file(const std::string& path) {
  Loader loader;
  loader.load_file(path, nullptr);
  if (!loader.errors.empty()) throw GraphError(std::move(loader.errors));
  apply_overrides(loader.spec, loader.sets);
  return std::move(loader.spec);
}

GraphSpec parse_graph_string(const std::string& text, const std::string& path) {
  Loader loader;
  loader.load_text(text, path);
  if (!loader.errors.empty()) throw GraphError(std::move(loader.errors));
  apply_overrides(loader.spec, loader.sets);
  return std::move(loader.spec);
}

Override parse_override(const std::string& text, int index) {
  SourceLocation where{kCommandLine, 0, index};
  auto fail = [&](const std::string& why) -> Override {
    throw GraphError({{where, "", "--set '" + text + "': " + why}});
  };
  auto eq = text.find('=');
  if (eq == std::string::npos) return fail("expected node.param=value");
  std::string lhs = text.substr(0, eq), rhs = text.substr(eq + 1);
  auto dot = lhs.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == lhs.size())
    return fail("expected node.param=value (the left side needs a node and a parameter)");
  Override o;
  o.node = lhs.substr(0, dot);
  o.param = lhs.substr(dot + 1);
  o.where = where;
  std::optional<ParamValue> value;
  try {
    toml::table t = toml::parse("v = " + rhs);
    if (auto* v = t.get("v")) value = to_param_value(*v);
  } catch (const toml::parse_error&) {
    // Not a TOML value: a bare word or path, taken as a string below.
  }
  o.value = value ? *value : ParamValue(rhs);
  return o;
}

void apply_overrides(GraphSpec& spec, const std::vector<Override>& overrides) {
  std::vector<Diagnostic> errors;
  std::vector<std::string> node_names{"graph"};
  for (const auto& n : spec.nodes) node_names.push_back(n.name);
  for (const auto& o : overrides) {
    const std::string set = o.where.file == kCommandLine ? "--set " : "[set] ";
    if (o.node == "graph") {
      if (o.param == "max_in_flight" && std::holds_alternative<int64_t>(o.value) &&
          max_in_flight_ok(std::get<int64_t>(o.value))) {
        spec.settings.max_in_flight = std::get<int64_t>(o.value);
      } else if (o.param == "name" && std::holds_alternative<std::string>(o.value)) {
        spec.settings.name = std::get<std::string>(o.value);
      } else if (o.param == "resume" && std::holds_alternative<bool>(o.value)) {
        spec.settings.resume = std::get<bool>(o.value);
      } else if (o.param == "checkpoints" && std::holds_alternative<std::string>(o.value)) {
        spec.settings.checkpoints = std::get<std::string>(o.value);
      } else {
        errors.push_back({o.where, "", set + "graph." + o.param +
                                           ": settable graph keys are max_in_flight (integer in " +
                                           max_in_flight_range() + "), name, checkpoints (a folder) and resume "
                                           "(true or false)"});
      }
      continue;
    }
    auto it = std::find_if(spec.nodes.begin(), spec.nodes.end(),
                           [&](const NodeSpec& n) { return n.name == o.node; });
    if (it == spec.nodes.end()) {
      errors.push_back({o.where, "", set + o.node + "." + o.param + ": no node named '" + o.node +
                                         "' in the graph" + did_you_mean(o.node, node_names)});
      continue;
    }
    auto p = std::find_if(it->params.begin(), it->params.end(),
                          [&](const ParamEntry& e) { return e.name == o.param; });
    if (p != it->params.end()) {
      p->value = o.value;
      p->where = o.where;
    } else {
      it->params.push_back({o.param, o.value, o.where});
    }
  }
  if (!errors.empty()) throw GraphError(std::move(errors));
}

}  // namespace avflow
