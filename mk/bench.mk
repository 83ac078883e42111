# The benchmark part: Trellis and Debian's Linux side by side in the same QEMU (`make bench`).
#
#   make bench            full run: ROUNDS rounds (default 5) of every kernel configuration,
#                         interleaved, one -icount run each, boot-to-init, smallest -m;
#                         updates docs/benchmarks.md and the README's table
#   make bench ROUNDS=1   quick mode (< 3 minutes): one round, no memory search, docs untouched
#   make test-bench       (part of `make test`) host tests of the report code, a build of the
#                         benchmark programs, and a short Linux smoke run of three items
#
# Outputs in build/bench/: results.json, table.txt, ratios.png, ratios.svg, and the serial log
# of every boot. The benchmark programs are static musl binaries (user/bench/); the guest image
# holds them, busybox and the device nodes they use, and is the same for every kernel.

BENCH_DIR    := $(BUILD)/bench
BENCH_BIN    := $(BENCH_DIR)/bin
BENCH_CPIO   := $(BUILD)/initramfs/bench.cpio
BENCH_CFLAGS := -static -O2 -std=gnu11 -Wall -Wextra -Werror
BENCH_SRCS   := $(addprefix user/bench/,main.c harness.c items.c sys.c proc.c thread.c ipc.c fs.c blk.c)
BENCH_HDRS   := $(wildcard user/bench/*.h)
BENCH_DRIVER := $(PYTHON) tools/bench/bench.py
ROUNDS       ?= 5

ALL_TARGETS += $(BENCH_CPIO)

$(BENCH_BIN)/bench: $(BENCH_SRCS) $(BENCH_HDRS) | deps
	@mkdir -p $(dir $@)
	$(MUSLCC) $(BENCH_CFLAGS) -o $@ $(BENCH_SRCS)

$(BENCH_BIN)/nop: user/bench/nop.c | deps
	@mkdir -p $(dir $@)
	$(MUSLCC) $(BENCH_CFLAGS) -o $@ $<

# nop-dyn: the same program linked dynamically (fork_exec_dyn), with ld.so and libc (the
# spec from tests/vm/dyn_spec.py, as the dyn test group).
$(BENCH_BIN)/nop-dyn: user/bench/nop.c | deps
	@mkdir -p $(dir $@)
	$(GLIBCC) -O2 -Wall -Werror -o $@ $<

$(BENCH_BIN)/nop-dyn.spec: $(BENCH_BIN)/nop-dyn tests/vm/dyn_spec.py
	@$(PYTHON) tests/vm/dyn_spec.py /bench/nop-dyn=$(BENCH_BIN)/nop-dyn > $@.tmp && mv $@.tmp $@

# Debian's Linux has virtio-blk as modules: the image carries them for the blk_* items, numbered
# in load order (user/bench/blk.c loads them only when the kernel has no /dev/vda by itself).
BENCH_LINUX_KVER := $(shell ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 | sed 's|.*/vmlinuz-||')
BENCH_MODS := virtio/virtio_ring virtio/virtio virtio/virtio_pci_legacy_dev \
	virtio/virtio_pci_modern_dev virtio/virtio_pci block/virtio_blk
BENCH_MOD_ARGS := $(shell i=0; for m in $(BENCH_MODS); do i=$$((i+1)); \
	f=/lib/modules/$(BENCH_LINUX_KVER)/kernel/drivers/$$m.ko; \
	[ -f $$f ] && echo file:/bench/mod/$$i-$$(basename $$m).ko=$$f:0644; done)

$(BENCH_CPIO): $(BENCH_BIN)/bench $(BENCH_BIN)/nop $(BENCH_BIN)/nop-dyn.spec tools/mkinitramfs.py
	@mkdir -p $(dir $@)
	$(MKINITRAMFS) -o $@ --busybox /bin/busybox --spec $(BENCH_BIN)/nop-dyn.spec \
		file:/init=$(BENCH_BIN)/bench:0755 file:/bench/bench=$(BENCH_BIN)/bench:0755 \
		file:/bench/nop=$(BENCH_BIN)/nop:0755 $(BENCH_MOD_ARGS) dir:/devtmp \
		dev:/dev/console=c:5:1:0600 dev:/dev/null=c:1:3 dev:/dev/zero=c:1:5 \
		dir:/proc dir:/tmp:1777 dir:/root dir:/etc

.PHONY: bench bench-programs test-bench
bench-programs: $(BENCH_CPIO)

# Trellis is built if it can be; when it cannot (yet), its column is reported missing and the
# Linux side still runs.
bench: deps $(BENCH_CPIO) $(LINUX_IMAGE)
	@mkdir -p $(BENCH_DIR)
	@$(MAKE) --no-print-directory $(KERNEL_IMAGE) >$(BENCH_DIR)/trellis-build.log 2>&1 || \
		echo "bench: Trellis did not build (see $(BENCH_DIR)/trellis-build.log); its column is missing"
	$(BENCH_DRIVER) --rounds $(ROUNDS) --linux $(LINUX_IMAGE) --trellis $(KERNEL_IMAGE) \
		--initrd $(BENCH_CPIO) --bench-bin $(BENCH_BIN)/bench --out $(BENCH_DIR) \
		$(if $(BENCH_ITEMS),--items $(BENCH_ITEMS)) \
		$(if $(BENCH_TRELLIS_APPEND),--trellis-append '$(BENCH_TRELLIS_APPEND)') \
		$(if $(filter 1,$(ROUNDS))$(BENCH_ITEMS)$(BENCH_TRELLIS_APPEND),--quick,--update-docs)

# make test's share (about 15 s): host tests of the report code and the driver's watchdog,
# the build of the benchmark programs (a prerequisite), and one short Linux boot running three
# items through the same driver and parser as `make bench`.
TEST_PARTS += test-bench
test-bench: $(BENCH_CPIO) $(LINUX_IMAGE)
	@mkdir -p $(RESULTS) $(LOGS)
	@$(PYTHON) tools/bench/test_bench.py $(BENCH_BIN)/bench > $(LOGS)/bench-host.log 2>&1; \
	 cat $(LOGS)/bench-host.log; \
	 $(BENCH_DRIVER) --smoke --linux $(LINUX_IMAGE) --initrd $(BENCH_CPIO) \
		--bench-bin $(BENCH_BIN)/bench --out $(BENCH_DIR)/smoke > $(LOGS)/bench-smoke.log 2>&1; \
	 cat $(LOGS)/bench-smoke.log; \
	 $(KTAP) --part bench --out $(RESULTS)/bench.txt $(LOGS)/bench-host.log $(LOGS)/bench-smoke.log

# make profile ITEM=fork_exit [BATCHES=20]: one benchmark item on Trellis under -icount with
# the kernel's sampling profiler on (`profile`, framework/panic/profile.c): the functions where
# the kernel spent its instructions, printed at power off (log: build/bench/profile.log).
ITEM ?= fork_exit
BATCHES ?= 20
.PHONY: profile
profile: $(KERNEL_IMAGE) $(BENCH_CPIO) | deps
	@mkdir -p $(BENCH_DIR)
	@$(QEMU_RUN) --kernel $(KERNEL_IMAGE) --initrd $(BENCH_CPIO) --mem 256M --smp 1 --icount \
		--timeout 600 --append 'console=ttyS0 loglevel=7 panic=-1 lockdep=0 heap.poison=0 profile bench_items=$(ITEM) bench_batches=$(BATCHES)' \
		--log $(BENCH_DIR)/profile.log --quiet; \
	 grep -a -E 'profile:|^bench' $(BENCH_DIR)/profile.log | sed 's/^\[ *[0-9.]*\] //'

# make itrace ITEM=epoll_wait NR=epoll_pwait [CALLS=1]: every instruction of one system call
# of a benchmark item, counted by function (tools/itrace.py: QEMU's gdb stub, single steps
# from the syscall entry back to user mode). For short calls, where `make profile` sees little.
NR ?= getppid
CALLS ?= 1
.PHONY: itrace
itrace: $(KERNEL_IMAGE) $(BENCH_CPIO) | deps
	@mkdir -p $(BENCH_DIR)
	@command -v gdb >/dev/null || { apt-get update -qq && apt-get install -y -qq gdb; }
	@timeout 900 $(PYTHON) tools/itrace.py --kernel $(KERNEL_IMAGE) --initrd $(BENCH_CPIO) \
		--item $(ITEM) --nr $(NR) --calls $(CALLS) --skip 50 --out $(BENCH_DIR)/itrace.txt
