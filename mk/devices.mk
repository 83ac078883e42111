# Devices (issue #21): PCI, MSI-X, DMA, the virtio transport and rings (framework/io/), the
# drivers (kernel/drivers/) and the block layer (kernel/block/).
#
#   test-devices     one boot of the ktest image with the devices attached (virtio-rng-pci and a
#                    spare one for the hostile-ring test, virtio-blk-pci on a fresh 1 MiB raw
#                    image, virtio-net-pci on QEMU's user-mode network restricted to the guest),
#                    running the `devices` suite, then host checks of the image and of the
#                    kernel's log lines for the hostile ring; the `pci` suite runs in every boot
#   test-devices-iommu  the same on q35 with -device intel-iommu (every virtio device behind
#                    it), plus a second virtio-rng told to DMA into kernel memory: the IOMMU
#                    must block and record it, the page must be unchanged
#   test-devices-blk two boots of busybox on one 8 MiB GPT disk made by sfdisk (tools/sfdisk-gpt.sh):
#                    boot 1 checks /dev/vda* nodes, sizes and ioctls, writes a pattern with
#                    dd (conv=fsync, and sync) and powers off without syncing; the host checks
#                    the image file; boot 2 reads the pattern back, then corrupts both GPT
#                    headers and rescans (no partitions, and the kernel's log line, checked
#                    here) (tests/devices/blk-init)
#   test-vring-host  the split-ring logic on the host under ASan + UBSan, against a simulated
#                    device that lies (tests/io/t_vring.c)

DEV_DIR := $(BUILD)/devices
# The devices of one boot; $(1) = extra device properties (the IOMMU boot needs
# iommu_platform=on, else QEMU's virtio devices bypass the IOMMU), $(2) = the disk image.
DEV_QEMU_ARGS = --qemu-arg=-device --qemu-arg=virtio-rng-pci$(1) \
	--qemu-arg=-device --qemu-arg=virtio-rng-pci$(1) \
	--qemu-arg=-drive --qemu-arg=file=$(2),if=none,id=vd0,format=raw \
	--qemu-arg=-device --qemu-arg=virtio-blk-pci,drive=vd0$(1) \
	--qemu-arg=-netdev --qemu-arg=user,id=n0,restrict=on \
	--qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0$(1)
DEV_IOMMU_PROPS := ,iommu_platform=on,disable-legacy=on
DEV_IOMMU_ARGS := --machine q35 --qemu-arg=-device --qemu-arg=intel-iommu,intremap=off \
	--qemu-arg=-device --qemu-arg=virtio-rng-pci$(DEV_IOMMU_PROPS)

TEST_PARTS += test-devices test-devices-iommu test-devices-blk test-vring-host

# One device boot: $(1) part name, $(2) runner arguments, $(3) disk image. The disk is made
# fresh (seed in sector 1) before the boot and checked after it: the guest's flushed writes
# must be in the file. QEMU reports the IOMMU test's blocked DMA on its console output, which
# the runner reads as QEMU complaining (125): that hint is dropped when the guest finished its
# suite (the verdict is the KTAP either way).
define DEVICES_BOOT
	@mkdir -p $(DEV_DIR) $(RESULTS) $(LOGS)
	@$(PYTHON) tools/mkdisk.py make $(3)
	@size=$$(stat -c %s $(KTEST_CPIO)); \
	 $(QEMU_RUN) --kernel $(KERNEL_IMAGE) --initrd $(KTEST_CPIO) --timeout 60 --quiet \
		--append "console=ttyS0 ktest=devices ktest.initrd_size=$$size" $(2) \
		--log $(LOGS)/$(1).log; \
	 rc=$$?; \
	 if [ $$rc = 125 ] && grep -q 'ktest: done:' $(LOGS)/$(1).log; then rc=0; fi; \
	 $(PYTHON) tools/mkdisk.py check $(3) > $(LOGS)/$(1)-disk.log; \
	 a="not ok"; b="not ok"; \
	 grep -q 'length refused' $(LOGS)/$(1).log && a=ok; \
	 grep -q 'entries ahead of .*ring broken' $(LOGS)/$(1).log && b=ok; \
	 printf 'KTAP version 1\n1..2\n%s 1 oversized_used_length_is_logged\n%s 2 used_index_ahead_is_logged\n' \
		"$$a" "$$b" > $(LOGS)/$(1)-klog.log; \
	 $(KTAP) --part $(1) --out $(RESULTS)/$(1).txt --runner-rc $$rc $(LOGS)/$(1).log \
		$(LOGS)/$(1)-disk.log $(LOGS)/$(1)-klog.log
endef

# pc, no IOMMU: device addresses are physical.
test-devices: $(KERNEL_IMAGE) $(KTEST_CPIO) tools/mkdisk.py
	$(call DEVICES_BOOT,devices,$(call DEV_QEMU_ARGS,,$(DEV_DIR)/disk.img),$(DEV_DIR)/disk.img)

# q35 with the Intel IOMMU and a second virtio-rng that the IOMMU test points at kernel memory.
test-devices-iommu: $(KERNEL_IMAGE) $(KTEST_CPIO) tools/mkdisk.py
	$(call DEVICES_BOOT,devices-iommu,$(DEV_IOMMU_ARGS) \
		$(call DEV_QEMU_ARGS,$(DEV_IOMMU_PROPS),$(DEV_DIR)/disk-iommu.img),$(DEV_DIR)/disk-iommu.img)

