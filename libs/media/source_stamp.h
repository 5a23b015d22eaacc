// A title's file as prepare reads it (size and modification time), stored in
// its shard (shard_format.h) so that a later prepare tells a file replaced
// since (a corrected re-encode, a fixed download) and prepares it again
// instead of serving the old snippets.
#pragma once

#include <optional>
#include <string>

#include "libs/media/shard/shard_format.h"

namespace avflow::media {

// The stamp of a local file (a path or a file:// URI); empty for a network
// URI (http://, rtsp://, ...) and for a file that cannot be read now.
std::optional<shard::SourceStamp> source_stamp(const std::string& path_or_uri);

// "size 12.3 MB -> 9.8 MB, modified 2026-12-05 06:40:15 -> 2026-12-05 07:02:11"
// (each part only when it differs).
std::string describe_change(const shard::SourceStamp& was, const shard::SourceStamp& now);

}  // namespace avflow::media
