// For the tests of result_stream: a graph run in the background (the test
// plays its HTTP clients, tests/support/stream_client.h, meanwhile). Every
// wait has a deadline, so an operator that misbehaves fails a test instead of
// hanging it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/executor.h"
#include "engine/graph_loader.h"
#include "engine/plugin_loader.h"
#include "engine/registry.h"
#include "tests/operators/run_graph.h"
#include "tests/support/live_result_feed.h"
#include "tests/support/stream_client.h"

namespace avflow::test {

// A graph given as TOML text, running on its own thread from construction.
// The destructor cancels a run still going (and lets the live result feed
// go, so that it notices) and waits for it.
class BackgroundRun {
 public:
  explicit BackgroundRun(const std::string& toml)
      : plugins_(Registry::global()),
        graph_(load_graph_text(toml, "test.toml", {}, plugins_, Registry::global())),
        executor_(graph_) {
    thread_ = std::thread([this] {
      RunResult r = executor_.run();
      std::lock_guard<std::mutex> lock(mu_);
      result_ = std::move(r);
      cv_.notify_all();
    });
  }
  ~BackgroundRun() {
    executor_.cancel();
    LiveResultPace::allow_all();
    thread_.join();
  }

  // The run's result once it ended; nullopt when it is still going after `timeout_s`.
  std::optional<RunResult> wait(double timeout_s) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::duration<double>(timeout_s), [&] { return result_.has_value(); });
    return result_;
  }

 private:
  PluginLoader plugins_;
  ResolvedGraph graph_;
  Executor executor_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<RunResult> result_;
  std::thread thread_;
};

// The head of the answer to a client just connected while the server may be
// full: a refusal (503) comes at once, before any request; a client let in
// waits for its request, so it is sent then, and the head is the 200. Empty
// when the close of a refusal raced the request; nullopt when the request
// could not be sent.
inline std::optional<std::string> head_on_joining(StreamClient& client) {
  std::string head = client.peek_head(3);
  if (head.empty()) {
    if (!client.send_get()) return std::nullopt;
    head = client.peek_head(30);
  }
  return head;
}

// The "index" of a JSON line from result_stream; -1 when it has none.
inline long index_of(const std::string& line) {
  const std::string key = "{\"index\":";
  return line.rfind(key, 0) == 0 ? std::atol(line.c_str() + key.size()) : -1;
}

// feed (test_live_results: `count` results of `embedding` floats) ->
// results (result_stream on `port`, no file, with `stream_params`); its
// latency row goes to the test_capture node "cap".
inline std::string live_stream_graph(int port, int64_t count, int64_t embedding, const std::string& stream_params) {
  return "[graph]\nmax_in_flight = 4\n" +
         node_toml("feed", "test_live_results",
                   "count = " + std::to_string(count) + "\nembedding = " + std::to_string(embedding)) +
         node_toml("results", "result_stream", "path = \"\"\nport = " + std::to_string(port) + "\n" + stream_params) +
         node_toml("cap", "test_capture") + edge_toml("feed", "results") + edge_toml("results.latency", "cap");
}

}  // namespace avflow::test
