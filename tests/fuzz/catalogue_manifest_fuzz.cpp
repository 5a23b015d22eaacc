// Fuzz target: a title catalogue manifest, TOML or CSV (the first byte of
// the input chooses: even TOML, odd CSV; the rest is the file).
//
// Must hold: load_manifest returns a catalogue or throws CatalogueError
// (every problem at its file and line); nothing else escapes. A loaded
// catalogue is also split, as every training graph does.
#include <cstdint>
#include <string_view>

#include "engine/log.h"
#include "libs/media/catalogue.h"
#include "tests/fuzz/fuzz_files.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  avflow::log::set_level(avflow::log::Level::error);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const avflow::fuzz::ScratchDir dir;
  if (size == 0) return 0;
  const bool csv = data[0] & 1;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto manifest = dir.write(csv ? "titles.csv" : "titles.toml", text);
  try {
    const avflow::media::Catalogue c = avflow::media::load_manifest(manifest);
    if (!c.titles.empty()) avflow::media::split_catalogue(c, 7, 0.25);
  } catch (const avflow::media::CatalogueError&) {
    // a bad manifest: diagnostics naming the file and line
  }
  return 0;
}
