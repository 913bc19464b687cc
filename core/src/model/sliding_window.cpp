// A text longer than the model's context, one pass per window, put together row by row.
#include "attnviz/error.hpp"
#include "attnviz/model/transformer.hpp"
#include "model/block_parts.hpp"

namespace attnviz {

void set_window(AttentionTrace& trace, const Weights& layer, Eigen::Index T, Eigen::Index B) {
  const int crop = T > B ? static_cast<int>(B) : 0, own = layer.window;
  trace.sliding = own > 0 && (crop == 0 || own < crop);
  trace.window = trace.sliding ? own : crop;
}

void take_row(const LayerTrace& from_layer, Eigen::Index from, Eigen::Index to, Eigen::Index first,
              Eigen::Index T, LayerTrace& whole) {
  const AttentionTrace& a = from_layer.attention;
  AttentionTrace& w = whole.attention;
  const auto row = [&](const Matrix& part, Matrix& into) {
    if (part.size() == 0) return;
    if (into.rows() != T) into = Matrix::Zero(T, part.cols());
    into.row(to) = part.row(from);
  };
  row(a.x, w.x);
  row(a.x_ln, w.x_ln);
  row(a.out, w.out);
  row(from_layer.block.x_out, whole.block.x_out);
  if (w.heads.size() != a.heads.size()) w.heads.resize(a.heads.size());
  for (size_t h = 0; h < a.heads.size(); ++h) {
    const HeadTrace& part = a.heads[h];
    HeadTrace& into = w.heads[h];
    row(part.q, into.q);
    row(part.out, into.out);
    if (into.weights.rows() != T) into.weights = Matrix::Zero(T, T);
    into.weights.row(to).segment(first, part.weights.cols()) = part.weights.row(from);
  }
  w.scale = a.scale;
  w.causal = a.causal;
}

LayerTrace query_row(const LayerTrace& layer, Eigen::Index row) {
  const AttentionTrace& a = layer.attention;
  LayerTrace out;
  AttentionTrace& o = out.attention;
  const auto take = [&](const Matrix& m) { return m.size() == 0 ? Matrix() : Matrix(m.row(row)); };
  o.x = take(a.x);
  o.x_ln = take(a.x_ln);
  o.concat = take(a.concat);
  o.out = take(a.out);
  o.scale = a.scale;
  o.causal = a.causal;
  for (const HeadTrace& h : a.heads) {
    const Eigen::Index keys = row + 1;
    HeadTrace& head = o.heads.emplace_back();
    head.q = take(h.q);
    head.k = h.k.topRows(keys);
    head.v = h.v.topRows(keys);
    head.scores = h.scores.block(row, 0, 1, keys);
    head.q_raw = take(h.q_raw);
    head.k_raw = h.k_raw.size() > 0 ? Matrix(h.k_raw.topRows(keys)) : Matrix();
    head.weights = h.weights.block(row, 0, 1, keys);
    head.out = take(h.out);
  }
  const BlockTrace& b = layer.block;
  out.block = {take(b.x_mid), take(b.hidden), take(b.mlp_out), take(b.x_out)};
  return out;
}

ForwardTrace forward_sliding(const Transformer& model, const std::vector<int>& ids,
                             const ForwardOptions& options, const LayerVisitor& visit) {
  const auto T = static_cast<Eigen::Index>(ids.size());
  const Eigen::Index B = model.block_size;
  if (B <= 0 || T <= B) return forward(model, ids, options, visit);
  if (!options.causal) throw Error(Err::Internal, {"forward_sliding without the causal mask"});

  ForwardOptions pass = options;
  pass.keep_scores = pass.keep_blocks = false;  // not one matrix over the text: not kept
  // Each pass's layers are read as it goes (the rows they give copied out) and not kept: one
  // layer's (B, B) weights at a time, not every layer's.
  pass.keep_layer.assign(model.blocks.size(), false);
  pass.release_weights = false;  // the next pass reads the same weights again
  ForwardTrace whole;
  const size_t n_layer = options.n_layer < 0
                             ? model.blocks.size()
                             : std::min(model.blocks.size(), size_t(options.n_layer));
  whole.layers.resize(model.blocks.size());
  Eigen::Index logit_rows = 0;
  const auto keep_outputs = [&](ForwardTrace& part) {
    if (part.logits.size() > 0) {
      if (whole.logits.rows() != T) whole.logits.resize(T, part.logits.cols());
      whole.logits.middleRows(logit_rows, part.logits.rows()) = part.logits;
      logit_rows += part.logits.rows();
    }
    for (auto& row : part.predictions) whole.predictions.push_back(std::move(row));
  };
  // Rows 0 … B − 1: one pass over the first B tokens, a causal prefix each.
  {
    ForwardTrace first =
        forward(model, {ids.begin(), ids.begin() + B}, pass, [&](int l, const LayerTrace& layer) {
          for (Eigen::Index i = 0; i < B; ++i)
            take_row(layer, i, i, 0, T, whole.layers[static_cast<size_t>(l)]);
        });
    keep_outputs(first);
  }
  // Each later row from the pass whose window ends at it; only its last row's guesses are made.
  pass.outputs_from = B - 1;
  for (Eigen::Index i = B; i < T; ++i) {
    const auto start = ids.begin() + (i - B + 1);
    ForwardTrace part =
        forward(model, {start, start + B}, pass, [&](int l, const LayerTrace& layer) {
          take_row(layer, B - 1, i, i - B + 1, T, whole.layers[static_cast<size_t>(l)]);
        });
    keep_outputs(part);
  }
  for (size_t l = 0; l < n_layer; ++l) {
    set_window(whole.layers[l].attention, model.blocks[l].attention, T, B);
    if (visit) visit(static_cast<int>(l), whole.layers[l]);
    if (!options.keep_layer.empty() && !options.keep_layer[l]) whole.layers[l] = LayerTrace{};
  }
  return whole;
}

}  // namespace attnviz
