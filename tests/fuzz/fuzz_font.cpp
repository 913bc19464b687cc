// libFuzzer target: font files (--font) through attnviz's checks into stb_truetype: load, measure
// and rasterize a label with Azerbaijani letters, a combining mark, a missing glyph and a space.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/render/font.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const attnviz::Font font(std::string(reinterpret_cast<const char*>(data), size), "fuzz.ttf");
    for (const float px : {7.0f, 15.0f}) {
      font.width("Azə İi\u0307 中␣", px);
      font.rasterize("Azə İi\u0307 中␣", px);
    }
  } catch (const attnviz::Error&) {
  }
  return 0;
}
