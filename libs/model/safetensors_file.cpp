#include "libs/model/safetensors_file.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "engine/atomic_file.h"
#include "engine/text_format.h"

namespace avflow::model {
namespace fs = std::filesystem;
namespace {

// Header lengths above this are not a safetensors file (the format's own
// limit is 100 MB).
constexpr uint64_t kMaxHeader = 100u << 20;

struct DtypeName {
  at::ScalarType type;
  const char* name;
};
constexpr DtypeName kDtypes[] = {
    {at::kDouble, "F64"}, {at::kFloat, "F32"}, {at::kHalf, "F16"}, {at::kBFloat16, "BF16"}, {at::kLong, "I64"},
    {at::kInt, "I32"},    {at::kShort, "I16"}, {at::kChar, "I8"},  {at::kByte, "U8"},       {at::kBool, "BOOL"},
};

const char* dtype_name(at::ScalarType t) {
  for (const auto& d : kDtypes)
    if (d.type == t) return d.name;
  return nullptr;
}

// The JSON of a safetensors header: objects, arrays, strings and integers.
struct Json {
  enum Kind { kObject, kArray, kString, kNumber, kLiteral } kind = kLiteral;
  std::vector<std::pair<std::string, Json>> members;
  std::vector<Json> items;
  std::string text;  // a string's value, a number's or literal's spelling

  const Json* member(const std::string& key) const {
    for (const auto& [k, v] : members)
      if (k == key) return &v;
    return nullptr;
  }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : s_(text) {}

  Json document() {
    Json v = value();
    skip_space();
    if (i_ != s_.size()) fail("text after the header's object");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("header JSON at byte " + std::to_string(i_) + ": " + what);
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  char peek() {
    skip_space();
    if (i_ >= s_.size()) fail("unexpected end");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }

  Json value() {
    const char c = peek();
    if (c == '{') return object();
    if (c == '[') return array();
    Json v;
    if (c == '"') {
      v.kind = Json::kString;
      v.text = string();
      return v;
    }
    const size_t start = i_;
    while (i_ < s_.size() && std::strchr("+-.0123456789eEtruefalsn", s_[i_]) != nullptr) ++i_;
    if (i_ == start) fail(std::string("unexpected '") + c + "'");
    v.text = s_.substr(start, i_ - start);
    v.kind = (c == '-' || (c >= '0' && c <= '9')) ? Json::kNumber : Json::kLiteral;
    return v;
  }

  Json object() {
    Json v;
    v.kind = Json::kObject;
    expect('{');
    if (peek() == '}') return ++i_, v;
    for (;;) {
      if (peek() != '"') fail("expected a key");
      std::string key = string();
      expect(':');
      v.members.emplace_back(std::move(key), value());
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect('}');
      return v;
    }
  }

  Json array() {
    Json v;
    v.kind = Json::kArray;
    expect('[');
    if (peek() == ']') return ++i_, v;
    for (;;) {
      v.items.push_back(value());
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect(']');
      return v;
    }
  }

  std::string string() {
    expect('"');
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) break;
      c = s_[i_++];
      switch (c) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          if (i_ + 4 > s_.size()) fail("short \\u escape");
          const unsigned code = static_cast<unsigned>(std::stoul(s_.substr(i_, 4), nullptr, 16));
          i_ += 4;
          if (code < 0x80) {
            out += static_cast<char>(code);
          } else if (code < 0x800) {
            out += static_cast<char>(0xc0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3f));
          } else {  // surrogate pairs are not joined: names here are ASCII
            out += static_cast<char>(0xe0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
          }
          break;
        }
        default: out += c;  // \" \\ \/
      }
    }
    if (i_ >= s_.size()) fail("unterminated string");
    ++i_;
    return out;
  }

  const std::string& s_;
  size_t i_ = 0;
};

uint64_t to_unsigned(const Json& v, const std::string& what) {
  if (v.kind != Json::kNumber || v.text.find_first_not_of("0123456789") != std::string::npos)
    throw std::runtime_error(what + " is not a non-negative integer");
  return std::stoull(v.text);
}

uint64_t read_header_length(std::istream& in) {
  unsigned char b[8];
  if (!in.read(reinterpret_cast<char*>(b), 8)) return 0;
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | b[i];
  return n;
}

}  // namespace

