# The harness: dependency installer, `make test`, `make check`, `make run`, Linux image
# extraction, and the harness's own self-tests.

.PHONY: all deps test check run clean test-harness linux-image

# Installs every missing Debian package; fast when nothing is missing.
deps:
	@scripts/install-deps.sh

# Run every registered test part (failures in one do not stop the others), then sum their
# result files. The last line printed is `N passed, N failed`.
test: deps
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS) $(LOGS)
	@# the checker first, alone: parts and the kernel build's sub-makes all use it, and a fresh
	@# clone's parallel parts ran it while a sub-make was still linking it (safec: EACCES)
	@$(MAKE) --no-print-directory $(SAFECHECK_BIN) >/dev/null 2>&1 || true
	@$(MAKE) --no-print-directory -k -j$(TEST_JOBS) --output-sync=target $(TEST_PARTS) || true
	@$(PYTHON) tools/results.py summary $(RESULTS) $(patsubst test-%,%,$(TEST_PARTS))

# Boot Trellis interactively on this terminal (Ctrl-A X quits QEMU), with a scratch disk
# (/dev/vda: a 64 MiB GPT image made once, kept between runs; RUN_DISK= to use another) and a
# virtio NIC on QEMU's user-mode network. lockdep=0: no lock-order check (make test boots keep it on).
RUN_INITRAMFS := $(BUILD)/initramfs/run.cpio
RUN_APPEND ?= console=ttyS0 lockdep=0 heap.poison=0
RUN_DISK ?= $(BUILD)/run-disk.img
RUN_DEVICES = --qemu-arg=-drive --qemu-arg=file=$(RUN_DISK),if=none,id=vd0,format=raw \
	--qemu-arg=-device --qemu-arg=virtio-blk-pci,drive=vd0 \
	--qemu-arg=-netdev --qemu-arg=user,id=n0 --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0
run: deps $(KERNEL_IMAGE) $(RUN_INITRAMFS) | $(RUN_DISK)
	$(QEMU_RUN) --kernel $(KERNEL_IMAGE) --initrd $(RUN_INITRAMFS) --append '$(RUN_APPEND)' \
		--interactive --smp 2 --timeout 0 $(RUN_DEVICES)

$(RUN_DISK):
	@mkdir -p $(dir $@)
	$(PYTHON) tools/mkdisk.py gpt $@ 64

# The interactive image: Debian's busybox-static with its applet links and a shell as init,
# plus Debian's bash-static as /bin/bash-static and /bin/bash (issue #19: bash's job control
# on the console; tests/boot/tty_shell.py starts /bin/bash-static). scripts/install-deps.sh
# installs the package; the path is looked up when the spec is written, after `deps` ran (a
# parse-time $(wildcard) would miss a package that `deps` installs in the same make run), and
# a host without it fails the build instead of quietly putting another bash in the image.
RUN_BASH_STATIC := /bin/bash-static
RUN_BASH_SPEC := $(BUILD)/run/bash.spec
$(RUN_BASH_SPEC): mk/harness.mk scripts/install-deps.sh | deps
	@mkdir -p $(dir $@)
	@if [ ! -x $(RUN_BASH_STATIC) ]; then \
	   echo "run image: $(RUN_BASH_STATIC) missing (Debian package bash-static; scripts/install-deps.sh installs it)" >&2; \
	   exit 1; fi
	@printf '%s\n' "file:/bin/bash-static=$(RUN_BASH_STATIC):0755" "sym:/bin/bash=bash-static" > $@.tmp && mv $@.tmp $@

$(RUN_INITRAMFS): tools/mkinitramfs.py user/run/init $(RUN_BASH_SPEC) | deps
	@mkdir -p $(dir $@)
	$(MKINITRAMFS) -o $@ --busybox /bin/busybox --spec $(RUN_BASH_SPEC) \
		file:/init=user/run/init:0755 dir:/proc dir:/sys dir:/dev dir:/tmp dir:/root dir:/etc

# Debian's own kernel, uncompressed, so QEMU can boot it through the PVH entry.
linux-image: $(LINUX_IMAGE)
$(LINUX_IMAGE): tools/extract-vmlinux.py | deps
	@mkdir -p $(dir $@)
	$(PYTHON) tools/extract-vmlinux.py "$$(ls /boot/vmlinuz-* | sort -V | tail -n 1)" $@

clean:
	rm -rf $(BUILD) $(CLEAN_FILES)

# --- the harness's own tests ------------------------------------------------------------------
# Host checks of the initramfs builder, the KTAP parser and the aggregator, plus one boot of
# Debian's Linux through the runner with a one-line KTAP init: proves runner, Linux extraction
# and initramfs builder together on the CI machine.
TEST_PARTS += test-harness
HARNESS_CPIO := $(BUILD)/initramfs/harness-linux.cpio
$(HARNESS_CPIO): tools/mkinitramfs.py tests/harness/linux-init
	@mkdir -p $(dir $@)
	$(MKINITRAMFS) -o $@ --busybox /bin/busybox file:/init=tests/harness/linux-init:0755 dir:/proc dir:/dev

test-harness: $(HARNESS_CPIO) $(LINUX_IMAGE)
	@mkdir -p $(RESULTS) $(LOGS)
	@$(PYTHON) tests/harness/test_tools.py > $(LOGS)/harness-host.log 2>&1; \
	 rc=$$?; cat $(LOGS)/harness-host.log; \
	 $(QEMU_RUN) --kernel $(LINUX_IMAGE) --initrd $(HARNESS_CPIO) --timeout 60 \
		--append 'console=ttyS0 quiet panic=-1 no_timer_check' --log $(LOGS)/harness-linux.log >/dev/null; \
	 qrc=$$?; \
	 $(KTAP) --part harness --out $(RESULTS)/harness.txt --runner-rc $$qrc \
		$(LOGS)/harness-host.log $(LOGS)/harness-linux.log
