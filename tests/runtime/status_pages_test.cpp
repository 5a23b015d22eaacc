// The status endpoint's pages from a hand-made snapshot: the Prometheus text
// read back by a strict checker of the exposition format (0.0.4), and the
// JSON read back by Boost.PropertyTree's parser.
// PropertyTree's JSON parser includes the old boost/bind.hpp, which asks for this.
#define BOOST_BIND_GLOBAL_PLACEHOLDERS
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <catch2/catch.hpp>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/status_pages.h"

using namespace avflow;

namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped
  std::string value;
};

struct Exposition {
  std::vector<std::string> errors;  // each names the line
  std::vector<Sample> samples;

  const Sample* find(const std::string& name, const std::map<std::string, std::string>& labels) const {
    for (const auto& s : samples)
      if (s.name == name && s.labels == labels) return &s;
    return nullptr;
  }
};

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool name_char(char c) { return name_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

// Reads [a-zA-Z_:][a-zA-Z0-9_:]* at `at`; empty when there is none.
std::string read_name(const std::string& line, size_t& at, bool colons) {
  size_t from = at;
  if (at < line.size() && name_start(line[at]) && (colons || line[at] != ':')) ++at;
  else return "";
  while (at < line.size() && name_char(line[at]) && (colons || line[at] != ':')) ++at;
  return line.substr(from, at - from);
}

bool valid_value(const std::string& v) {
  if (v == "NaN" || v == "+Inf" || v == "-Inf") return true;
  if (v.empty()) return false;
  char* end = nullptr;
  std::strtod(v.c_str(), &end);
  // strtod also takes "nan" and "inf", which the format spells otherwise.
  return *end == '\0' && v.find_first_of("nN") == std::string::npos && v.find_first_of("iI") == std::string::npos;
}

// The text format, strictly: every line a HELP, a TYPE or a sample
// `name{label="value",...} value`; HELP and TYPE once per family, before its
// samples; a family's samples together; label values escaped (\\, \", \n
// only); no series twice.
Exposition check_exposition(const std::string& text) {
  Exposition x;
  std::map<std::string, std::string> type_of;
  std::set<std::string> helped, finished, series;
  std::string current;  // the family whose samples are being read
  if (text.empty() || text.back() != '\n') x.errors.push_back("the text must end with a line feed");
  std::istringstream in(text);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    const std::string where = "line " + std::to_string(++number) + " '" + line + "': ";
    auto fail = [&](const std::string& why) { x.errors.push_back(where + why); };
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      size_t at = 7;
      std::string name = read_name(line, at, true);
      if (name.empty() || at >= line.size() || line[at] != ' ') {
        fail("no metric name");
        continue;
      }
      if (name != current && finished.count(name)) fail("family " + name + " appears twice");
      if (line[2] == 'H') {
        if (!helped.insert(name).second) fail("second HELP");
      } else {
        std::string type = line.substr(at + 1);
        if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" && type != "untyped")
          fail("unknown type " + type);
        if (type_of.count(name)) fail("second TYPE");
        type_of[name] = type;
      }
      if (name != current && !current.empty()) finished.insert(current);
      current = name;
      continue;
    }
    if (!line.empty() && line[0] == '#') continue;  // other comments are allowed
    Sample s;
    size_t at = 0;
    s.name = read_name(line, at, true);
    if (s.name.empty()) {
      fail("not a sample");
      continue;
    }
    if (at < line.size() && line[at] == '{') {
      ++at;
      while (at < line.size() && line[at] != '}') {
        std::string label = read_name(line, at, false);
        if (label.empty() || at + 1 >= line.size() || line[at] != '=' || line[at + 1] != '"') {
          fail("bad label");
          break;
        }
        at += 2;
        std::string value;
        bool closed = false;
        while (at < line.size()) {
          char c = line[at++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            char e = at < line.size() ? line[at++] : '\0';
            if (e == '\\') value += '\\';
            else if (e == '"') value += '"';
            else if (e == 'n') value += '\n';
            else fail(std::string("bad escape \\") + e);
          } else {
            value += c;
          }
        }
        if (!closed) fail("unterminated label value");
        if (!s.labels.emplace(label, value).second) fail("label " + label + " twice");
        if (at < line.size() && line[at] == ',') ++at;
      }
      if (at >= line.size() || line[at] != '}') {
        fail("labels not closed");
        continue;
      }
      ++at;
    }
    if (at >= line.size() || line[at] != ' ') {
      fail("no space before the value");
      continue;
    }
    s.value = line.substr(at + 1);
    if (!valid_value(s.value)) fail("bad value '" + s.value + "'");
    if (s.name != current || !helped.count(s.name) || !type_of.count(s.name))
      fail("sample of " + s.name + " outside its family, or before its HELP and TYPE");
    if (!series.insert(line.substr(0, at)).second) fail("series twice");
    x.samples.push_back(std::move(s));
  }
  return x;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

