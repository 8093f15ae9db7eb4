# A thin layer over CMake. `make run` and `make test` install what is missing first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test test-sanitize unit bench images image-test fuzz clean
FUZZ_SECONDS ?= 60

all: build

deps:
	@scripts/deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@python3 scripts/run_suite.py --build-dir $(BUILD_DIR)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# The whole suite again, built with AddressSanitizer and UndefinedBehaviorSanitizer
# (-O1, so that it builds and runs in a few minutes). CI runs it after `make test`.
SANITIZE_DIR ?= build-sanitize
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEXPORTERS_SANITIZE=ON \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1" $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)
	@cd $(SANITIZE_DIR) && ASAN_OPTIONS=$(SANITIZE_ASAN_OPTIONS) UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)
SANITIZE_ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

bench: build
	@python3 bench/bench.py --build-dir $(BUILD_DIR) $(BENCH_ARGS)

# Each libFuzzer target for FUZZ_SECONDS (clang, ASan+UBSan); a crash leaves
# its input in build-fuzz/crashes/: add it to the target's corpus as a regression.
fuzz: deps
	@CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEXPORTERS_FUZZ=ON >/dev/null
	@cmake --build build-fuzz --target fuzzers -j $(JOBS)
	@scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

images: build
	@scripts/images.sh

image-test: images
	@python3 tests/images/test_images.py

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
