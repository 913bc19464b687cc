// The one translation unit that compiles stb_truetype (glyph outlines and their rasterizer).
#define STB_TRUETYPE_IMPLEMENTATION
#include <stb_truetype.h>
