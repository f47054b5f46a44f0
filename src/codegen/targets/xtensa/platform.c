/* SPDX-License-Identifier: MIT */
/* Xtensa lx106 (ESP8266 core) platform for QEMU `-M sim -cpu lx106`: reset
 * code (start.S calls plat_reset), the ISS simcall interface (console and
 * exit code), the instruction counter, and the integer routines Debian's
 * lx106 libgcc leaves out (the ESP8266 mask ROM provides them on the chip).
 *
 * Counting: QEMU runs with -icount shift=0, so every guest instruction
 * advances the virtual clock by 1 ns. The core's cycle counter CCOUNT runs
 * at the core clock of QEMU's lx106 configuration, PLAT_CCOUNT_MHZ (the
 * Makefile's BOARD flags: 40 MHz), so one tick is 25 instructions. Counts
 * are deterministic, with a resolution of one tick. */
#include <stdint.h>
#include <string.h>

#include "platform.h"
#include "platform_memory.h"

#ifndef PLAT_CCOUNT_MHZ
#define PLAT_CCOUNT_MHZ 40 /* QEMU's lx106 core configuration */
#endif
#if 1000 % PLAT_CCOUNT_MHZ != 0
#error "PLAT_CCOUNT_MHZ must divide 1000 (instructions per tick)"
#endif
#define PLAT_INSTRUCTIONS_PER_TICK (1000u / PLAT_CCOUNT_MHZ)


int main(void);
void plat_reset(void);
void plat_fault(void);

/* Xtensa ISS simcall: the call number in a2, its arguments in a3..a5, the
 * result back in a2 (QEMU's -semihosting implements it). */
static uint32_t simcall(uint32_t op, uint32_t arg0, uint32_t arg1, uint32_t arg2) {
  register uint32_t a2 __asm__("a2") = op;
  register uint32_t a3 __asm__("a3") = arg0;
  register uint32_t a4 __asm__("a4") = arg1;
  register uint32_t a5 __asm__("a5") = arg2;
  __asm__ volatile("simcall" : "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
  return a2;
}

#define SIMCALL_EXIT 1u
#define SIMCALL_WRITE 4u

/* The string must be in static memory (main.c's line buffer is). */
void plat_write(const char *s) { (void)simcall(SIMCALL_WRITE, 1u /* stdout */, (uint32_t)(uintptr_t)s, (uint32_t)strlen(s)); }

static void __attribute__((noreturn)) plat_exit(int code) {
  for (;;) (void)simcall(SIMCALL_EXIT, (uint32_t)code, 0u, 0u);
}

static uint32_t ccount_last, ccount_wraps;

uint64_t plat_instructions(void) {
  uint32_t now;
  __asm__ volatile("rsr.ccount %0" : "=a"(now));
  /* 32 bits of CCOUNT last 107e9 instructions; calls are never further apart. */
  if (now < ccount_last) ++ccount_wraps;
  ccount_last = now;
  return ((((uint64_t)ccount_wraps) << 32) | now) * PLAT_INSTRUCTIONS_PER_TICK;
}

void plat_fault(void) {
  plat_write("msf: error: processor exception\n");
  plat_exit(99);
}

void plat_reset(void) {
  uint32_t *sp;
  __asm__ volatile("mov %0, a1" : "=a"(sp));
  plat_init_memory(sp);
  plat_exit(main());
}

/* Integer routines gcc calls on the lx106, which has a 32-bit multiplier
 * (low word only) but no divider: Debian's libgcc for it leaves these to
 * the ESP8266 mask ROM. They use only 32-bit multiplies, shifts and
 * subtractions (no '/' or 64-bit '*', which would call themselves). */
uint32_t __udivsi3(uint32_t a, uint32_t b);
uint32_t __umodsi3(uint32_t a, uint32_t b);
int32_t __divsi3(int32_t a, int32_t b);
uint64_t __udivdi3(uint64_t a, uint64_t b);
uint64_t __umoddi3(uint64_t a, uint64_t b);
int64_t __divdi3(int64_t a, int64_t b);
int64_t __moddi3(int64_t a, int64_t b);
uint64_t __muldi3(uint64_t a, uint64_t b);

static uint32_t clz32(uint32_t x) { return x == 0u ? 32u : (uint32_t)__builtin_clz(x); }

static uint32_t clz64(uint64_t x) {
  const uint32_t hi = (uint32_t)(x >> 32);
  return hi != 0u ? clz32(hi) : 32u + clz32((uint32_t)x);
}

/* Shift-and-subtract long division from the divisor's leading bit aligned
 * with the dividend's. Division by zero (undefined in C) gives all ones. */
static uint32_t udivmod32(uint32_t n, uint32_t d, uint32_t *rem) {
  uint32_t q = 0u;
  int shift;
  if (d == 0u || n < d) {
    *rem = n;
    return d == 0u ? 0xFFFFFFFFu : 0u;
  }
  shift = (int)(clz32(d) - clz32(n));
  d <<= shift;
  for (; shift >= 0; --shift) {
    q <<= 1;
    if (n >= d) {
      n -= d;
      q |= 1u;
    }
    d >>= 1;
  }
  *rem = n;
  return q;
}

static uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem) {
  uint64_t q = 0u;
  int shift;
  if (d == 0u || n < d) {
    *rem = n;
    return d == 0u ? ~(uint64_t)0 : 0u;
  }
  shift = (int)(clz64(d) - clz64(n));
  d <<= shift;
  for (; shift >= 0; --shift) {
    q <<= 1;
    if (n >= d) {
      n -= d;
      q |= 1u;
    }
    d >>= 1;
  }
  *rem = n;
  return q;
}

