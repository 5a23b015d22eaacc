// Operator parameters: declared once with type, default, allowed values and a
// one-line doc. The declaration drives graph validation, `avflow ops` and the
// generated operator reference.
//
//   static inline const Param<int64_t> kMels{"n_mels", 96, Range{8, 512}, "mel filters"};
//   static inline const Param<std::string> kFill{"fill", "zero", Choices{"zero", "mean"}, "..."};
//   static inline const EnumParam<Window> kWindow{"window", Window::kHann,
//                                                 {{"hann", Window::kHann}, {"hamming", Window::kHamming}}, "..."};
#pragma once

#include <cstdint>
#include <map>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/diagnostics.h"

namespace avflow {

enum class ParamKind { kInt, kFloat, kBool, kString, kIntList, kFloatList, kStringList };

std::string_view to_string(ParamKind kind);

using ParamValue = std::variant<int64_t, double, bool, std::string, std::vector<int64_t>,
                                std::vector<double>, std::vector<std::string>>;

// Inclusive numeric bounds; for lists, each element is checked.
struct Range {
  std::optional<double> min;
  std::optional<double> max;
  Range() = default;
  Range(double lo, double hi) : min(lo), max(hi) {}
  static Range at_least(double lo) { Range r; r.min = lo; return r; }
  static Range at_most(double hi) { Range r; r.max = hi; return r; }
};

struct Choices {
  std::vector<std::string> values;
  Choices(std::initializer_list<std::string> v) : values(v) {}
};

// The type-erased declaration, as validation and `avflow ops` see it.
struct ParamSpec {
  std::string name;
  ParamKind kind;
  std::optional<ParamValue> default_value;  // empty: the parameter is required
  Range range;
  std::vector<std::string> choices;
  std::string doc;
};

std::string format_value(const ParamValue& v);

// "[1, 512]", ">= 0.5" or "" when unbounded; integers shown as integers.
std::string range_text(const ParamSpec& spec);

// How a C++ parameter type is stored and named. Supported: int, int64_t,
// float, double, bool, std::string and std::vector of int64_t, double or
// std::string.
template <class T>
struct ParamTraits;
template <> struct ParamTraits<int> { using Storage = int64_t; static constexpr ParamKind kKind = ParamKind::kInt; };
template <> struct ParamTraits<int64_t> { using Storage = int64_t; static constexpr ParamKind kKind = ParamKind::kInt; };
template <> struct ParamTraits<float> { using Storage = double; static constexpr ParamKind kKind = ParamKind::kFloat; };
template <> struct ParamTraits<double> { using Storage = double; static constexpr ParamKind kKind = ParamKind::kFloat; };
template <> struct ParamTraits<bool> { using Storage = bool; static constexpr ParamKind kKind = ParamKind::kBool; };
template <> struct ParamTraits<std::string> { using Storage = std::string; static constexpr ParamKind kKind = ParamKind::kString; };
template <> struct ParamTraits<std::vector<int64_t>> { using Storage = std::vector<int64_t>; static constexpr ParamKind kKind = ParamKind::kIntList; };
template <> struct ParamTraits<std::vector<double>> { using Storage = std::vector<double>; static constexpr ParamKind kKind = ParamKind::kFloatList; };
template <> struct ParamTraits<std::vector<std::string>> { using Storage = std::vector<std::string>; static constexpr ParamKind kKind = ParamKind::kStringList; };

// A typed parameter handle, declared once as a static member of the operator.
template <class T>
struct Param {
  using Storage = typename ParamTraits<T>::Storage;
  ParamSpec spec;

  Param(const char* name, T def, const char* doc) : Param(name, std::move(def), Range{}, doc) {}
  Param(const char* name, T def, Range range, const char* doc)
      : spec{name, ParamTraits<T>::kKind, ParamValue(Storage(std::move(def))), range, {}, doc} {}
  Param(const char* name, T def, Choices choices, const char* doc)
      : spec{name, ParamTraits<T>::kKind, ParamValue(Storage(std::move(def))), {},
             std::move(choices.values), doc} {}

  // A parameter with no default: every graph using the operator must set it.
  Param(const char* name, struct RequiredParam, const char* doc);

  const std::string& name() const { return spec.name; }
};

struct RequiredParam {};
inline constexpr RequiredParam kRequired{};

template <class T>
Param<T>::Param(const char* name, RequiredParam, const char* doc)
    : spec{name, ParamTraits<T>::kKind, std::nullopt, {}, {}, doc} {}

// A string parameter default given as a literal stays a std::string.
template <>
inline Param<std::string>::Param(const char* name, std::string def, const char* doc)
    : Param(name, std::move(def), Range{}, doc) {}

// A parameter naming one value of an enum: a string parameter whose choices
// are the table's names, read as the enum. The one place a name maps to its
// value, for validation, `avflow ops` and the operator alike.
template <class E>
struct EnumParam {
  ParamSpec spec;
  std::vector<std::pair<std::string, E>> table;

  EnumParam(const char* name, E def, std::initializer_list<std::pair<const char*, E>> names, const char* doc)
      : spec{name, ParamKind::kString, std::nullopt, {}, {}, doc} {
    for (const auto& [text, value] : names) {
      table.emplace_back(text, value);
      spec.choices.push_back(text);
      if (value == def) spec.default_value = ParamValue(std::string(text));
    }
    if (!spec.default_value) throw std::logic_error(std::string("enum parameter '") + name + "': default not in its table");
  }

  const std::string& name() const { return spec.name; }
  // The value a validated name stands for.
  E value_of(const std::string& text) const {
    for (const auto& [n, v] : table)
      if (n == text) return v;
    throw std::logic_error("parameter '" + spec.name + "': '" + text + "' is not one of its choices");
  }
  // The name a value has in graphs.
  const std::string& name_of(E value) const {
    for (const auto& [n, v] : table)
      if (v == value) return n;
    throw std::logic_error("parameter '" + spec.name + "': a value without a name");
  }
};

// Resolved values of one node's parameters, every declared one present
// (graph value, override or default) after validation.
class ParamSet {
 public:
  void set(const std::string& name, ParamValue value) { values_[name] = std::move(value); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const ParamValue& raw(const std::string& name) const;
  const std::map<std::string, ParamValue>& all() const { return values_; }

  template <class T>
  T get(const Param<T>& p) const {
    return static_cast<T>(std::get<typename Param<T>::Storage>(raw(p.name())));
  }
  template <class E>
  E get(const EnumParam<E>& p) const {
    return p.value_of(std::get<std::string>(raw(p.name())));
  }

 private:
  std::map<std::string, ParamValue> values_;
};

}  // namespace avflow
