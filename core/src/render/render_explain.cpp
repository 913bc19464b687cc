// The step-by-step explanation of one run.
#include "attnviz/render/render_explain.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "attnviz/i18n/messages.hpp"
#include "attnviz/render/describe.hpp"
#include "attnviz/render/render_heads.hpp"
#include "attnviz/strings.hpp"
#include "attnviz/text/utf8.hpp"
#include "render/elide.hpp"

namespace attnviz {
namespace {

constexpr int kLabelColumns = 10;

// A matrix to print: labeled rows and columns, each cell's text, and an optional extra column.
struct Grid {
  std::vector<std::string> rows;  // row labels
  std::vector<std::string> cols;  // column labels
  std::function<std::string(Eigen::Index, Eigen::Index)> cell;
  std::string extra_label;  // e.g. "Σ"; empty: no extra column
  std::function<std::string(Eigen::Index)> extra;
  std::string corner;  // heading of the row labels
};

class Explainer {
 public:
  Explainer(const Result& result, const ExplainOptions& options)
      : info_(result.info), result_(result), o_(options), lang_(options.lang) {
    const size_t digits = std::to_string(result.tokens.size() - 1).size();
    for (size_t t = 0; t < result.tokens.size(); ++t) {
      const std::string label =
          utf8::truncate_to_width(utf8::visible(result.tokens[t]), kLabelColumns);
      token_labels_.push_back(label);
      row_labels_.push_back(utf8::pad_left(std::to_string(t), static_cast<int>(digits)) + " " +
                            label);
    }
  }

  std::string run() {
    if (result_.generation && result_.generation->explained.step > 0)
      return run_step(*result_.generation);
    out_ += "attnviz --explain · " + run_summary(result_, lang_) + "\n";
    out_ += say(lang_, Msg::ExplainTitle) + ". " + say(lang_, Msg::ExplainTrace) + "\n";
    tokens_step();
    // Each layer shown (a module has one): its input, every head, the projection and, in a whole
    // model, the rest of its block.
    for (layer_ = 0; layer_ < result_.layers.size(); ++layer_) {
      if (result_.model) {
        out_ += "\n════ " +
                say(lang_, Msg::LayerOf,
                    {std::to_string(result_.layer_numbers[layer_]),
                     std::to_string(result_.model->n_layer)}) +
                " ════\n";
      }
      embedding_step();
      const int n_head = info_.n_head;
      for (const int h : explained_heads()) {
        if (n_head > 1) {
          out_ += "\n══ " + say(lang_, Msg::HeadOf, {std::to_string(h), std::to_string(n_head)}) +
                  " ══\n";
        }
        head_steps(trace().heads[static_cast<size_t>(h)], h);
      }
      if (result_.weights.multi_head()) projection_step();
      if (layer_ < result_.blocks.size()) block_steps(result_.blocks[layer_]);
    }
    if (result_.model) {
      predictions_step();
      step(14, say(lang_, Msg::HeadsTitle), heads_intro(result_, lang_));
      out_ += heads_table(result_, lang_);
    }
    return std::move(out_);
  }

 private:
  // --head i explains head i; otherwise (all, mean) every head.
  std::vector<int> explained_heads() const { return chosen_heads(result_, o_.view); }

  void step(int number, const std::string& title, const std::string& explanation) {
    out_ += "\n── " + say(lang_, Msg::Step, {std::to_string(number)}) + " · " + title + " ──\n";
    out_ += explanation + "\n";
  }

  std::string number(float v) const {
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", o_.precision, static_cast<double>(v));
    return buf;
  }

  // At most max_rows × max_columns cells: a longer axis shows its first and last items with a
  // gap (…) between them, unless --full.
  std::vector<std::ptrdiff_t> shown(size_t n, int max) const {
    const auto limit = static_cast<size_t>(max);
    if (o_.full || n <= limit) return shown_indices(n, n, 0);
    return shown_indices(n, limit / 2, limit - limit / 2 - 1);
  }

