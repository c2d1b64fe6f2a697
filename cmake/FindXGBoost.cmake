#[=======================================================================[.rst:
FindXGBoost
-----------
Finds the xgboost C API (``xgboost/c_api.h`` and ``libxgboost.so``) and defines the imported
target ``XGBoost::XGBoost``.

Why a find module: Debian 12's libxgboost-dev ships ``xgboost-config.cmake`` whose targets file
also imports the ``/usr/bin/xgboost`` command-line program, so ``find_package(xgboost)`` fails
unless the separate ``xgboost`` CLI package is installed. mtf needs the C API only.

Result variables: ``XGBoost_FOUND``, ``XGBoost_INCLUDE_DIR``, ``XGBoost_LIBRARY``,
``XGBoost_VERSION``.
#]=======================================================================]
find_path(XGBoost_INCLUDE_DIR NAMES xgboost/c_api.h)
find_library(XGBoost_LIBRARY NAMES xgboost)
if(XGBoost_INCLUDE_DIR AND EXISTS "${XGBoost_INCLUDE_DIR}/xgboost/version_config.h")
  file(STRINGS "${XGBoost_INCLUDE_DIR}/xgboost/version_config.h" _xgb_ver
       REGEX "#define XGBOOST_VER_(MAJOR|MINOR|PATCH)")
  string(REGEX REPLACE ".*MAJOR ([0-9]+).*MINOR ([0-9]+).*PATCH ([0-9]+).*" "\\1.\\2.\\3"
         XGBoost_VERSION "${_xgb_ver}")
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(XGBoost REQUIRED_VARS XGBoost_LIBRARY XGBoost_INCLUDE_DIR
                                  VERSION_VAR XGBoost_VERSION)
if(XGBoost_FOUND AND NOT TARGET XGBoost::XGBoost)
  add_library(XGBoost::XGBoost UNKNOWN IMPORTED)
  set_target_properties(XGBoost::XGBoost PROPERTIES
    IMPORTED_LOCATION "${XGBoost_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${XGBoost_INCLUDE_DIR}")
endif()
mark_as_advanced(XGBoost_INCLUDE_DIR XGBoost_LIBRARY)
