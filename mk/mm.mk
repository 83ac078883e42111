# The memory manager (framework/mm/, framework/arch/x86_64/mm/): host tests of the allocator
# logic and the page-table format under ASan + UBSan. (Its in-kernel tests are ktests, run by
# the kernel's ktest boots in mk/kernel.mk.)
#
#   make test-mmhost    build and run tests/mm/ on the host; writes $(RESULTS)/mmhost.txt

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

.PHONY: test-mmhost
