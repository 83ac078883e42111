# The first Linux program (issue #10's proof): Trellis boots an initramfs holding Debian's
# busybox-static and /init = user/hello/init (`echo hello; ls /; cat /etc/issue`, then the admin tools: ps, free, df,
# mount, uptime, top, pidof, dmesg; `exit 3`);
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

# The same boot with `quiet` (issue #17): the console shows what the programs wrote and no
# kernel line at all (quiet leaves errors only; nothing goes wrong here).
TEST_PARTS += test-busybox-quiet
test-busybox-quiet: $(KERNEL_IMAGE) $(HELLO_CPIO)
	@mkdir -p $(RESULTS) $(LOGS)
	@$(QEMU_RUN) --kernel $(KERNEL_IMAGE) --initrd $(HELLO_CPIO) --append 'console=ttyS0 quiet' \
		--timeout 60 --quiet --log $(LOGS)/busybox-quiet.log; qrc=$$?; \
	 $(PYTHON) tests/boot/check_busybox_hello.py --quiet $(LOGS)/busybox-quiet.log > $(LOGS)/busybox-quiet.ktap; \
	 $(KTAP) --part busybox-quiet --out $(RESULTS)/busybox-quiet.txt --runner-rc $$qrc $(LOGS)/busybox-quiet.ktap

# The same archive as Debian's initramfs-tools lays it out (issue #16): an uncompressed early
# archive (the CPU microcode's place) and then the archive compressed by gzip -9, unpacked
# through the kernel's own inflater (kernel/fs/inflate.c). The checker also wants the early
# archive's /kernel in the listing.
HELLO_GZ_IMG := $(BUILD)/initramfs/busybox-hello-gz.img

$(HELLO_GZ_IMG): $(HELLO_CPIO) tools/mkinitramfs.py
	@$(MKINITRAMFS) -o $@.early text:/kernel/x86/microcode/GenuineIntel.bin=not-microcode
	@gzip -9 -n -c $(HELLO_CPIO) > $@.gz
	@cat $@.early $@.gz > $@

TEST_PARTS += test-busybox-gzip
test-busybox-gzip: $(KERNEL_IMAGE) $(HELLO_GZ_IMG)
	@mkdir -p $(RESULTS) $(LOGS)
	@$(QEMU_RUN) --kernel $(KERNEL_IMAGE) --initrd $(HELLO_GZ_IMG) --append 'console=ttyS0' \
		--timeout 60 --quiet --log $(LOGS)/busybox-gzip.log; qrc=$$?; \
	 $(PYTHON) tests/boot/check_busybox_hello.py --early $(LOGS)/busybox-gzip.log > $(LOGS)/busybox-gzip.ktap; \
	 $(KTAP) --part busybox-gzip --out $(RESULTS)/busybox-gzip.txt --runner-rc $$qrc $(LOGS)/busybox-gzip.ktap
