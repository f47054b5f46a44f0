#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Per-layer MCU benchmark of msf's runtime kernels (`make bench-mcu`).

For every kernel layer of ../shared/models person_detect and mcunet_vww (5fps)
it builds a bare-metal harness (bench/mcu/harness.c + the runtime's
runtime/src/*.c, on the codegen targets' platform code and link scripts in
src/codegen/targets/) for Cortex-M4 (QEMU mps2-an386) and RV32IMAC (QEMU virt),
runs it under QEMU with an instruction-counting TCG plugin
(bench/mcu/insn_plugin.c) and prints, per model and target, the exact
executed instructions of the optimised kernel on the whole tensor, on small
output patches (1x1, 2x2, 8x8), of the reference kernel, and the CMSIS-NN
anchor of ../shared/docs/kernel-anchor.md. The optimised kernels' output
bytes are compared with the reference kernels' (whole tensor and every
patch); any difference fails the run (exit 1).

Standard library only. See bench/mcu/README.md.
"""
import argparse
import concurrent.futures
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# The platform code (reset, semihosting console and exit code) and the link
# scripts are the codegen targets' own, used in place.
TGT = os.path.join(ROOT, "src", "codegen", "targets")
STACK_SIZE = 0x4000  # --defsym for the target link scripts (their default is 8 KiB)

# (anchor name, model file under models/, anchor headline aliases)
MODELS = {
    "person_detect": ("person_detect/person_detect.tflite", ("person_detect",)),
    "mcunet_vww": ("mcunet_vww/mcunet-5fps_vww.tflite", ("mcunet-vww", "mcunet_vww")),
}

TARGETS = {
    "cortex-m4": {
        "cc": "arm-none-eabi-gcc",
        "prefix": "arm-none-eabi-",
        "arch": ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft"],
        "extra": [],
        "platform": [os.path.join(TGT, "cortex-m", "platform.c")],
        "ld": os.path.join(TGT, "cortex-m", "link.ld"),
        "qemu": ["qemu-system-arm", "-M", "mps2-an386"],
        "anchor": "cortex-m4",
        "headline": "Cortex-M4",
    },
    "rv32imac": {
        "cc": "riscv64-unknown-elf-gcc",
        "prefix": "riscv64-unknown-elf-",
        "arch": ["-march=rv32imac", "-mabi=ilp32", "-misa-spec=2.2", "-mcmodel=medany"],
        "extra": ["--specs=picolibc.specs"],
        "platform": [os.path.join(TGT, "rv32", "platform.c"), os.path.join(TGT, "rv32", "start.S")],
        "ld": os.path.join(TGT, "rv32", "link.ld"),
        "qemu": ["qemu-system-riscv32", "-M", "virt", "-bios", "none"],
        "anchor": "rv32imac",
        "headline": "RV32IMAC",
    },
}

COMMON_CFLAGS = ["-std=c99", "-ffunction-sections", "-fdata-sections", "-Wall", "-Wextra"]
HARNESS_OPT = "-O2"
GUARD = 64  # bench_mcu.h BENCH_GUARD
BENCH_EMPTY = 4  # harness.c: empty brackets measured before the layers
PATCH_SIZES = (1, 2, 8)
KIND_C = {"CONV_2D": "BK_CONV", "DEPTHWISE_CONV_2D": "BK_DW", "AVERAGE_POOL_2D": "BK_AVGPOOL",
          "ADD": "BK_ADD", "SOFTMAX": "BK_SOFTMAX"}
OP_SHORT = {"CONV_2D": "CONV", "DEPTHWISE_CONV_2D": "DW_CONV", "AVERAGE_POOL_2D": "AVERAGE_POOL",
            "ADD": "ADD", "SOFTMAX": "SOFTMAX"}


def die(msg, code=1):
    print("bench-mcu: error: " + msg, file=sys.stderr)
    sys.exit(code)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


# --------------------------------------------------------------------------
# quantisation helpers (ports of msf's src/quant, host side)

def quantize_multiplier(real):
    if real == 0.0:
        return 0, 0
    q, e = math.frexp(real)
    qf = int(math.floor(q * (1 << 31) + 0.5))  # std::round, q > 0
    if qf == 1 << 31:
        qf //= 2
        e += 1
    if e < -31:
        return 0, 0
    return qf, e


def make_add_params(s1, zp1, s2, zp2, so, zpo):
    left_shift = 20
    twice_max = 2.0 * max(s1, s2)
    m1, sh1 = quantize_multiplier(s1 / twice_max)
    m2, sh2 = quantize_multiplier(s2 / twice_max)
    mo, sho = quantize_multiplier(twice_max / ((1 << left_shift) * so))
    return dict(input1_offset=-zp1, input2_offset=-zp2, output_offset=zpo, left_shift=left_shift,
                input1_multiplier=m1, input1_shift=sh1, input2_multiplier=m2, input2_shift=sh2,
                output_multiplier=mo, output_shift=sho, act_min=-128, act_max=127)


def make_softmax_params(beta, input_scale, rows, depth):
    bits = 5  # kScaledDiffIntegerBits
    real = min(beta * input_scale * float(1 << (31 - bits)), float((1 << 31) - 1))
    mult, left = quantize_multiplier(real)
    radius = int(math.floor(((1 << bits) - 1) * float(1 << (31 - bits)) / float(1 << left)))
    return dict(input_multiplier=mult, input_left_shift=left, diff_min=-radius, rows=rows,
                depth=depth)


# --------------------------------------------------------------------------
# layers

GEOM_RE = re.compile(r"k(\d+)x(\d+) s(\d+) p(\d+),(\d+),(\d+),(\d+)(?: (\w+))?")


def msf_info(msf, model_path, out_json):
    r = run([msf, "info", model_path, "--json", out_json])
    if r.returncode != 0:
        die("msf info %s failed:\n%s" % (model_path, r.stdout))
    with open(out_json) as f:
        return json.load(f)


def input_range(o0, n, stride, pad, extent, size):
    a = o0 * stride - pad
    b = (o0 + n - 1) * stride - pad + extent - 1
    return max(a, 0), min(b, size - 1)


def make_patches(L):
    """Output rects of 1x1, 2x2, 8x8 (clipped) at the top-left corner, the
    top edge, the interior and the bottom-right corner, with their input
    tiles; deduplicated within a size."""
    H, W = L["out_h"], L["out_w"]
    out = []
    for s in PATCH_SIZES:
        h, w = min(s, H), min(s, W)
        seen = set()
        for (y0, x0) in ((0, 0), (0, (W - w) // 2), ((H - h) // 2, (W - w) // 2), (H - h, W - w)):
            if (y0, x0) in seen:
                continue
            seen.add((y0, x0))
            if L["type"] == "ADD":
                iy0, iy1, ix0, ix1 = y0, y0 + h - 1, x0, x0 + w - 1
            else:
                g = L["g"]
                iy0, iy1 = input_range(y0, h, g["sh"], g["pt"], g["kh"], L["in_h"])
                ix0, ix1 = input_range(x0, w, g["sw"], g["pl"], g["kw"], L["in_w"])
            out.append(dict(size=s, y0=y0, x0=x0, h=h, w=w, iy0=iy0, ix0=ix0,
                            ih=iy1 - iy0 + 1, iw=ix1 - ix0 + 1))
    return out


def build_layers(name, info, seed):
    """Layer specs with random quantisation, as kernel-anchor.md §1 describes."""
    rng = random.Random("%s-%d" % (name, seed))
    ops = info["ops"]
    prev_zp = int(info["input"]["zero_point"])  # the network input (-1)
    layers, skipped = [], []
    for op in ops:
        t = op["type"]
        if t == "RESHAPE":
            continue
        if t not in KIND_C:
            skipped.append("%d %s" % (op["index"], t))
            continue
        ins = op["inputs"][0]
        out = op["output"]
        L = dict(index=op["index"], type=t, macs=int(op["macs"]), geometry=op["geometry"],
                 seed=(0x9E3779B9 * (op["index"] + 1) ^ (0x85EBCA6B if name != "person_detect" else 0))
                 & 0xFFFFFFFF or 1)
        if t == "SOFTMAX":
            depth = ins[-1]
            rows = 1
            for d in ins[:-1]:
                rows *= d
            L.update(in_h=1, in_w=1, in_c=rows * depth, out_h=1, out_w=1, out_c=rows * depth,
                     softmax=make_softmax_params(1.0, 1.0 / 16.0, rows, depth))
            L["shape"] = "%d→%d" % (depth * rows, depth * rows)
            L["geom_short"] = ""
            L["patches"] = []
            layers.append(L)
            prev_zp = -128
            continue
        L.update(in_h=ins[1], in_w=ins[2], in_c=ins[3], out_h=out[1], out_w=out[2], out_c=out[3])
        L["shape"] = "%dx%dx%d→%dx%dx%d" % (ins[1], ins[2], ins[3], out[1], out[2], out[3])
        if t == "ADD":
            zp2, zpo = rng.randint(-20, 20), rng.randint(-20, 20)
            s1, s2, so = (rng.uniform(0.03, 0.12) for _ in range(3))
            L["add"] = make_add_params(s1, prev_zp, s2, zp2, so, zpo)
            L["geom_short"] = ""
            L["g"] = None
            prev_zp = zpo
        else:
            m = GEOM_RE.match(op["geometry"])
            if not m:
                die("layer %d: cannot parse geometry '%s'" % (op["index"], op["geometry"]))
            kh, kw, s, pt, pb, pl, pr = (int(x) for x in m.groups()[:7])
            act = m.group(8) or "NONE"
            g = dict(kh=kh, kw=kw, sh=s, sw=s, pt=pt, pl=pl, act=act)
            L["g"] = g
            L["geom_short"] = "k%d s%d" % (kh, s) if kh == kw else "k%dx%d s%d" % (kh, kw, s)
            if t == "AVERAGE_POOL_2D":
                L["pool"] = dict(in_h=L["in_h"], in_w=L["in_w"], c=L["in_c"], filter_h=kh,
                                 filter_w=kw, stride_h=s, stride_w=s, pad_top=pt, pad_left=pl,
                                 act_min=-128, act_max=127)
            else:
                dw = t == "DEPTHWISE_CONV_2D"
                out_zp = -128 if act == "RELU6" else rng.randint(-20, 20)
                in_off = -prev_zp
                taps = kh * kw * (1 if dw else L["in_c"])
                # Spread: kernel-anchor.md §1 picks a per-layer base shift so that
                # the outputs spread over ~48 (linear) or ~80 (ReLU6) int8 steps.
                e_x2 = 5461.25 + (in_off - 0.5) ** 2  # E[(x + offset)^2], x uniform int8
                acc_std = math.sqrt(taps * e_x2 * 5418.0 + 2000.0 ** 2 / 3.0)
                target = 40.0 if act == "RELU6" else 24.0
                base = int(round(math.log2(target / (0.75 * acc_std))))
                base = max(-30, min(0, base))
                L["bias"] = [rng.randint(-2000, 2000) for _ in range(L["out_c"])]
                L["mult"] = [rng.randint(1 << 30, (1 << 31) - 1) for _ in range(L["out_c"])]
                L["shift"] = [base + rng.randint(-1, 1) for _ in range(L["out_c"])]
                L["conv"] = dict(in_h=L["in_h"], in_w=L["in_w"], in_c=L["in_c"], out_c=L["out_c"],
                                 kernel_h=kh, kernel_w=kw, stride_h=s, stride_w=s, dilation_h=1,
                                 dilation_w=1, pad_top=pt, pad_left=pl,
                                 depth_multiplier=(L["out_c"] // L["in_c"]) if dw else 1,
                                 input_offset=in_off, output_offset=out_zp, act_min=-128,
                                 act_max=127)
                # conv filter [out_c][kh][kw][in_c]; depthwise [1][kh][kw][out_c]
                L["filter_len"] = kh * kw * (L["out_c"] if dw else L["out_c"] * L["in_c"])
                if dw and L["out_c"] % L["in_c"] != 0:
                    die("layer %d: depthwise out_c %% in_c != 0" % op["index"])
                prev_zp = out_zp
        L["patches"] = make_patches(L)
        layers.append(L)
    return layers, skipped


def kind_key(L):
    """Layer family, as kernel-anchor.md's 'by layer kind' table."""
    t = L["type"]
    if t in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        g = L["g"]
        k = "%s k%d s%d" % ("CONV" if t == "CONV_2D" else "DW", g["kh"], g["sh"])
        if t == "DEPTHWISE_CONV_2D" and L["out_c"] != L["in_c"]:
            k += " mult>1"
        if t == "CONV_2D" and L["in_h"] * L["in_w"] == 1:
            k += " 1x1 spatial"
        return k
    return t


def quick_subset(layers):
    """The cheapest layer of each kind: every kernel path, a few M instructions."""
    best = {}
    for L in layers:
        k = kind_key(L)
        cost = max(L["macs"], L["out_h"] * L["out_w"] * L["out_c"])
        if k not in best or cost < best[k][0]:
            best[k] = (cost, L["index"])
    keep = {v[1] for v in best.values()}
    return [L for L in layers if L["index"] in keep]


# --------------------------------------------------------------------------
# C generation

def c_struct(d, fields):
    return "{" + ", ".join(".%s = %d" % (f, d[f]) for f in fields) + "}"


CONV_F = ["in_h", "in_w", "in_c", "out_c", "kernel_h", "kernel_w", "stride_h", "stride_w",
          "dilation_h", "dilation_w", "pad_top", "pad_left", "depth_multiplier", "input_offset",
          "output_offset", "act_min", "act_max"]
POOL_F = ["in_h", "in_w", "c", "filter_h", "filter_w", "stride_h", "stride_w", "pad_top",
          "pad_left", "act_min", "act_max"]
ADD_F = ["input1_offset", "input2_offset", "output_offset", "left_shift", "input1_multiplier",
         "input1_shift", "input2_multiplier", "input2_shift", "output_multiplier", "output_shift",
         "act_min", "act_max"]
SOFTMAX_F = ["input_multiplier", "input_left_shift", "diff_min", "rows", "depth"]


def c_array(ctype, name, values):
    body = []
    for i in range(0, len(values), 12):
        body.append("  " + ", ".join(str(v) for v in values[i:i + 12]) + ",")
    return "static const %s %s[%d] = {\n%s\n};\n" % (ctype, name, len(values), "\n".join(body))


def write_layers_c(path, name, layers):
    o = ["/* Generated by bench/mcu/bench_mcu.py: %s. Do not edit. */" % name,
         "#include \"bench_mcu.h\"", ""]
    sizes = dict(in1=1, in2=1, filt=1, tile1=1, tile2=1, out=1, patch=1, eff=1, wide=1)
    for L in layers:
        i = L["index"]
        in_n = L["in_h"] * L["in_w"] * L["in_c"]
        out_n = L["out_h"] * L["out_w"] * L["out_c"]
        sizes["in1"] = max(sizes["in1"], in_n)
        sizes["out"] = max(sizes["out"], out_n)
        if L["type"] == "ADD":
            sizes["in2"] = max(sizes["in2"], in_n)
        if "conv" in L:
            sizes["filt"] = max(sizes["filt"], L["filter_len"])
            sizes["eff"] = max(sizes["eff"], L["out_c"])
            sizes["wide"] = max(sizes["wide"], L["out_c"] * 15)  # msf_conv_s8_wide_weights_size's most
            o.append(c_array("int32_t", "l%d_bias" % i, L["bias"]))
            o.append(c_array("int32_t", "l%d_mult" % i, L["mult"]))
            o.append(c_array("int32_t", "l%d_shift" % i, L["shift"]))
        for P in L["patches"]:
            t = P["ih"] * P["iw"] * L["in_c"]
            sizes["tile1"] = max(sizes["tile1"], t)
            if L["type"] == "ADD":
                sizes["tile2"] = max(sizes["tile2"], t)
            sizes["patch"] = max(sizes["patch"], P["h"] * P["w"] * L["out_c"])
        if L["patches"]:
            o.append("static const bench_patch l%d_patches[%d] = {" % (i, len(L["patches"])))
            for P in L["patches"]:
                o.append("  {%d, %d, %d, %d, %d, %d, %d, %d}," % (
                    P["y0"], P["x0"], P["h"], P["w"], P["iy0"], P["ix0"], P["ih"], P["iw"]))
            o.append("};")
    o.append("")
    o.append("static const bench_layer layers[%d] = {" % len(layers))
    for L in layers:
        i = L["index"]
        f = [".kind = %s" % KIND_C[L["type"]], ".index = %d" % i]
        f += [".%s = %d" % (k, L[k]) for k in ("in_h", "in_w", "in_c", "out_h", "out_w", "out_c")]
        f.append(".seed = 0x%08xu" % L["seed"])
        if "conv" in L:
            f.append(".filter_len = %d" % L["filter_len"])
            f.append(".conv = " + c_struct(L["conv"], CONV_F))
            f.append(".bias = l%d_bias, .multiplier = l%d_mult, .shift = l%d_shift" % (i, i, i))
        if "pool" in L:
            f.append(".pool = " + c_struct(L["pool"], POOL_F))
        if "add" in L:
            f.append(".add = " + c_struct(L["add"], ADD_F))
        if "softmax" in L:
            f.append(".softmax = " + c_struct(L["softmax"], SOFTMAX_F))
        if L["patches"]:
            f.append(".patches = l%d_patches, .n_patches = %d" % (i, len(L["patches"])))
        o.append("  {" + ",\n   ".join(f) + "},")
    o.append("};")
    o.append("")
    o.append("const bench_model bench_the_model = {\"%s\", layers, %d};" % (name, len(layers)))
    o.append("")
    al = "__attribute__((aligned(8)))"
    for k in sizes:
        if k not in ("eff", "wide"):
            sizes[k] += 2 * GUARD
    o.append("int8_t bench_raw_in1[%d] %s;" % (sizes["in1"], al))
    o.append("int8_t bench_raw_in2[%d] %s;" % (sizes["in2"], al))
    o.append("int8_t bench_raw_filter[%d] %s;" % (sizes["filt"], al))
    o.append("int8_t bench_raw_tile1[%d] %s;" % (sizes["tile1"], al))
    o.append("int8_t bench_raw_tile2[%d] %s;" % (sizes["tile2"], al))
    o.append("int8_t bench_raw_out_fast[%d] %s;" % (sizes["out"], al))
    o.append("int8_t bench_raw_out_ref[%d] %s;" % (sizes["out"], al))
    o.append("int8_t bench_raw_out_patch[%d] %s;" % (sizes["patch"], al))
    o.append("int32_t bench_eff_bias[%d] %s;" % (sizes["eff"], al))
    o.append("int32_t bench_wide[%d] %s;" % (sizes["wide"], al))
    text = "\n".join(o) + "\n"
    if not os.path.exists(path) or open(path).read() != text:
        with open(path, "w") as f:
            f.write(text)


