// GPT-2's own tokenizer, built in: OpenAI's encoder.json and vocab.bpe (data/gpt2) embedded byte
// for byte (embed.hpp) and read on first use.
#include "attnviz/text/bpe.hpp"
#include "io/embed.hpp"

ATTNVIZ_EMBED(gpt2_encoder, ATTNVIZ_GPT2_ENCODER)
ATTNVIZ_EMBED(gpt2_merges, ATTNVIZ_GPT2_MERGES)

namespace attnviz {

std::shared_ptr<const BpeTokenizer> gpt2_tokenizer() {
  static const auto tokenizer = std::make_shared<const BpeTokenizer>(
      BpeTokenizer::from_files(ATTNVIZ_EMBEDDED(gpt2_encoder), ATTNVIZ_EMBEDDED(gpt2_merges),
                               "GPT-2's encoder.json", "GPT-2's vocab.bpe"));
  return tokenizer;
}

}  // namespace attnviz
