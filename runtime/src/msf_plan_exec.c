/* SPDX-License-Identifier: MIT */
/* The patch loop: runs a plan's steps on one static arena. A layer step runs
 * one kernel on whole tensors. A fused step walks its output patch by patch
 * (patched axes) or cell by cell (streamed axes, whose tiles are rings), and
 * computes exactly the cells its schedule lists; the host cost model counted
 * the same cells and buffers. No heap, no floats. */
#include "msf_rt/msf_plan.h"

#include <string.h>

#include "msf_view_internal.h"

typedef struct {
  const void *const *inputs; /* null when the inputs are read through read_rows */
  void *const *outputs;
  uint8_t *arena;
  msf_read_rows_fn read_rows;
  void *read_ctx;
} msf_memory;

/* A slot with a negative offset is a caller's tensor: offset -1 - 2i is
 * input i, -2 - 2i output i. */
static int slot_is_input(const msf_slot *s) { return s->offset < 0 && (-s->offset - 1) % 2 == 0; }
static int32_t slot_caller_index(const msf_slot *s) { return (-s->offset - 1) / 2; }

/* A slot's first byte (the caller's tensor for negative offsets; ranges are
 * checked once per run by plan_slots_valid). */
MSF_FORCE_INLINE int8_t *slot_base(const msf_slot *s, const msf_memory *mem) {
  if (s->offset >= 0) return (int8_t *)(mem->arena + s->offset);
  if (slot_is_input(s)) return mem->inputs != 0 ? (int8_t *)mem->inputs[slot_caller_index(s)] : 0;
  return (int8_t *)mem->outputs[slot_caller_index(s)];
}

static int slot_valid(const msf_slot *s, const msf_plan *plan) {
  if (s->offset >= 0) return 1;
  return slot_caller_index(s) < (slot_is_input(s) ? plan->num_inputs : plan->num_outputs);
}

/* Whether an op reads a caller's input other than through READ_INPUT
 * (which a streamed run cannot serve: there is no input tensor). */
static int reads_input_directly(const msf_step *st, const msf_step_op *op) {
  int k;
  if (op->kernel->kind == MSF_KERNEL_READ_INPUT) return 0;
  for (k = 0; k < 2; ++k) {
    if (op->in[k] >= 0 && slot_is_input(&st->slots[op->in[k]])) return 1;
  }
  return 0;
}

/* The layer arguments of a convolution, checked once per run: run_kernel
 * calls the kernels' _cell entries, which check only the call's views. */
static int kernel_layer_ok(const msf_kernel *k) {
  const msf_conv_params *p = (const msf_conv_params *)k->params;
  if (k->kind == MSF_KERNEL_CONV) return msf_conv_s8_layer_ok(p, &k->requant, k->weights);
  if (k->kind == MSF_KERNEL_DEPTHWISE_CONV) return msf_depthwise_conv_s8_layer_ok(p, &k->requant, k->weights);
  return 1;
}

static int plan_slots_valid(const msf_plan *plan, int streamed) {
  int32_t s, i;
  for (s = 0; s < plan->num_steps; ++s) {
    const msf_step *st = &plan->steps[s];
    for (i = 0; i < st->num_slots; ++i) {
      if (!slot_valid(&st->slots[i], plan)) return 0;
    }
    for (i = 0; i < st->num_ops; ++i) {
      if (!kernel_layer_ok(st->ops[i].kernel)) return 0;
    }
    for (i = 0; i < st->num_head_ops; ++i) {
      if (!kernel_layer_ok(st->head_ops[i].kernel)) return 0;
    }
    for (i = 0; streamed && i < st->num_ops; ++i) {
      if (reads_input_directly(st, &st->ops[i])) return 0;
    }
    for (i = 0; streamed && i < st->num_head_ops; ++i) {
      if (reads_input_directly(st, &st->head_ops[i])) return 0;
    }
  }
  return 1;
}

static msf_view make_view(const msf_slot *s, int8_t *base, int32_t y0, int32_t x0) {
  msf_view v;
  v.data = base;
  v.y0 = (s->whole || s->ring_y) ? 0 : y0;
  v.x0 = (s->whole || s->ring_x) ? 0 : x0;
  v.h = s->h, v.w = s->w, v.c = s->c;
  v.ring_y = s->ring_y, v.ring_x = s->ring_x;
  return v;
}

