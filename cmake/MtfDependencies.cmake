# Finds the Debian 12 packages mtf depends on (SPEC §3); scripts/install-deps.sh installs them.
# Shared by the build tree and by the installed package config (mtfConfig.cmake).
include(CMakeFindDependencyMacro)
find_dependency(Eigen3 3.3 NO_MODULE)
find_dependency(xtensor)
find_dependency(Boost 1.74)
find_dependency(nlohmann_json 3)
# Debian's own xgboost config also imports /usr/bin/xgboost (the CLI package) and fails without
# it, so mtf ships FindXGBoost.cmake: it needs only the header and libxgboost.so, and gives the
# imported target XGBoost::XGBoost.
find_dependency(XGBoost MODULE)
