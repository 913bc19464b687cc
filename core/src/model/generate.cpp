// Generation: the prompt's pass, then one cached row per new token (or one window's pass past the
// context), each token drawn from PyTorch's generator.
#include "attnviz/model/generate.hpp"

#include <algorithm>

#include "attnviz/model/analysis.hpp"
#include "attnviz/model/attention.hpp"
#include "model/block_parts.hpp"

namespace attnviz {
namespace {

class Writer {
 public:
  Writer(const Transformer& model, const std::vector<int>& prompt, const GenerateOptions& options,
         const ForwardOptions& forward_options)
      : model_(model), options_(options), keep_(forward_options) {
    out_.ids = prompt;
    T_ = static_cast<Eigen::Index>(prompt.size()) + options.new_tokens;
    B_ = model.block_size > 0 ? model.block_size : T_;
    pass_ = forward_options;
    pass_.causal = true;
    pass_.keep_scores = pass_.keep_blocks = false;
    pass_.keep_layer.assign(model.blocks.size(), false);  // rows are copied out as passes go
    pass_.keep_logits = false;
    pass_.n_layer = -1;
    pass_.release_weights = false;  // every step reads every block again
    out_.trace.layers.resize(model.blocks.size());
    caches_.resize(model.blocks.size());
    if (options.explain_step > 0) {
      explain_row_ = static_cast<Eigen::Index>(prompt.size()) + options.explain_step - 2;
      out_.explained.layers.resize(model.blocks.size());
    }
  }

  Generation run(const LayerVisitor& visit) {
    read_prompt();
    TorchGenerator generator(options_.seed);
    for (int s = 0; s < options_.new_tokens; ++s) {
      const Eigen::Index context = static_cast<Eigen::Index>(out_.ids.size());
      const bool explained = context - 1 == explain_row_;
      GenerationStep step;
      step.choice = choose_next(logits_.data(), static_cast<int>(logits_.cols()), options_.sampling,
                                generator, options_.candidates,
                                explained ? &out_.explained.sampling : nullptr);
      step.first_key = std::max<Eigen::Index>(0, context - B_);
      if (explained) {
        StepTrace& e = out_.explained;
        e.step = s + 1;
        e.query = context - 1;
        e.first_key = step.first_key;
        e.logits.assign(logits_.data(), logits_.data() + logits_.size());
      }
      out_.ids.push_back(step.choice.id);
      out_.steps.push_back(std::move(step));
      read_last();
    }
    if (options_.on_written) options_.on_written(out_.ids);
    for (size_t l = 0; l < out_.trace.layers.size(); ++l) {
      LayerTrace& layer = out_.trace.layers[l];
      set_window(layer.attention, model_.blocks[l].attention, T_, B_);
      if (visit) visit(static_cast<int>(l), layer);
      if (!keep_.keep_layer.empty() && !keep_.keep_layer[l]) layer = LayerTrace{};
    }
    return std::move(out_);
  }

 private:
  void reading(int block, Eigen::Index first, Eigen::Index rows) const {
    if (keep_.before_reading) keep_.before_reading(block, first, rows);
  }

  // The prompt in one pass (a window per row past block_size), its keys and values cached when
  // it fits, and the logits its last token chooses from.
  void read_prompt() {
    const auto P = static_cast<Eigen::Index>(out_.ids.size());
    const bool fits = P <= B_;
    const bool explained = P - 1 == explain_row_;
    ForwardOptions pass = pass_;
    pass.keep_scores = pass.keep_blocks = explained && fits;
    ForwardTrace prompt =
        forward_sliding(model_, out_.ids, pass, [&](int l, const LayerTrace& layer) {
          const auto at = static_cast<size_t>(l);
          for (Eigen::Index i = 0; i < P; ++i) take_row(layer, i, i, 0, T_, out_.trace.layers[at]);
          if (!fits) return;
          if (explained) out_.explained.layers[at] = query_row(layer, P - 1);
          KvCache& cache = caches_[at];  // one k and v per key/value head
          const Weights& attention = model_.blocks[at].attention;
          for (int h = 0; h < attention.n_head(); ++h) {
            if (!attention.computes_kv(h)) continue;
            cache.keys.push_back(layer.attention.heads[static_cast<size_t>(h)].k);
            cache.values.push_back(layer.attention.heads[static_cast<size_t>(h)].v);
          }
          cache.rows = P;
        });
    cached_ = fits;
    if (explained && !fits) window_row(P - 1, true);  // that row's window once more, kept whole
    for (auto& row : prompt.predictions) out_.trace.predictions.push_back(std::move(row));
    reading(ForwardOptions::kOutput, 0, model_.output_embedding().rows());
    next_logits(P - 1);
  }

