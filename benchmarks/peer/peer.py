#!/usr/bin/python3
"""The Python peer of mtf's retrain (issue 7, "Performance"; issue 14, "same method"): the same
method written the way a Python team would write it, with pandas, scikit-learn and xgboost's
scikit-learn API.

Same data, same policy values, same splits as `retrain_<tf> train` (the C++ code is the
reference; each step below names the mtf header it mirrors):

  intake       CSV -> pandas, resampled to the policy's bar with UTC-anchored buckets; partial
               leading/trailing buckets dropped                     (intake/resample.hpp)
  window       the policy's trailing history_days ending at the newest bar's close: bars opening
               at or after end - history_days*86400 and closing at or before end; everything
               below runs on this window only    (intake/training_window.hpp, pipeline/retrain.hpp)
  features     the policy's feature list, pandas rolling windows and ewm with TA-Lib/TTR
               seeding (SMA seed at the end of the first window)    (features/feature_specs.hpp)
  labels       volatility-adaptive or regime labels, k solved on the training rows so that the
               neutral share hits the policy target                 (labels/*.hpp)
  rows         each row carries its label end: the open time of the bar `horizon` bars later in
               the series; every purge is decided on label ends     (pipeline/dataset.hpp)
  split        chronological 70/15/15, cuts snapped to timestamp boundaries, a later segment
               starts after the last label end of the earlier ones; purged blocked 5-fold on train
               (train rows before a block end their label before it opens, rows after it open
               after its last label end + an embargo of `horizon` bars)
               (split/chronological_split.hpp, purged_kfold.hpp, split_spec.hpp)
  weights      target-mix sample weights w_c = target_c * N / count_c, applied ONCE by every
               model, the meta-model included; no class_weight on top (labels/class_balance.hpp)
  models       sklearn RandomForestClassifier, xgboost XGBClassifier (multi:softprob, hist, early
               stopping on a 15% tail purged on label ends, patience 50), sklearn
               LogisticRegression (multinomial, L2, standardised, class_weight=None)
               (models/*.hpp)
  stacking     out-of-fold base probabilities on the purged folds; the logistic meta-model
               (target-mix weights) cross-fitted on the same folds for its out-of-fold score;
               greedy Caruana ensemble selection (25 rounds, with replacement) over the base
               models' out-of-fold probabilities; the stack guard uses the meta-model unless its
               pooled out-of-fold log loss (raw labels) exceeds the best base model's by more than
               0.002, then the ensemble; bases refit on all train rows
               (models/stacking.hpp, models/ensemble_selection.hpp)
  calibration  bias-corrected temperature scaling (softmax(log p / T + b)) with a Gaussian prior
               on the biases centred on log(train raw share / weighted share), worth 1000
               calibration rows; isotonic (one-vs-rest, renormalised) only with >= 1000
               calibration rows and when it wins a 5-fold contiguous check purged on label ends;
               floor 1e-6   (calibration/calibrator.hpp, temperature_scaling.hpp)
  test         log loss of the calibrated probabilities on the test segment, and the two no-skill
               baselines of the skill gate: constant train mix and calibration mix
               (pipeline/evaluation.hpp, validation/gate_evaluation.hpp)

Deviations from mtf, all deliberate and documented:
  * The random forest is scikit-learn's (what Python teams use), not xgboost's random-forest mode:
    bootstrap=True with n draws (63.2% distinct rows per tree: mtf's subsample 0.632),
    max_features=0.6 (mtf's colsample_bynode 0.6), min_samples_leaf=min_leaf (mtf approximates
    "min_leaf rows" through xgboost's min_child_weight), leaf probabilities are class
    frequencies rather than xgboost's averaged Newton steps. Same trees, depth, seed, weights.
  * Logistic regressions use scikit-learn's newton-cg to a gradient max-norm of 1e-8 (mtf runs
    its own Newton to 1e-10 * sum of weights): same objective, same optimum to ~1e-8.
  * Temperature scaling is fitted with scipy's L-BFGS-B (bounds T in [0.01, 100], biases in
    [-30, 30]) on mtf's exact objective; mtf uses projected Newton. Same optimum to ~1e-7.
  * Rolling sums are pandas' (plain running sums); mtf uses compensated sums. Differences are at
    rounding level (checked against `retrain_<tf> features` by check_features.py).
  * One input file (the race's); mtf pools several symbols' rows in time order.
  * No data-quality report, leakage audit, backtest, gates or artifact store: the peer only
    trains and scores, so every extra step mtf does counts against mtf in the race.

Prints one JSON line at the end:
  {"timeframe", "rows", "test_log_loss", "wall_seconds", ...details}
wall_seconds counts from interpreter start of this script (imports included).
"""

import time

_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.optimize import minimize  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.isotonic import IsotonicRegression  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from xgboost import XGBClassifier  # noqa: E402

# ---- policies: the values `retrain_<tf> policy` prints (timeframes/tf_*.hpp) ------------------

# split/split_spec.hpp: embargo_bars unset = the policy's horizon.
DEFAULT_SPLIT = {"train": 0.70, "calibration": 0.15, "test": 0.15, "folds": 5,
                 "embargo_bars": None}
# calibration/calibration_spec.hpp.
DEFAULT_CALIBRATION = {"min_isotonic_rows": 1000, "check_folds": 5, "floor": 1e-6,
                       "bias_prior_rows": 1000.0}
# models/stacking.hpp, models/ensemble_selection.hpp.
STACK_GUARD_TOLERANCE = 0.002
ENSEMBLE_ROUNDS = 25

