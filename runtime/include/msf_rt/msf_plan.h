/* SPDX-License-Identifier: MIT */
/* Plan descriptors and the patch loop that runs them. The host executor
 * builds these tables in memory; generated MCU code emits them as const data.
 * Both call msf_run_plan(): one implementation of the fused execution. */
#ifndef MSF_PLAN_H
#define MSF_PLAN_H
#include "msf_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a buffer lives: a byte offset into the arena (>= 0), or one of the
 * caller's input / output tensors (never in the arena): input i is
 * MSF_SLOT_INPUT_N(i) = -1 - 2i, output i is MSF_SLOT_OUTPUT_N(i) = -2 - 2i. */
#define MSF_SLOT_INPUT_N(i) (-1 - 2 * (i))
#define MSF_SLOT_OUTPUT_N(i) (-2 - 2 * (i))
#define MSF_SLOT_INPUT MSF_SLOT_INPUT_N(0)
#define MSF_SLOT_OUTPUT MSF_SLOT_OUTPUT_N(0)

typedef enum {
  MSF_KERNEL_CONV = 1,
  MSF_KERNEL_DEPTHWISE_CONV,
  MSF_KERNEL_AVGPOOL,
  MSF_KERNEL_MAXPOOL,
  MSF_KERNEL_PAD,
  MSF_KERNEL_ADD,
  MSF_KERNEL_REQUANTIZE,
  MSF_KERNEL_FULLY_CONNECTED,
  MSF_KERNEL_MEAN,
  MSF_KERNEL_SOFTMAX,
  MSF_KERNEL_COPY, /* RESHAPE: a byte copy (a no-op when storage is shared) */
  MSF_KERNEL_QUANTIZE_F32,   /* float32 model input -> int8 (count elements) */
  MSF_KERNEL_DEQUANTIZE_F32, /* int8 -> float32 model output (count elements) */
  MSF_KERNEL_RESIZE_NEAREST,
  MSF_KERNEL_CONCAT_PART,    /* one input of a concatenation (layer steps) */
  MSF_KERNEL_MUL,            /* same shape, or the second input broadcast (params) */
  MSF_KERNEL_MUL_4D,         /* any 4-D broadcast, whole tensors */
  MSF_KERNEL_LOGISTIC,
  MSF_KERNEL_HARD_SWISH,
  MSF_KERNEL_TRANSPOSE,      /* whole tensors */
  MSF_KERNEL_READ_INPUT      /* rows of a model input: copied, or pulled through msf_read_rows_fn */
} msf_kernel_kind;

/* READ_INPUT: which model input it reads. */
typedef struct {
  int32_t input;
} msf_read_input_params;

/* The sensor of a streamed input: writes pixels [col, col + cols) of row
 * `row` of model input `input` (every channel, the tensor's bytes: int8, or
 * float32 at a float boundary) to dst. A `stream` plan asks for each row
 * once, in order, full width; a `reread` plan may ask for a part of a row
 * again. Any status but MSF_OK stops the run and is returned. */
typedef msf_status (*msf_read_rows_fn)(void *ctx, int32_t input, int32_t row, int32_t col, int32_t cols,
                                       void *dst);

/* MUL with a general 4-D broadcast (msf_mul_s8_broadcast4d). */
typedef struct {
  msf_mul_params mul;
  int32_t in1_shape[4], in2_shape[4], out_shape[4];
} msf_mul_4d_params;

/* TRANSPOSE of a (left-padded) 4-D tensor: out dimension d is in dimension perm[d]. */
typedef struct {
  int32_t in_shape[4], perm[4];
} msf_transpose_params;

/* The float boundary of a model with float32 input or outputs: the int8
 * tensor's quantisation (the only floats of the device path). */
typedef struct {
  float scale;
  int32_t zero_point;
} msf_float_io_params;

typedef struct {
  int32_t in_h, in_w, pad_top, pad_left;
  int8_t pad_value;
} msf_pad_params;

/* One op with its constant data. `params` points to the kind's struct:
 * msf_conv_params, msf_pool_params, msf_pad_params, msf_add_params,
 * msf_requantize_params, msf_fc_params, msf_mean_params, msf_softmax_params,
 * msf_float_io_params, msf_resize_params, msf_concat_part_params,
 * msf_mul_params, msf_mul_4d_params, msf_logistic_params,
 * msf_hard_swish_params, msf_transpose_params, msf_read_input_params. */
typedef struct {
  uint8_t kind;
  const void *params;
  msf_requant requant; /* conv, depthwise, fully connected */
  const int8_t *weights;
  const int32_t *bias;
  const int32_t *eff_bias; /* conv, depthwise: bias + input_offset * sum(w), per channel */
  int32_t count; /* elements, for requantize and copy */
} msf_kernel;

