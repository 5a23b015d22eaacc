#include "runtime/metrics_file.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace avflow::cli {

namespace {

// A strict reader of one flat JSON object of numbers (and null, true, false).
class LineParser {
 public:
  explicit LineParser(const std::string& text) : s_(text) {}

  MetricsRow row() {
    MetricsRow r;
    bool has_step = false;
    expect('{');
    skip_space();
    if (peek() == '}') fail("an object without \"step\"");
    while (true) {
      const std::string key = string();
      expect(':');
      const double value = number();
      if (key == "step") {
        if (value != std::floor(value)) fail("a step that is not a whole number");
        r.step = static_cast<int64_t>(value);
        has_step = true;
      } else {
        r.values.emplace_back(key, value);
      }
      skip_space();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect('}');
      break;
    }
    skip_space();
    if (i_ != s_.size()) fail("text after the object");
    if (!has_step) fail("an object without \"step\"");
    return r;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument(what + " at column " + std::to_string(i_ + 1));
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\') {
        if (++i_ >= s_.size()) break;
        if (s_[i_] == 'u') {  // names are ASCII; keep an escaped character as '?'
          i_ += 4;
          out += '?';
        } else {
          out += s_[i_];
        }
        ++i_;
      } else {
        out += s_[i_++];
      }
    }
    if (i_ >= s_.size()) fail("an unterminated string");
    ++i_;
    return out;
  }
  double number() {
    skip_space();
    for (const auto& [word, value] : {std::pair<const char*, double>{"null", std::numeric_limits<double>::quiet_NaN()},
                                      {"true", 1.0}, {"false", 0.0}}) {
      const std::string w(word);
      if (s_.compare(i_, w.size(), w) == 0) {
        i_ += w.size();
        return value;
      }
    }
    const char* start = s_.c_str() + i_;
    char* end = nullptr;
    const double v = std::strtod(start, &end);
    if (end == start) fail("expected a number");
    i_ += static_cast<size_t>(end - start);
    return v;
  }

  const std::string& s_;
  size_t i_ = 0;
};

}  // namespace

std::vector<MetricsRow> read_metrics_jsonl(const std::string& path, int* truncated) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read '" + path + "'");
  std::vector<MetricsRow> rows;
  std::string line;
  int number = 0;
  if (truncated) *truncated = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      rows.push_back(LineParser(line).row());
    } catch (const std::invalid_argument& e) {
      // The last line of a killed run may be cut off; any other bad line is an error.
      if (in.peek() == std::char_traits<char>::eof() && line.back() != '}' && truncated) {
        ++*truncated;
        continue;
      }
      throw std::runtime_error(path + ":" + std::to_string(number) + ": not a metrics row: " + e.what());
    }
  }
  return rows;
}

}  // namespace avflow::cli
