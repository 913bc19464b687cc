// GIF89a: one global palette, LZW-compressed frames of what changed, the NETSCAPE2.0 loop.
#include "attnviz/render/render_gif.hpp"

#include <algorithm>
#include <unordered_map>

#include "attnviz/error.hpp"
#include "render/png_parts.hpp"

namespace attnviz {
namespace {

void put16(std::string& out, int v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}

}  // namespace

// The palette (≤ 256 colors) and each color's index in it.
struct GifWriter::Palette {
  explicit Palette(const std::vector<const Image*>& frames) {
    std::unordered_map<uint32_t, size_t> counts;
    for (const Image* f : frames) {
      const size_t n = static_cast<size_t>(f->width) * static_cast<size_t>(f->height);
      for (size_t i = 0; i < n; ++i) ++counts[pixel_rgb(*f, i)];
    }
    std::vector<std::pair<size_t, uint32_t>> by_count;  // (count, color), most frequent first
    for (const auto& [color, count] : counts) by_count.emplace_back(count, color);
    std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    for (size_t k = 0; k < std::min<size_t>(256, by_count.size()); ++k) {
      index_[by_count[k].second] = static_cast<uint8_t>(k);
      colors_.push_back(by_count[k].second);
    }
  }

  uint8_t index(uint32_t color) {
    const auto at = index_.find(color);
    if (at != index_.end()) return at->second;
    // The nearest palette color by squared distance in RGB, remembered.
    int best = 0;
    long best_distance = -1;
    for (size_t k = 0; k < colors_.size(); ++k) {
      long d = 0;
      for (const int shift : {16, 8, 0}) {
        const long diff = long((color >> shift) & 0xFF) - long((colors_[k] >> shift) & 0xFF);
        d += diff * diff;
      }
      if (best_distance < 0 || d < best_distance) {
        best = static_cast<int>(k);
        best_distance = d;
      }
    }
    return index_[color] = static_cast<uint8_t>(best);
  }

  // 256 entries of 3 bytes, unused ones black.
  std::string table() const {
    std::string out;
    for (size_t k = 0; k < 256; ++k) {
      const uint32_t c = k < colors_.size() ? colors_[k] : 0;
      out += static_cast<char>((c >> 16) & 0xFF);
      out += static_cast<char>((c >> 8) & 0xFF);
      out += static_cast<char>(c & 0xFF);
    }
    return out;
  }

  std::unordered_map<uint32_t, uint8_t> index_;
  std::vector<uint32_t> colors_;
};

namespace {

// Codes of growing width packed least significant bit first, in sub-blocks of ≤ 255 bytes.
class CodeWriter {
 public:
  void put(int code, int width) {
    bits_ |= static_cast<uint64_t>(code) << count_;
    count_ += width;
    while (count_ >= 8) {
      byte(static_cast<uint8_t>(bits_ & 0xFF));
      bits_ >>= 8;
      count_ -= 8;
    }
  }
  std::string finish() {
    if (count_ > 0) byte(static_cast<uint8_t>(bits_ & 0xFF));
    if (!block_.empty()) flush();
    out_ += '\0';  // the block terminator
    return std::move(out_);
  }

 private:
  void byte(uint8_t b) {
    block_ += static_cast<char>(b);
    if (block_.size() == 255) flush();
  }
  void flush() {
    out_ += static_cast<char>(block_.size());
    out_ += block_;
    block_.clear();
  }
  uint64_t bits_ = 0;
  int count_ = 0;
  std::string block_, out_;
};

// GIF's LZW over 8-bit indices: clear code 256, end 257, codes up to 12 bits, the table cleared
// when full.
std::string lzw(const std::vector<uint8_t>& indices) {
  constexpr int kClear = 256, kEnd = 257, kMaxCode = 4095;
  CodeWriter out;
  std::unordered_map<uint32_t, int> table;  // (prefix code << 8 | byte) → code
  int width = 9, last = kEnd;               // the newest code in the table
  out.put(kClear, width);
  int prefix = -1;
  for (const uint8_t b : indices) {
    if (prefix < 0) {
      prefix = b;
      continue;
    }
    const uint32_t key = (static_cast<uint32_t>(prefix) << 8) | b;
    const auto at = table.find(key);
    if (at != table.end()) {
      prefix = at->second;
      continue;
    }
    out.put(prefix, width);
    table[key] = ++last;
    if (last >= (1 << width) && width < 12) ++width;
    if (last == kMaxCode) {
      out.put(kClear, width);
      table.clear();
      width = 9;
      last = kEnd;
    }
    prefix = b;
  }
  if (prefix >= 0) out.put(prefix, width);
  out.put(kEnd, width);
  return out.finish();
}

}  // namespace

GifWriter::GifWriter(const std::vector<const Image*>& sample)
    : palette_(std::make_unique<Palette>(sample)) {
  const Image& first = *sample.front();
  gif_ = "GIF89a";
  put16(gif_, first.width);
  put16(gif_, first.height);
  gif_ += static_cast<char>(0xF7);  // a global table of 256 colors, 8 bits per primary
  gif_ += '\0';                     // background: entry 0
  gif_ += '\0';                     // square pixels
  gif_ += palette_->table();
  gif_ += std::string("\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00", 19);  // loop forever
}

GifWriter::~GifWriter() = default;

void GifWriter::add(const Image& frame, int delay_cs) {
  const int W = frame.width, H = frame.height;
  const bool first = previous_.width == 0;
  if (frame.channels < 3 || (!first && (W != previous_.width || H != previous_.height)))
    throw Error(Err::Internal, {"GIF frames of different sizes"});
  const auto at = [W](int x, int y) {
    return static_cast<size_t>(y) * static_cast<size_t>(W) + static_cast<size_t>(x);
  };
  // The rectangle that differs from the frame before (the whole first frame).
  const PixelRect r = first ? PixelRect{0, 0, W, H} : changed_rect(frame, previous_);
  const int x0 = r.x0, y0 = r.y0, x1 = r.x1, y1 = r.y1;
  gif_ += std::string("\x21\xF9\x04\x04", 4);  // graphic control: kept under the next frame
  put16(gif_, delay_cs);
  gif_ += std::string("\x00\x00", 2);
  gif_ += '\x2C';
  put16(gif_, x0);
  put16(gif_, y0);
  put16(gif_, x1 - x0);
  put16(gif_, y1 - y0);
  gif_ += '\0';  // no local palette, not interlaced
  std::vector<uint8_t> indices;
  indices.reserve(static_cast<size_t>(x1 - x0) * static_cast<size_t>(y1 - y0));
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) indices.push_back(palette_->index(pixel_rgb(frame, at(x, y))));
  }
  gif_ += '\x08';  // LZW minimum code size
  gif_ += lzw(indices);
  previous_.width = W;
  previous_.height = H;
  previous_.channels = frame.channels;
  previous_.pixels.assign(frame.pixels.begin(), frame.pixels.end());
}

std::string GifWriter::finish() {
  gif_ += '\x3B';
  return std::move(gif_);
}

}  // namespace attnviz
