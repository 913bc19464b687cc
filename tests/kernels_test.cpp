// The matrix products and GELUs on every instruction set this CPU supports (each forced in
// turn), against a double-precision reference; and the bits of their results, and of a whole
// model's forward pass, whatever the thread count and between AVX2 and AVX-512.
#include "attnviz/compute/kernels.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "attnviz/compute/compute.hpp"
#include "attnviz/formats/shipped_models.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/model/transformer.hpp"

namespace attnviz {
namespace {

Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal;
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(gen);
  return m;
}

// The kernels of `target` on `threads` threads, for the calling thread, while it lives.
struct Using {
  explicit Using(const std::string& target, int threads = 0)
      : compute({threads, target}), scope(compute) {}
  Compute compute;
  ComputeScope scope;
};

struct Shape {
  Eigen::Index m, n, k;
};
const Shape kShapes[] = {{1, 1, 1},       {7, 5, 3},       {6, 64, 64},   {13, 70, 300},
                         {129, 200, 513}, {300, 129, 257}, {64, 1000, 40}};

TEST(Kernels, EveryTargetMatchesADoubleReferenceInBothLayouts) {
  const std::vector<std::string> targets = kernel_targets();
  ASSERT_FALSE(targets.empty());
  for (const std::string& target : targets) {
    const Using kernels(target);
    EXPECT_EQ(kernel_target(), target);
    for (const Shape& s : kShapes) {
      const Matrix a = random_matrix(s.m, s.k, 1), b = random_matrix(s.k, s.n, 2);
      const Matrix bt = b.transpose();
      // C is a block inside a bigger matrix: the stride is honoured and nothing around it changes.
      Matrix rows = Matrix::Constant(s.m + 2, s.n + 3, 7.0f), cols = rows;
      matmul(a, b, Operand::AsIs, rows.block(1, 2, s.m, s.n));
      matmul(a, bt, Operand::Transposed, cols.block(1, 2, s.m, s.n));
      const Eigen::MatrixXd exact = a.cast<double>() * b.cast<double>();
      const Eigen::MatrixXd bound = a.cast<double>().cwiseAbs() * b.cast<double>().cwiseAbs();
      for (Eigen::Index i = 0; i < s.m; ++i) {
        for (Eigen::Index j = 0; j < s.n; ++j) {
          const double tolerance = 2e-7 * static_cast<double>(s.k) * bound(i, j) + 1e-30;
          ASSERT_NEAR(rows(i + 1, j + 2), exact(i, j), tolerance) << target << " Rows " << i;
          ASSERT_NEAR(cols(i + 1, j + 2), exact(i, j), tolerance) << target << " Transposed";
        }
      }
      EXPECT_EQ(rows.row(0).sum(), 7.0f * static_cast<float>(s.n + 3)) << target;
      EXPECT_EQ(rows.col(0).sum(), 7.0f * static_cast<float>(s.m + 2)) << target;
      EXPECT_EQ(cols.bottomRows(1).sum(), 7.0f * static_cast<float>(s.n + 3)) << target;
      EXPECT_EQ(cols.rightCols(1).sum(), 7.0f * static_cast<float>(s.m + 2)) << target;
    }
  }
}

TEST(Kernels, TheBitsDoNotDependOnTheThreadCount) {
  // Packed panels (150 rows: split into column and row chunks on 2 and 3 threads, a partial
  // panel, a partial depth pass), and few rows against B read in place (4 rows, split into rows
  // of B), each large enough to be spread over the threads.
  for (const Eigen::Index m : {150, 4}) {
    const Matrix a = random_matrix(m, 300, 3), b = random_matrix(1000, 300, 4);
    for (const std::string& target : kernel_targets()) {
      Matrix one(m, 1000);
      {
        const Using alone(target, 1);
        matmul(a, b, Operand::Transposed, one);
      }
      for (const int n : {2, 3}) {
        const Using threads(target, n);
        Matrix many(m, 1000);
        matmul(a, b, Operand::Transposed, many);
        EXPECT_TRUE(many == one) << target << ", " << m << " rows, " << n << " threads";
      }
    }
  }
}

// One row against B (k, n), a new token's product, is read a row of B at a time; its bits are
// those of the same row in a product of many rows, on every target and thread count, whatever
// the width (whole panels, and a last partial one).
TEST(Kernels, OneRowHasTheBitsOfTheSameRowAmongMany) {
  for (const Eigen::Index n : {2304, 77, 5}) {
    const Matrix a = random_matrix(40, 771, 7), b = random_matrix(771, n, 8);
    for (const std::string& target : kernel_targets()) {
      for (const int threads : {1, 2}) {
        const Using kernels(target, threads);
        Matrix many(40, n), one(1, n);
        matmul(a, b, Operand::AsIs, many);
        for (const Eigen::Index i : {0, 17, 39}) {
          matmul(a.row(i), b, Operand::AsIs, one);
          EXPECT_TRUE(one == many.row(i)) << target << ", n " << n << ", row " << i;
        }
      }
    }
  }
}

TEST(Kernels, Avx2AndAvx512GiveTheSameBits) {
  const std::vector<std::string> targets = kernel_targets();
  if (std::find(targets.begin(), targets.end(), "AVX2") == targets.end() ||
      std::find(targets.begin(), targets.end(), "AVX3") == targets.end()) {
    GTEST_SKIP() << "this CPU lacks AVX2 or AVX-512";
  }
  for (const Eigen::Index m : {100, 3, 1}) {  // packed panels; few rows in place; one row
    const Matrix a = random_matrix(m, 601, 5), b = random_matrix(601, 90, 6);
    const Matrix bt = b.transpose();
    Matrix avx2(m, 90), avx512(m, 90), avx2_t(m, 90), avx512_t(m, 90);
    {
      const Using kernels("AVX2");
      matmul(a, b, Operand::AsIs, avx2);
      matmul(a, bt, Operand::Transposed, avx2_t);
    }
    {
      const Using kernels("AVX3");
      matmul(a, b, Operand::AsIs, avx512);
      matmul(a, bt, Operand::Transposed, avx512_t);
    }
    EXPECT_TRUE(avx2 == avx512) << m << " rows";
    EXPECT_TRUE(avx2_t == avx512_t) << m << " rows";
  }
}

TEST(Kernels, SoftmaxIsTheSameBitsOnEveryTargetAndSumsToOne) {
  const Matrix scores = random_matrix(1, 1000, 7) * 4.0f;
  Matrix first;
  for (const std::string& target : kernel_targets()) {
    const Using kernels(target);
    Matrix row = scores;
    ASSERT_TRUE(softmax_row(row.data(), 999, 0.125f));  // the last entry is not seen
    EXPECT_NEAR(row.leftCols(999).sum(), 1.0f, 1e-5f) << target;
    EXPECT_EQ(row(0, 999), scores(0, 999)) << target;
    const Eigen::ArrayXf exact =
        ((scores.leftCols(999).array() - scores.leftCols(999).maxCoeff()) * 0.125f)
            .exp()
            .transpose();
    EXPECT_LE((row.leftCols(999).transpose().array() - exact / exact.sum()).abs().maxCoeff(),
              1e-7f);
    if (first.size() == 0) first = row;
    EXPECT_TRUE(row == first) << target;
  }
  Matrix overflow = scores;
  overflow(0, 3) = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(softmax_row(overflow.data(), 10, 1.0f));
}

TEST(Kernels, GeluOnEveryTargetMatchesTheFormulaInDouble) {
  Matrix x(1, 4001);
  for (Eigen::Index i = 0; i < x.cols(); ++i) x(0, i) = -10.0f + 0.005f * static_cast<float>(i);
  for (const std::string& target : kernel_targets()) {
    const Using kernels(target);
    Matrix erf = x, tanh = x;
    gelu_erf(erf);
    gelu_tanh(tanh);
    for (Eigen::Index i = 0; i < x.cols(); ++i) {
      const double v = x(0, i);
      const double exact_erf = 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)));
      const double exact_tanh =
          0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
      ASSERT_NEAR(erf(0, i), exact_erf, 1e-6 * std::max(1.0, std::abs(v))) << target << " " << v;
      ASSERT_NEAR(tanh(0, i), exact_tanh, 1e-6 * std::max(1.0, std::abs(v))) << target << " " << v;
    }
  }
}