POLICIES = {
    "5m": {
        "bar_seconds": 300,
        "history_days": 90,
        "horizon": 12,
        "features": [
            ("log_return", 1), ("log_return", 3), ("log_return", 12),
            ("sma_ratio", 5), ("sma_ratio", 10), ("sma_ratio", 20), ("sma_ratio", 50),
            ("rsi", 14), ("atr_ratio", 14), ("bb_percent_b", 20), ("macd_hist", 12, 26, 9),
            ("realized_vol", 12), ("vol_ratio", 12, 48), ("zscore", 20), ("stoch_k", 14, 3),
            ("volume_ratio", 20), ("cmf", 20),
        ],
        "labeler": {"kind": "volatility_adaptive", "vol_window": 48},
        "class_targets": (0.40, 0.20, 0.40),
        "base_models": [
            {"kind": "random_forest", "trees": 200, "max_depth": 8, "min_leaf": 50},
            {"kind": "gradient_boosting", "rounds": 200, "max_depth": 6, "eta": 0.05},
            {"kind": "logistic_regression", "C": 0.1},
        ],
        "meta_C": 0.1,
    },
    "1h": {
        "bar_seconds": 3600,
        "history_days": 180,
        "horizon": 8,
        "features": [
            ("log_return", 1), ("log_return", 8), ("log_return", 24),
            ("sma_ratio", 12), ("sma_ratio", 24), ("sma_ratio", 48), ("sma_ratio", 96),
            ("rsi", 14), ("atr_ratio", 14), ("macd_hist", 12, 26, 9), ("adx", 14),
            ("di_spread", 14), ("realized_vol", 24), ("bb_width", 20), ("obv_flow", 24),
        ],
        "labeler": {"kind": "volatility_adaptive", "vol_window": 24},
        "class_targets": (0.45, 0.10, 0.45),
        "base_models": [
            {"kind": "random_forest", "trees": 150, "max_depth": 10, "min_leaf": 50},
            {"kind": "gradient_boosting", "rounds": 150, "max_depth": 8, "eta": 0.05,
             "max_bin": 64},
        ],
        "meta_C": 0.1,
    },
    "12h": {
        "bar_seconds": 43200,
        "history_days": 365,
        "horizon": 4,
        "features": [
            ("log_return", 2), ("log_return", 14),
            ("sma_ratio", 6), ("sma_ratio", 14), ("sma_ratio", 28), ("sma_ratio", 60),
            ("adx", 14), ("di_spread", 14), ("realized_vol", 14), ("vol_ratio", 6, 28),
            ("rsi", 14), ("bb_width", 28),
        ],
        "labeler": {"kind": "regime", "vol_window": 14, "er_min": 0.15},
        "class_targets": (0.40, 0.20, 0.40),
        "base_models": [
            {"kind": "random_forest", "trees": 150, "max_depth": 10, "min_leaf": 20},
            {"kind": "logistic_regression", "C": 0.1},
        ],
        "meta_C": 0.1,
    },
    "24h": {
        "bar_seconds": 86400,
        "history_days": 730,
        "horizon": 5,
        "features": [
            ("log_return", 5), ("log_return", 20),
            ("sma_ratio", 10), ("sma_ratio", 20), ("sma_ratio", 50), ("sma_ratio", 100),
            ("rsi", 14), ("realized_vol", 20), ("macd_hist", 12, 26, 9), ("zscore", 50),
        ],
        "labeler": {"kind": "volatility_adaptive", "vol_window": 20},
        "class_targets": (0.45, 0.10, 0.45),
        "base_models": [
            {"kind": "random_forest", "trees": 100, "max_depth": 12, "min_leaf": 10},
            {"kind": "logistic_regression", "C": 0.1},
        ],
        "meta_C": 0.1,
    },
}

# Defaults every policy shares (models/model_specs.hpp).
RF_DEFAULTS = {"max_features": 0.6}
GB_DEFAULTS = {"subsample": 0.8, "colsample_bytree": 0.8, "l1": 0.0, "l2": 1.0,
               "min_child_weight": 1.0, "early_stopping_rounds": 50, "tail_share": 0.15}


class PeerError(Exception):
    """Bad input or a run that cannot train (exit 2)."""


def round_half_up(x):
    """std::llround for non-negative x (Python's round() rounds half to even)."""
    return int(math.floor(x + 0.5))


# ---- intake -----------------------------------------------------------------------------------

