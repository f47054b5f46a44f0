/* SPDX-License-Identifier: MIT */
/* Cortex-M startup for QEMU mps2-an386 (after msf's own codegen target
 * src/codegen/targets/cortex-m/platform.c, minus the SysTick counter: the
 * bench counts instructions with a TCG plugin, so no interrupt ever runs).
 * Vector table, reset code, ARM semihosting for the console and exit code. */
#include <stdint.h>
#include <string.h>

#include "bench_platform.h"

extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_top__[];

int main(void);

static int32_t semihost(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return (int32_t)r0;
}

void plat_write(const char *s) { (void)semihost(0x04u /* SYS_WRITE0 */, s); }

void plat_exit(int code) {
  /* SYS_EXIT_EXTENDED {ADP_Stopped_ApplicationExit, code}: QEMU's exit code. */
  const uint32_t block[2] = {0x20026u, (uint32_t)code};
  for (;;) (void)semihost(0x20u, block);
}

void Fault_Handler(void) {
  plat_write("bench: error: processor fault\n");
  plat_exit(99);
}

void Reset_Handler(void) {
  memcpy(__data_start__, __data_load__,
         (size_t)((uintptr_t)__data_end__ - (uintptr_t)__data_start__));
  memset(__bss_start__, 0, (size_t)((uintptr_t)__bss_end__ - (uintptr_t)__bss_start__));
  plat_exit(main());
}

typedef void (*plat_handler)(void);

struct plat_vector_table {
  uint32_t *initial_sp;
  plat_handler handlers[15];
};

__attribute__((section(".isr_vector"), used)) const struct plat_vector_table plat_vectors = {
    __stack_top__,
    {Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, 0,
     0, 0, 0, Fault_Handler, Fault_Handler, 0, Fault_Handler, Fault_Handler}};