  void print(const Grid& g) {
    const std::vector<std::ptrdiff_t> rows = shown(g.rows.size(), o_.max_rows);
    const std::vector<std::ptrdiff_t> cols = shown(g.cols.size(), o_.max_columns);
    const auto at = [](std::ptrdiff_t k) { return static_cast<Eigen::Index>(k); };
    const auto gap = [](std::ptrdiff_t k) { return k == kElided; };
    // Cells first, to size the columns; the extra column (Σ) is the last.
    std::vector<std::vector<std::string>> cells(rows.size());
    std::vector<std::string> labels;
    int label_w = utf8::display_width(g.corner);
    std::vector<int> width;
    for (const std::ptrdiff_t j : cols) {
      width.push_back(utf8::display_width(gap(j) ? "…" : g.cols[static_cast<size_t>(j)]));
    }
    width.push_back(utf8::display_width(g.extra_label));
    for (size_t r = 0; r < rows.size(); ++r) {
      const std::ptrdiff_t i = rows[r];
      labels.push_back(gap(i) ? "⋮" : g.rows[static_cast<size_t>(i)]);
      label_w = std::max(label_w, utf8::display_width(labels.back()));
      for (size_t c = 0; c < cols.size(); ++c) {
        const std::ptrdiff_t j = cols[c];
        cells[r].push_back(gap(i) ? "⋮" : gap(j) ? "…" : g.cell(at(i), at(j)));
      }
      if (g.extra) cells[r].push_back(gap(i) ? "⋮" : g.extra(at(i)));
      for (size_t c = 0; c < cells[r].size(); ++c) {
        width[c] = std::max(width[c], utf8::display_width(cells[r][c]));
      }
    }
    std::string header = "  " + utf8::pad_right(g.corner, label_w);
    for (size_t c = 0; c < cols.size(); ++c) {
      header += "  " +
                utf8::pad_left(gap(cols[c]) ? "…" : g.cols[static_cast<size_t>(cols[c])], width[c]);
    }
    if (g.extra) header += "  " + utf8::pad_left(g.extra_label, width[cols.size()]);
    out_ += header + "\n";
    for (size_t r = 0; r < rows.size(); ++r) {
      std::string line = "  " + utf8::pad_right(labels[r], label_w);
      for (size_t c = 0; c < cells[r].size(); ++c)
        line += "  " + utf8::pad_left(cells[r][c], width[c]);
      out_ += line + "\n";
    }
    // With a gap, all but one of the shown items are real.
    if (cols.size() < g.cols.size()) {
      const size_t hidden = g.cols.size() - (cols.size() - 1);
      out_ += "  " + say(lang_, Msg::HiddenColumns, {std::to_string(hidden)}) + "\n";
    }
    if (rows.size() < g.rows.size()) {
      const size_t hidden = g.rows.size() - (rows.size() - 1);
      out_ += "  " + say(lang_, Msg::HiddenRows, {std::to_string(hidden)}) + "\n";
    }
  }

  // A (T, n) matrix with token rows and numbered columns.
  void print_matrix(const std::string& name, const Matrix& m) {
    print_matrix(name, m, row_labels_);
  }

  // A matrix whose rows are the tokens labelled `rows`.
  void print_matrix(const std::string& name, const Matrix& m,
                    const std::vector<std::string>& rows) {
    out_ +=
        "\n" + name + "  (" + say(lang_, Msg::ShapeOf, {shape_text(m.rows(), m.cols())}) + ")\n";
    std::vector<std::string> cols;
    for (Eigen::Index j = 0; j < m.cols(); ++j) cols.push_back(std::to_string(j));
    print(
        {rows, cols, [&](Eigen::Index i, Eigen::Index j) { return number(m(i, j)); }, "", {}, ""});
  }

  // A (T, T) matrix with token rows and token columns; `cell` formats each entry.
  void print_square(const std::string& name, Eigen::Index T,
                    std::function<std::string(Eigen::Index, Eigen::Index)> cell,
                    std::string extra_label = "",
                    std::function<std::string(Eigen::Index)> extra = {}) {
    out_ += "\n" + name + "  (" + say(lang_, Msg::ShapeOf, {shape_text(T, T)}) + ")\n";
    print({row_labels_, token_labels_, std::move(cell), std::move(extra_label), std::move(extra),
           ""});
  }

