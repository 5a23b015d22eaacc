// Encoding generated media into a file through a GStreamer pipeline fed
// from memory: the pipeline text names its sources `appsrc name=video` and /
// or `appsrc name=audio` (with their caps) and ends in `filesink
// name=sink`; the caller pushes raw frames and audio chunks with their
// timestamps, in time order, then finishes. Used by the demo catalogue and
// the demo data sets.
//
//   AppSrcEncoder e(kPipeline, "clip.avi", "demo data sets");
//   e.push(AppSrcEncoder::kVideo, rgb.data(), rgb.size(), pts_ns, duration_ns);
//   e.push(AppSrcEncoder::kAudio, pcm.data(), bytes, pts_ns, duration_ns);
//   e.finish();   // end of stream, waits for the file to be complete
//
// Errors (a pipeline that does not parse, an element that fails) are thrown
// as std::runtime_error prefixed with `what`. The pipeline is stopped and
// released on every path; a file left by a failed encoding is the caller's
// to remove (write to a temporary name and rename on success).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace avflow::media {

class AppSrcEncoder {
 public:
  enum Source { kVideo, kAudio };

  AppSrcEncoder(const std::string& pipeline, const std::filesystem::path& file, std::string what);
  ~AppSrcEncoder();
  AppSrcEncoder(const AppSrcEncoder&) = delete;
  AppSrcEncoder& operator=(const AppSrcEncoder&) = delete;

  // Copies `bytes` bytes into a buffer stamped [pts, pts + duration) (ns).
  void push(Source source, const void* data, size_t bytes, uint64_t pts_ns, uint64_t duration_ns);
  // Throws when the pipeline has posted an error (cheap; call now and then).
  void check();
  // Ends every source's stream and waits (up to `timeout_s`) for the end.
  void finish(double timeout_s = 120.0);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string what_;
};

// Nanoseconds of `index` units at `rate` per second (frames, samples).
uint64_t media_time_ns(int64_t index, int64_t rate);

}  // namespace avflow::media
