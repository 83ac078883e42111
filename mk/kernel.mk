# The kernel image (build/trellis): the framework, the services of kernel/, and the in-kernel
# tests, plus the host tests of framework logic.
#
#   framework/**/*.{c,S}  -> build/obj/...  (FW_CFLAGS; *_test.c files also get CHECK_CFLAGS,
#                                            the bounds/overflow traps services are built with)
#                         -> build/framework.o            (ld -r)
#   kernel/**/*.c         -> build/obj/...  (SERVICE_CFLAGS from mk/config.mk / the checker)
#   $(FW_LINK) build/kernel.o build/framework.o <service objects>  (the checked link step)
#   ld.lld -T kernel.ld   -> build/trellis.pass1  (empty .fwsyms)
#   tools/fwsyms.py       -> build/fwsyms.bin     (symbol + line tables from pass 1)
#   ld.lld -T kernel.ld   -> build/trellis        (same addresses, table filled; checked)
#
# Tests: test-ktest boots the image with `ktest=all` under QEMU's default CPU, test-ktest-max
# under `-cpu max` (SMEP/SMAP/PCID...) with 2 CPUs, test-ktest-hpet runs the time suite with the
# HPET as clock source (the TSC fallback), test-ktest-grub boots through GRUB and Multiboot2,
# each with a 60 s timeout; test-fwhost runs host tests of
# the trap decoders and the symbol table generator, and boots the runner's deliberately failing
# selftest_* suites to check that crashes, short plans and hangs are counted as failures.

KERNEL_LDS := framework/arch/x86_64/kernel.ld
RESOURCE_DIR := $(shell $(CC) -print-resource-dir)

FW_CFLAGS := -target x86_64-unknown-none -std=gnu17 -ffreestanding -nostdinc \
	-isystem $(RESOURCE_DIR)/include -mno-red-zone -mgeneral-regs-only -mcmodel=kernel \
	-fno-pic -fno-pie -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fno-stack-protector -fno-common -fsanitize=kcfi \
	-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Iframework -Iframework/include
FW_ASFLAGS := -target x86_64-unknown-none -Iframework -g -Werror
# What compiler-inserted checks the framework's own ktests are built with (the ones services
# get): trapping bounds and integer-overflow checks, one trap per check site.
CHECK_CFLAGS := -fsanitize=array-bounds,signed-integer-overflow,shift,integer-divide-by-zero \
	-fsanitize-trap=all -fno-sanitize-merge
# Service objects additionally need what the framework assumes of every kernel object: no
# SSE (the kernel does not save FPU state) and kCFI hashes on every function (the framework
# calls service function pointers, e.g. ktests, with kCFI checks).
SERVICE_ARCH_CFLAGS := -mgeneral-regs-only -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fsanitize=kcfi
KERNEL_LDFLAGS := -nostdlib -static --no-pie -z max-page-size=4096 -z noexecstack \
	--build-id=none -T $(KERNEL_LDS)

FW_SRCS := $(sort $(shell find framework \( -path framework/host -o -path framework/vdso \) -prune -o \( -name '*.c' -o -name '*.S' \) -print))
FW_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(FW_SRCS))
SVC_SRCS := $(sort $(shell find kernel -name '*.c' 2>/dev/null))
SVC_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(SVC_SRCS))

$(BUILD)/obj/framework/%_test.c.o: EXTRA_CFLAGS = $(CHECK_CFLAGS)

