# The vDSO (framework/vdso/, docs/vdso.md): a small ELF shared object built from C, embedded in
# the kernel image, mapped by the framework into every process (fw/vdso.h).
#
#   framework/vdso/vdso.c  -> build/vdso/vdso.o   (-fPIC -O2, user-mode code: no kernel flags)
#   vdso.lds + vdso.ver    -> build/vdso/vdso.so  (ld.lld -shared: DT_HASH + DT_GNU_HASH,
#                                                  versioned dynamic symbols, no relocations)
#   framework/user/vdso_image.S .incbin's build/vdso/vdso.so into framework.o.
#
# framework/vdso/ is left out of the kernel's own sources (mk/kernel.mk's FW_SRCS).

VDSO_DIR := $(BUILD)/vdso
VDSO_SO := $(VDSO_DIR)/vdso.so
VDSO_CFLAGS := -target x86_64-unknown-linux-gnu -std=gnu17 -ffreestanding -nostdinc \
	-isystem $(RESOURCE_DIR)/include -Iframework -fPIC -O2 -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-builtin -mno-red-zone \
	-mgeneral-regs-only -fcf-protection=none -fvisibility=default -g0 -Wall -Wextra -Werror
VDSO_LDFLAGS := -shared -soname linux-vdso.so.1 --hash-style=both --no-undefined -z noexecstack \
	-z max-page-size=4096 --build-id=sha1 -Bsymbolic

$(VDSO_DIR)/vdso.o: framework/vdso/vdso.c framework/internal/vdso_data.h mk/vdso.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $< (vdso)"
	@$(CC) $(VDSO_CFLAGS) -c $< -o $@

# The checks: no dynamic relocations (nothing would apply them), nothing writable.
$(VDSO_SO): $(VDSO_DIR)/vdso.o framework/vdso/vdso.lds framework/vdso/vdso.ver
	@echo "  LD      $@"
	@$(LD) $(VDSO_LDFLAGS) -T framework/vdso/vdso.lds --version-script framework/vdso/vdso.ver \
		-o $@.tmp $<
	@if llvm-readelf-22 -r $@.tmp | grep -q 'Relocation section'; then \
		echo "vdso.mk: $@ has dynamic relocations"; llvm-readelf-22 -r $@.tmp; exit 1; fi
	@if llvm-readelf-22 -lW $@.tmp | grep -E '^ +LOAD' | grep -q RW; then \
		echo "vdso.mk: $@ has a writable segment"; exit 1; fi
	@mv $@.tmp $@

$(BUILD)/obj/framework/user/vdso_image.S.o: $(VDSO_SO)
