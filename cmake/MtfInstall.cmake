# Install rules and the package config: find_package(mtf) then link mtf::mtf (or mtf::models).
include(CMakePackageConfigHelpers)
install(TARGETS mtf mtf_models mtf_timeframes EXPORT mtfTargets)
install(DIRECTORY include/mtf DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY timeframes DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mtf)
install(EXPORT mtfTargets NAMESPACE mtf:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mtf)
configure_package_config_file(cmake/mtfConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/mtfConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mtf)
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/mtfConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/mtfConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/mtfConfigVersion.cmake"
              cmake/MtfDependencies.cmake cmake/FindXGBoost.cmake
              cmake/MtfRetrainBinary.cmake cmake/MtfSystemBinary.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mtf)
install(FILES apps/retrain_main.cpp apps/system_main.cpp apps/app_support.hpp DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/apps)
if(MTF_BUILD_APPS)
  get_property(bins GLOBAL PROPERTY MTF_RETRAIN_BINARIES)
  get_property(system_bins GLOBAL PROPERTY MTF_SYSTEM_BINARIES)
  install(TARGETS ${bins} ${system_bins} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
