# mtf_add_retrain_binary(<name> POLICY <C++ type> HEADER <policy header>)
#
# Generates one retrain binary from the generic main in apps/retrain_main.cpp and a policy.
# Adding a timeframe is one policy header plus one call of this function.
#   mtf_add_retrain_binary(retrain_15m POLICY mtf::timeframes::tf_15m HEADER timeframes/tf_15m.hpp)
# HEADER is resolved against the calling directory first, then the mtf source tree.
include_guard(GLOBAL)
set(MTF_APPS_DIR "${CMAKE_CURRENT_LIST_DIR}/../apps" CACHE INTERNAL "mtf generic main")

# mtf_generated_binary(<name> <main.cpp> <header> <what> <out var>): the part every generated
# binary shares (mtf_add_retrain_binary, mtf_add_system_binary): resolves <header> against the
# calling directory first, then the mtf source tree (fatal error "<what> ... not found"), stores
# the absolute path in <out var>, and adds the executable linked to mtf's models, the shipped
# policies and CLI11.
function(mtf_generated_binary name main header what out)
  if(IS_ABSOLUTE "${header}")
    set(resolved "${header}")
  elseif(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${header}")
    set(resolved "${CMAKE_CURRENT_SOURCE_DIR}/${header}")
  else()
    set(resolved "${PROJECT_SOURCE_DIR}/${header}")
  endif()
  if(NOT EXISTS "${resolved}")
    message(FATAL_ERROR "${what} ${header} not found")
  endif()
  add_executable(${name} "${main}")
  find_package(CLI11 CONFIG REQUIRED)
  find_package(Threads REQUIRED)
  target_link_libraries(${name} PRIVATE mtf::models mtf::timeframes CLI11::CLI11 Threads::Threads)
  if(TARGET mtf_warnings)
    target_link_libraries(${name} PRIVATE mtf_warnings)
  endif()
  set(${out} "${resolved}" PARENT_SCOPE)
endfunction()
function(mtf_add_retrain_binary name)
  cmake_parse_arguments(ARG "" "POLICY;HEADER" "" ${ARGN})
  if(NOT ARG_POLICY OR NOT ARG_HEADER)
    message(FATAL_ERROR "mtf_add_retrain_binary(${name}) needs POLICY <type> and HEADER <file>")
  endif()
  mtf_generated_binary(${name} "${MTF_APPS_DIR}/retrain_main.cpp" "${ARG_HEADER}"
                       "mtf_add_retrain_binary(${name}): policy header" header)
  # The commit recorded in every artifact's metadata.json (configure-time; "unknown" outside git).
  if(NOT DEFINED MTF_GIT_COMMIT)
    execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                    OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0 OR commit STREQUAL "")
      set(commit "unknown")
    endif()
    set(MTF_GIT_COMMIT "${commit}" CACHE INTERNAL "commit recorded in artifacts")
  endif()
  target_compile_definitions(${name} PRIVATE MTF_POLICY_HEADER="${header}"
                                             MTF_POLICY_TYPE=${ARG_POLICY}
                                             MTF_BINARY_NAME="${name}"
                                             MTF_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                             MTF_GIT_COMMIT="${MTF_GIT_COMMIT}")
  set_property(GLOBAL APPEND PROPERTY MTF_RETRAIN_BINARIES ${name})
endfunction()
