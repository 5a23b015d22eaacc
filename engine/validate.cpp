#include "engine/validate.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

namespace avflow {

size_t ResolvedGraph::index_of(const std::string& node) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].name == node) return i;
  throw std::out_of_range("no node named '" + node + "'");
}

namespace {

std::string kind_of_value(const ParamValue& v) {
  switch (v.index()) {
    case 0: return "an integer";
    case 1: return "a float";
    case 2: return "a bool";
    case 3: return "a string";
    case 4: return "a list of integers";
    case 5: return "a list of floats";
    default: return "a list of strings";
  }
}

// " is out of range [lo, hi]" when v is outside the declared range, else "";
// the caller names the value ("value 3", "element 2.5").
std::string out_of_range(const ParamSpec& s, double v) {
  if ((s.range.min && v < *s.range.min) || (s.range.max && v > *s.range.max) || std::isnan(v))
    return " is out of range " + range_text(s);
  return {};
}

}  // namespace

std::string check_param(const ParamSpec& s, const ParamValue& given, ParamValue& out) {
  auto wrong_type = [&] {
    return "expects " + std::string(to_string(s.kind)) + ", got " + kind_of_value(given) + " " +
           format_value(given);
  };
  switch (s.kind) {
    case ParamKind::kInt: {
      if (!std::holds_alternative<int64_t>(given)) return wrong_type();
      int64_t v = std::get<int64_t>(given);
      if (auto e = out_of_range(s, static_cast<double>(v)); !e.empty()) return "value " + std::to_string(v) + e;
      out = v;
      return {};
    }
    case ParamKind::kFloat: {
      double v;
      if (auto* i = std::get_if<int64_t>(&given)) v = static_cast<double>(*i);
      else if (auto* d = std::get_if<double>(&given)) v = *d;
      else return wrong_type();
      if (auto e = out_of_range(s, v); !e.empty()) return "value " + format_value(ParamValue(v)) + e;
      out = v;
      return {};
    }
    case ParamKind::kBool:
      if (!std::holds_alternative<bool>(given)) return wrong_type();
      out = given;
      return {};
    case ParamKind::kString: {
      if (!std::holds_alternative<std::string>(given)) return wrong_type();
      const auto& v = std::get<std::string>(given);
      if (!s.choices.empty() && std::find(s.choices.begin(), s.choices.end(), v) == s.choices.end()) {
        std::string list;
        for (const auto& c : s.choices) list += (list.empty() ? "" : ", ") + c;
        return "value \"" + v + "\" is not one of: " + list + did_you_mean(v, s.choices);
      }
      out = v;
      return {};
    }
    case ParamKind::kIntList: {
      std::vector<int64_t> v;
      if (auto* l = std::get_if<std::vector<int64_t>>(&given)) v = *l;
      else if (auto* d = std::get_if<std::vector<double>>(&given); d && d->empty()) v = {};
      else return wrong_type();
      for (auto x : v)
        if (auto e = out_of_range(s, static_cast<double>(x)); !e.empty()) return "element " + std::to_string(x) + e;
      out = v;
      return {};
    }
    case ParamKind::kFloatList: {
      std::vector<double> v;
      if (auto* l = std::get_if<std::vector<int64_t>>(&given)) v.assign(l->begin(), l->end());
      else if (auto* d = std::get_if<std::vector<double>>(&given)) v = *d;
      else return wrong_type();
      for (auto x : v)
        if (auto e = out_of_range(s, x); !e.empty()) return "element " + format_value(ParamValue(x)) + e;
      out = v;
      return {};
    }
    case ParamKind::kStringList: {
      std::vector<std::string> v;
      if (auto* l = std::get_if<std::vector<std::string>>(&given)) v = *l;
      else if (auto* d = std::get_if<std::vector<double>>(&given); d && d->empty()) v = {};
      else return wrong_type();
      for (const auto& x : v)
        if (!s.choices.empty() && std::find(s.choices.begin(), s.choices.end(), x) == s.choices.end())
          return "element \"" + x + "\" is not an allowed choice" + did_you_mean(x, s.choices);
      out = v;
      return {};
    }
  }
  return "unsupported parameter kind";
}

namespace {

class Validator {
 public:
  Validator(const GraphSpec& spec, const Registry& registry) : spec_(spec), registry_(registry) {}

  ResolvedGraph run() {
    out_.settings = spec_.settings;
    out_.file = spec_.file;
    resolve_nodes();
    resolve_edges();
    check_inputs_connected();
    if (out_.nodes.empty() && errors_.empty())
      error({spec_.file}, "", "the graph has no nodes");
    if (errors_.empty()) order_topologically();
    if (errors_.empty()) resolve_side_values();
    if (!errors_.empty()) throw GraphError(std::move(errors_));
    return std::move(out_);
  }