def load_bars(path, bar_seconds):
    """Reads timestamp,open,high,low,close,volume and resamples to bar_seconds with buckets at
    UTC epoch multiples; a leading bucket missing its first sub-bar and a trailing bucket missing
    its last are dropped (the series starts or ends inside them)."""
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError) as e:
        raise PeerError(f"{path}: cannot read CSV: {e}") from e
    expected = ["timestamp", "open", "high", "low", "close", "volume"]
    if list(df.columns) != expected:
        raise PeerError(f"{path}: header must be {','.join(expected)}, got {','.join(df.columns)}")
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    df = df.set_index("timestamp")
    if not df.index.is_monotonic_increasing or df.index.has_duplicates:
        raise PeerError(f"{path}: timestamps must be strictly increasing")
    if df[expected[1:]].isna().any().any() or (df["close"] <= 0).any():
        raise PeerError(f"{path}: missing values or non-positive closes")
    if len(df) < 2:
        raise PeerError(f"{path}: fewer than two bars")
    epoch = df.index.asi8 // 10**9
    step = int(pd.Series(np.diff(epoch)).mode().iloc[0])  # the bar length: most common spacing
    if step == bar_seconds:
        return df
    if bar_seconds % step != 0:
        raise PeerError(f"{path}: {step} s bars do not divide {bar_seconds} s bars")
    rule = f"{bar_seconds}s"
    bars = df.resample(rule, origin="epoch", label="left", closed="left").agg(
        {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"})
    counts = df["close"].resample(rule, origin="epoch", label="left", closed="left").count()
    bars = bars[counts > 0]  # a bucket with no sub-bar at all is a gap, not a bar
    if epoch[0] % bar_seconds != 0:
        bars = bars.iloc[1:]
    if (epoch[-1] + step) % bar_seconds != 0:
        bars = bars.iloc[:-1]
    return bars


def cut_window(bars, bar_seconds, history_days):
    """The bars opening at or after end - history_days*86400 and closing at or before end, where
    end is the newest bar's close; bars straddling an edge are dropped. Returns (bars, dropped
    older, dropped later) (intake/training_window.hpp cut_window, pipeline/retrain.hpp)."""
    t = bars.index.asi8 // 10**9
    if len(t) == 0:
        return bars, 0, 0
    end = int(t[-1]) + bar_seconds
    first_open = end - history_days * 86_400
    begin = int(np.searchsorted(t, first_open, side="left"))
    stop = max(begin, int(np.searchsorted(t, end - bar_seconds, side="right")))
    return bars.iloc[begin:stop], begin, len(t) - stop


# ---- features ---------------------------------------------------------------------------------

def seeded_ewm(x, first, n, alpha):
    """Exponential smoothing of x[first:] seeded at first+n-1 with the mean of x[first:first+n]
    (the TA-Lib/TTR seeding mtf uses); NaN before. pandas' ewm(adjust=False) would seed with
    the first value instead, which changes the early values."""
    y = x.copy()
    y.iloc[: first + n - 1] = np.nan
    if first + n - 1 < len(y):
        y.iloc[first + n - 1] = x.iloc[first: first + n].mean()
    return y.ewm(alpha=alpha, adjust=False).mean()


def true_range(b):
    prev = b["close"].shift(1)
    tr = np.maximum(b["high"], prev) - np.minimum(b["low"], prev)
    tr.iloc[0] = b["high"].iloc[0] - b["low"].iloc[0]
    return tr


def feature_column(spec, b, log_ret):
    """(name, values) of one feature spec on bars b (features/feature_specs.hpp)."""
    kind, args = spec[0], spec[1:]
    c = b["close"]
    if kind == "log_return":
        (n,) = args
        return f"log_return_{n}", log_ret.rolling(n).sum()
    if kind == "sma_ratio":
        (n,) = args
        return f"sma_ratio_{n}", c / c.rolling(n).mean() - 1.0
    if kind == "rsi":
        (n,) = args
        d = c.diff()
        gain = seeded_ewm(d.clip(lower=0.0), 1, n, 1.0 / n)
        loss = seeded_ewm((-d).clip(lower=0.0), 1, n, 1.0 / n)
        total = gain + loss
        return f"rsi_{n}", (gain / total).where(total > 0, 0.5).where(total.notna())
    if kind == "atr_ratio":
        (n,) = args
        return f"atr_ratio_{n}", seeded_ewm(true_range(b), 0, n, 1.0 / n) / c
    if kind in ("bb_percent_b", "bb_width"):
        (n,) = args
        mean = c.rolling(n).mean()
        half = 2.0 * c.rolling(n).std(ddof=0)
        if kind == "bb_percent_b":
            pb = ((c - (mean - half)) / (2.0 * half)).where(half > 0, 0.5).where(half.notna())
            return f"bb_percent_b_{n}", pb
        return f"bb_width_{n}", 2.0 * half / mean
    if kind == "macd_hist":
        fast, slow, signal = args
        line = seeded_ewm(c, 0, fast, 2.0 / (fast + 1)) - seeded_ewm(c, 0, slow, 2.0 / (slow + 1))
        hist = line - seeded_ewm(line, slow - 1, signal, 2.0 / (signal + 1))
        return f"macd_hist_{fast}_{slow}_{signal}", hist / c
    if kind == "realized_vol":
        (n,) = args
        return f"realized_vol_{n}", log_ret.rolling(n).std(ddof=1)
    if kind == "vol_ratio":
        fast, slow = args
        f, s = log_ret.rolling(fast).std(ddof=1), log_ret.rolling(slow).std(ddof=1)
        return f"vol_ratio_{fast}_{slow}", (f / s).where(s > 0, 1.0).where(s.notna() & f.notna())
    if kind == "zscore":
        (n,) = args
        sd = c.rolling(n).std(ddof=0)
        z = ((c - c.rolling(n).mean()) / sd).where(sd > 0, 0.0).where(sd.notna())
        return f"zscore_{n}", z
    if kind == "stoch_k":
        n, smooth = args
        hh, ll = b["high"].rolling(n).max(), b["low"].rolling(n).min()
        raw = (100.0 * (c - ll) / (hh - ll)).where(hh > ll, 50.0).where(hh.notna())
        k = raw.rolling(smooth).mean() if smooth > 1 else raw
        return f"stoch_k_{n}", k / 100.0
    if kind in ("adx", "di_spread"):
        (n,) = args
        up = b["high"].diff()
        down = -b["low"].diff()
        plus_dm = up.where((up > down) & (up > 0), 0.0)
        minus_dm = down.where((down > up) & (down > 0), 0.0)
        # Wilder's running sums S = S - S/n + x seeded with the sum over t = 1..n: n times the
        # seeded smoothing with alpha 1/n; the factor n cancels in the DI ratios.
        s_tr = seeded_ewm(true_range(b), 1, n, 1.0 / n)
        s_plus = seeded_ewm(plus_dm, 1, n, 1.0 / n)
        s_minus = seeded_ewm(minus_dm, 1, n, 1.0 / n)
        plus_di = (100.0 * s_plus / s_tr).where(s_tr > 0, 0.0).where(s_tr.notna())
        minus_di = (100.0 * s_minus / s_tr).where(s_tr > 0, 0.0).where(s_tr.notna())
        if kind == "di_spread":
            return f"di_spread_{n}", (plus_di - minus_di) / 100.0
        di_sum = plus_di + minus_di
        dx = (100.0 * (plus_di - minus_di).abs() / di_sum).where(di_sum > 0, 0.0)
        dx = dx.where(di_sum.notna())
        return f"adx_{n}", seeded_ewm(dx, n, n, 1.0 / n) / 100.0
    if kind == "obv_flow":
        (n,) = args
        v = b["volume"]
        d = c.diff()
        signed = v.where(d > 0, 0.0) - v.where(d < 0, 0.0)
        signed.iloc[0] = np.nan  # the window covers bars t-n+1..t, all with a previous close
        vol = v.where(signed.notna())
        flow, total = signed.rolling(n).sum(), vol.rolling(n).sum()
        out = (flow / total).clip(-1.0, 1.0).where(total > 0, 0.0).where(total.notna())
        return f"obv_flow_{n}", out
    if kind == "volume_ratio":
        (n,) = args
        v = b["volume"]
        mean = v.rolling(n).mean()
        return f"volume_ratio_{n}", (v / mean).where(mean > 0, 1.0).where(mean.notna())
    if kind == "cmf":
        (n,) = args
        h, low, v = b["high"], b["low"], b["volume"]
        rng = h - low
        mfm = (((c - low) - (h - c)) / rng).where(rng > 0, 0.0)
        flow, total = (mfm * v).rolling(n).sum(), v.rolling(n).sum()
        out = (flow / total).clip(-1.0, 1.0).where(total > 0, 0.0).where(total.notna())
        return f"cmf_{n}", out
    raise PeerError(f"unknown feature kind {kind}")


def compute_features(policy, bars):
    log_ret = np.log(bars["close"]).diff()
    columns = {}
    for spec in policy["features"]:
        name, values = feature_column(spec, bars, log_ret)
        columns[name] = values
    return pd.DataFrame(columns, index=bars.index)


# ---- labels -----------------------------------------------------------------------------------

def label_inputs(policy, bars):
    """Forward log return r_t, threshold scale sigma_t*sqrt(h), efficiency ratio (regime), and
    which bars have a label (labels/volatility_adaptive.hpp, labels/regime.hpp)."""
    h = policy["horizon"]
    w = policy["labeler"]["vol_window"]
    c = bars["close"]
    one_bar = np.log(c / c.shift(1))
    fwd = np.log(c.shift(-h) / c)
    scale = one_bar.rolling(w).std(ddof=1) * math.sqrt(h)
    n = len(c)
    labeled = np.zeros(n, dtype=bool)
    labeled[w: max(w, n - h)] = True
    er = None
    if policy["labeler"]["kind"] == "regime":
        path = one_bar.abs().rolling(h).sum().shift(-h)
        er = (fwd.abs() / path).where(path > 0, 0.0)
    return fwd.to_numpy(), scale.to_numpy(), (None if er is None else er.to_numpy()), labeled


def critical_k(policy, fwd, scale, er):
    """The k at and above which each row is neutral (labels/label_inputs.hpp)."""
    abs_r = np.abs(fwd)
    with np.errstate(divide="ignore", invalid="ignore"):
        crit = np.where(scale > 0, abs_r / scale, np.inf)
    crit = np.where(abs_r == 0, 0.0, crit)
    if er is not None:
        crit = np.where(er < policy["labeler"]["er_min"], 0.0, crit)
    return crit


def solve_k(critical, target):
    """k whose neutral count on these rows is closest to round(target*n), the midpoint of its
    k-interval (labels/solve_k.hpp)."""
    crit = np.sort(critical)
    n = len(crit)
    wanted = round_half_up(target * n)
    best = None  # (count, low, high)

    def consider(count, low, high):
        nonlocal best
        if best is None or abs(count - wanted) < abs(best[0] - wanted):
            best = (count, low, high)

    if crit[0] > 0:
        consider(0, 0.0, crit[0])
    values, ends = np.unique(crit[np.isfinite(crit)], return_counts=True)
    ends = np.cumsum(ends)
    for i, (v, j) in enumerate(zip(values, ends)):
        consider(int(j), float(v), float(crit[j]) if j < n else float(v))
        if j >= wanted:
            break
    if best is None:
        return 0.0
    forced = int(np.searchsorted(crit, 0.0, side="right"))
    if forced > wanted:
        return 0.0
    count, low, high = best
    return low + (high - low) / 2 if math.isfinite(high) and high > low else low


def assign_labels(fwd, critical, k):
    return np.where(critical <= k, 1, np.where(fwd > 0, 2, 0))


# ---- split ------------------------------------------------------------------------------------

def snap_to_timestamp_boundary(times, cut):
    """Moves cut to the nearest position p with times[p-1] != times[p] (or 0 / n), so rows sharing
    a timestamp stay on one side; equidistant: the earlier one (split/row_time.hpp)."""
    n = len(times)
    if cut == 0 or cut >= n:
        return min(cut, n)
    first = int(np.searchsorted(times, times[cut], side="left"))
    past = int(np.searchsorted(times, times[cut], side="right"))
    return first if cut - first <= past - cut else past


def chronological_split(times, label_end):
    """(train, calibration, test) index ranges: cuts at round(N*0.70) and round(N*0.85), snapped
    to timestamp boundaries; each later segment starts at the first row opening after the last
    label end of every earlier row (split/chronological_split.hpp)."""
    n = len(times)

    def quantile(share):
        return min(n, round_half_up(share * n))

    cut_cal = snap_to_timestamp_boundary(times, quantile(DEFAULT_SPLIT["train"]))
    cut_test = max(cut_cal, snap_to_timestamp_boundary(
        times, quantile(DEFAULT_SPLIT["train"] + DEFAULT_SPLIT["calibration"])))

    def purge_end(cut, limit):
        if cut == 0 or cut >= limit:
            return cut
        last_label_end = label_end[:cut].max()
        return cut + int(np.searchsorted(times[cut:limit], last_label_end, side="right"))

    segments = (0, cut_cal), (purge_end(cut_cal, cut_test), cut_test), (purge_end(cut_test, n), n)
    if any(e <= b for b, e in segments):
        raise PeerError(f"chronological split leaves an empty segment: {segments}")
    return segments


def purged_kfold(times, label_end, folds, embargo_seconds):
    """Blocked K-fold (boundaries round(j*n/K) snapped to timestamps). Fold j trains on the rows
    before block j whose label ends before the block's first row opens, and on the rows after it
    that open after the block's last label end + the embargo (split/purged_kfold.hpp)."""
    n = len(times)
    out, begin = [], 0
    for j in range(1, folds + 1):
        cut = n if j == folds else snap_to_timestamp_boundary(
            times, (2 * j * n + folds) // (2 * folds))
        if cut <= begin:
            raise PeerError(f"purged K-fold: validation block {j} is empty")
        first_time = times[begin]
        last_label_end = label_end[begin:cut].max()
        after = cut + int(np.searchsorted(times[cut:], last_label_end + embargo_seconds,
                                          side="right"))
        before = np.flatnonzero(label_end[:begin] < first_time)
        train = np.concatenate([before, np.arange(after, n)])
        if len(train) == 0:
            raise PeerError(f"purged K-fold: fold {j} has no training rows")
        out.append((train, np.arange(begin, cut)))
        begin = cut
    return out


def purged_tail(times, label_end, tail_share):
    """(fit, stop) positions: the latest ~tail_share rows (cut snapped to a timestamp boundary)
    stop; earlier rows whose label ends before the first stopping row opens fit
    (split/purged_tail_split.hpp)."""
    n = len(times)
    tail = round_half_up(tail_share * n)
    cut = 0 if tail >= n else snap_to_timestamp_boundary(times, n - tail)
    if 0 < cut < n:
        fit = np.flatnonzero(label_end[:cut] < times[cut])
        stop = np.arange(cut, n)
    else:
        fit, stop = np.array([], int), np.array([], int)
    if len(fit) == 0 or len(stop) == 0:
        raise PeerError("purged tail split leaves no fit or no stopping rows")
    return fit, stop


# ---- models -----------------------------------------------------------------------------------

def log_loss(p, y):
    """Mean -log p[y], clipped at 1e-15 (core/scoring_rules.hpp)."""
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-15, 1.0))))