/* A generated package defines MSF_PLAN_WITHOUT_<KIND> for the kernel kinds
 * its plan never uses (the newer ones), so their code is not linked. It
 * also defines MSF_PLAN_CELLS_CHECKED: msf checked every convolution call of
 * its schedule on the host (msf_plan_cells_ok), so the device runs the
 * kernels' _cell_run entries, without the per-call view checks. */
#ifdef MSF_PLAN_CELLS_CHECKED
#define CONV_CELL msf_conv_s8_cell_run
#define DEPTHWISE_CELL msf_depthwise_conv_s8_cell_run
#else
#define CONV_CELL msf_conv_s8_cell
#define DEPTHWISE_CELL msf_depthwise_conv_s8_cell
#endif
static msf_status run_kernel(const msf_kernel *k, const msf_view *in0, const msf_view *in1,
                             const msf_rect *r, msf_view *out, int32_t *scratch) {
  switch (k->kind) {
    case MSF_KERNEL_CONV:
      return CONV_CELL((const msf_conv_params *)k->params, &k->requant, in0, k->weights, k->bias, k->eff_bias, r,
                       out);
    case MSF_KERNEL_DEPTHWISE_CONV:
      return DEPTHWISE_CELL((const msf_conv_params *)k->params, &k->requant, in0, k->weights, k->bias,
                            k->eff_bias, r, out);
    case MSF_KERNEL_AVGPOOL:
      return msf_avgpool_s8((const msf_pool_params *)k->params, in0, r, out);
    case MSF_KERNEL_MAXPOOL:
      return msf_maxpool_s8((const msf_pool_params *)k->params, in0, r, out);
    case MSF_KERNEL_PAD: {
      const msf_pad_params *p = (const msf_pad_params *)k->params;
      return msf_pad_s8(p->in_h, p->in_w, p->pad_top, p->pad_left, p->pad_value, in0, r, out);
    }
    case MSF_KERNEL_ADD:
      return msf_add_s8((const msf_add_params *)k->params, in0, in1, r, out);
    case MSF_KERNEL_REQUANTIZE: {
      /* Elementwise over the rect, pixel by pixel: in a fused step the views
       * are tiles or rings, not whole tensors. */
      int32_t y, x;
      msf_status status = MSF_OK;
      if (in0->c != out->c || !msf_rect_fits(r, out) || !msf_rect_fits(r, in0)) return MSF_ARG_ERROR;
      for (y = r->y0; status == MSF_OK && y < r->y0 + r->h; ++y)
        for (x = r->x0; status == MSF_OK && x < r->x0 + r->w; ++x)
          status = msf_requantize_s8((const msf_requantize_params *)k->params, msf_view_pixel(in0, y, x),
                                     msf_view_pixel(out, y, x), out->c);
      return status;
    }
    case MSF_KERNEL_FULLY_CONNECTED:
      return msf_fully_connected_s8((const msf_fc_params *)k->params, &k->requant, in0->data,
                                    k->weights, k->bias, out->data);
    case MSF_KERNEL_MEAN:
      return msf_mean_s8((const msf_mean_params *)k->params, in0->data, scratch, out->data);
    case MSF_KERNEL_SOFTMAX:
      return msf_softmax_s8((const msf_softmax_params *)k->params, in0->data, out->data);
    case MSF_KERNEL_COPY:
      if (out->data != in0->data) memmove(out->data, in0->data, (size_t)k->count);
      return MSF_OK;
#if !defined(MSF_PLAN_WITHOUT_QUANTIZE_F32) || !defined(MSF_PLAN_WITHOUT_DEQUANTIZE_F32)
    case MSF_KERNEL_QUANTIZE_F32:
    case MSF_KERNEL_DEQUANTIZE_F32: {
      /* Pixel by pixel over the rect, so a fused block can quantise the float
       * model input tile by tile. A float32 slot's c counts bytes (4 per
       * channel), so its pixels stay 4-aligned. */
      const msf_float_io_params *p = (const msf_float_io_params *)k->params;
      const int quantize = k->kind == MSF_KERNEL_QUANTIZE_F32;
      const int32_t channels = quantize ? out->c : in0->c;
      int32_t y, x;
      msf_status status = MSF_OK;
      if ((quantize ? in0->c : out->c) != 4 * channels || !msf_rect_fits(r, out) || !msf_rect_fits(r, in0))
        return MSF_ARG_ERROR;
      for (y = r->y0; status == MSF_OK && y < r->y0 + r->h; ++y)
        for (x = r->x0; status == MSF_OK && x < r->x0 + r->w; ++x)
          status = quantize ? msf_quantize_f32_s8(p->scale, p->zero_point,
                                                  (const float *)(const void *)msf_view_pixel(in0, y, x),
                                                  msf_view_pixel(out, y, x), channels)
                            : msf_dequantize_s8_f32(p->scale, p->zero_point, msf_view_pixel(in0, y, x),
                                                    (float *)(void *)msf_view_pixel(out, y, x), channels);
      return status;
    }
#endif
#ifndef MSF_PLAN_WITHOUT_RESIZE_NEAREST
    case MSF_KERNEL_RESIZE_NEAREST:
      return msf_resize_nearest_s8((const msf_resize_params *)k->params, in0, r, out);
#endif
#ifndef MSF_PLAN_WITHOUT_CONCAT_PART
    case MSF_KERNEL_CONCAT_PART:
      return msf_concat_part_s8((const msf_concat_part_params *)k->params, in0->data, out->data);
#endif
#ifndef MSF_PLAN_WITHOUT_MUL
    case MSF_KERNEL_MUL:
      if (in1 == 0) return MSF_ARG_ERROR;
      return msf_mul_s8((const msf_mul_params *)k->params, in0, in1, r, out);
#endif
#ifndef MSF_PLAN_WITHOUT_MUL_4D
    case MSF_KERNEL_MUL_4D: {
      const msf_mul_4d_params *p = (const msf_mul_4d_params *)k->params;
      if (in1 == 0) return MSF_ARG_ERROR;
      return msf_mul_s8_broadcast4d(&p->mul, p->in1_shape, in0->data, p->in2_shape, in1->data, p->out_shape,
                                    out->data);
    }
#endif
#ifndef MSF_PLAN_WITHOUT_LOGISTIC
    case MSF_KERNEL_LOGISTIC:
      return msf_logistic_s8((const msf_logistic_params *)k->params, in0, r, out);
#endif
#ifndef MSF_PLAN_WITHOUT_HARD_SWISH
    case MSF_KERNEL_HARD_SWISH:
      return msf_hard_swish_s8((const msf_hard_swish_params *)k->params, in0, r, out);
#endif
#ifndef MSF_PLAN_WITHOUT_TRANSPOSE
    case MSF_KERNEL_TRANSPOSE: {
      const msf_transpose_params *p = (const msf_transpose_params *)k->params;
      return msf_transpose_s8(p->in_shape, p->perm, in0->data, out->data);
    }
#endif
    default:
      return MSF_ARG_ERROR;
  }
}

