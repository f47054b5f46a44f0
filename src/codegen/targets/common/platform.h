/* SPDX-License-Identifier: MIT */
/* What main.c needs from a bare-metal target (platform.c): console output,
 * an instruction counter, the painted-stack high-water mark and the static
 * RAM of the image. The reset code copies .data, zeroes .bss, paints the
 * stack, starts the counter, calls main() and exits with its return value
 * (semihosting, so QEMU's exit code is main's). */
#ifndef MSF_PLATFORM_H
#define MSF_PLATFORM_H
#include <stdint.h>

/* Writes a NUL-terminated string to the console. */
void plat_write(const char *s);

/* Instructions executed since reset (QEMU -icount shift=0 virtual clock). */
uint64_t plat_instructions(void);

/* Deepest stack use so far in bytes: the painted words that were overwritten. */
uint32_t plat_stack_used(void);

/* .data + .bss bytes of the image (from the linker script's symbols). */
uint32_t plat_static_bytes(void);

#endif /* MSF_PLATFORM_H */
