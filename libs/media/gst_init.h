// GStreamer is initialised once per process, on first use.
#pragma once

namespace avflow::media {

void ensure_gstreamer();

}  // namespace avflow::media
