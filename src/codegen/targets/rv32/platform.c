/* SPDX-License-Identifier: MIT */
/* RV32 platform for QEMU `virt`: reset code (start.S jumps here), RISC-V
 * semihosting (console and exit code) and the instruction counter.
 *
 * Counting: QEMU runs with -icount shift=0, where minstret reads the virtual
 * clock, which advances by exactly one per executed instruction. Counts are
 * exact and deterministic. */
#include <stdint.h>
#include <string.h>

#include "platform.h"

#define PLAT_STACK_PAINT 0xC5C5C5C5u

/* Linker script symbols (link.ld). */
extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_bottom__[], __stack_top__[];

int main(void);
int32_t plat_semihost(uint32_t op, const void *arg); /* start.S */
void plat_reset(void);
void plat_trap(void);

void plat_write(const char *s) { (void)plat_semihost(0x04u /* SYS_WRITE0 */, s); }

static void __attribute__((noreturn)) plat_exit(int code) {
  /* SYS_EXIT_EXTENDED: {ADP_Stopped_ApplicationExit, code} -> QEMU's exit code. */
  const uint32_t block[2] = {0x20026u, (uint32_t)code};
  for (;;) (void)plat_semihost(0x20u, block);
}

uint64_t plat_instructions(void) {
  uint32_t hi, lo, hi2;
  do {
    __asm__ volatile("csrr %0, minstreth" : "=r"(hi));
    __asm__ volatile("csrr %0, minstret" : "=r"(lo));
    __asm__ volatile("csrr %0, minstreth" : "=r"(hi2));
  } while (hi != hi2);
  return ((uint64_t)hi << 32) | lo;
}

uint32_t plat_stack_used(void) {
  const uint32_t *p = __stack_bottom__;
  while (p < __stack_top__ && *p == PLAT_STACK_PAINT) ++p;
  return (uint32_t)((uintptr_t)__stack_top__ - (uintptr_t)p);
}

uint32_t plat_static_bytes(void) {
  return (uint32_t)(((uintptr_t)__data_end__ - (uintptr_t)__data_start__) +
                    ((uintptr_t)__bss_end__ - (uintptr_t)__bss_start__));
}

void plat_trap(void) {
  plat_write("msf: error: trap\n");
  plat_exit(99);
}

void plat_reset(void) {
  uint32_t *sp;
  uint32_t *p;
  memcpy(__data_start__, __data_load__, (size_t)((uintptr_t)__data_end__ - (uintptr_t)__data_start__));
  memset(__bss_start__, 0, (size_t)((uintptr_t)__bss_end__ - (uintptr_t)__bss_start__));
  /* Paint the stack up to 64 bytes below the current stack pointer. */
  __asm__ volatile("mv %0, sp" : "=r"(sp));
  for (p = __stack_bottom__; p < sp - 16; ++p) *p = PLAT_STACK_PAINT;
  plat_exit(main());
}
