# mtf_add_system_binary(<name> SYSTEM <C++ type> HEADER <system policy header>)
#
# Generates the multi-timeframe system binary (SPEC §10c) from the generic main in
# apps/system_main.cpp and a system policy, which names the four timeframe policies of its roles
# (execution, overlay, regime, bias) and the rules that combine them:
#   mtf_add_system_binary(mtf_system SYSTEM mtf::timeframes::system HEADER timeframes/system.hpp)
# HEADER is resolved against the calling directory first, then the mtf source tree.
include("${CMAKE_CURRENT_LIST_DIR}/MtfRetrainBinary.cmake")  # mtf_generated_binary
set(MTF_SYSTEM_APPS_DIR "${CMAKE_CURRENT_LIST_DIR}/../apps" CACHE INTERNAL "mtf system main")
function(mtf_add_system_binary name)
  cmake_parse_arguments(ARG "" "SYSTEM;HEADER" "" ${ARGN})
  if(NOT ARG_SYSTEM OR NOT ARG_HEADER)
    message(FATAL_ERROR "mtf_add_system_binary(${name}) needs SYSTEM <type> and HEADER <file>")
  endif()
  mtf_generated_binary(${name} "${MTF_SYSTEM_APPS_DIR}/system_main.cpp" "${ARG_HEADER}"
                       "mtf_add_system_binary(${name}): system policy header" header)
  target_compile_definitions(${name} PRIVATE MTF_SYSTEM_HEADER="${header}"
                                             MTF_SYSTEM_TYPE=${ARG_SYSTEM}
                                             MTF_BINARY_NAME="${name}")
  set_property(GLOBAL APPEND PROPERTY MTF_SYSTEM_BINARIES ${name})
endfunction()
