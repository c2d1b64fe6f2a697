// Label counts and the "every class present" check on the training rows (SPEC §4.5).
#include <catch2/catch.hpp>
#include <vector>

#include "mtf/core/errors.hpp"
#include "mtf/labels/label_classes.hpp"
#include "mtf/labels/label_distribution.hpp"

TEST_CASE("class names follow the fixed order down, neutral, up", "[labels]") {
  CHECK(mtf::class_name(0) == "down");
  CHECK(mtf::class_name(1) == "neutral");
  CHECK(mtf::class_name(2) == "up");
  CHECK(mtf::class_name(mtf::no_label) == "no label");
  CHECK(mtf::class_name(7) == "invalid");
}

TEST_CASE("label counts and shares are per class", "[labels]") {
  const std::vector<int> labels{0, 2, 2, 1, 2, 0, 2, 2};
  const auto d = mtf::count_labels(labels);
  CHECK(d.rows == 8);
  CHECK(d.count == std::array<std::size_t, 3>{2, 1, 5});
  CHECK(d.share[0] == 0.25);
  CHECK(d.share[1] == 0.125);
  CHECK(d.share[2] == 0.625);
  CHECK_THROWS_AS(mtf::count_labels(std::vector<int>{0, mtf::no_label}), std::invalid_argument);
}

TEST_CASE("a training set without down labels fails naming the class", "[labels]") {
  // The "SELL never appears" failure.
  std::vector<int> labels(60, mtf::class_up);
  for (int i = 0; i < 40; ++i)
    labels[static_cast<std::size_t>(i)] = mtf::class_neutral;
  try {
    mtf::check_label_distribution(labels, 0.05);
    FAIL("expected a training_error");
  } catch (const mtf::training_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("class down has 0 of 60 training rows (0.00%)") &&
                             Catch::Contains("minimum 5.00%") && Catch::Contains("never appears"));
    CHECK(e.code() == mtf::exit_code::gates_failed);
  }
}

TEST_CASE("a class below the minimum share fails with its share and the minimum", "[labels]") {
  std::vector<int> labels;
  for (int i = 0; i < 50; ++i)
    labels.push_back(mtf::class_down);
  for (int i = 0; i < 3; ++i)
    labels.push_back(mtf::class_neutral);  // 3 of 100 = 3%
  for (int i = 0; i < 47; ++i)
    labels.push_back(mtf::class_up);
  CHECK_THROWS_WITH(mtf::check_label_distribution(labels, 0.05),
                    Catch::Contains("class neutral has 3 of 100 training rows (3.00%), below the "
                                    "policy's minimum 5.00%"));
  // At 3% minimum the same labels pass: the minimum is inclusive.
  const auto d = mtf::check_label_distribution(labels, 0.03);
  CHECK(d.count[1] == 3);
}

TEST_CASE("the label check rejects an empty training set", "[labels]") {
  CHECK_THROWS_AS(mtf::check_label_distribution(std::vector<int>{}, 0.05), mtf::training_error);
}
