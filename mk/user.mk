# User mode (issue #7): the user-mode ktests' program, and the hello example kernel.
#
#   tests/user/utest.S       -> build/user/utest.bin (flat, linked at 0x400000), embedded in
#                               framework.o as blob "utest" (framework/arch/x86_64/utest_blob.S)
#   examples/hello/*.c       -> service objects (SERVICE_CFLAGS), joined to framework.o by the
#                               checked $(FW_LINK) step, linked twice like build/trellis (symbol
#                               table) with the blob of examples/hello/user/hello.S (static ELF)
#                               -> build/hello/hello
#   test-hello               boots it under -icount (30 s timeout; guest ns = instructions) and
#                            checks what the user program printed and the null-syscall figure.

USER_ASFLAGS := -target x86_64-unknown-none -Werror

$(BUILD)/user/utest.bin: tests/user/utest.S mk/user.mk
	@mkdir -p $(dir $@)
	@echo "  AS      $< (user)"
	@$(CC) $(USER_ASFLAGS) -c $< -o $(BUILD)/user/utest.o
	@$(LD) -static --no-pie -e _start -Ttext=0x400000 -o $(BUILD)/user/utest.elf $(BUILD)/user/utest.o
	@$(OBJCOPY) -O binary $(BUILD)/user/utest.elf $@

$(BUILD)/obj/framework/arch/x86_64/utest_blob.S.o: $(BUILD)/user/utest.bin

# ---- the hello example ------------------------------------------------------------------------
HELLO_DIR := $(BUILD)/hello
HELLO_IMAGE := $(HELLO_DIR)/hello
HELLO_SRCS := $(sort $(wildcard examples/hello/*.c))
HELLO_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(HELLO_SRCS))

$(BUILD)/obj/examples/%.c.o: examples/%.c mk/user.mk mk/config.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $< (service)"
	@$(CC) $(SERVICE_CFLAGS) $(SERVICE_ARCH_CFLAGS) -MMD -MP -c $< -o $@
-include $(HELLO_OBJS:.o=.d)

# The user program: a static ELF (text, rodata, data in their own segments).
$(HELLO_DIR)/hello-user.elf: examples/hello/user/hello.S mk/user.mk
	@mkdir -p $(dir $@)
	@echo "  AS      $< (user)"
	@$(CC) $(USER_ASFLAGS) -c $< -o $(HELLO_DIR)/hello-user.o
	@$(LD) -static --no-pie -e _start -z separate-code -o $@ $(HELLO_DIR)/hello-user.o

# A blob object: a .fwblob descriptor (fw/blob.h) for $(2) named $(1).
define BLOB_OBJ
	@printf '%s\n' '.section .rodata.fwblob_$(1), "a"' '1: .incbin "$(2)"' '2:' \
		'3: .ascii "$(1)"' '4:' '.section .fwblob, "a"' '.balign 8' \
		'.quad 3b, 4b - 3b, 1b, 2b - 1b' > $(basename $@).S
	@$(CC) $(USER_ASFLAGS) -c $(basename $@).S -o $@
endef

$(HELLO_DIR)/blob.o: $(HELLO_DIR)/hello-user.elf
	$(call BLOB_OBJ,hello,$<)

$(HELLO_DIR)/hello.o: $(BUILD)/framework.o $(HELLO_OBJS)
	@echo "  FW_LINK $@"
	+@$(FW_LINK) $@ $(BUILD)/framework.o $(HELLO_OBJS)

$(HELLO_DIR)/hello.pass1: $(HELLO_DIR)/hello.o $(HELLO_DIR)/blob.o $(KERNEL_LDS)
	@$(LD) $(KERNEL_LDFLAGS) -o $@ $(HELLO_DIR)/hello.o $(HELLO_DIR)/blob.o

$(HELLO_DIR)/fwsyms.o: $(HELLO_DIR)/hello.pass1 tools/fwsyms.py
	@$(PYTHON) tools/fwsyms.py --nm $(NM) --dwarfdump llvm-dwarfdump-22 --symbolizer $(SYMBOLIZER) \
		--root $(CURDIR) $< $(HELLO_DIR)/fwsyms.bin >/dev/null
	@cd $(HELLO_DIR) && $(OBJCOPY) -I binary -O elf64-x86-64 \
		--rename-section .data=.fwsyms,alloc,load,readonly,data,contents \
		--set-section-alignment .fwsyms=8 fwsyms.bin fwsyms.o

# As for build/trellis: the second link must not move any symbol the table describes.
$(HELLO_IMAGE): $(HELLO_DIR)/hello.o $(HELLO_DIR)/blob.o $(HELLO_DIR)/fwsyms.o $(KERNEL_LDS)
	@echo "  LD      $@"
	@$(LD) $(KERNEL_LDFLAGS) -o $@.tmp $(HELLO_DIR)/hello.o $(HELLO_DIR)/blob.o $(HELLO_DIR)/fwsyms.o
	@for f in $(HELLO_DIR)/hello.pass1 $@.tmp; do $(NM) -n $$f | grep -v -e __fwsyms_end \
		-e __kernel_virt_end -e __kernel_phys_end -e _binary_fwsyms | awk '{print $$1, $$3}' \
		> $$f.nm; done
	@cmp -s $(HELLO_DIR)/hello.pass1.nm $@.tmp.nm || \
		{ echo "user.mk: the symbol table moved addresses in $@"; exit 1; }
	@mv $@.tmp $@

ALL_TARGETS += $(HELLO_IMAGE)

# Two boots: QEMU's default CPU (FXSAVE) and -cpu max (XSAVE, SMEP, SMAP), ~1 s each.
TEST_PARTS += test-hello
test-hello: $(HELLO_IMAGE)
	@mkdir -p $(RESULTS) $(LOGS)
	@$(QEMU_RUN) --kernel $(HELLO_IMAGE) --timeout 30 --icount --quiet --append "console=ttyS0" \
		--log $(LOGS)/hello.log; rc=$$?; \
	 $(QEMU_RUN) --kernel $(HELLO_IMAGE) --timeout 30 --icount --cpu max --quiet \
		--append "console=ttyS0" --log $(LOGS)/hello-max.log; rc_max=$$?; \
	 { echo "KTAP version 1"; echo "1..2"; \
	   $(PYTHON) tests/user/check_hello.py --rc $$rc --name default_cpu --index 1 $(LOGS)/hello.log; \
	   $(PYTHON) tests/user/check_hello.py --rc $$rc_max --name cpu_max --index 2 $(LOGS)/hello-max.log; \
	 } > $(LOGS)/hello.ktap; \
	 $(KTAP) --part hello --out $(RESULTS)/hello.txt $(LOGS)/hello.ktap
