#pragma once
/// \file Making text from input files safe to print on a terminal: an error message that quotes
/// a binary file must not send its bytes (escape sequences, a bell, a clear-screen) to the
/// operator's terminal or log.

#include <cstddef>
#include <string>
#include <string_view>

namespace mtf {

/// `text` with every byte that a terminal could act on written as `\xHH`: C0 control
/// characters (a line feed too unless `keep_newlines`), DEL, bytes that are not part of a valid
/// UTF-8 sequence (overlong forms and surrogates included), and UTF-8-encoded C1 controls
/// (U+0080-U+009F, which some terminals obey like ESC). Printable ASCII and valid UTF-8 of
/// printable code points pass unchanged, so an error message that is already printable is
/// returned as it is, and the function is idempotent.
inline std::string printable(std::string_view text, bool keep_newlines = true) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  const auto escape = [&](unsigned char byte) {
    out += "\\x";
    out += hex[byte >> 4];
    out += hex[byte & 0xF];
  };
  const auto continuation = [&](std::size_t i) {
    return i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c >= 0x20 && c != 0x7F) || (c == '\n' && keep_newlines))
        out += static_cast<char>(c);
      else
        escape(c);
      ++i;
      continue;
    }
    // Length and smallest code point of a sequence led by c, or 0 for a byte that cannot lead.
    std::size_t length = 0;
    char32_t code = 0, minimum = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2, code = c & 0x1F, minimum = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3, code = c & 0x0F, minimum = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4, code = c & 0x07, minimum = 0x10000;
    }
    bool valid = length > 0;
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = continuation(i + k);
      if (valid) code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    valid = valid && code >= minimum && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF) &&
            (code < 0x80 || code > 0x9F);
    if (!valid) {
      escape(c);
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

}  // namespace mtf