def prior_log_loss(shares, y):
    """Log loss of the constant predictor `shares` (validation/gate_evaluation.hpp)."""
    return float(-np.mean(np.log(np.maximum(np.asarray(shares)[y], 1e-15))))


def target_mix_weights(y, targets):
    """Per-row w_c = target_c * N / count_c: the weighted class mix is the policy's target
    (labels/class_balance.hpp)."""
    counts = np.bincount(y, minlength=3)
    if (counts == 0).any():
        raise PeerError(f"a class has no training rows: counts {counts.tolist()}")
    return (np.asarray(targets) * len(y) / counts)[y]


def fit_base(spec, x, y, w, times, label_end, ctx):
    kind = spec["kind"]
    if kind == "random_forest":
        model = RandomForestClassifier(
            n_estimators=spec["trees"], max_depth=spec["max_depth"],
            min_samples_leaf=spec["min_leaf"], max_features=RF_DEFAULTS["max_features"],
            n_jobs=ctx["threads"], random_state=ctx["seed"])
        model.fit(x, y, sample_weight=w)
        return model
    if kind == "gradient_boosting":
        fit, stop = purged_tail(times, label_end, GB_DEFAULTS["tail_share"])
        model = XGBClassifier(
            n_estimators=spec["rounds"], max_depth=spec["max_depth"], learning_rate=spec["eta"],
            subsample=GB_DEFAULTS["subsample"], colsample_bytree=GB_DEFAULTS["colsample_bytree"],
            reg_alpha=GB_DEFAULTS["l1"], reg_lambda=GB_DEFAULTS["l2"],
            min_child_weight=GB_DEFAULTS["min_child_weight"], objective="multi:softprob",
            tree_method="hist", max_bin=spec.get("max_bin", 256), n_jobs=ctx["threads"],
            random_state=ctx["seed"], eval_metric="mlogloss",
            early_stopping_rounds=GB_DEFAULTS["early_stopping_rounds"])
        model.fit(x[fit], y[fit], sample_weight=w[fit], eval_set=[(x[stop], y[stop])],
                  sample_weight_eval_set=[w[stop]], verbose=False)
        return model  # predict_proba uses the best iteration
    if kind == "logistic_regression":
        return fit_logistic(spec["C"], x, y, w)
    raise PeerError(f"unknown model kind {kind}")


