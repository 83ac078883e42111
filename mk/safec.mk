# The safe-C library (framework/include/fw/ library headers, framework/lib/, framework/host/):
# host tests under ASan+UBSan, a bounded libFuzzer run over the byte/str parsers, and a
# freestanding compile of every library header and source with the service flags.
#
#   make safec-host     build the host test binary and fuzzer
#   make test-safec     run them; writes $(RESULTS)/safec.txt (KTAP via $(KTAP))

SAFEC_DIR      := $(BUILD)/safec
SAFEC_LIB_SRCS := $(sort $(filter-out %_test.c,$(wildcard framework/lib/*.c)))
# The library's tests: ktests in the kernel build (mk/kernel.mk compiles framework/**), host
# tests here (with -DKT_HOST, see framework/lib/ktest_compat.h).
SAFEC_KTESTS   := $(sort $(wildcard framework/lib/*_test.c))
SAFEC_HDRS     := $(sort $(wildcard framework/include/fw/*.h))
SAFEC_LIB_HDRS := bytes.h str.h strbuf.h result.h fmt.h plain.h list.h hash.h tree.h radix.h subtype.h \
	typecache.h refcount.h atomic.h array.h idalloc.h litelock.h libbase.h errno.h
SAFEC_TESTS    := $(SAFEC_KTESTS) $(sort $(wildcard tests/lib/t_*.c))
SAFEC_EXAMPLES := $(sort $(wildcard tests/lib/service-examples/*.c))
SAFEC_FUZZ_SECS ?= 10

# Host: the same headers over libc (framework/host/port.c), sanitizers on, thread-safety
# analysis as errors (including passing pointers to guarded containers).
SAFEC_HOST_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-Wthread-safety -Wthread-safety-pointer -Wno-unused-function -Iframework/include -DKT_HOST
SAFEC_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all

# Kernel-side compile check: the service flags plus the hardening DESIGN.md §2 requires.
SAFEC_KERNEL_CFLAGS = $(SERVICE_CFLAGS) -fsanitize=kcfi -fsanitize=bounds -fsanitize-trap=all \
	-fstrict-flex-arrays=3 -ftrivial-auto-var-init=zero -Werror=thread-safety \
	-Werror=thread-safety-pointer

$(SAFEC_DIR)/host-tests: $(SAFEC_LIB_SRCS) framework/host/port.c framework/host/port.h \
		$(SAFEC_TESTS) tests/lib/host_main.c framework/lib/ktest_compat.h $(SAFEC_EXAMPLES) $(SAFEC_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(SAFEC_HOST_CFLAGS) $(SAFEC_SAN) -o $@ $(SAFEC_LIB_SRCS) framework/host/port.c \
		$(SAFEC_TESTS) $(SAFEC_EXAMPLES) tests/lib/host_main.c -lpthread

# The concurrency tests again under ThreadSanitizer (KT_ONLY=threads).
$(SAFEC_DIR)/host-tests-tsan: $(SAFEC_LIB_SRCS) framework/host/port.c framework/host/port.h \
		$(SAFEC_TESTS) tests/lib/host_main.c framework/lib/ktest_compat.h $(SAFEC_EXAMPLES) $(SAFEC_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(SAFEC_HOST_CFLAGS) -fsanitize=thread -o $@ $(SAFEC_LIB_SRCS) framework/host/port.c \
		$(SAFEC_TESTS) $(SAFEC_EXAMPLES) tests/lib/host_main.c -lpthread

$(SAFEC_DIR)/fuzz-parse: tests/lib/fuzz_parse.c $(SAFEC_LIB_SRCS) framework/host/port.c \
		$(SAFEC_EXAMPLES) $(SAFEC_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(filter-out -DKT_HOST,$(SAFEC_HOST_CFLAGS)) -DSAFEC_FUZZ -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ tests/lib/fuzz_parse.c $(SAFEC_LIB_SRCS) \
		framework/host/port.c $(SAFEC_EXAMPLES)

# Freestanding compile of every library source, every header on its own, and the service
# examples, with the kernel/service flags. Prints one KTAP line per unit.
$(SAFEC_DIR)/freestanding.log: $(SAFEC_LIB_SRCS) $(SAFEC_HDRS) $(SAFEC_EXAMPLES) mk/safec.mk
	@mkdir -p $(SAFEC_DIR)/fs
	@n=0; out=""; for f in $(SAFEC_LIB_SRCS) $(SAFEC_EXAMPLES) $(addprefix framework/include/fw/,$(SAFEC_LIB_HDRS)); do \
		n=$$((n+1)); \
		case $$f in *.h) src="-x c -"; inc="$${f#framework/include/}";; *) src=$$f; inc=;; esac; \
		if echo "#include <$$inc>" | $(CC) $(SAFEC_KERNEL_CFLAGS) -c $$src -o $(SAFEC_DIR)/fs/$$n.o 2>$(SAFEC_DIR)/fs/$$n.err; \
		then out="$$out\nok $$n freestanding $$f"; \
		else out="$$out\nnot ok $$n freestanding $$f"; cat $(SAFEC_DIR)/fs/$$n.err; fi; \
	done; printf "KTAP version 1\n1..$$n$$out\n" > $@

# Compile-fail checks: each tests/lib/compile-fail/*.c must be rejected by the compiler with
# the kernel flags, with the error text its `/* expect-error: ... */` line names. One KTAP
# line per file.
SAFEC_CF := $(sort $(wildcard tests/lib/compile-fail/*.c))
$(SAFEC_DIR)/compile-fail.log: $(SAFEC_CF) $(SAFEC_HDRS) mk/safec.mk
	@mkdir -p $(SAFEC_DIR)/cf
	@n=0; out=""; for f in $(SAFEC_CF); do n=$$((n+1)); \
		want="$$(sed -n 's|^/\* expect-error: \(.*\) \*/$$|\1|p' $$f)"; \
		if $(CC) $(SAFEC_KERNEL_CFLAGS) -c $$f -o $(SAFEC_DIR)/cf/$$n.o 2>$(SAFEC_DIR)/cf/$$n.err; \
		then out="$$out\nnot ok $$n compile_fail $$f (it compiled)"; \
		elif [ -n "$$want" ] && grep -qF "$$want" $(SAFEC_DIR)/cf/$$n.err; \
		then out="$$out\nok $$n compile_fail $$f"; \
		else out="$$out\nnot ok $$n compile_fail $$f (failed, but not with: $$want)"; fi; \
	done; printf "KTAP version 1\n1..$$n$$out\n" > $@

# The checker (tools/safecheck, mk/safecheck.mk) over the service-side examples: the good ones
# pass, each classic unsafe alternative in bad/ is rejected with its rule.
SAFEC_CHECK_EXAMPLES = $(PYTHON) tests/lib/check_examples.py --bin $(SAFECHECK_BIN) --cc $(CC) \
	--flags '$(SERVICE_CFLAGS)' --tree $(SAFEC_DIR)/checktree

safec-host: $(SAFEC_DIR)/host-tests $(SAFEC_DIR)/fuzz-parse
ALL_TARGETS += $(SAFEC_DIR)/host-tests

TEST_PARTS += test-safec
test-safec: | deps $(SAFECHECK_BIN)
	@mkdir -p $(RESULTS) $(LOGS) $(SAFEC_DIR)/corpus
	@rm -f $(SAFEC_DIR)/freestanding.log; \
	 $(MAKE) --no-print-directory $(SAFEC_DIR)/freestanding.log >$(LOGS)/safec-build.log 2>&1; \
	 cp $(SAFEC_DIR)/freestanding.log $(LOGS)/safec-freestanding.log 2>/dev/null; \
	 rm -f $(SAFEC_DIR)/compile-fail.log; \
	 $(MAKE) --no-print-directory $(SAFEC_DIR)/compile-fail.log >>$(LOGS)/safec-build.log 2>&1; \
	 cp $(SAFEC_DIR)/compile-fail.log $(LOGS)/safec-compile-fail.log 2>/dev/null; \
	 if $(MAKE) --no-print-directory $(SAFEC_DIR)/host-tests >>$(LOGS)/safec-build.log 2>&1; then \
		FW_HOST_QUIET_WARN=1 $(SAFEC_DIR)/host-tests > $(LOGS)/safec-host.log 2>&1; \
	 else echo "not ok 1 safec host tests build (see $(LOGS)/safec-build.log)" > $(LOGS)/safec-host.log; fi; \
	 if $(MAKE) --no-print-directory $(SAFEC_DIR)/host-tests-tsan >>$(LOGS)/safec-build.log 2>&1; then \
		KT_ONLY=threads FW_HOST_QUIET_WARN=1 $(SAFEC_DIR)/host-tests-tsan > $(LOGS)/safec-tsan.log 2>&1; \
		grep -q 'WARNING: ThreadSanitizer' $(LOGS)/safec-tsan.log && \
			echo "not ok 99 safec_tsan_report (see $(LOGS)/safec-tsan.log)" >> $(LOGS)/safec-tsan.log; \
	 else echo "not ok 1 safec tsan tests build (see $(LOGS)/safec-build.log)" > $(LOGS)/safec-tsan.log; fi; \
	 if $(MAKE) --no-print-directory $(SAFEC_DIR)/fuzz-parse >>$(LOGS)/safec-build.log 2>&1 && \
	    FW_HOST_QUIET_WARN=1 $(SAFEC_DIR)/fuzz-parse -max_total_time=$(SAFEC_FUZZ_SECS) \
		-seed=1 -rss_limit_mb=1024 -artifact_prefix=$(SAFEC_DIR)/ $(SAFEC_DIR)/corpus tests/lib/fuzz-seeds \
		> $(LOGS)/safec-fuzz-run.log 2>&1; then \
		printf "KTAP version 1\n1..1\nok 1 safec_fuzz_parse %ss: %s\n" $(SAFEC_FUZZ_SECS) \
		  "$$(grep -o 'Done [0-9]* runs' $(LOGS)/safec-fuzz-run.log | tail -n 1)" > $(LOGS)/safec-fuzz.log; \
	 else tail -n 40 $(LOGS)/safec-fuzz-run.log; \
		printf "KTAP version 1\n1..1\nnot ok 1 safec_fuzz_parse (see $(LOGS)/safec-fuzz-run.log)\n" > $(LOGS)/safec-fuzz.log; fi; \
	 $(SAFEC_CHECK_EXAMPLES) > $(LOGS)/safec-checker.log 2>&1; \
	 grep -E '^not ok|^    #' $(LOGS)/safec-checker.log; \
	 cat $(LOGS)/safec-build.log | grep -E ' error: | warning: ' | head -n 40; \
	 $(KTAP) --part safec --out $(RESULTS)/safec.txt $(LOGS)/safec-freestanding.log \
		$(LOGS)/safec-compile-fail.log $(LOGS)/safec-checker.log $(LOGS)/safec-host.log \
		$(LOGS)/safec-tsan.log $(LOGS)/safec-fuzz.log

# Host microbenchmark of the library's hot paths against unchecked C (not part of make test).
$(SAFEC_DIR)/bench-safec: tests/lib/bench_safec.c $(SAFEC_LIB_SRCS) framework/host/port.c $(SAFEC_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iframework/include -o $@ \
		tests/lib/bench_safec.c $(SAFEC_LIB_SRCS) framework/host/port.c
.PHONY: bench-safec
bench-safec: $(SAFEC_DIR)/bench-safec
	@$(SAFEC_DIR)/bench-safec