 private:
  const GraphSpec& spec_;
  const Registry& registry_;
  ResolvedGraph out_;
  std::vector<Diagnostic> errors_;
  std::map<std::string, size_t> by_name_;  // resolved nodes only
  std::set<std::string> seen_names_;       // every node name, resolved or not
  // Inputs an edge points at, also when the edge itself was refused (a type
  // mismatch), so that one mistake is reported once.
  std::set<std::pair<size_t, size_t>> wired_inputs_;

  void error(SourceLocation where, const std::string& node, std::string msg) {
    errors_.push_back({std::move(where), node, std::move(msg)});
  }

  void resolve_nodes() {
    std::map<std::string, SourceLocation> first;
    for (const auto& n : spec_.nodes) {
      if (auto it = first.find(n.name); it != first.end()) {
        error(n.where, n.name, "duplicate node name; first defined at " + it->second.str());
        continue;
      }
      first.emplace(n.name, n.where);
      seen_names_.insert(n.name);
      const OperatorInfo* op = registry_.find(n.op);
      if (!op) {
        error(n.op_where, n.name,
              "unknown operator '" + n.op + "'" + did_you_mean(n.op, registry_.names()) +
                  "; `avflow ops` lists the known ones");
        continue;
      }
      ResolvedNode r{n.name, op, {}, n.where, {}};
      const size_t errors_before = errors_.size();
      resolve_params(n, *op, r.params);
      if (errors_.size() == errors_before) check_params_together(n, *op, r.params);
      by_name_[n.name] = out_.nodes.size();
      out_.nodes.push_back(std::move(r));
    }
  }

  void resolve_params(const NodeSpec& n, const OperatorInfo& op, ParamSet& params) {
    std::set<std::string> given;
    for (const auto& p : n.params) {
      const ParamSpec* spec = op.contract.param(p.name);
      if (!spec) {
        std::string known;
        for (const auto& s : op.contract.params) known += (known.empty() ? "" : ", ") + s.name;
        error(p.where, n.name,
              "unknown parameter '" + p.name + "' for operator '" + op.name + "'" +
                  did_you_mean(p.name, op.contract.param_names()) +
                  (known.empty() ? "; it takes no parameters" : "; it takes: " + known));
        continue;
      }
      given.insert(p.name);  // set, even if to a bad value: not also "not set"
      ParamValue value;
      std::string why = check_param(*spec, p.value, value);
      if (!why.empty()) {
        error(p.where, n.name, "parameter '" + p.name + "' " + why);
        continue;
      }
      params.set(p.name, std::move(value));
    }
    for (const auto& s : op.contract.params) {
      if (given.count(s.name)) continue;
      if (s.default_value) params.set(s.name, *s.default_value);
      else error(n.where, n.name, "required parameter '" + s.name + "' is not set (" + s.doc + ")");
    }
  }

  // Where a node's parameter is set: its value's line, else the node's.
  static SourceLocation param_where(const NodeSpec& n, const std::string& param) {
    for (const auto& given : n.params)
      if (given.name == param) return given.where;
    return n.where;
  }

  // The rules across the operator's parameters (Contract::rules) and its
  // own check (Contract::params_check).
  void check_params_together(const NodeSpec& n, const OperatorInfo& op, const ParamSet& params) {
    std::vector<ParamProblem> problems = broken_rules(op.contract.rules, params);
    if (op.contract.params_check) {
      try {
        auto more = op.contract.params_check(params, registry_);
        problems.insert(problems.end(), more.begin(), more.end());
      } catch (const std::exception& e) {
        problems.push_back({"", e.what()});
      }
    }
    for (const auto& p : problems)
      error(param_where(n, p.param), n.name, p.param.empty() ? p.message : "parameter '" + p.param + "' " + p.message);
  }

  const NodeSpec& node_spec(const std::string& name) const {
    for (const auto& n : spec_.nodes)
      if (n.name == name) return n;
    throw std::logic_error("no node '" + name + "'");
  }

  // Whether a node publishes a side value in this graph (its `when` switch).
  static bool publishes(const ResolvedNode& n, const std::string& name) {
    const Publishes* p = n.op->contract.published(name);
    return p && (p->when.empty() || std::get<bool>(n.params.raw(p->when)));
  }

