// rtsp_test_server: a tiny RTSP server for the live-stream tests and the
// live latency benchmark. Serves one MJPEG + PCM AVI (such as those of
// `avflow demo-datasets`) at rtsp://127.0.0.1:PORT/stream, each client
// getting its own playback from the start, paced in real time; or, with
// --endless, a live test signal that never ends (a moving ball at 320x240,
// 25 fps, and a 440 Hz tone) for runs longer than any clip:
//
//   rtsp_test_server --port 8554 --file clip.avi [--mount /stream] [--no-audio]
//   rtsp_test_server --port 8554 --endless [--mount /stream] [--no-audio]
//
// Video goes out as RTP/JPEG, audio as RTP/L16 (48 kHz mono). Prints
// "rtsp_test_server: serving rtsp://..." on standard error once it listens;
// exits 0 on SIGINT or SIGTERM, 1 when it cannot listen or the file is missing.
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <glib-unix.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

gboolean quit(gpointer loop) {
  g_main_loop_quit(static_cast<GMainLoop*>(loop));
  return G_SOURCE_REMOVE;
}

// Quotes a path for a gst-launch description.
std::string launch_quoted(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  std::string port = "8554", file, mount = "/stream";
  bool audio = true, endless = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--port" && i + 1 < argc) port = argv[++i];
    else if (a == "--file" && i + 1 < argc) file = argv[++i];
    else if (a == "--mount" && i + 1 < argc) mount = argv[++i];
    else if (a == "--no-audio") audio = false;
    else if (a == "--endless") endless = true;
    else {
      std::fprintf(stderr, "usage: rtsp_test_server --port N (--file CLIP.avi | --endless) [--mount /stream] [--no-audio]\n");
      return 2;
    }
  }
  if (!endless && (file.empty() || !std::filesystem::is_regular_file(file))) {
    std::fprintf(stderr, "rtsp_test_server: no such file '%s'\n", file.c_str());
    return 1;
  }
  gst_init(&argc, &argv);
  GMainLoop* loop = g_main_loop_new(nullptr, FALSE);
  GstRTSPServer* server = gst_rtsp_server_new();
  gst_rtsp_server_set_address(server, "127.0.0.1");
  gst_rtsp_server_set_service(server, port.c_str());

  std::string launch;
  if (endless) {
    launch = "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=25/1"
             " ! videoconvert ! video/x-raw,format=I420 ! jpegenc quality=85 ! rtpjpegpay name=pay0 pt=26";
    if (audio)
      launch += " audiotestsrc is-live=true freq=440 ! audio/x-raw,rate=48000,channels=1 ! audioconvert"
                " ! rtpL16pay name=pay1 pt=96";
  } else {
    launch = "( filesrc location=" + launch_quoted(file) +
             " ! avidemux name=d d.video_0 ! queue ! jpegdec ! videoconvert ! video/x-raw,format=I420"
             " ! jpegenc quality=85"
             " ! rtpjpegpay name=pay0 pt=26";
    if (audio)
      launch += " d.audio_0 ! queue ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=1"
                " ! rtpL16pay name=pay1 pt=96";
  }
  launch += " )";
  GstRTSPMediaFactory* factory = gst_rtsp_media_factory_new();
  gst_rtsp_media_factory_set_launch(factory, launch.c_str());
  gst_rtsp_media_factory_set_shared(factory, FALSE);
  GstRTSPMountPoints* mounts = gst_rtsp_server_get_mount_points(server);
  gst_rtsp_mount_points_add_factory(mounts, mount.c_str(), factory);
  g_object_unref(mounts);

  if (gst_rtsp_server_attach(server, nullptr) == 0) {
    std::fprintf(stderr, "rtsp_test_server: cannot listen on 127.0.0.1:%s\n", port.c_str());
    return 1;
  }
  g_unix_signal_add(SIGINT, quit, loop);
  g_unix_signal_add(SIGTERM, quit, loop);
  std::fprintf(stderr, "rtsp_test_server: serving rtsp://127.0.0.1:%s%s\n", port.c_str(), mount.c_str());
  std::fflush(stderr);
  g_main_loop_run(loop);
  g_object_unref(server);
  g_main_loop_unref(loop);
  return 0;
}
