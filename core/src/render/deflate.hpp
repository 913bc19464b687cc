// A fast zlib-format compressor for PNG data (private header), used by the PNG encoder.
#pragma once

namespace attnviz {

// zlib stream of `data` (header, fixed-Huffman deflate, Adler-32), in memory from malloc() that
// the caller frees; nullptr if out of memory. One greedy pass: at each byte the longer of a run of
// the byte before (after PNG's row filters, most of a heatmap) and the one earlier occurrence of
// the next three bytes that a small hash table remembers. `quality` is ignored.
unsigned char* zlib_compress_fast(unsigned char* data, int data_len, int* out_len, int quality);

}  // namespace attnviz