  // Every side value a node reads comes from exactly one node upstream of
  // it (of the named input, when the contract names one), and a value the
  // reader sets itself agrees with one its publisher's parameters fix.
  void resolve_side_values() {
    std::vector<std::vector<std::pair<size_t, size_t>>> into(out_.nodes.size());  // node -> (from node, to port)
    for (const auto& e : out_.edges) into[e.to_node].push_back({e.from_node, e.to_port});
    for (size_t i = 0; i < out_.nodes.size(); ++i) {
      ResolvedNode& reader = out_.nodes[i];
      const Contract& c = reader.op->contract;
      for (const Reads& r : c.reads) {
        const bool reads_param = !r.param.empty();
        const int64_t own = reads_param ? std::get<int64_t>(reader.params.raw(r.param)) : 0;
        // Upstream nodes, breadth first, nearest first.
        std::vector<size_t> frontier;
        std::set<size_t> seen;
        for (const auto& [from, port] : into[i])
          if (r.port.empty() || c.inputs[port].name == r.port)
            if (seen.insert(from).second) frontier.push_back(from);
        std::vector<size_t> sources;
        for (size_t k = 0; k < frontier.size(); ++k) {
          const size_t u = frontier[k];
          if (publishes(out_.nodes[u], r.name)) {
            sources.push_back(u);
            continue;  // what a publisher's own upstream publishes is hidden behind it
          }
          for (const auto& [from, port] : into[u])
            if (seen.insert(from).second) frontier.push_back(from);
        }
        const NodeSpec& spec = node_spec(reader.name);
        const std::string upstream = r.port.empty() ? "upstream" : "upstream of input '" + r.port + "'";
        if (sources.size() > 1) {
          std::string names;
          for (size_t u : sources) names += (names.empty() ? "'" : ", '") + out_.nodes[u].name + "'";
          error(param_where(spec, r.param), reader.name,
                "reads side value '" + r.name + "', which several nodes " + upstream + " publish (" + names +
                    "); keep one");
          continue;
        }
        if (sources.empty()) {
          if (!r.optional && (!reads_param || own == 0))
            error(param_where(spec, r.param), reader.name,
                  (reads_param ? "parameter '" + r.param + "' = 0 reads" : std::string("reads")) + " side value '" +
                      r.name + "', but no node " + upstream + " publishes it" +
                      (reads_param ? "; set " + r.param + " or connect a node that publishes it" : std::string()));
          continue;
        }
        const ResolvedNode& source = out_.nodes[sources.front()];
        reader.side_sources[r.name] = source.name;
        const Publishes& p = *source.op->contract.published(r.name);
        if (reads_param && own != 0 && !p.value_param.empty()) {
          const int64_t theirs = std::get<int64_t>(source.params.raw(p.value_param));
          if (theirs != own)
            error(param_where(spec, r.param), reader.name,
                  "parameter '" + r.param + "' = " + std::to_string(own) + " contradicts " + source.name + "." +
                      p.value_param + " = " + std::to_string(theirs) + " (its " + r.name + "); set " + r.param +
                      " = 0 to take it");
        }
      }
    }
  }

  // Finds the port for one end of an edge; records an error and returns
  // false when it cannot.
  bool resolve_end(const EdgeSpec& e, const Endpoint& ep, bool is_from, size_t& node, size_t& port) {
    auto it = by_name_.find(ep.node);
    if (it == by_name_.end()) {
      if (!seen_names_.count(ep.node)) {
        std::vector<std::string> names(seen_names_.begin(), seen_names_.end());
        error(e.where, "", std::string(is_from ? "edge from" : "edge to") + " unknown node '" +
                               ep.node + "'" + did_you_mean(ep.node, names));
      }
      return false;  // a node that failed to resolve was reported already
    }
    node = it->second;
    const ResolvedNode& n = out_.nodes[node];
    const auto& ports = is_from ? n.op->contract.outputs : n.op->contract.inputs;
    const auto& other = is_from ? n.op->contract.inputs : n.op->contract.outputs;
    const char* dir = is_from ? "output" : "input";
    auto list = [](const std::vector<PortSpec>& ps) {
      std::string s;
      for (const auto& p : ps) s += (s.empty() ? "" : ", ") + p.name;
      return s.empty() ? std::string("none") : s;
    };
    if (ep.port.empty()) {
      if (ports.size() == 1) {
        port = 0;
        return true;
      }
      error(e.where, n.name,
            std::string("'") + ep.node + "' has " + std::to_string(ports.size()) + " " + dir +
                " ports (" + list(ports) + "); name one as " + ep.node + ".PORT");
      return false;
    }
    for (size_t i = 0; i < ports.size(); ++i) {
      if (ports[i].name == ep.port) {
        port = i;
        return true;
      }
    }
    bool wrong_direction = std::any_of(other.begin(), other.end(),
                                       [&](const PortSpec& p) { return p.name == ep.port; });
    if (wrong_direction) {
      error(e.where, n.name,
            "'" + ep.port + "' is an " + (is_from ? "input" : "output") + " port; edges run from an output (from = ...) to an input (to = ...)");
    } else {
      std::vector<std::string> names;
      for (const auto& p : ports) names.push_back(p.name);
      error(e.where, n.name,
            "operator '" + n.op->name + "' has no " + dir + " port '" + ep.port + "'" +
                did_you_mean(ep.port, names) + "; its " + dir + " ports: " + list(ports));
    }
    return false;
  }