def fit_logistic(C, x, y, w):
    """Multinomial L2 logistic regression on standardised features with the target-mix sample
    weights only: class balance is applied once, so no class_weight (models/logistic_regression
    .hpp). newton-cg to a gradient max-norm of 1e-8 reaches mtf's Newton optimum."""
    model = make_pipeline(
        StandardScaler(),
        LogisticRegression(C=C, multi_class="multinomial", solver="newton-cg", tol=1e-8,
                           max_iter=1000, class_weight=None))
    model.fit(x, y, logisticregression__sample_weight=w)
    return model


def select_ensemble(members, y, rounds=ENSEMBLE_ROUNDS):
    """Greedy ensemble selection with replacement (Caruana et al. 2004): each round adds the
    member that lowers the unweighted log loss of the average most (ties: lower index); the best
    ensemble seen is kept (ties: the smaller). Returns (weights, log loss)
    (models/ensemble_selection.hpp)."""
    count = len(members)
    picks = np.zeros(count)
    total = np.zeros_like(members[0])
    best_weights, best_loss = None, math.inf
    for r in range(1, rounds + 1):
        chosen, chosen_loss = 0, math.inf
        for m in range(count):
            loss = log_loss((total + members[m]) / r, y)
            if loss < chosen_loss:
                chosen, chosen_loss = m, loss
        total = total + members[chosen]
        picks[chosen] += 1
        if chosen_loss < best_loss:
            best_loss, best_weights = chosen_loss, picks / r
    return best_weights, best_loss


