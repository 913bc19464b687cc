// The forward pass of a whole GPT, block by block, as its PyTorch code computes it in float32.
#include "attnviz/model/transformer.hpp"

#include <cmath>

#include "attnviz/model/attention.hpp"
#include "attnviz/model/kernels.hpp"

namespace attnviz {
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
  }
}

// x·Wᵀ (+ b broadcast over rows): (T, in) · (in, out) → (T, out), as nn.Linear.
Matrix linear(const Matrix& x, const Matrix& weight, const Matrix& bias) {
  Matrix y(x.rows(), weight.rows());
  matmul(x, weight, Layout::Transposed, y);
  if (bias.size() > 0) y.rowwise() += bias.row(0);
  return y;
}

}  // namespace

ForwardTrace forward(const Transformer& model, const std::vector<int>& ids,
                     const ForwardOptions& options) {
  const auto T = static_cast<Eigen::Index>(ids.size());
  Matrix x(T, model.n_embd);  // (T, n_embd)
  for (Eigen::Index t = 0; t < T; ++t) {
    x.row(t) =
        model.token_embedding.row(ids[static_cast<size_t>(t)]) + model.position_embedding.row(t);
  }
  ForwardTrace trace;
  const AttentionOptions attention{options.causal, options.scale, options.keep_scores};
  for (const Block& block : model.blocks) {
    LayerTrace layer;
    layer.attention = attend(x, block.attention, attention);  // attn(ln_1(x)), every head kept
    x += layer.attention.out;
    if (options.keep_blocks) layer.block.x_mid = x;
    Matrix h = linear(layer_norm(x, block.ln2_weight, block.ln2_bias, model.layer_norm_epsilon),
                      block.mlp.fc_weight, block.mlp.fc_bias);  // (T, hidden)
    activate(h, model.activation);
    Matrix mlp_out = linear(h, block.mlp.proj_weight, block.mlp.proj_bias);  // (T, n_embd)
    x += mlp_out;
    layer.block.x_out = x;
    if (options.keep_blocks) {
      layer.block.hidden = std::move(h);
      layer.block.mlp_out = std::move(mlp_out);
    }
    trace.layers.push_back(std::move(layer));
  }
  // (T, n_embd) · (n_embd, vocab) → (T, vocab)
  trace.logits = linear(layer_norm(x, model.ln_f_weight, model.ln_f_bias, model.layer_norm_epsilon),
                        model.output_embedding(), model.lm_head_bias);
  return trace;
}

}  // namespace attnviz
