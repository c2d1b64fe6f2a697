#pragma once
/// \file The retrain of one worker of a distributed retrain (SPEC §10d, depth): each worker reads
/// and prepares only its share of the `--data` symbols (file i goes to worker i mod N, in the
/// order given), and what one process computes over the pooled rows is made global with
/// xgboost's collective:
///
/// * the rows' skeleton (bar open time, symbol, label end, bar index: four numbers a row, no
///   features) is gathered, so every worker knows the pooled time order and cuts the purged
///   chronological split and the purged folds exactly where one process cuts them;
/// * k is solved on the gathered critical k values of the pooled train rows; the labels are
///   gathered (one number a row), so class counts, the label-share check and the target-mix
///   weights are one process's;
/// * the xgboost models fit each worker's own rows together (`row_shard::local_rows`), their
///   early-stopping tail cut on the pooled times; logistic regressions sum their loss, gradient
///   and Hessian over the workers; the out-of-fold probabilities are gathered, so the stack's
///   scores, meta-model and guard are one process's;
/// * the calibration rows' probabilities, the test rows' base probabilities and features, each
///   symbol's report line and test-span closes, and the drift reference's columns (one at a
///   time) are gathered, and worker 0 alone calibrates, judges, backtests and returns the
///   candidate it then promotes through the ordinary decision.
///
/// No worker ever holds another worker's training features. Every gather is a sum-allreduce of
/// a buffer padded with -0.0, exact, so the pooled values are the same bits on every worker.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mtf/artifact/content_hash.hpp"
#include "mtf/core/errors.hpp"
#include "mtf/labels/volatility_adaptive.hpp"
#include "mtf/models/pooled_rows.hpp"
#include "mtf/models/xgboost_api.hpp"
#include "mtf/pipeline/distributed.hpp"
#include "mtf/pipeline/retrain.hpp"
#include "mtf/reports/json_report.hpp"

