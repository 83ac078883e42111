# The console's terminal layer (kernel/dev/tty/ldisc.c, blocking console reads, poll): `make run`'s
# interactive shell, proved by typing at it.
#
#   test-tty-shell  host tests of the line discipline (ASan + UBSan), then `make run`'s image
#                   booted through the runner's socket console: tests/boot/tty_shell.py waits
#                   for the prompt, types commands, checks their output and that the guest
#                   ends; writes $(RESULTS)/tty-shell.txt

TTY_DIR := $(BUILD)/tty

$(TTY_DIR)/host-tests: kernel/dev/tty/ldisc.c tests/tty/t_tty.c kernel/include/fs/tty.h \
		kernel/include/uapi/misc.h tests/lib/host_main.c tests/kernel/khost.h \
		$(SAFEC_LIB_SRCS) framework/host/port.c $(SAFEC_HDRS)
	@mkdir -p $(dir $@)
	@$(HOSTCC) $(SAFEC_HOST_CFLAGS) -Ikernel/include $(SAFEC_SAN) '-DKT_HOST_SUITE_PREFIX="kernel_"' -o $@ kernel/dev/tty/ldisc.c \
		tests/tty/t_tty.c tests/lib/host_main.c $(SAFEC_LIB_SRCS) framework/host/port.c \
		-lpthread

TEST_PARTS += test-tty-shell
test-tty-shell: $(KERNEL_IMAGE) $(RUN_INITRAMFS) | deps
	@mkdir -p $(RESULTS) $(LOGS)
	@if $(MAKE) --no-print-directory $(TTY_DIR)/host-tests > $(LOGS)/tty-build.log 2>&1; then \
		FW_HOST_QUIET_WARN=1 $(TTY_DIR)/host-tests > $(LOGS)/tty-host.ktap 2>&1; \
	 else echo "KTAP version 1" > $(LOGS)/tty-host.ktap; echo "1..1" >> $(LOGS)/tty-host.ktap; \
		echo "not ok 1 tty host tests build (see $(LOGS)/tty-build.log)" >> $(LOGS)/tty-host.ktap; fi
	@timeout 100 $(PYTHON) tests/boot/tty_shell.py $(KERNEL_IMAGE) $(RUN_INITRAMFS) \
		$(LOGS)/tty-shell.log > $(LOGS)/tty-shell.ktap 2> $(LOGS)/tty-shell.err; qrc=$$?; \
	 $(KTAP) --part tty-shell --out $(RESULTS)/tty-shell.txt --runner-rc $$qrc \
		$(LOGS)/tty-host.ktap $(LOGS)/tty-shell.ktap
