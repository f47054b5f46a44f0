/* SPDX-License-Identifier: MIT */
/* Bare-metal harness: runs the model once on msf_model_input and prints
 *   output: <hex bytes of the output tensor>
 *   ram_static=N ram_stack=N ram_total=N instructions=N
 * and, for a streamed input (harness.h), input_pixels_read=N in_order=0|1.
 * Exit code 0 on success, 1 if the runtime rejected the plan or a stream
 * plan asked for a row twice or out of order.
 * With -DMSF_HARNESS_INPUT_IN_RAM (make run INPUT_IN_RAM=1) the input is
 * first copied to a RAM buffer, as firmware holding a camera frame would:
 * ram_static then counts it.
 * With -DMSF_HARNESS_PROFILE_STEPS (msf codegen --profile-steps) the runtime
 * calls msf_harness_step_done after each plan step, and one line per step
 * follows: its instructions, the latency model's prediction and the error
 * (profile_steps.h). The total then includes the hook (about 30 instructions
 * a step). */
#include <stdint.h>

#include "harness.h"
#include "model.h"
#include "platform.h"

static int8_t output[MSF_MODEL_OUTPUT_BYTES] __attribute__((aligned(4)));
#ifdef MSF_HARNESS_INPUT_IN_RAM
static int8_t input_ram[MSF_MODEL_INPUT_BYTES] __attribute__((aligned(4)));
#endif
#ifdef MSF_HARNESS_PROFILE_STEPS
#include "profile_steps.h"
static uint64_t step_end[MSF_PROFILE_STEPS]; /* the counter after each step */
static int32_t steps_done;
void msf_harness_step_done(int32_t step);
void msf_harness_step_done(int32_t step) {
  if (step >= 0 && step < MSF_PROFILE_STEPS) step_end[step] = plat_instructions(), steps_done = step + 1;
}
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

#ifdef MSF_HARNESS_PROFILE_STEPS
/* step S: N instructions, predicted P (+E.EE%), WHAT */
static void put_step(int32_t s, uint64_t n) {
  const uint64_t p = msf_profile_predicted[s];
  const int64_t e = n > 0u ? ((int64_t)p - (int64_t)n) * 10000 / (int64_t)n : 0; /* hundredths of a percent */
  const uint64_t a = (uint64_t)(e < 0 ? -e : e);
  put_str("step ");
  put_u64((uint64_t)s);
  put_str(": ");
  put_u64(n);
  put_str(" instructions, predicted ");
  put_u64(p);
  put_str(e < 0 ? " (-" : " (+");
  put_u64(a / 100u);
  put_char('.');
  put_char((char)('0' + (int)(a / 10u % 10u)));
  put_char((char)('0' + (int)(a % 10u)));
  put_str("%), ");
  put_str(msf_profile_step_names[s]);
  put_char('\n');
}
#endif

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
#ifdef MSF_HARNESS_PROFILE_STEPS
  for (i = 0; i < steps_done; ++i) put_step(i, step_end[i] - (i > 0 ? step_end[i - 1] : start));
#endif
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
