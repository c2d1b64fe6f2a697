# docs/policies.md is the page reviewers read: the four compiled-in policies side by side,
# generated from the binaries themselves (`retrain_<tf> policy --markdown`).
#   cmake --build build --target policy_docs    regenerates docs/policies.md
# The test `policy_docs_are_current` fails when the checked-in copy is stale.
get_property(_mtf_bins GLOBAL PROPERTY MTF_RETRAIN_BINARIES)
set(_mtf_bin_files "")
foreach(b IN LISTS _mtf_bins)
  list(APPEND _mtf_bin_files "$<TARGET_FILE:${b}>")
endforeach()
add_custom_target(policy_docs
  COMMAND ${CMAKE_COMMAND} -DOUT=${PROJECT_SOURCE_DIR}/docs/policies.md
          "-DBINARIES=${_mtf_bin_files}" -P ${PROJECT_SOURCE_DIR}/cmake/GeneratePolicyDocs.cmake
  DEPENDS ${_mtf_bins}
  COMMENT "Regenerating docs/policies.md from the retrain binaries"
  VERBATIM)
