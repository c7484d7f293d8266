# Sable top-level build.
#
#   make run     set up the host, build, boot Sable + dom0 + a demo domU in QEMU
#                (SYSTEM=dir: the boot-time domains described in dir)
#   make test    set up the host, build, run every unit and system test
#
# Other targets: build, unit, system, hostile, coverage, fuzz, fuzz-smoke,
# bench, lint, format, clean. Modules add themselves through small make fragments (see
# docs/architecture.md, "Build").

SHELL := /bin/bash
.DEFAULT_GOAL := build
# Every rule is spelled out: no suffix rules, and none of make's built-in
# pattern rules (one would "make" a golden X.out by copying directory X).
.SUFFIXES:
%.out: %

CACHE ?= $(HOME)/.cache/sable
export SABLE_CACHE := $(CACHE)
B := build
# Domain files of `make run SYSTEM=dir` name images as ${SABLE_BUILD}/...
export SABLE_BUILD := $(abspath $(B))
CROSS ?= aarch64-linux-gnu-
HOSTCC ?= gcc
CLANG ?= clang
FUZZ_TIME ?= 600
# Debian's python3 (with python3-pytest and python3-pexpect from apt).
PYTHON ?= /usr/bin/python3

WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wvla -Wpointer-arith -Wundef
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
UNIT_CFLAGS := -std=gnu11 -g -O1 $(WARN) $(SAN) -Ihypervisor/include \
	-Itests/unit/harness -Ihypervisor/arch/host $(EXTRA_UNIT_CFLAGS)
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(WARN) \
	-fsanitize=fuzzer,address,undefined -Ihypervisor/include
HOST_ARCH_SRCS := hypervisor/arch/host/alloc.c hypervisor/arch/host/log.c \
	hypervisor/arch/host/guest_access.c
# The arch contract for the whole core on the host (tests/unit/core): the
# core's own allocator (mm.c) and log (console.c) replace alloc.c and log.c.
HOST_CORE_SRCS := hypervisor/arch/host/cpu.c hypervisor/arch/host/platform.c \
	hypervisor/arch/host/ram.c hypervisor/arch/host/p2m_mm.c \
	hypervisor/lib/parse_size.c \
	hypervisor/arch/host/guest_access_s2.c
HOST_CORE_CFLAGS := -Ihypervisor/arch/host/include -Ievtchn -Igrant-tables
UT_SRCS := tests/unit/harness/ut.c
ALL_HEADERS := $(shell find hypervisor/include hypervisor/arch/host \
	hypervisor/core evtchn grant-tables dom0-tools tests/unit -name '*.h' \
	2>/dev/null)

UNIT_TESTS :=
FUZZERS :=
BUILD_TARGETS :=

