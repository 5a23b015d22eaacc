#include "runtime/status_pages.h"

#include "engine/text_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>

#include "runtime/progress_estimate.h"

namespace avflow::cli {

namespace {

// ---- Prometheus ----

// The format spells non-finite values NaN, +Inf and -Inf.
std::string prom_value(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  return shortest_double(d);
}

// Label values escape backslash, double quote and line feed; nothing else.
std::string prom_label(const std::string& s) {
  std::string o;
  o.reserve(s.size() + 2);
  for (char c : s) {
    if (c == '\\') o += "\\\\";
    else if (c == '"') o += "\\\"";
    else if (c == '\n') o += "\\n";
    else o += c;
  }
  return o;
}

// A metric family: HELP and TYPE once, then its samples together, as the
// format requires.
class Family {
 public:
  Family(std::string& out, const char* name, const char* type, const char* help) : out_(out), name_(name) {
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void sample(const std::string& labels, const std::string& value) {
    out_ += name_;
    out_ += (labels.empty() ? " " : "{" + labels + "} ") + value + "\n";
  }
  void sample(const std::string& labels, double value) { sample(labels, prom_value(value)); }
  void sample(const std::string& labels, uint64_t value) { sample(labels, std::to_string(value)); }
  void sample(const std::string& labels, int64_t value) { sample(labels, std::to_string(value)); }

 private:
  std::string& out_;
  const char* name_;
};

std::string node_labels(const NodeMetrics& n) {
  return "node=\"" + prom_label(n.name) + "\",op=\"" + prom_label(n.op) + "\"";
}

// A row with a name twice would give two samples of one series, which
// scrapers reject: the first value wins.
template <class F>
void each_distinct_scalar(const NodeMetrics& n, F f) {
  std::set<std::string> seen;
  for (const auto& [name, value] : n.scalars)
    if (seen.insert(name).second) f(name, value);
}

// ---- JSON ----

// JSON has no NaN or infinities: those are null.
// (Hides avflow::json_number here; doubles convert, so both kinds of value read alike.)
std::string json_number(const std::optional<double>& d) { return d ? avflow::json_number(*d) : "null"; }

}  // namespace

std::string prometheus_text(const MetricsSnapshot& m) {
  std::string out;
  {
    Family f(out, "avflow_run_elapsed_seconds", "gauge", "Seconds since the run started.");
    f.sample("", m.elapsed_seconds);
  }
  {
    Family f(out, "avflow_node_items_in_total", "counter", "Items delivered to the node.");
    for (const auto& n : m.nodes) f.sample(node_labels(n), n.items_in);
  }
  {
    Family f(out, "avflow_node_items_out_total", "counter", "Items the node emitted, all output ports together.");
    for (const auto& n : m.nodes) f.sample(node_labels(n), n.items_out);
  }
  {
    Family f(out, "avflow_node_dropped_total", "counter", "Items the node skipped after cancellation.");
    for (const auto& n : m.nodes) f.sample(node_labels(n), n.dropped);
  }
  {
    Family f(out, "avflow_node_errors_total", "counter",
             "Bad input items the node replaced or left out instead of failing (on_error = skip).");
    for (const auto& n : m.nodes) f.sample(node_labels(n), n.errors);
  }
  {
    Family f(out, "avflow_node_busy_seconds_total", "counter", "Seconds the node spent processing.");
    for (const auto& n : m.nodes) f.sample(node_labels(n), n.busy_seconds);
  }
  {
    Family f(out, "avflow_node_queue_depth", "gauge", "Items delivered to the node but not yet started.");
    for (const auto& n : m.nodes) f.sample(node_labels(n), n.queue_depth);
  }
  {
    Family f(out, "avflow_source_in_flight", "gauge", "Items a source emitted whose work is not finished.");
    for (const auto& n : m.nodes)
      if (n.shape == Shape::kSource) f.sample(node_labels(n), n.in_flight);
  }
  {
    Family f(out, "avflow_source_expected_items", "gauge", "Items a source announced in all; absent when unknown.");
    for (const auto& n : m.nodes)
      if (n.shape == Shape::kSource && n.expected > 0) f.sample(node_labels(n), n.expected);
  }
  {
    Family f(out, "avflow_scalar", "gauge", "The latest value of each scalar a node emitted (a loss, a KL measure).");
    for (const auto& n : m.nodes)
      each_distinct_scalar(n, [&](const std::string& name, double value) {
        f.sample("node=\"" + prom_label(n.name) + "\",name=\"" + prom_label(name) + "\"", value);
      });
  }
  {
    Family f(out, "avflow_scalar_step", "gauge", "The step of the latest scalars a node emitted.");
    for (const auto& n : m.nodes)
      if (n.scalars_step >= 0) f.sample("node=\"" + prom_label(n.name) + "\"", n.scalars_step);
  }
  return out;
}

std::string status_json(const std::string& graph_name, const MetricsSnapshot& m) {
  const ProgressEstimate p = estimate_progress(m);
  int64_t step = -1;
  std::string scalars;
  for (const auto& n : m.nodes) {
    if (n.scalars_step < 0) continue;
    step = std::max(step, n.scalars_step);
    std::string values;
    each_distinct_scalar(n, [&](const std::string& name, double value) {
      values += (values.empty() ? "" : ",") + json_string(name) + ":" + json_number(value);
    });
    scalars += (scalars.empty() ? "" : ",") + json_string(n.name) + ":{\"step\":" + std::to_string(n.scalars_step) +
               ",\"values\":{" + values + "}}";
  }
  std::string out = "{\"graph\":" + json_string(graph_name) + ",\"state\":\"running\"";
  out += ",\"elapsed_seconds\":" + json_number(m.elapsed_seconds);
  out += ",\"progress\":{\"done\":" + std::to_string(p.done) +
         ",\"expected\":" + (p.fraction ? std::to_string(p.expected) : "null") +
         ",\"fraction\":" + json_number(p.fraction) + ",\"items_per_second\":" + json_number(p.rate) +
         ",\"eta_seconds\":" + json_number(p.eta_seconds) + "}";
  out += ",\"step\":" + (step >= 0 ? std::to_string(step) : "null");
  out += ",\"scalars\":{" + scalars + "}}\n";
  return out;
}

}  // namespace avflow::cli