void write_safetensors(const fs::path& file, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<at::Tensor> data;
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    bool first = true;
    for (const auto& [k, v] : metadata) {
      header += (first ? "" : ",") + json_string(k) + ":" + json_string(v);
      first = false;
    }
    header += "}";
  }
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    const char* dtype = dtype_name(tensor.scalar_type());
    if (dtype == nullptr)
      throw std::runtime_error(file.string() + ": tensor '" + name + "' has a type safetensors does not hold (" +
                               std::string(c10::toString(tensor.scalar_type())) + ")");
    at::Tensor t = tensor.detach().to(at::kCPU).contiguous();
    const uint64_t bytes = t.numel() * t.element_size();
    std::string shape = "[";
    for (int64_t d = 0; d < t.dim(); ++d) shape += (d ? "," : "") + std::to_string(t.size(d));
    shape += "]";
    header += (header.size() > 1 ? "," : "") + json_string(name) + ":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
              ",\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
    offset += bytes;
    data.push_back(std::move(t));
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');  // the data starts 8-byte aligned

  write_file_atomically(file, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    unsigned char length[8];
    uint64_t n = header.size();
    for (int i = 0; i < 8; ++i, n >>= 8) length[i] = static_cast<unsigned char>(n & 0xff);
    out.write(reinterpret_cast<const char*>(length), 8);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    for (const auto& t : data)
      out.write(static_cast<const char*>(t.data_ptr()), static_cast<std::streamsize>(t.numel() * t.element_size()));
    out.flush();
    if (!out) throw std::runtime_error("write to '" + tmp.string() + "' failed: " + std::strerror(errno));
  });
}

bool looks_like_safetensors(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const uint64_t n = read_header_length(in);
  char c = 0;
  return n > 1 && n <= kMaxHeader && in.get(c) && c == '{';
}

SafetensorsContent read_safetensors(const fs::path& file) {
  const std::string where = file.string() + ": ";
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(where + "cannot be opened: " + std::strerror(errno));
  const uint64_t total = fs::file_size(file);
  const uint64_t n = read_header_length(in);
  if (total < 8 || n == 0 || n > kMaxHeader || 8 + n > total)
    throw std::runtime_error(where + "not a safetensors file (its first 8 bytes give a header of " + std::to_string(n) +
                             " bytes in a file of " + std::to_string(total) + ")");
  std::string header(n, '\0');
  in.read(header.data(), static_cast<std::streamsize>(n));
  const uint64_t data_size = total - 8 - n;

  Json doc;
  try {
    doc = JsonParser(header).document();
  } catch (const std::exception& e) {
    throw std::runtime_error(where + e.what());
  }
  if (doc.kind != Json::kObject) throw std::runtime_error(where + "the header is not a JSON object");

  SafetensorsContent content;
  struct Entry {
    std::string name;
    at::ScalarType type;
    std::vector<int64_t> shape;
    uint64_t begin, end;
  };
  std::vector<Entry> entries;
  for (const auto& [name, v] : doc.members) {
    if (name == "__metadata__") {
      for (const auto& [k, m] : v.members)
        if (m.kind == Json::kString) content.metadata[k] = m.text;
      continue;
    }
    try {
      const Json* dtype = v.member("dtype");
      const Json* shape = v.member("shape");
      const Json* offsets = v.member("data_offsets");
      if (!dtype || !shape || !offsets || shape->kind != Json::kArray || offsets->kind != Json::kArray ||
          offsets->items.size() != 2)
        throw std::runtime_error("needs dtype, shape and data_offsets [begin, end]");
      Entry e{name, at::kFloat, {}, to_unsigned(offsets->items[0], "begin"), to_unsigned(offsets->items[1], "end")};
      bool known = false;
      for (const auto& d : kDtypes)
        if (dtype->text == d.name) e.type = d.type, known = true;
      if (!known) throw std::runtime_error("dtype '" + dtype->text + "' is not one avflow reads");
      uint64_t numel = 1;
      for (const auto& d : shape->items) {
        e.shape.push_back(static_cast<int64_t>(to_unsigned(d, "a dimension")));
        numel *= e.shape.back();
      }
      const uint64_t bytes = numel * c10::elementSize(e.type);
      if (e.end < e.begin || e.end - e.begin != bytes)
        throw std::runtime_error("data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                                 "] do not hold its " + std::to_string(bytes) + " bytes");
      if (e.end > data_size)
        throw std::runtime_error("data_offsets end at " + std::to_string(e.end) + ", past the " +
                                 std::to_string(data_size) + " bytes of data (a truncated file?)");
      entries.push_back(std::move(e));
    } catch (const std::runtime_error& err) {
      throw std::runtime_error(where + "tensor '" + name + "': " + err.what());
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
  for (const auto& e : entries) {
    at::Tensor t = at::empty(e.shape, at::TensorOptions().dtype(e.type));
    in.seekg(static_cast<std::streamoff>(8 + n + e.begin));
    if (!in.read(static_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(e.end - e.begin)))
      throw std::runtime_error(where + "tensor '" + e.name + "' could not be read");
    content.tensors.emplace_back(e.name, std::move(t));
  }
  return content;
}

}  // namespace avflow::model
