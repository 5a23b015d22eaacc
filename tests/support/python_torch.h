// The Python that has PyTorch and torchvision (Debian's python3-torch and
// python3-torchvision, which scripts/setup-debian.sh installs), for the
// tests that check avflow's weights files against PyTorch itself.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "tests/support/process.h"

namespace avflow::test {

// AVFLOW_TEST_PYTHON when set, else Debian's /usr/bin/python3 (a python3
// earlier on PATH, such as a pyenv one, usually lacks Debian's modules);
// empty when that interpreter cannot import torch and torchvision.
inline std::string python_with_torch() {
  const char* env = std::getenv("AVFLOW_TEST_PYTHON");
  const std::string python = env != nullptr && *env != '\0' ? env : "/usr/bin/python3";
  const auto r = run_process({python, "-c", "import torch, torchvision"});
  return r.exit_code == 0 ? python : "";
}

// python_with_torch(), or the test fails saying what to install.
inline std::string require_python_with_torch() {
  const std::string python = python_with_torch();
  INFO("these tests need a Python with torch and torchvision (Debian's python3-torch and python3-torchvision: run "
       "scripts/setup-debian.sh, or set AVFLOW_TEST_PYTHON)");
  REQUIRE_FALSE(python.empty());
  return python;
}

// A script of tests/python, by name.
inline std::string python_script(const std::string& name) {
  return std::string(AVFLOW_SOURCE_DIR) + "/tests/python/" + name;
}

}  // namespace avflow::test
