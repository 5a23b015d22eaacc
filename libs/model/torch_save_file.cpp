#include "libs/model/torch_save_file.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/serialize.h>

#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>

#include "engine/atomic_file.h"

namespace avflow::model {
namespace fs = std::filesystem;
namespace {

// A Python value as the pickle machine builds it.
struct PyValue;
using Py = std::shared_ptr<PyValue>;
struct PyValue {
  enum Kind { kNone, kBool, kInt, kFloat, kString, kTuple, kList, kDict, kGlobal, kTensor, kOther } kind = kNone;
  int64_t i = 0;
  double f = 0;
  std::string s;                          // a string; a global's "module.name"
  std::vector<Py> items;                  // tuple, list
  std::vector<std::pair<Py, Py>> entries;  // dict, in order
  at::Tensor tensor;                      // a tensor, or a storage (1-D, its dtype)
};

Py make(PyValue::Kind kind) {
  auto v = std::make_shared<PyValue>();
  v->kind = kind;
  return v;
}

at::ScalarType storage_type(const std::string& global) {
  static const std::map<std::string, at::ScalarType> types = {
      {"torch.FloatStorage", at::kFloat},   {"torch.DoubleStorage", at::kDouble}, {"torch.HalfStorage", at::kHalf},
      {"torch.BFloat16Storage", at::kBFloat16}, {"torch.LongStorage", at::kLong}, {"torch.IntStorage", at::kInt},
      {"torch.ShortStorage", at::kShort},   {"torch.CharStorage", at::kChar},     {"torch.ByteStorage", at::kByte},
      {"torch.BoolStorage", at::kBool}};
  const auto it = types.find(global);
  if (it == types.end()) throw std::runtime_error("a storage of type " + global + ", which avflow does not read");
  return it->second;
}

std::vector<int64_t> int_tuple(const Py& v, const char* what) {
  if (v->kind != PyValue::kTuple && v->kind != PyValue::kList)
    throw std::runtime_error(std::string(what) + " is not a tuple");
  std::vector<int64_t> out;
  for (const auto& x : v->items) {
    if (x->kind != PyValue::kInt) throw std::runtime_error(std::string(what) + " holds a non-integer");
    out.push_back(x->i);
  }
  return out;
}

// The pickle machine, for the opcodes of protocols 2 to 4 that torch.save's
// state dicts use.
class Unpickler {
 public:
  Unpickler(const char* data, size_t size, caffe2::serialize::PyTorchStreamReader& archive)
      : p_(data), end_(data + size), archive_(archive) {}

  Py run() {
    for (;;) {
      const unsigned char op = byte();
      switch (op) {
        case 0x80: byte(); break;                   // PROTO
        case 0x95: bytes(8); break;                 // FRAME
        case '.': return pop();                     // STOP
        case '(': marks_.push_back(stack_.size()); break;  // MARK
        case 'N': stack_.push_back(make(PyValue::kNone)); break;
        case 0x88: case 0x89: {                     // NEWTRUE, NEWFALSE
          auto v = make(PyValue::kBool);
          v->i = op == 0x88;
          stack_.push_back(v);
          break;
        }
        case 'J': push_int(static_cast<int32_t>(le(4))); break;  // BININT
        case 'K': push_int(le(1)); break;                        // BININT1
        case 'M': push_int(le(2)); break;                        // BININT2
        case 0x8a: {                                             // LONG1
          const size_t n = byte();
          if (n > 8) throw std::runtime_error("an integer wider than 64 bits");
          uint64_t u = le(n);
          if (n > 0 && n < 8 && (u >> (8 * n - 1)) & 1) u |= ~uint64_t{0} << (8 * n);  // sign-extend
          push_int(static_cast<int64_t>(u));
          break;
        }
        case 'G': {  // BINFLOAT, big-endian
          uint64_t u = 0;
          for (int k = 0; k < 8; ++k) u = (u << 8) | byte();
          auto v = make(PyValue::kFloat);
          std::memcpy(&v->f, &u, 8);
          stack_.push_back(v);
          break;
        }
        case 'X': push_string(le(4)); break;     // BINUNICODE
        case 0x8c: push_string(byte()); break;   // SHORT_BINUNICODE
        case 0x8d: push_string(le(8)); break;    // BINUNICODE8
        case 'U': push_string(byte()); break;    // SHORT_BINSTRING
        case 'T': push_string(le(4)); break;     // BINSTRING
        case 'c': {                              // GLOBAL module\nname\n
          std::string module = line(), name = line();
          auto v = make(PyValue::kGlobal);
          v->s = module + "." + name;
          stack_.push_back(v);
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          Py name = pop(), module = pop();
          auto v = make(PyValue::kGlobal);
          v->s = module->s + "." + name->s;
          stack_.push_back(v);
          break;
        }
        case 'q': memo_[byte()] = top(); break;       // BINPUT
        case 'r': memo_[le(4)] = top(); break;        // LONG_BINPUT
        case 0x94: memo_[memo_.size()] = top(); break;  // MEMOIZE
        case 'h': stack_.push_back(memo(byte())); break;  // BINGET
        case 'j': stack_.push_back(memo(le(4))); break;   // LONG_BINGET
        case '}': stack_.push_back(make(PyValue::kDict)); break;   // EMPTY_DICT
        case ']': stack_.push_back(make(PyValue::kList)); break;   // EMPTY_LIST
        case ')': stack_.push_back(make(PyValue::kTuple)); break;  // EMPTY_TUPLE
        case 't': {                                                // TUPLE
          auto v = make(PyValue::kTuple);
          v->items = pop_mark();
          stack_.push_back(v);
          break;
        }
        case 0x85: case 0x86: case 0x87: {  // TUPLE1..3
          auto v = make(PyValue::kTuple);
          v->items.resize(op - 0x84);
          for (size_t k = v->items.size(); k-- > 0;) v->items[k] = pop();
          stack_.push_back(v);
          break;
        }
        case 'a': {  // APPEND
          Py x = pop();
          top()->items.push_back(x);
          break;
        }
        case 'e': {  // APPENDS
          auto xs = pop_mark();
          for (auto& x : xs) top()->items.push_back(x);
          break;
        }
        case 's': {  // SETITEM
          Py value = pop(), key = pop();
          dict_top()->entries.emplace_back(key, value);
          break;
        }
        case 'u': {  // SETITEMS
          auto xs = pop_mark();
          if (xs.size() % 2) throw std::runtime_error("SETITEMS with an odd number of items");
          Py d = dict_top();
          for (size_t k = 0; k < xs.size(); k += 2) d->entries.emplace_back(xs[k], xs[k + 1]);
          break;
        }
        case 'b': pop(); break;  // BUILD: an object's state (a state_dict's _metadata) is not needed
        case 'R': {              // REDUCE
          Py args = pop(), callable = pop();
          stack_.push_back(reduce(callable, args));
          break;
        }
        case 0x81: {  // NEWOBJ
          pop();
          pop();
          stack_.push_back(make(PyValue::kOther));
          break;
        }
        case 'Q': stack_.push_back(persistent(pop())); break;  // BINPERSID
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02x", op);
          throw std::runtime_error(std::string("pickle opcode ") + hex + " at byte " +
                                   std::to_string(p_ - begin_ - 1) + ", which avflow's reader does not run");
        }
      }
    }
  }

