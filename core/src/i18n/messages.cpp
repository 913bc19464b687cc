// The English and Azerbaijani texts.
#include "attnviz/i18n/messages.hpp"

#include <array>

#include "i18n/catalog.hpp"

namespace attnviz {
namespace {

// clang-format off
constexpr std::array<i18n::Entry<Msg>, static_cast<size_t>(Msg::Count)> kMessages = {{
  {Msg::MaskedSelfAttention, "masked self-attention", "maskalanmış öz-diqqət"},
  {Msg::SelfAttentionNoMask, "self-attention without mask", "maskasız öz-diqqət"},
  {Msg::MaskedMultiHead, "masked multi-head attention ({0} heads)", "maskalanmış çoxbaşlı diqqət ({0} baş)"},
  {Msg::MultiHeadNoMask, "multi-head attention without mask ({0} heads)", "maskasız çoxbaşlı diqqət ({0} baş)"},
  {Msg::Tokens, "{0} tokens ({1})", "{0} token ({1})"},
  {Msg::NoPositions, "no positions", "mövqesiz"},
  {Msg::RotaryPositions, "rotary positions", "fırlanan mövqelər"},
  {Msg::KvHeads, "grouped queries: {1} heads share each key/value head ({0} in all)",
   "qruplaşdırılmış sorğular: hər açar/dəyər başını {1} baş bölüşür (cəmi {0})"},
  {Msg::NotScaled, "not scaled", "miqyaslanmayıb"},
  {Msg::RandomWeights, "random weights (seed {0})", "təsadüfi çəkilər (seed {0})"},
  {Msg::WeightsFile, "weights {0}", "çəkilər: {0}"},
  {Msg::RandnInput, "x = torch.randn (seed {0})", "x = torch.randn (təsadüfi, seed {0})"},

  {Msg::WholeModel, "{0}, {1} layers × {2} heads", "{0}, {1} qat × {2} baş"},
  {Msg::NoMask, "no mask", "maskasız"},

  {Msg::LegendCausal, "rows: queries, columns: keys, each row sums to 1; · = masked (a future token)",
   "sətirlər: sorğular, sütunlar: açarlar, hər sətrin cəmi 1-dir; · = maskalanıb (gələcək token)"},
  {Msg::LegendWindow,
   "the text is longer than the model's context: each row sees only the {0} tokens ending at it, "
   "as when the model writes, and · also marks the tokens before that",
   "mətn modelin kontekstindən uzundur: hər sətir yalnız özü ilə bitən {0} tokeni görür, model "
   "yazanda olduğu kimi, · o tokenlərdən əvvəlkiləri də göstərir"},
  {Msg::LegendSliding,
   "· also marks the keys {0} or more tokens back: this layer attends through a sliding window",
   "· {0} və daha çox token geridəki açarları da göstərir: bu qat sürüşən pəncərə ilə baxır"},
  {Msg::SlidingWindow, "each token sees the last {0}", "hər token son {0} tokeni görür"},
  {Msg::SlidingAttention, "sliding-window attention over the last {0} tokens",
   "son {0} token üzrə sürüşən pəncərəli diqqət"},
  {Msg::SamplingSettings, "temperature {0}, top-k {1}, top-p {2}, seed {3}",
   "temperatur {0}, top-k {1}, top-p {2}, seed {3}"},
  {Msg::WroteTokens, "the model wrote tokens {0}–{1} (temperature {2}, seed {3})",
   "{0}–{1} tokenlərini model yazıb (temperatur {2}, seed {3})"},
  {Msg::Legend, "rows: queries, columns: keys, each row sums to 1",
   "sətirlər: sorğular, sütunlar: açarlar, hər sətrin cəmi 1-dir"},
  {Msg::KeysBlock, "keys {0}–{1} of {2}", "açarlar {0}–{1} ({2} açardan)"},
  {Msg::Head, "head {0}", "baş {0}"},
  {Msg::HeadMean, "mean of {0} heads", "{0} başın ortası"},
  {Msg::LayerHead, "layer {0} · head {1}", "qat {0} · baş {1}"},
  {Msg::LayerHeadMean, "layer {0} · mean of {1} heads", "qat {0} · {1} başın ortası"},
  {Msg::PanelLayerHead, "L{0} H{1}", "Q{0} B{1}"},
  {Msg::SharesKv, " ← KV {0}", " ← AD {0}"},
  {Msg::LayerWindow, " · window {0}", " · pəncərə {0}"},
  {Msg::PanelLayerMean, "L{0} mean", "Q{0} orta"},
  {Msg::RolloutTitle, "attention rollout through all {0} layers: ½·(mean over heads) + ½·I in each, multiplied",
   "bütün {0} qat boyunca diqqətin yayılması (rollout): hər qatda ½·(başların ortası) + ½·I, hasili"},
  {Msg::PanelRollout, "rollout", "yayılma"},
  {Msg::PanelLayer, "layer {0}", "qat {0}"},
  {Msg::PanelHead, "H{0}", "B{0}"},
  {Msg::PanelMean, "mean", "orta"},
  {Msg::SummaryNext, "the model's next token", "modelin növbəti tokeni"},
  {Msg::SummaryTitle,
   "Row summaries: the key each query attends to most, and how spread its weights are.\n"
   "Entropy: 0 bits = all weight on one key; log2(n) bits = spread evenly over n keys.",
   "Sətir xülasəsi: hər sorğunun ən çox diqqət yetirdiyi açar və çəkilərinin nə qədər yayıldığı.\n"
   "Entropiya: 0 bit = bütün çəki bir açarda; log2(n) bit = n açar arasında bərabər paylanıb."},
  {Msg::SummaryQuery, "query", "sorğu"},
  {Msg::SummaryTop, "attends most to", "ən çox baxdığı"},
  {Msg::SummaryWeight, "weight", "çəki"},
  {Msg::SummaryEntropy, "entropy", "entropiya"},
  {Msg::SummaryMax, "max", "maks."},
  {Msg::Bits, "bits", "bit"},
  {Msg::TableSummarised,
   "{0} × {1} weights: the first and last 3 rows and columns are shown, as numpy prints a large array; --full prints them all.",
   "{0} × {1} çəki: numpy böyük massivi necə çap edirsə, ilk və son 3 sətir və sütun göstərilir; --full hamısını çap edir."},
  {Msg::TableBlock,
   "Rows {0}–{1} and columns {2}–{3} of the {4} tokens are shown (--rows, --cols).",
   "{4} tokendən {0}–{1} sətirləri və {2}–{3} sütunları göstərilir (--rows, --cols)."},
  {Msg::GenerationTitle,
   "The model wrote {0} tokens, each drawn as {1}'s code draws it ({2}): the token, its probability under the model → as drawn, and the other candidates.",
   "Model {0} token yazdı, hər birini {1} kodunun seçdiyi kimi seçərək ({2}): token, modeldə ehtimalı → seçiləndə ehtimalı və digər namizədlər."},
  {Msg::GenerationGreedy,
   "The model wrote {0} tokens, each the most probable ({2}): the token, its probability under the model → as chosen, and the other candidates.",
   "Model {0} token yazdı, hər dəfə ən ehtimallısını ({2}): token, modeldə ehtimalı → seçiləndə ehtimalı və digər namizədlər."},
  {Msg::GenerationCropped, "(from tokens {0}–{1}: the context's crop)",
   "({0}–{1} tokenlərindən: kontekstin kəsiyi)"},
  {Msg::AnimationStep, "token {0} of {1}: “{2}”", "token {0}/{1}: “{2}”"},

  {Msg::Query, "query", "sorğu"},
  {Msg::Key, "key", "açar"},
  {Msg::Masked, "masked", "maskalanıb"},

  {Msg::ExplainTitle, "How attention is computed, step by step", "Diqqət addım-addım necə hesablanır"},
  {Msg::ExplainTrace, "Every number below can be checked in PyTorch: --json FILE --trace writes them all.",
   "Aşağıdakı hər ədədi PyTorch-da yoxlamaq olar: --json FAYL --trace hamısını yazır."},
  {Msg::Step, "Step {0}", "Addım {0}"},
  {Msg::ShapeOf, "shape {0}", "ölçü {0}"},
  {Msg::HiddenColumns, "… {0} columns not shown (--full shows them)", "… {0} sütun göstərilmir (--full göstərir)"},
  {Msg::HiddenRows, "⋮ {0} rows not shown (--full shows them)", "⋮ {0} sətir göstərilmir (--full göstərir)"},
  {Msg::HeadOf, "Head {0} of {1}", "Baş {0} (cəmi {1})"},
  {Msg::LayerOf, "Layer {0} of {1}", "Qat {0} (cəmi {1})"},
  {Msg::Position, "position", "mövqe"},
  {Msg::Token, "token", "token"},
  {Msg::Id, "id", "id"},

  {Msg::TokensTitle, "Tokens and their ids", "Tokenlər və onların id-ləri"},
  {Msg::TokensText,
   "The text is split into {0} tokens. A token's id is its row in the embedding table; a token "
   "that repeats keeps its id.",
   "Mətn {0} tokenə bölünür. Tokenin id-si onun gömülmə (embedding) cədvəlindəki sətridir; "
   "təkrarlanan token öz id-sini saxlayır."},
  {Msg::TokensTextRandn,
   "The text is split into {0} tokens. With --input randn they only name the rows: x is random "
   "numbers, not embeddings, so no token has an id.",
   "Mətn {0} tokenə bölünür. --input randn ilə onlar yalnız sətirləri adlandırır: x gömülmə deyil, "
   "təsadüfi ədədlərdir, ona görə tokenlərin id-si yoxdur."},
  {Msg::EmbedTitle, "Embeddings: x = token_embedding[id] + position_embedding[position]",
   "Gömülmələr: x = token_embedding[id] + position_embedding[mövqe]"},
  {Msg::EmbedText,
   "Each token becomes a vector of n_embd = {0} numbers. Adding the position's vector lets the "
   "model tell the same token at different places apart.",
   "Hər token n_embd = {0} ədəddən ibarət vektora çevrilir. Mövqe vektorunun əlavə olunması "
   "modelə eyni tokeni fərqli yerlərdə ayırd etməyə imkan verir."},
  {Msg::EmbedTextNoPositions,
   "Each token becomes a vector of n_embd = {0} numbers. This run has no position embeddings, so "
   "a repeated token gets the same vector wherever it stands.",
   "Hər token n_embd = {0} ədəddən ibarət vektora çevrilir. Bu hesablamada mövqe gömülməsi yoxdur, "
   "ona görə təkrarlanan token harada durmasından asılı olmayaraq eyni vektoru alır."},
  {Msg::RandnTitle, "Input: x = torch.randn(1, T, n_embd)", "Giriş: x = torch.randn(1, T, n_embd)"},
  {Msg::RandnText,
   "As in the lesson's exercise, x is a {0}×{1} matrix of random numbers from N(0, 1), drawn after "
   "torch.manual_seed({2}) exactly as PyTorch draws them.",
   "Dərsin tapşırığında olduğu kimi, x N(0, 1) paylanmasından təsadüfi ədədlərdən ibarət {0}×{1} "
   "matrisdir; torch.manual_seed({2})-dən sonra PyTorch-un çəkdiyi kimi eynilə çəkilir."},
  {Msg::LayerNormText,
   "The transformer block normalizes x before attention (LayerNorm, ln_1): each row is shifted to "
   "mean 0, scaled to variance 1, then multiplied and shifted by learned weights. The heads read "
   "this LayerNorm(x) as their x.",
   "Transformer bloku diqqətdən əvvəl x-i normallaşdırır (LayerNorm, ln_1): hər sətir orta qiyməti "
   "0, dispersiyası 1 olacaq şəkildə sürüşdürülüb miqyaslanır, sonra öyrənilmiş çəkilərlə "
   "vurulub sürüşdürülür. Başlar bu LayerNorm(x)-i öz x-i kimi oxuyur."},
  {Msg::QkvTitle, "Query, Key, Value: q = x·Wqᵀ, k = x·Wkᵀ, v = x·Wvᵀ",
   "Sorğu, Açar, Dəyər: q = x·Wqᵀ, k = x·Wkᵀ, v = x·Wvᵀ"},
  {Msg::QkvTitleBias, "Query, Key, Value: q = x·Wqᵀ + bq, k = x·Wkᵀ + bk, v = x·Wvᵀ + bv",
   "Sorğu, Açar, Dəyər: q = x·Wqᵀ + bq, k = x·Wkᵀ + bk, v = x·Wvᵀ + bv"},
  {Msg::QkvText,
   "Three linear layers turn each x into a query (what this token is looking for), a key (what "
   "it offers to the others) and a value (the information it passes on).",
   "Üç xətti qat hər x-i sorğuya (bu tokenin axtardığı), açara (digərlərinə təqdim etdiyi) və "
   "dəyərə (ötürdüyü məlumat) çevirir."},
  {Msg::ScoresTitle, "Scores: q·kᵀ", "Uyğunluq balları: q·kᵀ"},
  {Msg::ScoresText,
   "Each query is compared with every key by a dot product: the larger the score in row i, "
   "column j, the better key j matches what query i looks for.",
   "Hər sorğu skalyar hasil ilə bütün açarlarla müqayisə olunur: i sətri, j sütunundakı bal nə "
   "qədər böyükdürsə, j açarı i sorğusunun axtardığına bir o qədər uyğundur."},
  {Msg::ScaleTitle, "Scale: × head_size^-0.5 = 1/√{0} = {1}",
   "Miqyaslama: × head_size^-0.5 = 1/√{0} = {1}"},
  {Msg::ScaleText,
   "Dot products grow with the vector size. Unscaled, softmax would saturate: nearly all weight "
   "on one key, the rest close to 0. Dividing by √head_size keeps the scores where softmax stays "
   "smooth.",
   "Skalyar hasillər vektorun ölçüsü ilə böyüyür. Miqyaslanmasa, softmax doyar: demək olar ki, "
   "bütün çəki bir açara düşər, qalanları 0-a yaxın olar. √head_size-a bölmək balları softmax-ın "
   "hamar qaldığı aralıqda saxlayır."},
  {Msg::NoScaleTitle, "Scale: skipped (--no-scale)", "Miqyaslama: buraxıldı (--no-scale)"},
  {Msg::NoScaleText,
   "The raw scores go straight into softmax. Compare the weights below with a run without "
   "--no-scale: they are more peaked, which is what the lesson's C**-0.5 prevents.",
   "Xam ballar birbaşa softmax-a verilir. Aşağıdakı çəkiləri --no-scale olmadan alınan nəticə ilə "
   "müqayisə edin: onlar daha kəskindir — dərsdəki C**-0.5 məhz bunun qarşısını alır."},
  {Msg::MaskTitle, "Mask: scores of future tokens → −inf", "Maska: gələcək tokenlərin balları → −inf"},
  {Msg::MaskTextMany,
   "A generative model must not see the tokens after the current one. While processing “{0}” the "
   "model does not see the {1} tokens after it (“{2}” … “{3}”). Their scores become −inf, so "
   "after softmax their weights are exactly 0.",
   "Generativ model cari tokendən sonra gələn tokenləri görməməlidir. “{0}” emal edilərkən model "
   "ondan sonrakı {1} tokeni (“{2}” … “{3}”) görmür. Onların balları −inf olur, ona görə softmax-dan "
   "sonra çəkiləri dəqiq 0-dır."},
  {Msg::MaskTextOne,
   "A generative model must not see the tokens after the current one. While processing “{0}” the "
   "model does not see “{1}”. Its score becomes −inf, so after softmax its weight is exactly 0.",
   "Generativ model cari tokendən sonra gələn tokenləri görməməlidir. “{0}” emal edilərkən model "
   "“{1}” tokenini görmür. Onun balı −inf olur, ona görə softmax-dan sonra çəkisi dəqiq 0-dır."},
  {Msg::MaskTextNone, "There is only one token, so nothing is masked.",
   "Yalnız bir token var, ona görə heç nə maskalanmır."},
  {Msg::NoMaskTitle, "Mask: skipped (--no-mask)", "Maska: buraxıldı (--no-mask)"},
  {Msg::NoMaskText,
   "Every token sees every other, as in BERT-like encoders, so the weights above the diagonal "
   "are no longer 0.",
   "Hər token digər bütün tokenləri görür (BERT kimi enkoderlərdə olduğu kimi), ona görə "
   "diaqonalın üstündəki çəkilər artıq 0 deyil."},
  {Msg::SoftmaxTitle, "Softmax over each row → attention weights",
   "Hər sətir üzrə softmax → diqqət çəkiləri"},
  {Msg::SoftmaxText,
   "softmax(s)ⱼ = exp(sⱼ − max) / Σ exp(s − max) turns each row into weights between 0 and 1 "
   "that sum to 1 (column Σ). Subtracting the row's maximum first changes nothing but keeps exp() "
   "from overflowing.",
   "softmax(s)ⱼ = exp(sⱼ − max) / Σ exp(s − max) hər sətri 0 ilə 1 arasında, cəmi 1 olan "
   "çəkilərə çevirir (Σ sütunu). Əvvəlcə sətrin maksimumunu çıxmaq nəticəni dəyişmir, amma exp()-in "
   "daşmasının qarşısını alır."},
  {Msg::OutputTitle, "Output: out = weights · v", "Çıxış: out = çəkilər · v"},
  {Msg::OutputText,
   "Each token's output is the weighted sum of the values of the tokens it attends to: the more "
   "weight, the more of that token's information flows in.",
   "Hər tokenin çıxışı diqqət yetirdiyi tokenlərin dəyərlərinin çəkili cəmidir: çəki nə qədər "
   "böyükdürsə, həmin tokenin məlumatı bir o qədər çox daxil olur."},
  {Msg::ProjTitle, "Heads joined and projected: out = concat(heads) · projᵀ + bias",
   "Başlar birləşdirilir və proyeksiya olunur: out = concat(başlar) · projᵀ + bias"},
  {Msg::ProjText,
   "Each of the {0} heads attends in its own way (head_size = {1}). Their outputs are placed side "
   "by side and the proj layer mixes them back into n_embd = {2} numbers per token.",
   "{0} başın hər biri özünəməxsus şəkildə diqqət yetirir (head_size = {1}). Onların çıxışları "
   "yan-yana qoyulur və proj qatı onları hər token üçün yenidən n_embd = {2} ədədə qarışdırır."},
  {Msg::ResidualTitle, "x: the residual stream entering layer {0}", "x: qata ({0}) daxil olan qalıq axını"},
  {Msg::ResidualText,
   "Layer {0} does not read the embeddings: its x is the embeddings plus what every block before it "
   "(0 … {1}) added, its attention and its MLP, each through the residual connection x = x + f(x).",
   "Qat {0} gömülmələri oxumur: onun x-i gömülmələr üstəgəl özündən əvvəlki hər blokun (0 … {1}) "
   "əlavə etdiyidir — diqqəti və MLP-si, hər biri qalıq əlaqəsi x = x + f(x) ilə."},
  {Msg::ResidualAttnTitle, "Residual connection: x + attention", "Qalıq əlaqəsi: x + diqqət"},
  {Msg::ResidualAttnText,
   "The block adds attention's output to its input instead of replacing it: each token keeps what "
   "it was and gains what it gathered from the tokens before it.",
   "Blok diqqətin çıxışını öz girişinin yerinə qoymur, ona əlavə edir: hər token əvvəlki halını "
   "saxlayır və özündən əvvəlki tokenlərdən topladığını qazanır."},
  {Msg::MlpTitle, "MLP: ln_2, then c_fc → {0} → c_proj, each token on its own",
   "MLP: ln_2, sonra c_fc → {0} → c_proj, hər token ayrıca"},
  {Msg::MlpText,
   "Attention moved information between tokens; the MLP works on each token alone. It widens the "
   "token's n_embd = {1} numbers to {2}, applies {0}, and narrows them back to {1}.",
   "Diqqət məlumatı tokenlər arasında daşıdı; MLP isə hər tokenlə ayrıca işləyir. Tokenin "
   "n_embd = {1} ədədini {2} ədədə genişləndirir, {0} tətbiq edir və yenidən {1} ədədə daraldır."},
  {Msg::ResidualMlpTitle, "Residual connection: x + MLP, the block's output",
   "Qalıq əlaqəsi: x + MLP, blokun çıxışı"},
  {Msg::ResidualMlpText,
   "The MLP's output is added too. The sum is the next layer's input — after the last layer, "
   "ln_f's and lm_head's.",
   "MLP-nin çıxışı da əlavə olunur. Cəm növbəti qatın girişidir — sonuncu qatdan sonra isə ln_f "
   "və lm_head-in."},
  {Msg::GuessesTitle, "The model's next-token guesses", "Modelin növbəti token təxminləri"},
  {Msg::GuessesText,
   "After attention and the MLP of all {0} layers, ln_f and lm_head turn each position's vector "
   "into a score for each of the {1} tokens; softmax makes them probabilities. This is what "
   "attention is for: at each position the model expects these tokens next, the likeliest first.",
   "Bütün {0} qatın diqqəti və MLP-sindən sonra ln_f və lm_head hər mövqenin vektorunu {1} tokenin "
   "hər biri üçün bir bala çevirir; softmax onları ehtimala çevirir. Diqqət məhz bunun üçündür: "
   "model hər mövqedən sonra bu tokenləri gözləyir, ən ehtimallısı birinci."},
  {Msg::StepTitle, "Step {0} of --generate {1}: how the model chose “{2}”",
   "--generate {1}-in {0}-ci addımı: model “{2}” tokenini necə seçdi"},
  {Msg::StepText,
   "To write token {0} the model reads the {1} tokens before it and asks, at the last one (“{2}”, "
   "position {3}), which token comes next. Only that row is new: one query per head against the "
   "keys of every token read so far, then the MLP, ln_f and lm_head for that one position, then a "
   "draw.",
   "{0}-ci tokeni yazmaq üçün model özündən əvvəlki {1} tokeni oxuyur və sonuncuda (“{2}”, mövqe "
   "{3}) soruşur: növbəti token hansıdır? Yalnız bu sətir yenidir: hər başda bir sorğu indiyədək "
   "oxunan hər tokenin açarına qarşı, sonra yalnız bu mövqe üçün MLP, ln_f və lm_head, sonra "
   "seçim."},
  {Msg::StepCropText,
   "The text is longer than the model's context of {0} tokens, so it reads only the last {0}, as "
   "nanoGPT's idx[:, -block_size:] crops it: positions {1} … {2} become 0 … {3}.",
   "Mətn modelin {0} tokenlik kontekstindən uzundur, ona görə model nanoGPT-nin "
   "idx[:, -block_size:] kimi yalnız son {0} tokeni oxuyur: {1} … {2} mövqeləri 0 … {3} olur."},
  {Msg::StepContextTitle, "The tokens the model reads", "Modelin oxuduğu tokenlər"},
  {Msg::StepKvText,
   "Only q is new. Each k and v row was computed when its token was read, and kept: the key/value "
   "cache. This step adds one row to each and computes one row of scores, not a whole new pass.",
   "Yalnız q yenidir. Hər k və v sətri öz tokeni oxunanda hesablanıb saxlanılıb: açar/dəyər keşi. "
   "Bu addım hər birinə bir sətir əlavə edir və yeni tam keçid deyil, bir sətir bal hesablayır."},
  {Msg::StepKvWindowText,
   "Past the context every token moves to a new position, so the keys and values kept no longer "
   "fit: this step's pass computes them all again over its window.",
   "Kontekstdən sonra hər token yeni mövqeyə keçir, ona görə saxlanılan açar və dəyərlər artıq "
   "yaramır: bu addımın keçidi pəncərəsi üzrə hamısını yenidən hesablayır."},
  {Msg::StepMaskText,
   "Nothing is masked in this row: the tokens after “{0}” are not written yet, so it sees every "
   "token read.",
   "Bu sətirdə heç nə maskalanmır: “{0}”-dən sonrakı tokenlər hələ yazılmayıb, ona görə o, oxunan "
   "hər tokeni görür."},
  {Msg::StepLogitsTitle, "The next token's scores: ln_f, lm_head", "Növbəti tokenin balları: ln_f, lm_head"},
  {Msg::StepLogitsText,
   "After all {0} layers, ln_f and lm_head turn this one position's vector into a score (logit) "
   "for each of the {1} tokens. Its most probable tokens, with softmax's probability:",
   "Bütün {0} qatdan sonra ln_f və lm_head bu bir mövqenin vektorunu {1} tokenin hər biri üçün bir "
   "bala (logit) çevirir. Ən ehtimallı tokenləri, softmax ehtimalı ilə:"},
  {Msg::StepSamplingTitle, "The draw: {0}", "Seçim: {0}"},
  {Msg::StepSamplingText,
   "The logits are divided by the temperature; top-k keeps the k largest and top-p the most "
   "probable whose probabilities add up to p (the others become −inf); softmax gives p. Then "
   "torch.multinomial draws q ~ Exp(1) for each of the {0} tokens from the generator seeded with "
   "{1}, and takes the token with the largest p / q: a more probable token wins more often, but "
   "not always.",
   "Logitlər temperatura bölünür; top-k ən böyük k-nı, top-p isə ehtimalları cəmi p-yə çatan ən "
   "ehtimallıları saxlayır (qalanları −inf olur); softmax p-ni verir. Sonra torch.multinomial {1} "
   "toxumu ilə başladılmış generatordan {0} tokenin hər biri üçün q ~ Exp(1) çəkir və p / q-su ən "
   "böyük olan tokeni götürür: daha ehtimallı token daha tez-tez qalib gəlir, amma həmişə yox."},
  {Msg::StepGreedyText,
   "Temperature 0: the most probable token is taken and nothing is drawn.",
   "Temperatur 0: ən ehtimallı token götürülür, heç nə çəkilmir."},
  {Msg::StepRemoved, "removed", "çıxarılıb"},
  {Msg::StepChosen, "Chosen: “{0}” (id {1}); the model gave it p = {2}.",
   "Seçildi: “{0}” (id {1}); model ona p = {2} verdi."},
  {Msg::HeadsTitle, "What each head does", "Hər baş nə edir"},
  {Msg::HeadsText,
   "Each score is the share of a head's attention that follows a pattern P on this text's {0} "
   "tokens, S = Σ(A∘P) / Σ A, as TransformerLens's detect_head measures it: 1 means all of it, 0 "
   "none. A head is labelled by its highest score when that reaches {1}.",
   "Hər bal başın diqqətinin bu mətnin {0} tokenində P nümunəsinə uyan payıdır, S = Σ(A∘P) / Σ A, "
   "TransformerLens-in detect_head-i kimi: 1 — hamısı, 0 — heç biri. Başın ən yüksək balı {1}-ə "
   "çatanda baş onunla adlanır."},
  {Msg::HeadsRepeatedText,
   "\"repeated\": induction measured on {0} random tokens repeated twice — the mean weight from "
   "each token of the second copy to the token that followed it in the first copy.",
   "\"təkrar\": induksiya iki dəfə təkrarlanan {0} təsadüfi token üzərində ölçülüb — ikinci "
   "nüsxənin hər tokenindən birinci nüsxədə ondan sonra gələn tokenə düşən orta çəki."},
  {Msg::HeadsLayer, "layer", "qat"},
  {Msg::HeadsHead, "head", "baş"},
  {Msg::HeadsLabel, "what it does", "nə edir"},
  {Msg::HeadsRepeated, "repeated", "təkrar"},
  {Msg::PatternPreviousToken, "previous", "əvvəlki"},
  {Msg::PatternCurrentToken, "itself", "özü"},
  {Msg::PatternFirstToken, "first", "ilk"},
  {Msg::PatternDuplicateToken, "duplicate", "dublikat"},
  {Msg::PatternInduction, "induction", "induksiya"},
  {Msg::PatternLastVowel, "last vowel", "son sait"},
  {Msg::PatternLastSpace, "last space", "son boşluq"},
  {Msg::LegendPreviousToken, "P[i, i−1]: the token just before", "P[i, i−1]: düz əvvəlki token"},
  {Msg::LegendCurrentToken, "P[i, i]: the token itself", "P[i, i]: tokenin özü"},
  {Msg::LegendFirstToken, "P[i, 0]: the first token", "P[i, 0]: ilk token"},
  {Msg::LegendDuplicateToken, "P[i, j], j < i: an earlier copy of the same token",
   "P[i, j], j < i: eyni tokenin əvvəlki nüsxəsi"},
  {Msg::LegendInduction,
   "P[i, j]: the token after an earlier copy of this one (what came next last time)",
   "P[i, j]: bu tokenin əvvəlki nüsxəsindən sonra gələn token (keçən dəfə nə gəlmişdi)"},
  {Msg::LegendLastVowel,
   "P[i, j]: the word's most recent vowel at least two letters back (over rows that have one)",
   "P[i, j]: sözün ən azı iki hərf geridəki ən son saiti (belə saiti olan sətirlər üzrə)"},
  {Msg::LegendLastSpace,
   "P[i, j]: the most recent space or punctuation before it (over rows that have one)",
   "P[i, j]: ondan əvvəlki ən son boşluq və ya durğu işarəsi (belə sətirlər üzrə)"},
  {Msg::LabelPreviousToken, "previous-token head", "əvvəlki token başı"},
  {Msg::LabelCurrentToken, "looks at itself", "özünə baxır"},
  {Msg::LabelFirstToken, "attends to the start", "başlanğıca baxır"},
  {Msg::LabelDuplicateToken, "duplicate-token head", "təkrar token başı"},
  {Msg::LabelInduction, "induction head", "induksiya başı"},
  {Msg::LabelLastVowel, "vowel harmony: the word's last vowel", "ahəng qanunu: sözün son saiti"},
  {Msg::LabelLastSpace, "looks at the last space / the word so far",
   "son boşluğa / sözün başına baxır"},
  {Msg::LabelNone, "no single clear pattern", "tək aydın nümunə yoxdur"},
  {Msg::LabelWithheld, "not labelled from this text", "bu mətnə görə etiketlənmir"},
  {Msg::WroteHeatmapPng, "heatmap, {0} panels, {1} × {2} px", "istilik xəritəsi, {0} panel, {1} × {2} piksel"},
  {Msg::WroteHeatmapSvg, "heatmap, {0} panels, vector", "istilik xəritəsi, {0} panel, vektor"},
  {Msg::WroteAnimation, "animation, the model writing {0} tokens, a frame each",
   "animasiya: model {0} token yazır, hər biri bir kadr"},
  {Msg::WrotePage, "page to explore {0} layers × {1} heads over {2} tokens",
   "{2} token üzərində {0} qat × {1} başı araşdırmaq üçün səhifə"},
  {Msg::WroteJson, "every number as JSON: {0} layers × {1} heads over {2} tokens",
   "hər ədəd JSON kimi: {2} token üzərində {0} qat × {1} baş"},
  {Msg::WroteWeights, "the weights this run used", "bu işin istifadə etdiyi çəkilər"},
  {Msg::HelpUsage, "Usage: attnviz (--text TEXT | --file FILE | --tokens LIST) [options]",
   "İstifadə: attnviz (--text MƏTN | --file FAYL | --tokens SİYAHI) [seçimlər]"},
  {Msg::HelpDefault, "default {0}", "standart: {0}"},
  {Msg::HelpNotWith, "not with {0}", "{0} ilə birlikdə olmaz"},
  {Msg::HelpNeeds, "needs {0}", "{0} lazımdır"},
  {Msg::EmbedTextRotary,
   "Each token becomes a vector of n_embd = {0} numbers: its row of the embedding table{1}. No position is added here: this model brings positions in at step 3, by turning each head's q and k.",
   "Hər token n_embd = {0} ədəddən ibarət vektora çevrilir: gömülmə cədvəlindəki sətri{1}. Burada mövqe əlavə olunmur: bu model mövqeləri 3-cü addımda, hər başın q və k vektorlarını fırlatmaqla daxil edir."},
  {Msg::EmbedScaled,
   ", times √n_embd = {0} (Gemma's scale)",
   ", vurulsun √n_embd = {0} (Gemma-nın miqyası)"},
  {Msg::EmbedTitleRotary,
   "Embeddings: x = token_embedding[id]",
   "Gömülmələr: x = token_embedding[id]"},
  {Msg::RmsNormText,
   "The block normalizes x before attention with RMSNorm ({0}): each row is divided by its root mean square, √(mean(x²) + ε) with ε = {1}, then multiplied entry by entry by learned weights{2}. Unlike LayerNorm it does not subtract the mean and adds no bias. The heads read this RMSNorm(x) as their x.",
   "Blok diqqətdən əvvəl x-i RMSNorm ilə normallaşdırır ({0}): hər sətir orta kvadratik qiymətinə, √(mean(x²) + ε), ε = {1}, bölünür, sonra element-element öyrənilmiş çəkilərə vurulur{2}. LayerNorm-dan fərqli olaraq orta qiyməti çıxmır və sürüşmə əlavə etmir. Başlar bu RMSNorm(x)-i öz x-i kimi oxuyur."},
  {Msg::RmsNormPlusOne,
   " (stored as w − 1: the file's 0 means 1)",
   " (w − 1 kimi saxlanılır: fayldakı 0 1 deməkdir)"},
  {Msg::KvShared,
   "Grouped-query attention: head {0} has its own q, but its k and v are those of key/value head {1}, computed once and shared by heads {2}.",
   "Qruplaşdırılmış sorğulu diqqət: {0}-cü başın öz q-su var, amma k və v-si {1}-ci açar/dəyər başınındır; bir dəfə hesablanır və {2} başları tərəfindən bölüşülür."},
  {Msg::QkNormText,
   "Each head's q and k rows are normalized with RMSNorm over their head_size = {0} numbers (q_norm, k_norm) before they turn: the scores stay in a steady range.",
   "Hər başın q və k sətirləri fırlanmadan əvvəl head_size = {0} ədədi üzrə RMSNorm ilə normallaşdırılır (q_norm, k_norm): ballar sabit aralıqda qalır."},
  {Msg::RotaryTitle,
   "Rotary positions: q and k turned by their position",
   "Fırlanan mövqelər: q və k öz mövqelərinə görə fırladılır"},
  {Msg::RotaryText,
   "This model has no position table. Instead, the entries j and j + {0} of each q and k row form a pair that is turned (rotated in its plane) by the angle pos · θⱼ, θⱼ = base^(−2j/{1}) with base {2}{3}. A query at position i turned by i·θ and a key at position k turned by k·θ meet in the dot product at the angle (i − k)·θ: the score depends on how far apart the two tokens are, not on where they stand. Pairs with a large θ turn fast and see close neighbours; those with a small θ turn slowly and carry distant positions.",
   "Bu modelin mövqe cədvəli yoxdur. Əvəzində hər q və k sətrinin j və j + {0} elementləri cüt təşkil edir və pos · θⱼ bucağı qədər fırladılır, θⱼ = base^(−2j/{1}), base = {2}{3}. i mövqeyindəki sorğu i·θ, k mövqeyindəki açar k·θ qədər fırlandığından, skalyar hasildə onlar (i − k)·θ bucağı ilə qarşılaşır: bal iki tokenin harada durmasından yox, bir-birindən nə qədər uzaq olmasından asılıdır. Böyük θ-lı cütlər tez fırlanır və yaxın qonşuları görür; kiçik θ-lılar yavaş fırlanır və uzaq mövqeləri daşıyır."},
  {Msg::RotaryScaled,
   " (then scaled for long texts: {0})",
   " (sonra uzun mətnlər üçün miqyaslanıb: {0})"},
  {Msg::RotaryAngles,
   "The angle pos · θⱼ of the first pairs, in radians:",
   "İlk cütlərin pos · θⱼ bucağı, radianla:"},
  {Msg::ScaleTitleModel,
   "Scale: × query_pre_attn_scalar^-0.5 = {0}",
   "Miqyaslama: × query_pre_attn_scalar^-0.5 = {0}"},
  {Msg::SoftcapText,
   "Gemma 2 then caps each scaled score: s becomes {0} · tanh(s / {0}). Scores near 0 are almost unchanged, large ones are flattened toward ±{0}, so no single key can take all the weight. The matrices below show the scores before the cap.",
   "Gemma 2 sonra hər miqyaslanmış balı məhdudlaşdırır: s {0} · tanh(s / {0}) olur. 0-a yaxın ballar demək olar dəyişmir, böyüklər ±{0}-ə doğru yastılanır, belə ki heç bir açar bütün çəkini ala bilmir. Aşağıdakı matrislər balları məhdudlaşdırmadan əvvəl göstərir."},
  {Msg::MaskSlidingText,
   " This layer also attends through a sliding window of {0} tokens: a key {0} or more tokens before the query is masked as well.",
   " Bu qat həm də {0} tokenlik sürüşən pəncərə ilə baxır: sorğudan {0} və daha çox token əvvəlki açar da maskalanır."},
  {Msg::MlpGatedTitle,
   "MLP: {1}, then {0}(gate_proj) ⊙ up_proj → down_proj, each token on its own",
   "MLP: {1}, sonra {0}(gate_proj) ⊙ up_proj → down_proj, hər token ayrıca"},
  {Msg::MlpGatedText,
   "Attention moved information between tokens; the MLP works on each token alone. It makes two widenings of the token's n_embd = {1} numbers to {2}: one through {0} (the gate), one plain (up_proj); multiplies them entry by entry, so the gate decides how much of each passes; and narrows the product back to {1} (down_proj).",
   "Diqqət məlumatı tokenlər arasında daşıdı; MLP isə hər tokenlə ayrıca işləyir. Tokenin n_embd = {1} ədədini iki dəfə {2} ədədə genişləndirir: biri {0} ilə (qapı), biri sadə (up_proj); onları element-element vurur, belə ki qapı hər birindən nə qədər keçəcəyini həll edir; və hasili yenidən {1} ədədə daraldır (down_proj)."},
  {Msg::PostNormText,
   " In this model the attention's output and the MLP's output are each normalized (RMSNorm) before they are added to x.",
   " Bu modeldə diqqətin və MLP-nin çıxışları x-ə əlavə olunmazdan əvvəl RMSNorm ilə normallaşdırılır."},
  {Msg::OllamaListed, "a model in Ollama's store, {0} (GGUF)", "Ollama anbarında model, {0} (GGUF)"},
}};
// clang-format on

static_assert(i18n::in_order(kMessages),
              "kMessages must list the messages in the order of enum class Msg");

}  // namespace

std::string_view text(Lang lang, Msg msg) { return i18n::look_up(kMessages, lang, msg); }

}  // namespace attnviz
