/* SPDX-License-Identifier: MIT */
/* What the bench harness needs from a bare-metal target (platform_*.c):
 * console output and the exit code, both through semihosting. The reset
 * code copies .data, zeroes .bss, calls main() and exits with its value. */
#ifndef BENCH_PLATFORM_H
#define BENCH_PLATFORM_H

/* Writes a NUL-terminated string to the console (QEMU's stdout). */
void plat_write(const char *s);

/* Ends the run; QEMU exits with `code`. */
void plat_exit(int code) __attribute__((noreturn));

#endif /* BENCH_PLATFORM_H */
