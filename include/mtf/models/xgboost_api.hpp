#pragma once
/// \file The one place mtf includes xgboost's C API (xgboost 1.7.4 on Debian 12): RAII handles
/// for DMatrix and Booster, a `check` that turns a return code into `mtf::model_error`, and the
/// few calls the models stage needs. Version facts this file relies on (SPEC §3):
/// * `XGBoosterPredictFromDense` needs `"cache_id": 0` in its config;
/// * `validate_parameters=1` only *warns* about an unknown parameter name, so `booster::configure`
///   captures xgboost's log during configuration and throws with xgboost's own message;
/// * early stopping is a loop over `XGBoosterEvalOneIter` plus `XGBoosterSlice` (callers do it).

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/core/file_write.hpp"
#include "mtf/core/xtensor.hpp"
#include "mtf/models/xgboost_model_check.hpp"

namespace mtf::xgb {

/// Throws `mtf::model_error` with `what` and xgboost's last error message when `rc` != 0.
inline void check(int rc, std::string_view what = "xgboost call") {
  if (rc != 0) {
    const char* last = XGBGetLastError();
    throw model_error("xgboost: " + std::string(what) +
                      " failed: " + (last ? last : "(no message)"));
  }
}

namespace detail {
/// Per-thread sink for xgboost log lines while a configuration is being validated; null means
/// "print to stderr as xgboost would".
inline thread_local std::string* log_capture = nullptr;

inline void log_callback(const char* message) {
  if (log_capture != nullptr) {
    log_capture->append(message);
    log_capture->push_back('\n');
  } else {
    std::fprintf(stderr, "%s\n", message);
  }
}

/// Installs mtf's log callback once per process. xgboost has a single global callback; ours
/// forwards everything to stderr except while `booster::configure` listens on this thread.
inline void install_log_callback() {
  static const int installed = XGBRegisterLogCallback(&log_callback);
  check(installed, "XGBRegisterLogCallback");
}

/// `__array_interface__` JSON describing a row-major double matrix, so xgboost reads our
/// storage directly ("<f8", little-endian doubles; read-only).
inline std::string array_interface(const matrix& x) {
  const auto address = reinterpret_cast<std::uintptr_t>(x.data());
  return "{\"data\":[" + std::to_string(address) + ",true],\"shape\":[" +
         std::to_string(x.shape()[0]) + "," + std::to_string(x.shape()[1]) +
         "],\"strides\":null,\"typestr\":\"<f8\",\"version\":3}";
}

inline void require_finite(const matrix& x, std::string_view what) {
  for (std::size_t i = 0; i < x.shape()[0]; ++i)
    for (std::size_t j = 0; j < x.shape()[1]; ++j)
      if (!std::isfinite(x(i, j)))
        throw model_error(std::string(what) + ": feature matrix has a non-finite value at row " +
                          std::to_string(i) + ", column " + std::to_string(j));
}
}  // namespace detail

/// Whether a DMatrix may hold no rows. Only one worker's share of a distributed fit may: a
/// worker whose symbols have no rows in some part (a fold, the early-stopping tail) still joins
/// every collective call, and the other workers' rows make the model.
enum class empty_share { refused, allowed };

/// Owning handle of an xgboost DMatrix (move-only; freed on destruction).
class dmatrix {
 public:
  /// Builds a DMatrix from a row-major double matrix. xgboost reads our buffer through its
  /// array interface (no copy on mtf's side; xgboost keeps its own float32 copy). Non-finite
  /// values are rejected: mtf never hands xgboost "missing" features.
  /// Labels must be 0, 1 or 2; `weights` is empty (all 1) or one non-negative weight per row.
  dmatrix(const matrix& x, std::span<const int> labels, std::span<const double> weights,
          int threads = 0, empty_share empty = empty_share::refused) {
    const std::size_t rows = x.shape()[0];
    if ((rows == 0 && empty == empty_share::refused) || x.shape()[1] == 0)
      throw model_error("xgboost DMatrix: empty feature matrix");
    if (labels.size() != rows)
      throw model_error("xgboost DMatrix: " + std::to_string(rows) + " feature rows but " +
                        std::to_string(labels.size()) + " labels");
    if (!weights.empty() && weights.size() != rows)
      throw model_error("xgboost DMatrix: " + std::to_string(rows) + " feature rows but " +
                        std::to_string(weights.size()) + " weights");
    detail::require_finite(x, "xgboost DMatrix");
    // Everything is validated and converted before the handle exists: a constructor that throws
    // never runs the destructor, so a throw after creation would leak the DMatrix.
    std::vector<float> label_buffer(rows), weight_buffer;
    for (std::size_t i = 0; i < rows; ++i) {
      if (labels[i] < 0 || labels[i] > 2)
        throw model_error("xgboost DMatrix: label " + std::to_string(labels[i]) + " at row " +
                          std::to_string(i) + " is not a class 0, 1 or 2");
      label_buffer[i] = static_cast<float>(labels[i]);
    }
    if (!weights.empty()) {
      weight_buffer.resize(rows);
      for (std::size_t i = 0; i < rows; ++i) {
        if (!(weights[i] >= 0.0) || !std::isfinite(weights[i]))
          throw model_error("xgboost DMatrix: weight at row " + std::to_string(i) +
                            " is negative or not finite");
        weight_buffer[i] = static_cast<float>(weights[i]);
      }
    }
    const std::string config =
        "{\"missing\":NaN,\"nthread\":" + std::to_string(threads < 0 ? 0 : threads) + "}";
    check(XGDMatrixCreateFromDense(detail::array_interface(x).c_str(), config.c_str(), &handle_),
          "XGDMatrixCreateFromDense");
    try {
      check(XGDMatrixSetFloatInfo(handle_, "label", label_buffer.data(), rows), "set labels");
      if (!weight_buffer.empty())
        check(XGDMatrixSetFloatInfo(handle_, "weight", weight_buffer.data(), rows), "set weights");
    } catch (...) {
      reset();
      throw;
    }
  }
  dmatrix(const dmatrix&) = delete;
  dmatrix& operator=(const dmatrix&) = delete;
  dmatrix(dmatrix&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  dmatrix& operator=(dmatrix&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  ~dmatrix() { reset(); }

  /// The raw handle, for C API calls; owned by this object.
  [[nodiscard]] DMatrixHandle get() const noexcept { return handle_; }

 private:
  void reset() noexcept {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
    handle_ = nullptr;
  }
  DMatrixHandle handle_ = nullptr;
};

/// Owning handle of an xgboost Booster (move-only; freed on destruction).
class booster {
 public:
  /// A booster whose training cache holds `cache` (the matrices it is trained and evaluated on;
  /// they must outlive the training calls). An empty list gives a booster for loading a model.
  explicit booster(std::span<const dmatrix* const> cache = {}) {
    detail::install_log_callback();
    std::vector<DMatrixHandle> handles;
    for (const dmatrix* d : cache)
      handles.push_back(d->get());
    check(XGBoosterCreate(handles.data(), handles.size(), &handle_), "XGBoosterCreate");
  }
  booster(const booster&) = delete;
  booster& operator=(const booster&) = delete;
  booster(booster&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  booster& operator=(booster&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  ~booster() { reset(); }

  /// The raw handle, for C API calls; owned by this object.
  [[nodiscard]] BoosterHandle get() const noexcept { return handle_; }

  /// Sets one training parameter (validated later by `configure`).
  void set_param(const std::string& name, const std::string& value) {
    check(XGBoosterSetParam(handle_, name.c_str(), value.c_str()), "set parameter " + name);
  }

  /// Applies the parameters now and fails on any parameter xgboost would ignore. xgboost 1.7
  /// (with validate_parameters=1) only logs `Parameters: { "x" } are not used.`; this captures
  /// the log of the configuration step on this thread and throws `model_error` with it.
  void configure() {
    std::string captured;
    detail::log_capture = &captured;
    bst_ulong length = 0;
    const char* config = nullptr;
    const int rc = XGBoosterSaveJsonConfig(handle_, &length, &config);
    detail::log_capture = nullptr;
    check(rc, "configure booster");
    if (captured.find("are not used") != std::string::npos)
      throw model_error("xgboost rejected the parameters: " + captured);
    if (!captured.empty()) std::fprintf(stderr, "%s", captured.c_str());
  }

  /// One boosting round with the configured objective.
  void update_one_iter(int iteration, const dmatrix& train) {
    check(XGBoosterUpdateOneIter(handle_, iteration, train.get()), "XGBoosterUpdateOneIter");
  }

  /// One boosting round from caller-supplied gradient and hessian (rows x classes, row-major).
  void boost_one_iter(const dmatrix& train, std::vector<float>& gradient,
                      std::vector<float>& hessian) {
    if (gradient.size() != hessian.size())
      throw model_error("xgboost: gradient and hessian differ in length");
    check(XGBoosterBoostOneIter(handle_, train.get(), gradient.data(), hessian.data(),
                                gradient.size()),
          "XGBoosterBoostOneIter");
  }

  /// Value of the (single) evaluation metric on `data` after round `iteration`, parsed from
  /// xgboost's "[i]\tname-metric:value" string.
  [[nodiscard]] double eval_one_iter(int iteration, const dmatrix& data) {
    DMatrixHandle handles[1] = {data.get()};
    const char* names[1] = {"tail"};
    const char* result = nullptr;
    check(XGBoosterEvalOneIter(handle_, iteration, handles, names, 1, &result),
          "XGBoosterEvalOneIter");
    const std::string text = result ? result : "";
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) throw model_error("xgboost: unexpected evaluation: " + text);
    return std::stod(text.substr(colon + 1));
  }

  /// Rounds boosted so far.
  [[nodiscard]] int boosted_rounds() const {
    int rounds = 0;
    check(XGBoosterBoostedRounds(handle_, &rounds), "XGBoosterBoostedRounds");
    return rounds;
  }

  /// A new booster holding rounds [begin, end) of this one.
  [[nodiscard]] booster slice(int begin, int end) const {
    booster out(empty_tag{});
    check(XGBoosterSlice(handle_, begin, end, 1, &out.handle_), "XGBoosterSlice");
    return out;
  }

  /// Raw margins for the training rows (rows x classes), as the objective sees them during
  /// training (`training: true`).
  [[nodiscard]] std::vector<float> training_margins(const dmatrix& train,
                                                    std::size_t expected_values) const {
    const char* config =
        "{\"type\":1,\"training\":true,\"iteration_begin\":0,\"iteration_end\":0,"
        "\"strict_shape\":false}";
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* values = nullptr;
    check(XGBoosterPredictFromDMatrix(handle_, train.get(), config, &shape, &dims, &values),
          "XGBoosterPredictFromDMatrix (margins)");
    bst_ulong total = 1;
    for (bst_ulong d = 0; d < dims; ++d)
      total *= shape[d];
    if (total != expected_values)
      throw model_error("xgboost: margin prediction has " + std::to_string(total) +
                        " values, expected " + std::to_string(expected_values));
    return std::vector<float>(values, values + total);
  }

  /// Class probabilities for every row of `x` (rows x 3), predicted in place from our dense
  /// buffer with strict output shape.
  [[nodiscard]] matrix predict_proba(const matrix& x) const {
    if (x.shape()[0] == 0) return matrix(std::array<std::size_t, 2>{0, 3});
    detail::require_finite(x, "xgboost predict");
    const char* config =
        "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
        "\"strict_shape\":true,\"cache_id\":0,\"missing\":NaN}";
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* values = nullptr;
    check(XGBoosterPredictFromDense(handle_, detail::array_interface(x).c_str(), config, nullptr,
                                    &shape, &dims, &values),
          "XGBoosterPredictFromDense");
    if (dims != 2 || shape[0] != x.shape()[0] || shape[1] != 3)
      throw model_error("xgboost: prediction is not rows x 3 (is the model multi:softprob?)");
    matrix out(std::array<std::size_t, 2>{x.shape()[0], 3});
    std::copy(values, values + out.size(), out.data());
    return out;
  }

  /// Number of features the model was trained on.
  [[nodiscard]] std::size_t num_features() const {
    bst_ulong n = 0;
    check(XGBoosterGetNumFeature(handle_, &n), "XGBoosterGetNumFeature");
    return static_cast<std::size_t>(n);
  }

  /// Total split gain per feature ("total_gain"), indexed by feature position; features never
  /// used in a split get 0.
  [[nodiscard]] std::vector<double> total_gain(std::size_t features) const {
    bst_ulong n_names = 0, dims = 0;
    const char** names = nullptr;
    const bst_ulong* shape = nullptr;
    const float* scores = nullptr;
    check(XGBoosterFeatureScore(handle_, "{\"importance_type\":\"total_gain\"}", &n_names, &names,
                                &dims, &shape, &scores),
          "XGBoosterFeatureScore");
    std::vector<double> out(features, 0.0);
    for (bst_ulong k = 0; k < n_names; ++k) {
      // Without feature names xgboost calls feature j "f<j>".
      const std::string name = names[k];
      if (name.size() < 2 || name[0] != 'f')
        throw model_error("xgboost: unexpected feature name in importance: " + name);
      const std::size_t j = std::stoul(name.substr(1));
      if (j >= features) throw model_error("xgboost: importance names feature beyond the matrix");
      out[j] = scores[k];
    }
    return out;
  }

  /// Sets a string attribute stored with the model (saved in its JSON).
  void set_attr(const std::string& key, const std::string& value) {
    check(XGBoosterSetAttr(handle_, key.c_str(), value.c_str()), "XGBoosterSetAttr");
  }
  /// A string attribute, or empty when it is not set.
  [[nodiscard]] std::string attr(const std::string& key) const {
    const char* out = nullptr;
    int success = 0;
    check(XGBoosterGetAttr(handle_, key.c_str(), &out, &success), "XGBoosterGetAttr");
    return success && out ? std::string(out) : std::string();
  }

  /// Writes the model as xgboost JSON to `path` (whatever its extension: the bytes come from
  /// XGBoosterSaveModelToBuffer with format json). Throws `model_error` on I/O failure.
  void save_json(const std::filesystem::path& path) const {
    bst_ulong length = 0;
    const char* bytes = nullptr;
    check(XGBoosterSaveModelToBuffer(handle_, "{\"format\":\"json\"}", &length, &bytes),
          "XGBoosterSaveModelToBuffer");
    if (const int err = write_whole_file(path, std::string_view(bytes, length)))
      throw model_error("cannot write model file " + path.string() + os_reason(err));
  }

  /// Reads an xgboost JSON model written by `save_json`. Only text JSON reaches xgboost: its
  /// loader dispatches on the first bytes, and its legacy binary and UBJSON readers take lengths
  /// from the file and allocate them unchecked (a damaged byte asks for exabytes), so a file
  /// that does not open with `{"` is refused here as not written by mtf.
  [[nodiscard]] static booster load_json(const std::filesystem::path& path) {
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw model_error("cannot open model file " + path.string() + os_reason(errno));
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty()) throw model_error("model file is empty: " + path.string());
    if (!bytes.starts_with("{\""))
      throw model_error("model file " + path.string() +
                        " is not an xgboost JSON model (it does not begin with {\"); mtf writes "
                        "and reads JSON only, never xgboost's binary or UBJSON formats");
    const auto parsed = nlohmann::json::parse(bytes, nullptr, false);
    if (parsed.is_discarded())
      throw model_error("model file " + path.string() +
                        " is not an xgboost JSON model (it does "
                        "not parse as JSON)");
    check_model_json(parsed, path.string());
    booster out;
    check(XGBoosterLoadModelFromBuffer(out.handle_, bytes.data(), bytes.size()),
          "load model " + path.string());
    return out;
  }

 private:
  struct empty_tag {};
  explicit booster(empty_tag) { detail::install_log_callback(); }
  void reset() noexcept {
    if (handle_ != nullptr) XGBoosterFree(handle_);
    handle_ = nullptr;
  }
  BoosterHandle handle_ = nullptr;
};

/// Membership of xgboost's collective (rabit, SCALE.md "Depth") for the life of the object:
/// while it exists, every DMatrix and booster of this process trains together with the other
/// workers (xgboost allreduces quantile sketches, histograms and evaluation metrics itself), so
/// every worker must make the same xgboost calls in the same order. Construction blocks until
/// the tracker has seen every worker: a worker that never arrives blocks it forever, which is
/// why the launcher (`scripts/mtf-distributed`) bounds the whole job. The configuration is
/// passed as JSON with the upper-case `DMLC_*` keys: xgboost 1.7.4 silently ignores lower-case
/// `dmlc_*` keys (each worker then trains alone), so callers check `world_size()`.
class communicator {
 public:
  communicator(const std::string& tracker_uri, int tracker_port, int task_id) {
    const nlohmann::json config = {{"DMLC_TRACKER_URI", tracker_uri},
                                   {"DMLC_TRACKER_PORT", tracker_port},
                                   {"DMLC_TASK_ID", std::to_string(task_id)}};
    check(XGCommunicatorInit(config.dump().c_str()), "XGCommunicatorInit");
  }
  communicator(const communicator&) = delete;
  communicator& operator=(const communicator&) = delete;
  ~communicator() { XGCommunicatorFinalize(); }

  /// This worker's rank, 0 .. world_size() - 1 (the tracker sorts by task id).
  [[nodiscard]] int rank() const { return XGCommunicatorGetRank(); }
  /// Number of workers that joined (1 when the configuration was not applied).
  [[nodiscard]] int world_size() const { return XGCommunicatorGetWorldSize(); }
};

namespace detail {
// Enum values of xgboost's Python collective.py (the C++ header defining them is not shipped).
inline constexpr int dtype_uint64 = 5;
inline constexpr int dtype_float64 = 7;
inline constexpr int op_max = 0;
inline constexpr int op_min = 1;
inline constexpr int op_sum = 2;
}  // namespace detail

/// Element-wise sum of `values` over every worker of the collective, in place (a no-op outside
/// one). Every worker must call it with the same length.
inline void allreduce_sum(std::span<double> values) {
  check(
      XGCommunicatorAllreduce(values.data(), values.size(), detail::dtype_float64, detail::op_sum),
      "XGCommunicatorAllreduce (sum)");
}

/// Element-wise minimum / maximum of `values` over every worker, in place.
inline void allreduce_min(std::span<std::uint64_t> values) {
  check(XGCommunicatorAllreduce(values.data(), values.size(), detail::dtype_uint64, detail::op_min),
        "XGCommunicatorAllreduce (min)");
}
inline void allreduce_max(std::span<std::uint64_t> values) {
  check(XGCommunicatorAllreduce(values.data(), values.size(), detail::dtype_uint64, detail::op_max),
        "XGCommunicatorAllreduce (max)");
}

/// Formats a double for xgboost's string parameters without losing precision.
inline std::string param_value(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace mtf::xgb