 private:
  unsigned char byte() {
    if (p_ >= end_) throw std::runtime_error("the pickle ends early");
    return static_cast<unsigned char>(*p_++);
  }
  const char* bytes(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) throw std::runtime_error("the pickle ends early");
    const char* at = p_;
    p_ += n;
    return at;
  }
  uint64_t le(size_t n) {
    const auto* b = reinterpret_cast<const unsigned char*>(bytes(n));
    uint64_t u = 0;
    for (size_t k = n; k-- > 0;) u = (u << 8) | b[k];
    return u;
  }
  std::string line() {
    const char* nl = static_cast<const char*>(std::memchr(p_, '\n', end_ - p_));
    if (nl == nullptr) throw std::runtime_error("the pickle ends early");
    std::string s(p_, nl);
    p_ = nl + 1;
    return s;
  }
  void push_int(int64_t i) {
    auto v = make(PyValue::kInt);
    v->i = i;
    stack_.push_back(v);
  }
  void push_string(uint64_t n) {
    auto v = make(PyValue::kString);
    v->s.assign(bytes(n), n);
    stack_.push_back(v);
  }
  Py pop() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back()))
      throw std::runtime_error("the pickle pops an empty stack");
    Py v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Py top() {
    if (stack_.empty()) throw std::runtime_error("the pickle reads an empty stack");
    return stack_.back();
  }
  Py dict_top() {
    Py d = top();
    if (d->kind != PyValue::kDict) throw std::runtime_error("the pickle sets items of something that is not a dict");
    return d;
  }
  Py memo(uint64_t key) {
    const auto it = memo_.find(key);
    if (it == memo_.end()) throw std::runtime_error("the pickle reads memo " + std::to_string(key) + ", never stored");
    return it->second;
  }
  std::vector<Py> pop_mark() {
    if (marks_.empty()) throw std::runtime_error("the pickle has no MARK");
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Py> xs(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return xs;
  }

  // ('storage', torch.FloatStorage, key, location, numel): record data/KEY.
  Py persistent(const Py& pid) {
    if (pid->kind != PyValue::kTuple || pid->items.size() < 5 || pid->items[0]->s != "storage")
      throw std::runtime_error("a persistent object that is not a storage");
    const at::ScalarType type = storage_type(pid->items[1]->s);
    const std::string key = pid->items[2]->s;
    const int64_t numel = pid->items[4]->i;
    auto it = storages_.find(key);
    if (it == storages_.end()) {
      const std::string record = "data/" + key;
      if (!archive_.hasRecord(record)) throw std::runtime_error("the archive has no record " + record);
      auto [data, size] = archive_.getRecord(record);
      const size_t need = static_cast<size_t>(numel) * c10::elementSize(type);
      if (size < need)
        throw std::runtime_error("record " + record + " holds " + std::to_string(size) + " bytes, its storage needs " +
                                 std::to_string(need));
      at::Tensor t = at::empty({numel}, at::TensorOptions().dtype(type));
      std::memcpy(t.data_ptr(), data.get(), need);
      it = storages_.emplace(key, t).first;
    }
    auto v = make(PyValue::kTensor);
    v->tensor = it->second;
    return v;
  }

  Py reduce(const Py& callable, const Py& args) {
    const std::string& f = callable->s;
    if (callable->kind == PyValue::kGlobal && f == "collections.OrderedDict") return make(PyValue::kDict);
    if (callable->kind == PyValue::kGlobal && f == "torch._utils._rebuild_tensor_v2") {
      if (args->items.size() < 4 || args->items[0]->kind != PyValue::kTensor || args->items[1]->kind != PyValue::kInt)
        throw std::runtime_error("_rebuild_tensor_v2 with arguments avflow does not read");
      const auto size = int_tuple(args->items[2], "a tensor's size");
      const auto stride = int_tuple(args->items[3], "a tensor's stride");
      auto v = make(PyValue::kTensor);
      v->tensor = args->items[0]->tensor.as_strided(size, stride, args->items[1]->i).clone();
      return v;
    }
    // LibTorch's pickler tags typed containers: restore_type_tag(dict, "Dict[str, Tensor]").
    if (callable->kind == PyValue::kGlobal && f == "torch.jit._pickle.restore_type_tag" && !args->items.empty())
      return args->items[0];
    if (callable->kind == PyValue::kGlobal && f == "torch._utils._rebuild_parameter") {
      if (args->items.empty() || args->items[0]->kind != PyValue::kTensor)
        throw std::runtime_error("_rebuild_parameter without a tensor");
      return args->items[0];
    }
    return make(PyValue::kOther);  // an object a state dict does not need (kept as a placeholder)
  }

  const char* p_;
  const char* end_;
  const char* begin_ = p_;
  caffe2::serialize::PyTorchStreamReader& archive_;
  std::vector<Py> stack_;
  std::vector<size_t> marks_;
  std::map<uint64_t, Py> memo_;
  std::map<std::string, at::Tensor> storages_;
};

