#pragma once
/// \file What the operator asks of a retrain binary: the options of every subcommand (SPEC §10).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mtf/intake/calendar.hpp"

namespace mtf::pipeline {

/// Options shared by every subcommand that reads candles.
struct common_options {
  std::vector<std::filesystem::path> data;  ///< one file per symbol
  std::uint64_t seed = 42;
  int threads = 0;        ///< 0 = all hardware threads
  bool colour = false;    ///< ANSI colour (only when stdout is a terminal)
  bool progress = false;  ///< progress lines on stderr (only when stderr is a terminal)
  /// `--calendar`, parsed on the command line: the gap check of intake and the Sharpe
  /// annualisation follow it. Unset: crypto for train and features; for predict, evaluate and
  /// drift the calendar the model was trained with (metadata.json), crypto for older models.
  std::optional<intake::calendar> calendar;
};

/// `train` (the default subcommand).
struct train_options : common_options {
  std::filesystem::path out = "models";
  bool report_only = false;    ///< write the report, promote nothing
  bool force_promote = false;  ///< operator override of gates and champion/challenger
  /// End of the trailing training window (epoch s): only bars closed by then are used; by
  /// default the newest bar's close (SPEC §10b: a production retrain is a walk-forward step).
  std::optional<std::int64_t> to;
  /// One worker of a distributed retrain (`pipeline/distributed.hpp`, started by
  /// scripts/mtf-distributed): the tracker and this worker's task from the environment.
  bool distributed = false;
  /// Print the k, class-count and fold lines of `log_labels_and_folds` (train does; the windows
  /// of a walk-forward study do not).
  bool log_labels = false;
};

/// `walkforward`: a retrain every `every_days` over history, each judged on the period after it.
struct walkforward_options : common_options {
  std::filesystem::path out = "models";
  std::optional<std::int64_t> from;   ///< first retrain date (epoch s; rounded up to a day)
  std::optional<std::int64_t> to;     ///< end of the last out-of-sample period (epoch s)
  std::optional<int> every_days;      ///< default: the policy's retrain_every
  std::optional<std::size_t> window;  ///< run this one window only
  bool collect = false;               ///< only merge finished windows
  bool plan = false;                  ///< print the schedule as JSON and stop
};

/// `features`: write the feature matrix, labels and weights as CSV for inspection.
struct features_options : common_options {
  std::filesystem::path out = "features.csv";
};

/// `predict`, `evaluate`, `drift`: use the promoted model in `models`.
struct model_options : common_options {
  std::filesystem::path models = "models";
  std::optional<std::size_t> last;  ///< predict: only the newest N bars
  bool json = false;                ///< drift: machine-readable output
  bool allow_stale = false;         ///< predict: score with a model older than max_model_age
};

}  // namespace mtf::pipeline
