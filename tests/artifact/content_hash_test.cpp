// SHA-256 against the FIPS 180-2 worked examples and values from Python's hashlib (an
// independent implementation): python3 -c "import hashlib;
// print(hashlib.sha256(b'a'*55).hexdigest())"
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "mtf/artifact/content_hash.hpp"
#include "mtf/artifact/run_id.hpp"

using namespace mtf::artifact;

TEST_CASE("sha256 reproduces the FIPS 180-2 worked examples", "[artifact][hash]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // FIPS 180-2 appendix B.3: one million repetitions of 'a'.
  CHECK(sha256_hex(std::string(1'000'000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 of the empty message is the published constant", "[artifact][hash]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("sha256 pads correctly around the 55/56/64-byte block boundaries", "[artifact][hash]") {
  // Lengths where the length field just fits, just does not fit, and fills a second block.
  CHECK(sha256_hex(std::string(55, 'a')) ==
        "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) ==
        "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256_hex(std::string(63, 'a')) ==
        "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  CHECK(sha256_hex(std::string(64, 'a')) ==
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  CHECK(sha256_hex(std::string(119, 'a')) ==
        "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
}

TEST_CASE("sha256 fed in uneven pieces equals the one-shot digest", "[artifact][hash]") {
  const std::string message(1000, 'q');
  for (std::size_t piece : {1u, 3u, 63u, 64u, 65u, 999u}) {
    INFO("piece " << piece);
    sha256 hasher;
    for (std::size_t at = 0; at < message.size(); at += piece) {
      hasher.update(std::string_view(message).substr(at, piece));
    }
    CHECK(hasher.hex_digest() == sha256_hex(message));
  }
}

TEST_CASE("feature schema hash is the sha256 of the names joined by newlines", "[artifact][hash]") {
  const std::vector<std::string> names{"a", "b", "c"};
  CHECK(feature_schema_hash(names) ==
        "ea7fb08b7a2dc4619ffb7c7bb38d95a2047935fa165d71b12efd3852a2e6d0cc");
  const std::array<std::string_view, 3> reordered{"b", "a", "c"};
  CHECK(feature_schema_hash(reordered) != feature_schema_hash(names));
  const std::vector<std::string> bad{"ok", "two\nlines"};
  CHECK_THROWS_AS(feature_schema_hash(bad), mtf::artifact_error);
}

TEST_CASE("data hash reads doubles as little-endian IEEE-754 bytes", "[artifact][hash]") {
  // hashlib.sha256(struct.pack('<3d', 1.0, -0.0, 2.5)).hexdigest()
  const std::array<double, 3> values{1.0, -0.0, 2.5};
  CHECK(data_hash(values) == "f272788da905eed6a89bb470f4ec7b2056a1270db92d7a2c2c41152dbfe9555c");
  const std::array<double, 3> positive_zero{1.0, 0.0, 2.5};
  CHECK(data_hash(positive_zero) != data_hash(values));
}

TEST_CASE("policy fingerprint is the sha256 of the canonical dump", "[artifact][hash]") {
  CHECK(policy_fingerprint("abc") == sha256_hex("abc"));
}

TEST_CASE("run id is the UTC start second plus 8 hex digits of the content hash",
          "[artifact][hash]") {
  // 2026-11-23T14:57:04Z is 1795445824 s after the epoch (calendar.timegm).
  const auto when = std::chrono::system_clock::time_point{std::chrono::seconds{1795445824}};
  CHECK(make_run_id(when, "seed 42") == "20261123T145704Z-45b7c1f7");
  CHECK(make_run_id(when, "seed 43") != make_run_id(when, "seed 42"));
  CHECK(format_utc_iso(when) == "2026-11-23T14:57:04Z");
}
