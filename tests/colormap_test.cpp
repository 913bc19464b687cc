// Colormap tables against matplotlib's own colors (reference/make_colormap_samples.py).
#include "attnviz/render/colormap.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace attnviz {
namespace {

using nlohmann::json;

json samples() { return json::parse(test::slurp(ATTNVIZ_REFERENCE "/colormap_samples.json")); }

Rgb rgb_of(const json& triple) {
  return {triple[0].get<uint8_t>(), triple[1].get<uint8_t>(), triple[2].get<uint8_t>()};
}

TEST(Colormap, EntriesEqualMatplotlib) {
  const json doc = samples();
  ASSERT_EQ(doc["maps"].size(), Colormap::names().size());
  for (const auto& [name, map] : doc["maps"].items()) {
    const Colormap& cmap = Colormap::named(name);
    for (size_t k = 0; k < doc["indices"].size(); ++k) {
      const int index = doc["indices"][k].get<int>();
      const Rgb want = rgb_of(map["entries"][k]);
      const Rgb got = cmap.entry(index);
      EXPECT_TRUE(got == want) << name << "[" << index << "] = " << int(got.r) << "," << int(got.g)
                               << "," << int(got.b);
    }
  }
}

TEST(Colormap, ValuesMapLikeMatplotlib) {
  const json doc = samples();
  for (const auto& [name, map] : doc["maps"].items()) {
    const Colormap& cmap = Colormap::named(name);
    for (size_t k = 0; k < doc["values"].size(); ++k) {
      const auto value = doc["values"][k].get<float>();
      EXPECT_TRUE(cmap(value) == rgb_of(map["value_colors"][k])) << name << "(" << value << ")";
    }
  }
}

TEST(Colormap, IndexRuleClipsAndFloors) {
  EXPECT_EQ(Colormap::index_of(-0.5f), 0);
  EXPECT_EQ(Colormap::index_of(0.0f), 0);
  EXPECT_EQ(Colormap::index_of(1.0f / 256.0f), 1);
  EXPECT_EQ(Colormap::index_of(0.5f), 128);
  EXPECT_EQ(Colormap::index_of(1.0f), 255);
  EXPECT_EQ(Colormap::index_of(7.0f), 255);
  EXPECT_EQ(Colormap::index_of(std::nanf("")), 0);
}

TEST(Colormap, UnknownNameListsTheKnownOnes) {
  EXPECT_EQ(test::error_of([] { Colormap::named("jet"); }),
            "unknown colormap \"jet\"; expected one of viridis, magma, inferno, plasma, cividis, "
            "gray, greys, blues");
}

TEST(Colormap, GraysRunOppositeWays) {
  EXPECT_TRUE(Colormap::named("gray").entry(0) == (Rgb{0, 0, 0}));
  EXPECT_TRUE(Colormap::named("greys").entry(0) == (Rgb{255, 255, 255}));
  EXPECT_LT(Colormap::named("viridis").entry(0).luminance(), 0.1);
  EXPECT_GT(Colormap::named("viridis").entry(255).luminance(), 0.8);
}

}  // namespace
}  // namespace attnviz
