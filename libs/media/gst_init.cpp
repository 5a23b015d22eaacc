#include "libs/media/gst_init.h"

#include <gst/gst.h>

#include <mutex>
#include <stdexcept>
#include <string>

namespace avflow::media {

void ensure_gstreamer() {
  static std::once_flag once;
  std::call_once(once, [] {
    GError* err = nullptr;
    if (!gst_init_check(nullptr, nullptr, &err)) {
      std::string msg = err ? err->message : "unknown error";
      if (err) g_error_free(err);
      throw std::runtime_error("GStreamer failed to initialise: " + msg);
    }
  });
}

}  // namespace avflow::media
