# Trellis — top-level Makefile.
#
# This file only wires the parts together. Every part of the tree (the framework and its
# kernel image, the safety checker, the ABI suites, the benchmark, ...) keeps its rules in its
# own fragment mk/<part>.mk, so parts can be built and changed in parallel without editing each
# other's rules. mk/config.mk (toolchain, paths) and mk/harness.mk (deps, test, run, check) are
# read first; every other fragment is read in name order and registers itself through these
# variables:
#
#   ALL_TARGETS   += files `make all` builds
#   TEST_PARTS    += test-<part>   a target that writes $(RESULTS)/<part>.txt (see tools/results.py)
#   CHECK_TARGETS += fast static checks run by `make check` (the before-stop hook runs it)
#   CLEAN_FILES   += extra paths `make clean` removes (build/ always goes)

.DEFAULT_GOAL := all
ALL_TARGETS :=
TEST_PARTS :=
CHECK_TARGETS :=
CLEAN_FILES :=

include mk/config.mk
include mk/harness.mk
include $(filter-out mk/config.mk mk/harness.mk,$(sort $(wildcard mk/*.mk)))

# Rules whose prerequisites are the registries: defined after every fragment has registered
# (make expands prerequisites when it reads a rule).
all: deps $(ALL_TARGETS)

check: $(CHECK_TARGETS)
	@echo "check: ok"