static uint32_t abs32(int32_t x) { return x < 0 ? 0u - (uint32_t)x : (uint32_t)x; }
static uint64_t abs64(int64_t x) { return x < 0 ? 0u - (uint64_t)x : (uint64_t)x; }

uint32_t __udivsi3(uint32_t a, uint32_t b) {
  uint32_t r;
  return udivmod32(a, b, &r);
}

uint32_t __umodsi3(uint32_t a, uint32_t b) {
  uint32_t r;
  (void)udivmod32(a, b, &r);
  return r;
}

/* C division truncates: the quotient's sign is the operands' signs' XOR. */
int32_t __divsi3(int32_t a, int32_t b) {
  uint32_t r;
  const uint32_t q = udivmod32(abs32(a), abs32(b), &r);
  return (int32_t)((a < 0) != (b < 0) ? 0u - q : q);
}

uint64_t __udivdi3(uint64_t a, uint64_t b) {
  uint64_t r;
  return udivmod64(a, b, &r);
}

uint64_t __umoddi3(uint64_t a, uint64_t b) {
  uint64_t r;
  (void)udivmod64(a, b, &r);
  return r;
}

int64_t __divdi3(int64_t a, int64_t b) {
  uint64_t r;
  const uint64_t q = udivmod64(abs64(a), abs64(b), &r);
  return (int64_t)((a < 0) != (b < 0) ? 0u - q : q);
}

/* The remainder takes the dividend's sign. */
int64_t __moddi3(int64_t a, int64_t b) {
  uint64_t r;
  (void)udivmod64(abs64(a), abs64(b), &r);
  return (int64_t)(a < 0 ? 0u - r : r);
}

/* The low 64 bits of a * b: the low words' full 64-bit product from four
 * 16 x 16-bit products, plus the cross products' low words in the high word. */
uint64_t __muldi3(uint64_t a, uint64_t b) {
  const uint32_t al = (uint32_t)a, bl = (uint32_t)b;
  const uint32_t cross = (uint32_t)(a >> 32) * bl + al * (uint32_t)(b >> 32);
  const uint32_t a0 = al & 0xFFFFu, a1 = al >> 16, b0 = bl & 0xFFFFu, b1 = bl >> 16;
  const uint32_t p00 = a0 * b0;
  const uint32_t mid = a0 * b1 + (p00 >> 16);  /* < 2^32: (2^16-1)^2 + 2^16-1 */
  const uint32_t mid2 = a1 * b0 + (mid & 0xFFFFu);
  const uint32_t hi = a1 * b1 + (mid >> 16) + (mid2 >> 16) + cross;
  return ((uint64_t)hi << 32) | ((mid2 << 16) | (p00 & 0xFFFFu));
}
