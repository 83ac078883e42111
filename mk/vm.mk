# The virtual-memory part (issue #15): the `dyn` regression group — Debian's own dynamically
# linked programs (bash, coreutils ls/sort/md5sum/env) and a dynamically linked hello (glibc and
# musl), with the dynamic linkers and every library ldd lists, in one initramfs booted on Trellis.
#
#   make test-dyn     one Trellis boot (about 5 s): KTAP from user/tests/dyn/dyninit.c
#   make dyn-linux    the same image on Debian's Linux (the proof the expectations are right)

DYN_DIR  := $(BUILD)/dyn
DYN_CPIO := $(BUILD)/initramfs/dyn.cpio
DYN_PROGS := /bin/bash=/bin/bash /usr/bin/ls=/usr/bin/ls /usr/bin/sort=/usr/bin/sort \
	/usr/bin/md5sum=/usr/bin/md5sum /usr/bin/env=/usr/bin/env /bin/hello-dyn=$(DYN_DIR)/hello-dyn \
	/bin/hello-dyn-musl=$(DYN_DIR)/hello-dyn-musl

ALL_TARGETS += $(DYN_CPIO)
TEST_PARTS  += test-dyn

$(DYN_DIR)/dyninit: user/tests/dyn/dyninit.c | deps
	@mkdir -p $(dir $@)
	$(MUSLCC) -static -O2 -std=gnu11 -Wall -Wextra -Werror -Wno-missing-field-initializers -o $@ $<

$(DYN_DIR)/hello-dyn: user/tests/dyn/hello-dyn.c | deps
	@mkdir -p $(dir $@)
	$(GLIBCC) -O2 -Wall -Werror -o $@ $<

# the same program linked dynamically against musl (its linker, /lib/ld-musl-x86_64.so.1, is
# its libc too)
$(DYN_DIR)/hello-dyn-musl: user/tests/dyn/hello-dyn.c | deps
	@mkdir -p $(dir $@)
	$(MUSLCC) -O2 -Wall -Werror -o $@ $<

$(DYN_DIR)/spec: tests/vm/dyn_spec.py $(DYN_DIR)/hello-dyn $(DYN_DIR)/hello-dyn-musl mk/vm.mk
	@$(PYTHON) tests/vm/dyn_spec.py $(DYN_PROGS) > $@.tmp && mv $@.tmp $@

$(DYN_CPIO): $(DYN_DIR)/dyninit $(DYN_DIR)/spec tools/mkinitramfs.py
	@mkdir -p $(dir $@)
	@printf 'cherry\napple\nbanana\n' > $(DYN_DIR)/sort-input
	@$(MKINITRAMFS) -o $@ --spec $(DYN_DIR)/spec file:/dyninit=$(DYN_DIR)/dyninit:0755 \
		text:/etc/dyn-data=hello file:/etc/dyn-sort=$(DYN_DIR)/sort-input:0644 \
		dev:/dev/console=c:5:1:0600 dev:/dev/null=c:1:3 dir:/tmp:1777 >/dev/null

.PHONY: test-dyn dyn-linux
test-dyn: $(KERNEL_IMAGE) $(DYN_CPIO)
	@mkdir -p $(RESULTS) $(LOGS)
	@$(QEMU_RUN) --kernel $(KERNEL_IMAGE) --initrd $(DYN_CPIO) --timeout 60 --quiet \
		--append "console=ttyS0 quiet panic=-1 rdinit=/dyninit" --log $(LOGS)/dyn.log; \
	 rc=$$?; $(KTAP) --part dyn --out $(RESULTS)/dyn.txt --runner-rc $$rc $(LOGS)/dyn.log

dyn-linux: $(LINUX_IMAGE) $(DYN_CPIO)
	@mkdir -p $(LOGS)
	@$(QEMU_RUN) --kernel $(LINUX_IMAGE) --initrd $(DYN_CPIO) --timeout 120 --quiet \
		--append "console=ttyS0 quiet panic=-1 rdinit=/dyninit" --log $(LOGS)/dyn-linux.log; \
	 rc=$$?; $(KTAP) --part dyn-linux --out $(RESULTS)/dyn-linux.txt --runner-rc $$rc $(LOGS)/dyn-linux.log
