// avflow probe: what each title holds and what decoding corrects to put its
// sound and picture on one timeline (libs/media/media_probe.h), for files
// and URIs, or one row a title of a whole catalogue.
#include <cstdio>
#include <exception>
#include <string>

#include "libs/media/catalogue.h"
#include "libs/media/media_probe.h"
#include "runtime/commands.h"
#include "runtime/exit_codes.h"

namespace avflow::cli {

namespace {

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out.empty() ? "-" : out;
}

// "H.264 (High Profile) 1920x1080 23.976 fps" / "MPEG-4 AAC 48000 Hz 2 ch"
std::string stream_cell(const media::ProbeReport& r, const std::string& kind) {
  for (const auto& s : r.streams) {
    if (s.kind != kind) continue;
    char b[160];
    if (kind == "video" && s.variable_frame_rate)
      std::snprintf(b, sizeof b, "%s %lldx%lld vfr", s.codec.c_str(), static_cast<long long>(s.width),
                    static_cast<long long>(s.height));
    else if (kind == "video")
      std::snprintf(b, sizeof b, "%s %lldx%lld %g fps", s.codec.c_str(), static_cast<long long>(s.width),
                    static_cast<long long>(s.height), s.fps);
    else
      std::snprintf(b, sizeof b, "%s %lld Hz %d ch", s.codec.c_str(), static_cast<long long>(s.rate), s.channels);
    return b;
  }
  return "-";
}

double start_of(const media::ProbeReport& r, const std::string& kind) {
  for (const auto& s : r.streams)
    if (s.kind == kind) return s.start_s;
  return 0;
}

}  // namespace

int probe_command(const Args& args) {
  media::DecodeSettings settings;
  settings.fps = numeric_option(args, "--fps", 5.0, 0.1, 240, false);
  settings.sample_rate = static_cast<int64_t>(numeric_option(args, "--sample-rate", 48000, 1000, 384000, true));
  settings.channels = static_cast<int>(numeric_option(args, "--channels", 1, 1, 2, true));
  settings.short_side = 0;  // the source's own size
  const auto catalogue = args.option("--catalogue");
  if (catalogue && !args.positional.empty()) throw UsageError("give titles or --catalogue, not both");
  if (!catalogue && args.positional.empty()) throw UsageError("needs a FILE_OR_URI, or --catalogue DIR");

  size_t failed = 0;
  if (!catalogue) {
    for (const auto& title : args.positional) {
      try {
        std::fputs(media::describe(media::probe_media(title, settings)).c_str(), stdout);
      } catch (const std::exception& e) {
        std::printf("%s\n  cannot be probed: %s\n", title.c_str(), e.what());
        ++failed;
      }
    }
    std::fflush(stdout);
    return failed == 0 ? kExitOk : kExitRunFailed;
  }

  const media::Catalogue cat = media::load_catalogue(*catalogue);
  std::printf("%-28s %-12s %9s  %-34s %-26s %8s %8s  %s\n", "title", "container", "duration", "video", "audio",
              "video@", "audio@", "decoding corrects");
  for (const auto& t : cat.titles) {
    try {
      const auto r = media::probe_media(t.uri, settings);
      char duration[32] = "?";
      if (r.duration_s) std::snprintf(duration, sizeof duration, "%.2fs", *r.duration_s);
      std::printf("%-28s %-12s %9s  %-34s %-26s %7.3fs %7.3fs  %s\n", t.id.c_str(),
                  r.container.empty() ? "?" : r.container.substr(0, 12).c_str(), duration,
                  stream_cell(r, "video").c_str(), stream_cell(r, "audio").c_str(), start_of(r, "video"),
                  start_of(r, "audio"), joined(r.tags).c_str());
    } catch (const std::exception& e) {
      std::printf("%-28s cannot be probed: %s\n", t.id.c_str(), e.what());
      ++failed;
    }
    std::fflush(stdout);
  }
  std::printf("%zu titles probed, %zu could not be%s\n", cat.titles.size() - failed, failed,
              failed ? " (their rows say why)" : "");
  return failed == 0 ? kExitOk : kExitRunFailed;
}

}  // namespace avflow::cli
