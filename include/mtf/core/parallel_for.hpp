#pragma once
/// \file Running independent tasks on a few worker threads: the folds of out-of-fold stacking,
/// the windows of a walk-forward study. Which worker runs a task never changes its result, so
/// results depend on the inputs only, not on scheduling.

#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace mtf {

/// Runs task(0), ..., task(count - 1) on `workers` threads (inline, in order, when workers <= 1),
/// each index exactly once. When a task throws, the workers stop taking new tasks and the first
/// exception (by worker) is rethrown after every worker has finished.
template <class Task>
void parallel_for(std::size_t count, std::size_t workers, Task&& task) {
  if (workers <= 1) {
    for (std::size_t i = 0; i < count; ++i)
      task(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(workers);
  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (std::size_t w = 0; w < workers; ++w)
    pool.emplace_back([&, w] {
      try {
        for (std::size_t i = next++; i < count; i = next++)
          task(i);
      } catch (...) {
        errors[w] = std::current_exception();
        next = count;  // the others stop after their current task
      }
    });
  for (auto& t : pool)
    t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace mtf
