// Parameter values print as TOML that reads back to the same value (the
// resolved graph a run directory records, `avflow ops` defaults).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <limits>

#include "engine/params.h"

using avflow::format_value;
using avflow::ParamValue;

TEST_CASE("doubles print in the fewest digits that read back exactly, always as floats", "[params][format]") {
  for (double d : {0.1 + 0.2, 1e-4, 2e-3, 0.43216, 1.0 / 3.0, 123456789.125, -2.5e-300}) {
    const std::string text = format_value(ParamValue(d));
    INFO(text);
    CHECK(std::strtod(text.c_str(), nullptr) == d);
  }
  CHECK(format_value(ParamValue(2.0)) == "2.0");
  CHECK(format_value(ParamValue(0.5)) == "0.5");
  CHECK(format_value(ParamValue(std::numeric_limits<double>::infinity())) == "inf");
  CHECK(format_value(ParamValue(std::vector<double>{1.0, 0.25})) == "[1.0, 0.25]");
}

TEST_CASE("strings print as TOML basic strings with quotes, backslashes and controls escaped", "[params][format]") {
  CHECK(format_value(ParamValue(std::string("runs/a b"))) == "\"runs/a b\"");
  CHECK(format_value(ParamValue(std::string("say \"hi\"\\"))) == "\"say \\\"hi\\\"\\\\\"");
  CHECK(format_value(ParamValue(std::string("a\nb"))) == "\"a\\u000ab\"");
  CHECK(format_value(ParamValue(std::vector<std::string>{"x", "y"})) == "[\"x\", \"y\"]");
}
