# msf — two entry points: `make demo` and `make test`. Both install missing
# Debian packages first (tools/install-deps.sh, needs root for apt-get);
# `make test` also the MCU cross compilers and QEMU (tools/install-mcu-deps.sh).
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps mcu-deps configure build test demo bench clean \
        test-sanitize fuzz-deps fuzz-build fuzz fuzz-ci fuzz-seeds

all: build

deps:
	@bash tools/install-deps.sh

# Cross compilers and QEMU for `msf codegen` targets (the codegen tests run them).
mcu-deps:
	@bash tools/install-mcu-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build mcu-deps
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	@bash tools/demo.sh $(BUILD)

bench: build
	@$(BUILD)/bench/msf_bench

# Latency models and the paper report run generated code in QEMU (minutes);
# neither is part of `make test`.
MODELS ?= ../shared/models
CALIBRATE_TARGETS ?= cortex-m0plus cortex-m4 cortex-m7 cortex-m33 cortex-m55 rv32imac xtensa-lx106
.PHONY: calibrate paper

# calibration/<target>.json: QEMU micro-benchmarks fitted by `msf calibrate`
# (about a minute per target; cortex-m0plus skips the benches that do not fit
# the micro:bit's 16 KiB of RAM), then rebuilt into msf.
calibrate: build mcu-deps
	@for t in $(CALIBRATE_TARGETS); do \
	  $(BUILD)/msf calibrate --target $$t --jobs $(JOBS) --out calibration/$$t.json \
	    --samples $(BUILD)/calibration-$$t.csv || exit 1; \
	done
	@cmake --build $(BUILD) -j $(JOBS)

# docs/report/: every strategy at the paper's constraints, measured (about 5 minutes).
paper: build mcu-deps
	@$(BUILD)/msf report paper --out docs/report --models $(MODELS) --jobs $(JOBS)

# `make bench-mcu`: per-layer exact instruction counts of the runtime kernels
# (optimised vs _ref vs the CMSIS-NN anchor, whole tensors and small patches)
# on Cortex-M4 and RV32IMAC under QEMU, for ../shared's person_detect and
# mcunet_vww models (bench/mcu/, seconds; not part of `make test`). Prints a
# Markdown report, also written to $(BUILD)/bench-mcu/report.md; exits 1 if an
# optimised kernel's output differs from the reference's.
#   BENCH_MCU_OPT=-Os          runtime optimisation level (default -O2)
#   BENCH_MCU_ARGS="--quick"   or --layers person_detect:13,14 --targets rv32imac ...
BENCH_MCU_OPT ?= -O2
BENCH_MCU_ARGS ?=
BENCH_MCU_SHARED ?= ../shared
.PHONY: bench-mcu
bench-mcu:
	@if [ -d "$(BENCH_MCU_SHARED)/models" ]; then $(MAKE) --no-print-directory build mcu-deps || exit 1; fi
	@python3 bench/mcu/bench_mcu.py --build $(BUILD) --shared $(BENCH_MCU_SHARED) \
	  --opt=$(BENCH_MCU_OPT) --jobs $(JOBS) $(BENCH_MCU_ARGS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

# --- robustness (docs/errors.md) ----------------------------------------------
# `make test-sanitize`: the whole test suite built with -fsanitize=address,undefined
# (no recovery: any report aborts its test). SANITIZE_EXCLUDE is a ctest -E
# regex of tests to skip there (empty: the whole suite takes ~3 min of test
# time under the sanitizers on 2 cores).
ASAN_BUILD ?= build-asan
SANITIZE_EXCLUDE ?=
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1

test-sanitize: deps mcu-deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMSF_SANITIZE=ON \
	  -DMSF_BUILD_BENCH=OFF $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS) \
	  $(if $(SANITIZE_EXCLUDE),-E '$(SANITIZE_EXCLUDE)')

# libFuzzer targets (fuzz/): clang, -fsanitize=fuzzer,address,undefined, in
# their own build dir. `make fuzz` runs each target FUZZ_SECONDS, `make fuzz-ci`
# FUZZ_CI_SECONDS; `make fuzz-seeds` regenerates the minimised fuzz/seeds/.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
FUZZ_CI_SECONDS ?= 60

fuzz-deps: deps
	@bash tools/install-fuzz-deps.sh

fuzz-build: fuzz-deps
	@cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMSF_FUZZ=ON -DMSF_BUILD_TESTS=OFF -DMSF_BUILD_BENCH=OFF > /dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz: fuzz-build
	@bash tools/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-ci: fuzz-build
	@bash tools/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_CI_SECONDS)

fuzz-seeds: fuzz-build
	@bash tools/run-fuzz.sh --make-seeds $(FUZZ_BUILD)
