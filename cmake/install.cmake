# Installation: the avflow program with its plugins, and the libraries and
# headers an out-of-tree plugin builds on, with a CMake package
# (find_package(avflow), cmake/avflow-config.cmake.in). Layout under PREFIX:
#   bin/avflow, lib/libavflow_{engine,tensor,model}.so, lib/avflow/plugins/,
#   include/avflow/{engine,libs/model}/, lib/cmake/avflow/.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(AVFLOW_PLUGIN_INSTALL_DIR lib/avflow/plugins)  # the program looks there (runtime/session.cpp)
set(AVFLOW_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/avflow)

# Installed binaries find avflow's libraries beside them, and LibTorch where
# it was linked from (a CUDA LibTorch is outside the system's paths).
set_target_properties(avflow PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}" INSTALL_RPATH_USE_LINK_PATH ON)
set_target_properties(avflow_engine avflow_tensor avflow_model PROPERTIES INSTALL_RPATH "$ORIGIN" INSTALL_RPATH_USE_LINK_PATH ON)
get_property(avflow_plugin_targets GLOBAL PROPERTY AVFLOW_PLUGIN_TARGETS)
file(RELATIVE_PATH avflow_plugin_to_lib "/${AVFLOW_PLUGIN_INSTALL_DIR}" "/${CMAKE_INSTALL_LIBDIR}")
set_target_properties(${avflow_plugin_targets} PROPERTIES INSTALL_RPATH "$ORIGIN/${avflow_plugin_to_lib}")

set_target_properties(avflow_engine PROPERTIES EXPORT_NAME engine)
set_target_properties(avflow_tensor PROPERTIES EXPORT_NAME tensor)
set_target_properties(avflow_model PROPERTIES EXPORT_NAME model)
install(TARGETS avflow_engine avflow_tensor avflow_model EXPORT avflow-targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/avflow)
install(TARGETS avflow RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ${avflow_plugin_targets} LIBRARY DESTINATION ${AVFLOW_PLUGIN_INSTALL_DIR})

# Headers keep their paths from the source root ("engine/plugin_api.h").
install(DIRECTORY engine/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/avflow/engine FILES_MATCHING PATTERN "*.h")
install(DIRECTORY libs/model/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/avflow/libs/model FILES_MATCHING PATTERN "*.h")

install(EXPORT avflow-targets NAMESPACE avflow:: DESTINATION ${AVFLOW_CMAKE_INSTALL_DIR})
configure_package_config_file(cmake/avflow-config.cmake.in ${CMAKE_BINARY_DIR}/avflow-config.cmake
                              INSTALL_DESTINATION ${AVFLOW_CMAKE_INSTALL_DIR}
                              PATH_VARS AVFLOW_PLUGIN_INSTALL_DIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/avflow-config-version.cmake
                                 COMPATIBILITY ExactVersion)  # plugins share C++ types with avflow
install(FILES ${CMAKE_BINARY_DIR}/avflow-config.cmake ${CMAKE_BINARY_DIR}/avflow-config-version.cmake
        DESTINATION ${AVFLOW_CMAKE_INSTALL_DIR})
