# msf — two entry points: `make demo` and `make test`. Both install missing
# Debian packages first (tools/install-deps.sh, needs root for apt-get);
# `make test` also the MCU cross compilers and QEMU (tools/install-mcu-deps.sh).
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps mcu-deps configure build test demo bench clean

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

clean:
	rm -rf $(BUILD)
