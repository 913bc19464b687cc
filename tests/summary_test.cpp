// Row summaries: the most attended key and the entropy in bits.
#include "attnviz/render/summary.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace attnviz {
namespace {

TEST(RowSummaries, OneHotUniformAndMixedRows) {
  Matrix w(3, 4);
  w << 1, 0, 0, 0,             //
      0.25, 0.25, 0.25, 0.25,  //
      0.1f, 0.6f, 0.3f, 0;
  const std::vector<RowSummary> rows = summarize_rows(w);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].top_key, 0);
  EXPECT_EQ(rows[0].top_weight, 1.0f);
  EXPECT_EQ(rows[0].entropy_bits, 0.0);
  EXPECT_EQ(rows[1].top_key, 0);                  // ties go to the first key
  EXPECT_NEAR(rows[1].entropy_bits, 2.0, 1e-12);  // log2 4
  EXPECT_EQ(rows[2].top_key, 1);
  EXPECT_NEAR(rows[2].entropy_bits,
              -(0.1 * std::log2(0.1) + 0.6 * std::log2(0.6) + 0.3 * std::log2(0.3)), 1e-6);
}

}  // namespace
}  // namespace attnviz
