// State dict files: safetensors written and read back (bytes of the header
// checked by hand), torch.save's zip format through LibTorch's pickler and
// avflow's own reader, and the errors for files that are neither.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "libs/model/safetensors_file.h"
#include "libs/model/state_dict_file.h"
#include "libs/model/torch_save_file.h"
#include "tests/support/process.h"

using namespace avflow::model;
using avflow::test::slurp;
using avflow::test::TempDir;
namespace fs = std::filesystem;

namespace {

NamedTensors sample() {
  return {{"conv.weight", torch::arange(6, torch::kFloat).reshape({2, 3})},
          {"bn.num_batches_tracked", torch::tensor(7, torch::kLong)},
          {"half", torch::tensor({1.5, -2.0}, torch::kBFloat16)},
          {"strided", torch::arange(12, torch::kDouble).reshape({3, 4}).t()}};
}

void check_same(const NamedTensors& a, const NamedTensors& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].first == b[i].first);
    CHECK(a[i].second.scalar_type() == b[i].second.scalar_type());
    CHECK(torch::equal(a[i].second.contiguous(), b[i].second));
  }
}

}  // namespace

TEST_CASE("safetensors: an 8-byte length, a JSON header and the raw tensors in order", "[model][weights]") {
  TempDir dir;
  const fs::path file = fs::path(dir.path()) / "w.safetensors";
  write_safetensors(file, {{"a", torch::tensor({1.0f, 2.0f})}, {"b", torch::tensor(3, torch::kLong)}},
                    {{"format", "pt"}});
  const std::string bytes = slurp(file.string());
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);  // little-endian, as this machine
  CHECK(n % 8 == 0);
  const std::string header = bytes.substr(8, n);
  CHECK_THAT(header, Catch::StartsWith("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                                       "\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"I64\",\"shape\":[],"
                                       "\"data_offsets\":[8,16]}}"));
  REQUIRE(bytes.size() == 8 + n + 16);
  float a[2];
  int64_t b = 0;
  std::memcpy(a, bytes.data() + 8 + n, 8);
  std::memcpy(&b, bytes.data() + 8 + n + 8, 8);
  CHECK(a[0] == 1.0f);
  CHECK(a[1] == 2.0f);
  CHECK(b == 3);
}

TEST_CASE("safetensors and torch.save files read back bit for bit, by content", "[model][weights]") {
  TempDir dir;
  for (auto format : {StateDictFormat::kSafetensors, StateDictFormat::kTorchSave}) {
    const fs::path file = fs::path(dir.path()) / (std::string("w") + state_dict_extension(format));
    write_state_dict(file, sample(), format, {{"avflow_encoder", "video"}});
    check_same(sample(), read_state_dict(file));
    const fs::path renamed = fs::path(dir.path()) / "weights.bin";  // the name does not matter
    fs::copy_file(file, renamed, fs::copy_options::overwrite_existing);
    check_same(sample(), read_state_dict(renamed));
  }
  CHECK(read_safetensors(fs::path(dir.path()) / "w.safetensors").metadata.at("avflow_encoder") == "video");
}

TEST_CASE("a damaged or foreign weights file is refused, naming the file and the fault", "[model][weights]") {
  TempDir dir;
  const fs::path good = fs::path(dir.path()) / "w.safetensors";
  write_safetensors(good, sample());
  const std::string bytes = slurp(good.string());

  const std::string truncated = dir.write("truncated.safetensors", bytes.substr(0, bytes.size() - 4));
  CHECK_THROWS_WITH(read_state_dict(truncated),
                    Catch::Contains("truncated.safetensors: tensor 'strided'") && Catch::Contains("a truncated file?"));

  std::string bad_json = bytes;
  bad_json[8 + 1] = '!';  // {!conv.weight": ...
  const std::string broken = dir.write("broken.safetensors", bad_json);
  CHECK_THROWS_WITH(read_state_dict(broken), Catch::Contains("broken.safetensors: header JSON at byte"));

  const std::string text = dir.write("notes.txt", "these are not weights\n");
  CHECK_THROWS_WITH(read_state_dict(text),
                    Catch::Contains("notes.txt: neither a torch.save file") && Catch::Contains("nor safetensors"));
  CHECK_THROWS_WITH(read_torch_save(text), Catch::Contains("not a zip archive"));
  CHECK_THROWS_WITH(read_state_dict(fs::path(dir.path()) / "absent.pt"), Catch::Contains("absent.pt: no such file"));
}
