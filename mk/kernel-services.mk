# Host tests and fuzzing of the kernel services' logic (kernel/fs, kernel/exec, ...): the same
# service sources the kernel image compiles, built here against the safe-C library's host port
# (framework/host/port.c, -DKT_HOST) under ASan + UBSan, plus bounded libFuzzer runs over the
# parsers that read hostile input (cpio archives, ELF images, #! lines, the initial stack).
#
#   make ksvc-host     build the host test binary and the fuzzer
#   make test-ksvc     run them, and check docs/linux-compat.md is current; writes
#                      $(RESULTS)/ksvc.txt

KSVC_DIR := $(BUILD)/ksvc
# Service sources with no framework dependency beyond the safe-C library (host-buildable).
KSVC_SRCS := $(sort $(wildcard kernel/fs/cpio.c kernel/fs/inflate.c kernel/exec/*.c kernel/random/chacha20.c kernel/fs/vfs/*.c kernel/proc/cmdline.c \
	kernel/vm/object.c))
KSVC_HDRS := $(sort $(shell find kernel/include -name '*.h' 2>/dev/null))
KSVC_TESTS := $(sort $(wildcard tests/kernel/t_*.c))
KSVC_SRCS += kernel/block/partition.c
KSVC_FUZZ_SECS ?= 6
KSVC_CFLAGS = $(SAFEC_HOST_CFLAGS) -Ikernel/include

$(KSVC_DIR)/host-tests: $(KSVC_SRCS) $(KSVC_HDRS) $(KSVC_TESTS) tests/lib/host_main.c tests/kernel/host_sync.c \
		tests/kernel/khost.h $(SAFEC_LIB_SRCS) framework/host/port.c $(SAFEC_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(KSVC_CFLAGS) $(SAFEC_SAN) '-DKT_HOST_SUITE_PREFIX="kernel_"' -o $@ $(KSVC_SRCS) \
		$(KSVC_TESTS) tests/lib/host_main.c $(SAFEC_LIB_SRCS) framework/host/port.c \
		tests/kernel/host_sync.c -lpthread -lz

$(KSVC_DIR)/fuzz: tests/kernel/fuzz_kernel.c $(KSVC_SRCS) $(KSVC_HDRS) tests/kernel/khost.h \
		$(SAFEC_LIB_SRCS) framework/host/port.c $(SAFEC_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(filter-out -DKT_HOST,$(KSVC_CFLAGS)) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ tests/kernel/fuzz_kernel.c $(KSVC_SRCS) \
		$(SAFEC_LIB_SRCS) framework/host/port.c tests/kernel/host_sync.c -lz

# Debian's busybox as an initramfs, read back by the cpio tests.
$(KSVC_DIR)/busybox.cpio: tools/mkinitramfs.py
	@mkdir -p $(dir $@)
	@$(MKINITRAMFS) -o $@ --busybox /bin/busybox text:/etc/issue=Trellis >/dev/null

# The same gzip-compressed by the gzip program, as Debian's initrds are.
$(KSVC_DIR)/busybox.cpio.gz: $(KSVC_DIR)/busybox.cpio
	@gzip -9 -n -c $< > $@

# The GPT image the guest's partition tests use, read back by the parser's host tests.
$(KSVC_DIR)/gpt.img: tools/mkdisk.py
	@mkdir -p $(dir $@)
	@$(PYTHON) tools/mkdisk.py gpt $@

# A static-PIE program for the ELF tests (ET_DYN without PT_INTERP).
$(KSVC_DIR)/static-pie: tests/kernel/hello.c
	@mkdir -p $(dir $@)
	@$(GLIBCC) -O1 -static-pie -o $@ $<

# The Linux compatibility table, generated from the system call table (checked in; the build
# regenerates it, make test fails when the checked-in copy is stale).
docs/linux-compat.md: kernel/syscall/table.c tools/gen-compat.py
	@$(PYTHON) tools/gen-compat.py kernel/syscall/table.c $@
ALL_TARGETS += docs/linux-compat.md

ksvc-host: $(KSVC_DIR)/host-tests $(KSVC_DIR)/fuzz
.PHONY: ksvc-host test-ksvc

TEST_PARTS += test-ksvc
test-ksvc: | deps
	@mkdir -p $(RESULTS) $(LOGS) $(KSVC_DIR)/corpus
	@if $(MAKE) --no-print-directory $(KSVC_DIR)/host-tests $(KSVC_DIR)/busybox.cpio \
		$(KSVC_DIR)/busybox.cpio.gz $(KSVC_DIR)/static-pie \
		$(KSVC_DIR)/gpt.img > $(LOGS)/ksvc-build.log 2>&1; then \
		KHOST_BUSYBOX_CPIO=$(KSVC_DIR)/busybox.cpio KHOST_BUSYBOX_CPIO_GZ=$(KSVC_DIR)/busybox.cpio.gz \
		KHOST_STATIC_PIE=$(KSVC_DIR)/static-pie \
		KHOST_GPT_IMAGE=$(KSVC_DIR)/gpt.img FW_HOST_QUIET_WARN=1 \
			$(KSVC_DIR)/host-tests > $(LOGS)/ksvc-host.log 2>&1; \
	 else grep -E 'error' $(LOGS)/ksvc-build.log | head -n 20; \
		echo "not ok 1 ksvc host tests build (see $(LOGS)/ksvc-build.log)" > $(LOGS)/ksvc-host.log; fi; \
	 if $(MAKE) --no-print-directory $(KSVC_DIR)/fuzz >> $(LOGS)/ksvc-build.log 2>&1 && \
	    FW_HOST_QUIET_WARN=1 $(KSVC_DIR)/fuzz -max_total_time=$(KSVC_FUZZ_SECS) -seed=1 \
		-rss_limit_mb=1024 -max_len=8192 -artifact_prefix=$(KSVC_DIR)/ $(KSVC_DIR)/corpus tests/kernel/fuzz-seeds \
		> $(LOGS)/ksvc-fuzz-run.log 2>&1; then \
		printf "KTAP version 1\n1..1\nok 1 ksvc_fuzz %ss: %s\n" $(KSVC_FUZZ_SECS) \
		  "$$(grep -o 'Done [0-9]* runs' $(LOGS)/ksvc-fuzz-run.log | tail -n 1)" > $(LOGS)/ksvc-fuzz.log; \
	 else tail -n 40 $(LOGS)/ksvc-fuzz-run.log; \
		printf "KTAP version 1\n1..1\nnot ok 1 ksvc_fuzz (see $(LOGS)/ksvc-fuzz-run.log)\n" > $(LOGS)/ksvc-fuzz.log; fi; \
	 if $(PYTHON) tools/gen-compat.py --check > $(LOGS)/ksvc-compat-run.log 2>&1; then \
		printf "KTAP version 1\n1..1\nok 1 ksvc_compat_doc_current\n" > $(LOGS)/ksvc-compat.log; \
	 else cat $(LOGS)/ksvc-compat-run.log; \
		printf "KTAP version 1\n1..1\nnot ok 1 ksvc_compat_doc_current\n" > $(LOGS)/ksvc-compat.log; fi; \
	 $(KTAP) --part ksvc --out $(RESULTS)/ksvc.txt $(LOGS)/ksvc-host.log $(LOGS)/ksvc-fuzz.log \
		$(LOGS)/ksvc-compat.log