#ifndef MSF_PLAN_WITHOUT_READ_INPUT
/* READ_INPUT over a rect of its output: each row's pixels from the sensor
 * (or copied from the caller's whole input), one call per contiguous run of
 * the output (a column ring splits a row where it wraps). */
static msf_status read_input(const msf_memory *mem, const msf_kernel *k, const msf_view *in,
                             const msf_rect *r, msf_view *out) {
  const int32_t input = ((const msf_read_input_params *)k->params)->input;
  int32_t y, x, n;
  msf_status status = MSF_OK;
  if (!msf_rect_fits(r, out) || (mem->read_rows == 0 && (in->data == 0 || in->c != out->c))) return MSF_ARG_ERROR;
  for (y = r->y0; status == MSF_OK && y < r->y0 + r->h; ++y) {
    for (x = r->x0; status == MSF_OK && x < r->x0 + r->w; x += n) {
      int8_t *dst = msf_view_pixel(out, y, x);
      n = r->x0 + r->w - x;
      if (out->ring_x && n > out->w - msf_view_col(out, x)) n = out->w - msf_view_col(out, x);
      if (mem->read_rows != 0) {
        status = mem->read_rows(mem->read_ctx, input, y, x, n, dst);
      } else {
        memcpy(dst, msf_view_pixel(in, y, x), (size_t)n * (size_t)out->c);
      }
    }
  }
  return status;
}
#endif

typedef struct {
  const msf_step *st;
  const msf_memory *mem;
  int32_t *sums;
  int32_t *scratch;
#ifndef MSF_PLAN_CELLS_CHECKED
  int check_only; /* msf_plan_cells_ok: walk the schedule, check, run nothing */
#endif
} msf_run_ctx;

