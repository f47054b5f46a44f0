/* SPDX-License-Identifier: MIT */
/* Bare-metal harness: runs the model once on msf_model_input and prints
 *   output: <hex bytes of the output tensor>
 *   ram_static=N ram_stack=N ram_total=N instructions=N
 * and, for a streamed input (harness.h), input_pixels_read=N in_order=0|1.
 * Exit code 0 on success, 1 if the runtime rejected the plan or a stream
 * plan asked for a row twice or out of order.
 * With -DMSF_HARNESS_INPUT_IN_RAM (make run INPUT_IN_RAM=1) the input is
 * first copied to a RAM buffer, as firmware holding a camera frame would:
 * ram_static then counts it. */
#include <stdint.h>

#include "harness.h"
#include "model.h"
#include "platform.h"

static int8_t output[MSF_MODEL_OUTPUT_BYTES] __attribute__((aligned(4)));
#ifdef MSF_HARNESS_INPUT_IN_RAM
static int8_t input_ram[MSF_MODEL_INPUT_BYTES] __attribute__((aligned(4)));
#endif

/* A small line buffer flushed to the console when full. */
static char line[72];
static uint32_t line_len;

static void flush(void) {
  line[line_len] = '\0';
  plat_write(line);
  line_len = 0;
}

static void put_char(char c) {
  if (line_len == sizeof line - 1) flush();
  line[line_len++] = c;
}

static void put_str(const char *s) {
  while (*s != '\0') put_char(*s++);
}

static void put_u64(uint64_t v) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = (char)('0' + (int)(v % 10u));
    v /= 10u;
  } while (v != 0u);
  while (n > 0) put_char(digits[--n]);
}

static void put_hex_byte(uint8_t b) {
  static const char hex[] = "0123456789abcdef";
  put_char(hex[b >> 4]);
  put_char(hex[b & 15u]);
}

int main(void) {
  uint64_t start, instructions;
  uint32_t stack, ram_static;
  int32_t i;
  int status;

#ifdef MSF_HARNESS_INPUT_IN_RAM
  for (i = 0; i < MSF_MODEL_INPUT_BYTES; ++i) input_ram[i] = msf_model_input[i];
#define HARNESS_INPUT input_ram
#else
#define HARNESS_INPUT msf_model_input
#endif
  start = plat_instructions();
  status = harness_invoke(HARNESS_INPUT, output);
  instructions = plat_instructions() - start;
  stack = plat_stack_used();
  ram_static = plat_static_bytes();
  if (status != 0) {
    put_str("msf: error: the runtime rejected the plan's arguments\n");
    flush();
    return 1;
  }
  put_str("output: ");
  for (i = 0; i < MSF_MODEL_OUTPUT_BYTES; ++i) put_hex_byte((uint8_t)output[i]);
  put_str("\nram_static=");
  put_u64(ram_static);
  put_str(" ram_stack=");
  put_u64(stack);
  put_str(" ram_total=");
  put_u64((uint64_t)ram_static + stack);
  put_str(" instructions=");
  put_u64(instructions);
  put_char('\n');
#ifdef MSF_HARNESS_SENSOR
  put_str("input_pixels_read=");
  put_u64(sensor.pixels);
  put_str(sensor.in_order ? " in_order=1\n" : " in_order=0\n");
#ifdef MSF_MODEL_INPUT_STREAM
  if (!sensor.in_order) {
    put_str("msf: error: the stream plan asked for an input row twice or out of order\n");
    flush();
    return 1;
  }
#endif
#endif
  flush();
  return 0;
}
