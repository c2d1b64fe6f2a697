#!/usr/bin/python3
"""The Python peer of mtf's retrain (issue 7, "Performance"): the same method written the way a
Python team would write it, with pandas, scikit-learn and xgboost's scikit-learn API.

Same data, same policy values, same splits as `retrain_<tf> train` (the C++ code is the
reference; each step below names the mtf header it mirrors):

  intake       CSV -> pandas, resampled to the policy's bar with UTC-anchored buckets; partial
               leading/trailing buckets dropped                     (intake/resample.hpp)
  features     the policy's feature list, pandas rolling windows and ewm with TA-Lib/TTR
               seeding (SMA seed at the end of the first window)    (features/feature_values.hpp)
  labels       volatility-adaptive or regime labels, k solved on the training rows so that the
               neutral share hits the policy target                 (labels/*.hpp)
  split        chronological 70/15/15 with a horizon purge between segments; purged blocked
               5-fold on train                                      (split/*.hpp)
  weights      w_c = target_c * N / count_c                        (labels/class_balance.hpp)
  models       sklearn RandomForestClassifier, xgboost XGBClassifier (multi:softprob, hist, early
               stopping on a purged 15% tail, patience 50), sklearn LogisticRegression
               (multinomial, lbfgs, class_weight='balanced', standardised)   (models/*.hpp)
  stacking     out-of-fold base probabilities -> class-balanced logistic meta (C from the policy),
               meta cross-fitted over the folds for its score, bases refit on all train
               (models/stacking.hpp)
  calibration  isotonic per class one-vs-rest + renormalise + floor 1e-6; temperature scaling
               below 1000 rows or when isotonic loses a purged 5-fold contiguous check
               (calibration/calibrator.hpp)
  test         log loss of the calibrated probabilities on the test segment

Deviations from mtf, all deliberate and documented:
  * The random forest is scikit-learn's (what Python teams use), not xgboost's random-forest mode:
    bootstrap=True with n draws (63.2% distinct rows per tree: mtf's subsample 0.632),
    max_features=0.6 (mtf's colsample_bynode 0.6), min_samples_leaf=min_leaf (mtf approximates
    "min_leaf rows" through xgboost's min_child_weight), leaf probabilities are class
    frequencies rather than xgboost's averaged Newton steps. Same trees, depth, seed, weights.
  * Logistic regressions use lbfgs with scikit-learn's default tolerance (mtf runs Newton to a
    1e-10 gradient): same objective, optimum reached to ~1e-4.
  * Rolling sums are pandas' (plain running sums); mtf uses compensated sums. Differences are at
    rounding level (checked against `retrain_<tf> features` by check_features.py).
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
from scipy.optimize import minimize_scalar  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.isotonic import IsotonicRegression  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from xgboost import XGBClassifier  # noqa: E402

# ---- policies: the values `retrain_<tf> policy` prints (timeframes/tf_*.hpp) ------------------

DEFAULT_SPLIT = {"train": 0.70, "calibration": 0.15, "test": 0.15, "folds": 5}
DEFAULT_CALIBRATION = {"min_isotonic_rows": 1000, "check_folds": 5, "floor": 1e-6}

POLICIES = {
    "5m": {
        "bar_seconds": 300,
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
            {"kind": "gradient_boosting", "rounds": 150, "max_depth": 8, "eta": 0.05},
        ],
        "meta_C": 0.1,
    },
    "12h": {
        "bar_seconds": 43200,
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
    """(name, values) of one feature spec on bars b (features/feature_values.hpp)."""
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

def chronological_split(times, purge):
    """(train, calibration, test) index ranges; later segments start more than `purge` seconds
    after the previous segment's last row (split/chronological_split.hpp)."""
    n = len(times)
    cut_cal = min(n, round_half_up(DEFAULT_SPLIT["train"] * n))
    cut_test = max(cut_cal, min(n, round_half_up(
        (DEFAULT_SPLIT["train"] + DEFAULT_SPLIT["calibration"]) * n)))

    def purge_end(cut, limit):
        if cut == 0 or cut >= limit:
            return cut
        return cut + int(np.searchsorted(times[cut:limit], times[cut - 1] + purge, side="right"))

    segments = (0, cut_cal), (purge_end(cut_cal, cut_test), cut_test), (purge_end(cut_test, n), n)
    if any(e <= b for b, e in segments):
        raise PeerError(f"chronological split leaves an empty segment: {segments}")
    return segments