#ifdef MSF_PLAN_CELLS_CHECKED
#define CHECK_ONLY(ctx) 0
#define VIEW_BASE(ctx, s) slot_base((s), (ctx)->mem)
#define RETURN_IF_CHECK_ONLY(ctx, k, in0, r, out) ((void)0)
#else
/* The views of a checking walk point here: they are never read or written. */
static int8_t check_byte;
#define CHECK_ONLY(ctx) ((ctx)->check_only)
#define VIEW_BASE(ctx, s) ((ctx)->check_only ? &check_byte : slot_base((s), (ctx)->mem))

/* What msf_plan_cells_ok checks of a call: a convolution's views and
 * rectangle (the other kernels check their own on every call). */
static int cell_ok(const msf_kernel *k, const msf_view *in0, const msf_rect *r, const msf_view *out) {
  const msf_conv_params *p = (const msf_conv_params *)k->params;
  if (k->kind == MSF_KERNEL_CONV) return msf_conv_s8_cell_ok(p, in0, r, out);
  if (k->kind == MSF_KERNEL_DEPTHWISE_CONV) return msf_depthwise_conv_s8_cell_ok(p, in0, r, out);
  return 1;
}
/* In a checking walk a call returns its check and runs nothing. */
#define RETURN_IF_CHECK_ONLY(ctx, k, in0, r, out)                               \
  do {                                                                          \
    if ((ctx)->check_only) return cell_ok(k, in0, r, out) ? MSF_OK : MSF_ARG_ERROR; \
  } while (0)
#endif

/* Origin of a slot's tile on a patched axis for patch p (0 if streamed). */
static int32_t tile_origin(const msf_interval *need, int32_t patches, int32_t slot, int32_t p) {
  return need != 0 ? need[slot * patches + p].lo : 0;
}

/* Runs op `i` of a fused step over rows x cols of its output. */
static msf_status run_cells(const msf_run_ctx *ctx, int32_t i, msf_interval rows, msf_interval cols,
                            int32_t r, int32_t c) {
  const msf_step *st = ctx->st;
  const msf_step_op *op = &st->ops[i];
  msf_view in[2], out;
  msf_rect rect;
  int32_t k;
  msf_status status;
  if (rows.hi <= rows.lo || cols.hi <= cols.lo) return MSF_OK;
  rect.y0 = rows.lo, rect.h = rows.hi - rows.lo;
  rect.x0 = cols.lo, rect.w = cols.hi - cols.lo;
  for (k = 0; k < 2; ++k) {
    if (op->in[k] < 0) continue;
    {
      const msf_slot *s = &st->slots[op->in[k]];
      in[k] = make_view(s, VIEW_BASE(ctx, s),
                        tile_origin(st->row_need, st->row_patches, op->in[k], r),
                        tile_origin(st->col_need, st->col_patches, op->in[k], c));
    }
  }
  {
    const msf_slot *s = &st->slots[op->out];
    out = make_view(s, VIEW_BASE(ctx, s),
                    tile_origin(st->row_need, st->row_patches, op->out, r),
                    tile_origin(st->col_need, st->col_patches, op->out, c));
  }
  RETURN_IF_CHECK_ONLY(ctx, op->kernel, &in[0], &rect, &out);
#ifndef MSF_PLAN_WITHOUT_READ_INPUT
  if (op->kernel->kind == MSF_KERNEL_READ_INPUT) {
    status = read_input(ctx->mem, op->kernel, &in[0], &rect, &out);
  } else
#endif
    status = run_kernel(op->kernel, &in[0], op->in[1] >= 0 ? &in[1] : 0, &rect, &out, ctx->scratch);
  if (status != MSF_OK) return status;
  if (op->out == st->out_slot && ctx->sums != 0) msf_channel_sums_s8(&out, &rect, ctx->sums);
  return MSF_OK;
}

#ifndef MSF_PLAN_WITHOUT_READ_INPUT
/* The row reader ahead of row patch r: the rows of its need not read yet,
 * full width, into its ring of rows. */
static msf_status read_ahead(const msf_run_ctx *ctx, int32_t r, int32_t *next_row) {
  const msf_step *st = ctx->st;
  const msf_step_op *op = &st->ops[st->row_reader];
  const msf_slot *s = &st->slots[op->out];
  msf_interval rows = st->row_need[op->out * st->row_patches + r];
  msf_interval cols;
  if (rows.lo < *next_row) rows.lo = *next_row;
  if (rows.hi <= rows.lo) return MSF_OK;
  *next_row = rows.hi;
  cols.lo = 0, cols.hi = s->w;
  return run_cells(ctx, st->row_reader, rows, cols, r, 0);
}
#endif

