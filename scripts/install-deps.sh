#!/usr/bin/env bash
# Installs every Debian 12 package mtf needs to build, test and benchmark (SPEC §3).
# The single place where dependencies are named: README and .ci/run both call it.
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --peer     also the Python stack for benchmarks/peer
#   scripts/install-deps.sh --browser  also chromium (report.html screenshot test)
#   scripts/install-deps.sh --slurm    also Slurm 22.05 + munge (the one-node cluster of the
#                                      fleet test, scripts/slurm-cluster.sh; services not started)
set -euo pipefail
packages=(
  build-essential cmake ninja-build git
  libeigen3-dev                       # logistic regression (Newton / L-BFGS)
  xtensor-dev xtl-dev libxsimd-dev    # series and feature matrices
  libxgboost-dev xgboost              # gradient boosting + random forest; the CLI package
                                      # is needed because Debian's xgboost CMake config imports /usr/bin/xgboost
  libboost-dev                        # Boost.Hana compile-time lists
  libcli11-dev                        # command line
  catch2                              # tests (v2)
  libbenchmark-dev                    # Google Benchmark
  nlohmann-json3-dev                  # artifacts and reports
  clang-format
  python3                             # scripts/mtf-fleet (standard library only) and its tests
  python3-xgboost                     # the rabit tracker of scripts/mtf-distributed (SPEC §10d)
  clang-14 libclang-rt-14-dev         # libFuzzer + sanitizer runtimes for tests/fuzz (--preset fuzz)
)
for arg in "$@"; do
  case "$arg" in
    --peer) packages+=(python3-sklearn python3-pandas python3-numpy) ;;
    --browser) packages+=(chromium) ;;
    --slurm) packages+=(slurmctld slurmd slurm-client munge) ;;
    *) echo "install-deps.sh: unknown option $arg" >&2; exit 1 ;;
  esac
done
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: ${#packages[@]} packages present"
