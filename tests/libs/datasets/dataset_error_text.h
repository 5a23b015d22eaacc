// Every diagnostic a layout reader throws, one per line ("" when it does
// not throw), for tests that look for a problem at its file and line.
#pragma once

#include <functional>
#include <string>

#include "libs/datasets/labelled_split.h"

namespace avflow::test {

inline std::string dataset_errors_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const datasets::DatasetError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.str() + "\n";
    return all;
  }
  return "";
}

}  // namespace avflow::test
