# Devices (issue #21): PCI, MSI-X, DMA, the virtio transport and rings (framework/io/), the
# drivers (kernel/drivers/) and the block layer (kernel/block/).
#
#   test-devices     one boot of the ktest image with the devices attached (virtio-rng-pci),
#                    running the `devices` suite; the `pci` suite runs in every ktest boot
#   test-vring-host  the split-ring logic on the host under ASan + UBSan, against a simulated
#                    device that lies (tests/io/t_vring.c)

DEV_DIR := $(BUILD)/devices
DEV_QEMU_ARGS := --qemu-arg=-device --qemu-arg=virtio-rng-pci

TEST_PARTS += test-devices test-vring-host

test-devices: $(KERNEL_IMAGE) $(KTEST_CPIO)
	$(call KTEST_BOOT,devices,$(DEV_QEMU_ARGS),ktest=devices)

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
