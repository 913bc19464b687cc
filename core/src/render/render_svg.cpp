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
// tooltips would be 4 million elements, 600 MB. Masked cells are one path over it.
constexpr Eigen::Index kMostVectorCells = 128 * 128;

void write_matrix_image(const MatrixShape& m, const std::string& masked_fill, std::string& out) {
  const Eigen::Index R = m.n_rows(), C = m.n_cols();
  std::vector<Rgb> palette;
  for (int c = 0; c < Colormap::kSize; ++c) palette.push_back(m.cmap->entry(c));
  // Row i of (R, C) colormap entries; masked cells are covered by the path below.
  const auto entries = [&](int i, uint8_t* cells) {
    for (Eigen::Index j = 0; j < C; ++j) {
      cells[j] = static_cast<uint8_t>(m.is_masked(i, j) ? 0 : m.color_index(i, j));
    }
  };
  const std::string png =
      encode_indexed_png(static_cast<int>(C), static_cast<int>(R), palette, entries);
  out += "<image class=\"matrix\" x=\"" + num(m.x) + "\" y=\"" + num(m.y) + "\" width=\"" +
         num(m.cell * static_cast<float>(C) - m.gap) + "\" height=\"" +
         num(m.cell * static_cast<float>(R) - m.gap) +
         "\" preserveAspectRatio=\"none\" image-rendering=\"optimizeSpeed\" "
         "style=\"image-rendering:pixelated\" href=\"data:image/png;base64," +
         base64(reinterpret_cast<const unsigned char*>(png.data()), png.size()) + "\"/>\n";
  // The masked cells: each row's runs of them as rectangles, in one path.
  std::string d;
  const auto at = [&](Eigen::Index row, Eigen::Index col) {
    return num(m.x + static_cast<float>(col) * m.cell) + " " +
           num(m.y + static_cast<float>(row) * m.cell);
  };
  for (Eigen::Index i = 0; i < R; ++i) {
    for (Eigen::Index j = 0; j < C;) {
      if (!m.is_masked(i, j)) {
        ++j;
        continue;
      }
      Eigen::Index end = j;
      while (end < C && m.is_masked(i, end)) ++end;
      d += "M" + at(i, j) + "L" + at(i, end) + "L" + at(i + 1, end) + "L" + at(i + 1, j) + "Z";
      j = end;
    }
  }
  if (d.empty()) return;
  out += "<path class=\"masked\" shape-rendering=\"crispEdges\" d=\"" + d + "\" " + masked_fill +
         "/>\n";
}

void write_matrix(const MatrixShape& m, Patterns& patterns, std::string& out) {
  const std::string size = num(m.cell - m.gap);
  const std::string masked_fill =
      m.hatched() ? "fill=\"url(#" + patterns.id(m.masked, m.hatch, m.cell - m.gap) + ")\""
                  : fill(m.masked);
  if (m.n_rows() * m.n_cols() > kMostVectorCells) return write_matrix_image(m, masked_fill, out);
  out += "<g class=\"matrix\" shape-rendering=\"crispEdges\">\n";
  for (Eigen::Index i = 0; i < m.n_rows(); ++i) {
    for (Eigen::Index j = 0; j < m.n_cols(); ++j) {
      const bool masked = m.is_masked(i, j);
      char value[32];
      std::snprintf(value, sizeof value, "%.4f", static_cast<double>(m.value(i, j)));
      out += "<rect class=\"cell" + std::string(masked ? " masked" : "") + "\" x=\"" +
             num(m.x + static_cast<float>(j) * m.cell) + "\" y=\"" +
             num(m.y + static_cast<float>(i) * m.cell) + "\" width=\"" + size + "\" height=\"" +
             size + "\" " + (masked ? masked_fill : fill(opaque(m.color(i, j)))) + "><title>" +
             xml_escape(m.row_label(i)) + " → " + xml_escape(m.col_label(j)) + ": " +
             (masked ? "masked" : value) + "</title></rect>\n";
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
