/* SPDX-License-Identifier: MIT */
/* RV32 platform for QEMU `virt` (after msf's own codegen target
 * src/codegen/targets/rv32/platform.c): reset code (start_rv32.S jumps
 * here), RISC-V semihosting for the console and exit code. */
#include <stdint.h>
#include <string.h>

#include "bench_platform.h"

extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];

int main(void);
int32_t plat_semihost(uint32_t op, const void *arg); /* start_rv32.S */
void plat_reset(void);
void plat_trap(void);

void plat_write(const char *s) { (void)plat_semihost(0x04u /* SYS_WRITE0 */, s); }

void plat_exit(int code) {
  const uint32_t block[2] = {0x20026u, (uint32_t)code};
  for (;;) (void)plat_semihost(0x20u, block);
}

void plat_trap(void) {
  plat_write("bench: error: trap\n");
  plat_exit(99);
}

void plat_reset(void) {
  memcpy(__data_start__, __data_load__,
         (size_t)((uintptr_t)__data_end__ - (uintptr_t)__data_start__));
  memset(__bss_start__, 0, (size_t)((uintptr_t)__bss_end__ - (uintptr_t)__bss_start__));
  plat_exit(main());
}
