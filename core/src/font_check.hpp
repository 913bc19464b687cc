// Bounds checks on a TrueType file before stb_truetype reads it (private header). stb_truetype
// trusts every offset and count it finds; these checks cover each table it reads for the glyphs
// attnviz draws, so a broken or hostile --font is an error, not an out-of-bounds read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace attnviz {

struct FontCheck {
  size_t face_offset = 0;    // where the first face's table directory starts
  bool kern_usable = false;  // the 'kern' table is sound (otherwise kerning is off)
};

// Throws Error("NAME: not a TrueType or OpenType font (why)") for anything out of bounds or
// unsupported (CFF outlines, composite glyphs that match points, cycles in composites).
FontCheck check_font(std::string_view bytes, const std::string& name);

}  // namespace attnviz