MetricsSnapshot hand_made_snapshot() {
  MetricsSnapshot m;
  m.elapsed_seconds = 4.0;
  NodeMetrics src;
  src.name = "src";
  src.op = "tone";
  src.shape = Shape::kSource;
  src.items_out = 120;
  src.expected = 200;
  src.in_flight = 3;
  src.busy_seconds = 0.25;
  NodeMetrics odd;
  odd.name = "we\"ird\\na\nme";  // a quote, a backslash and a line feed
  odd.op = "throttle";
  odd.shape = Shape::kFunction;
  odd.items_in = 118;
  odd.items_out = 117;
  odd.dropped = 1;
  odd.errors = 2;
  odd.queue_depth = 4;
  NodeMetrics train;
  train.name = "train";
  train.op = "train_step";
  train.shape = Shape::kMulti;
  train.items_in = 10;
  train.scalars_step = 320;
  train.scalars = {{"loss", 2.15}, {"lr", 0.002}, {"gap", kNaN}, {"up", kInf}, {"down", -kInf}};
  NodeMetrics kl;
  kl.name = "kl";
  kl.op = "kl_monitor";
  kl.shape = Shape::kMulti;
  kl.scalars_step = 300;
  kl.scalars = {{"kl_gap", 0.5}};
  m.nodes = {src, odd, train, kl};
  return m;
}

}  // namespace

TEST_CASE("status page metrics are valid Prometheus text with every node and scalar", "[status][pages]") {
  const std::string text = cli::prometheus_text(hand_made_snapshot());
  INFO(text);
  const Exposition x = check_exposition(text);
  for (const auto& e : x.errors) FAIL_CHECK(e);

  auto value = [&](const std::string& name, const std::map<std::string, std::string>& labels) {
    const Sample* s = x.find(name, labels);
    INFO(name);
    REQUIRE(s != nullptr);
    return s->value;
  };
  const std::map<std::string, std::string> src = {{"node", "src"}, {"op", "tone"}};
  const std::map<std::string, std::string> odd = {{"node", "we\"ird\\na\nme"}, {"op", "throttle"}};
  CHECK(value("avflow_run_elapsed_seconds", {}) == "4");
  CHECK(value("avflow_node_items_out_total", src) == "120");
  CHECK(value("avflow_node_busy_seconds_total", src) == "0.25");
  CHECK(value("avflow_source_in_flight", src) == "3");
  CHECK(value("avflow_source_expected_items", src) == "200");
  CHECK(value("avflow_node_items_in_total", odd) == "118");
  CHECK(value("avflow_node_dropped_total", odd) == "1");
  CHECK(value("avflow_node_errors_total", odd) == "2");
  CHECK(value("avflow_node_errors_total", src) == "0");
  CHECK(value("avflow_node_queue_depth", odd) == "4");
  CHECK(x.find("avflow_source_in_flight", odd) == nullptr);  // not a source
  CHECK(value("avflow_scalar_step", {{"node", "train"}}) == "320");
  CHECK(value("avflow_scalar_step", {{"node", "kl"}}) == "300");
  CHECK(value("avflow_scalar", {{"node", "kl"}, {"name", "kl_gap"}}) == "0.5");
  CHECK(value("avflow_scalar", {{"node", "train"}, {"name", "gap"}}) == "NaN");
  CHECK(value("avflow_scalar", {{"node", "train"}, {"name", "up"}}) == "+Inf");
  CHECK(value("avflow_scalar", {{"node", "train"}, {"name", "down"}}) == "-Inf");
  CHECK(x.find("avflow_scalar_step", {{"node", "src"}}) == nullptr);  // no scalars yet
  // The spelling a user sees, escapes included.
  CHECK(text.find("\navflow_scalar{node=\"train\",name=\"loss\"} 2.15\n") != std::string::npos);
  CHECK(text.find("{node=\"we\\\"ird\\\\na\\nme\",op=\"throttle\"}") != std::string::npos);
  CHECK(text.find("# TYPE avflow_node_items_in_total counter\n") != std::string::npos);
  CHECK(text.find("# TYPE avflow_node_queue_depth gauge\n") != std::string::npos);
}