# --------------------------------------------------------------------------
# build and run

class Builder:
    def __init__(self, jobs):
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs))

    def map(self, fn, items):
        return list(self.pool.map(fn, items))


def compile_one(args):
    cmd, src = args
    r = run(cmd)
    return src, r.returncode, r.stdout


def build_target(tname, opt, out_dir, gen_dir, models, builder, runtime):
    """Compiles the runtime at `opt` and the harness at -O2, links one ELF per model."""
    T = TARGETS[tname]
    obj_dir = os.path.join(out_dir, "obj")
    os.makedirs(obj_dir, exist_ok=True)
    arch = T["arch"] + T["extra"]
    inc = ["-I" + os.path.join(runtime, "include"), "-I" + HERE, "-I" + os.path.join(TGT, "common")]
    rt_dir = os.path.join(runtime, "src")
    rt_srcs = sorted(f for f in os.listdir(rt_dir) if f.endswith(".c") and f != "msf_plan_exec.c")
    jobs, rt_objs = [], []
    for f in rt_srcs:
        obj = os.path.join(obj_dir, "rt_" + f[:-2] + ".o")
        rt_objs.append(obj)
        jobs.append(([T["cc"]] + arch + [opt] + COMMON_CFLAGS + inc +
                     ["-c", os.path.join(rt_dir, f), "-o", obj], f))
    h_objs = []
    for f in [os.path.join(HERE, "harness.c")] + T["platform"]:
        obj = os.path.join(obj_dir, "h_" + os.path.splitext(os.path.basename(f))[0] + ".o")
        h_objs.append(obj)
        jobs.append(([T["cc"]] + arch + [HARNESS_OPT] + COMMON_CFLAGS + inc +
                     ["-c", f, "-o", obj], os.path.basename(f)))
    for m in models:
        obj = os.path.join(obj_dir, "layers_%s.o" % m)
        jobs.append(([T["cc"]] + arch + [HARNESS_OPT] + COMMON_CFLAGS + inc +
                     ["-c", os.path.join(gen_dir, "layers_%s.c" % m), "-o", obj], "layers_%s.c" % m))
    failed = False
    for src, rc, out in builder.map(compile_one, jobs):
        if out.strip():
            sys.stderr.write("[%s %s] %s:\n%s" % (tname, opt, src, out))
        if rc != 0:
            failed = True
    if failed:
        die("compilation failed for %s (%s)" % (tname, opt))
    elfs = {}
    for m in models:
        elf = os.path.join(out_dir, "%s.elf" % m)
        mp = os.path.join(out_dir, "%s.map" % m)
        cmd = ([T["cc"]] + arch + [HARNESS_OPT, "-nostartfiles", "-T", T["ld"],
                                   "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments",
                                   "-Wl,--defsym=STACK_SIZE=%d" % STACK_SIZE,
                                   "-Wl,-Map=" + mp] +
               h_objs + [os.path.join(obj_dir, "layers_%s.o" % m)] + rt_objs + ["-lc", "-lgcc", "-o", elf])
        r = run(cmd)
        if r.returncode != 0:
            die("link failed for %s %s:\n%s" % (tname, m, r.stdout))
        elfs[m] = (elf, mp)
    return elfs


