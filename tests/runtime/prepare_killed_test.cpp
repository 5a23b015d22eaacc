// Fault injection: prepare killed with SIGKILL in the middle of a title.
// What it leaves is only the hidden NAME.avshard.partial, which nothing
// reads as a shard (a sampler sees no shard for the title); the rerun
// removes it and writes the title whole.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "libs/media/shard/shard_file.h"
#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

// The shards and partial files under `dir`.
struct Files {
  size_t shards = 0, partials = 0;
};
Files files_in(const fs::path& dir) {
  Files f;
  if (!fs::exists(dir)) return f;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    f.shards += e.path().extension() == ".avshard";
    f.partials += name.size() > 8 && name.substr(name.size() - 8) == ".partial";
  }
  return f;
}

}  // namespace

TEST_CASE("prepare killed mid-title leaves no shard to read, and the rerun writes the title whole",
          "[cli][fault][prepare]") {
  TempDir dir;
  const std::string data = dir.path() + "/data", prepared = dir.path() + "/prepared";
  write_one_movie(data, "1.5");
  const auto prepare = prepare_command(data, prepared, dir.path() + "/report.jsonl");
  {
    BackgroundProcess p(prepare);
    // Killed once the shard is being written: its partial file has grown
    // past the header (a 90 s title's shard is about 20 MB).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    bool writing = false;
    while (!writing && std::chrono::steady_clock::now() < deadline) {
      if (fs::exists(prepared))
        for (const auto& e : fs::recursive_directory_iterator(prepared))
          writing = writing || (e.path().extension() == ".partial" && fs::file_size(e.path()) > 1000000);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(writing);
    p.signal(SIGKILL);
    REQUIRE(p.wait(20));
    CHECK(p.result().exit_code == -1);
  }
  const Files killed = files_in(prepared);
  CHECK(killed.shards == 0);  // nothing a sampler or shard_reader would open
  CHECK(killed.partials == 1);

  auto again = run_process(prepare);
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  const Files whole = files_in(prepared);
  CHECK(whole.shards == 1);
  CHECK(whole.partials == 0);
  for (const auto& e : fs::recursive_directory_iterator(prepared))
    if (e.path().extension() == ".avshard") {
      const avflow::media::ShardFile shard(e.path());
      CHECK(shard.count() == 28);  // 90 s at 3.2 s a snippet
      CHECK_NOTHROW(shard.read(shard.count() - 1));
    }
}