def purged_kfold(times, folds, purge):
    """Blocked K-fold with the train rows purged around each validation block
    (split/purged_kfold.hpp)."""
    n = len(times)
    out, begin = [], 0
    for j in range(1, folds + 1):
        cut = n if j == folds else (2 * j * n + folds) // (2 * folds)
        if cut <= begin:
            raise PeerError(f"purged K-fold: validation block {j} is empty")
        first, last = times[begin], times[cut - 1]
        before = int(np.searchsorted(times, first - purge, side="left"))
        after = int(np.searchsorted(times, last + purge, side="right"))
        train = np.concatenate([np.arange(0, before), np.arange(after, n)])
        if len(train) == 0:
            raise PeerError(f"purged K-fold: fold {j} has no training rows")
        out.append((train, np.arange(begin, cut)))
        begin = cut
    return out


def purged_tail(times, tail_share, purge):
    """(fit, stop) positions: the latest ~tail_share rows stop, earlier rows more than `purge`
    before the first stopping row fit (split/purged_tail_split.hpp)."""
    n = len(times)
    tail = round_half_up(tail_share * n)
    cut = 0 if tail >= n else n - tail
    fit = np.flatnonzero(times[:cut] < times[cut] - purge) if 0 < cut < n else np.array([], int)
    stop = np.arange(cut, n) if 0 < cut < n else np.array([], int)
    if len(fit) == 0 or len(stop) == 0:
        raise PeerError("purged tail split leaves no fit or no stopping rows")
    return fit, stop


# ---- models -----------------------------------------------------------------------------------

def log_loss(p, y):
    """Mean -log p[y], clipped at 1e-15 (core/scoring_rules.hpp)."""
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-15, 1.0))))


def fit_base(spec, x, y, w, times, ctx):
    kind = spec["kind"]
    if kind == "random_forest":
        model = RandomForestClassifier(
            n_estimators=spec["trees"], max_depth=spec["max_depth"],
            min_samples_leaf=spec["min_leaf"], max_features=RF_DEFAULTS["max_features"],
            n_jobs=ctx["threads"], random_state=ctx["seed"])
        model.fit(x, y, sample_weight=w)
        return model
    if kind == "gradient_boosting":
        fit, stop = purged_tail(times, GB_DEFAULTS["tail_share"], ctx["purge"])
        model = XGBClassifier(
            n_estimators=spec["rounds"], max_depth=spec["max_depth"], learning_rate=spec["eta"],
            subsample=GB_DEFAULTS["subsample"], colsample_bytree=GB_DEFAULTS["colsample_bytree"],
            reg_alpha=GB_DEFAULTS["l1"], reg_lambda=GB_DEFAULTS["l2"],
            min_child_weight=GB_DEFAULTS["min_child_weight"], objective="multi:softprob",
            tree_method="hist", n_jobs=ctx["threads"], random_state=ctx["seed"],
            eval_metric="mlogloss", early_stopping_rounds=GB_DEFAULTS["early_stopping_rounds"])
        model.fit(x[fit], y[fit], sample_weight=w[fit], eval_set=[(x[stop], y[stop])],
                  sample_weight_eval_set=[w[stop]], verbose=False)
        return model  # predict_proba uses the best iteration
    if kind == "logistic_regression":
        return fit_logistic(spec["C"], x, y, w)
    raise PeerError(f"unknown model kind {kind}")


def fit_logistic(C, x, y, w=None):
    model = make_pipeline(
        StandardScaler(),
        LogisticRegression(C=C, multi_class="multinomial", solver="lbfgs",
                           class_weight="balanced", max_iter=1000))
    model.fit(x, y, logisticregression__sample_weight=w)
    return model


