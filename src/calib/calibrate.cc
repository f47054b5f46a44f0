// SPDX-License-Identifier: MIT
#include "calib/calibrate.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <thread>

#include "calib/nnls.h"
#include "base/error.h"
#include "exec/reference_executor.h"
#include "target/mcu_run.h"

namespace msf::calib {
std::vector<double> PlanFeatures(const std::vector<step::StepWork>& work, const std::vector<step::StepKind>& kinds) {
  std::vector<double> f(cost::LatencyModel::FeatureNames().size(), 0.0);
  for (size_t s = 0; s < work.size(); ++s) {
    const std::vector<double> step = cost::StepFeatures(work[s], kinds[s]);
    for (size_t i = 0; i < f.size(); ++i) f[i] += step[i];
  }
  f[cost::InvokeFeature()] = 1;
  return f;
}

std::vector<Sample> MeasureSuite(const std::vector<Bench>& suite, const MeasureOptions& options,
                                 std::vector<std::string>* skipped) {
  std::vector<Sample> samples(suite.size());
  std::vector<char> fits(suite.size(), 1);
  const std::string root = target::MakeTempDir("msf_calibrate_");
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::string first_error;
  const auto worker = [&] {
    for (size_t i = next++; i < suite.size(); i = next++) {
      try {
        const Bench& b = suite[i];
        const BenchPlan bp = PlanBench(b);
        const std::vector<int8_t> input = BenchInput(b.graph);
        target::TargetRun run;
        try {
          run = target::RunOnTarget(b.graph, bp.plan, options.target, input, root + "/" + std::to_string(i));
        } catch (const target::DoesNotFitRam& e) {
          if (skipped == nullptr) throw;
          fits[i] = 0;
          std::error_code ec;
          std::filesystem::remove_all(root + "/" + std::to_string(i), ec);
          std::lock_guard<std::mutex> lock(mu);
          if (options.progress) options.progress(b.name + ": skipped (does not fit the board's RAM)");
          continue;
        }
        if (run.output != exec::RunReference(b.graph, input)) {
          throw Error("calibration bench " + b.name + ": output differs from the reference executor");
        }
        if (run.instructions <= 0) throw Error("calibration bench " + b.name + ": the target counts no instructions");
        samples[i] = {b.name, PlanFeatures(bp.work, bp.kinds), run.instructions};
        std::error_code ec;
        std::filesystem::remove_all(root + "/" + std::to_string(i), ec);
        std::lock_guard<std::mutex> lock(mu);
        if (options.progress) options.progress(b.name + ": " + std::to_string(run.instructions) + " instructions");
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.empty()) first_error = e.what();
        next = suite.size();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, options.jobs); ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  if (!first_error.empty()) throw Error(first_error);
  std::vector<Sample> measured;
  for (size_t i = 0; i < suite.size(); ++i) {
    if (fits[i]) {
      measured.push_back(std::move(samples[i]));
    } else {
      skipped->push_back(suite[i].name);
    }
  }
  return measured;
}

double Predict(const cost::LatencyModel& m, const Sample& s) {
  const std::vector<double> c = m.Coefficients();
  double sum = 0;
  for (size_t i = 0; i < c.size(); ++i) sum += c[i] * s.features[i];
  return sum;
}

cost::LatencyModel FitLatencyModel(const std::vector<Sample>& samples, const std::string& target) {
  if (samples.empty()) throw Error("no calibration samples to fit");
  const size_t cols = samples[0].features.size();
  std::vector<double> a, b;
  for (const Sample& s : samples) {
    const double w = 1.0 / static_cast<double>(s.instructions);
    for (double f : s.features) a.push_back(f * w);
    b.push_back(1.0);
  }
  cost::LatencyModel m;
  m.target = target;
  m.SetCoefficients(SolveNnls(a, samples.size(), cols, b));
  return m;
}

FitQuality Evaluate(const cost::LatencyModel& m, const std::vector<Sample>& samples) {
  FitQuality q;
  double sum_sq = 0;
  for (const Sample& s : samples) {
    const double rel = (Predict(m, s) - static_cast<double>(s.instructions)) / static_cast<double>(s.instructions);
    sum_sq += rel * rel;
    if (std::abs(rel) >= q.max_relative_error) {
      q.max_relative_error = std::abs(rel);
      q.worst = s.name;
    }
  }
  q.rms_relative_error = samples.empty() ? 0 : std::sqrt(sum_sq / static_cast<double>(samples.size()));
  return q;
}

}  // namespace msf::calib
