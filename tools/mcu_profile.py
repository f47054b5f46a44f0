#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where a plan's instructions go on an MCU target: per runtime function.

For each plan: `msf codegen` (the package `make run` runs), then QEMU with
bench/mcu/insn_plugin.c's per-address counts (profile=), summed per function
of the image (its symbol table) with the number of calls (executions of the
function's first instruction). With two plans, the second is the baseline:
its counts and the ratio are printed next to the first's.

  tools/mcu_profile.py MODEL --plan MIN_RAM.json [--baseline LAYER.json]
                       [--target cortex-m4] [--input IN.bin] [--top 30]

Instruction counts are exact (every executed instruction), as in
`make bench-mcu`; needs the MCU tool chains (tools/install-mcu-deps.sh).
"""
import argparse
import bisect
import collections
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NM = {"cortex-m0plus": "arm-none-eabi-nm", "cortex-m4": "arm-none-eabi-nm", "cortex-m7": "arm-none-eabi-nm",
      "cortex-m33": "arm-none-eabi-nm", "cortex-m55": "arm-none-eabi-nm", "rv32imac": "riscv64-unknown-elf-nm"}


def die(msg):
    print("msf: error: " + msg, file=sys.stderr)
    sys.exit(2)


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if r.returncode != 0:
        die("%s failed:\n%s" % (" ".join(cmd[:3]), r.stdout[-2000:]))
    return r.stdout


def profile(args, plan, plugin, work):
    pkg = os.path.join(work, os.path.basename(plan) + ".pkg")
    cmd = [args.msf, "codegen", args.model, "--plan", plan, "--target", args.target, "--out", pkg]
    if args.input:
        cmd += ["--embed-input", args.input]
    run(cmd)
    run(["make", "-s", "-C", pkg])
    counts = os.path.join(work, os.path.basename(plan) + ".prof")
    run(["make", "-s", "-C", pkg, "run",
         "RUN=$(TIMEOUT) $(QEMU) $(QEMUFLAGS) -kernel $(ELF) -plugin %s,profile=%s" % (plugin, counts)])
    elf = os.path.join(pkg, "build", "model.elf")
    syms = []
    for line in run([NM[args.target], "-S", elf]).splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tTwW":
            syms.append((int(f[0], 16) & ~1, int(f[1], 16), f[3]))
    syms.sort()
    starts = [s[0] for s in syms]
    insns, calls = collections.Counter(), collections.Counter()
    with open(counts) as fh:
        for line in fh:
            a, n = line.split()
            addr, n = int(a, 16), int(n)
            i = bisect.bisect_right(starts, addr) - 1
            name = syms[i][2] if i >= 0 and addr < syms[i][0] + max(syms[i][1], 1) else "(other)"
            insns[name] += n
            if i >= 0 and addr == syms[i][0]:
                calls[name] += n
    return insns, calls


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--plan", required=True)
    ap.add_argument("--baseline", help="a second plan, printed next to the first with the ratio")
    ap.add_argument("--target", default="cortex-m4", choices=sorted(NM))
    ap.add_argument("--input", help="raw input compiled into the package (msf codegen --embed-input)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    args.msf = os.path.join(args.build, "msf")
    if not os.access(args.msf, os.X_OK):
        die("%s not found (run make build)" % args.msf)
    with tempfile.TemporaryDirectory() as work:
        plugin = os.path.join(work, "insn_plugin.so")
        run(["gcc", "-O2", "-shared", "-fPIC", "-o", plugin, os.path.join(ROOT, "bench", "mcu", "insn_plugin.c")])
        main_i, main_c = profile(args, args.plan, plugin, work)
        base_i, base_c = profile(args, args.baseline, plugin, work) if args.baseline else ({}, {})
    total, base_total = sum(main_i.values()), sum(base_i.values())
    print("# %s on %s: %s%s" % (os.path.basename(args.model), args.target, os.path.basename(args.plan),
                                 " vs " + os.path.basename(args.baseline) if args.baseline else ""))
    head = "%-36s %13s %8s" % ("function", "instructions", "calls")
    if args.baseline:
        head += " %13s %8s %7s" % ("baseline", "calls", "ratio")
    print(head)
    for name, n in main_i.most_common(args.top):
        line = "%-36s %13d %8d" % (name[:36], n, main_c.get(name, 0))
        if args.baseline:
            b = base_i.get(name, 0)
            line += " %13d %8d %7s" % (b, base_c.get(name, 0), "%.2f" % (n / b) if b else "-")
        print(line)
    print("%-36s %13d%s" % ("total (whole program)", total,
                             " %22d %7.3f" % (base_total, total / base_total) if args.baseline else ""))


if __name__ == "__main__":
    main()