  void tokens_step() {
    const size_t T = result_.tokens.size();
    const bool randn = info_.randn_input;
    step(1, say(lang_, Msg::TokensTitle),
         say(lang_, randn ? Msg::TokensTextRandn : Msg::TokensText, {std::to_string(T)}));
    const std::string position = say(lang_, Msg::Position);
    std::vector<std::string> rows;
    for (size_t t = 0; t < T; ++t) {
      rows.push_back(utf8::pad_left(std::to_string(t), utf8::display_width(position)));
    }
    print({rows,
           {say(lang_, Msg::Token), say(lang_, Msg::Id)},
           [&](Eigen::Index i, Eigen::Index j) {
             const auto t = static_cast<size_t>(i);
             if (j == 0) return token_labels_[t];
             return randn ? std::string("–") : std::to_string(result_.ids[t]);
           },
           "",
           {},
           position});
  }

  void embedding_step() {
    const Weights& w = result_.weights;
    if (info_.randn_input) {
      step(2, say(lang_, Msg::RandnTitle),
           say(lang_, Msg::RandnText,
               {std::to_string(result_.tokens.size()), std::to_string(w.n_embd),
                std::to_string(info_.seed)}));
      print_matrix("x", trace().x);
      return;
    }
    embedding_text(result_.layer_numbers[layer_]);
    print_matrix("x", trace().x);
    if (!w.has_layer_norm()) return;
    if (w.norm == Norm::LayerNorm) {
      out_ += "\n" + say(lang_, Msg::LayerNormText) + "\n";
      print_matrix("LayerNorm(x)", trace().x_ln);
      return;
    }
    char eps[32];
    std::snprintf(eps, sizeof eps, "%g", static_cast<double>(w.ln_eps));
    out_ += "\n" +
            say(lang_, Msg::RmsNormText,
                {"input_layernorm", eps,
                 w.norm == Norm::RmsNormPlusOne ? say(lang_, Msg::RmsNormPlusOne) : ""}) +
            "\n";
    print_matrix("RMSNorm(x)", trace().x_ln);
  }

  // Step 2's title and text for layer `layer` of a model (or the module).
  void embedding_text(int layer) {
    const Weights& w = result_.weights;
    if (result_.model && layer > 0) {  // a later block reads the residual stream, not embeddings
      step(2, say(lang_, Msg::ResidualTitle, {std::to_string(layer)}),
           say(lang_, Msg::ResidualText, {std::to_string(layer), std::to_string(layer - 1)}));
    } else {
      if (w.rotary.on()) {
        const float scale = result_.model ? result_.model->embed_scale : 0.0f;
        step(2, say(lang_, Msg::EmbedTitleRotary),
             say(lang_, Msg::EmbedTextRotary,
                 {std::to_string(w.n_embd),
                  scale > 0.0f ? say(lang_, Msg::EmbedScaled, {number(scale)}) : ""}));
        return;
      }
      step(2, say(lang_, Msg::EmbedTitle),
           say(lang_, w.has_positions() ? Msg::EmbedText : Msg::EmbedTextNoPositions,
               {std::to_string(w.n_embd)}));
    }
  }

  void scale_step() {
    const Weights& w = result_.weights;
    if (info_.scale && w.attn_scale > 0.0f) {  // Gemma 2 and 3: the model's own scale
      step(5, say(lang_, Msg::ScaleTitleModel, {number(trace().scale)}),
           say(lang_, Msg::ScaleText));
    } else if (info_.scale) {
      char value[32];
      std::snprintf(value, sizeof value, "%.6g", static_cast<double>(trace().scale));
      step(5, say(lang_, Msg::ScaleTitle, {std::to_string(result_.weights.head_size()), value}),
           say(lang_, Msg::ScaleText));
    } else {
      step(5, say(lang_, Msg::NoScaleTitle), say(lang_, Msg::NoScaleText));
    }
    if (w.softcap > 0.0f) out_ += say(lang_, Msg::SoftcapText, {number(w.softcap)}) + "\n";
  }

