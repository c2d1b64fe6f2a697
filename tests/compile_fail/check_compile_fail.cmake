# Script mode: compiles SOURCE with the project's standard and include paths.
# EXPECT empty: compilation must succeed. Otherwise it must fail with EXPECT in the output.
execute_process(
  COMMAND ${CXX} -std=c++20 -fsyntax-only -I${INCLUDE_ROOT}/include -I${INCLUDE_ROOT} ${SOURCE}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(EXPECT STREQUAL "")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "control case failed to compile:\n${err}")
  endif()
  message(STATUS "control case compiles")
  return()
endif()
if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must fail with: ${EXPECT}")
endif()
string(FIND "${err}" "${EXPECT}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "${SOURCE} failed to compile, but not with the expected message\n"
                      "expected: ${EXPECT}\ncompiler said:\n${err}")
endif()
message(STATUS "fails as expected: ${EXPECT}")
