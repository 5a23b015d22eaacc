// Files written whole or not at all: the content goes to a hidden temporary
// beside the file (DIR/.NAME.partial), renamed over the file once complete,
// so a reader or a resumed run never sees half a file, and a crash mid-write
// leaves the previous version in place.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace avflow {

// The temporary that write_file_atomically fills for `file`.
std::filesystem::path partial_path_of(const std::filesystem::path& file);

// `write` fills the temporary path it is given; when it returns, the
// temporary becomes `file`. When `write` throws or the rename fails, the
// temporary is removed and the error passes on (a failed rename as
// std::runtime_error naming both paths).
void write_file_atomically(const std::filesystem::path& file,
                           const std::function<void(const std::filesystem::path& temporary)>& write);

// `text` as the whole of `file`; std::runtime_error naming the file when it
// cannot be written.
void write_text_atomically(const std::filesystem::path& file, const std::string& text);

}  // namespace avflow
