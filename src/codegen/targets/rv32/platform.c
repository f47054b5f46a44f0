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
#include "platform_memory.h"



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

void plat_trap(void) {
  plat_write("msf: error: trap\n");
  plat_exit(99);
}

void plat_reset(void) {
  uint32_t *sp;
  __asm__ volatile("mv %0, sp" : "=r"(sp));
  plat_init_memory(sp);
  plat_exit(main());
}
