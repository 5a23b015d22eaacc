// The plugin's entry point: its name and version. The operators and loss
// terms register themselves in their own files, with the same macros as
// avflow's built-ins (AVFLOW_REGISTER, AVFLOW_REGISTER_EXTENSION).
#include "engine/plugin_api.h"

AVFLOW_PLUGIN("example_model", "1.0");
