// SPDX-License-Identifier: MIT
// `msf calibrate`: measure the micro-benchmark suite on a target in QEMU and
// fit its latency model (calibration/<target>.json).
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "calib/calibrate.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "base/error.h"
#include "base/read_file.h"

namespace msf::cli {
namespace {

// The word in the instructions column of a bench that did not fit the board's RAM.
constexpr const char* kSkipped = "skipped";

// name,instructions,predicted,... lines of an earlier --samples file
// (instructions -1: the bench was skipped, "name,skipped" in the file).
std::map<std::string, int64_t> ReadMeasurements(const std::string& path) {
  const std::vector<char> bytes = ReadWholeFile<char>(path, "samples file", kMaxTextFileBytes);
  std::istringstream f(std::string(bytes.begin(), bytes.end()));
  std::map<std::string, int64_t> m;
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string name, count;
    if (!std::getline(in, name, ',') || !std::getline(in, count, ',')) throw Error(path + ": bad line '" + line + "'");
    if (count == kSkipped) {
      m[name] = -1;
      continue;
    }
    try {
      m[name] = std::stoll(count);
    } catch (const std::exception&) {
      throw Error(path + ": bad instruction count in '" + line + "'");
    }
  }
  return m;
}

std::string SamplesCsv(const cost::LatencyModel& model, const std::vector<calib::Sample>& samples,
                       const std::vector<std::string>& skipped) {
  std::string csv = "bench,instructions,predicted,relative_error";
  for (const std::string& f : cost::LatencyModel::FeatureNames()) csv += "," + f;
  csv += "\n";
  for (const calib::Sample& s : samples) {
    const double p = calib::Predict(model, s);
    char buf[96];
    std::snprintf(buf, sizeof buf, ",%lld,%.0f,%.4f", static_cast<long long>(s.instructions), p,
                  (p - static_cast<double>(s.instructions)) / static_cast<double>(s.instructions));
    csv += s.name + buf;
    for (double f : s.features) {
      std::snprintf(buf, sizeof buf, ",%.0f", f);
      csv += buf;
    }
    csv += "\n";
  }
  for (const std::string& name : skipped) csv += name + "," + kSkipped + "\n";
  return csv;
}

struct CalibrateArgs {
  std::string target;
  std::optional<std::string> out, samples, reuse;
  std::optional<int> jobs;
  bool tiny = false, measure_missing = false;
};

int RunCalibrate(const CalibrateArgs& a) {
  {
    std::vector<std::string> outputs;
    for (const std::optional<std::string>& path : {a.out, a.samples}) {
      if (path) outputs.push_back(*path);
    }
    CheckOutputs(outputs, {a.reuse.value_or("")});
  }
  const std::string& target = a.target;
  if (target == "host") throw Error("the host cannot count instructions; calibrate a bare-metal target");
  calib::MeasureOptions options;
  options.target = codegen::ParseTarget(target);
  if (a.jobs) options.jobs = *a.jobs;
  const std::vector<calib::Bench> suite = calib::BenchSuite(a.tiny ? calib::SuiteSize::kTiny : calib::SuiteSize::kFull);
  std::vector<calib::Sample> samples;
  std::vector<std::string> skipped;  // benches that do not fit the board's RAM
  if (a.measure_missing && !a.reuse) throw Error("--measure-missing needs --reuse FILE.csv");
  options.progress = [](const std::string& line) { std::fprintf(stderr, "  %s\n", line.c_str()); };
  if (const auto& reuse = a.reuse) {
    const std::map<std::string, int64_t> measured = ReadMeasurements(*reuse);
    std::vector<calib::Bench> missing;
    for (const calib::Bench& b : suite) {
      if (measured.find(b.name) != measured.end()) continue;
      if (!a.measure_missing) throw Error(*reuse + ": no measurement of bench " + b.name);
      missing.push_back(b);
    }
    // Benches the file lacks (new in the suite), measured in QEMU.
    std::map<std::string, calib::Sample> fresh;
    std::vector<std::string> fresh_skipped;
    if (!missing.empty()) {
      std::fprintf(stderr, "msf calibrate: %zu benchmarks not in %s, on %s (QEMU), %d at a time\n", missing.size(),
                   reuse->c_str(), target.c_str(), options.jobs);
      for (calib::Sample& s : calib::MeasureSuite(missing, options, &fresh_skipped)) fresh[s.name] = std::move(s);
    }
    for (const calib::Bench& b : suite) {
      auto it = measured.find(b.name);
      const bool skip = it != measured.end() ? it->second < 0
                                             : std::find(fresh_skipped.begin(), fresh_skipped.end(), b.name) !=
                                                   fresh_skipped.end();
      if (skip) {
        skipped.push_back(b.name);
        continue;
      }
      if (it == measured.end()) {
        samples.push_back(fresh.at(b.name));
        continue;
      }
      const calib::BenchPlan bp = calib::PlanBench(b);
      samples.push_back({b.name, calib::PlanFeatures(bp.work, bp.kinds), it->second});
    }
  } else {
    std::fprintf(stderr, "msf calibrate: %zu benchmarks on %s (QEMU), %d at a time\n", suite.size(), target.c_str(),
                 options.jobs);
    samples = calib::MeasureSuite(suite, options, &skipped);
  }
  if (!skipped.empty()) {
    std::fprintf(stderr, "msf calibrate: %zu of %zu benchmarks skipped (they do not fit %s's RAM):", skipped.size(),
                 suite.size(), target.c_str());
    for (const std::string& name : skipped) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, "\n");
  }

