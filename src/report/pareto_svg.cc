// SPDX-License-Identifier: MIT
#include "report/pareto_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace msf::report {
namespace {

constexpr double kWidth = 760, kHeight = 500;
constexpr double kLeft = 78, kRight = 24, kTop = 56, kBottom = 64;
constexpr const char* kFrontColour = "#1f5fbf";
constexpr const char* kBaselineColours[] = {"#c0392b", "#d68910", "#1e8449", "#7d3c98"};
constexpr const char* kSeriesColours[] = {"#117a8b", "#6c3483", "#7b7d7d", "#a04000"};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string TickLabel(double v, double step) {
  char buf[32];
  // Enough decimals for the step: 2.5 needs one, 0.25 two.
  int decimals = 0;
  while (decimals < 6 && std::abs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6) {
    ++decimals;
  }
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// 1, 2 or 5 times a power of ten, giving about `target` intervals over span.
double NiceStep(double span, int target) {
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * mag >= raw) return m * mag;
  }
  return 10 * mag;
}

struct Axis {
  double lo, hi, step;
  double px_lo, px_hi;  // pixel positions of lo and hi
  double Map(double v) const { return px_lo + (v - lo) / (hi - lo) * (px_hi - px_lo); }
};

// The range is padded, not snapped to ticks, so markers never sit on the frame.
Axis MakeAxis(double lo, double hi, int ticks, double px_lo, double px_hi) {
  if (hi <= lo) hi = lo + 1;
  return {lo, hi, NiceStep(hi - lo, ticks), px_lo, px_hi};
}

// Marker shapes for the baselines: square, triangle, diamond, cross.
std::string Marker(int shape, double x, double y, const char* colour) {
  const std::string style = " fill=\"" + std::string(colour) + "\" stroke=\"white\" stroke-width=\"1\"/>\n";
  switch (shape % 4) {
    case 0: return "  <rect x=\"" + Num(x - 5.5) + "\" y=\"" + Num(y - 5.5) + "\" width=\"11\" height=\"11\"" + style;
    case 1:
      return "  <polygon points=\"" + Num(x) + "," + Num(y - 7) + " " + Num(x + 7) + "," + Num(y + 5.5) + " " +
             Num(x - 7) + "," + Num(y + 5.5) + "\"" + style;
    case 2:
      return "  <polygon points=\"" + Num(x) + "," + Num(y - 7.5) + " " + Num(x + 7.5) + "," + Num(y) + " " + Num(x) +
             "," + Num(y + 7.5) + " " + Num(x - 7.5) + "," + Num(y) + "\"" + style;
    default:
      return "  <path d=\"M" + Num(x - 5) + "," + Num(y - 5) + " L" + Num(x + 5) + "," + Num(y + 5) + " M" +
             Num(x - 5) + "," + Num(y + 5) + " L" + Num(x + 5) + "," + Num(y - 5) + "\" stroke=\"" + colour +
             "\" stroke-width=\"3\"/>\n";
  }
}

// Hollow markers for extra series: circle, square, triangle, diamond.
std::string HollowMarker(int shape, double x, double y, const char* colour) {
  const std::string style = " fill=\"white\" stroke=\"" + std::string(colour) + "\" stroke-width=\"1.8\"/>\n";
  switch (shape % 4) {
    case 0: return "  <ellipse cx=\"" + Num(x) + "\" cy=\"" + Num(y) + "\" rx=\"5\" ry=\"5\"" + style;
    case 1: return "  <rect x=\"" + Num(x - 4.5) + "\" y=\"" + Num(y - 4.5) + "\" width=\"9\" height=\"9\"" + style;
    case 2:
      return "  <polygon points=\"" + Num(x) + "," + Num(y - 6) + " " + Num(x + 6) + "," + Num(y + 4.5) + " " +
             Num(x - 6) + "," + Num(y + 4.5) + "\"" + style;
    default:
      return "  <polygon points=\"" + Num(x) + "," + Num(y - 6) + " " + Num(x + 6) + "," + Num(y) + " " + Num(x) +
             "," + Num(y + 6) + " " + Num(x - 6) + "," + Num(y) + "\"" + style;
  }
}

// Staircase path through points sorted by RAM (see the front below).
std::string Staircase(const std::vector<ChartPoint>& pts, const Axis& x, const Axis& y) {
  // Appends only: GCC 12 warns falsely (-Wrestrict) on "M" + Num(...) here.
  std::string d = "M";
  d += Num(x.Map(pts[0].ram_kb));
  d += ",";
  d += Num(y.Map(pts[0].overhead));
  for (size_t i = 1; i < pts.size(); ++i) {
    d += " H";
    d += Num(x.Map(pts[i].ram_kb));
    d += " V";
    d += Num(y.Map(pts[i].overhead));
  }
  d += " H";
  d += Num(x.px_hi);
  return d;
}

std::string Text(double x, double y, const std::string& s, const char* anchor, int size,
                 const std::string& extra = "") {
  return "  <text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" + anchor + "\" font-size=\"" +
         std::to_string(size) + "\"" + extra + ">" + Escape(s) + "</text>\n";
}

}  // namespace

