// Writes the demo catalogue: real encoded media (VP8 video + Vorbis audio in
// WebM, 320x180 at 25 fps, 48 kHz stereo) rendered by demo_render.h and
// pushed through GStreamer's encoders, in the folder layout the catalogue
// scanner reads, plus a manifest:
//
//   OUT/movies/<movie>.webm
//   OUT/tv/<show>/<episode>.webm
//   OUT/catalogue.toml          [[title]] id, path, show (episodes), genre
//   OUT/.demo-catalogue         what was written (hidden: scans skip it)
//
//   appsrc (RGB) -> videoconvert -> vp8enc ------------> queue -> webmmux -> filesink
//   appsrc (F32 stereo) -> audioconvert -> vorbisenc -> queue ----^
//
// Each file is written under a temporary hidden name and renamed when
// complete. A title whose file exists with the size recorded for the same
// seed, length and arrow of time is not written again, so re-running is cheap.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>

#include "libs/demo/demo_title.h"

namespace avflow::demo {

// Encodes `title` into `file` (.webm). Throws std::runtime_error with
// GStreamer's message on failure (then no file and no temporary is left).
void write_demo_title(const DemoTitle& title, const std::filesystem::path& file);

struct DemoProgress {
  const DemoTitleRef& title;
  size_t index = 0, total = 0;  // this is title index + 1 of total
  bool skipped = false;         // already there
  double seconds = 0;           // wall time spent on it
};

struct DemoCatalogueReport {
  size_t written = 0, skipped = 0;
};

// The whole catalogue under `out` (created if missing). Throws
// std::invalid_argument for options out of range, std::runtime_error when
// writing fails.
DemoCatalogueReport write_demo_catalogue(const std::filesystem::path& out, const DemoCatalogueOptions& options,
                                         const std::function<void(const DemoProgress&)>& progress = {});

}  // namespace avflow::demo
