#pragma once
/// \file The three label classes, their order and names, and the "no label" marker (SPEC §6).

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace mtf {

/// Class index of a falling market (bearish regime on 12h).
inline constexpr int class_down = 0;
/// Class index of "no clear move" (ranging regime on 12h).
inline constexpr int class_neutral = 1;
/// Class index of a rising market (bullish regime on 12h).
inline constexpr int class_up = 2;
/// Number of classes; every probability matrix has these columns in this order.
inline constexpr std::size_t class_count = 3;
/// Label of a bar that cannot be labelled: its horizon runs past the data or its volatility is
/// still in warm-up. Such bars are dropped before training, never guessed.
inline constexpr int no_label = -1;

/// Name of a class index for messages and reports: "down", "neutral", "up"; "no label" for
/// `no_label` and "invalid" for anything else.
inline std::string_view class_name(int label) noexcept {
  switch (label) {
    case class_down:
      return "down";
    case class_neutral:
      return "neutral";
    case class_up:
      return "up";
    case no_label:
      return "no label";
    default:
      return "invalid";
  }
}

}  // namespace mtf
