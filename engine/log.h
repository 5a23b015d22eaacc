// Levelled logging to stderr: error, warn, info, debug, trace.
//
//   AVFLOW_LOG(info) << "opened " << path;
//
// The level comes from --log-level or AVFLOW_LOG_LEVEL (default info). Lines
// below the level cost one comparison. Whole lines are written atomically.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace avflow::log {

enum class Level { error = 0, warn = 1, info = 2, debug = 3, trace = 4 };

Level level();
void set_level(Level level);
// Parses "error|warn|info|debug|trace"; returns false for anything else.
bool parse_level(std::string_view text, Level& out);
bool enabled(Level level);
void write(Level level, const std::string& line);

class Line {
 public:
  explicit Line(Level level) : level_(level) {}
  ~Line() { write(level_, os_.str()); }
  template <class T>
  Line& operator<<(const T& v) {
    os_ << v;
    return *this;
  }

 private:
  Level level_;
  std::ostringstream os_;
};

}  // namespace avflow::log

#define AVFLOW_LOG(lvl)                                          \
  if (!::avflow::log::enabled(::avflow::log::Level::lvl)) {      \
  } else                                                         \
    ::avflow::log::Line(::avflow::log::Level::lvl)