  // A rotating model's step 3, continued: grouped keys and values, the q/k norms, then the turn
  // of every pair with its angles, q and k before and after.
  void rotary_steps(const HeadTrace& head, int h) {
    const Weights& w = result_.weights;
    if (w.n_kv_head > 0) {
      const int kv = w.kv_head(h);
      std::string heads;
      for (int g = w.kv_first(h); g < w.kv_first(h) + w.kv_group(); ++g)
        heads += (heads.empty() ? "" : ", ") + std::to_string(g);
      out_ +=
          "\n" + say(lang_, Msg::KvShared, {std::to_string(h), std::to_string(kv), heads}) + "\n";
    }
    if (!w.rotary.on() || head.q_raw.size() == 0) return;
    if (w.q_norm.size() > 0) {
      out_ += "\n" + say(lang_, Msg::QkNormText, {std::to_string(w.head_size())}) + "\n";
    }
    const Eigen::Index d = w.head_size();
    out_ += "\n── " + say(lang_, Msg::RotaryTitle) + " ──\n";
    char base[32];
    std::snprintf(base, sizeof base, "%g", w.rotary.base);
    const std::string scaled =
        w.rotary.scaling.empty() ? "" : say(lang_, Msg::RotaryScaled, {w.rotary.scaling});
    out_ += say(lang_, Msg::RotaryText, {std::to_string(d / 2), std::to_string(d), base, scaled}) +
            "\n\n" + say(lang_, Msg::RotaryAngles) + "\n";
    print_matrix("pos · θ", trace().angles);
    print_matrix("q turned", head.q);
    print_matrix("k turned", head.k);
  }

  void head_steps(const HeadTrace& head, int h) {
    const AttentionTrace& trace = this->trace();
    const Eigen::Index T = trace.T();
    const bool bias = result_.weights.heads.front().has_bias();
    step(3, say(lang_, bias ? Msg::QkvTitleBias : Msg::QkvTitle), say(lang_, Msg::QkvText));
    // A rotating model's q and k as they are before the turn (rotary_steps shows them after).
    const bool turned = head.q_raw.size() > 0;
    print_matrix("q", turned ? head.q_raw : head.q);
    print_matrix("k", turned ? head.k_raw : head.k);
    print_matrix("v", head.v);
    rotary_steps(head, h);

    step(4, say(lang_, Msg::ScoresTitle), say(lang_, Msg::ScoresText));
    print_square("q·kᵀ", T,
                 [&](Eigen::Index i, Eigen::Index j) { return number(head.scores(i, j)); });

    const float scale = trace.scale;
    scale_step();
    print_square("q·kᵀ · " + number(scale), T,
                 [&](Eigen::Index i, Eigen::Index j) { return number(head.scores(i, j) * scale); });

    mask_step(head);

    step(7, say(lang_, Msg::SoftmaxTitle), say(lang_, Msg::SoftmaxText));
    print_square(
        "softmax", T,
        [&](Eigen::Index i, Eigen::Index j) {
          return trace.masked(i, j) ? std::string("0") : number(head.weights(i, j));
        },
        "Σ", [&](Eigen::Index i) { return number(head.weights.row(i).sum()); });

    step(8, say(lang_, Msg::OutputTitle), say(lang_, Msg::OutputText));
    print_matrix("out", head.out);
  }

  void mask_step(const HeadTrace& head) {
    const AttentionTrace& trace = this->trace();
    const Eigen::Index T = trace.T();
    if (!trace.causal) {
      step(6, say(lang_, Msg::NoMaskTitle), say(lang_, Msg::NoMaskText));
      return;
    }
    const auto quoted = [&](size_t t) { return utf8::one_line(result_.tokens[t]); };
    std::string text;
    if (T == 1) {
      text = say(lang_, Msg::MaskTextNone);
    } else if (T == 2) {
      text = say(lang_, Msg::MaskTextOne, {quoted(0), quoted(1)});
    } else {
      text = say(lang_, Msg::MaskTextMany,
                 {quoted(0), std::to_string(T - 1), quoted(1), quoted(static_cast<size_t>(T - 1))});
    }
    if (trace.sliding) text += say(lang_, Msg::MaskSlidingText, {std::to_string(trace.window)});
    step(6, say(lang_, Msg::MaskTitle), text);
    print_square("masked", T, [&](Eigen::Index i, Eigen::Index j) {
      return trace.masked(i, j) ? std::string("-inf") : number(head.scores(i, j) * trace.scale);
    });
  }

