#pragma once
/// \file Errors that carry the exit code of SPEC §10, so the CLI maps failures without guessing.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace mtf {

/// Process exit codes (SPEC §10).
enum class exit_code : int {
  success = 0,        ///< promoted, or report-only finished
  usage = 1,          ///< bad command line
  bad_data = 2,       ///< input data failed intake or a fatal quality check
  gates_failed = 3,   ///< candidate rejected, nothing promoted
  artifact = 4,       ///< I/O, lock or artifact error
  drift_retrain = 5,  ///< drift verdict RETRAIN NOW
  /// A bug in the calling code, not in the data or the environment: a library function was
  /// called with arguments its contract forbids (e.g. an indicator window of 0). 70 is
  /// EX_SOFTWARE of <sysexits.h>, so a scheduler can tell "fix the code" from codes 1-5.
  internal = 70,
};

/// Base of every mtf error: a message and the exit code the CLI returns for it.
class error : public std::runtime_error {
 public:
  error(exit_code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  /// Exit code the CLI returns when this error ends the run.
  [[nodiscard]] exit_code code() const noexcept { return code_; }

 private:
  exit_code code_;
};

/// Bad input data: names the file, the 1-based line (0 when the error is not about one line)
/// and the field, as `file:line: field 'close': message`.
class data_error : public error {
 public:
  data_error(std::string file, std::size_t line, std::string field, const std::string& message)
      : error(exit_code::bad_data, format(file, line, field, message)),
        file_(std::move(file)),
        line_(line),
        field_(std::move(field)) {}
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  [[nodiscard]] const std::string& field() const noexcept { return field_; }

 private:
  static std::string format(const std::string& file, std::size_t line, const std::string& field,
                            const std::string& message) {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
    if (!field.empty()) out += "field '" + field + "': ";
    return out + message;
  }
  std::string file_;
  std::size_t line_;
  std::string field_;
};

/// A command-line mistake (exit 1).
class usage_error : public error {
 public:
  explicit usage_error(const std::string& message) : error(exit_code::usage, message) {}
};

/// I/O, lock or artifact failure (exit 4): nothing deployed was touched.
class artifact_error : public error {
 public:
  explicit artifact_error(const std::string& message) : error(exit_code::artifact, message) {}
};

/// A broken contract of a library function (exit 70): an argument no valid policy can produce,
/// such as an indicator window below its minimum or a MACD whose fast window is not shorter than
/// its slow one. Names the function and the argument, as `sma: argument 'n': message`. Not a
/// data_error: no input file is at fault and no change of data fixes it.
class programming_error : public error {
 public:
  programming_error(std::string function, std::string argument, const std::string& message)
      : error(exit_code::internal, function + ": argument '" + argument + "': " + message),
        function_(std::move(function)),
        argument_(std::move(argument)) {}
  [[nodiscard]] const std::string& function() const noexcept { return function_; }
  [[nodiscard]] const std::string& argument() const noexcept { return argument_; }

 private:
  std::string function_;
  std::string argument_;
};

/// The training data cannot produce a deployable model (e.g. a class missing from the labels);
/// reported like a failed gate (exit 3).
class training_error : public error {
 public:
  explicit training_error(const std::string& message) : error(exit_code::gates_failed, message) {}
};

/// A model could not be fitted, predicted, saved or loaded (xgboost failure, bad shapes,
/// unreadable model file). Exit code 4 (artifact), as a model that cannot be built or read is
/// an artifact problem rather than a data or gate problem.
class model_error : public error {
 public:
  explicit model_error(const std::string& message) : error(exit_code::artifact, message) {}
};

}  // namespace mtf