namespace mtf::pipeline {

/// The `--data` files (indices into the list) that worker `rank` of `workers` reads and
/// prepares: file i goes to worker i mod workers. Throws usage_error (exit 1) when there are
/// more workers than files (a worker would have no symbol).
inline std::vector<std::size_t> symbols_of_worker(std::size_t files, int rank, int workers) {
  if (workers < 1 || rank < 0 || rank >= workers)
    throw usage_error("train --distributed: worker " + std::to_string(rank) + " of " +
                      std::to_string(workers));
  if (static_cast<std::size_t>(workers) > files)
    throw usage_error("train --distributed: " + std::to_string(workers) + " workers for " +
                      std::to_string(files) +
                      " --data file(s): each worker reads its own symbols, so a job needs at "
                      "least as many --data files as workers");
  std::vector<std::size_t> mine;
  for (std::size_t i = static_cast<std::size_t>(rank); i < files;
       i += static_cast<std::size_t>(workers))
    mine.push_back(i);
  return mine;
}

namespace distributed_detail {

/// Rows [begin, end) of a vector.
template <class T>
std::vector<T> slice(const std::vector<T>& v, std::size_t begin, std::size_t end) {
  return std::vector<T>(v.begin() + static_cast<std::ptrdiff_t>(begin),
                        v.begin() + static_cast<std::ptrdiff_t>(end));
}

/// The values of a row-major matrix, flattened row by row (for `model::pool_rows`).
inline std::vector<double> flat(const matrix& x) {
  return std::vector<double>(x.data(), x.data() + x.size());
}

/// A pooled buffer of `rows` x `width` values as a matrix.
inline matrix as_matrix(const std::vector<double>& values, std::size_t rows, std::size_t width) {
  matrix out = matrix::from_shape({rows, width});
  std::copy(values.begin(), values.end(), out.data());
  return out;
}

/// The first local row whose pooled position is at least `pooled` (positions ascend).
inline std::size_t local_bound(const std::vector<std::size_t>& position, std::size_t pooled) {
  return static_cast<std::size_t>(std::lower_bound(position.begin(), position.end(), pooled) -
                                  position.begin());
}

}  // namespace distributed_detail

/// Runs SPEC §4.3–4.12 as worker `worker` of a distributed retrain on its share of `opts.data`
/// (see the file comment). Every worker must call it with the same options; worker 0 returns
/// the candidate (report filled in, verdict not yet decided) and the others return nothing.
/// Throws like `train_candidate_from`, on every worker alike where the cause is pooled.
template <TimeframePolicy P>
std::optional<candidate<P>> train_candidate_distributed(const train_options& opts,
                                                        stage_timer& timer,
                                                        const distributed_worker& worker) {
  namespace dd = distributed_detail;
  const model::row_shard pool{static_cast<std::size_t>(worker.rank()),
                              static_cast<std::size_t>(worker.workers()), true};
  const bool writer = worker.rank() == 0;
  const int threads = resolve_threads(opts.threads);
  const intake::calendar calendar = opts.calendar.value_or(intake::calendar::crypto);
  const std::vector<std::size_t> mine =
      symbols_of_worker(opts.data.size(), worker.rank(), worker.workers());

  // The same command on every worker, checked before any collective whose length depends on it.
  {
    artifact::sha256 names;
    for (const auto& f : opts.data)
      names.update(f.string() + '\n');
    worker.require_same(
        {digest_prefix(names.hex_digest()), opts.seed,
         static_cast<std::uint64_t>(opts.to.value_or(0)),
         static_cast<std::uint64_t>(opts.data.size()), static_cast<std::uint64_t>(calendar)},
        "the input data");
  }

  std::vector<std::filesystem::path> my_files;
  for (const std::size_t i : mine)
    my_files.push_back(opts.data[i]);
  const raw_inputs raw = timer.run("intake", [&] { return read_inputs<P>(my_files); });
  std::int64_t end = 0;
  if (opts.to) {
    end = *opts.to;
  } else {
    std::vector<std::uint64_t> newest{static_cast<std::uint64_t>(newest_close(raw))};
    xgb::allreduce_max(newest);
    end = static_cast<std::int64_t>(newest[0]);
  }
  training_data d = prepare_symbols<P>(raw, end, calendar, opts.seed, timer);
  const row_table rows = merge_rows(d.symbols, d.features, P::horizon);
  const std::size_t n = rows.size();

  // The pooled skeleton, in one process's row order: by time, ties by symbol (SPEC §4.10).
  std::vector<double> key_time, key_symbol, key_end, key_bar;
  for (std::size_t i = 0; i < n; ++i) {
    key_time.push_back(static_cast<double>(rows.time[i]));
    key_symbol.push_back(static_cast<double>(mine[rows.symbol[i]]));
    key_end.push_back(static_cast<double>(rows.label_end[i]));
    key_bar.push_back(static_cast<double>(rows.bar[i]));
  }
  std::size_t offset = 0;
  {
    std::vector<double> counts(pool.world, 0.0);
    counts[pool.rank] = static_cast<double>(n);
    model::sum_over_workers(counts, pool);
    for (std::size_t q = 0; q < pool.rank; ++q)
      offset += static_cast<std::size_t>(counts[q]);
  }
  const auto all_time = model::gather_from_workers(key_time, pool);
  const auto all_symbol = model::gather_from_workers(key_symbol, pool);
  const auto all_end = model::gather_from_workers(key_end, pool);
  const auto all_bar = model::gather_from_workers(key_bar, pool);
  const std::size_t np = all_time.size();
  std::vector<std::size_t> order(np);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return all_time[a] < all_time[b] ||
           (all_time[a] == all_time[b] && all_symbol[a] < all_symbol[b]);
  });
  std::vector<std::int64_t> time_p(np), end_p(np);
  std::vector<std::uint32_t> symbol_p(np);
  std::vector<std::size_t> bar_p(np), position(n);
  for (std::size_t k = 0; k < np; ++k) {
    time_p[k] = static_cast<std::int64_t>(all_time[order[k]]);
    end_p[k] = static_cast<std::int64_t>(all_end[order[k]]);
    symbol_p[k] = static_cast<std::uint32_t>(all_symbol[order[k]]);
    bar_p[k] = static_cast<std::size_t>(all_bar[order[k]]);
    if (order[k] >= offset && order[k] < offset + n) position[order[k] - offset] = k;
  }

  // The purged split of the pooled rows, and each segment's local rows (contiguous, in order).
  const split::segments seg =
      timer.run("split + labels", [&] { return split::chronological_split<P>(time_p, end_p); });
  const std::size_t lt0 = dd::local_bound(position, seg.train.begin),
                    lt1 = dd::local_bound(position, seg.train.end),
                    lc0 = dd::local_bound(position, seg.calibration.begin),
                    lc1 = dd::local_bound(position, seg.calibration.end),
                    ls0 = dd::local_bound(position, seg.test.begin),
                    ls1 = dd::local_bound(position, seg.test.end);

  // k on the pooled train rows: their critical k values, gathered (order does not matter).
  std::vector<double> critical;
  for (std::size_t i = lt0; i < lt1; ++i)
    critical.push_back(critical_k(d.features[rows.symbol[i]].labels, rows.bar[i]));
  const k_solution k = choose_k_from_critical(
      P::labeler.k, P::class_targets[static_cast<std::size_t>(class_neutral)],
      model::gather_from_workers(critical, pool));
  const std::vector<int> y = label_rows(rows, d.features, k.k);

  // Labels of every pooled row: class counts, the share check and the weights are global.
  std::vector<int> y_p(np);
  {
    const std::vector<double> mine_y(y.begin(), y.end());
    const auto pooled = model::pool_rows(mine_y, position, np, 1, pool);
    for (std::size_t i = 0; i < np; ++i)
      y_p[i] = static_cast<int>(pooled[i]);
  }
  const auto y_train_p = dd::slice(y_p, seg.train.begin, seg.train.end);
  const auto t_train_p = dd::slice(time_p, seg.train.begin, seg.train.end);
  const auto end_train_p = dd::slice(end_p, seg.train.begin, seg.train.end);
  const label_distribution dist = check_label_distribution(y_train_p, P::min_class_share);
  const std::vector<double> w_train_p = target_mix_sample_weights(y_train_p, P::class_targets);
  const std::vector<split::fold> folds_p = split::purged_kfold<P>(t_train_p, end_train_p);
  if (opts.log_labels && writer) log_labels_and_folds(k, dist, folds_p, t_train_p);
  {
    std::string names;
    for (const auto& s : d.symbols)
      names += (names.empty() ? "" : ", ") + s.bars.symbol;
    std::fprintf(stderr,
                 "distributed retrain: worker %d of %d holds %zu rows of %zu pooled (train %zu, "
                 "calibration %zu, test %zu) of %zu symbol(s): %s\n",
                 worker.rank(), worker.workers(), n, np, lt1 - lt0, lc1 - lc0, ls1 - ls0,
                 d.symbols.size(), names.c_str());
  }

  // This worker's train rows, their pooled positions and its share of every pooled fold.
  const matrix x_train = row_range(rows.x, lt0, lt1);
  std::vector<int> y_train;
  std::vector<double> w_train;
  std::vector<std::int64_t> t_train, end_train;
  std::vector<std::size_t> train_position;
  std::vector<std::ptrdiff_t> local_of(seg.train.size(), -1);
  for (std::size_t i = lt0; i < lt1; ++i) {
    const std::size_t p = position[i] - seg.train.begin;
    y_train.push_back(y[i]);
    w_train.push_back(w_train_p[p]);
    t_train.push_back(rows.time[i]);
    end_train.push_back(rows.label_end[i]);
    train_position.push_back(p);
    local_of[p] = static_cast<std::ptrdiff_t>(i - lt0);
  }
  std::vector<split::fold> folds(folds_p.size());
  for (std::size_t f = 0; f < folds_p.size(); ++f) {
    for (const std::size_t r : folds_p[f].train)
      if (local_of[r] >= 0) folds[f].train.push_back(static_cast<std::size_t>(local_of[r]));
    for (const std::size_t r : folds_p[f].validation)
      if (local_of[r] >= 0) folds[f].validation.push_back(static_cast<std::size_t>(local_of[r]));
  }

  policy_stack<P> stack = timer.run("models (out-of-fold stacking)", [&] {
    const model::fit_context ctx{.seed = opts.seed,
                                 .threads = threads,
                                 .row_times = t_train,
                                 .row_label_ends = end_train,
                                 .shard = pool};
    const model::pooled_training pooled{
        .y = y_train_p, .w = w_train_p, .folds = folds_p, .position = train_position};
    return model::fit_stack(P::base_models, P::meta_model, x_train, y_train, w_train, ctx, folds,
                            &pooled);
  });

  // What worker 0 needs of the other workers' rows: calibration and test probabilities, the
  // test features (the champion is scored on them), the drift reference's columns.
  const auto positions_in = [&](std::size_t begin, std::size_t end_local, std::size_t base) {
    std::vector<std::size_t> out;
    for (std::size_t i = begin; i < end_local; ++i)
      out.push_back(position[i] - base);
    return out;
  };
  const std::size_t columns = rows.x.shape()[1];
  const matrix x_cal = row_range(rows.x, lc0, lc1);
  const matrix p_cal_local =
      x_cal.shape()[0] > 0 ? stack.predict_proba(x_cal) : matrix::from_shape({0, 3});
  const matrix p_cal = dd::as_matrix(
      model::pool_rows(dd::flat(p_cal_local), positions_in(lc0, lc1, seg.calibration.begin),
                       seg.calibration.size(), 3, pool),
      seg.calibration.size(), 3);
  const matrix x_test_local = row_range(rows.x, ls0, ls1);
  const std::size_t base_columns = 3 * policy_stack<P>::base_count;
  const matrix base_local = x_test_local.shape()[0] > 0 ? stack.base_probabilities(x_test_local)
                                                        : matrix::from_shape({0, base_columns});
  const auto test_positions = positions_in(ls0, ls1, seg.test.begin);
  const matrix test_base = dd::as_matrix(
      model::pool_rows(dd::flat(base_local), test_positions, seg.test.size(), base_columns, pool),
      seg.test.size(), base_columns);
  const matrix test_x = dd::as_matrix(
      model::pool_rows(dd::flat(x_test_local), test_positions, seg.test.size(), columns, pool),
      seg.test.size(), columns);
  const std::vector<std::string> names = feature_names(P::features);
  std::vector<validation::feature_reference> reference;
  for (std::size_t c = 0; c < columns; ++c) {
    std::vector<double> column(x_train.shape()[0]);
    for (std::size_t i = 0; i < column.size(); ++i)
      column[i] = x_train(i, c);
    auto pooled = model::gather_from_workers(column, pool);
    if (writer) reference.push_back(validation::column_reference(names[c], std::move(pooled)));
  }

  // Each symbol's report line and the closes its test rows trade on, plus the leakage audit.
  nlohmann::json info = {{"dropped_older", d.dropped_older},
                         {"dropped_later", d.dropped_later},
                         {"dropped_warmup", rows.dropped_warmup},
                         {"dropped_past_data_end", rows.dropped_past_data_end},
                         {"symbols", nlohmann::json::array()}};
  std::string leak_note;
  bool leakage_passed = true;
  for (std::size_t s = 0; s < d.symbols.size(); ++s) {
    const auto& sym = d.symbols[s];
    leakage_passed = leakage_passed && d.features[s].audit.passed;
    for (const auto& finding : d.features[s].audit.findings)
      leak_note += " " + finding.feature + " (row " + std::to_string(finding.row) + ", cut " +
                   std::to_string(finding.cut) + ")";
    std::size_t first_bar = sym.bars.size(), last_bar = 0;
    for (std::size_t i = ls0; i < ls1; ++i)
      if (rows.symbol[i] == s) {
        first_bar = std::min(first_bar, rows.bar[i]);
        last_bar = std::max(last_bar, rows.bar[i]);
      }
    std::vector<double> closes;
    if (first_bar < sym.bars.size()) {
      const std::size_t stop =
          std::min(sym.bars.size() - 1, last_bar + static_cast<std::size_t>(P::horizon));
      closes.assign(sym.bars.close.begin() + static_cast<std::ptrdiff_t>(first_bar),
                    sym.bars.close.begin() + static_cast<std::ptrdiff_t>(stop + 1));
    }
    info["symbols"].push_back({{"index", mine[s]},
                               {"line", symbol_line(sym)},
                               {"resampling", sym.resampled.dropped_leading_partial +
                                                  sym.resampled.dropped_trailing_partial},
                               {"test_first_bar", first_bar},
                               {"closes", closes}});
  }
  info["leakage_passed"] = leakage_passed;
  info["leak_note"] = leak_note;
  const std::vector<std::string> infos = model::gather_text_from_workers(info.dump(), pool);
  if (!writer) return std::nullopt;

  // Worker 0 alone: the report's data section, calibration, validation and backtest.
  reports::run_report report = report_header<P>(opts.seed, calendar);
  report.threads = threads;
  report.workers = worker.workers();
  std::vector<symbol_input> test_closes(opts.data.size());
  std::vector<std::size_t> test_first_bar(opts.data.size(), 0);
  std::vector<reports::symbol_summary> lines(opts.data.size());
  leakage_passed = true;
  leak_note.clear();
  for (const auto& text : infos) {
    const auto j = nlohmann::json::parse(text);
    report.data.dropped.older_than_history += j.at("dropped_older").get<std::size_t>();
    report.data.dropped.after_end += j.at("dropped_later").get<std::size_t>();
    report.data.dropped.warm_up += j.at("dropped_warmup").get<std::size_t>();
    report.data.dropped.label_horizon += j.at("dropped_past_data_end").get<std::size_t>();
    leakage_passed = leakage_passed && j.at("leakage_passed").get<bool>();
    leak_note += j.at("leak_note").get<std::string>();
    for (const auto& s : j.at("symbols")) {
      const auto g = s.at("index").get<std::size_t>();
      lines[g] = s.at("line").get<reports::symbol_summary>();
      report.data.dropped.resampling += s.at("resampling").get<std::size_t>();
      test_first_bar[g] = s.at("test_first_bar").get<std::size_t>();
      auto& bars = test_closes[g].bars;
      bars.symbol = lines[g].symbol;
      bars.close = s.at("closes").get<std::vector<double>>();
      bars.timestamp.assign(bars.close.size(), 0);  // the backtest reads closes only
    }
  }
  report.data.symbols = lines;
  report.data.train_rows = seg.train.size();
  report.data.calibration_rows = seg.calibration.size();
  report.data.test_rows = seg.test.size();
  if (!leakage_passed)
    std::fprintf(stderr, "leakage audit FAILED: features differ when recomputed on a prefix:%s\n",
                 leak_note.c_str());

  const auto y_cal = dd::slice(y_p, seg.calibration.begin, seg.calibration.end);
  const auto t_cal = dd::slice(time_p, seg.calibration.begin, seg.calibration.end);
  const auto end_cal = dd::slice(end_p, seg.calibration.begin, seg.calibration.end);
  const label_distribution cal_dist = count_labels(y_cal);
  const label_outcome labels = describe_labels(k.k, dist, y_train_p, w_train_p, cal_dist);
  calibration::calibration_result cal = timer.run("calibration", [&] {
    std::vector<double> center(3);
    for (std::size_t cl = 0; cl < 3; ++cl)
      center[cl] = std::log(labels.train_share[cl] / labels.weighted_share[cl]);
    return calibration::fit_calibrator(
        P::calibration, p_cal, y_cal,
        {.row_time = t_cal, .row_label_end = end_cal, .bias_center = std::move(center)});
  });
  report_labels_and_calibration<P>(report, labels, cal.report);

  judged_rows judged;
  judged.p_raw = stack.combine(stack.choice().used, test_base);
  judged.p = cal.model.predict(judged.p_raw);
  for (std::size_t i = seg.test.begin; i < seg.test.end; ++i) {
    judged.y.push_back(y_p[i]);
    judged.time.push_back(time_p[i]);
    judged.symbol.push_back(symbol_p[i]);
    judged.bar.push_back(bar_p[i] - test_first_bar[symbol_p[i]]);
  }
  fill_models_summary<P>(report.models, stack, test_base, judged.y);
  timer.run("validation + backtest", [&] {
    judge_rows<P>(report, judged,
                  {.symbols = &test_closes,
                   .train_prior = dist.share,
                   .calibration_prior = cal_dist.share,
                   .feature_names = names,
                   .feature_importance = stack.feature_importance(),
                   .leakage_passed = leakage_passed,
                   .calendar = calendar,
                   .seed = opts.seed});
    return 0;
  });
  return candidate<P>{std::move(stack),
                      cal.model,
                      names,
                      test_x,
                      judged.y,
                      judged.time,
                      retrain_detail::hash_files(opts.data),
                      std::move(reference),
                      std::move(report),
                      leakage_passed};
}

}  // namespace mtf::pipeline
