// The forward pass of a whole GPT, block by block, as its PyTorch code computes it in float32.
#include "attnviz/model/transformer.hpp"

#include <algorithm>
#include <cmath>

#include "attnviz/compute/kernels.hpp"
#include "attnviz/model/attention.hpp"
#include "compute/pages.hpp"
#include "model/block_parts.hpp"

namespace attnviz {

namespace {

// Each family's names, in the order of enum class Family: as people write it, as JSON names it.
constexpr const char* kFamilyNames[][2] = {
    {"nanoGPT", "nanogpt"}, {"GPT-2", "gpt2"},    {"gpt.py", "gpt.py"}, {"Llama", "llama"},
    {"Mistral", "mistral"}, {"Qwen2", "qwen2"},   {"Qwen3", "qwen3"},   {"Gemma", "gemma"},
    {"Gemma 2", "gemma2"},  {"Gemma 3", "gemma3"}};

}  // namespace

const char* family_name(Family family) { return kFamilyNames[static_cast<int>(family)][0]; }

const char* family_id(Family family) { return kFamilyNames[static_cast<int>(family)][1]; }

const char* activation_id(Activation activation) {
  // enum class Activation's order
  constexpr const char* kNames[] = {"gelu", "gelu_new", "relu", "silu"};
  return kNames[static_cast<int>(activation)];
}
namespace {

// The MLP's nonlinearity, elementwise on (T, hidden).
void activate(Matrix& h, Activation activation) {
  switch (activation) {
    case Activation::Gelu:  // nn.GELU()
      gelu_erf(h);
      break;
    case Activation::GeluTanh:  // gelu_new
      gelu_tanh(h);
      break;
    case Activation::Relu:
      h = h.cwiseMax(0.0f);
      break;
    case Activation::Silu:  // nn.SiLU
      silu(h);
      break;
  }
}

// x·Wᵀ (+ b broadcast over rows): (T, in) · (in, out) → (T, out), as nn.Linear; x·W for Conv1D.
Matrix linear(const ConstMatrixRef& x, const Tensor& weight, Operand operand, const Matrix& bias) {
  Matrix y(x.rows(), operand == Operand::Transposed ? weight.rows() : weight.cols());
  matmul_weight(x, weight, operand, y);
  if (bias.size() > 0) y.rowwise() += bias.row(0);
  return y;
}

// The block's matrices that are views of a mapped file leave resident memory (pages.hpp).
void release_pages(const Block& block) {
  for (const HeadWeights& h : block.attention.heads) {
    for (const Tensor* t : {&h.query, &h.key, &h.value}) release_pages(*t);
  }
  for (const Tensor* t : {&block.attention.proj_weight, &block.mlp.gate_weight,
                          &block.mlp.fc_weight, &block.mlp.proj_weight}) {
    release_pages(*t);
  }
}

}  // namespace

Matrix embed(const Transformer& model, const std::vector<int>& ids, Eigen::Index first) {
  const auto T = static_cast<Eigen::Index>(ids.size());
  const Tensor positions = model.position_embedding.rows() > 0
                               ? model.position_embedding.part(first, 0, T, model.n_embd)
                               : Tensor();
  Matrix x = embed(ids, model.token_embedding, positions);  // (T, n_embd)
  if (model.embed_scale > 0.0f) x *= model.embed_scale;
  return x;
}

void attention_residual(const Block& block, const Transformer& model, const Matrix& out,
                        Matrix& x) {
  if (block.post_attention_norm.size() == 0) {
    x += out;
    return;
  }
  x += normalize(out, model.norm, block.post_attention_norm, Matrix(), model.layer_norm_epsilon);
}

void mlp_residual(const Transformer& model, const Block& block, Matrix& x, BlockTrace& trace,
                  bool keep) {
  if (keep) trace.x_mid = x;
  const Matrix x_ln =  // (T, n_embd)
      normalize(x, model.norm, block.ln2_weight, block.ln2_bias, model.layer_norm_epsilon);
  const Mlp& mlp = block.mlp;
  Matrix h = linear(x_ln, mlp.fc_weight, mlp.operand, mlp.fc_bias);  // (T, hidden)
  if (mlp.gate_weight.size() > 0) {                                  // act(x·gateᵀ) ⊙ x·upᵀ
    Matrix gate = linear(x_ln, mlp.gate_weight, mlp.operand, mlp.gate_bias);  // (T, hidden)
    activate(gate, model.activation);
    h.array() *= gate.array();
  } else {
    activate(h, model.activation);
  }
  Matrix mlp_out = linear(h, mlp.proj_weight, mlp.operand, mlp.proj_bias);  // (T, n_embd)
  if (block.post_mlp_norm.size() > 0) {
    mlp_out =
        normalize(mlp_out, model.norm, block.post_mlp_norm, Matrix(), model.layer_norm_epsilon);
  }
  x += mlp_out;
  trace.x_out = x;
  if (keep) {
    trace.hidden = std::move(h);
    trace.mlp_out = std::move(mlp_out);
  }
}

Matrix final_norm(const Transformer& model, const ConstMatrixRef& x) {
  return normalize(x, model.norm, model.ln_f_weight, model.ln_f_bias, model.layer_norm_epsilon);
}

void cap_logits(const Transformer& model, MatrixRef logits) {
  const float cap = model.final_softcap;
  if (cap <= 0.0f) return;
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {  // as Gemma 2: / cap, tanh, · cap
    for (Eigen::Index j = 0; j < logits.cols(); ++j) {
      logits(i, j) = std::tanh(logits(i, j) / cap) * cap;
    }
  }
}

Matrix next_token_logits(const Transformer& model, const Matrix& x) {
  // (rows, n_embd) · (n_embd, vocab) → (rows, vocab)
  Matrix logits = linear(final_norm(model, x), model.output_embedding(), Operand::Transposed,
                         model.lm_head_bias);
  cap_logits(model, logits);
  return logits;
}

ForwardTrace forward(const Transformer& model, const std::vector<int>& ids,
                     const ForwardOptions& options, const LayerVisitor& visit) {
  const auto T = static_cast<Eigen::Index>(ids.size());
  const auto reading = [&](int block, Eigen::Index first, Eigen::Index rows) {
    if (options.before_reading) options.before_reading(block, first, rows);
  };
  for (const int id : ids) reading(ForwardOptions::kTokenEmbedding, id, 1);
  if (model.position_embedding.rows() > 0) reading(ForwardOptions::kPositionEmbedding, 0, T);
  Matrix x = embed(model, ids, 0);  // (T, n_embd)
  ForwardTrace trace;
  trace.layers.resize(model.blocks.size());
  const AttentionOptions attention{options.causal, options.scale, options.keep_scores};
  const size_t n_layer = options.n_layer < 0
                             ? model.blocks.size()
                             : std::min(model.blocks.size(), size_t(options.n_layer));
  for (size_t l = 0; l < n_layer; ++l) {
    const Block& block = model.blocks[l];
    reading(static_cast<int>(l), 0, 0);
    LayerTrace layer;
    layer.attention = attend(x, block.attention, attention);  // attn(ln_1(x)), every head kept
    attention_residual(block, model, layer.attention.out, x);
    mlp_residual(model, block, x, layer.block, options.keep_blocks);
    if (visit) visit(static_cast<int>(l), layer);
    if (options.keep_layer.empty() || options.keep_layer[l]) trace.layers[l] = std::move(layer);
    if (options.release_weights) {
      release_pages(block);
      if (options.after_reading) options.after_reading(static_cast<int>(l), 0, 0);
    }
  }
  if (n_layer < model.blocks.size()) return trace;
  const Eigen::Index outputs = T - std::min(options.outputs_from, T);
  if (options.keep_logits) {
    reading(ForwardOptions::kOutput, 0, model.output_embedding().rows());
    trace.logits = next_token_logits(model, x.bottomRows(outputs));  // (outputs, vocab)
  }
  if (options.top_k > 0) {
    // 4 096 vocabulary columns at a time: (T, 4096) logits, not (T, vocab) (GPT-2 at T = 1024:
    // 16 MB, not 206 MB), and the output embedding packed for the products once.
    constexpr Eigen::Index kSlab = 4096;
    const Tensor& embedding = model.output_embedding();  // (vocab, n_embd)
    const Matrix final_x = options.keep_logits
                               ? Matrix()
                               : final_norm(model, x.bottomRows(outputs));  // (outputs, n_embd)
    NextTokens next(outputs, options.top_k, options.guess_ids);
    for (Eigen::Index v0 = 0; v0 < embedding.rows(); v0 += kSlab) {
      const Eigen::Index n = std::min(kSlab, embedding.rows() - v0);
      if (options.keep_logits) {
        next.add(trace.logits.middleCols(v0, n), static_cast<int>(v0));
        continue;
      }
      reading(ForwardOptions::kOutput, v0, n);
      Matrix slab(outputs, n);  // (outputs, n_embd) · (n_embd, n) → (outputs, n)
      matmul_weight(final_x, embedding.part(v0, 0, n, embedding.cols()), Operand::Transposed, slab);
      if (options.release_weights) {
        release_pages(embedding.part(v0, 0, n, embedding.cols()));
        if (options.after_reading) options.after_reading(ForwardOptions::kOutput, v0, n);
      }
      if (model.lm_head_bias.size() > 0) slab.rowwise() += model.lm_head_bias.row(0).segment(v0, n);
      cap_logits(model, slab);
      next.add(slab, static_cast<int>(v0));
    }
    trace.predictions = next.result();
  }
  return trace;
}

}  // namespace attnviz
