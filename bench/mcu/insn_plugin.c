/* SPDX-License-Identifier: MIT */
/* insn_plugin.c: exact executed-instruction counter for `make bench-mcu`.
 *
 * A QEMU TCG plugin (plugin API version 1, QEMU 7.2). Debian's QEMU exports
 * the qemu_plugin_* symbols but ships no qemu-plugin.h, so the few functions
 * used here are declared by hand with the v1 signatures.
 *
 * Every translated guest instruction gets an inline "count += 1" (so the
 * count is exact whatever the translation-block boundaries are), and the
 * instruction at address `mark` (the guest's bench_mark() entry) also gets a
 * callback that appends the current count to the file `out`, one decimal
 * number per line. The driver pairs consecutive snapshots into brackets.
 *
 *   gcc -O2 -shared -fPIC -o insn_plugin.so insn_plugin.c
 *   qemu-system-arm ... -plugin ./insn_plugin.so,mark=0x1234,out=marks.txt
 *
 * At exit it appends "total <n>" (all instructions executed).
 *
 * With profile=FILE (tools/mcu_profile.py) it also counts every executed
 * instruction per address and writes "<hex address> <count>" lines to FILE at
 * exit; mark= and out= are then optional. */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; /* only passed through */
struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                                  qemu_plugin_vcpu_tb_trans_cb_t cb);
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
                                                        size_t idx);
extern uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
extern void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                       enum qemu_plugin_op op, void *ptr,
                                                       uint64_t imm);
extern void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                                   qemu_plugin_vcpu_udata_cb_t cb,
                                                   enum qemu_plugin_cb_flags flags,
                                                   void *userdata);
extern void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
                                           void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t count;   /* executed instructions (single vCPU boards) */
/* per-address counts (profile=): slot (address / 2) modulo PROFILE_SLOTS;
 * the images are far smaller than 8 MiB of code */
#define PROFILE_SLOTS (1u << 22)
static uint64_t *profile;
static const char *profile_path;
static uint64_t mark_pc; /* bench_mark's first instruction */
static FILE *out;

static void on_mark(unsigned int vcpu_index, void *userdata) {
  if (out == NULL) return;
  (void)vcpu_index;
  (void)userdata;
  fprintf(out, "%" PRIu64 "\n", count);
  fflush(out); /* keep what was measured even if the guest hangs and is killed */
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  size_t i, n = qemu_plugin_tb_n_insns(tb);
  (void)id;
  for (i = 0; i < n; ++i) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    if (qemu_plugin_insn_vaddr(insn) == mark_pc)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &count, 1);
    if (profile != NULL)
      qemu_plugin_register_vcpu_insn_exec_inline(
          insn, QEMU_PLUGIN_INLINE_ADD_U64,
          &profile[(qemu_plugin_insn_vaddr(insn) >> 1) % PROFILE_SLOTS], 1);
  }
}

static void on_plugin_exit(qemu_plugin_id_t id, void *userdata) {
  (void)id;
  (void)userdata;
  if (out != NULL) {
    fprintf(out, "total %" PRIu64 "\n", count);
    fclose(out);
    out = NULL;
  }
  if (profile != NULL) {
    FILE *f = fopen(profile_path, "w");
    uint64_t i;
    for (i = 0; f != NULL && i < PROFILE_SLOTS; ++i) {
      if (profile[i] != 0) fprintf(f, "%" PRIx64 " %" PRIu64 "\n", i * 2, profile[i]);
    }
    if (f != NULL) fclose(f);
  }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                               const qemu_info_t *info,
                                                               int argc, char **argv) {
  const char *path = NULL;
  int i, have_mark = 0;
  (void)info;
  for (i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "mark=", 5) == 0) {
      /* Thumb symbols carry bit 0; the instruction address does not. */
      mark_pc = strtoull(argv[i] + 5, NULL, 0) & ~(uint64_t)1;
      have_mark = 1;
    } else if (strncmp(argv[i], "out=", 4) == 0) {
      path = argv[i] + 4;
    } else if (strncmp(argv[i], "profile=", 8) == 0) {
      profile_path = argv[i] + 8;
    } else {
      fprintf(stderr, "insn_plugin: unknown argument '%s' (expected mark=ADDR, out=FILE, profile=FILE)\n",
              argv[i]);
      return -1;
    }
  }
  if (profile_path == NULL && (!have_mark || path == NULL)) {
    fprintf(stderr, "insn_plugin: need mark=ADDR and out=FILE, or profile=FILE\n");
    return -1;
  }
  if (path != NULL) {
    out = fopen(path, "w");
    if (out == NULL) {
      fprintf(stderr, "insn_plugin: cannot write %s\n", path);
      return -1;
    }
  }
  if (!have_mark) mark_pc = UINT64_MAX;
  if (profile_path != NULL) {
    profile = calloc(PROFILE_SLOTS, sizeof *profile);
    if (profile == NULL) {
      fprintf(stderr, "insn_plugin: out of memory for profile=\n");
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, on_plugin_exit, NULL);
  return 0;
}
