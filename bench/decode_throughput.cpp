// Decode throughput: avflow's direct mode (MediaDecoder + Snippetizer: decode,
// 5 fps, scale to a 190 short side, 48 kHz mono, snippets of 16 frames)
// against GStreamer decoding the same file to fakesink (decode alone), in one
// run, on a generated 720p VP8 + Vorbis title; then the prepared mode: the
// title written as a shard, and random (m) reads from it (page cache warm, as
// after the first epoch). Prints one table.
//
//   bench_decode_throughput [seconds_of_media] [threads]
//
// `threads` caps both: GStreamer's decoder threads follow the machine's cores.
#include <gst/gst.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "libs/media/gst_init.h"
#include "libs/media/media_decoder.h"
#include "libs/media/shard/shard_file.h"
#include "libs/media/shard/shard_writer.h"
#include "libs/media/snippetizer.h"

using namespace avflow::media;

namespace {

using Clock = std::chrono::steady_clock;

// Runs a gst-launch style pipeline to EOS; returns its wall time in seconds.
double run_pipeline(const std::string& desc) {
  GError* err = nullptr;
  GstElement* p = gst_parse_launch(desc.c_str(), &err);
  if (!p || err) throw std::runtime_error("pipeline failed to parse: " + desc);
  const auto start = Clock::now();
  gst_element_set_state(p, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(p);
  GstMessage* msg =
      gst_bus_timed_pop_filtered(bus, GST_CLOCK_TIME_NONE, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  const bool ok = msg && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS;
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  if (msg) gst_message_unref(msg);
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(p);
  if (!ok) throw std::runtime_error("pipeline failed: " + desc);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const double media_s = argc > 1 ? std::atof(argv[1]) : 32.0;
  ensure_gstreamer();
  const auto file = std::filesystem::temp_directory_path() / "avflow-bench-720p.webm";
  const long frames = std::lround(media_s * 25);
  std::printf("generating %.0f s of 1280x720 25 fps VP8 + 44.1 kHz stereo Vorbis in %s ...\n", media_s, file.c_str());
  run_pipeline("webmmux name=mux ! filesink location=\"" + file.string() + "\" videotestsrc num-buffers=" +
               std::to_string(frames) + " pattern=ball ! video/x-raw,width=1280,height=720,framerate=25/1 ! " +
               "vp8enc deadline=1 cpu-used=8 ! queue ! mux. audiotestsrc num-buffers=" +
               std::to_string(std::lround(media_s * 100)) +
               " samplesperbuffer=441 ! audio/x-raw,rate=44100,channels=2 ! audioconvert ! vorbisenc ! queue ! mux.");

  const double snippet_s = 3.2;
  const double snippets_in_file = std::floor(media_s / snippet_s);
  // Best of three interleaved rounds, so neither path gets the colder cache.
  double alone = 1e30, ours = 1e30;
  int64_t snippets = 0;
  for (int round = 0; round < 3; ++round) {
    // (a) decode alone: every stream decoded and dropped.
    alone = std::min(alone, run_pipeline("filesrc location=\"" + file.string() +
                                         "\" ! decodebin name=d d. ! queue ! fakesink sync=false d. ! queue ! "
                                         "fakesink sync=false"));
    // (b) avflow: decode, resample, scale, cut into snippets.
    const auto start = Clock::now();
    DecodeSettings settings;
    MediaDecoder decoder(file.string(), settings);
    Snippetizer snippetizer(decoder, settings, 16, "bench", "");
    snippets = 0;
    while (snippetizer.next()) ++snippets;
    ours = std::min(ours, std::chrono::duration<double>(Clock::now() - start).count());
  }

  std::printf("\n| path | wall s | snippets/s | ratio to decode alone |\n|---|---|---|---|\n");
  std::printf("| gst decode -> fakesink | %.3f | %.1f | 1.00 |\n", alone, snippets_in_file / alone);
  std::printf("| avflow decode + snippetize | %.3f | %.1f | %.2f |\n", ours, static_cast<double>(snippets) / ours,
              ours / alone);
  // Prepared mode: write the shard once, then read snippets in random order.
  const auto shard = std::filesystem::temp_directory_path() / "avflow-bench-720p.avshard";
  {
    DecodeSettings settings;
    MediaDecoder decoder(file.string(), settings);
    Snippetizer snippetizer(decoder, settings, 16, "bench", "");
    shard::Header h;
    h.title = "bench";
    h.width = static_cast<uint32_t>(decoder.width());
    h.height = static_cast<uint32_t>(decoder.height());
    ShardWriter writer(shard, h);
    while (auto s = snippetizer.next()) writer.add(*s);
    writer.finish();
  }
  ShardFile reader(shard);
  std::vector<int64_t> order;
  for (int rep = 0; rep < 20; ++rep)
    for (int64_t m = 0; m < reader.count(); ++m) order.push_back((m * 7 + rep * 3) % reader.count());
  const auto read_start = Clock::now();
  for (int64_t m : order) reader.read(m);
  const double read_s = std::chrono::duration<double>(Clock::now() - read_start).count();
  std::printf("| shard_reader random reads | %.3f | %.1f | (%zu reads, %.1f MB/snippet) |\n", read_s,
              static_cast<double>(order.size()) / read_s, order.size(),
              static_cast<double>(std::filesystem::file_size(shard)) / 1e6 / static_cast<double>(reader.count()));
  std::filesystem::remove(shard);

  std::printf("\n%lld snippets of 16 frames at 5 fps (190 short side) and 153600 samples; per core: divide by the cores GStreamer used\n",
              static_cast<long long>(snippets));
  std::filesystem::remove(file);
  return 0;
}