TEST_CASE("status page metrics checker refuses what the format forbids", "[status][pages]") {
  // The checker above must itself be strict, or the test before proves nothing.
  const std::string family = "# HELP a_total x\n# TYPE a_total counter\n";
  CHECK(check_exposition(family + "a_total{node=\"n\"} 1\n").errors.empty());
  CHECK_FALSE(check_exposition("a_total 1\n").errors.empty());                               // no HELP, TYPE
  CHECK_FALSE(check_exposition(family + "a_total{node=\"n\\t\"} 1\n").errors.empty());       // bad escape
  CHECK_FALSE(check_exposition(family + "a_total{node=\"n\"} nan\n").errors.empty());        // NaN spelling
  CHECK_FALSE(check_exposition(family + "a_total{node=\"n\"} 1\na_total{node=\"n\"} 2\n").errors.empty());
  CHECK_FALSE(check_exposition(family + "a-b 1\n").errors.empty());                          // name
  CHECK_FALSE(check_exposition(family + "a_total{node=\"n} 1\n").errors.empty());            // unterminated
  CHECK_FALSE(check_exposition(family + "# HELP b x\n# TYPE b gauge\nb 1\na_total 2\n").errors.empty());
}

TEST_CASE("status page metrics of an empty snapshot are still valid", "[status][pages]") {
  const std::string text = cli::prometheus_text(MetricsSnapshot{});
  INFO(text);
  const Exposition x = check_exposition(text);
  for (const auto& e : x.errors) FAIL_CHECK(e);
  CHECK(x.samples.size() == 1);  // the elapsed time
}

TEST_CASE("status page JSON has the graph, progress, latest step and scalars", "[status][pages]") {
  namespace pt = boost::property_tree;
  const std::string json = cli::status_json("demo \"x\"", hand_made_snapshot());
  INFO(json);
  pt::ptree tree;
  std::istringstream in(json);
  REQUIRE_NOTHROW(pt::read_json(in, tree));
  auto at = [&](const std::string& path) { return tree.get<std::string>(pt::ptree::path_type(path, '/')); };
  CHECK(at("graph") == "demo \"x\"");
  CHECK(at("state") == "running");
  CHECK(tree.get<double>("elapsed_seconds") == 4.0);
  CHECK(tree.get<double>("progress.done") == 117);  // 120 emitted, 3 of them still in flight
  CHECK(tree.get<double>("progress.expected") == 200);
  CHECK(tree.get<double>("progress.fraction") == Approx(117.0 / 200));
  CHECK(tree.get<double>("progress.items_per_second") == Approx(117.0 / 4));
  CHECK(tree.get<double>("progress.eta_seconds") == Approx(83.0 / (117.0 / 4)));
  CHECK(tree.get<double>("step") == 320);  // the largest over the nodes
  CHECK(tree.get<double>("scalars.train.step") == 320);
  CHECK(tree.get<double>("scalars.train.values.loss") == Approx(2.15));
  CHECK(tree.get<double>("scalars.train.values.lr") == Approx(0.002));
  // JSON has no NaN or infinities; the raw text says null (PropertyTree reads it as a string).
  CHECK(json.find("\"gap\":null") != std::string::npos);
  CHECK(json.find("\"up\":null") != std::string::npos);
  CHECK(tree.get<double>("scalars.kl.step") == 300);
  CHECK(tree.get<double>("scalars.kl.values.kl_gap") == 0.5);
  CHECK(tree.get_child("scalars").size() == 2);  // nodes without scalars are left out
}

TEST_CASE("status page JSON says null for what is not known", "[status][pages]") {
  MetricsSnapshot m;
  m.elapsed_seconds = 0;
  NodeMetrics endless;
  endless.name = "tone";
  endless.op = "tone";
  endless.shape = Shape::kSource;
  endless.items_out = 0;  // no total announced
  m.nodes = {endless};
  const std::string json = cli::status_json("g", m);
  INFO(json);
  boost::property_tree::ptree tree;
  std::istringstream in(json);
  REQUIRE_NOTHROW(boost::property_tree::read_json(in, tree));
  CHECK(json.find("\"expected\":null") != std::string::npos);
  CHECK(json.find("\"fraction\":null") != std::string::npos);
  CHECK(json.find("\"eta_seconds\":null") != std::string::npos);
  CHECK(json.find("\"step\":null") != std::string::npos);
  CHECK(json.find("\"scalars\":{}") != std::string::npos);
}