  // The rest of a whole model's block: the residual connection, the MLP, the residual again.
  void block_steps(const BlockTrace& block) { block_steps(block, row_labels_); }

  void block_steps(const BlockTrace& block, const std::vector<std::string>& rows) {
    const ModelInfo& m = *result_.model;
    const char* activation = m.activation == Activation::Relu       ? "ReLU"
                             : m.activation == Activation::Silu     ? "SiLU"
                             : m.activation == Activation::GeluTanh ? "gelu_new"
                                                                    : "GELU";
    step(10, say(lang_, Msg::ResidualAttnTitle),
         say(lang_, Msg::ResidualAttnText) + (m.post_norms ? say(lang_, Msg::PostNormText) : ""));
    print_matrix("x + attn", block.x_mid, rows);
    const std::string width = std::to_string(result_.weights.n_embd);
    const std::string hidden = std::to_string(block.hidden.cols());
    if (m.gated_mlp) {
      const char* norm = m.post_norms ? "pre_feedforward_layernorm" : "post_attention_layernorm";
      step(11, say(lang_, Msg::MlpGatedTitle, {activation, norm}),
           say(lang_, Msg::MlpGatedText, {activation, width, hidden}));
      print_matrix(std::string(activation) + "(gate_proj) ⊙ up_proj", block.hidden, rows);
    } else {
      step(11, say(lang_, Msg::MlpTitle, {activation}),
           say(lang_, Msg::MlpText, {activation, width, hidden}));
      print_matrix(std::string(activation) + "(c_fc(ln_2(x)))", block.hidden, rows);
    }
    print_matrix("mlp", block.mlp_out, rows);
    step(12, say(lang_, Msg::ResidualMlpTitle), say(lang_, Msg::ResidualMlpText));
    print_matrix("x + mlp", block.x_out, rows);
  }

  // A whole model: after every block, ln_f and lm_head give each position's next-token guesses.
  void predictions_step() {
    const auto& predictions = result_.predictions;
    step(13, say(lang_, Msg::GuessesTitle),
         say(lang_, Msg::GuessesText,
             {std::to_string(result_.model->n_layer), std::to_string(result_.model->vocab_size)}));
    std::vector<std::string> cols;
    for (size_t g = 0; g < predictions.front().size(); ++g) cols.push_back(std::to_string(g + 1));
    print({row_labels_,
           cols,
           [&](Eigen::Index i, Eigen::Index j) {
             const Guess& guess = predictions[static_cast<size_t>(i)][static_cast<size_t>(j)];
             return utf8::truncate_to_width(utf8::visible(guess.token), kLabelColumns) + " " +
                    number(guess.p);
           },
           "",
           {},
           ""});
  }

  void projection_text() {
    const Weights& w = result_.weights;
    step(
        9, say(lang_, Msg::ProjTitle),
        say(lang_, Msg::ProjText,
            {std::to_string(w.n_head()), std::to_string(w.head_size()), std::to_string(w.n_embd)}));
  }

  void projection_step() {
    projection_text();
    print_matrix("concat", trace().concat);
    print_matrix("out", trace().out);
  }

