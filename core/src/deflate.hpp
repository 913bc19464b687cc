// A fast zlib-format compressor for PNG data (private header), plugged into stb_image_write.
#pragma once

namespace attnviz {

// zlib stream of `data` (header, fixed-Huffman deflate, Adler-32), in memory from malloc() that
// the caller frees; nullptr if out of memory. Only runs of one repeated byte (distance 1) are
// matched: after PNG's row filters a heatmap is mostly such runs, so one pass compresses it to a
// few times the size zlib would reach, several times faster. `quality` is ignored.
unsigned char* zlib_compress_runs(unsigned char* data, int data_len, int* out_len, int quality);

}  // namespace attnviz
