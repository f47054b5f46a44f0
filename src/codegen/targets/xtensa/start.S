/* SPDX-License-Identifier: MIT */
/* Xtensa lx106 (ESP8266 core) reset and exception entry for QEMU `-M sim
 * -cpu lx106`. QEMU loads the ELF, then resets the core, which ignores the
 * ELF entry and starts at the lx106 reset vector 0x50000000 (in the sim
 * machine's sysrom0, where link.ld puts .reset.text). Call0 ABI: a0 is the
 * return address, a1 the stack pointer. */
  .section .reset.text, "ax"
  .global _start
_start:
  j plat_start

  .section .text.plat_start, "ax"
  .align 4
plat_start:
  /* Interrupts off (INTLEVEL 15) and PS.EXCM set, as after reset: no
   * interrupt is taken, and any exception goes to the double exception
   * vector below. */
  movi a2, 0x1f
  wsr a2, ps
  rsync
  movi a1, __stack_top__
  movi a0, 0
  call0 plat_reset
1:
  j 1b

/* The exception vectors (VECBASE 0x40000000, the sim machine's instram0).
 * With PS.EXCM set every exception is a double exception: the vector at
 * VECBASE + 0x70 reports a fault (plat_fault) on a fresh stack. Its two
 * literals sit at the start of the block, within l32r's backward reach. */
  .section .vectors.text, "ax"
  .align 4
plat_vector_literals:
  .word __stack_top__
  .word plat_fault
  .org 0x70
  .global plat_double_exception
plat_double_exception:
  l32r a1, plat_vector_literals
  l32r a0, plat_vector_literals + 4
  callx0 a0
2:
  j 2b