  // The row of the token just written: from the caches while the text fits, else from a pass
  // over the block_size tokens ending at it.
  void read_last() {
    const auto i = static_cast<Eigen::Index>(out_.ids.size()) - 1;
    const int id = out_.ids.back();
    const bool explained = i == explain_row_;
    cached_ = cached_ && i < B_;
    if (cached_) {
      reading(ForwardOptions::kTokenEmbedding, id, 1);
      if (model_.position_embedding.rows() > 0) reading(ForwardOptions::kPositionEmbedding, i, 1);
      Matrix x = embed(model_, {id}, i);  // (1, n_embd)
      const AttentionOptions attention{true, pass_.scale, explained};
      for (size_t l = 0; l < model_.blocks.size(); ++l) {
        const Block& block = model_.blocks[l];
        reading(static_cast<int>(l), 0, 0);
        LayerTrace layer;
        layer.attention = attend_next(x, block.attention, caches_[l], attention);
        attention_residual(block, model_, layer.attention.out, x);
        mlp_residual(model_, block, x, layer.block, explained);
        take_row(layer, 0, i, 0, T_, out_.trace.layers[l]);
        if (explained) {  // every key and value the row read: the cache's rows so far
          for (size_t h = 0; h < layer.attention.heads.size(); ++h) {
            const auto kv = static_cast<size_t>(block.attention.kv_head(static_cast<int>(h)));
            layer.attention.heads[h].k = caches_[l].keys[kv].topRows(i + 1);
            layer.attention.heads[h].v = caches_[l].values[kv].topRows(i + 1);
          }
          out_.explained.layers[l] = std::move(layer);
        }
      }
    } else {
      window_row(i, explained);
    }
    next_logits(i);
    if (keep_.top_k > 0) {
      NextTokens next(1, keep_.top_k, keep_.guess_ids);
      next.add(logits_, 0);
      out_.trace.predictions.push_back(next.result().front());
    }
  }

  // Row i past block_size (or a prompt longer than it) from one pass over the block_size tokens
  // ending at it, as nanoGPT's crop reads it; with i == explain_row_ everything it computed is
  // kept.
  void window_row(Eigen::Index i, bool explained) {
    const Eigen::Index first = i - B_ + 1;
    ForwardOptions window = pass_;
    window.top_k = 0;  // the guesses come from next_logits()
    window.outputs_from = B_;
    window.keep_scores = window.keep_blocks = explained;
    const std::vector<int> ids(out_.ids.begin() + first, out_.ids.begin() + i + 1);
    forward(model_, ids, window, [&](int l, const LayerTrace& layer) {
      const auto at = static_cast<size_t>(l);
      take_row(layer, B_ - 1, i, first, T_, out_.trace.layers[at]);
      if (explained) out_.explained.layers[at] = query_row(layer, B_ - 1);
    });
  }

  // The logits row i chooses the next token from: ln_f and lm_head on its last block's output.
  void next_logits(Eigen::Index i) {
    const Matrix& x_out = out_.trace.layers.back().block.x_out;  // (T, n_embd), rows so far
    logits_ = next_token_logits(model_, x_out.row(i));           // (1, vocab)
    if (!keep_.keep_logits) return;
    Matrix& all = out_.trace.logits;
    if (all.rows() == 0) all.resize(options_.new_tokens + 1, logits_.cols());
    all.row(static_cast<Eigen::Index>(out_.steps.size())) = logits_.row(0);
  }

  const Transformer& model_;
  const GenerateOptions& options_;
  const ForwardOptions& keep_;     // what the caller keeps
  ForwardOptions pass_;            // how each pass runs
  Eigen::Index T_ = 0;             // prompt + new tokens
  Eigen::Index B_ = 0;             // the context
  std::vector<KvCache> caches_;    // per layer
  bool cached_ = false;            // the caches hold every token so far
  Eigen::Index explain_row_ = -1;  // the row whose computation is kept whole (StepTrace)
  Matrix logits_;                  // (1, vocab): what the next token is drawn from
  Generation out_;
};

}  // namespace

Generation generate(const Transformer& model, const std::vector<int>& prompt,
                    const GenerateOptions& options, const ForwardOptions& forward_options,
                    const LayerVisitor& visit) {
  if (prompt.empty()) throw Error(Err::Internal, {"generate() without a prompt"});
  if (options.explain_step < 0 || options.explain_step > options.new_tokens)
    throw Error(Err::Internal, {"generate(): explain_step past the new tokens"});
  return Writer(model, prompt, options, forward_options).run(visit);
}

}  // namespace attnviz
