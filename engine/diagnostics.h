// Diagnostics: errors that name where they come from.
//
// Validation collects every problem it finds (not just the first) as a
// Diagnostic with a file:line:column and the graph node concerned; the CLI
// prints them the way compilers do, so editors can jump to them.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace avflow {

struct SourceLocation {
  std::string file;  // graph file, or "<command line>" for --set
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;

  std::string str() const;  // "graphs/x.toml:12:5"
};

struct Diagnostic {
  SourceLocation where;
  std::string node;  // empty when the problem is not about one node
  std::string message;

  std::string str() const;  // "graphs/x.toml:12:5: error: node 'mel': unknown parameter ..."
};

// Thrown at a boundary (graph load, plugin load) carrying every diagnostic.
class GraphError : public std::runtime_error {
 public:
  explicit GraphError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Closest candidate by edit distance for a "did you mean" hint; empty when
// nothing is close enough to be a plausible typo.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace avflow
