# mtf_add_system_binary(<name> SYSTEM <C++ type> HEADER <system policy header>)
#
# Generates the multi-timeframe system binary (SPEC §10c) from the generic main in
# apps/system_main.cpp and a system policy, which names the four timeframe policies of its roles
# (execution, overlay, regime, bias) and the rules that combine them:
#   mtf_add_system_binary(mtf_system SYSTEM mtf::timeframes::system HEADER timeframes/system.hpp)
# HEADER is resolved against the calling directory first, then the mtf source tree.
set(MTF_SYSTEM_APPS_DIR "${CMAKE_CURRENT_LIST_DIR}/../apps" CACHE INTERNAL "mtf system main")
function(mtf_add_system_binary name)
  cmake_parse_arguments(ARG "" "SYSTEM;HEADER" "" ${ARGN})
  if(NOT ARG_SYSTEM OR NOT ARG_HEADER)
    message(FATAL_ERROR "mtf_add_system_binary(${name}) needs SYSTEM <type> and HEADER <file>")
  endif()
  if(IS_ABSOLUTE "${ARG_HEADER}")
    set(header "${ARG_HEADER}")
  elseif(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${ARG_HEADER}")
    set(header "${CMAKE_CURRENT_SOURCE_DIR}/${ARG_HEADER}")
  else()
    set(header "${PROJECT_SOURCE_DIR}/${ARG_HEADER}")
  endif()
  if(NOT EXISTS "${header}")
    message(FATAL_ERROR "mtf_add_system_binary(${name}): system policy header ${ARG_HEADER} not found")
  endif()
  add_executable(${name} "${MTF_SYSTEM_APPS_DIR}/system_main.cpp")
  target_compile_definitions(${name} PRIVATE MTF_SYSTEM_HEADER="${header}"
                                             MTF_SYSTEM_TYPE=${ARG_SYSTEM}
                                             MTF_BINARY_NAME="${name}")
  find_package(CLI11 CONFIG REQUIRED)
  find_package(Threads REQUIRED)
  target_link_libraries(${name} PRIVATE mtf::models mtf::timeframes CLI11::CLI11 Threads::Threads)
  if(TARGET mtf_warnings)
    target_link_libraries(${name} PRIVATE mtf_warnings)
  endif()
  set_property(GLOBAL APPEND PROPERTY MTF_SYSTEM_BINARIES ${name})
endfunction()