class Stack:
    """Base models refit on all train rows and the combiner the stack guard chose."""

    def __init__(self, bases, meta, used, ensemble_weights):
        self.bases, self.meta = bases, meta
        self.used, self.ensemble_weights = used, ensemble_weights

    def base_probabilities(self, x):
        return [m.predict_proba(x) for m in self.bases]

    def combine(self, how, members):
        if how == "meta_model":
            return self.meta.predict_proba(np.hstack(members))
        if how == "ensemble":
            return sum(w * p for w, p in zip(self.ensemble_weights, members))
        raise PeerError(f"unknown combiner {how}")

    def predict_proba(self, x):
        return self.combine(self.used, self.base_probabilities(x))


def fit_stack(policy, x, y, w, times, label_end, ctx):
    """Out-of-fold stacking with the stack guard (models/stacking.hpp). Returns (stack, scores)."""
    specs = policy["base_models"]
    if len(specs) < 2:
        raise PeerError("the peer stacks two or more base models (every policy does)")
    n, b = len(y), len(specs)
    folds = purged_kfold(times, label_end, DEFAULT_SPLIT["folds"], ctx["embargo"])
    oof = np.full((n, 3 * b), np.nan)
    base_fold_losses = [[] for _ in specs]
    fold_of = np.full(n, -1)
    for f, (train, valid) in enumerate(folds):
        fold_of[valid] = f
        for i, spec in enumerate(specs):
            model = fit_base(spec, x[train], y[train], w[train], times[train], label_end[train],
                             ctx)
            p = model.predict_proba(x[valid])
            base_fold_losses[i].append(log_loss(p, y[valid]))
            oof[valid, 3 * i: 3 * i + 3] = p
    validated = np.flatnonzero(fold_of >= 0)
    y_val = y[validated]
    members = [oof[validated, 3 * i: 3 * i + 3] for i in range(b)]
    base_pooled = [log_loss(m, y_val) for m in members]
    best_base = int(np.argmin(base_pooled))  # first minimum, as mtf's strict < scan

    # Meta-model cross-fitted on the purged folds: fold f's rows scored by a meta-model fitted on
    # the validated rows among fold f's train rows, with their target-mix weights.
    meta_oof = np.full((n, 3), np.nan)
    meta_fold_losses = []
    for train, valid in folds:
        fit_rows = train[fold_of[train] >= 0]
        meta = fit_logistic(policy["meta_C"], oof[fit_rows], y[fit_rows], w[fit_rows])
        p = meta.predict_proba(oof[valid])
        meta_fold_losses.append(log_loss(p, y[valid]))
        meta_oof[valid] = p
    meta_pooled = log_loss(meta_oof[validated], y_val)
    meta = fit_logistic(policy["meta_C"], oof[validated], y_val, w[validated])
    ensemble_weights, ensemble_loss = select_ensemble(members, y_val)
    used = ("ensemble" if meta_pooled > base_pooled[best_base] + STACK_GUARD_TOLERANCE
            else "meta_model")

    bases = [fit_base(spec, x, y, w, times, label_end, ctx) for spec in specs]
    scores = {
        "base_oof_log_loss": base_pooled,
        "base_fold_log_loss": base_fold_losses,
        "meta_oof_log_loss": meta_pooled,
        "meta_fold_log_loss": meta_fold_losses,
        "ensemble_oof_log_loss": ensemble_loss,
        "ensemble_weights": [float(v) for v in ensemble_weights],
        "best_base": specs[best_base]["kind"],
        "stack_choice": used,
    }
    return Stack(bases, meta, used, ensemble_weights), scores


# ---- calibration ------------------------------------------------------------------------------

def apply_floor(p, floor):
    """Renormalise rows (all-zero rows -> uniform), floor, renormalise
    (calibration/probability_rows.hpp)."""
    s = p.sum(axis=1, keepdims=True)
    p = np.where(s > 0, p / np.where(s > 0, s, 1.0), 1.0 / p.shape[1])
    p = np.maximum(p, floor)
    return p / p.sum(axis=1, keepdims=True)


