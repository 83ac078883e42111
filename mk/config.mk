# Toolchain and paths shared by every fragment.
#
# Services and the framework are built with clang-22 only (DESIGN.md §2: clang-19 ignores
# counted_by on pointer fields). Host tools and host tests also use clang-22 so sanitizers match.

CC       := clang-22
LD       := ld.lld-22
OBJCOPY  := llvm-objcopy-22
OBJDUMP  := llvm-objdump-22
NM       := llvm-nm-22
AR       := llvm-ar-22
SYMBOLIZER := llvm-symbolizer-22
PYTHON   := python3
HOSTCC   := clang-22
MUSLCC   := musl-gcc
GLIBCC   := gcc

BUILD    := build
RESULTS  := $(BUILD)/results
LOGS     := $(BUILD)/logs

# The one QEMU runner and the one initramfs builder (tests, make run, make bench).
QEMU_RUN    := $(PYTHON) tools/qemu-run.py
MKINITRAMFS := $(PYTHON) tools/mkinitramfs.py
KTAP        := $(PYTHON) tools/ktap.py
RECORD      := $(PYTHON) tools/results.py record

# The Trellis kernel image (built by mk/kernel.mk) and Debian's Linux, uncompressed for PVH.
KERNEL_IMAGE := $(BUILD)/trellis
LINUX_IMAGE  := $(BUILD)/linux/vmlinux

# Jobs for the test parts (QEMU under TCG is single-threaded: two runs fit two cores).
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# --- contracts between fragments ----------------------------------------------------------------
# Compile flags for services (kernel/, examples/). mk/safecheck.mk (the checker's part) owns the
# real set and overrides this provisional one; mk/kernel.mk compiles service code with it.
SERVICE_CFLAGS = -target x86_64-unknown-none -ffreestanding -nostdinc -isystem $(shell $(CC) -print-resource-dir)/include \
	-mno-red-zone -mcmodel=kernel -fno-pic -fno-pie -fno-omit-frame-pointer -O2 -g -Wall -Wextra -Werror \
	-Iframework/include -Ikernel/include

# The link step that joins services to the pre-linked framework:
#   $(FW_LINK) OUT.o FRAMEWORK.o SERVICE.o...
# mk/safecheck.mk replaces this provisional `ld -r` with the checked step (framework symbols
# outside its export list made local; a service object that needs a non-exported symbol fails).
FW_LINK = $(LD) -r -o