static msf_status run_fused(const msf_run_ctx *ctx) {
  const msf_step *st = ctx->st;
  const int32_t nr = st->row_actions != 0 ? 1 : st->row_patches;
  const int32_t nc = st->col_actions != 0 ? 1 : st->col_patches;
  int32_t r, c, i, next_row = 0;
  msf_status status;
  (void)next_row; /* the row reader's, when READ_INPUT is built */
  for (r = 0; r < nr; ++r) {
#ifndef MSF_PLAN_WITHOUT_READ_INPUT
    if (st->row_reader >= 0) {
      status = read_ahead(ctx, r, &next_row);
      if (status != MSF_OK) return status;
    }
#endif
    for (c = 0; c < nc; ++c) {
      if (st->col_actions != 0) { /* hcache: stream W, rows of patch r */
        for (i = 0; i < st->num_col_actions; ++i) {
          const msf_action *a = &st->col_actions[i];
          const int32_t out = st->ops[a->op].out;
          if (a->op == st->row_reader) continue;
          status = run_cells(ctx, a->op, st->row_need[out * st->row_patches + r], a->cells, r, c);
          if (status != MSF_OK) return status;
        }
      } else if (st->row_actions != 0) { /* line buffer: stream H, full width */
        for (i = 0; i < st->num_row_actions; ++i) {
          const msf_action *a = &st->row_actions[i];
          const int32_t out = st->ops[a->op].out;
          status = run_cells(ctx, a->op, a->cells, st->col_need[out * st->col_patches + c], r, c);
          if (status != MSF_OK) return status;
        }
      } else { /* recompute: every op over its whole need in this patch */
        for (i = 0; i < st->num_ops; ++i) {
          const int32_t out = st->ops[i].out;
          if (i == st->row_reader) continue;
          status = run_cells(ctx, i, st->row_need[out * st->row_patches + r],
                             st->col_need[out * st->col_patches + c], r, c);
          if (status != MSF_OK) return status;
        }
      }
    }
  }
  return MSF_OK;
}

static msf_status run_whole(const msf_run_ctx *ctx, const msf_step_op *op) {
  const msf_step *st = ctx->st;
  msf_view in[2], out;
  msf_rect rect;
  int32_t k;
  for (k = 0; k < 2; ++k) {
    if (op->in[k] < 0) continue;
    in[k] = make_view(&st->slots[op->in[k]], VIEW_BASE(ctx, &st->slots[op->in[k]]), 0, 0);
  }
  out = make_view(&st->slots[op->out], VIEW_BASE(ctx, &st->slots[op->out]), 0, 0);
  rect.y0 = 0, rect.x0 = 0, rect.h = out.h, rect.w = out.w;
  RETURN_IF_CHECK_ONLY(ctx, op->kernel, &in[0], &rect, &out);
#ifndef MSF_PLAN_WITHOUT_READ_INPUT
  if (op->kernel->kind == MSF_KERNEL_READ_INPUT) return read_input(ctx->mem, op->kernel, &in[0], &rect, &out);
#endif
  return run_kernel(op->kernel, &in[0], op->in[1] >= 0 ? &in[1] : 0, &rect, &out, ctx->scratch);
}

static msf_status run_head(const msf_run_ctx *ctx) {
  const msf_step *st = ctx->st;
  const msf_slot *pooled = &st->slots[st->pooled_slot];
  int8_t *dst = VIEW_BASE(ctx, pooled);
  msf_status status;
  int16_t i;
  if (CHECK_ONLY(ctx)) {
    status = MSF_OK;
  } else if (st->head_kind == MSF_HEAD_AVGPOOL) {
    status = msf_global_avgpool_finalize_s8(ctx->sums, pooled->c, st->head_count, st->head_act_min,
                                            st->head_act_max, dst);
  } else {
    status = msf_mean_finalize_s8(st->head_mean, ctx->sums, dst);
  }
  for (i = 0; status == MSF_OK && i < st->num_head_ops; ++i) status = run_whole(ctx, &st->head_ops[i]);
  return status;
}

#ifdef MSF_STEP_DONE
/* A profiling harness's hook, called after each step (msf codegen
 * --profile-steps defines it; without it the executor has no call here). */
void MSF_STEP_DONE(int32_t step);
#endif

/* check_only (without MSF_PLAN_CELLS_CHECKED): msf_plan_cells_ok's walk,
 * with no memory behind the views. */
