// graphs/live_eval.toml against a media server people run: nginx with its
// RTMP module (Debian's nginx-light and libnginx-mod-rtmp), started on
// loopback ports with a configuration the test writes, fed by a GStreamer
// publisher (H.264 + AAC in FLV over rtmp://). The graph reads the stream
// over rtmp:// and, second case, the server's HLS output over http://; the
// server is killed and restarted mid-stream, and the run logs the drop,
// reconnects and goes on, as with the RTSP server (live_eval_test.cpp).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "runtime/free_port.h"
#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";
constexpr const char* kRtmpModule = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

bool port_open(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (fd >= 0) ::close(fd);
  return ok;
}

template <class Pred>
bool wait_until(double timeout_s, Pred pred) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// nginx in the foreground, one process (so SIGKILL takes the whole server),
// RTMP on `rtmp_port` (application "live", HLS fragments of 1 s into
// DIR/hls) and HTTP on `http_port` serving DIR/hls as /hls/.
class MediaServer {
 public:
  MediaServer(const std::string& dir, int rtmp_port, int http_port) : dir_(dir), rtmp_(rtmp_port), http_(http_port) {
    fs::create_directories(dir_ + "/hls");
    fs::permissions(dir_ + "/hls", fs::perms::all);  // nginx's worker may run as nobody
    std::ostringstream conf;
    conf << "load_module " << kRtmpModule << ";\n"
         << "daemon off;\nmaster_process off;\nworker_processes 1;\npid " << dir_ << "/nginx.pid;\n"
         << "error_log " << dir_ << "/error.log info;\nevents { worker_connections 64; }\n"
         << "rtmp { server { listen 127.0.0.1:" << rtmp_ << ";\n"
         << "  application live { live on; hls on; hls_path " << dir_ << "/hls; hls_fragment 1s; "
            "hls_playlist_length 4s; } } }\n"
         << "http { access_log off;\n";
    for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
      conf << "  " << t << "_temp_path " << dir_ << "/" << t << ";\n";
    conf << "  server { listen 127.0.0.1:" << http_ << ";\n"
         << "    location /hls/ { types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; } alias " << dir_
         << "/hls/; add_header Cache-Control no-cache; } } }\n";
    std::ofstream(dir_ + "/nginx.conf") << conf.str();
  }

  bool start() {
    server_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{kNginx, "-c", dir_ + "/nginx.conf", "-p", dir_, "-e", dir_ + "/error.log"});
    return wait_until(10, [&] { return port_open(rtmp_) && port_open(http_); });
  }

  // The publisher: a moving test picture and a tone, H.264 + AAC in FLV, at
  // the pace of the clock.
  bool publish() {
    publisher_ = std::make_unique<BackgroundProcess>(std::vector<std::string>{
        "/usr/bin/gst-launch-1.0", "-q", "videotestsrc", "is-live=true", "pattern=ball", "!",
        "video/x-raw,width=160,height=120,framerate=25/1", "!", "x264enc", "tune=zerolatency", "key-int-max=25", "!",
        "h264parse", "!", "flvmux", "name=mux", "streamable=true", "!", "rtmpsink",
        "location=rtmp://127.0.0.1:" + std::to_string(rtmp_) + "/live/test", "audiotestsrc", "is-live=true", "!",
        "audioconvert", "!", "audioresample", "!", "audio/x-raw,rate=44100,channels=1", "!", "avenc_aac", "!",
        "aacparse", "!", "mux."});
    return wait_until(15, [&] { return fs::exists(dir_ + "/hls/test.m3u8"); });
  }

  void kill() {
    if (publisher_) publisher_->signal(SIGKILL);
    if (server_) server_->signal(SIGKILL);
    if (server_) server_->wait(10);
    if (publisher_) publisher_->wait(10);
    publisher_.reset();
    server_.reset();
  }

  // What went wrong: the server's log and the publisher's messages.
  std::string logs() const {
    return slurp(dir_ + "/error.log") + (publisher_ ? publisher_->stderr_so_far() : std::string());
  }

 private:
  std::string dir_;
  int rtmp_, http_;
  std::unique_ptr<BackgroundProcess> server_, publisher_;
};

long rows_with_reconnects(const std::string& path, long* total) {
  static const std::regex reconnects(R"re("reconnects":(\d+))re");
  std::istringstream in(slurp(path));
  long n = 0, with = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, reconnects)) continue;
    ++n;
    if (std::stol(m[1]) >= 1) ++with;
  }
  *total = n;
  return with;
}

void live_eval_through_restart(const std::string& scheme) {
  REQUIRE(fs::exists(kNginx));
  REQUIRE(fs::exists(kRtmpModule));
  TempDir dir;
  const std::string classifier = dir.path() + "/classifier";
  REQUIRE(run_process({std::string(AVFLOW_TEST_HELPER_DIR) + "/tiny_classifier", classifier, "3"}).exit_code == 0);
  const int rtmp_port = avflow::cli::free_local_port(), http_port = avflow::cli::free_local_port();
  MediaServer server(dir.path() + "/server", rtmp_port, http_port);
  REQUIRE(server.start());
  INFO(server.logs());
  REQUIRE(server.publish());

  const std::string uri = scheme == "rtmp" ? "rtmp://127.0.0.1:" + std::to_string(rtmp_port) + "/live/test"
                                           : "http://127.0.0.1:" + std::to_string(http_port) + "/hls/test.m3u8";
  const std::string results = dir.path() + "/results.jsonl";
  BackgroundProcess run({avflow_program(), "run", std::string(AVFLOW_SOURCE_DIR) + "/graphs/live_eval.toml",
                         "--progress", "never", "--threads", "2", "--set", "source.uri=" + uri,
                         "--set", "source.timeout=3.0", "--set", "source.retry_initial=0.25",
                         "--set", "source.retry_max=1.0", "--set", "source.short_side=64",
                         "--set", "classify.classifier=" + classifier, "--set", "results.path=" + results,
                         "--set", "results.port=-1"});
  INFO(run.stderr_so_far());
  long total = 0;
  REQUIRE(wait_until(60, [&] { return rows_with_reconnects(results, &total) == 0 && total >= 3; }));

  server.kill();
  REQUIRE(run.wait_for_stderr("dropped", 30));
  REQUIRE(server.start());
  INFO(server.logs());
  REQUIRE(server.publish());
  REQUIRE(run.wait_for_stderr("reconnected to " + uri, 60));
  CHECK(wait_until(60, [&] { return rows_with_reconnects(results, &total) >= 2; }));

  run.signal(SIGTERM);
  REQUIRE(run.wait(30));
  INFO(run.result().err);
  CHECK(run.result().exit_code == 0);
  CHECK(run.result().err.find("stream " + uri + " dropped") != std::string::npos);
  server.kill();
}

}  // namespace

TEST_CASE("live_eval reads nginx's RTMP stream and reconnects when the server restarts", "[live][cli][nginx]") {
  live_eval_through_restart("rtmp");
}

TEST_CASE("live_eval reads nginx's HLS output over HTTP and reconnects when the server restarts", "[live][cli][nginx]") {
  live_eval_through_restart("hls");
}
