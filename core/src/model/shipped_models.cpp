// The shipped models. Their safetensors files are embedded byte for byte by the assembler's .incbin
// (core/CMakeLists.txt passes each file's path and rebuilds this file when one changes), so one
// binary — from the build folder, `cmake --install` or the .deb — carries them with no path to
// find.
#include "attnviz/model/shipped_models.hpp"

// clang-format off
__asm__(".pushsection .rodata\n"
        ".balign 64\n"
        ".globl attnviz_model_az_begin\n"
        ".hidden attnviz_model_az_begin\n"
        "attnviz_model_az_begin:\n"
        ".incbin \"" ATTNVIZ_MODEL_AZ "\"\n"
        ".globl attnviz_model_az_end\n"
        ".hidden attnviz_model_az_end\n"
        "attnviz_model_az_end:\n"
        ".popsection\n");
// clang-format on

extern "C" const char attnviz_model_az_begin[];
extern "C" const char attnviz_model_az_end[];

namespace attnviz {

const std::vector<ShippedModel>& shipped_models() {
  static const std::vector<ShippedModel> models = {
      {"az",
       "Azerbaijani characters: a 2-layer, 4-head nanoGPT trained on Firefox's, CLDR's and "
       "xkeyboard-config's Azerbaijani strings, Tesseract's word list and the course lesson "
       "(data/models/az/MODEL_CARD.md)",
       "Azərbaycan hərfləri: Firefox-un, CLDR-in və xkeyboard-config-in Azərbaycanca mətnləri, "
       "Tesseract-ın söz siyahısı və kursun dərsi üzərində öyrədilmiş 2 qatlı, 4 başlı nanoGPT "
       "(data/models/az/MODEL_CARD.md)",
       std::string_view(attnviz_model_az_begin,
                        static_cast<size_t>(attnviz_model_az_end - attnviz_model_az_begin))},
  };
  return models;
}

const ShippedModel* find_shipped_model(std::string_view name) {
  for (const ShippedModel& m : shipped_models()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

}  // namespace attnviz