static msf_status run_steps(const msf_plan *plan, const msf_memory *mem, int check_only) {
  int32_t s, i;
  uint8_t *arena = mem->arena;
  for (s = 0; s < plan->num_steps; ++s) {
    const msf_step *st = &plan->steps[s];
    msf_run_ctx ctx;
    msf_status status;
    ctx.st = st, ctx.mem = mem;
#ifdef MSF_PLAN_CELLS_CHECKED
    (void)check_only;
#else
    ctx.check_only = check_only;
#endif
    ctx.sums = 0, ctx.scratch = 0;
    if (!check_only) {
      if (st->head_kind != MSF_HEAD_NONE) ctx.sums = (int32_t *)(void *)(arena + st->sums_offset);
      if (st->scratch_offset >= 0) ctx.scratch = (int32_t *)(void *)(arena + st->scratch_offset);
    }
    if (!st->fused) {
      for (i = 0, status = MSF_OK; status == MSF_OK && i < st->num_ops; ++i) status = run_whole(&ctx, &st->ops[i]);
    } else {
      if (ctx.sums != 0) memset(ctx.sums, 0, (size_t)st->slots[st->pooled_slot].c * sizeof(int32_t));
      status = run_fused(&ctx);
      if (status == MSF_OK && (ctx.sums != 0 || (check_only && st->head_kind != MSF_HEAD_NONE)))
        status = run_head(&ctx);
    }
    if (status != MSF_OK) return status;
#ifdef MSF_STEP_DONE
    MSF_STEP_DONE(s);
#endif
  }
  return MSF_OK;
}

static int outputs_valid(const msf_plan *plan, void *const *outputs) {
  int32_t i;
  if (plan->num_outputs > 0 && outputs == 0) return 0;
  for (i = 0; i < plan->num_outputs; ++i) {
    if (outputs[i] == 0) return 0;
  }
  return 1;
}

msf_status msf_run_plan_io(const msf_plan *plan, const void *const *inputs, void *const *outputs,
                           uint8_t *arena) {
  int32_t i;
  msf_memory mem;
  if (plan == 0 || (arena == 0 && plan->arena_bytes > 0)) return MSF_ARG_ERROR;
  if ((plan->num_inputs > 0 && inputs == 0) || !outputs_valid(plan, outputs)) return MSF_ARG_ERROR;
  for (i = 0; i < plan->num_inputs; ++i) {
    if (inputs[i] == 0) return MSF_ARG_ERROR;
  }
  if (!plan_slots_valid(plan, 0)) return MSF_ARG_ERROR;
  mem.inputs = inputs, mem.outputs = outputs, mem.arena = arena;
  mem.read_rows = 0, mem.read_ctx = 0;
  return run_steps(plan, &mem, 0);
}

msf_status msf_run_plan_stream(const msf_plan *plan, msf_read_rows_fn read_rows, void *read_ctx,
                               void *const *outputs, uint8_t *arena) {
  msf_memory mem;
  if (plan == 0 || read_rows == 0 || (arena == 0 && plan->arena_bytes > 0)) return MSF_ARG_ERROR;
  if (!outputs_valid(plan, outputs) || !plan_slots_valid(plan, 1)) return MSF_ARG_ERROR;
  mem.inputs = 0, mem.outputs = outputs, mem.arena = arena;
  mem.read_rows = read_rows, mem.read_ctx = read_ctx;
  return run_steps(plan, &mem, 0);
}

msf_status msf_run_plan(const msf_plan *plan, const int8_t *input, int8_t *output, uint8_t *arena) {
  const void *inputs[1];
  void *outputs[1];
  if (plan == 0 || input == 0 || output == 0) return MSF_ARG_ERROR;
  if (plan->num_inputs > 1 || plan->num_outputs > 1) return MSF_ARG_ERROR;
  inputs[0] = input;
  outputs[0] = output;
  return msf_run_plan_io(plan, inputs, outputs, arena);
}

#ifndef MSF_PLAN_CELLS_CHECKED
int msf_plan_cells_ok(const msf_plan *plan) {
  msf_memory mem;
  if (plan == 0 || !plan_slots_valid(plan, 0)) return 0;
  mem.inputs = 0, mem.outputs = 0, mem.arena = 0;
  mem.read_rows = 0, mem.read_ctx = 0;
  return run_steps(plan, &mem, 1) == MSF_OK;
}
#endif