class Isotonic:
    """One increasing isotonic regression per class, one-vs-rest, clipped out of range
    (calibration/isotonic_calibrator.hpp)."""

    def __init__(self, p, y):
        self.maps = [IsotonicRegression(out_of_bounds="clip").fit(p[:, c], (y == c).astype(float))
                     for c in range(p.shape[1])]

    def predict(self, p, floor):
        out = np.column_stack([m.predict(p[:, c]) for c, m in enumerate(self.maps)])
        return apply_floor(out, floor)


class Temperature:
    """Bias-corrected temperature scaling, softmax(log(max(p, 1e-15)) / T + b)
    (calibration/temperature_scaling.hpp). In beta = 1/T and b (b_0 = 0) it minimises

        mean_i [logsumexp(beta z_i + b) - (beta z_iy + b_y)]
          + 1/2 * precision * sum_{c >= 1} (b_c - (center_c - center_0))^2,
        precision = prior_rows * (1/K)(1 - 1/K) / rows,

    beta in [1/100, 1/0.01], b_c in [-30, 30], started at beta = 1, b = the prior's centre; the
    stored biases are re-centred to sum 0. Convex: L-BFGS-B reaches mtf's projected-Newton
    optimum."""

    MAX_BIAS = 30.0

    def __init__(self, p, y, center=None, prior_rows=0.0):
        rows, k = p.shape
        z = np.log(np.maximum(p, 1e-15))
        rel = np.zeros(k) if center is None else np.asarray(center) - center[0]
        precision = 0.0 if center is None else prior_rows * (1.0 / k) * (1.0 - 1.0 / k) / rows
        onehot = np.zeros((rows, k))
        onehot[np.arange(rows), y] = 1.0
        z_y = z[np.arange(rows), y]

        def objective(theta):
            beta, bias = theta[0], np.concatenate([[0.0], theta[1:]])
            s = beta * z + bias
            top = s.max(axis=1, keepdims=True)
            e = np.exp(s - top)
            total = e.sum(axis=1, keepdims=True)
            q = e / total
            loss = float(np.mean(np.log(total[:, 0]) + top[:, 0] - (beta * z_y + bias[y])))
            off = theta[1:] - rel[1:]
            grad = np.empty(k)
            grad[0] = float(np.mean((q * z).sum(axis=1) - z_y))
            grad[1:] = (q - onehot)[:, 1:].mean(axis=0) + precision * off
            return loss + 0.5 * precision * float(off @ off), grad

        start = np.concatenate([[1.0], np.clip(rel[1:], -self.MAX_BIAS, self.MAX_BIAS)])
        bounds = [(1.0 / 100.0, 1.0 / 0.01)] + [(-self.MAX_BIAS, self.MAX_BIAS)] * (k - 1)
        r = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds,
                     options={"ftol": 1e-15, "gtol": 1e-11, "maxiter": 1000})
        self.temperature = 1.0 / float(r.x[0])
        bias = np.concatenate([[0.0], r.x[1:]])
        self.bias = bias - bias.mean()

    def predict(self, p, floor):
        s = np.log(np.maximum(p, 1e-15)) / self.temperature + self.bias
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return apply_floor(e / e.sum(axis=1, keepdims=True), floor)


def check_folds(times, label_end, folds):
    """Contiguous blocks [rows*k/K, rows*(k+1)/K) and the rows a calibrator may be fitted on for
    each: before the block with label end < block's first time, after it opening after the
    block's last label end (calibration/calibrator.hpp make_check_folds)."""
    rows = len(times)
    out = []
    for k in range(folds):
        begin, stop = rows * k // folds, rows * (k + 1) // folds
        last_end = label_end[begin:stop].max() if stop > begin else np.iinfo(np.int64).min
        before = np.flatnonzero(label_end[:begin] < times[begin]) if begin < stop else \
            np.array([], int)
        after = stop + np.flatnonzero(times[stop:] > last_end)
        out.append((begin, stop, np.concatenate([before, after])))
    return out


def fit_calibrator(p, y, times, label_end, center):
    """Isotonic only with >= min_isotonic_rows rows and when it does not lose the purged
    contiguous K-fold check against (prior-held) temperature scaling; otherwise temperature
    scaling (calibration/calibrator.hpp fit_calibrator). Returns (calibrator, method, check)."""
    spec = DEFAULT_CALIBRATION
    rows, folds, floor = len(y), spec["check_folds"], spec["floor"]
    prior_rows = spec["bias_prior_rows"]

    def temperature(pp, yy):
        return Temperature(pp, yy, center, prior_rows)

    if rows < spec["min_isotonic_rows"]:
        return temperature(p, y), "temperature", None
    parts = check_folds(times, label_end, folds)
    if rows < 2 * folds or min(min(e - b, len(fit)) for b, e, fit in parts) < 2:
        return temperature(p, y), "temperature", None
    iso_oof, temp_oof = np.empty_like(p), np.empty_like(p)
    for begin, end, fit in parts:
        iso_oof[begin:end] = Isotonic(p[fit], y[fit]).predict(p[begin:end], floor)
        temp_oof[begin:end] = temperature(p[fit], y[fit]).predict(p[begin:end], floor)
    check = {"isotonic": log_loss(iso_oof, y), "temperature": log_loss(temp_oof, y)}
    if check["isotonic"] > check["temperature"]:
        return temperature(p, y), "temperature", check
    return Isotonic(p, y), "isotonic", check


# ---- the retrain ------------------------------------------------------------------------------