  cost::LatencyModel model = calib::FitLatencyModel(samples, target);
  const calib::FitQuality q = calib::Evaluate(model, samples);
  char fit[256];
  std::snprintf(fit, sizeof fit, "rms relative error %.2f%%, max %.2f%% (%s)", 100 * q.rms_relative_error,
                100 * q.max_relative_error, q.worst.c_str());
  model.note = "fitted by `msf calibrate --target " + target + "` (regenerate: make calibrate) on " +
               std::to_string(samples.size()) + " QEMU micro-benchmarks";
  if (!skipped.empty()) {
    model.note += " (" + std::to_string(skipped.size()) + " of the " + std::to_string(suite.size()) +
                  " skipped: they do not fit the board's RAM)";
  }
  model.note += std::string(": ") + fit;
  std::fprintf(stderr, "fit: rms relative error %.2f%%, max %.2f%% (%s)\n", 100 * q.rms_relative_error,
               100 * q.max_relative_error, q.worst.c_str());
  if (const auto& path = a.samples) WriteTextFile(*path, SamplesCsv(model, samples, skipped));
  const std::string json = cost::LatencyModelToJson(model);
  if (const auto& out = a.out) {
    WriteTextFile(*out, json);
  } else {
    std::fputs(json.c_str(), stdout);
  }
  return 0;
}

}  // namespace

void AddCalibrate(CLI::App& parent, std::vector<Command>* commands) {
  auto a = std::make_shared<CalibrateArgs>();
  CLI::App* app = parent.add_subcommand(
      "calibrate", "fit a target's latency model to QEMU runs of micro-benchmarks (calibration/*.json)");
  AddValue(app, "--target", "cortex-m0plus|cortex-m4|cortex-m7|cortex-m33|cortex-m55|rv32imac|xtensa-lx106", "the target to measure",
           [a](const std::string& v) { a->target = v; })
      ->required();
  AddText(app, "--out", "FILE", "write the latency model JSON here instead of stdout", &a->out);
  AddText(app, "--samples", "FILE.csv", "write every benchmark's measured and predicted instructions", &a->samples);
  AddText(app, "--reuse", "FILE.csv", "fit to the measurements of an earlier --samples file instead of QEMU runs",
          &a->reuse);
  AddValue(app, "--jobs", "N", "QEMU runs at a time (1 to 64)", [a](const std::string& v) { a->jobs = ParseJobs(v); });
  AddFlag(app, "--measure-missing", "with --reuse: measure in QEMU the benchmarks the file lacks (new ones)",
          &a->measure_missing);
  AddFlag(app, "--tiny", "a few benchmarks only (quick checks)", &a->tiny);
  commands->push_back({app, [a] { return RunCalibrate(*a); }});
}

}  // namespace msf::cli
