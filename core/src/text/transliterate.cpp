// The fixed letter-for-letter correspondence of the two Azerbaijani alphabets.
#include "attnviz/text/transliterate.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

// The 32 letters of the Cyrillic alphabet in use 1958–1991, capital then small, each with its
// letter in today's Latin alphabet.
constexpr std::array<std::pair<char32_t, char32_t>, 64> kCyrillicToLatin = {{
    {U'А', U'A'}, {U'а', U'a'}, {U'Б', U'B'}, {U'б', U'b'}, {U'В', U'V'}, {U'в', U'v'},
    {U'Г', U'Q'}, {U'г', U'q'}, {U'Ғ', U'Ğ'}, {U'ғ', U'ğ'}, {U'Д', U'D'}, {U'д', U'd'},
    {U'Е', U'E'}, {U'е', U'e'}, {U'Ә', U'Ə'}, {U'ә', U'ə'}, {U'Ж', U'J'}, {U'ж', U'j'},
    {U'З', U'Z'}, {U'з', U'z'}, {U'И', U'İ'}, {U'и', U'i'}, {U'Ы', U'I'}, {U'ы', U'ı'},
    {U'Ј', U'Y'}, {U'ј', U'y'}, {U'К', U'K'}, {U'к', U'k'}, {U'Ҝ', U'G'}, {U'ҝ', U'g'},
    {U'Л', U'L'}, {U'л', U'l'}, {U'М', U'M'}, {U'м', U'm'}, {U'Н', U'N'}, {U'н', U'n'},
    {U'О', U'O'}, {U'о', U'o'}, {U'Ө', U'Ö'}, {U'ө', U'ö'}, {U'П', U'P'}, {U'п', U'p'},
    {U'Р', U'R'}, {U'р', U'r'}, {U'С', U'S'}, {U'с', U's'}, {U'Т', U'T'}, {U'т', U't'},
    {U'У', U'U'}, {U'у', U'u'}, {U'Ү', U'Ü'}, {U'ү', U'ü'}, {U'Ф', U'F'}, {U'ф', U'f'},
    {U'Х', U'X'}, {U'х', U'x'}, {U'Һ', U'H'}, {U'һ', U'h'}, {U'Ч', U'Ç'}, {U'ч', U'ç'},
    {U'Ҹ', U'C'}, {U'ҹ', U'c'}, {U'Ш', U'Ş'}, {U'ш', U'ş'},
}};

}  // namespace

std::optional<std::string> latin_azerbaijani(std::string_view token) {
  std::string out;
  bool changed = false;
  for (const char32_t c : utf8::code_points(token)) {
    const auto* at = std::find_if(kCyrillicToLatin.begin(), kCyrillicToLatin.end(),
                                  [c](const auto& pair) { return pair.first == c; });
    changed |= at != kCyrillicToLatin.end();
    out += utf8::encode(at != kCyrillicToLatin.end() ? at->second : c);
  }
  if (!changed) return std::nullopt;
  return out;
}

}  // namespace attnviz
