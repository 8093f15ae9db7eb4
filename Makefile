# A thin layer over CMake. `make run` and `make test` install what is missing first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test unit bench images image-test fuzz clean
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
	rm -rf $(BUILD_DIR)
