// The core embedded in a program that runs two attnviz runs at once, on two threads of one process,
// each with its own Compute (thread count and kernels) and one BPE tokenizer shared between them:
// every run's JSON equals the same run made alone. Built under ThreadSanitizer too (the "tsan"
// preset), which reports any data race between the two.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "attnviz/render/render_json.hpp"
#include "attnviz/run/run.hpp"
#include "attnviz/text/bpe.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

const std::string kModels = ATTNVIZ_REFERENCE "/models/";

struct Inputs {
  std::string weights = test::slurp(kModels + "gpt2_bpe.safetensors");
  std::string config = test::slurp(kModels + "gpt2_bpe.config.json");
  std::shared_ptr<const BpeTokenizer> bpe = gpt2_tokenizer();  // built in
};

// A GPT-2-shaped model through the shared tokenizer (its guesses span the 50 257 ids, in slabs
// across threads), and random weights wide enough that the products split across threads.
std::vector<Request> requests(const Inputs& in) {
  Request model;
  model.text = "Attention is all you need, and then some: the the the the model reads it.";
  model.text_origin = "--text";
  model.tokenizer = TokenizerKind::Bpe;
  model.bpe = in.bpe;
  model.weights_path = "gpt2_bpe.safetensors";
  model.weights_data = in.weights;
  model.config_text = in.config;
  model.config_name = "gpt2_bpe.config.json";
  model.rollout = true;
  Request wide;
  wide.text = std::string(180, 'a') + "bcdefghij";
  wide.text_origin = "--text";
  wide.random.n_embd = 256;
  wide.random.n_head = 4;
  wide.random.block_size = 256;
  return {model, wide};
}

std::vector<std::string> run_all(const std::vector<Request>& requests) {
  std::vector<std::string> out;
  for (const Request& r : requests) out.push_back(render_json(run(r)));
  return out;
}

TEST(Concurrency, TwoRunsOnTwoThreadsEachWithItsOwnComputeGiveTheirAloneResults) {
  const Inputs inputs;
  const std::vector<Request> all = requests(inputs);
  const std::vector<std::string> alone = [&] {
    const Compute compute({1, ""});
    const ComputeScope scope(compute);
    return run_all(all);
  }();
  // Two settings side by side: the fastest kernels on two threads, the slowest on three.
  const std::vector<std::string> targets = kernel_targets();
  const ComputeSettings settings[2] = {{2, targets.front()}, {3, targets.back()}};
  std::vector<std::string> results[2];
  std::vector<std::string> kernels_seen[2];
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      const Compute compute(settings[t]);
      const ComputeScope scope(compute);
      for (int round = 0; round < 3; ++round) {
        for (const std::string& json : run_all(all)) results[t].push_back(json);
        kernels_seen[t].push_back(kernel_target());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < 2; ++t) {
    ASSERT_EQ(results[t].size(), 3 * alone.size());
    for (size_t i = 0; i < results[t].size(); ++i) {
      // The slowest kernels (no FMA) may differ from FMA's in the last bits: compare each thread
      // with itself across rounds, and the FMA thread with the run made alone.
      EXPECT_EQ(results[t][i], results[t][i % alone.size()]) << "thread " << t << ", run " << i;
    }
    for (const std::string& seen : kernels_seen[t]) EXPECT_EQ(seen, settings[t].kernels);
  }
  for (size_t i = 0; i < alone.size(); ++i) EXPECT_EQ(results[0][i], alone[i]) << "run " << i;
}

// One Compute shared by two threads at once: the second loop to ask for its pool runs on its own
// thread instead of waiting, and both get their results.
TEST(Concurrency, OneComputeSharedByTwoThreadsRunsBothLoops) {
  const Compute compute({2, ""});
  std::vector<long> sums(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      const ComputeScope scope(compute);
      for (int round = 0; round < 50; ++round) {
        std::vector<long> parts(64);
        parallel_for(parts.size(), [&](size_t i) { parts[i] = static_cast<long>(i) * (t + 1); });
        for (const long p : parts) sums[static_cast<size_t>(t)] += p;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(sums[0], 50L * (63 * 64 / 2));
  EXPECT_EQ(sums[1], 2 * 50L * (63 * 64 / 2));
}

}  // namespace
}  // namespace attnviz