  // --generate with --explain: the step that chose one token, from its row of attention to the
  // draw. Rows are the one query; columns the tokens it read.
  std::string run_step(const GenerationInfo& g) {
    const StepTrace& s = g.explained;
    const GeneratedToken& token = g.steps[static_cast<size_t>(s.step - 1)];
    const auto query = static_cast<size_t>(s.query);
    const auto first = static_cast<size_t>(s.first_key);
    const std::vector<std::string> row = {row_labels_[query]};
    const std::vector<std::string> keys(row_labels_.begin() + s.first_key,
                                        row_labels_.begin() + s.query + 1);
    const std::vector<std::string> key_columns(token_labels_.begin() + s.first_key,
                                               token_labels_.begin() + s.query + 1);
    const auto quoted = [&](size_t t) { return utf8::one_line(result_.tokens[t]); };
    out_ += "attnviz --explain · " + run_summary(result_, lang_) + "\n";
    out_ += say(lang_, Msg::StepTitle,
                {std::to_string(s.step), std::to_string(g.steps.size()),
                 utf8::visible(token.token.token)}) +
            "\n";
    out_ += say(lang_, Msg::StepText,
                {std::to_string(query + 1), std::to_string(query + 1 - first), quoted(query),
                 std::to_string(query)}) +
            "\n";
    if (first > 0) {
      out_ += say(lang_, Msg::StepCropText,
                  {std::to_string(query + 1 - first), std::to_string(first), std::to_string(query),
                   std::to_string(query - first)}) +
              "\n";
    }
    step(1, say(lang_, Msg::StepContextTitle), "");
    const std::string position = say(lang_, Msg::Position);
    std::vector<std::string> positions;
    for (size_t t = first; t <= query; ++t) {
      positions.push_back(utf8::pad_left(std::to_string(t), utf8::display_width(position)));
    }
    print({positions,
           {say(lang_, Msg::Token), say(lang_, Msg::Id)},
           [&](Eigen::Index i, Eigen::Index j) {
             const auto t = first + static_cast<size_t>(i);
             return j == 0 ? token_labels_[t] : std::to_string(result_.ids[t]);
           },
           "",
           {},
           position});

    for (layer_ = 0; layer_ < result_.layers.size(); ++layer_) {
      const int shown = result_.layer_numbers[layer_];
      const LayerTrace& layer = s.layers[static_cast<size_t>(shown)];
      const AttentionTrace& a = layer.attention;
      out_ += "\n════ " +
              say(lang_, Msg::LayerOf,
                  {std::to_string(shown), std::to_string(result_.model->n_layer)}) +
              " ════\n";
      embedding_text(shown);
      print_matrix("x", a.x, row);
      if (a.x_ln.size() > 0) {
        out_ += "\n" + say(lang_, Msg::LayerNormText) + "\n";
        print_matrix("LayerNorm(x)", a.x_ln, row);
      }
      for (const int h : explained_heads()) {
        const HeadTrace& head = a.heads[static_cast<size_t>(h)];
        if (info_.n_head > 1) {
          out_ += "\n══ " +
                  say(lang_, Msg::HeadOf, {std::to_string(h), std::to_string(info_.n_head)}) +
                  " ══\n";
        }
        const bool bias = result_.weights.heads.front().has_bias();
        step(3, say(lang_, bias ? Msg::QkvTitleBias : Msg::QkvTitle),
             say(lang_, Msg::QkvText) + "\n" +
                 say(lang_, first > 0 ? Msg::StepKvWindowText : Msg::StepKvText));
        print_matrix("q", head.q, row);
        print_matrix("k", head.k, keys);
        print_matrix("v", head.v, keys);
        const auto scores_row = [&](const std::string& name, float times) {
          out_ += "\n" + name + "  (" +
                  say(lang_, Msg::ShapeOf, {shape_text(1, head.scores.cols())}) + ")\n";
          print({row,
                 key_columns,
                 [&](Eigen::Index, Eigen::Index j) { return number(head.scores(0, j) * times); },
                 "",
                 {},
                 ""});
        };
        step(4, say(lang_, Msg::ScoresTitle), say(lang_, Msg::ScoresText));
        scores_row("q·kᵀ", 1.0f);
        scale_step();
        scores_row("q·kᵀ · " + number(a.scale), a.scale);
        step(6, say(lang_, Msg::MaskTitle), say(lang_, Msg::StepMaskText, {quoted(query)}));
        step(7, say(lang_, Msg::SoftmaxTitle), say(lang_, Msg::SoftmaxText));
        out_ +=
            "\nsoftmax  (" + say(lang_, Msg::ShapeOf, {shape_text(1, head.weights.cols())}) + ")\n";
        print({row, key_columns,
               [&](Eigen::Index, Eigen::Index j) { return number(head.weights(0, j)); }, "Σ",
               [&](Eigen::Index) { return number(head.weights.sum()); }, ""});
        step(8, say(lang_, Msg::OutputTitle), say(lang_, Msg::OutputText));
        print_matrix("out", head.out, row);
      }
      if (result_.weights.multi_head()) {
        projection_text();
        print_matrix("concat", a.concat, row);
        print_matrix("out", a.out, row);
      }
      block_steps(layer.block, row);
    }
    sampling_steps(g, token);
    return std::move(out_);
  }

