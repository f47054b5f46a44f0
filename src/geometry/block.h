// SPDX-License-Identifier: MIT
// Fused blocks: which op ranges can run patch by patch, and the exact patch
// schedule of one (per tensor and patch: the region needed, the region
// computed, the tile buffer extent). The cost model counts these buffers and
// pixels; the executor allocates and computes exactly them.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "geometry/interval.h"
#include "geometry/op_window.h"
#include "ir/graph.h"

namespace msf::geometry {

enum class Reuse : uint8_t {
  kNone,     // every patch recomputes its whole region (MCUNetV2)
  kColumns,  // hcache: columns cached along W, rows recomputed (msf-CNN)
  kRows,     // line buffer: rows cached along H, full-width patches (StreamNet)
};

enum class TensorRole : uint8_t {
  kExternal,  // produced before the block: a whole tensor in RAM
  kInterior,  // produced and consumed inside: a tile buffer
  kOutput,    // the block's spatial output: written whole, or summed by the head
};

struct BlockTensor {
  ir::TensorId id;
  TensorRole role;
  int32_t channels;  // bytes per pixel: the channels (4 bytes each for float32)
};

// Bytes of one pixel (all channels) of an activation.
int32_t PixelBytes(const ir::Tensor& t);

struct BlockOp {
  int32_t op;                     // graph op index
  int32_t output;                 // local tensor index
  std::vector<int32_t> inputs;    // local tensor indices (activations only)
  int64_t macs_per_pixel;
};

// The structure of ops [from, to): spatial ops [from, spatial_end) run per
// patch; ops [spatial_end, to) are the iterative head (global pool first).
struct BlockStructure {
  int32_t from = 0, to = 0, spatial_end = 0;
  std::vector<BlockTensor> tensors;
  std::vector<BlockOp> ops;  // the spatial ops, in order
  int32_t output = -1;       // local index of the spatial output tensor
  bool has_head() const { return spatial_end < to; }
};

// nullopt (with `why` set if given) when ops [from, to) cannot be fused.
// `last_use` (ir::LastUse(g)) may be passed to avoid recomputing it.
std::optional<BlockStructure> AnalyzeBlock(const ir::Graph& g, int32_t from, int32_t to,
                                           std::string* why = nullptr,
                                           const std::vector<int32_t>* last_use = nullptr);

// One step along a streamed (cached) axis: block op `op` (index into
// BlockStructure::ops) computes cells `cells` of its output.
struct StreamAction {
  int32_t op;
  Interval cells;
};

// The schedule along one axis. A patched axis splits the block output into
// patches and recomputes each patch's receptive field (need == compute). A
// streamed axis (ring = true) is a single pass of actions that computes each
// cell once, cell by cell on demand, so each tensor keeps only a sliding
// window of `extent` cells in a ring buffer.
struct AxisSchedule {
  bool ring = false;
  int32_t patches = 0;                         // patched axis; 1 for a streamed axis
  std::vector<std::vector<Interval>> need;     // [local tensor][patch]: cells held (patched axis)
  std::vector<StreamAction> actions;           // streamed axis
  std::vector<int32_t> extent;                 // tile buffer extent; 0 for external
  std::vector<int64_t> computed_total;         // cells computed per pass, summed over patches
};

struct BlockSchedule {
  std::shared_ptr<const BlockStructure> block_ptr;
  std::shared_ptr<const AxisSchedule> rows_ptr, cols_ptr;
  Reuse reuse = Reuse::kNone;
  int32_t patch_h = 1, patch_w = 1;
  // A streamed input's reader (index into block().ops, or -1) run ahead of
  // each row patch: its tile is a ring of full-width rows (rows().extent of
  // them), filled with the rows not read before, so each row is read once.
  int32_t row_reader = -1;
  int32_t full_width_of_reader = 0;

  const BlockStructure& block() const { return *block_ptr; }
  const AxisSchedule& rows() const { return *rows_ptr; }
  const AxisSchedule& cols() const { return *cols_ptr; }
  // Bytes of the tile buffer of a local tensor (interior, or the output when
  // the head sums it); 0 for tensors stored whole.
  int64_t TileBytes(int32_t local) const;
  // Whether a local tensor exists only as a tile (interior, or the output
  // when the head sums it), so never as a whole tensor; its TileBytes may be
  // 0 when none of its cells is needed.
  bool IsTileHeld(int32_t local) const;
  bool OutputIsTiled() const { return block().has_head(); }
  bool IsRowReaderTile(int32_t local) const;
  // Per row patch, the rows the row reader reads ahead of it (the part of
  // its row need not read before; empty when none). Empty without a reader.
  std::vector<Interval> RowReaderReads() const;
  // Columns of a local tensor's tile buffer (the full width for the row reader's).
  int32_t TileWidth(int32_t local) const;
  int64_t Macs(const ir::Graph& g) const;  // spatial ops + head
};

// Memoised axis schedules of one block, shared by its variants and patch
// sizes (a patched axis depends only on the patch size, a streamed one on
// nothing else).
class AxisCache {
 public:
  AxisCache(const ir::Graph& g, std::shared_ptr<const BlockStructure> block);
  std::shared_ptr<const AxisSchedule> Patched(Axis axis, int32_t patch);
  std::shared_ptr<const AxisSchedule> Streamed(Axis axis);
  const std::shared_ptr<const BlockStructure>& block() const { return block_; }
  const ir::Graph& graph() const { return g_; }

 private:
  const ir::Graph& g_;
  std::shared_ptr<const BlockStructure> block_;
  std::map<std::pair<int, int32_t>, std::shared_ptr<const AxisSchedule>> cache_;
};

// patch_h / patch_w size the patches of a patched axis; a streamed axis
// ignores its patch size (kColumns streams W, kRows streams H).
BlockSchedule ScheduleBlock(AxisCache& cache, Reuse reuse, int32_t patch_h, int32_t patch_w);
BlockSchedule ScheduleBlock(const ir::Graph& g, const BlockStructure& block, Reuse reuse, int32_t patch_h,
                            int32_t patch_w);

}  // namespace msf::geometry
