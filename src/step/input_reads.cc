// SPDX-License-Identifier: MIT
#include "step/input_reads.h"

#include <algorithm>
#include <map>

#include "ir/input_readers.h"

namespace msf::step {

void InputReads::Add(const InputReads& o) {
  pixels += o.pixels;
  runs += o.runs;
  distinct += o.distinct;
  in_order_once = in_order_once && o.in_order_once;
}

namespace {

// Follows the requests of each input: a run must start at or after the end
// of the previous one (row-major), so no pixel is asked for twice.
class ReadLog {
 public:
  explicit ReadLog(InputReads* reads) : reads_(reads) {}
  void Rect(int32_t input, geometry::Interval rows, geometry::Interval cols) {
    if (rows.empty() || cols.empty()) return;
    for (int32_t y = rows.lo; y < rows.hi; ++y) {
      auto [it, first] = last_.try_emplace(input, std::pair<int32_t, int32_t>{y, cols.hi});
      if (!first) {
        const auto [ly, lx] = it->second;
        if (y < ly || (y == ly && cols.lo < lx)) reads_->in_order_once = false;
        it->second = {y, cols.hi};
      }
      reads_->pixels += cols.size();
      reads_->runs += 1;
    }
  }

 private:
  InputReads* reads_;
  std::map<int32_t, std::pair<int32_t, int32_t>> last_;  // input -> (row, column end) of its last run
};

}  // namespace

InputReads InputReadsOf(const ir::Graph& g, const StepMemory& m, const StepSpec& step) {
  InputReads reads;
  ReadLog log(&reads);
  const auto reader_input = [&](int32_t op) {
    const ir::Op& o = g.ops[static_cast<size_t>(op)];
    return o.kind == ir::OpKind::kReadInput ? ir::ReaderInputIndex(g, o) : -1;
  };
  for (int32_t op = step.from; op < step.to; ++op) {
    const ir::Tensor& t = g.tensor(g.ops[static_cast<size_t>(op)].output());
    if (reader_input(op) >= 0) reads.distinct += int64_t{t.H()} * t.W();
  }
  if (reads.distinct == 0) return reads;
  if (!m.schedule) {  // a layer step reads its whole input, row by row
    const ir::Tensor& t = g.tensor(g.ops[static_cast<size_t>(step.from)].output());
    log.Rect(reader_input(step.from), {0, t.H()}, {0, t.W()});
    return reads;
  }
  // The patch loop's order (runtime/src/msf_plan_exec.c, run_fused).
  const geometry::BlockSchedule& s = *m.schedule;
  const geometry::AxisSchedule &rows = s.rows(), &cols = s.cols();
  const auto& ops = s.block().ops;
  const int32_t nr = rows.ring ? 1 : rows.patches, nc = cols.ring ? 1 : cols.patches;
  const std::vector<geometry::Interval> ahead = s.RowReaderReads();  // full rows, ahead of each row patch
  for (int32_t r = 0; r < nr; ++r) {
    if (s.row_reader >= 0) {
      log.Rect(reader_input(ops[static_cast<size_t>(s.row_reader)].op), ahead[static_cast<size_t>(r)],
               {0, s.full_width_of_reader});
    }
    for (int32_t c = 0; c < nc; ++c) {
      const auto visit = [&](int32_t i, geometry::Interval ys, geometry::Interval xs) {
        const int32_t input = i == s.row_reader ? -1 : reader_input(ops[static_cast<size_t>(i)].op);
        if (input >= 0) log.Rect(input, ys, xs);
      };
      const auto need = [](const geometry::AxisSchedule& a, int32_t local, int32_t p) {
        return a.need[static_cast<size_t>(local)][static_cast<size_t>(p)];
      };
      if (cols.ring) {
        for (const geometry::StreamAction& a : cols.actions) {
          visit(a.op, need(rows, ops[static_cast<size_t>(a.op)].output, r), a.cells);
        }
      } else if (rows.ring) {
        for (const geometry::StreamAction& a : rows.actions) {
          visit(a.op, a.cells, need(cols, ops[static_cast<size_t>(a.op)].output, c));
        }
      } else {
        for (int32_t i = 0; i < static_cast<int32_t>(ops.size()); ++i) {
          const int32_t out = ops[static_cast<size_t>(i)].output;
          visit(i, need(rows, out, r), need(cols, out, c));
        }
      }
    }
  }
  return reads;
}

}  // namespace msf::step
