#include "libs/media/source_stamp.h"

#include <glib.h>
#include <sys/stat.h>

#include <cstdio>
#include <ctime>

namespace avflow::media {

namespace {

std::optional<std::string> local_path(const std::string& path_or_uri) {
  if (path_or_uri.rfind("file://", 0) == 0) {
    gchar* file = g_filename_from_uri(path_or_uri.c_str(), nullptr, nullptr);
    if (file == nullptr) return std::nullopt;
    std::string path(file);
    g_free(file);
    return path;
  }
  if (path_or_uri.find("://") != std::string::npos) return std::nullopt;  // a network source
  return path_or_uri;
}

std::string megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

std::string utc_time(int64_t ns) {
  const std::time_t seconds = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char date[32], text[48];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
  std::snprintf(text, sizeof text, "%s.%03d UTC", date, static_cast<int>(ns % 1000000000 / 1000000));
  return text;
}

}  // namespace

std::optional<shard::SourceStamp> source_stamp(const std::string& path_or_uri) {
  const auto path = local_path(path_or_uri);
  struct stat st {};
  if (!path || ::stat(path->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  shard::SourceStamp stamp;
  stamp.bytes = static_cast<uint64_t>(st.st_size);
  stamp.modified_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return stamp;
}

std::string describe_change(const shard::SourceStamp& was, const shard::SourceStamp& now) {
  std::string text;
  if (was.bytes != now.bytes) text = "size " + megabytes(was.bytes) + " -> " + megabytes(now.bytes);
  if (was.modified_ns != now.modified_ns) {
    if (!text.empty()) text += ", ";
    text += "modified " + utc_time(was.modified_ns) + " -> " + utc_time(now.modified_ns);
  }
  return text;
}

}  // namespace avflow::media