def build_rows(policy, bars):
    """Rows with complete features and a label window inside the bars, their open times and
    label ends (open time of the bar `horizon` bars later) (pipeline/dataset.hpp merge_rows)."""
    feats = compute_features(policy, bars)
    x_all = feats.to_numpy()
    bad = np.flatnonzero(~np.isfinite(x_all).all(axis=1))
    first_complete = int(bad[-1]) + 1 if len(bad) else 0
    fwd, scale, er, labeled = label_inputs(policy, bars)
    usable = labeled.copy()
    usable[:first_complete] = False
    idx = np.flatnonzero(usable)
    bar_times = bars.index.asi8 // 10**9
    times = bar_times[idx]
    label_end = bar_times[idx + policy["horizon"]]
    return (feats, x_all[idx], times, label_end, fwd[idx], scale[idx],
            (None if er is None else er[idx]))


def retrain(policy, data, seed, threads):
    bars, dropped_older, dropped_later = cut_window(
        load_bars(data, policy["bar_seconds"]), policy["bar_seconds"], policy["history_days"])
    if len(bars) == 0:
        raise PeerError(f"{data}: no bar closes in the training window")
    _, x, times, label_end, fwd, scale, er = build_rows(policy, bars)
    (tr_b, tr_e), (ca_b, ca_e), (te_b, te_e) = chronological_split(times, label_end)
    crit = critical_k(policy, fwd, scale, er)
    k = solve_k(crit[tr_b:tr_e], policy["class_targets"][1])
    y = assign_labels(fwd, crit, k)

    y_train = y[tr_b:tr_e]
    w_train = target_mix_weights(y_train, policy["class_targets"])
    raw_share = np.bincount(y_train, minlength=3) / len(y_train)
    weighted_share = np.bincount(y_train, weights=w_train, minlength=3) / w_train.sum()
    y_cal, y_test = y[ca_b:ca_e], y[te_b:te_e]
    cal_share = np.bincount(y_cal, minlength=3) / len(y_cal)

    embargo_bars = DEFAULT_SPLIT["embargo_bars"]
    embargo = (policy["horizon"] if embargo_bars is None else embargo_bars) * policy["bar_seconds"]
    ctx = {"seed": seed, "threads": threads, "embargo": embargo}
    stack, scores = fit_stack(policy, x[tr_b:tr_e], y_train, w_train, times[tr_b:tr_e],
                              label_end[tr_b:tr_e], ctx)
    # The bias prior undoes the target-mix re-weighting: log(train share / weighted share).
    center = np.log(raw_share / weighted_share)
    calibrator, method, check = fit_calibrator(
        stack.predict_proba(x[ca_b:ca_e]), y_cal, times[ca_b:ca_e], label_end[ca_b:ca_e], center)
    members = stack.base_probabilities(x[te_b:te_e])
    p_raw = stack.combine(stack.used, members)
    p = calibrator.predict(p_raw, DEFAULT_CALIBRATION["floor"])
    test_log_loss = log_loss(p, y_test)
    prior_train, prior_cal = prior_log_loss(raw_share, y_test), prior_log_loss(cal_share, y_test)
    result = {
        "rows": int(len(y)),
        "window_bars": int(len(bars)),
        "dropped_older_than_history": int(dropped_older),
        "dropped_after_end": int(dropped_later),
        "train_rows": int(tr_e - tr_b),
        "calibration_rows": int(ca_e - ca_b),
        "test_rows": int(te_e - te_b),
        "k": float(k),
        "raw_share": raw_share.tolist(),
        "calibration_share": cal_share.tolist(),
        "calibration": method,
        "test_log_loss": test_log_loss,
        "test_log_loss_uncalibrated": log_loss(p_raw, y_test),
        "prior_log_loss": prior_train,
        "calibration_prior_log_loss": prior_cal,
        "skill": bool(test_log_loss < min(prior_train, prior_cal)),
        "base_test_log_loss": [log_loss(m, y_test) for m in members],
        "meta_test_log_loss": log_loss(stack.combine("meta_model", members), y_test),
        "ensemble_test_log_loss": log_loss(stack.combine("ensemble", members), y_test),
        **scores,
    }
    if method == "temperature":
        result["temperature"] = calibrator.temperature
        result["temperature_bias"] = calibrator.bias.tolist()
    if check is not None:
        result["calibration_check_log_loss"] = check
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeframe", required=True, choices=sorted(POLICIES))
    parser.add_argument("--data", required=True, help="OHLCV CSV (timestamp,open,...,volume)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2, help="n_jobs of the forest and booster")
    parser.add_argument("--features-out",
                        help="also write the feature matrix of every bar of the file (not only the "
                             "training window, as `retrain_<tf> features` does) as CSV")
    args = parser.parse_args()
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    # Solver chatter (newton-cg's line search at rounding level, pandas/sklearn deprecations) is
    # not part of the result; errors still propagate.
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message="The line search algorithm did not converge")
    warnings.filterwarnings("ignore", message="Rounding errors prevent the line search")
    policy = POLICIES[args.timeframe]
    try:
        if args.features_out:
            out = compute_features(policy, load_bars(args.data, policy["bar_seconds"]))
            out.index = out.index.strftime("%Y-%m-%dT%H:%M:%SZ")
            out.to_csv(args.features_out, index_label="timestamp", float_format="%.17g")
        result = retrain(policy, args.data, args.seed, args.threads)
    except PeerError as e:
        print(f"peer: {e}", file=sys.stderr)
        return 2
    line = {"timeframe": args.timeframe, "rows": result.pop("rows"),
            "test_log_loss": result.pop("test_log_loss"),
            "wall_seconds": round(time.perf_counter() - _START, 3), **result,
            "data": os.path.abspath(args.data)}
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
