/* SPDX-License-Identifier: MIT */
/* Bare-metal harness: runs the model once on msf_model_input and prints
 *   output: <hex bytes of the output tensor>
 *   ram_static=N ram_stack=N ram_total=N instructions=N
 * Exit code 0 on success, 1 if the runtime rejected the plan. */
#include <stdint.h>

#include "model.h"
#include "platform.h"

static int8_t output[MSF_MODEL_OUTPUT_BYTES] __attribute__((aligned(4)));
#ifdef MSF_MODEL_ARENA_EXTERN
/* --arena extern: the firmware's arena (here a static array as well). */
static uint8_t arena[MSF_MODEL_ARENA_BYTES > 0 ? MSF_MODEL_ARENA_BYTES : 1] __attribute__((aligned(MSF_MODEL_ARENA_ALIGN)));
#define MSF_INVOKE(in, out) msf_model_invoke((in), (out), arena)
#else
#define MSF_INVOKE(in, out) msf_model_invoke((in), (out))
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

  start = plat_instructions();
  status = MSF_INVOKE(msf_model_input, output);
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
  flush();
  return 0;
}
