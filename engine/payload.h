// Payload types: the typed values that travel on graph edges.
//
// A payload type is any C++ type given a stable name with AVFLOW_PAYLOAD.
// Ports declare their payload type, `avflow check` compares the names across
// every edge before anything runs, and Packet::get<T>() checks it again at run
// time. Names (not addresses) identify a type, so a plugin built separately
// and loaded later shares types with the core.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace avflow {

struct PayloadType {
  std::string_view name;
  std::string_view doc;
  // One-line description of a value for logs and error messages ("title tt01
  // m=17"); may be null, then only the type name is shown.
  std::string (*describe)(const void* value);
};

// Specialised by AVFLOW_PAYLOAD; deliberately undefined otherwise so that an
// unnamed type on a port is a compile error, not a run-time surprise.
template <class T>
struct PayloadTraits;

template <class T>
const PayloadType& payload_type() {
  static const PayloadType type{PayloadTraits<T>::kName, PayloadTraits<T>::kDoc,
                                &PayloadTraits<T>::describe_erased};
  return type;
}

// The port type that accepts every payload (sinks such as `count`, routers).
struct Any {};

// Names a payload type. Use at global scope, after the type is complete:
//   AVFLOW_PAYLOAD(myns::Gain, "gain", "a scalar gain factor")
// A type may provide `std::string describe(const T&)` found by ADL; when it
// does, error messages name the item with it.
#define AVFLOW_PAYLOAD(Type, Name, Doc)                                         \
  namespace avflow {                                                            \
  template <>                                                                   \
  struct PayloadTraits<Type> {                                                  \
    static constexpr std::string_view kName = Name;                             \
    static constexpr std::string_view kDoc = Doc;                               \
    static std::string describe_erased(const void* v) {                         \
      return ::avflow::detail::describe_or_empty(*static_cast<const Type*>(v)); \
    }                                                                           \
  };                                                                            \
  }

namespace detail {
template <class T, class = void>
struct HasDescribe : std::false_type {};
template <class T>
struct HasDescribe<T, std::void_t<decltype(describe(std::declval<const T&>()))>>
    : std::true_type {};

template <class T>
std::string describe_or_empty(const T& v) {
  if constexpr (HasDescribe<T>::value) {
    return describe(v);
  } else {
    (void)v;
    return {};
  }
}
}  // namespace detail

template <>
struct PayloadTraits<Any> {
  static constexpr std::string_view kName = "any";
  static constexpr std::string_view kDoc = "any payload type";
  static std::string describe_erased(const void*) { return {}; }
};

inline bool is_any(const PayloadType& t) { return t.name == PayloadTraits<Any>::kName; }

// True when a value of type `from` may travel into a port of type `to`.
inline bool payload_compatible(const PayloadType& from, const PayloadType& to) {
  return &from == &to || is_any(from) || is_any(to) || from.name == to.name;
}

}  // namespace avflow