  // The last two steps of one generation step: its logits, then the draw.
  void sampling_steps(const GenerationInfo& g, const GeneratedToken& token) {
    const StepTrace& s = g.explained;
    const SamplingTrace& t = s.sampling;
    std::vector<std::string> rows;
    for (const auto& c : token.candidates) {
      rows.push_back(utf8::truncate_to_width(utf8::visible(c.guess.token), kLabelColumns) +
                     (c.guess.id == token.token.id ? " ←" : ""));
    }
    const auto id = [&](Eigen::Index i) {
      return static_cast<size_t>(token.candidates[static_cast<size_t>(i)].guess.id);
    };
    step(13, say(lang_, Msg::StepLogitsTitle),
         say(lang_, Msg::StepLogitsText,
             {std::to_string(result_.model->n_layer), std::to_string(result_.model->vocab_size)}));
    print({rows,
           {say(lang_, Msg::Id), "logit", "p"},
           [&](Eigen::Index i, Eigen::Index j) {
             const auto& c = token.candidates[static_cast<size_t>(i)];
             if (j == 0) return std::to_string(c.guess.id);
             return number(j == 1 ? s.logits[id(i)] : c.guess.p);
           },
           "",
           {},
           say(lang_, Msg::Token)});

    step(14, say(lang_, Msg::StepSamplingTitle, {sampling_settings(g, lang_)}),
         g.sampling.temperature <= 0
             ? say(lang_, Msg::StepGreedyText)
             : say(lang_, Msg::StepSamplingText,
                   {std::to_string(result_.model->vocab_size), std::to_string(g.seed)}));
    // Drawn: logit / T, p, q, p / q; at temperature 0 only p.
    const bool drawn = !t.exponentials.empty();
    const std::vector<std::string> cols =
        drawn ? std::vector<std::string>{"logit / T", "p", "q ~ Exp(1)", "p / q"}
              : std::vector<std::string>{"p"};
    print({rows,
           cols,
           [&](Eigen::Index i, Eigen::Index column) {
             const size_t k = id(i);
             const Eigen::Index j = drawn ? column : 1;
             if (j == 0) {
               return std::isinf(t.filtered[k]) ? say(lang_, Msg::StepRemoved)
                                                : number(t.filtered[k]);
             }
             if (j == 1) return number(token.candidates[static_cast<size_t>(i)].p_sampled);
             return number(j == 2 ? t.exponentials[k] : t.ratios[k]);
           },
           "",
           {},
           say(lang_, Msg::Token)});
    out_ += "\n" +
            say(lang_, Msg::StepChosen,
                {utf8::visible(token.token.token), std::to_string(token.token.id),
                 number(token.token.p)}) +
            "\n";
  }

  // The layer being explained: an entry of result_.layers.
  const AttentionTrace& trace() const { return result_.layers[layer_]; }

  const RunInfo& info_;
  const Result& result_;
  size_t layer_ = 0;
  const ExplainOptions& o_;
  Lang lang_;
  std::vector<std::string> token_labels_;
  std::vector<std::string> row_labels_;
  std::string out_;
};

}  // namespace

std::string render_explain(const Result& result, const ExplainOptions& options) {
  return Explainer(result, options).run();
}

}  // namespace attnviz
