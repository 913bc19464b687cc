// The shipped models. Their safetensors files are embedded byte for byte (embed.hpp), so one binary
// — from the build folder, `cmake --install` or the .deb — carries them with no path to find.
#include "attnviz/formats/shipped_models.hpp"

#include "io/embed.hpp"

ATTNVIZ_EMBED(model_az, ATTNVIZ_MODEL_AZ)
ATTNVIZ_EMBED(model_az_long, ATTNVIZ_MODEL_AZ_LONG)

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
       ATTNVIZ_EMBEDDED(model_az)},
      {"az-long",
       "Azerbaijani characters, a context of 256: a 4-layer, 4-head nanoGPT trained on the same "
       "text with repeated spans, for --generate (data/models/az-long/MODEL_CARD.md)",
       "Azərbaycan hərfləri, 256 simvolluq kontekst: eyni mətn və təkrarlanan parçalar üzərində "
       "öyrədilmiş 4 qatlı, 4 başlı nanoGPT, --generate üçün (data/models/az-long/MODEL_CARD.md)",
       ATTNVIZ_EMBEDDED(model_az_long)},
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
