/* SPDX-License-Identifier: MIT */
/* Host harness: runs the model once and prints
 *   output: <hex bytes of the output tensor>
 *   ram_static=N ram_stack=N ram_total=N instructions=NA
 * The input is msf_model_input (the --embed-input tensor, zeros without it),
 * or the raw int8 file named by the first argument ("-" reads stdin).
 *
 * ram_static is .data + .bss of the executable (linker symbols; it includes
 * the few bytes the C library's start-up code keeps there). ram_stack is the
 * deepest stack use of msf_model_invoke: the stack area below main's frame is
 * painted before the call and scanned after it. Instructions are not counted
 * on the host (no portable, deterministic counter): "NA". A streamed input
 * (harness.h) adds a line input_pixels_read=N in_order=0|1. Exit codes: 0 on
 * success, 1 if the runtime rejected the plan, 2 on a bad input file. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "model.h"

#define STACK_PROBE_BYTES (256 * 1024)
#define STACK_PAINT 0xC5

/* GNU ld / glibc symbols bounding .data and .bss. */
extern char __data_start[], _edata[], __bss_start[], _end[];

static int8_t input[MSF_MODEL_INPUT_BYTES] __attribute__((aligned(4)));
static int8_t output[MSF_MODEL_OUTPUT_BYTES] __attribute__((aligned(4)));
static uintptr_t probe_lo;

/* Paints STACK_PROBE_BYTES of stack just below the caller's frame. */
static void __attribute__((noinline)) paint_stack(void) {
  volatile uint8_t area[STACK_PROBE_BYTES];
  size_t i;
  for (i = 0; i < sizeof area; ++i) area[i] = STACK_PAINT;
  probe_lo = (uintptr_t)&area[0];
}

/* Bytes between `top` and the lowest painted byte that was overwritten. */
static uintptr_t stack_used(uintptr_t top) {
  const volatile uint8_t *p = (const volatile uint8_t *)probe_lo;
  while ((uintptr_t)p < top && *p == STACK_PAINT) ++p;
  return top - (uintptr_t)p;
}

static int read_input(const char *path) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  size_t n;
  int extra;
  if (f == NULL) {
    fprintf(stderr, "msf: error: %s: cannot open input file\n", path);
    return 0;
  }
  n = fread(input, 1, sizeof input, f);
  extra = fgetc(f);
  if (f != stdin) fclose(f);
  if (n != sizeof input || extra != EOF) {
    fprintf(stderr, "msf: error: %s: the model input needs exactly %d bytes\n", path, MSF_MODEL_INPUT_BYTES);
    return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  volatile uint8_t top_marker = 0;
  const uintptr_t top = (uintptr_t)&top_marker;
  uintptr_t stack;
  unsigned long ram_static;
  int status;
  int i;

  if (argc > 2) {
    fprintf(stderr, "msf: error: usage: %s [INPUT.bin | -]\n", argv[0]);
    return 2;
  }
  if (argc == 2) {
    if (!read_input(argv[1])) return 2;
  } else {
    memcpy(input, msf_model_input, sizeof input);
  }
  paint_stack();
  status = harness_invoke(input, output);
  stack = stack_used(top);
  if (status != 0) {
    fprintf(stderr, "msf: error: the runtime rejected the plan's arguments\n");
    return 1;
  }
  ram_static = (unsigned long)((_edata - __data_start) + (_end - __bss_start));
  printf("output: ");
  for (i = 0; i < MSF_MODEL_OUTPUT_BYTES; ++i) printf("%02x", (unsigned)(uint8_t)output[i]);
  printf("\nram_static=%lu ram_stack=%lu ram_total=%lu instructions=NA\n", ram_static, (unsigned long)stack,
         ram_static + (unsigned long)stack);
#ifdef MSF_HARNESS_SENSOR
  printf("input_pixels_read=%lu in_order=%d\n", (unsigned long)sensor.pixels, sensor.in_order);
#ifdef MSF_MODEL_INPUT_STREAM
  if (!sensor.in_order) {
    fprintf(stderr, "msf: error: the stream plan asked for an input row twice or out of order\n");
    return 1;
  }
#endif
#endif
  return 0;
}
