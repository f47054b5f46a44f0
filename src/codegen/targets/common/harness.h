/* SPDX-License-Identifier: MIT */
/* How the harnesses (main.c) call the model: with the caller's arena under
 * --arena extern, and, for a plan made with --input-mode stream or reread,
 * through msf_model_invoke_stream with a simulated sensor that serves the
 * rows of a whole input tensor and logs the requests: the pixels read and
 * whether every row came once, in order (a stream plan must). */
#ifndef MSF_HARNESS_H
#define MSF_HARNESS_H
#include <stdint.h>

#include "model.h"

#ifdef MSF_MODEL_ARENA_EXTERN
/* --arena extern: the firmware's arena (here a static array as well). */
static uint8_t harness_arena[MSF_MODEL_ARENA_BYTES > 0 ? MSF_MODEL_ARENA_BYTES : 1]
    __attribute__((aligned(MSF_MODEL_ARENA_ALIGN)));
#define MSF_HARNESS_ARENA , harness_arena
#else
#define MSF_HARNESS_ARENA
#endif

#if defined(MSF_MODEL_INPUT_STREAM) || defined(MSF_MODEL_INPUT_REREAD)
#define MSF_HARNESS_SENSOR 1
static const int32_t harness_shapes[MSF_MODEL_NUM_INPUTS][4] = MSF_MODEL_INPUT_SHAPES;

typedef struct {
  const int8_t *tensor;  /* the inputs, concatenated (the sensor's frame) */
  uint32_t pixels;       /* pixels read */
  int in_order;          /* every run started at or after the end of the previous one */
  int32_t last_row[MSF_MODEL_NUM_INPUTS], last_end[MSF_MODEL_NUM_INPUTS];
} harness_sensor;
static harness_sensor sensor;

static msf_status harness_read_rows(void *ctx, int32_t input, int32_t row, int32_t col, int32_t cols, void *dst) {
  harness_sensor *s = (harness_sensor *)ctx;
  const int32_t *shape;
  const int8_t *src;
  int8_t *out = (int8_t *)dst;
  int32_t i, n;
  if (input < 0 || input >= MSF_MODEL_NUM_INPUTS) return MSF_ARG_ERROR;
  shape = harness_shapes[input];
  if (row < 0 || row >= shape[0] || col < 0 || cols < 1 || cols > shape[1] - col) return MSF_ARG_ERROR;
  if (row < s->last_row[input] || (row == s->last_row[input] && col < s->last_end[input])) s->in_order = 0;
  s->last_row[input] = row, s->last_end[input] = col + cols;
  s->pixels += (uint32_t)cols;
  src = s->tensor + shape[3] + (row * shape[1] + col) * shape[2];
  for (i = 0, n = cols * shape[2]; i < n; ++i) out[i] = src[i];
  return MSF_OK;
}

static int harness_invoke(const int8_t *in, int8_t *out) {
  int32_t i;
  sensor.tensor = in, sensor.pixels = 0, sensor.in_order = 1;
  for (i = 0; i < MSF_MODEL_NUM_INPUTS; ++i) sensor.last_row[i] = -1, sensor.last_end[i] = 0;
  return msf_model_invoke_stream(harness_read_rows, &sensor, out MSF_HARNESS_ARENA);
}
#else
static int harness_invoke(const int8_t *in, int8_t *out) { return msf_model_invoke(in, out MSF_HARNESS_ARENA); }
#endif

#endif /* MSF_HARNESS_H */
