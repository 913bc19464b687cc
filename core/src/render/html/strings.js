// The page's words in English and Azerbaijani; {0}, {1} … are filled by say().
"use strict";
/* exported STRINGS */

const STRINGS = {
  en: {
    layer: "Layer", head: "Head", colormap: "Colormap", theme: "Theme", theme_auto: "system",
    theme_light: "light", theme_dark: "dark", language: "Language", precision: "Digits",
    zoom: "Zoom", export_csv: "Export CSV", export_png: "Export PNG", export_svg: "Export SVG",
    matrix: "Attention weights", head_view: "Head view", overview: "Every layer and head",
    guesses: "The model's next-token guesses", heads_shown: "Heads shown",
    mean: "mean of the heads", rollout: "rollout (every layer)",
    head_n: "head {0}", layer_n: "layer {0}", query: "query", key: "key", masked: "masked",
    kv_n: "KV {0}",
    matrix_hint: "Hover or focus a cell for its numbers; click a row, or use the arrow keys, " +
      "to choose the query.",
    lines_hint: "Lines from the chosen token (left) to the tokens it attends to (right): the " +
      "thicker, the more weight. Hover a token or use ↑ ↓.",
    weight: "weight", score: "score", scaled: "scaled",
    position: "position", token: "token",
    footer: "Made by attnviz {0}. This page works offline: it loads nothing and sends nothing.",
    steps: "Step by step, for the chosen query",
    steps_hint: "How head {0} computes the weights of query {1} “{2}”: each step with its numbers.",
    steps_single: "The steps are those of one head: choose a head, not the mean or the rollout.",
    step: "Step {0}",
    s_tokens: "Tokens and their ids", s_tokens_text: "The text split into {0} tokens; each id is the token's row in the embedding table.",
    s_x: "The input x of the query", s_x_text: "x = token embedding + position embedding ({0} numbers; here the first and last).",
    s_xln: "LayerNorm(x): the heads' input", s_xln_text: "The block normalizes x before attention.",
    s_q: "Query q = x · Wq", s_q_text: "What the token is looking for: {0} numbers.",
    s_scores: "Scores q · k for every key", s_scores_text: "Each key k_j says what token j offers; the dot product says how well it matches the query.",
    s_scale: "Scaled by {1}^-0.5 = {0}", s_scale_text: "Dividing by √head_size keeps the scores from growing with the head's size, so softmax does not saturate.",
    s_mask: "Masked: the future is −∞", s_mask_text: "{0} keys come after the query; their scores become −∞, so their weights are exactly 0.",
    s_mask_none: "Nothing is masked (--no-mask): every token sees every other.",
    s_softmax: "Softmax: the weights", s_softmax_text: "exp of each scaled score, divided by their sum: every weight is between 0 and 1, and they sum to {0}.",
    s_out: "Output: the weighted sum of the values", s_out_text: "out = Σ_j weight_j · v_j ({0} numbers): what the query takes from the tokens it attends to.",
    s_guess: "The model's next-token guesses here", s_guess_text: "After every layer, ln_f and lm_head turn this position into probabilities for the next token.",
    compact: "This run is large, so its numbers are stored in 16 bits: weights within 0.0000077, " +
      "scores to 3 significant digits. attnviz --json gives them exactly.",
    whole_text: "The whole text ({0} characters)",
    block: "Only rows {0}–{1} and columns {2}–{3} (--rows, --cols)",
    writing: "The model writing",
    writing_hint: "Each step: the token chosen, its probability under the model → the one it was " +
      "drawn with (after temperature, top-k and top-p), and the matrix at the row that chose it.",
    step_label: "Step", play: "Play", pause: "Pause",
    writing_step: "Token {0} of {1}: “{2}”, chosen at row {3}",
    what_if: "What if the temperature were {0}",
    what_if_hint: "The what-if bars re-weight the candidates shown (p^(1/T), renormalised over " +
      "them): a look at the numbers kept, not a new draw.",
  },
  az: {
    layer: "Qat", head: "Baş", colormap: "Rəng xəritəsi", theme: "Tema", theme_auto: "sistem",
    theme_light: "açıq", theme_dark: "tünd", language: "Dil", precision: "Rəqəm",
    zoom: "Miqyas", export_csv: "CSV ixrac", export_png: "PNG ixrac", export_svg: "SVG ixrac",
    matrix: "Diqqət çəkiləri", head_view: "Baş görünüşü", overview: "Bütün qatlar və başlar",
    guesses: "Modelin növbəti token təxminləri", heads_shown: "Göstərilən başlar",
    mean: "başların ortası", rollout: "yayılma (bütün qatlar)",
    head_n: "baş {0}", layer_n: "qat {0}", query: "sorğu", key: "açar", masked: "maskalanıb",
    kv_n: "AD {0}",
    matrix_hint: "Rəqəmləri görmək üçün xananın üzərinə gəlin və ya onu seçin; sorğunu " +
      "seçmək üçün sətrə klikləyin və ya ox düymələrini işlədin.",
    lines_hint: "Seçilmiş tokendən (solda) onun baxdığı tokenlərə (sağda) xətlər: nə qədər " +
      "qalındırsa, çəki o qədər böyükdür. Tokenin üzərinə gəlin və ya ↑ ↓ işlədin.",
    weight: "çəki", score: "bal", scaled: "miqyaslı",
    position: "mövqe", token: "token",
    footer: "attnviz {0} ilə hazırlanıb. Bu səhifə oflayn işləyir: heç nə yükləmir, heç nə " +
      "göndərmir.",
    steps: "Addım-addım, seçilmiş sorğu üçün",
    steps_hint: "Baş {0} sorğu {1} “{2}” üçün çəkiləri necə hesablayır: hər addım öz rəqəmləri ilə.",
    steps_single: "Addımlar bir başa aiddir: ortanı və ya yayılmanı yox, bir baş seçin.",
    step: "Addım {0}",
    s_tokens: "Tokenlər və onların id-ləri", s_tokens_text: "Mətn {0} tokenə bölünüb; hər id tokenin gömülmə cədvəlindəki sətridir.",
    s_x: "Sorğunun girişi x", s_x_text: "x = token gömülməsi + mövqe gömülməsi ({0} ədəd; burada ilkləri və sonuncuları).",
    s_xln: "LayerNorm(x): başların girişi", s_xln_text: "Blok diqqətdən əvvəl x-i normallaşdırır.",
    s_q: "Sorğu q = x · Wq", s_q_text: "Tokenin axtardığı: {0} ədəd.",
    s_scores: "Hər açar üçün q · k balları", s_scores_text: "Hər k_j açarı j tokeninin nə təklif etdiyini deyir; skalyar hasil sorğuya nə qədər uyduğunu göstərir.",
    s_scale: "{1}^-0.5 = {0} ilə miqyaslama", s_scale_text: "√head_size-a bölmək balların başın ölçüsü ilə böyüməsinin qarşısını alır, softmax doymur.",
    s_mask: "Maska: gələcək −∞ olur", s_mask_text: "{0} açar sorğudan sonra gəlir; onların balları −∞ olur, çəkiləri isə tam 0.",
    s_mask_none: "Heç nə maskalanmayıb (--no-mask): hər token hər birini görür.",
    s_softmax: "Softmax: çəkilər", s_softmax_text: "hər miqyaslı balın exp-i onların cəminə bölünür: hər çəki 0 ilə 1 arasındadır, cəmi {0}.",
    s_out: "Çıxış: dəyərlərin çəkili cəmi", s_out_text: "out = Σ_j çəki_j · v_j ({0} ədəd): sorğunun baxdığı tokenlərdən götürdüyü.",
    s_guess: "Modelin burada növbəti token təxminləri", s_guess_text: "Bütün qatlardan sonra ln_f və lm_head bu mövqeni növbəti token üçün ehtimallara çevirir.",
    compact: "Bu işləmə böyükdür, ona görə rəqəmlər 16 bitdə saxlanıb: çəkilər 0.0000077 " +
      "dəqiqliklə, ballar 3 əhəmiyyətli rəqəmlə. attnviz --json onları dəqiq verir.",
    whole_text: "Bütün mətn ({0} simvol)",
    block: "Yalnız {0}–{1} sətirləri və {2}–{3} sütunları (--rows, --cols)",
    writing: "Model yazır",
    writing_hint: "Hər addım: seçilən token, modeldə ehtimalı → seçiləndə ehtimalı (temperatur, " +
      "top-k və top-p-dən sonra) və onu seçən sətirdə matris.",
    step_label: "Addım", play: "Oynat", pause: "Dayandır",
    writing_step: "Token {0}/{1}: “{2}”; onu seçən sətir: {3}",
    what_if: "Temperatur {0} olsaydı",
    what_if_hint: "“Olsaydı” zolaqları göstərilən namizədləri yenidən çəkir (p^(1/T), onların " +
      "arasında normallaşdırılıb): saxlanan ədədlərə baxışdır, yeni seçim deyil.",
  },
};
