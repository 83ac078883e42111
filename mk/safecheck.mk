# The safe-C checker, the service compile flags and the checked link step (issue #3).
#
# - SERVICE_CFLAGS: the flags every service file (kernel/, examples/) is compiled with; read
#   by mk/kernel.mk. docs/safety.md says what each one enforces.
# - FW_LINK OUT.o FRAMEWORK.o SERVICE.o...: runs the checker over every service file, then
#   tools/fwlink.py (framework symbols outside its export list made local; a service object
#   needing a non-exported symbol fails the build).
# - make check-safety: the checker over every service file (part of `make check`);
#   make check-fw-includes: no framework file includes a kernel/ header;
#   make test-safecheck: the checker's corpus, the real tree and the link step, as KTAP;
#   make tcb: framework vs service lines and the framework's raw-operation sites.

SAFECHECK_DIR := $(BUILD)/safecheck
SAFECHECK_BIN ?= $(SAFECHECK_DIR)/safecheck
SAFECHECK_DB := $(BUILD)/compile_commands.json
LLVM_CONFIG := llvm-config-22
CLANG_RESOURCE := $(shell $(CC) -print-resource-dir)

# Service compile flags. Order: target and freestanding environment; hardening; errors.
SERVICE_CFLAGS = -target x86_64-unknown-none-elf -ffreestanding -nostdinc \
	-isystem $(CLANG_RESOURCE)/include \
	-mno-red-zone -mcmodel=kernel -fno-pic -fno-pie -mgeneral-regs-only \
	-fno-omit-frame-pointer -O2 -g \
	-fsanitize=kcfi \
	-fsanitize=bounds,pointer-overflow,shift,integer-divide-by-zero,unreachable,vla-bound,builtin \
	-fsanitize-trap=all -fstrict-flex-arrays=3 \
	-ftrivial-auto-var-init=zero \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fwrapv \
	-Wall -Wextra -Werror \
	-Wthread-safety -Werror=thread-safety -Wthread-safety-pointer -Werror=thread-safety-pointer \
	-Wframe-larger-than=2048 -Werror=frame-larger-than \
	-Werror=incompatible-pointer-types -Werror=incompatible-function-pointer-types \
	-Werror=incompatible-pointer-types-discards-qualifiers \
	-Werror=int-conversion -Werror=int-to-pointer-cast \
	-Werror=return-stack-address -Werror=return-type \
	-Werror=implicit-function-declaration -Werror=implicit-int \
	-Werror=strict-prototypes -Werror=deprecated-non-prototype \
	-Werror=format -Werror=format-security \
	-Wimplicit-fallthrough -Werror=implicit-fallthrough \
	-Wvla -Werror=vla \
	-Iframework/include -Ikernel/include

# Symbols the compiler itself references from service code (not declared in any header):
# the stack protector's guard and failure handler, and the block copies it may emit for
# struct assignment and zero initialisation. The framework must define and export them.
FW_COMPILER_EXPORTS := __stack_chk_guard __stack_chk_fail memcpy memset memmove

FW_LINK = $(MAKE) --no-print-directory -s safecheck-gate && \
	$(PYTHON) tools/fwlink.py --exports-cmd '$(SAFECHECK_BIN) --exports -p $(BUILD)' \
	--extra-exports '$(FW_COMPILER_EXPORTS)' --ld $(LD) --objcopy $(OBJCOPY) --nm $(NM) --

.PHONY: check-safety check-fw-includes safecheck-gate test-safecheck tcb FORCE
CHECK_TARGETS += check-safety check-fw-includes
TEST_PARTS += test-safecheck
ALL_TARGETS += $(SAFECHECK_BIN)

SAFECHECK_SRCS := $(sort $(wildcard tools/safecheck/*.c))
$(SAFECHECK_BIN): $(SAFECHECK_SRCS) tools/safecheck/safecheck.h
	@mkdir -p $(dir $@)
	$(HOSTCC) -O2 -g -Wall -Wextra -Werror -Wmissing-prototypes -I$(shell $(LLVM_CONFIG) --includedir) \
		$(SAFECHECK_SRCS) -o $@ \
		-L$(shell $(LLVM_CONFIG) --libdir) -lclang -Wl,-rpath,$(shell $(LLVM_CONFIG) --libdir)

# Rewritten only when the file list or the flags change.
$(SAFECHECK_DB): FORCE
	@$(PYTHON) tools/safecheck/compdb.py --root . --out $@ --cc $(CC) --flags '$(SERVICE_CFLAGS)'

check-safety: $(SAFECHECK_BIN) $(SAFECHECK_DB)
	@$(SAFECHECK_BIN) -p $(BUILD) --all

check-fw-includes:
	@$(PYTHON) tools/safecheck/fw_includes.py .

safecheck-gate: check-safety check-fw-includes

test-safecheck: $(SAFECHECK_BIN) $(SAFECHECK_DB)
	@mkdir -p $(RESULTS) $(LOGS)
	@$(PYTHON) tools/safecheck/tests/run_tests.py --bin $(SAFECHECK_BIN) --cc $(CC) \
		--flags '$(SERVICE_CFLAGS)' --make '$(MAKE)' > $(LOGS)/safecheck.log 2>&1; \
	 cat $(LOGS)/safecheck.log; \
	 $(KTAP) --part safecheck --out $(RESULTS)/safecheck.txt $(LOGS)/safecheck.log

tcb: $(SAFECHECK_BIN)
	@$(PYTHON) tools/tcb.py --bin $(SAFECHECK_BIN) --cc $(CC) --flags '$(SERVICE_CFLAGS)'

# Every raw operation in framework/ carries its SAFETY comment (DESIGN.md §2): `make check`
# fails, naming the sites, when one does not.
# The audit parses every framework file: it runs again only when a framework file, the checker
# or the audit changed since it last passed (a stamp), so `make check` stays fast.
CHECK_TARGETS += check-safety-comments
TCB_CHECK_INPUTS := $(sort $(shell find framework -path framework/host -prune -o \
	\( -name '*.c' -o -name '*.S' -o -name '*.h' \) -print)) tools/tcb.py
.PHONY: check-safety-comments
check-safety-comments: $(BUILD)/tcb-check.ok
$(BUILD)/tcb-check.ok: $(SAFECHECK_BIN) $(TCB_CHECK_INPUTS)
	@mkdir -p $(BUILD)
	@rm -f $@
	@$(PYTHON) tools/tcb.py --bin $(SAFECHECK_BIN) --cc $(CC) --flags '$(SERVICE_CFLAGS)' \
		--require-safety --list 50 > $(BUILD)/tcb-check.log 2>&1 || \
		{ grep -A60 "without a SAFETY" $(BUILD)/tcb-check.log; exit 1; }
	@touch $@

TEST_PARTS += test-safety-comments
.PHONY: test-safety-comments
test-safety-comments: $(SAFECHECK_BIN)
	@mkdir -p $(RESULTS)
	@if $(MAKE) --no-print-directory -s check-safety-comments; then \
		$(RECORD) --part safety-comments --out $(RESULTS)/safety-comments.txt --passed 1; \
	 else \
		$(RECORD) --part safety-comments --out $(RESULTS)/safety-comments.txt --failed 1 \
			--note "framework raw-operation sites without a SAFETY comment: see make tcb"; \
	 fi