-include hypervisor/core/p2m.mk
-include hypervisor/vdev/vdev.mk
-include evtchn/evtchn.mk
-include grant-tables/gnttab.mk
-include hypervisor/build.mk
-include guests/build.mk
-include tests/bench/floor/floor.mk
-include $(wildcard dom0-tools/*/build.mk)
-include $(wildcard tests/unit/*/unit.mk)
-include $(wildcard tests/fuzz/*/fuzz.mk)
# Other host tests that run hypervisor/core sources count for its coverage.
COVERAGE_TESTS += $(filter p2m bootdom,$(UNIT_TESTS))
COVERAGE_TESTS := $(sort $(COVERAGE_TESTS))

.PHONY: setup build unit system test run bench lint format format-check \
	coverage fuzz fuzz-smoke clean hostile

setup:
	@bash tests/setup/host-setup.sh

build: $(BUILD_TARGETS)

# ---- host unit tests -------------------------------------------------------
define UNIT_template
$(B)/unit/$(1): $$($(1)_SRCS) $(UT_SRCS) $(ALL_HEADERS)
	@mkdir -p $$(dir $$@)
	$(HOSTCC) $(UNIT_CFLAGS) $$($(1)_CFLAGS) -o $$@ $$($(1)_SRCS) \
		$(UT_SRCS) $$($(1)_LDLIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call UNIT_template,$(t))))

UNIT_BINS := $(addprefix $(B)/unit/,$(UNIT_TESTS))

unit-build: $(UNIT_BINS)

unit: $(UNIT_BINS)
	@$(PYTHON) tests/run_tests.py --unit-only $(UNIT_BINS)

# ---- fuzzers (libFuzzer, clang) --------------------------------------------
define FUZZ_template
$(B)/fuzz/$(1): $$(fuzz_$(1)_SRCS) $(ALL_HEADERS)
	@mkdir -p $$(dir $$@)
	$(CLANG) $(FUZZ_CFLAGS) $$(fuzz_$(1)_CFLAGS) -o $$@ $$(fuzz_$(1)_SRCS)
endef
$(foreach f,$(FUZZERS),$(eval $(call FUZZ_template,$(f))))

FUZZ_BINS := $(addprefix $(B)/fuzz/,$(FUZZERS))

fuzz: setup $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do \
		mkdir -p $(B)/fuzz-corpus/$$(basename $$f); \
		echo "fuzz: $$f for $(FUZZ_TIME)s"; \
		mkdir -p $(B)/fuzz-artifacts; \
		$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			-artifact_prefix=$(B)/fuzz-artifacts/ \
			$(B)/fuzz-corpus/$$(basename $$f); \
	done

fuzz-smoke: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do \
		mkdir -p $(B)/fuzz-artifacts; \
		$$f -max_total_time=10 -artifact_prefix=$(B)/fuzz-artifacts/ \
			>/dev/null 2>&1 || { echo "fuzz: $$f found a crash"; exit 1; }; \
	done

# ---- coverage of the portable modules --------------------------------------
# hypervisor/core (run on the host by tests/unit/core) has its own floor;
# evtchn/ and grant-tables/ keep the report's default.
CORE_COVERAGE_MIN ?= 85
coverage:
	@rm -rf $(B)/cov && mkdir -p $(B)/cov
	@$(MAKE) --no-print-directory B=$(B)/cov \
		SAN="-fsanitize=address,undefined" \
		EXTRA_UNIT_CFLAGS="--coverage" $(addprefix $(B)/cov/unit/,$(COVERAGE_TESTS))
	@for t in $(COVERAGE_TESTS); do $(B)/cov/unit/$$t >/dev/null 2>&1 || \
		echo "coverage: $$t has failing tests (figures cover what ran)"; \
	done
	@$(PYTHON) tests/coverage_report.py $(B)/cov evtchn grant-tables \
		hypervisor/core:$(CORE_COVERAGE_MIN)

# ---- whole-system ----------------------------------------------------------
system: build
	@$(PYTHON) tests/run_tests.py --system-only

test: setup
	@$(MAKE) --no-print-directory build unit-build
	@$(PYTHON) tests/run_tests.py $(UNIT_BINS)

# The hostile suite (docs/security.md): the core and frame-table host tests
# and every attacker guest under QEMU.
HOSTILE_TESTS := $(wildcard tests/system/test_attack_*.py \
	tests/system/test_cpustate.py) \
	tests/system/test_boot.py::test_hostile_guest_gets_errors_and_sable_survives \
	tests/system/test_bootdomains.py::test_hostile_guest_as_a_boot_time_domu

hostile: setup
	@$(MAKE) --no-print-directory build $(B)/unit/core $(B)/unit/page
	@set -o pipefail; $(B)/unit/core | tail -1 && $(B)/unit/page | tail -1
	@$(PYTHON) -m pytest -q $(HOSTILE_TESTS)

# make run SYSTEM=dir: the boot-time domains of a directory of xl.cfg
# files (docs/boot-domains.md), through sable-system and its QEMU command.
SYSTEM_OUT = $(B)/system/$(notdir $(abspath $(SYSTEM)))
run: setup
	@$(MAKE) --no-print-directory build
ifeq ($(SYSTEM),)
	@$(PYTHON) tests/system/qemu.py run
else
	@$(B)/host/sable-system --hypervisor $(B)/sable.bin -o $(SYSTEM_OUT) \
		$(SYSTEM)
	@exec $(SYSTEM_OUT)/run.sh
endif

bench: setup
	@$(MAKE) --no-print-directory build
	@$(PYTHON) tests/bench/bench.py

# ---- hygiene ---------------------------------------------------------------
LINT_SRCS = $(shell git ls-files '*.c' '*.h')

format:
	@clang-format -i $(LINT_SRCS)

format-check:
	@clang-format --dry-run --Werror $(LINT_SRCS)

lint: format-check
	@$(PYTHON) tests/lint.py
	@$(MAKE) --no-print-directory build unit-build

clean:
	rm -rf $(B)
