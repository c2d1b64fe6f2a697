#pragma once
/// \file SHA-256 content hashes (FIPS 180-4) for artifact identity: the run id suffix, the
/// policy fingerprint, the feature-schema hash and the training-data hash. Hand-written because
/// none of mtf's dependencies offers a hash, and a 64-bit non-cryptographic hash would make
/// accidental fingerprint collisions between two policies merely unlikely instead of negligible.

#include <algorithm>
#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <ranges>
#include <span>
#include <string>
#include <string_view>

#include "mtf/core/errors.hpp"

namespace mtf::artifact {

/// Incremental SHA-256 (FIPS 180-4). Feed bytes with `update`, read the digest once with
/// `digest()` / `hex_digest()`; after that the object must not be updated again.
class sha256 {
 public:
  /// The 32-byte digest.
  using digest_type = std::array<std::uint8_t, 32>;

  sha256() = default;

  /// Appends raw bytes.
  void update(std::span<const std::byte> bytes) noexcept {
    total_bytes_ += bytes.size();
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    std::size_t left = bytes.size();
    // Top up a partly filled block first, then compress whole blocks straight from the input.
    if (block_used_ > 0) {
      const std::size_t take = std::min(left, block_.size() - block_used_);
      std::copy_n(data, take, block_.data() + block_used_);
      block_used_ += take;
      data += take;
      left -= take;
      if (block_used_ < block_.size()) return;
      compress(block_.data());
      block_used_ = 0;
    }
    for (; left >= block_.size(); data += block_.size(), left -= block_.size())
      compress(data);
    std::copy_n(data, left, block_.data());
    block_used_ = left;
  }
  /// Appends the bytes of a string (no terminator, no length prefix).
  void update(std::string_view text) noexcept { update(std::as_bytes(std::span{text})); }
  /// Appends doubles as their IEEE-754 bit patterns in little-endian byte order, so a data hash
  /// does not depend on the host's endianness. -0.0 and 0.0, or two NaN payloads, hash apart.
  void update_doubles(std::span<const double> values) noexcept {
    for (double v : values) {
      const auto bits = std::bit_cast<std::uint64_t>(v);
      std::array<std::byte, 8> le{};
      for (std::size_t i = 0; i < 8; ++i)
        le[i] = static_cast<std::byte>((bits >> (8 * i)) & 0xffu);
      update(le);
    }
  }

  /// Pads the message and returns the digest.
  [[nodiscard]] digest_type digest() noexcept {
    const std::uint64_t bit_length = total_bytes_ * 8;
    block_[block_used_++] = 0x80;
    if (block_used_ > 56) {
      while (block_used_ < 64)
        block_[block_used_++] = 0;
      compress(block_.data());
      block_used_ = 0;
    }
    while (block_used_ < 56)
      block_[block_used_++] = 0;
    for (int i = 7; i >= 0; --i) {
      block_[block_used_++] = static_cast<std::uint8_t>(bit_length >> (8 * i));
    }
    compress(block_.data());
    block_used_ = 0;
    digest_type out{};
    for (std::size_t i = 0; i < 8; ++i) {
      for (std::size_t j = 0; j < 4; ++j) {
        out[4 * i + j] = static_cast<std::uint8_t>(state_[i] >> (24 - 8 * j));
      }
    }
    return out;
  }
  /// The digest as 64 lower-case hex characters.
  [[nodiscard]] std::string hex_digest() noexcept {
    static constexpr char digits[] = "0123456789abcdef";
    const digest_type d = digest();
    std::string hex;
    hex.reserve(2 * d.size());
    for (std::uint8_t byte : d) {
      hex.push_back(digits[byte >> 4]);
      hex.push_back(digits[byte & 0x0f]);
    }
    return hex;
  }

 private:
  static constexpr std::array<std::uint32_t, 64> round_constants{
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};

  /// One 64-byte block into the state.
  void compress(const std::uint8_t* block) noexcept {
    std::array<std::uint32_t, 64> w{};
    for (std::size_t i = 0; i < 16; ++i) {
      w[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
             (std::uint32_t{block[4 * i + 2]} << 8) | std::uint32_t{block[4 * i + 3]};
    }
    for (std::size_t i = 16; i < 64; ++i) {
      const std::uint32_t s0 =
          std::rotr(w[i - 15], 7) ^ std::rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const std::uint32_t s1 = std::rotr(w[i - 2], 17) ^ std::rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    std::uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    for (std::size_t i = 0; i < 64; ++i) {
      const std::uint32_t sum1 = std::rotr(e, 6) ^ std::rotr(e, 11) ^ std::rotr(e, 25);
      const std::uint32_t choose = (e & f) ^ (~e & g);
      const std::uint32_t t1 = h + sum1 + choose + round_constants[i] + w[i];
      const std::uint32_t sum0 = std::rotr(a, 2) ^ std::rotr(a, 13) ^ std::rotr(a, 22);
      const std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
      const std::uint32_t t2 = sum0 + majority;
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
  }

  std::array<std::uint32_t, 8> state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<std::uint8_t, 64> block_{};
  std::size_t block_used_ = 0;
  std::uint64_t total_bytes_ = 0;
};

/// SHA-256 of `text` as 64 lower-case hex characters.
[[nodiscard]] inline std::string sha256_hex(std::string_view text) {
  sha256 hasher;
  hasher.update(text);
  return hasher.hex_digest();
}

/// Policy fingerprint: SHA-256 hex of the canonical policy JSON dump (the integrator produces
/// the dump; any change to a policy number changes the fingerprint).
[[nodiscard]] inline std::string policy_fingerprint(std::string_view canonical_policy_json) {
  return sha256_hex(canonical_policy_json);
}

/// Feature-schema hash: SHA-256 hex of the ordered feature names joined with '\n' (no trailing
/// newline), so reordering or renaming a column changes it. Throws artifact_error for a name
/// containing '\n', which would make two different schemas hash alike.
template <std::ranges::input_range Names>
requires std::convertible_to<std::ranges::range_reference_t<Names>, std::string_view>
[[nodiscard]] std::string feature_schema_hash(const Names& names) {
  sha256 hasher;
  bool first = true;
  for (const auto& name_ref : names) {
    const std::string_view name = name_ref;
    if (name.find('\n') != std::string_view::npos) {
      throw artifact_error("feature name contains a newline: '" + std::string(name) + "'");
    }
    if (!first) hasher.update("\n");
    hasher.update(name);
    first = false;
  }
  return hasher.hex_digest();
}

/// Training-data hash: SHA-256 hex of the values' IEEE-754 bit patterns (little-endian), in
/// order. Identical data hashes identically on every host.
[[nodiscard]] inline std::string data_hash(std::span<const double> values) {
  sha256 hasher;
  hasher.update_doubles(values);
  return hasher.hex_digest();
}

}  // namespace mtf::artifact
