/* SPDX-License-Identifier: MIT */
/* Cortex-M startup and platform for QEMU's Arm boards (mps2-an386 = M4,
 * mps2-an500 = M7, mps2-an505 = M33, mps3-an547 = M55, microbit = M0): vector
 * table, reset code, ARM semihosting (console and exit code) and a
 * SysTick-based instruction counter. ARMv6-M clean (no v7-M instructions).
 *
 * Counting: QEMU runs with -icount shift=0, so every guest instruction
 * advances the virtual clock by 1 ns. SysTick runs from the board's system
 * clock (CLKSOURCE = processor clock) of PLAT_SYSTICK_MHZ (the Makefile's
 * BOARD flags: 25 MHz on mps2-an386/an500, so one tick is 40 instructions);
 * the SysTick interrupt extends the 24-bit counter to 64 bits. Counts are
 * deterministic, with a resolution of one tick (1000 / PLAT_SYSTICK_MHZ
 * instructions). */
#include <stdint.h>
#include <string.h>

#include "platform.h"
#include "platform_memory.h"

#ifndef PLAT_SYSTICK_MHZ
#define PLAT_SYSTICK_MHZ 25 /* mps2-an386 / -an500 */
#endif
#if 4000 % PLAT_SYSTICK_MHZ != 0
#error "PLAT_SYSTICK_MHZ must divide 4000 (instructions per tick in quarters)"
#endif
/* Instructions (1 ns of the icount clock each) per tick, times 4: 31.25 at 32 MHz. */
#define PLAT_INSTRUCTIONS_PER_TICK_X4 (4000u / PLAT_SYSTICK_MHZ)


int main(void);

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

static volatile uint32_t systick_wraps;

/* ARM semihosting call: operation in r0, argument block in r1. */
static int32_t semihost(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return (int32_t)r0;
}

void plat_write(const char *s) { (void)semihost(0x04u /* SYS_WRITE0 */, s); }

static void __attribute__((noreturn)) plat_exit(int code) {
  /* SYS_EXIT_EXTENDED: {ADP_Stopped_ApplicationExit, code} -> QEMU's exit code. */
  const uint32_t block[2] = {0x20026u, (uint32_t)code};
  for (;;) (void)semihost(0x20u, block);
}

uint64_t plat_instructions(void) {
  uint32_t wraps, value;
  do {
    wraps = systick_wraps;
    value = SYST_CVR;
  } while (wraps != systick_wraps);
  return ((((uint64_t)wraps << 24) + (0xFFFFFFu - value)) * PLAT_INSTRUCTIONS_PER_TICK_X4) >> 2;
}

void SysTick_Handler(void) { systick_wraps = systick_wraps + 1u; }

void Fault_Handler(void) {
  plat_write("msf: error: processor fault\n");
  plat_exit(99);
}

void Reset_Handler(void) {
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  plat_init_memory(sp);
  /* SysTick: full 24-bit period, processor clock, interrupt on wrap. */
  SYST_RVR = 0xFFFFFFu;
  SYST_CVR = 0u;
  SYST_CSR = 7u;
  while (SYST_CVR == 0u) {
  } /* CVR reads 0 until the first reload */
  plat_exit(main());
}

typedef void (*plat_handler)(void);

/* The initial stack pointer, then exceptions 1..15 (Cortex-M vector table). */
struct plat_vector_table {
  uint32_t *initial_sp;
  plat_handler handlers[15];
};

__attribute__((section(".isr_vector"), used)) const struct plat_vector_table plat_vectors = {
    __stack_top__,
    {Reset_Handler, Fault_Handler /* NMI */, Fault_Handler /* HardFault */, Fault_Handler /* MemManage */,
     Fault_Handler /* BusFault */, Fault_Handler /* UsageFault */, 0, 0, 0, 0, Fault_Handler /* SVCall */,
     Fault_Handler /* DebugMonitor */, 0, Fault_Handler /* PendSV */, SysTick_Handler}};