def fit_stack(policy, x, y, w, times, ctx):
    """Out-of-fold stacking (models/stacking.hpp). Returns (bases, meta, scores)."""
    specs = policy["base_models"]
    n, b = len(y), len(specs)
    folds = purged_kfold(times, DEFAULT_SPLIT["folds"], ctx["purge"])
    oof = np.full((n, 3 * b), np.nan)
    base_losses = [[] for _ in specs]
    fold_of = np.full(n, -1)
    for f, (train, valid) in enumerate(folds):
        fold_of[valid] = f
        for i, spec in enumerate(specs):
            model = fit_base(spec, x[train], y[train], w[train], times[train], ctx)
            p = model.predict_proba(x[valid])
            base_losses[i].append(log_loss(p, y[valid]))
            oof[valid, 3 * i: 3 * i + 3] = p
    validated = np.flatnonzero(fold_of >= 0)
    meta_losses = []
    for f in range(len(folds)):
        own, other = validated[fold_of[validated] == f], validated[fold_of[validated] != f]
        meta = fit_logistic(policy["meta_C"], oof[other], y[other])
        meta_losses.append(log_loss(meta.predict_proba(oof[own]), y[own]))
    meta = fit_logistic(policy["meta_C"], oof[validated], y[validated])
    bases = [fit_base(spec, x, y, w, times, ctx) for spec in specs]
    scores = {"base_oof_log_loss": [float(np.mean(v)) for v in base_losses],
              "meta_oof_log_loss": float(np.mean(meta_losses))}
    return bases, meta, scores


def predict_stack(bases, meta, x):
    return meta.predict_proba(np.hstack([m.predict_proba(x) for m in bases]))


# ---- calibration ------------------------------------------------------------------------------

def apply_floor(p, floor):
    """Renormalise rows (all-zero rows -> uniform), floor, renormalise
    (calibration/probability_rows.hpp)."""
    s = p.sum(axis=1, keepdims=True)
    p = np.where(s > 0, p / np.where(s > 0, s, 1.0), 1.0 / p.shape[1])
    p = np.maximum(p, floor)
    return p / p.sum(axis=1, keepdims=True)


class Isotonic:
    """One increasing isotonic regression per class, one-vs-rest, clipped out of range."""

    def __init__(self, p, y):
        self.maps = [IsotonicRegression(out_of_bounds="clip").fit(p[:, c], (y == c).astype(float))
                     for c in range(p.shape[1])]

    def predict(self, p, floor):
        out = np.column_stack([m.predict(p[:, c]) for c, m in enumerate(self.maps)])
        return apply_floor(out, floor)


class Temperature:
    """p_c^(1/T) renormalised, T in [0.01, 100] minimising the mean log loss."""

    def __init__(self, p, y):
        z = np.log(np.maximum(p, 1e-15))
        rows = np.arange(len(y))

        def loss(beta):
            s = beta * z
            s = s - s.max(axis=1, keepdims=True)
            return float(np.mean(np.log(np.exp(s).sum(axis=1)) - s[rows, y]))

        r = minimize_scalar(loss, bounds=(1.0 / 100.0, 1.0 / 0.01), method="bounded",
                            options={"xatol": 1e-12})
        self.beta = float(r.x)

    def predict(self, p, floor):
        s = self.beta * np.log(np.maximum(p, 1e-15))
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return apply_floor(e / e.sum(axis=1, keepdims=True), floor)


def fit_calibrator(p, y, purge_rows):
    """Isotonic unless the split is small or isotonic loses the purged contiguous K-fold check
    against temperature scaling (calibration/calibrator.hpp)."""
    spec = DEFAULT_CALIBRATION
    rows, folds, floor = len(y), spec["check_folds"], spec["floor"]
    if rows < spec["min_isotonic_rows"]:
        return Temperature(p, y), "temperature"
    iso_oof, temp_oof = np.empty_like(p), np.empty_like(p)
    for k in range(folds):
        begin, end = rows * k // folds, rows * (k + 1) // folds
        keep = np.ones(rows, dtype=bool)
        keep[max(0, begin - purge_rows): min(rows, end + purge_rows)] = False
        iso_oof[begin:end] = Isotonic(p[keep], y[keep]).predict(p[begin:end], floor)
        temp_oof[begin:end] = Temperature(p[keep], y[keep]).predict(p[begin:end], floor)
    if log_loss(iso_oof, y) > log_loss(temp_oof, y):
        return Temperature(p, y), "temperature"
    return Isotonic(p, y), "isotonic"


