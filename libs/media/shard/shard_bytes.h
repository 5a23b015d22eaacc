// Little-endian packing of the shard's fields (x86-64 and arm64 are
// little-endian; the static_assert keeps it honest elsewhere).
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace avflow::media::shard {

// The compiler's own macro rather than C++20's std::endian: the fuzz build
// compiles this header as C++17 (clang 14 cannot read LibTorch 1.13's
// headers as C++20).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "shards are little-endian");

template <class T>
void put(std::vector<uint8_t>& out, T v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}
inline void put_bytes(std::vector<uint8_t>& out, const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + size);
}
inline void put_string(std::vector<uint8_t>& out, const std::string& s) {
  put<uint32_t>(out, static_cast<uint32_t>(s.size()));
  put_bytes(out, s.data(), s.size());
}

// Reads fields from a byte range; running past its end throws `what`.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size, std::string what) : p_(data), end_(data + size), what_(std::move(what)) {}
  template <class T>
  T get() {
    T v;
    std::memcpy(&v, take(sizeof(T)), sizeof(T));
    return v;
  }
  const uint8_t* take(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) throw std::runtime_error(what_);
    const uint8_t* at = p_;
    p_ += n;
    return at;
  }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  std::string get_string() {
    const auto n = get<uint32_t>();
    const auto* s = take(n);
    return std::string(reinterpret_cast<const char*>(s), n);
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  std::string what_;
};

}  // namespace avflow::media::shard
