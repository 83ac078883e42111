# The memory manager (framework/mm/, framework/arch/x86_64/mm/): host tests of the allocator
# logic and the page-table format under ASan + UBSan, and the `mm` ktest suite booted with
# memory sizes other than the runner's default 256 MiB. (All ktests, mm included, also run in
# the kernel's ktest boots of mk/kernel.mk.)
#
#   make test-mmhost    build and run tests/mm/ on the host; writes $(RESULTS)/mmhost.txt
#   make test-mmsizes   `ktest=mm` with -m 48M (little RAM), -m 5G (RAM above 4 GiB: the
#                       frame allocator's high ranges, a direct map past 4 GiB) and q35 with
#                       -m 3G (another memory map: 2 GiB low, PCIe window reserved), 60 s each;
#                       writes $(RESULTS)/mmsizes.txt

MM_HOST_SRCS := framework/mm/buddy.c framework/mm/memmap.c framework/mm/slab.c \
	framework/arch/x86_64/mm/pt.c
MM_HOST_TESTS := $(sort $(wildcard tests/mm/*.c))
MM_HOST_HDRS := $(wildcard framework/mm/*.h framework/arch/x86_64/mm/*.h tests/mm/*.h)
MM_HOST_CFLAGS := -std=gnu17 -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-Wno-unused-parameter -fsanitize=address,undefined -fno-sanitize-recover=all \
	-Iframework -Itests/mm

$(BUILD)/host/mm-tests: $(MM_HOST_SRCS) $(MM_HOST_TESTS) $(MM_HOST_HDRS) mk/mm.mk
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(HOSTCC) $(MM_HOST_CFLAGS) -o $@ $(MM_HOST_SRCS) $(MM_HOST_TESTS)

TEST_PARTS += test-mmhost
test-mmhost: $(BUILD)/host/mm-tests
	@mkdir -p $(RESULTS) $(LOGS)
	@$(BUILD)/host/mm-tests > $(LOGS)/mmhost.log 2>&1; cat $(LOGS)/mmhost.log; \
	 $(KTAP) --part mmhost --out $(RESULTS)/mmhost.txt $(LOGS)/mmhost.log

TEST_PARTS += test-mmsizes
MM_SIZES := 48M:pc 5G:pc 3G:q35
test-mmsizes: $(KERNEL_IMAGE)
	@mkdir -p $(RESULTS) $(LOGS)
	@rc=0; logs=; for spec in $(MM_SIZES); do \
		mem=$${spec%%:*}; machine=$${spec##*:}; log=$(LOGS)/mmsizes-$$mem-$$machine.log; \
		$(QEMU_RUN) --kernel $(KERNEL_IMAGE) --mem $$mem --machine $$machine --timeout 60 \
			--quiet --append "console=ttyS0 ktest=mm" --log $$log; \
		r=$$?; [ $$r -eq 0 ] || rc=$$r; logs="$$logs $$log"; \
	 done; \
	 $(KTAP) --part mmsizes --out $(RESULTS)/mmsizes.txt --runner-rc $$rc $$logs

.PHONY: test-mmhost test-mmsizes
