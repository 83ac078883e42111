# The first Linux program (issue #10's proof): Trellis boots an initramfs holding Debian's
# busybox-static and /init = user/hello/init (`echo hello; ls /; cat /etc/issue; exit 3`);
# tests/boot/check_busybox_hello.py checks the console for each line and for init's exit status.

HELLO_CPIO := $(BUILD)/initramfs/busybox-hello.cpio

$(HELLO_CPIO): tools/mkinitramfs.py user/hello/init | deps
	@mkdir -p $(dir $@)
	@$(MKINITRAMFS) -o $@ --busybox /bin/busybox file:/init=user/hello/init:0755 \
		text:/etc/issue="Trellis test issue" dir:/proc dir:/tmp

TEST_PARTS += test-busybox-hello
test-busybox-hello: $(KERNEL_IMAGE) $(HELLO_CPIO)
	@mkdir -p $(RESULTS) $(LOGS)
	@$(QEMU_RUN) --kernel $(KERNEL_IMAGE) --initrd $(HELLO_CPIO) --append 'console=ttyS0' \
		--timeout 60 --quiet --log $(LOGS)/busybox-hello.log; qrc=$$?; \
	 $(PYTHON) tests/boot/check_busybox_hello.py $(LOGS)/busybox-hello.log > $(LOGS)/busybox-hello.ktap; \
	 $(KTAP) --part busybox-hello --out $(RESULTS)/busybox-hello.txt --runner-rc $$qrc $(LOGS)/busybox-hello.ktap
