// The vector renderer.
#include "attnviz/render/render_svg.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "attnviz/render/render_png.hpp"
#include "attnviz/text/utf8.hpp"
#include "render/base64.hpp"

namespace attnviz {
namespace {

// Up to two decimals, trailing zeros dropped: 12, 12.5, 12.25.
std::string num(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(v));
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string hex(Rgb c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
  return buf;
}

std::string fill(Rgba c) {
  std::string s = "fill=\"" + hex(c.rgb()) + "\"";
  if (c.a != 255) s += " fill-opacity=\"" + num(static_cast<float>(c.a) / 255.0f) + "\"";
  return s;
}

// One <pattern> per (base, line) color pair and period, defined once in <defs>.
class Patterns {
 public:
  std::string id(Rgba base, Rgba line, float box) {
    const int period = std::clamp(static_cast<int>(box / 4), 3, 12);
    const std::string key = hex(base.rgb()) + hex(line.rgb()) + std::to_string(period);
    auto it = ids_.find(key);
    if (it != ids_.end()) return it->second;
    const std::string id = "hatch" + std::to_string(ids_.size());
    const std::string p = std::to_string(period);
    defs_ += "<pattern id=\"" + id + "\" patternUnits=\"userSpaceOnUse\" width=\"" + p +
             "\" height=\"" + p + "\" patternTransform=\"rotate(45)\"><rect width=\"" + p +
             "\" height=\"" + p + "\" " + fill(base) + "/><rect x=\"" +
             num(static_cast<float>(period) / 2) + "\" width=\"" +
             num(std::max(1.0f, static_cast<float>(period) / 4)) + "\" height=\"" + p + "\" " +
             fill(line) + "/></pattern>\n";
    ids_.emplace(key, id);
    return id;
  }
  const std::string& defs() const { return defs_; }

