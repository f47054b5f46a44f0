/* SPDX-License-Identifier: MIT */
/* RV32 reset entry for QEMU `virt` with -bios none (execution starts at
 * 0x80000000), the trap vector and the semihosting call (after msf's own
 * codegen target src/codegen/targets/rv32/start.S). */
  .section .text.start, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top__
  la t0, plat_trap_entry
  csrw mtvec, t0
  call plat_reset
1:
  j 1b

  .section .text.trap, "ax"
  .balign 4
  .globl plat_trap_entry
plat_trap_entry:
  la sp, __stack_top__
  call plat_trap
2:
  j 2b

/* int32_t plat_semihost(uint32_t op, const void *arg): the RISC-V semihosting
 * sequence must be uncompressed and must not cross a page boundary. */
  .section .text.semihost, "ax"
  .balign 16
  .globl plat_semihost
plat_semihost:
  .option push
  .option norvc
  slli zero, zero, 0x1f
  ebreak
  srai zero, zero, 7
  .option pop
  ret
