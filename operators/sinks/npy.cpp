// npy: writes snippet embeddings as a NumPy array, float32 [N, d], with a CSV
// index of where each row comes from, for numpy.load and pandas.read_csv.
//
//   [[node]]
//   name = "out"
//   op = "npy"
//   path = "runs/embed/embeddings.npy"
//   index = ""                  # empty: the same path with .csv
//
// The index's header is row,title,show,m,start,end; row r of the CSV is row
// r of the array. Rows are written as they come (the array's header, which
// holds N, is rewritten at the end), so a catalogue of any size streams
// through; every row must have the first row's d. Both files are written
// under hidden temporary names and renamed when the run finishes; a failed
// or interrupted run removes them, so no half-written array is left.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "engine/atomic_file.h"
#include "engine/operator.h"
#include "engine/registry.h"
#include "operators/model/snippet_embedding.h"
#include "operators/sinks/csv_field.h"

namespace avflow::ops {
namespace fs = std::filesystem;
namespace {

// NumPy's format 1.0: magic, version, a little-endian u16 header length and
// a Python dict literal padded with spaces to a multiple of 64 bytes with a
// final newline. Always 128 bytes here, so the final header (N known)
// overwrites the first in place.
constexpr size_t kHeaderBytes = 128;

std::string npy_header(uint64_t rows, uint64_t columns) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                     std::to_string(columns) + "), }";
  std::string h = "\x93NUMPY";
  h += '\x01';
  h += '\x00';
  const size_t len = kHeaderBytes - 10;
  h += static_cast<char>(len & 0xff);
  h += static_cast<char>(len >> 8);
  dict.resize(len - 1, ' ');
  return h + dict + "\n";
}

}  // namespace

class Npy final : public Operator {
 public:
  static inline const In<SnippetEmbedding> kIn{"in", "embeddings (embed)"};
  static inline const Param<std::string> kPath{"path", kRequired, "the .npy file; missing folders are created"};
  static inline const Param<std::string> kIndex{"index", "", "the CSV index (row, title, show, m, start, end); empty: PATH with .csv"};
  AVFLOW_CONTRACT(kIn, kPath, kIndex);

  void open(Context& ctx) override {
    path_ = ctx.param(kPath);
    index_ = ctx.param(kIndex).empty() ? fs::path(path_).replace_extension(".csv") : fs::path(ctx.param(kIndex));
    for (const fs::path& p : {fs::path(path_), index_})
      if (!p.parent_path().empty()) fs::create_directories(p.parent_path());
    array_ = open_file(partial_path_of(path_));
    csv_ = open_file(partial_path_of(index_));
    write(array_, partial_path_of(path_), npy_header(0, 0));
    write(csv_, partial_path_of(index_), "row,title,show,m,start,end\n");
  }

  void process(Context& ctx) override {
    const SnippetEmbedding& e = ctx.input(kIn);
    if (rows_ == 0) columns_ = e.values.size();
    if (e.values.size() != columns_)
      throw std::runtime_error("embedding of " + e.title + "#" + std::to_string(e.index) + " has " +
                               std::to_string(e.values.size()) + " values, the rows before it " +
                               std::to_string(columns_));
    write(array_, partial_path_of(path_),
          std::string(reinterpret_cast<const char*>(e.values.data()), e.values.size() * sizeof(float)));
    char span[64];
    std::snprintf(span, sizeof span, "%.6f,%.6f", e.start_s, e.end_s);
    write(csv_, partial_path_of(index_),
          std::to_string(rows_) + "," + csv_field(e.title) + "," + csv_field(e.show) + "," + std::to_string(e.index) +
              "," + span + "\n");
    ++rows_;
  }

  void close(CloseReason reason) override {
    if (array_ == nullptr) return;
    if (reason != CloseReason::kFinished) {  // a failed or stopped run: no partial array
      std::fclose(array_);
      std::fclose(csv_);
      array_ = csv_ = nullptr;
      fs::remove(partial_path_of(path_));
      fs::remove(partial_path_of(index_));
      return;
    }
    const bool header = std::fseek(array_, 0, SEEK_SET) == 0 &&
                        std::fwrite(npy_header(rows_, columns_).data(), 1, kHeaderBytes, array_) == kHeaderBytes;
    const bool closed = std::fclose(array_) == 0 && std::fclose(csv_) == 0 && header;
    array_ = csv_ = nullptr;
    if (!closed) throw std::runtime_error("finishing '" + path_ + "' failed: " + std::strerror(errno));
    fs::rename(partial_path_of(index_), index_);
    fs::rename(partial_path_of(path_), path_);
  }

 private:
  static std::FILE* open_file(const fs::path& p) {
    std::FILE* f = std::fopen(p.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot open '" + p.string() + "' for writing: " + std::strerror(errno));
    return f;
  }
  static void write(std::FILE* f, const fs::path& p, const std::string& bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size())
      throw std::runtime_error("write to '" + p.string() + "' failed: " + std::strerror(errno));
  }

  std::string path_;
  fs::path index_;
  std::FILE* array_ = nullptr;
  std::FILE* csv_ = nullptr;
  uint64_t rows_ = 0;
  size_t columns_ = 0;
};

AVFLOW_REGISTER(Npy, "npy", "writes snippet embeddings as a NumPy float32 [N, d] array with a CSV index");

}  // namespace avflow::ops
