// Fault injection: files that cannot be written -- a checkpoint, a shard, a
// metrics file -- as on a full disk. Each run runs under a file size limit
// (RLIMIT_FSIZE with SIGXFSZ ignored: a write past it fails with EFBIG, the
// same path as ENOSPC), fails naming the file and the reason, and loses
// nothing: the previous checkpoint stays loadable and resumes, no half
// shard or false "skipped" record is left, and a rerun finishes the work.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "libs/model/checkpoint_position.h"
#include "tests/runtime/cli_fixture.h"
#include "tests/runtime/quickstart_fixture.h"

using namespace avflow::test;
namespace fs = std::filesystem;

TEST_CASE("a checkpoint that cannot be written fails the run naming it, and the previous one stays and resumes",
          "[cli][fault][disk_full]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir);
  const std::string out = dir.path() + "/run", checkpoints = out + "/checkpoints";
  {  // a checkpoint at step 5, then the machine goes down
    BackgroundProcess p(quickstart(prepared, out));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (avflow::model::latest_checkpoint_step(checkpoints) < 5 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    REQUIRE(avflow::model::latest_checkpoint_step(checkpoints) == 5);
    p.signal(SIGKILL);
    REQUIRE(p.wait(20));
  }
  // Resumed on a disk that fills up: rows (2 KB) and the plot (60 KB) fit
  // in 512 KB, the step-10 checkpoint (a 1.3 MB model.pt) does not.
  auto args = quickstart(prepared, out);
  args.push_back("--resume");
  auto full = run_process(with_file_size_limit(args, 512));
  INFO(full.err);
  CHECK(full.exit_code != 0);
  CHECK(full.err.find("checkpoint " + checkpoints + "/step-00000010 could not be written") != std::string::npos);
  CHECK(full.err.find("the previous checkpoint is kept") != std::string::npos);
  CHECK(avflow::model::latest_checkpoint_step(checkpoints) == 5);
  CHECK_FALSE(fs::exists(checkpoints + "/.step-00000010.partial"));

  // Room again: the run resumes from step 5 and finishes.
  auto resumed = run_process(args);
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find("resuming at step 5") != std::string::npos);
  CHECK(read_rows(out + "/metrics.jsonl").size() == size_t(kSteps));
  CHECK(avflow::model::latest_checkpoint_step(checkpoints) == kSteps);
}

TEST_CASE("a shard that cannot be written fails prepare naming it, keeps nothing half-written, and a rerun finishes",
          "[cli][fault][disk_full]") {
  TempDir dir;
  const std::string data = dir.path() + "/data", prepared = dir.path() + "/prepared";
  write_one_movie(data, "0.5");
  const auto prepare = prepare_command(data, prepared, dir.path() + "/report.jsonl");
  auto full = run_process(with_file_size_limit(prepare, 1024));  // a 30 s title's shard is about 6.5 MB
  INFO(full.err);
  CHECK(full.exit_code != 0);
  CHECK(full.err.find(".avshard.partial: write failed: File too large") != std::string::npos);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(prepared)) files += e.is_regular_file();
  CHECK(files == 0);  // no shard, no partial, no .skipped record blaming the title

  auto again = run_process(prepare);
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  size_t shards = 0;
  for (const auto& e : fs::recursive_directory_iterator(prepared)) shards += e.path().extension() == ".avshard";
  CHECK(shards == 1);
}

TEST_CASE("a metrics file that cannot be written fails the run naming it and the reason", "[cli][fault][disk_full]") {
  TempDir dir;
  const std::string rows = dir.path() + "/rows.jsonl";
  const std::string graph = dir.write("rows.toml",
                                      "[[node]]\nname = \"tone\"\nop = \"tone\"\ncount = 200\nduration = 0.01\n\n"
                                      "[[node]]\nname = \"stats\"\nop = \"tensor_stats\"\n\n"
                                      "[[node]]\nname = \"rows\"\nop = \"jsonl\"\npath = \"" + rows + "\"\n\n"
                                      "[[edge]]\nfrom = \"tone\"\nto = \"stats\"\n\n"
                                      "[[edge]]\nfrom = \"stats\"\nto = \"rows\"\n");
  auto r = run_process(with_file_size_limit({avflow_program(), "run", graph, "--progress", "never"}, 4));
  INFO(r.err);
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("write to '" + rows + "' failed: File too large") != std::string::npos);
  CHECK(r.err.find("node 'rows'") != std::string::npos);
}
