# ctest step of one harness: replay every file of the seed corpus once (-runs=0), then fuzz for
# SECONDS from a scratch copy of the corpus. Fails on any crash, sanitizer report or finding.
if(NOT IS_DIRECTORY "${CORPUS}")
  message(FATAL_ERROR "no seed corpus at ${CORPUS}")
endif()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus")
file(GLOB seeds "${CORPUS}/*")
list(LENGTH seeds count)
if(count EQUAL 0)
  message(FATAL_ERROR "the seed corpus ${CORPUS} is empty")
endif()
file(COPY ${seeds} DESTINATION "${WORK}/corpus")
execute_process(COMMAND "${HARNESS}" -runs=0 "${WORK}/corpus" RESULT_VARIABLE replay
                WORKING_DIRECTORY "${WORK}")
if(NOT replay EQUAL 0)
  message(FATAL_ERROR "replaying ${count} corpus inputs failed (exit ${replay})")
endif()
execute_process(COMMAND "${HARNESS}" -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
                        -print_final_stats=1 "${WORK}/corpus"
                RESULT_VARIABLE fuzz WORKING_DIRECTORY "${WORK}")
if(NOT fuzz EQUAL 0)
  message(FATAL_ERROR "fuzzing found a failure (exit ${fuzz}); the input is in ${WORK}")
endif()
message(STATUS "${count} corpus inputs replayed, ${SECONDS} s fuzzed: no finding")