def symbol_address(prefix, elf, sym):
    r = run([prefix + "nm", elf])
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == sym:
            return int(parts[0], 16)
    die("symbol %s not found in %s" % (sym, elf))


def run_qemu(tname, elf, plugin, marks_path, timeout):
    T = TARGETS[tname]
    mark = symbol_address(T["prefix"], elf, "bench_mark") & ~1
    if os.path.exists(marks_path):
        os.remove(marks_path)
    cmd = T["qemu"] + ["-display", "none", "-monitor", "none", "-serial", "none",
                       "-chardev", "stdio,id=console",
                       "-semihosting-config", "enable=on,target=native,chardev=console",
                       "-plugin", "%s,mark=0x%x,out=%s" % (plugin, mark, marks_path),
                       "-kernel", elf]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        die("QEMU timed out after %d s: %s" % (timeout, " ".join(cmd)))
    snaps, total = [], None
    if os.path.exists(marks_path):
        with open(marks_path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("total "):
                    total = int(line.split()[1])
                elif line:
                    snaps.append(int(line))
    return r.returncode, r.stdout, snaps, total


def analyse(layers, snaps, where):
    """Pairs the snapshots with harness.c's fixed bracket sequence."""
    expected = 2 * BENCH_EMPTY + sum(2 * (2 + len(L["patches"])) for L in layers)
    if len(snaps) != expected:
        die("%s: %d mark snapshots, expected %d (harness and driver disagree)"
            % (where, len(snaps), expected))
    diffs = [snaps[2 * i + 1] - snaps[2 * i] for i in range(len(snaps) // 2)]
    empty = diffs[:BENCH_EMPTY]
    if len(set(empty)) != 1:
        die("%s: empty brackets differ: %s" % (where, empty))
    e = empty[0]
    k = BENCH_EMPTY
    res = []
    for L in layers:
        fast, ref = diffs[k] - e, diffs[k + 1] - e
        k += 2
        patches = []
        for P in L["patches"]:
            patches.append(diffs[k] - e)
            k += 1
        res.append(dict(fast=fast, ref=ref, patches=patches))
    return e, res


def parse_map(path):
    """.text / .rodata bytes per runtime object kept in the link (GNU ld map)."""
    sizes = {}
    with open(path) as f:
        text = f.read()
    i = text.find("Linker script and memory map")
    if i < 0:
        return sizes
    lines = text[i:].splitlines()
    sec_re = re.compile(r"^ (\.(?:text|rodata|srodata)[^\s]*)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+))?$")
    cont_re = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$")
    pending = None
    for line in lines:
        if pending is not None:
            m = cont_re.match(line)
            if m:
                add_size(sizes, pending, int(m.group(2), 16), m.group(3))
            pending = None
            continue
        m = sec_re.match(line)
        if not m:
            continue
        if m.group(2) is None:
            pending = m.group(1)
        else:
            add_size(sizes, m.group(1), int(m.group(3), 16), m.group(4))
    return sizes


def add_size(sizes, sec, size, obj):
    base = os.path.basename(obj)
    if not base.startswith("rt_") or size == 0 or sec.endswith(("_eff_bias", "_wide_weights", "_wide_weights_size")):
        return  # eff_bias and wide_weights are host-side work in msf; the harness calls them before counting
    kind = "text" if sec.startswith(".text") else "rodata"
    sizes[(base[3:-2], kind, sec)] = size


# --------------------------------------------------------------------------
# anchor (../shared/docs/kernel-anchor.md)

def parse_md_table(lines, start):
    """Rows (dicts by header) of the Markdown table starting at or after `start`."""
    i = start
    while i < len(lines) and not lines[i].startswith("|"):
        i += 1
    if i + 1 >= len(lines):
        return []
    head = [c.strip() for c in lines[i].strip().strip("|").split("|")]
    rows = []
    i += 2
    while i < len(lines) and lines[i].startswith("|"):
        cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
        rows.append(dict(zip(head, cells)))
        i += 1
    return rows


def num(s):
    s = s.replace("*", "").replace(",", "").strip()
    try:
        return int(s)
    except ValueError:
        return None


def parse_anchor(path):
    """{(model, target): {"layers": {idx: row}, "total": row}} and headline totals."""
    if not os.path.exists(path):
        return None
    lines = open(path).read().splitlines()
    out = {}
    for i, line in enumerate(lines):
        m = re.match(r"^#### (\S+) on (\S+)\s*$", line)
        if m:
            rows = parse_md_table(lines, i + 1)
            if not rows or "#" not in rows[0]:
                continue
            layers, total = {}, None
            for r in rows:
                if r["#"].startswith("**total"):
                    total = r
                elif num(r["#"]) is not None:
                    layers[num(r["#"])] = r
            out[(m.group(1), m.group(2))] = dict(layers=layers, total=total)
    # headline totals (§0), the fallback when a per-layer table is missing
    heads = {}
    for tname, T in TARGETS.items():
        for i, line in enumerate(lines):
            if T["headline"] in line and not line.startswith("|") and not line.startswith("#"):
                for r in parse_md_table(lines, i + 1):
                    key = next(iter(r))
                    for model, (_, aliases) in MODELS.items():
                        if any(r[key].startswith(a) for a in aliases):
                            heads[(model, tname)] = r
                break
    return dict(tables=out, heads=heads)


def runtime_version(runtime):
    r = run(["git", "-C", runtime, "log", "-1", "--format=%h", "--", "."])
    if r.returncode != 0 or not r.stdout.strip():
        return "`%s`" % runtime
    d = run(["git", "-C", runtime, "status", "--porcelain", "--", "."])
    return "commit %s%s" % (r.stdout.strip(), " + uncommitted changes" if d.stdout.strip() else "")


def anchor_col(opt):
    return {"-O2": "msf -O2 insns", "-Os": "msf -Os insns"}.get(opt)


# --------------------------------------------------------------------------
# report

def fmt_int(v):
    return "–" if v is None else "{:,}".format(v)


def fmt_f(v, nd=2):
    return "–" if v is None else ("%.*f" % (nd, v))


def ratio(a, b):
    return None if (a is None or not b) else a / b


def patch_stats(L, r):
    """insn per MAC (or per output element when the op has no MACs) per size."""
    per_px = (L["macs"] / float(L["out_h"] * L["out_w"])) if L["macs"] else None
    out = {}
    for s in PATCH_SIZES:
        ins, work = 0, 0.0
        for P, c in zip(L["patches"], r["patches"]):
            if P["size"] != s:
                continue
            ins += c
            work += (per_px * P["h"] * P["w"]) if per_px else P["h"] * P["w"] * L["out_c"]
        out[s] = (ins, work, per_px is not None) if work else None
    return out


def model_table(model, tname, opt, layers, res, anchor, clamped, full):
    A = anchor["tables"].get((model, TARGETS[tname]["anchor"])) if anchor else None
    acol = anchor_col(opt)
    lines = []
    lines.append("#### %s on %s (runtime %s)" % (model, tname, opt))
    lines.append("")
    lines.append("| # | op | geometry | shape (in→out) | MACs | msf insns | insn/MAC | ref insns | ref / msf "
                 "| CMSIS-NN insns | msf / CMSIS | patch insn/MAC 1x1 | 2x2 | 8x8 | fast = ref |")
    lines.append("|" + "---|" * 15)
    tot = dict(macs=0, fast=0, ref=0, cm=0, fast_cm=0, old=0, fast_old=0)
    ptot = {s: [0, 0.0] for s in PATCH_SIZES}
    missing = []
    for L, r in zip(layers, res):
        row = A["layers"].get(L["index"]) if A else None
        if row is not None and row.get("shape (in→out)", "").replace(" ", "") != L["shape"]:
            missing.append("#%d shape %s vs anchor %s" % (L["index"], L["shape"], row.get("shape (in→out)")))
            row = None
        cm = num(row["CMSIS-NN insns"]) if row else None
        old = num(row[acol]) if (row and acol and acol in row) else None
        tot["macs"] += L["macs"]
        tot["fast"] += r["fast"]
        tot["ref"] += r["ref"]
        if cm is not None:
            tot["cm"] += cm
            tot["fast_cm"] += r["fast"]
        elif A:
            missing.append("#%d" % L["index"])
        if old is not None:
            tot["old"] += old
            tot["fast_old"] += r["fast"]
        ps = patch_stats(L, r)
        pcells = []
        for s in PATCH_SIZES:
            v = ps[s]
            if v is None:
                pcells.append("–")
            else:
                ins, work, is_mac = v
                pcells.append(fmt_f(ins / work) + ("" if is_mac else " /el"))
                if is_mac:
                    ptot[s][0] += ins
                    ptot[s][1] += work
        lines.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            L["index"], OP_SHORT[L["type"]], L["geom_short"], L["shape"], fmt_int(L["macs"]),
            fmt_int(r["fast"]), fmt_f(ratio(r["fast"], L["macs"])), fmt_int(r["ref"]),
            fmt_f(ratio(r["ref"], r["fast"])), fmt_int(cm), fmt_f(ratio(r["fast"], cm)),
            pcells[0], pcells[1], pcells[2], "yes" if r["equal"] else "**NO**"))
    pt = [fmt_f(ratio(ptot[s][0], ptot[s][1])) for s in PATCH_SIZES]
    lines.append("| **total** | | | | **%s** | **%s** | **%s** | **%s** | **%s** | **%s** | **%s** | **%s** | **%s** | **%s** | %s |" % (
        fmt_int(tot["macs"]), fmt_int(tot["fast"]), fmt_f(ratio(tot["fast"], tot["macs"])),
        fmt_int(tot["ref"]), fmt_f(ratio(tot["ref"], tot["fast"])),
        fmt_int(tot["cm"] if A else None), fmt_f(ratio(tot["fast_cm"], tot["cm"]) if A else None),
        pt[0], pt[1], pt[2], "yes" if all(r["equal"] for r in res) else "**NO**"))
    lines.append("")
    notes = []
    if A is None and anchor:
        h = anchor["heads"].get((model, tname))
        if h and not full:
            notes.append("No per-layer anchor table for this target; its headline total covers "
                         "whole models only (not this subset).")
        elif h:
            cmt = num(list(h.values())[1])
            tot["cm"], tot["fast_cm"] = cmt, tot["fast"]
            notes.append("No per-layer anchor table for this target; CMSIS-NN total from the "
                         "headline: %s, msf / CMSIS = %s." % (fmt_int(cmt), fmt_f(ratio(tot["fast"], cmt))))
    if missing:
        notes.append("Not compared with the anchor (missing or different shape): %s." % ", ".join(missing))
    if tot["old"]:
        notes.append("The anchor's msf %s (runtime at commit 9f0fdb2) for the same layers: %s "
                     "instructions; now %s (%s of it)." % (
                         opt, fmt_int(tot["old"]), fmt_int(tot["fast_old"]),
                         "%.1f%%" % (100.0 * tot["fast_old"] / tot["old"])))
    notes.append("Reference output bytes at the clamp limits (-128 or 127): %.0f%%." % (100.0 * clamped))
    lines += notes
    lines.append("")
    return lines, tot, ptot


def flash_table(tname, opt, sizes):
    objs = {}
    for (obj, kind, sec), size in sizes.items():
        d = objs.setdefault(obj, dict(text=0, rodata=0))
        d[kind] += size
    lines = ["#### Flash of the linked runtime objects, %s (runtime %s)" % (tname, opt), "",
             "| object | .text | .rodata | total |", "|---|---|---|---|"]
    sums = {"optimised": [0, 0], "reference (_ref)": [0, 0]}
    for obj in sorted(objs):
        d = objs[obj]
        lines.append("| %s | %s | %s | %s |" % (obj, fmt_int(d["text"]), fmt_int(d["rodata"]),
                                                fmt_int(d["text"] + d["rodata"])))
        k = "reference (_ref)" if obj.endswith("_ref") else "optimised"
        sums[k][0] += d["text"]
        sums[k][1] += d["rodata"]
    for k, (t, r) in sums.items():
        lines.append("| **%s** | **%s** | **%s** | **%s** |" % (k, fmt_int(t), fmt_int(r), fmt_int(t + r)))
    lines.append("")
    lines.append("Input sections kept by --gc-sections in either model's ELF (the two models use "
                 "different kernels), without `msf_*_eff_bias` and `msf_conv_s8_wide_weights*` (host-side in msf). \"optimised\" is "
                 "every non-`_ref` runtime object, shared helpers included.")
    lines.append("")
    return lines


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="msf build dir (build/msf)")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"),
                    help="the shared folder (models/, docs/kernel-anchor.md)")
    ap.add_argument("--out", default=None, help="output dir (default BUILD/bench-mcu)")
    ap.add_argument("--runtime", default=os.path.join(ROOT, "runtime"),
                    help="the runtime to measure (include/ and src/; default: this tree's)")
    ap.add_argument("--opt", default="-O2", help="runtime optimisation level (-O2, -Os, ...)")
    ap.add_argument("--targets", default="cortex-m4,rv32imac")
    ap.add_argument("--models", default="person_detect,mcunet_vww")
    ap.add_argument("--layers", action="append", default=[], metavar="MODEL:I,J,...",
                    help="only these layers of MODEL (msf info numbers); repeatable")
    ap.add_argument("--quick", action="store_true",
                    help="only the cheapest layer of each kind (op, kernel, stride) per model")
    ap.add_argument("--no-repeat", action="store_true",
                    help="run each ELF once (default: twice, and the counts must be identical)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=600)
    a = ap.parse_args()

    models_dir = os.path.join(a.shared, "models")
    anchor_path = os.path.join(a.shared, "docs", "kernel-anchor.md")
    if not os.path.isdir(models_dir):
        print("bench-mcu: %s not found: nothing to benchmark (the models live in ../shared/models)."
              % models_dir)
        return 0
    out_dir = a.out or os.path.join(a.build, "bench-mcu")
    gen_dir = os.path.join(out_dir, "gen")
    os.makedirs(gen_dir, exist_ok=True)
    msf = os.path.join(a.build, "msf")
    if not os.path.exists(msf):
        die("%s not found: run `make build` first" % msf)
    targets = [t for t in a.targets.split(",") if t]
    for t in targets:
        if t not in TARGETS:
            die("unknown target %s (expected %s)" % (t, ", ".join(TARGETS)))
        for tool in (TARGETS[t]["cc"], TARGETS[t]["qemu"][0]):
            if shutil.which(tool) is None:
                die("%s not found: run `make mcu-deps`" % tool)
    if shutil.which("gcc") is None:
        die("host gcc not found (needed for the QEMU plugin)")
    models = [m for m in a.models.split(",") if m]
    only = {}
    for part in a.layers:
        try:
            m, idx = part.split(":")
            only.setdefault(m, set()).update(int(x) for x in idx.split(",") if x)
        except ValueError:
            die("--layers %s: expected MODEL:I,J,..." % part, 2)
    if only:
        models = [m for m in models if m in only]
    opt_name = a.opt.lstrip("-")

    # layers
    all_layers = {}
    for m in models:
        if m not in MODELS:
            die("unknown model %s" % m)
        path = os.path.join(models_dir, MODELS[m][0])
        if not os.path.exists(path):
            die("%s not found" % path)
        info = msf_info(msf, path, os.path.join(gen_dir, "%s.info.json" % m))
        layers, skipped = build_layers(m, info, a.seed)
        if skipped:
            print("bench-mcu: %s: no benchmark for layers %s" % (m, ", ".join(skipped)), file=sys.stderr)
        if a.quick:
            layers = quick_subset(layers)
        if m in only:
            unknown = only[m] - {L["index"] for L in layers}
            if unknown:
                die("%s has no benchmarked layer %s (see `msf info`; RESHAPE has no kernel)"
                    % (m, ", ".join(str(i) for i in sorted(unknown))), 2)
            layers = [L for L in layers if L["index"] in only[m]]
        all_layers[m] = layers
        write_layers_c(os.path.join(gen_dir, "layers_%s.c" % m), m, layers)

    # plugin
    plugin = os.path.join(out_dir, "insn_plugin.so")
    psrc = os.path.join(HERE, "insn_plugin.c")
    if not os.path.exists(plugin) or os.path.getmtime(plugin) < os.path.getmtime(psrc):
        r = run(["gcc", "-O2", "-Wall", "-Wextra", "-shared", "-fPIC", "-o", plugin, psrc])
        if r.returncode != 0:
            die("building the QEMU plugin failed:\n" + r.stdout)

    builder = Builder(a.jobs)
    runs = {}
    elfs_by_target = {}
    for t in targets:
        tdir = os.path.join(out_dir, "%s_%s" % (t, opt_name))
        print("bench-mcu: building %s (runtime %s, harness %s)" % (t, a.opt, HARNESS_OPT), file=sys.stderr)
        elfs_by_target[t] = build_target(t, a.opt, tdir, gen_dir, models, builder, a.runtime)
    repeat = 1 if a.no_repeat else 2
    qjobs = []
    for t in targets:
        for m in models:
            elf, _ = elfs_by_target[t][m]
            for k in range(repeat):
                qjobs.append((t, m, k, elf, elf[:-4] + (".marks" if k == 0 else ".marks%d" % k)))
    print("bench-mcu: running %d QEMU job(s)" % len(qjobs), file=sys.stderr)
    results = builder.map(lambda j: (j, run_qemu(j[0], j[3], plugin, j[4], a.timeout)), qjobs)

    failures = []
    data = {}
    for (t, m, k, elf, marks), (rc, out, snaps, total) in results:
        with open(elf[:-4] + ".log" + ("" if k == 0 else str(k)), "w") as f:
            f.write(out)
        where = "%s on %s" % (m, t)
        bad_lines = [l for l in out.splitlines() if "MISMATCH" in l or "error" in l]
        if rc not in (0, 1) or (rc == 1 and not bad_lines):
            die("%s: QEMU exited with %d:\n%s" % (where, rc, out[-3000:]))
        e, res = analyse(all_layers[m], snaps, where)
        clamped = [0, 0]
        eq = {}
        for l in out.splitlines():
            mm = re.match(r"layer (\d+) (ok|FAILED) clamped (\d+) of (\d+)", l)
            if mm:
                eq[int(mm.group(1))] = mm.group(2) == "ok"
                clamped[0] += int(mm.group(3))
                clamped[1] += int(mm.group(4))
        for L, r in zip(all_layers[m], res):
            r["equal"] = eq.get(L["index"], False)
        if k == 0:
            data[(t, m)] = dict(empty=e, res=res, total=total, rc=rc,
                                clamped=clamped[0] / float(max(1, clamped[1])))
            if rc != 0 or bad_lines:
                failures.append((where, bad_lines))
        # Compared from the first mark on: the Cortex-M reset code waits for the
        # first SysTick reload, a host-time-dependent number of instructions.
        rel = [x - snaps[0] for x in snaps]
        if k != 0 and rel != runs[(t, m)]:
            die("%s: instruction counts differ between two runs (not deterministic)" % where)
        runs[(t, m)] = rel
    builder.pool.shutdown()

    anchor = parse_anchor(anchor_path)
    md = ["### MCU kernel benchmark (`make bench-mcu`)", ""]
    md.append("Exact executed instructions per kernel call, counted in QEMU 7.2 by "
              "bench/mcu/insn_plugin.c. Runtime: %s, `runtime/src/*.c` built with **%s** "
              "(harness -O2). cortex-m4: arm-none-eabi-gcc `%s`, QEMU mps2-an386. rv32imac: "
              "riscv64-unknown-elf-gcc `%s`, QEMU virt." % (
                  runtime_version(a.runtime), a.opt, " ".join(TARGETS["cortex-m4"]["arch"]),
                  " ".join(TARGETS["rv32imac"]["arch"] + TARGETS["rv32imac"]["extra"])))
    md.append("")
    md.append("- **msf insns**: the optimised kernel on the whole tensor (the whole call, argument "
              "setup included, minus an empty bracket); **ref insns**: the `_ref` kernel on the same data.")
    md.append("- **CMSIS-NN insns**: ../shared/docs/kernel-anchor.md (CMSIS-NN -O2 on the same layer "
              "shapes, same compilers and QEMU).")
    md.append("- **patch insn/MAC**: the optimised kernel on 1x1, 2x2 and 8x8 output rectangles "
              "(clipped to the tensor; top-left corner, top edge, interior, bottom-right corner) through "
              "offset views holding just the input tile and the output rect; `/el` = per output element "
              "(ops without MACs). Totals: all patch instructions / all patch MACs.")
    md.append("- **fast = ref**: output bytes of every optimised call (whole tensor and patches) equal "
              "the reference's, and nothing was written outside the output.")
    if anchor is None:
        md.append("")
        md.append("(%s not found: no CMSIS-NN comparison.)" % anchor_path)
    if a.quick or a.layers:
        md.append("")
        md.append("Subset run (%s): totals cover these layers only." % ("--quick" if a.quick else "--layers"))
    md.append("")
    summary = ["| model | target | MACs | msf insns | insn/MAC | CMSIS-NN insns | msf / CMSIS | ref insns "
               "| ref / msf | patch insn/MAC 1x1 / 2x2 / 8x8 | fast = ref |", "|" + "---|" * 11]
    body = []
    for m in models:
        for t in targets:
            d = data[(t, m)]
            lines, tot, ptot = model_table(m, t, a.opt, all_layers[m], d["res"], anchor, d["clamped"],
                                          not (a.quick or only))
            body += lines
            summary.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                m, t, fmt_int(tot["macs"]), fmt_int(tot["fast"]), fmt_f(ratio(tot["fast"], tot["macs"])),
                fmt_int(tot["cm"] or None), fmt_f(ratio(tot["fast_cm"], tot["cm"])),
                fmt_int(tot["ref"]), fmt_f(ratio(tot["ref"], tot["fast"])),
                " / ".join(fmt_f(ratio(ptot[s][0], ptot[s][1])) for s in PATCH_SIZES),
                "yes" if all(r["equal"] for r in d["res"]) else "**NO**"))
    md += summary + [""] + body
    for t in targets:
        sizes = {}
        for m in models:
            sizes.update(parse_map(elfs_by_target[t][m][1]))
        md += flash_table(t, a.opt, sizes)
    empties = ", ".join("%s %s: %d" % (m, t, data[(t, m)]["empty"]) for m in models for t in targets)
    md.append("Empty bracket (subtracted): %s instructions.%s" % (
        empties, " Counts identical on a second run." if repeat > 1 else ""))
    md.append("")
    text = "\n".join(md)
    print(text)
    report = os.path.join(out_dir, "report.md")
    for path in (report, os.path.join(out_dir, "report-%s.md" % opt_name)):
        with open(path, "w") as f:
            f.write(text)
    with open(os.path.join(out_dir, "results-%s.json" % opt_name), "w") as f:
        json.dump({"%s/%s" % (t, m): dict(
            layers=[dict(index=L["index"], type=L["type"], geometry=L["geometry"], shape=L["shape"],
                         macs=L["macs"], fast=r["fast"], ref=r["ref"], equal=r["equal"],
                         patches=[dict(P, insns=c) for P, c in zip(L["patches"], r["patches"])])
                    for L, r in zip(all_layers[m], d["res"])],
            empty_bracket=d["empty"], opt=a.opt) for (t, m), d in data.items()}, f, indent=1)
    print("bench-mcu: report written to %s" % report, file=sys.stderr)
    if failures:
        print("", file=sys.stderr)
        print("bench-mcu: FAILED: the optimised kernels' output differs from the reference "
              "(or a kernel returned an error):", file=sys.stderr)
        for where, lines in failures:
            for l in lines[:20]:
                print("  %s: %s" % (where, l), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