$(BUILD)/obj/framework/%.c.o: framework/%.c mk/kernel.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(FW_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/framework/%.S.o: framework/%.S mk/kernel.mk
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(FW_ASFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/kernel/%.c.o: kernel/%.c mk/kernel.mk mk/config.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $< (service)"
	@$(CC) $(SERVICE_CFLAGS) $(SERVICE_ARCH_CFLAGS) -MMD -MP -c $< -o $@

-include $(FW_OBJS:.o=.d) $(SVC_OBJS:.o=.d)

$(BUILD)/framework.o: $(FW_OBJS)
	@echo "  LD -r   $@"
	@$(LD) -r -o $@ $(FW_OBJS)

$(BUILD)/kernel.o: $(BUILD)/framework.o $(SVC_OBJS)
	@echo "  FW_LINK $@"
	+@$(FW_LINK) $@ $(BUILD)/framework.o $(SVC_OBJS)

$(BUILD)/trellis.pass1: $(BUILD)/kernel.o $(KERNEL_LDS)
	@echo "  LD      $@"
	@$(LD) $(KERNEL_LDFLAGS) -o $@ $(BUILD)/kernel.o

$(BUILD)/fwsyms.o: $(BUILD)/trellis.pass1 tools/fwsyms.py
	@echo "  FWSYMS  $@"
	@$(PYTHON) tools/fwsyms.py --nm $(NM) --dwarfdump llvm-dwarfdump-22 --symbolizer $(SYMBOLIZER) --root $(CURDIR) \
		$< $(BUILD)/fwsyms.bin >/dev/null
	@cd $(BUILD) && $(OBJCOPY) -I binary -O elf64-x86-64 \
		--rename-section .data=.fwsyms,alloc,load,readonly,data,contents \
		--set-section-alignment .fwsyms=8 fwsyms.bin fwsyms.o

# The second link must not move anything but the table's end: compare every text/data symbol.
$(KERNEL_IMAGE): $(BUILD)/kernel.o $(BUILD)/fwsyms.o $(KERNEL_LDS)
	@echo "  LD      $@"
	@$(LD) $(KERNEL_LDFLAGS) -o $@.tmp $(BUILD)/kernel.o $(BUILD)/fwsyms.o
	@$(NM) -n $(BUILD)/trellis.pass1 | grep -v -e __fwsyms_end -e __kernel_virt_end -e __kernel_phys_end \
		-e _binary_fwsyms | awk '{print $$1, $$3}' > $(BUILD)/trellis.pass1.nm
	@$(NM) -n $@.tmp | grep -v -e __fwsyms_end -e __kernel_virt_end -e __kernel_phys_end \
		-e _binary_fwsyms | awk '{print $$1, $$3}' > $(BUILD)/trellis.nm
	@cmp -s $(BUILD)/trellis.pass1.nm $(BUILD)/trellis.nm || \
		{ echo "kernel.mk: the symbol table moved addresses (see $(BUILD)/trellis*.nm)"; exit 1; }
	@mv $@.tmp $@

ALL_TARGETS += $(KERNEL_IMAGE)

# ---- tests ----------------------------------------------------------------------------------
KTEST_CPIO := $(BUILD)/initramfs/ktest.cpio
$(KTEST_CPIO): tools/mkinitramfs.py
	@mkdir -p $(dir $@)
	@$(MKINITRAMFS) -o $@ text:/ktest/hello=trellis-ktest-initrd dir:/dev >/dev/null

# One ktest boot: $(1) = part name, $(2) = extra runner arguments, $(3) = extra command line.
define KTEST_BOOT
	@mkdir -p $(RESULTS) $(LOGS)
	@size=$$(stat -c %s $(KTEST_CPIO)); \
	 $(QEMU_RUN) --kernel $(KERNEL_IMAGE) --initrd $(KTEST_CPIO) --timeout 60 --quiet \
		--append "console=ttyS0 ktest=all ktest.initrd_size=$$size $(3)" $(2) \
		--log $(LOGS)/$(1).log; \
	 rc=$$?; \
	 $(KTAP) --part $(1) --out $(RESULTS)/$(1).txt --runner-rc $$rc $(LOGS)/$(1).log
endef

# The Multiboot2 path: GRUB (grub-mkrescue, BIOS) loads build/trellis and the cpio as a module
# from a CD image; the boot suite then checks the command line, initrd and memory map GRUB gave.
GRUB_ISO := $(BUILD)/grub/trellis.iso
$(GRUB_ISO): $(KERNEL_IMAGE) $(KTEST_CPIO) mk/kernel.mk
	@rm -rf $(BUILD)/grub/iso && mkdir -p $(BUILD)/grub/iso/boot/grub
	@cp $(KERNEL_IMAGE) $(BUILD)/grub/iso/boot/trellis
	@cp $(KTEST_CPIO) $(BUILD)/grub/iso/boot/initrd.cpio
	@size=$$(stat -c %s $(KTEST_CPIO)); \
	 printf '%s\n' 'set timeout=0' 'serial --unit=0 --speed=115200' 'terminal_output serial' \
		'menuentry "Trellis" {' \
		"  multiboot2 /boot/trellis console=ttyS0 ktest=all ktest.initrd_size=$$size" \
		'  module2 /boot/initrd.cpio initrd' '}' > $(BUILD)/grub/iso/boot/grub/grub.cfg
	@echo "  GRUB    $@"
	@grub-mkrescue -o $@ $(BUILD)/grub/iso >$(BUILD)/grub/mkrescue.log 2>&1 || \
		{ cat $(BUILD)/grub/mkrescue.log; exit 1; }

TEST_PARTS += test-ktest test-ktest-max test-ktest-hpet test-ktest-grub test-fwhost
test-ktest: $(KERNEL_IMAGE) $(KTEST_CPIO)
	$(call KTEST_BOOT,ktest,,)
test-ktest-max: $(KERNEL_IMAGE) $(KTEST_CPIO)
	$(call KTEST_BOOT,ktest-max,--cpu max --smp 2,)
# The TSC fallback: the whole boot and the time suite on the HPET clock source.
test-ktest-hpet: $(KERNEL_IMAGE) $(KTEST_CPIO)
	$(call KTEST_BOOT,ktest-hpet,,clock=hpet ktest=time)

FWHOST_CFLAGS := -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all \
	-Iframework -Iframework/include
$(BUILD)/host/test_decode: tests/framework/test_decode.c framework/arch/x86_64/decode.c \
		framework/internal/decode.h
	@mkdir -p $(dir $@)
	@$(HOSTCC) $(FWHOST_CFLAGS) -o $@ tests/framework/test_decode.c framework/arch/x86_64/decode.c

test-ktest-grub: $(GRUB_ISO)
	@mkdir -p $(RESULTS) $(LOGS)
	@$(QEMU_RUN) --cdrom $(GRUB_ISO) --timeout 60 --quiet --log $(LOGS)/ktest-grub.log; \
	 rc=$$?; \
	 grep -q 'boot: protocol Multiboot2' $(LOGS)/ktest-grub.log || \
		echo 'not ok 1 booted_through_multiboot2' >> $(LOGS)/ktest-grub.log; \
	 $(KTAP) --part ktest-grub --out $(RESULTS)/ktest-grub.txt --runner-rc $$rc $(LOGS)/ktest-grub.log

test-fwhost: $(BUILD)/host/test_decode tests/framework/test_fwsyms.py tests/framework/test_runner.py \
		$(BUILD)/trellis.pass1 $(KERNEL_IMAGE)
	@mkdir -p $(RESULTS) $(LOGS)
	@{ $(BUILD)/host/test_decode; \
	   $(PYTHON) tests/framework/test_fwsyms.py $(BUILD)/trellis.pass1; \
	   $(PYTHON) tests/framework/test_runner.py $(KERNEL_IMAGE) $(LOGS); } > $(LOGS)/fwhost.log 2>&1; \
	 $(KTAP) --part fwhost --out $(RESULTS)/fwhost.txt $(LOGS)/fwhost.log
