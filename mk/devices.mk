# Devices (issue #21): PCI, MSI-X, DMA, the virtio transport and rings (framework/io/), the
# drivers (kernel/drivers/) and the block layer (kernel/block/).
#
#   test-devices     one boot of the ktest image with the devices attached (virtio-rng-pci,
#                    virtio-blk-pci on a fresh 1 MiB raw image), running the `devices` suite,
#                    then a host check of the image; the `pci` suite runs in every ktest boot
#   test-vring-host  the split-ring logic on the host under ASan + UBSan, against a simulated
#                    device that lies (tests/io/t_vring.c)

DEV_DIR := $(BUILD)/devices
DEV_DISK := $(DEV_DIR)/disk.img
DEV_QEMU_ARGS := --qemu-arg=-device --qemu-arg=virtio-rng-pci \
	--qemu-arg=-drive --qemu-arg=file=$(DEV_DISK),if=none,id=vd0,format=raw \
	--qemu-arg=-device --qemu-arg=virtio-blk-pci,drive=vd0

TEST_PARTS += test-devices test-vring-host

# The disk is made fresh (seed in sector 1) before the boot and checked after it: the guest's
# flushed writes must be in the file.
test-devices: $(KERNEL_IMAGE) $(KTEST_CPIO) tools/mkdisk.py
	@mkdir -p $(DEV_DIR) $(RESULTS) $(LOGS)
	@$(PYTHON) tools/mkdisk.py make $(DEV_DISK)
	@size=$$(stat -c %s $(KTEST_CPIO)); \
	 $(QEMU_RUN) --kernel $(KERNEL_IMAGE) --initrd $(KTEST_CPIO) --timeout 60 --quiet \
		--append "console=ttyS0 ktest=devices ktest.initrd_size=$$size" $(DEV_QEMU_ARGS) \
		--log $(LOGS)/devices.log; \
	 rc=$$?; \
	 $(PYTHON) tools/mkdisk.py check $(DEV_DISK) > $(LOGS)/devices-disk.log; \
	 $(KTAP) --part devices --out $(RESULTS)/devices.txt --runner-rc $$rc $(LOGS)/devices.log \
		$(LOGS)/devices-disk.log

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
.PHONY: test-devices test-vring-host