 private:
  std::map<std::string, std::string> ids_;
  std::string defs_;
};

void write_rect(const RectShape& r, Patterns& patterns, std::string& out) {
  out += "<rect class=\"" + r.role + "\" x=\"" + num(r.x) + "\" y=\"" + num(r.y) + "\" width=\"" +
         num(r.w) + "\" height=\"" + num(r.h) + "\" ";
  out += r.hatch ? "fill=\"url(#" + patterns.id(r.fill, *r.hatch, std::min(r.w, r.h)) + ")\""
                 : fill(r.fill);
  if (r.role == "colorbar") out += " shape-rendering=\"crispEdges\"";  // no seams between steps
  out += "/>\n";
}

// Above this many cells the matrix is one embedded PNG, a pixel per cell scaled up without
// smoothing, while titles, labels and the colorbar stay vector text: T = 2 048 as <rect>s with
// tooltips would be 4 million elements, 600 MB. Masked cells are one staircase path over it.
constexpr Eigen::Index kMostVectorCells = 128 * 128;

void write_matrix_image(const MatrixShape& m, const std::string& masked_fill, std::string& out) {
  const Eigen::Index T = m.T();
  std::vector<Rgb> palette;
  for (int c = 0; c < Colormap::kSize; ++c) palette.push_back(m.cmap->entry(c));
  // Row i of (T, T) colormap entries; masked cells are covered by the path below.
  const auto entries = [&](int i, uint8_t* cells) {
    for (Eigen::Index j = 0; j < T; ++j) {
      cells[j] = static_cast<uint8_t>(m.is_masked(i, j) ? 0 : m.color_index(i, j));
    }
  };
  const std::string png =
      encode_indexed_png(static_cast<int>(T), static_cast<int>(T), palette, entries);
  const std::string side = num(m.cell * static_cast<float>(T) - m.gap);
  out += "<image class=\"matrix\" x=\"" + num(m.x) + "\" y=\"" + num(m.y) + "\" width=\"" + side +
         "\" height=\"" + side +
         "\" preserveAspectRatio=\"none\" image-rendering=\"optimizeSpeed\" "
         "style=\"image-rendering:pixelated\" href=\"data:image/png;base64," +
         base64(reinterpret_cast<const unsigned char*>(png.data()), png.size()) + "\"/>\n";
  if (!m.causal || T < 2) return;
  // The masked upper triangle: along the top, down the right side, then back up the staircase
  // whose step i sits under row i's last visible cell.
  const auto at = [&](Eigen::Index row, Eigen::Index col) {
    return num(m.x + static_cast<float>(col) * m.cell) + " " +
           num(m.y + static_cast<float>(row) * m.cell);
  };
  std::string d = "M" + at(0, 1) + "L" + at(0, T) + "L" + at(T - 1, T);
  for (Eigen::Index i = T - 2; i >= 0; --i) d += "L" + at(i + 1, i + 1) + "L" + at(i, i + 1);
  d += "Z";
  // A window W (a text past the model's context): also the keys W or more back, the lower-left
  // staircase whose step i ends at row i's first visible cell, i − W + 1.
  const Eigen::Index W = m.window;
  if (W > 0 && T > W) {
    d += "M" + at(W, 0) + "L" + at(T, 0) + "L" + at(T, T - W);
    for (Eigen::Index i = T - 1; i >= W; --i) d += "L" + at(i, i - W + 1) + "L" + at(i, i - W);
    d += "Z";
  }
  out += "<path class=\"masked\" shape-rendering=\"crispEdges\" d=\"" + d + "\" " + masked_fill +
         "/>\n";
}

void write_matrix(const MatrixShape& m, Patterns& patterns, std::string& out) {
  const std::string size = num(m.cell - m.gap);
  const std::string masked_fill =
      m.hatched() ? "fill=\"url(#" + patterns.id(m.masked, m.hatch, m.cell - m.gap) + ")\""
                  : fill(m.masked);
  if (m.T() * m.T() > kMostVectorCells) return write_matrix_image(m, masked_fill, out);
  out += "<g class=\"matrix\" shape-rendering=\"crispEdges\">\n";
  for (Eigen::Index i = 0; i < m.T(); ++i) {
    for (Eigen::Index j = 0; j < m.T(); ++j) {
      const bool masked = m.is_masked(i, j);
      char value[32];
      std::snprintf(value, sizeof value, "%.4f", static_cast<double>((*m.weights)(i, j)));
      out += "<rect class=\"cell" + std::string(masked ? " masked" : "") + "\" x=\"" +
             num(m.x + static_cast<float>(j) * m.cell) + "\" y=\"" +
             num(m.y + static_cast<float>(i) * m.cell) + "\" width=\"" + size + "\" height=\"" +
             size + "\" " + (masked ? masked_fill : fill(opaque(m.color(i, j)))) + "><title>" +
             xml_escape(m.labels[static_cast<size_t>(i)]) + " → " +
             xml_escape(m.labels[static_cast<size_t>(j)]) + ": " + (masked ? "masked" : value) +
             "</title></rect>\n";
    }
  }
  out += "</g>\n";
}

void write_text(const TextShape& t, std::string& out) {
  static constexpr const char* kAnchors[] = {"start", "middle", "end"};
  out += "<text class=\"" + t.role + "\" x=\"" + num(t.x) + "\" y=\"" + num(t.y) +
         "\" font-size=\"" + num(t.size) + "\" " + fill(t.color);
  if (t.anchor != Anchor::Start) {
    out += std::string(" text-anchor=\"") + kAnchors[static_cast<int>(t.anchor)] + "\"";
  }
  if (t.vertical) out += " transform=\"rotate(-90 " + num(t.x) + " " + num(t.y) + ")\"";
  out += ">" + xml_escape(t.text) + "</text>\n";
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char32_t c : utf8::code_points(text)) {
    switch (c) {
      case U'&':
        out += "&amp;";
        break;
      case U'<':
        out += "&lt;";
        break;
      case U'>':
        out += "&gt;";
        break;
      case U'"':
        out += "&quot;";
        break;
      case U'\'':
        out += "&apos;";
        break;
      default:
        if ((c < 0x20 && c != U'\t' && c != U'\n' && c != U'\r') || c == 0xFFFE || c == 0xFFFF) {
          out += "\uFFFD";
        } else {
          out += utf8::encode(c);
        }
    }
  }
  return out;
}

std::string render_svg(const Scene& scene) {
  Patterns patterns;
  std::string body;
  for (const Shape& shape : scene.shapes) {
    if (const auto* r = std::get_if<RectShape>(&shape)) write_rect(*r, patterns, body);
    if (const auto* m = std::get_if<MatrixShape>(&shape)) write_matrix(*m, patterns, body);
    if (const auto* t = std::get_if<TextShape>(&shape)) write_text(*t, body);
  }
  const std::string w = std::to_string(scene.width), h = std::to_string(scene.height);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
         "\" viewBox=\"0 0 " + w + " " + h +
         "\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n";
  if (!patterns.defs().empty()) out += "<defs>\n" + patterns.defs() + "</defs>\n";
  if (scene.background.a != 0) {
    out += "<rect class=\"background\" width=\"100%\" height=\"100%\" " + fill(scene.background) +
           "/>\n";
  }
  return out + body + "</svg>\n";
}

}  // namespace attnviz