# ---- the retrain ------------------------------------------------------------------------------

def build_rows(policy, bars):
    feats = compute_features(policy, bars)
    x_all = feats.to_numpy()
    bad = np.flatnonzero(~np.isfinite(x_all).all(axis=1))
    first_complete = int(bad[-1]) + 1 if len(bad) else 0
    fwd, scale, er, labeled = label_inputs(policy, bars)
    usable = labeled.copy()
    usable[:first_complete] = False
    idx = np.flatnonzero(usable)
    times = bars.index.asi8[idx] // 10**9
    return feats, x_all[idx], times, fwd[idx], scale[idx], (None if er is None else er[idx])


def retrain(policy, data, seed, threads):
    bars = load_bars(data, policy["bar_seconds"])
    feats, x, times, fwd, scale, er = build_rows(policy, bars)
    purge = policy["horizon"] * policy["bar_seconds"]
    (tr_b, tr_e), (ca_b, ca_e), (te_b, te_e) = chronological_split(times, purge)
    crit = critical_k(policy, fwd, scale, er)
    k = solve_k(crit[tr_b:tr_e], policy["class_targets"][1])
    y = assign_labels(fwd, crit, k)

    y_train = y[tr_b:tr_e]
    counts = np.bincount(y_train, minlength=3)
    if (counts == 0).any():
        raise PeerError(f"a class has no training rows: counts {counts.tolist()}")
    class_w = np.array(policy["class_targets"]) * len(y_train) / counts
    w_train = class_w[y_train]

    ctx = {"seed": seed, "threads": threads, "purge": purge}
    bases, meta, scores = fit_stack(policy, x[tr_b:tr_e], y_train, w_train, times[tr_b:tr_e], ctx)
    calibrator, method = fit_calibrator(predict_stack(bases, meta, x[ca_b:ca_e]), y[ca_b:ca_e],
                                        policy["horizon"])
    p_raw = predict_stack(bases, meta, x[te_b:te_e])
    p = calibrator.predict(p_raw, DEFAULT_CALIBRATION["floor"])
    return {
        "rows": int(len(y)),
        "train_rows": int(tr_e - tr_b),
        "calibration_rows": int(ca_e - ca_b),
        "test_rows": int(te_e - te_b),
        "k": float(k),
        "calibration": method,
        "test_log_loss": log_loss(p, y[te_b:te_e]),
        "test_log_loss_uncalibrated": log_loss(p_raw, y[te_b:te_e]),
        **scores,
    }, feats, bars


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeframe", required=True, choices=sorted(POLICIES))
    parser.add_argument("--data", required=True, help="OHLCV CSV (timestamp,open,...,volume)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2, help="n_jobs of the forest and booster")
    parser.add_argument("--features-out", help="also write the feature matrix (all bars) as CSV")
    args = parser.parse_args()
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    # lbfgs convergence chatter is not part of the result; errors still propagate.
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    try:
        result, feats, bars = retrain(POLICIES[args.timeframe], args.data, args.seed, args.threads)
    except PeerError as e:
        print(f"peer: {e}", file=sys.stderr)
        return 2
    if args.features_out:
        out = feats.copy()
        out.index = out.index.strftime("%Y-%m-%dT%H:%M:%SZ")
        out.to_csv(args.features_out, index_label="timestamp", float_format="%.17g")
    line = {"timeframe": args.timeframe, "rows": result.pop("rows"),
            "test_log_loss": result.pop("test_log_loss"),
            "wall_seconds": round(time.perf_counter() - _START, 3), **result,
            "data": os.path.abspath(args.data)}
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