bool is_tensor_dict(const Py& v) {
  if (v->kind != PyValue::kDict) return false;
  for (const auto& [k, x] : v->entries)
    if (k->kind == PyValue::kString && x->kind == PyValue::kTensor) return true;
  return false;
}

const char* kind_name(const Py& v) {
  switch (v->kind) {
    case PyValue::kDict: return "a dict";
    case PyValue::kList: return "a list";
    case PyValue::kTuple: return "a tuple";
    case PyValue::kTensor: return "a single tensor";
    default: return "an object";
  }
}

}  // namespace

void write_torch_save(const fs::path& file, const NamedTensors& tensors) {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& [name, t] : tensors) dict.insert(name, t.detach().to(at::kCPU).contiguous());
  const std::vector<char> bytes = torch::pickle_save(dict);
  write_file_atomically(file, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw std::runtime_error("write to '" + tmp.string() + "' failed: " + std::strerror(errno));
  });
}

bool looks_like_zip(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::memcmp(magic, "PK\3\4", 4) == 0;
}

NamedTensors read_torch_save(const fs::path& file) {
  const std::string where = file.string() + ": ";
  if (!fs::is_regular_file(file)) throw std::runtime_error(where + "no such file");
  if (!looks_like_zip(file))
    throw std::runtime_error(where +
                             "not a zip archive: torch.save of PyTorch 1.6 or later writes one (an older file: load it "
                             "in Python and save it again, or write it as safetensors)");
  Py root;
  try {
    caffe2::serialize::PyTorchStreamReader archive(file.string());
    if (!archive.hasRecord("data.pkl")) throw std::runtime_error("the archive has no data.pkl (a TorchScript module?)");
    auto [data, size] = archive.getRecord("data.pkl");
    root = Unpickler(static_cast<const char*>(data.get()), size, archive).run();
  } catch (const c10::Error& e) {
    throw std::runtime_error(where + e.what_without_backtrace());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(where + e.what());
  }

  Py dict = root;
  if (!is_tensor_dict(root) && root->kind == PyValue::kDict)
    for (const auto& [k, v] : root->entries)
      if (k->kind == PyValue::kString && (k->s == "state_dict" || k->s == "model") && is_tensor_dict(v)) dict = v;
  if (!is_tensor_dict(dict))
    throw std::runtime_error(where + "holds " + kind_name(root) +
                             ", not a state dict (a dict of named tensors, or one under \"state_dict\" or \"model\")");
  NamedTensors out;
  for (const auto& [k, v] : dict->entries)
    if (k->kind == PyValue::kString && v->kind == PyValue::kTensor) out.emplace_back(k->s, v->tensor);
  return out;
}

}  // namespace avflow::model
