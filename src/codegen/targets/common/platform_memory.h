/* SPDX-License-Identifier: MIT */
/* The memory side of every bare-metal platform.c, included by it alone: the
 * linker scripts' symbols (each link.ld defines the same ones), the start-up
 * copy of .data, the zeroing of .bss and the stack paint, and the two
 * measurements main.c prints (platform.h). */
#ifndef MSF_PLATFORM_MEMORY_H
#define MSF_PLATFORM_MEMORY_H
#include <stdint.h>
#include <string.h>

#include "platform.h"

#define PLAT_STACK_PAINT 0xC5C5C5C5u

extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_bottom__[], __stack_top__[];

/* At reset, with the stack pointer `sp`: .data from flash, .bss zeroed, and
 * the stack painted up to 64 bytes below sp (the reset code's own frame). */
static inline __attribute__((always_inline)) void plat_init_memory(uint32_t *sp) {
  uint32_t *p;
  memcpy(__data_start__, __data_load__, (size_t)((uintptr_t)__data_end__ - (uintptr_t)__data_start__));
  memset(__bss_start__, 0, (size_t)((uintptr_t)__bss_end__ - (uintptr_t)__bss_start__));
  for (p = __stack_bottom__; p < sp - 16; ++p) *p = PLAT_STACK_PAINT;
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

#endif /* MSF_PLATFORM_MEMORY_H */
