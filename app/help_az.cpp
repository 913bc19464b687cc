// --help, the man page and the completions in Azerbaijani: each option's description, each
// group's name, the program's description and the examples' closing remark.
#include "help_az.hpp"

#include <map>

namespace attnviz::app {
namespace {

// clang-format off
const std::map<std::string, const char*>& descriptions() {
  static const std::map<std::string, const char*> kAz = {
    {"--help", "Bu kömək mətnini göstər və çıx"},
    {"--version", "Versiyanı, hesablama nüvələrini və axınları göstər və çıx"},
    {"--text", "Tokenlərə bölünəcək və üzərində diqqət hesablanacaq mətn"},
    {"--file", "Mətni fayldan oxu ('-': standart giriş)"},
    {"--tokens", "'|' ilə ayrılmış hazır tokenlər, məs. \"Az|ər|bay|can\"; \\| hərfi '|', \\\\ hərfi '\\' deməkdir"},
    {"--tokenizer", "char: hər simvol (qrafem) bir token; word: sözlər və durğu işarələri; ya da modelin bayt səviyyəli BPE-si (GPT-2-nin): tokenizer.json və ya vocab.json + merges.txt olan qovluq (--weights-ə verilən model qovluğu öz tokenizatorunu gətirir)"},
    {"--input", "Tokenlər nəyə çevrilir: embeddings (x = token + mövqe gömülməsi) və ya randn (dərsin tapşırığı: --seed-dən x = torch.randn(1, T, n_embd); tokenlər yalnız sətirləri adlandırır)"},
    {"--weights", "Təsadüfi çəkilər əvəzinə: PyTorch-un .pth/.pt/.bin state_dict-i (torch.save, işə salınmadan oxunur), safetensors və ya JSON — bir diqqət modulu (dərsin, Karpathy-nin, nanoGPT-nin c_attn-ı) və ya bütöv model (nanoGPT, GPT-2, gpt.py: bütün qatlar) — ya da Hugging Face model qovluğu, GGUF faylı (llama.cpp, LM Studio; kvantlaşdırılmış da) və ya Ollama anbarından ollama:AD[:TEQ]; bax README"},
    {"--model", "attnviz-in içində gələn öyrədilmiş model, məs. az (Azərbaycan hərfləri); list: adlarını göstər"},
    {"--vocab", "Simvol modelinin lüğəti, faylında yoxdursa: nanoGPT-nin meta.pkl-i və ya token sətirlərinin JSON siyahısı"},
    {"--vocab-text", "Simvol modelinin öyrədildiyi mətn (gpt.py-nin input.txt-i): lüğəti öyrətmə kodunun qurduğu kimi sorted(set(text))-dir"},
    {"--layer", "Bütöv modelin göstəriləcək qatları: all, biri (3) və ya bir neçəsi (0,5,11)"},
    {"--long-text", "Modelin block_size-ından uzun mətn: window (hər token özü ilə bitən block_size tokeni görür, model yazanda olduğu kimi) və ya last (yalnız son block_size token işlənir)"},
    {"--rollout", "Diqqət rollout-unu da göstər (Abnar və Zuidema): bütöv modelin bütün qatlarından keçən diqqət, qalıq əlaqə nəzərə alınmaqla, bir T×T matris kimi"},
    {"--bos", "Mətndən əvvəl <|endoftext|> qoy, TransformerLens kimi: bir çox baş diqqətini ilk tokendə saxlayır"},
    {"--check-digest", "--weights ollama:AD ilə: əvvəlcə model faylının SHA-256 həşini manifestdəki ilə yoxla (bütün faylı oxuyur)"},
    {"--prefix", "Bütöv model faylında diqqət modulunun açarlarının başladığı yer, məs. transformer.h.0.attn. (nanoGPT) və ya blocks.0.sa. (Karpathy-nin gpt.py-i)"},
    {"--seed", "Təsadüfi çəkilər və --input randn üçün torch.manual_seed: PyTorch-la eyni ədədlər"},
    {"--init", "Təsadüfi ədədlər PyTorch-un CPU generatorunun çəkdiyi kimi: torch (AVX2 nüvələri: x86-64 kompüterlər), torch-generic (AVX2-siz prosessorlar, məs. ARM)"},
    {"--n-embd", "Təsadüfi çəkilərin gömülmə eni C"},
    {"--block-size", "Təsadüfi çəkilərin qəbul etdiyi ən uzun mətn (mövqe cədvəlinin sətirləri)"},
    {"--no-positions", "Mövqe gömülməsi olmayan təsadüfi çəkilər: x = token gömülməsi"},
    {"--heads", "Dərsin tək SelfAttention-u əvəzinə H başlı, hər biri n_embd / H olan təsadüfi MultiHeadAttention (13-cü gün); --weights ilə nanoGPT-nin c_attn-ının n_head-i"},
    {"--save-weights", "Bu işin çəkilərini yaz ki, --weights onu təkrarlasın; bütöv model .safetensors kimi, ayarları və lüğəti içində"},
    {"--json", "Tokenləri, ayarları, çəkiləri və çıxışı JSON kimi yaz ('-': standart çıxış)"},
    {"--png", "İstilik xəritəsini PNG kimi yaz ('-': standart çıxış)"},
    {"--svg", "İstilik xəritəsini SVG kimi yaz ('-': standart çıxış)"},
    {"--html", "Bütün qatları və başları brauzerdə, oflayn araşdırmaq üçün tək, özünə kifayət edən səhifə yaz ('-': standart çıxış)"},
    {"--no-table", "Heç nə çap etmə (bütöv model onda yalnız digər çıxışların lazım bildiyi qədər işləyir: 5-ci qatın istilik xəritəsi 5-ci blokdan sonra dayanır)"},
    {"--table", "Bütün çıxışlar fayla getsə də cədvəli çap et (əks halda yazılan hər fayl üçün bir sətir çap olunur)"},
    {"--color", "Cədvəl xanalarını rənglə: auto (terminal, NO_COLOR verilməyibsə), always, never"},
    {"--width", "Cədvəlin eni sütunlarla (standart: terminalınkı; 0: limitsiz)"},
    {"--full", "Böyük cədvəlin (standart: 1000 xanadan sonra, numpy kimi ilk və son 3) və --explain matrislərinin (standart: 24 sətir, 8 sütun) hər sətrini və sütununu çap et"},
    {"--precision", "Cədvəldə və izahda onluq nöqtədən sonrakı rəqəmlər"},
    {"--cmap", "İstilik xəritəsinin və cədvəl rənglərinin rəng xəritəsi"},
    {"--theme", "İstilik xəritəsinin rəngləri: light (açıq) və ya dark (tünd)"},
    {"--transparent", "Fon rəngi olmayan istilik xəritəsi"},
    {"--annotate", "Hər çəkini istilik xəritəsinin öz xanasında yaz"},
    {"--range", "Rəng şkalası 0-dan 1-ə (fixed) və ya göstərilən çəkilər üzrə (auto)"},
    {"--title", "İstilik xəritəsinin başlığı (standart: mətn və nəyin hesablandığı; \"\": başlıqsız)"},
    {"--no-captions", "Oxlarda \"sorğu\" və \"açar\" yazıları olmasın"},
    {"--cell-size", "İstilik xəritəsi xanasının ölçüsü pikselə (standart: tokenlərin sayından)"},
    {"--scale", "İstilik xəritəsinin bütün ölçülərini vur, məs. slaydlar üçün 2"},
    {"--highlight", "İstilik xəritəsində və səhifədə sorğunun sətrini (SƏTİR) və ya bir xananı (SƏTİR,SÜTUN) çərçivəyə al"},
    {"--rows", "Cədvəldə, istilik xəritəsində və səhifədə yalnız bu sorğuları göstər, mətnin mövqelərinin Python kəsiyi kimi: 10:20, :5, -10: (etiketlər öz mövqelərini saxlayır)"},
    {"--cols", "Cədvəldə, istilik xəritəsində və səhifədə yalnız bu açarları göstər, mətnin mövqelərinin Python kəsiyi kimi: 10:20, :5, -10: (etiketlər öz mövqelərini saxlayır)"},
    {"--label-size", "Token etiketlərinin ölçüsü pikselə, --scale-dən əvvəl (standart: xananın ölçüsündən, ən azı 11)"},
    {"--layout", "Panellər bir sətirdə, bir sütunda və ya şəbəkədə (bütöv modelin qatları × başları); standart: bütün başlar göstərilirsə modelin şəbəkəsi, yoxsa 16:9 slayda ən yaxın düzülüş"},
    {"--font", "İstilik xəritəsi etiketləri üçün TrueType şrifti (standart: DejaVu Sans)"},
    {"--explain", "Hər addımı öz ədədləri ilə çap et: tokenlər, x, q, k, v, ballar, miqyas, maska, softmax, çıxış"},
    {"--trace", "--json ilə hər aralıq nəticəni də yaz (--explain ilə açıqdır)"},
    {"--heads-report", "Bütöv modelin hər başının nə etdiyini çap et: bu mətndə əvvəlki token, özü, ilk token, təkrar token, induksiya, son sait və son boşluq nümunələri üzrə balları və aydın olanda etiketi"},
    {"--induction-test", "Modeli iki dəfə təkrarlanan S təsadüfi token üzərində də işlət (--seed-dən) və hər başın induksiya zolağını orada ölç, TransformerLens-in nümunələrindəki kimi"},
    {"--lang", "İzahların, başlıqların və yazıların dili (standart: LANG/LC_ALL-dan, yoxsa en)"},
    {"--no-mask", "Hər token hər birini görsün (iki istiqamətli), maska ilə müqayisə üçün"},
    {"--no-scale", "· head_size^-0.5 miqyasını atla, softmax-ın doyduğunu görmək üçün"},
    {"--no-summary", "Cədvəlin altındakı sətir xülasələrini (ən çox baxılan açar, entropiya) göstərmə"},
    {"--head", "Cədvəldə, istilik xəritəsində və izahda göstəriləcək başlar: all, mean, biri (3) və ya bir neçəsi (1,3)"},
    {"--max-tokens", "Bundan çox tokeni olan mətnləri qəbul etmə"},
    {"--max-embd", "Bundan böyük n_embd-i qəbul etmə (təsadüfi və ya yüklənmiş)"},
    {"--max-file-size", "Bu qədər MiB-dan böyük mətn, çəki və şrift fayllarını qəbul etmə"},
    {"--generate", "Bütöv model mətni N tokenlə davam etdirir; tokenlər torch.manual_seed(--seed)-dən sonra PyTorch-un seçdiyi kimi seçilir; hər görünüş yeni tokenlərin diqqətini göstərir"},
    {"--temperature", "Softmax-dan əvvəl logitləri T-yə böl: 1-dən kiçik daha kəskin, 1-dən böyük daha yastı; 0 ən ehtimallı tokeni götürür (standart: modelin kodununku, nanoGPT üçün 0.8)"},
    {"--top-k", "Yalnız K ən ehtimallı tokendən seç (0: hamısı; standart: modelin kodununku, nanoGPT üçün 200, GPT-2 üçün 50, gpt.py üçün hamısı)"},
    {"--top-p", "Yalnız ehtimalları cəmi P-yə çatan ən ehtimallı tokenlərdən seç (nucleus sampling, Hugging Face kimi; standart 1: hamısı)"},
    {"--animate", "Modelin yazmasını dövri GIF (FAYL.gif: slaydlar və brauzerlər) və ya APNG (FAYL.png: hər rəng dəqiq) kimi yaz, hər yeni token üçün bir kadr: matris sətir-sətir böyüyür, namizədlər yanında"},
    {"--explain-step", "--explain ilə (və ya --json --trace ilə): addım-addım göstərilən addım, tokeni seçən sətirdən seçimə qədər (standart 1)"},
    {"--threads", "Matris hasilləri və başlar üçün axınlar (standart: bu prosesin istifadə edə bildiyi nüvələr); ədədlər istənilən say üçün eynidir"},
  };
  return kAz;
}

const std::map<std::string, const char*> kGroups = {
    {"Options", "Ümumi"},     {"Input", "Giriş"},   {"Weights", "Çəkilər"},
    {"Output", "Çıxış"},      {"Table", "Cədvəl"},  {"Heatmap (PNG, SVG)", "İstilik xəritəsi (PNG, SVG)"},
    {"Teaching", "Tədris"},   {"Limits", "Limitlər"},  {"Generation", "Mətn yaratma"}};
// clang-format on

}  // namespace

std::vector<std::string> say_options_in_azerbaijani(CLI::App& app) {
  std::vector<std::string> missing;
  for (CLI::Option* option : app.get_options()) {
    const auto text = descriptions().find(option->get_name());
    if (text == descriptions().end()) {
      missing.push_back(option->get_name());
    } else {
      option->description(text->second);
    }
    const auto group = kGroups.find(option->get_group());
    if (group != kGroups.end()) option->group(group->second);
  }
  return missing;
}

}  // namespace attnviz::app
