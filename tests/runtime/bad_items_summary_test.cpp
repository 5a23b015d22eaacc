// A run that got past bad items (on_error = skip) says so: each bad item
// logged once, a warning at the end naming the node and the count, and the
// `errors` column of --metrics.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// Flips a byte in the middle of the first movie shard: inside one snippet's
// record, whose checksum then fails.
void corrupt_one_record(const std::string& prepared) {
  for (const auto& f : fs::directory_iterator(prepared)) {
    if (f.path().extension() != ".avshard") continue;
    std::fstream file(f.path(), std::ios::in | std::ios::out | std::ios::binary);
    const auto middle = static_cast<std::streamoff>(fs::file_size(f.path()) / 2);
    file.seekg(middle);
    const char c = static_cast<char>(file.get());
    file.seekp(middle);
    file.put(static_cast<char>(c ^ 0x5a));
    return;
  }
  FAIL("no movie shard in " << prepared);
}

std::string reading_graph(const std::string& prepared, const std::string& on_error) {
  return "[[node]]\nname = \"sampler\"\nop = \"sampler\"\nshards = \"" + prepared +
         "\"\npolicy = \"uniform\"\nk = 1\nbatch_size = 1\nepochs = 20\n\n"
         "[[node]]\nname = \"reader\"\nop = \"shard_reader\"\ndir = \"" + prepared + "\"\non_error = \"" + on_error +
         "\"\nmax_errors = 100\n\n"
         "[[node]]\nname = \"count\"\nop = \"count\"\n\n"
         "[[edge]]\nfrom = \"sampler\"\nto = \"reader\"\n\n"
         "[[edge]]\nfrom = \"reader.snippet\"\nto = \"count\"\n";
}

}  // namespace

TEST_CASE("a run that got past a corrupt snippet says so at its end and counts it in --metrics", "[cli][on_error]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir);
  corrupt_one_record(prepared);

  const auto skipped = run_avflow({"run", dir.write("skip.toml", reading_graph(prepared, "skip")), "--metrics",
                                   "--progress", "never"});
  INFO(skipped.err);
  REQUIRE(skipped.exit_code == 0);
  // Uniform draws with replacement, 20 epochs: the corrupt snippet is drawn
  // (all but surely) several times, logged the first time only.
  std::smatch m;
  REQUIRE(std::regex_search(skipped.err, m, std::regex(R"(node 'reader' \(shard_reader\) replaced or left out ([0-9]+) bad items? of ([0-9]+) \(on_error = skip)")));
  const std::string bad = m[1], read = m[2];
  CHECK(std::stoi(bad) >= 1);
  CHECK(read == "540");  // 20 epochs of the 27 snippets of three 30 s titles
  // node, op, shape, in, out, dropped, errors
  CHECK(std::regex_search(skipped.err, std::regex("\nreader +shard_reader +[a-z]+ +" + read + " +[0-9]+ +0 +" + bad + " ")));
  size_t logged = 0;
  for (size_t at = skipped.err.find("skipped (on_error = skip)"); at != std::string::npos;
       at = skipped.err.find("skipped (on_error = skip)", at + 1))
    ++logged;
  CHECK(logged == 1);
  CHECK_THAT(skipped.err, Contains("checksum mismatch"));

  const auto failed = run_avflow({"run", dir.write("fail.toml", reading_graph(prepared, "fail")), "--progress", "never"});
  CHECK(failed.exit_code != 0);
  CHECK_THAT(failed.err, Contains("corrupt shard") && Contains("node 'reader'"));
  CHECK_THAT(failed.err, !Contains("replaced or left out"));
}
