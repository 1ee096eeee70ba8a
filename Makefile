# avedge -- build, run and test. On a fresh Debian 12 machine:
#   make run     install build deps, build, start `avedge serve` on the embedded default
#   make test    install build + test deps, build, unit tests, ASan+UBSan unit tests,
#                short fuzz runs, interop suite with real clients (Release, then ASan+UBSan);
#                ends "N passed, M failed"
# The build uses CMake + Ninja with at most $(JOBS) parallel jobs (default 2).
SHELL := /bin/bash
JOBS ?= 2
FUZZ_SECONDS ?= 300
ARGS ?=
export JOBS

FORMAT_FILES = $(shell find src tests bench -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) \
                 -not -path 'tests/interop/*' -not -path 'tests/fuzz/corpus/*' 2>/dev/null)

.PHONY: all build run test test-unit test-asan test-fuzz test-interop test-interop-asan test-interop-coturn \
        fuzz bench soak format format-check tidy deps deps-test deps-dev clean help

all: build

help:
	@echo "make build | run | test | test-unit | test-asan | test-fuzz | test-interop | test-interop-asan |"
	@echo "     test-interop-coturn | fuzz [FUZZ_SECONDS=300] | bench | soak | format | format-check | tidy | clean"

deps:
	@scripts/install-deps.sh

deps-test:
	@scripts/install-deps.sh --test

deps-dev:
	@scripts/install-deps.sh --dev

build: deps
	scripts/build.sh release avedge

run: build
	exec ./build/avedge serve $(ARGS)

# The whole suite. Keeps going after failures and exits non-zero at the end.
test: deps-test
	scripts/test.sh unit asan fuzz interop interop_asan

test-unit: deps
	scripts/test.sh unit

test-asan: deps
	scripts/test.sh asan

test-fuzz: deps-test
	scripts/test.sh fuzz

test-interop: deps-test
	scripts/test.sh interop

test-interop-asan: deps-test
	scripts/test.sh interop_asan

# The interop harness itself, against Debian's coturn instead of avedge.
test-interop-coturn: deps-test
	INTEROP_SERVER=coturn bash tests/interop/run.sh

fuzz: deps-test
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/test.sh fuzz

bench:
	bash bench/compare.sh

# The long soak (issue 6): 30 minutes of allocations made and deleted with traffic; the per-cycle
# report (RSS, fds, packets) is kept in build/soak-report.csv. make test runs a 60 s version.
soak: deps-test
	scripts/build.sh release avedge
	SOAK_SECONDS=$${SOAK_SECONDS:-1800} SOAK_REPORT=$(CURDIR)/build/soak-report.csv \
	  AVEDGE_BIN=$(CURDIR)/build/avedge bash tests/interop/t_soak.sh

format: deps-dev
	clang-format -i $(FORMAT_FILES)

format-check: deps-dev
	clang-format --dry-run -Werror $(FORMAT_FILES)

tidy: deps-dev
	@[ -f build/compile_commands.json ] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
	run-clang-tidy -p build -j $(JOBS) -quiet '$(CURDIR)/src/.*\.cpp$$'

clean:
	rm -rf build build-asan build-fuzz
