// The one translation unit that compiles stb_truetype and stb_image_write. PNG data is
// compressed by attnviz's one-pass deflate (deflate.hpp): stb's own is the slow part of a PNG.
#include "render/deflate.hpp"
#define STB_TRUETYPE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#define STBIW_ZLIB_COMPRESS attnviz::zlib_compress_fast
#include <stb_image_write.h>
#include <stb_truetype.h>