/* A buffer of a step: a whole tensor, or a tile (ring) of a block tensor. */
typedef struct {
  int32_t offset;         /* arena byte offset, or MSF_SLOT_INPUT_N / MSF_SLOT_OUTPUT_N */
  int32_t h, w, c;        /* stored extent */
  uint8_t ring_y, ring_x; /* streamed axes of a tile */
  uint8_t whole;          /* 1: holds the whole tensor (origin 0, 0) */
} msf_slot;

typedef struct {
  const msf_kernel *kernel;
  int16_t in[2]; /* slots of the activation inputs (in[1] = -1 if unused) */
  int16_t out;
} msf_step_op;

typedef struct {
  int32_t lo, hi;
} msf_interval;

typedef struct {
  int16_t op; /* index into the step's ops */
  msf_interval cells;
} msf_action;

/* How the fused block's global pool is finished from its int32 sums. */
typedef enum { MSF_HEAD_NONE = 0, MSF_HEAD_AVGPOOL, MSF_HEAD_MEAN } msf_head_kind;

typedef struct {
  uint8_t fused;
  const msf_slot *slots;
  int16_t num_slots;
  const msf_step_op *ops; /* layer step: its op(s) on whole slots, in order */
  int16_t num_ops;

  /* Fused steps. The block output slot `out_slot` is whole, or a tile that
   * feeds the head's sums. An axis is patched (need tables, one interval per
   * slot and patch, [slot * patches + patch]) or streamed (actions). */
  int16_t out_slot;
  int32_t row_patches, col_patches;
  const msf_interval *row_need, *col_need;
  const msf_action *row_actions, *col_actions;
  int32_t num_row_actions, num_col_actions;

  uint8_t head_kind;
  int32_t sums_offset; /* arena offset of int32 sums[channels] */
  int32_t head_count;  /* cells summed (H * W of the block output) */
  int32_t head_act_min, head_act_max;
  const msf_mean_params *head_mean;
  int16_t pooled_slot; /* whole slot receiving the pooled vector */
  const msf_step_op *head_ops;
  int16_t num_head_ops;

  int32_t scratch_offset; /* arena offset of kernel scratch, -1 if none */
  /* A streamed input's READ_INPUT op (index into ops, or -1) run ahead of
   * each row patch: it reads the rows of its row need not read before, full
   * width, into its slot (a ring of rows); the patch loop skips it. */
  int16_t row_reader;
} msf_step;

typedef struct {
  const msf_step *steps;
  int32_t num_steps;
  int32_t arena_bytes;
  int32_t num_inputs, num_outputs; /* the caller's tensors the slots may name */
} msf_plan;

/* Runs every step. `inputs[i]` / `outputs[i]` are the caller's tensors
 * (int8, or float32 at a float boundary: aligned to 4), `arena` holds
 * plan->arena_bytes bytes, aligned to 4. MSF_ARG_ERROR if a slot names a
 * tensor beyond num_inputs / num_outputs. */
msf_status msf_run_plan_io(const msf_plan *plan, const void *const *inputs, void *const *outputs,
                           uint8_t *arena);
/* Runs a plan whose inputs are read through READ_INPUT steps (msf plan
 * --input-mode stream|reread): rows come from read_rows(read_ctx, ...) and
 * no input tensor exists. MSF_ARG_ERROR if a step reads an input other than
 * through READ_INPUT. */
msf_status msf_run_plan_stream(const msf_plan *plan, msf_read_rows_fn read_rows, void *read_ctx,
                               void *const *outputs, uint8_t *arena);
/* The same for a plan with one input and one output. */
msf_status msf_run_plan(const msf_plan *plan, const int8_t *input, int8_t *output, uint8_t *arena);
/* Whether every convolution call of the plan's schedule (views and
 * rectangle) passes the kernels' _cell_ok check, walked without running
 * anything. msf codegen checks each plan so on the host and builds the
 * package with MSF_PLAN_CELLS_CHECKED: its executor then calls the kernels'
 * _cell_run entries, without the per-call check. (Not in such builds.) */
int msf_plan_cells_ok(const msf_plan *plan);

/* Building blocks of the iterative global pool (msf_global_pool_s8.c). */
void msf_channel_sums_s8(const msf_view *in, const msf_rect *rect, int32_t *sums);
msf_status msf_global_avgpool_finalize_s8(const int32_t *sums, int32_t channels, int32_t count,
                                          int32_t act_min, int32_t act_max, int8_t *out);
msf_status msf_mean_finalize_s8(const msf_mean_params *p, const int32_t *sums, int8_t *out);

#ifdef __cplusplus
}
#endif
#endif /* MSF_PLAN_H */