  void resolve_edges() {
    std::set<std::tuple<size_t, size_t, size_t, size_t>> seen;
    for (const auto& e : spec_.edges) {
      ResolvedEdge r{0, 0, 0, 0, e.where};
      bool ok_from = resolve_end(e, e.from, true, r.from_node, r.from_port);
      bool ok_to = resolve_end(e, e.to, false, r.to_node, r.to_port);
      if (ok_to) wired_inputs_.insert({r.to_node, r.to_port});
      if (!ok_from || !ok_to) continue;
      const PortSpec& out = out_.nodes[r.from_node].op->contract.outputs[r.from_port];
      const PortSpec& in = out_.nodes[r.to_node].op->contract.inputs[r.to_port];
      if (!payload_compatible(*out.type, *in.type)) {
        error(e.where, out_.nodes[r.to_node].name,
              "payload type mismatch: " + out_.nodes[r.from_node].name + "." + out.name + " carries '" +
                  std::string(out.type->name) + "' but " + out_.nodes[r.to_node].name + "." + in.name +
                  " accepts '" + std::string(in.type->name) + "'");
        continue;
      }
      if (!seen.insert({r.from_node, r.from_port, r.to_node, r.to_port}).second) {
        error(e.where, out_.nodes[r.to_node].name,
              "duplicate edge " + e.from.str() + " -> " + e.to.str() + " (every item would arrive twice)");
        continue;
      }
      out_.edges.push_back(r);
    }
  }

  void check_inputs_connected() {
    const auto& connected = wired_inputs_;
    for (size_t i = 0; i < out_.nodes.size(); ++i) {
      const auto& n = out_.nodes[i];
      const auto& ins = n.op->contract.inputs;
      for (size_t p = 0; p < ins.size(); ++p) {
        if (ins[p].optional || connected.count({i, p})) continue;
        error(n.where, n.name,
              "required input '" + ins[p].name + "' (" + std::string(ins[p].type->name) +
                  ") is not connected; add an [[edge]] with to = \"" + n.name + "." + ins[p].name + "\"");
      }
    }
  }

  void order_topologically() {
    size_t n = out_.nodes.size();
    std::vector<std::vector<size_t>> next(n);
    std::vector<const ResolvedEdge*> edge_to(n, nullptr);
    for (const auto& e : out_.edges) next[e.from_node].push_back(e.to_node);
    // Depth-first search; a back edge is a cycle, reported with its path.
    std::vector<int> state(n, 0);  // 0 new, 1 on stack, 2 done
    std::vector<size_t> stack, post;
    bool cycle = false;
    std::function<void(size_t)> visit = [&](size_t v) {
      state[v] = 1;
      stack.push_back(v);
      for (size_t w : next[v]) {
        if (cycle) return;
        if (state[w] == 1) {
          std::string path;
          auto from = std::find(stack.begin(), stack.end(), w);
          for (auto it = from; it != stack.end(); ++it) path += out_.nodes[*it].name + " -> ";
          path += out_.nodes[w].name;
          const SourceLocation* at = &out_.nodes[w].where;
          for (const auto& e : out_.edges)
            if (e.from_node == v && e.to_node == w) at = &e.where;
          error(*at, out_.nodes[w].name, "cycle in the graph: " + path + " (graphs must be acyclic)");
          cycle = true;
          return;
        }
        if (state[w] == 0) visit(w);
      }
      stack.pop_back();
      state[v] = 2;
      post.push_back(v);
    };
    for (size_t v = 0; v < n && !cycle; ++v)
      if (state[v] == 0) visit(v);
    if (cycle) return;
    out_.topo_order.assign(post.rbegin(), post.rend());
    bool has_source = std::any_of(out_.nodes.begin(), out_.nodes.end(), [](const ResolvedNode& r) {
      return r.op->contract.shape() == Shape::kSource;
    });
    if (!has_source) error({spec_.file}, "", "the graph has no source node, so nothing would ever run");
  }
};

}  // namespace

ResolvedGraph validate(const GraphSpec& spec, const Registry& registry) {
  return Validator(spec, registry).run();
}

}  // namespace avflow