TEST(Kernels, AllFiniteFindsAnInfinityOrNaNAnywhereOnEveryTarget) {
  std::vector<float> values(37, 1.5f);
  for (const std::string& target : kernel_targets()) {
    const Using kernels(target);
    EXPECT_TRUE(all_finite(values.data(), values.size())) << target;
    EXPECT_TRUE(all_finite(values.data(), 0)) << target;
    for (const size_t at : {size_t{0}, size_t{15}, size_t{36}}) {
      for (const float bad :
           {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
            std::numeric_limits<float>::quiet_NaN()}) {
        std::vector<float> v = values;
        v[at] = bad;
        EXPECT_FALSE(all_finite(v.data(), v.size())) << target << " at " << at;
        EXPECT_TRUE(all_finite(v.data(), at)) << target << ": only the first " << at;
      }
    }
  }
}

TEST(Kernels, UnknownTargetIsRefused) {
  EXPECT_THROW(Compute({0, "AVX9"}), Error);
  EXPECT_FALSE(kernel_target().empty());
  EXPECT_EQ(kernel_target(), kernel_targets().front());  // with no scope: the fastest
}

// The shipped model on 64 characters: every head's weights and the logits, bit for bit, with 1,
// 2 and 3 threads (heads side by side, and products split across threads).
TEST(Kernels, AWholeForwardPassIsTheSameWithOneTwoAndThreeThreads) {
  const ShippedModel* az = find_shipped_model("az");
  ASSERT_NE(az, nullptr);
  const auto state_dict = open_state_dict(az->bytes, "az.safetensors");
  std::vector<Words> warnings;
  const Transformer model = load_transformer(*state_dict, ModelSettings{}, warnings);
  std::vector<int> ids;
  for (int i = 0; i < model.block_size; ++i) ids.push_back((i * 7 + 3) % model.vocab_size());
  const ForwardTrace one = [&] {
    const Using alone("", 1);
    return forward(model, ids, ForwardOptions{});
  }();
  for (const int n : {2, 3}) {
    const Using threads("", n);
    const ForwardTrace many = forward(model, ids, ForwardOptions{});
    EXPECT_TRUE(many.logits == one.logits) << n << " threads";
    for (size_t l = 0; l < one.layers.size(); ++l) {
      for (size_t h = 0; h < one.layers[l].attention.heads.size(); ++h) {
        EXPECT_TRUE(many.layers[l].attention.heads[h].weights ==
                    one.layers[l].attention.heads[h].weights)
            << n << " threads, layer " << l << " head " << h;
      }
    }
  }
}

}  // namespace
}  // namespace attnviz