std::string ParetoSvg(const std::string& title, const std::vector<ChartPoint>& front_in,
                      const std::vector<ChartBaseline>& baselines, const std::vector<std::string>& notes,
                      const ChartOptions& options) {
  std::vector<ChartPoint> front = front_in;
  std::sort(front.begin(), front.end(), [](const ChartPoint& a, const ChartPoint& b) { return a.ram_kb < b.ram_kb; });
  double x_max = 0, y_min = 1.0, y_max = 1.0;
  auto include = [&](const ChartPoint& p) {
    x_max = std::max(x_max, p.ram_kb);
    y_min = std::min(y_min, p.overhead);
    y_max = std::max(y_max, p.overhead);
  };
  for (const ChartPoint& p : front) include(p);
  for (const ChartBaseline& b : baselines) include(b.point);
  for (const ChartSeries& series : options.series) {
    for (const ChartPoint& p : series.points) include(p);
  }
  const Axis x = MakeAxis(0, x_max * 1.06, 8, kLeft, kWidth - kRight);
  const double y_pad = 0.06 * std::max(y_max - y_min, 0.1);
  const Axis y = MakeAxis(y_min - y_pad, y_max + y_pad, 6, kHeight - kBottom, kTop);

  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Num(kWidth) + "\" height=\"" + Num(kHeight) +
       "\" viewBox=\"0 0 " + Num(kWidth) + " " + Num(kHeight) + "\" font-family=\"Helvetica, Arial, sans-serif\">\n";
  s += "  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += Text(kWidth / 2, 30, title, "middle", 17, " font-weight=\"bold\"");

  // Grid, ticks and tick labels.
  for (double v = std::ceil(x.lo / x.step) * x.step; v <= x.hi + 1e-9; v += x.step) {
    const double px = x.Map(v);
    s += "  <line x1=\"" + Num(px) + "\" y1=\"" + Num(y.px_hi) + "\" x2=\"" + Num(px) + "\" y2=\"" + Num(y.px_lo) +
         "\" stroke=\"#e4e4e4\"/>\n";
    s += "  <line x1=\"" + Num(px) + "\" y1=\"" + Num(y.px_lo) + "\" x2=\"" + Num(px) + "\" y2=\"" + Num(y.px_lo + 5) +
         "\" stroke=\"#333\"/>\n";
    s += Text(px, y.px_lo + 20, TickLabel(v, x.step), "middle", 12);
  }
  for (double v = std::ceil(y.lo / y.step - 1e-9) * y.step; v <= y.hi + 1e-9; v += y.step) {
    const double py = y.Map(v);
    s += "  <line x1=\"" + Num(x.px_lo) + "\" y1=\"" + Num(py) + "\" x2=\"" + Num(x.px_hi) + "\" y2=\"" + Num(py) +
         "\" stroke=\"#e4e4e4\"/>\n";
    s += "  <line x1=\"" + Num(x.px_lo - 5) + "\" y1=\"" + Num(py) + "\" x2=\"" + Num(x.px_lo) + "\" y2=\"" + Num(py) +
         "\" stroke=\"#333\"/>\n";
    s += Text(x.px_lo - 9, py + 4, TickLabel(v, y.step), "end", 12);
  }
  s += "  <rect x=\"" + Num(x.px_lo) + "\" y=\"" + Num(y.px_hi) + "\" width=\"" + Num(x.px_hi - x.px_lo) +
       "\" height=\"" + Num(y.px_lo - y.px_hi) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  s += Text((x.px_lo + x.px_hi) / 2, kHeight - 18, "peak RAM (kB, 1 kB = 1000 bytes)", "middle", 14);
  s += Text(22, (y.px_lo + y.px_hi) / 2, options.y_label, "middle", 14,
            " transform=\"rotate(-90 22 " + Num((y.px_lo + y.px_hi) / 2) + ")\"");

  // Extra series first, so the front and baselines stay on top.
  for (size_t i = 0; i < options.series.size(); ++i) {
    std::vector<ChartPoint> pts = options.series[i].points;
    if (pts.empty()) continue;
    std::sort(pts.begin(), pts.end(), [](const ChartPoint& a, const ChartPoint& b) { return a.ram_kb < b.ram_kb; });
    const char* colour = kSeriesColours[i % 4];
    if (options.series[i].staircase) {
      s += "  <path d=\"" + Staircase(pts, x, y) + "\" fill=\"none\" stroke=\"" + colour +
           "\" stroke-width=\"1.4\" stroke-dasharray=\"5,3\"/>\n";
    }
    for (const ChartPoint& p : pts) s += HollowMarker(static_cast<int>(i), x.Map(p.ram_kb), y.Map(p.overhead), colour);
  }

  // The front: for a RAM budget between two points, the better F is the one
  // of the point on the left, so the line steps down at each point.
  if (!front.empty()) {
    s += "  <path d=\"" + Staircase(front, x, y) + "\" fill=\"none\" stroke=\"" + kFrontColour +
         "\" stroke-width=\"1.8\"/>\n";
    for (const ChartPoint& p : front) {
      s += "  <circle cx=\"" + Num(x.Map(p.ram_kb)) + "\" cy=\"" + Num(y.Map(p.overhead)) + "\" r=\"3.2\" fill=\"" +
           kFrontColour + "\"/>\n";
    }
    char label[64];
    std::snprintf(label, sizeof label, "min RAM %.1f kB, F %.2f", front[0].ram_kb, front[0].overhead);
    s += Text(x.Map(front[0].ram_kb) + 8, y.Map(front[0].overhead) - 8, label, "start", 12,
              std::string(" fill=\"") + kFrontColour + "\"");
  }

  // Baselines, each labelled with its RAM beside the marker.
  for (size_t i = 0; i < baselines.size(); ++i) {
    const ChartBaseline& b = baselines[i];
    const double px = x.Map(b.point.ram_kb), py = y.Map(b.point.overhead);
    const char* colour = kBaselineColours[i % 4];
    s += Marker(static_cast<int>(i), px, py, colour);
    char label[96];
    std::snprintf(label, sizeof label, "%s %.1f kB", b.label.c_str(), b.point.ram_kb);
    // Right of centre: label to the left; near the bottom (where the front
    // runs flat at F ~ 1): label below the marker.
    const bool right_half = px > (x.px_lo + x.px_hi) / 2;
    const bool low = py > y.px_lo - 0.15 * (y.px_lo - y.px_hi);
    s += Text(right_half ? px - 10 : px + 10, low ? py + 18 : py - 9, label, right_half ? "end" : "start", 12,
              std::string(" fill=\"") + colour + "\"");
  }

  // Legend inside the plot: top right, unless that hides a point; then the
  // first of a few other corners that hides none.
  const double lw = options.series.empty() ? 188 : 260;
  const double lh = 22.0 * static_cast<double>(1 + baselines.size() + options.series.size()) + 10;
  std::vector<ChartPoint> all = front;
  for (const ChartBaseline& b : baselines) all.push_back(b.point);
  for (const ChartSeries& series : options.series) all.insert(all.end(), series.points.begin(), series.points.end());
  const auto hides_a_point = [&](double bx, double by) {
    return std::any_of(all.begin(), all.end(), [&](const ChartPoint& p) {
      const double px = x.Map(p.ram_kb), py = y.Map(p.overhead);
      return px > bx - 8 && px < bx + lw + 8 && py > by - 8 && py < by + lh + 8;
    });
  };
  const double right = x.px_hi - lw - 12, top = y.px_hi + 12;
  const std::pair<double, double> corners[] = {{right, top},
                                               {right, (y.px_hi + y.px_lo - lh) / 2},
                                               {(x.px_lo + x.px_hi - lw) / 2, top},
                                               {right, y.px_lo - lh - 40}};
  double lx = right, ly = top;
  for (const auto& [cx, cy] : corners) {
    if (!hides_a_point(cx, cy)) {
      lx = cx, ly = cy;
      break;
    }
  }
  s += "  <rect x=\"" + Num(lx) + "\" y=\"" + Num(ly) + "\" width=\"" + Num(lw) + "\" height=\"" + Num(lh) +
       "\" fill=\"white\" fill-opacity=\"0.92\" stroke=\"#bbb\"/>\n";
  s += "  <line x1=\"" + Num(lx + 10) + "\" y1=\"" + Num(ly + 18) + "\" x2=\"" + Num(lx + 34) + "\" y2=\"" +
       Num(ly + 18) + "\" stroke=\"" + kFrontColour + "\" stroke-width=\"1.8\"/>\n";
  s += "  <circle cx=\"" + Num(lx + 22) + "\" cy=\"" + Num(ly + 18) + "\" r=\"3.2\" fill=\"" + kFrontColour + "\"/>\n";
  s += Text(lx + 42, ly + 22, options.front_label, "start", 12);
  for (size_t i = 0; i < baselines.size(); ++i) {
    const double row = ly + 18 + 22.0 * static_cast<double>(i + 1);
    s += Marker(static_cast<int>(i), lx + 22, row, kBaselineColours[i % 4]);
    s += Text(lx + 42, row + 4, baselines[i].label, "start", 12);
  }
  for (size_t i = 0; i < options.series.size(); ++i) {
    const double row = ly + 18 + 22.0 * static_cast<double>(baselines.size() + i + 1);
    const char* colour = kSeriesColours[i % 4];
    if (options.series[i].staircase) {
      s += "  <line x1=\"" + Num(lx + 10) + "\" y1=\"" + Num(row) + "\" x2=\"" + Num(lx + 34) + "\" y2=\"" + Num(row) +
           "\" stroke=\"" + colour + "\" stroke-width=\"1.4\" stroke-dasharray=\"5,3\"/>\n";
    }
    s += HollowMarker(static_cast<int>(i), lx + 22, row, colour);
    s += Text(lx + 42, row + 4, options.series[i].label, "start", 12);
  }
  for (size_t i = 0; i < notes.size(); ++i) {
    s += Text(lx + lw, ly + lh + 18 + 16.0 * static_cast<double>(i), notes[i], "end", 11, " fill=\"#666\"");
  }
  s += "</svg>\n";
  return s;
}

}  // namespace msf::report