# Two boots on one disk: nothing but fsync/sync gets boot 1's writes to the image.
BLK_QEMU_ARGS = --qemu-arg=-drive --qemu-arg=file=$(DEV_DIR)/blk.img,if=none,id=vd0,format=raw \
	--qemu-arg=-device --qemu-arg=virtio-blk-pci,drive=vd0
$(DEV_DIR)/pattern: tools/mkdisk.py
	@mkdir -p $(dir $@)
	@$(PYTHON) tools/mkdisk.py pattern $@
# lsparts: the guest's `fdisk -l`-style listing; fdisk-expected: the host's `fdisk -l` of a
# GPT image made by sfdisk (tools/sfdisk-gpt.sh), as lsparts prints it.
$(DEV_DIR)/lsparts: tests/devices/lsparts.c | deps
	@mkdir -p $(dir $@)
	@$(MUSLCC) -static -O2 -Wall -Wextra -Werror -o $@ $<
$(DEV_DIR)/fdisk-expected: tools/sfdisk-gpt.sh | deps
	@mkdir -p $(dir $@)
	@tools/sfdisk-gpt.sh image $@.img && tools/sfdisk-gpt.sh listing $@.img > $@.tmp && \
		rm -f $@.img && mv $@.tmp $@
$(DEV_DIR)/blk-boot%.cpio: tests/devices/blk-init $(DEV_DIR)/pattern $(DEV_DIR)/lsparts \
		$(DEV_DIR)/fdisk-expected tools/mkinitramfs.py
	@$(MKINITRAMFS) -o $@ --busybox /bin/busybox file:/init=tests/devices/blk-init:0755 \
		file:/pattern=$(DEV_DIR)/pattern:0644 file:/lsparts=$(DEV_DIR)/lsparts:0755 \
		file:/fdisk-expected=$(DEV_DIR)/fdisk-expected:0644 text:/phase=$* dir:/dev dir:/tmp \
		dir:/proc >/dev/null

test-devices-blk: $(KERNEL_IMAGE) $(DEV_DIR)/blk-boot1.cpio $(DEV_DIR)/blk-boot2.cpio tools/mkdisk.py \
		tools/sfdisk-gpt.sh
	@mkdir -p $(DEV_DIR) $(RESULTS) $(LOGS)
	@tools/sfdisk-gpt.sh image $(DEV_DIR)/blk.img
	@for b in 1 2; do \
		$(QEMU_RUN) --kernel $(KERNEL_IMAGE) --initrd $(DEV_DIR)/blk-boot$$b.cpio --timeout 60 \
			--quiet --append 'console=ttyS0' $(BLK_QEMU_ARGS) --log $(LOGS)/devices-blk-$$b.log; \
		if [ $$b = 1 ]; then $(PYTHON) tools/mkdisk.py check-blk $(DEV_DIR)/blk.img \
			$(DEV_DIR)/pattern > $(LOGS)/devices-blk-disk.log; fi; \
	 done; \
	 r="not ok"; grep -q 'partition: vda: protective MBR but no valid GPT' \
		$(LOGS)/devices-blk-2.log && r=ok; \
	 printf 'KTAP version 1\n1..1\n%s 1 corrupt_gpt_is_logged\n' "$$r" > $(LOGS)/devices-blk-klog.log; \
	 $(KTAP) --part devices-blk --out $(RESULTS)/devices-blk.txt $(LOGS)/devices-blk-1.log \
		$(LOGS)/devices-blk-disk.log $(LOGS)/devices-blk-2.log $(LOGS)/devices-blk-klog.log

$(DEV_DIR)/vring-host: framework/io/vring.c framework/internal/vring.h tests/io/t_vring.c \
		tests/lib/host_main.c $(SAFEC_LIB_SRCS) framework/host/port.c $(SAFEC_HDRS)
	@mkdir -p $(dir $@)
	@$(HOSTCC) $(SAFEC_HOST_CFLAGS) $(SAFEC_SAN) -Iframework '-DKT_HOST_SUITE_PREFIX="io_"' -o $@ \
		framework/io/vring.c tests/io/t_vring.c tests/lib/host_main.c $(SAFEC_LIB_SRCS) \
		framework/host/port.c -lpthread

test-vring-host: | deps
	@mkdir -p $(RESULTS) $(LOGS)
	@if $(MAKE) --no-print-directory $(DEV_DIR)/vring-host > $(LOGS)/vring-build.log 2>&1; then \
		VRING_QUIET=1 FW_HOST_QUIET_WARN=1 $(DEV_DIR)/vring-host > $(LOGS)/vring-host.log 2>&1; \
	 else cat $(LOGS)/vring-build.log | head -n 30; \
		printf "KTAP version 1\n1..1\nnot ok 1 vring host tests build (see $(LOGS)/vring-build.log)\n" \
		> $(LOGS)/vring-host.log; fi; \
	 $(KTAP) --part vring-host --out $(RESULTS)/vring-host.txt $(LOGS)/vring-host.log
.PHONY: test-devices test-devices-iommu test-devices-blk test-vring-host
