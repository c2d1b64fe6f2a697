// mtf::printable: what reaches a terminal from an input file is never a control byte.
#include <catch2/catch.hpp>
#include <string>

#include "mtf/core/printable.hpp"

using mtf::printable;

TEST_CASE("printable text and valid UTF-8 pass unchanged", "[core][printable]") {
  CHECK(printable("close 1.5 > high 1.2") == "close 1.5 > high 1.2");
  CHECK(printable("0.35\xe2\x80\x93"
                  "0.45 \xe2\x9c\x93 \xc3\xa9") ==
        "0.35\xe2\x80\x93"
        "0.45 \xe2\x9c\x93 \xc3\xa9");  // – ✓ é
  CHECK(printable("line one\nline two") == "line one\nline two");
  CHECK(printable("line one\nline two", false) == "line one\\x0aline two");
}

TEST_CASE("control bytes, DEL, C1 controls and invalid UTF-8 are escaped as \\xHH",
          "[core][printable]") {
  CHECK(printable("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m");  // ANSI colour
  CHECK(printable(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(printable("bell\a tab\t del\x7f") == "bell\\x07 tab\\x09 del\\x7f");
  CHECK(printable("\xc2\x9b"
                  "2J") == "\\xc2\\x9b2J");  // U+009B, the 8-bit CSI
  CHECK(printable("\x9b"
                  "2J") == "\\x9b2J");                             // a lone continuation byte
  CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");                    // overlong '/'
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");           // a UTF-16 surrogate
  CHECK(printable("\xe2\x82") == "\\xe2\\x82");                    // truncated sequence
  CHECK(printable("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
}

TEST_CASE("escaping is idempotent: an escaped message is printable", "[core][printable]") {
  std::string all;
  for (int b = 0; b < 256; ++b)
    all += static_cast<char>(b);
  const std::string once = printable(all, false);
  CHECK(printable(once, false) == once);
  for (const char c : once) {
    const auto u = static_cast<unsigned char>(c);
    CHECK(u >= 0x20);
    CHECK(u != 0x7f);
  }
}
