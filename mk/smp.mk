# CPUs, locks and tasks (issue #5): the ktests again on two processors, and the compile-time
# half of the lock rules.
#
#   test-ktest-smp2   the whole ktest image booted with -smp 2 (test-ktest in mk/kernel.mk is the
#                     -smp 1 boot): the sync, task, task_stress and smp suites exercise both CPUs
#   test-sync-static  tests/sync/: code using the locks correctly compiles with SERVICE_CFLAGS;
#                     each misuse (unguarded field, missing REQUIRES, lock leaked on a path,
#                     write under a read lock, per-CPU data without the guard) is a compile error

TEST_PARTS += test-ktest-smp2 test-sync-static

test-ktest-smp2: $(KERNEL_IMAGE) $(KTEST_CPIO)
	$(call KTEST_BOOT,ktest-smp2,--smp 2)

test-sync-static: tests/sync/run.sh $(wildcard tests/sync/*.c) $(wildcard framework/include/fw/*.h)
	@mkdir -p $(RESULTS) $(LOGS)
	@sh tests/sync/run.sh $(CC) '$(SERVICE_CFLAGS)' > $(LOGS)/sync-static.log 2>&1; \
	 $(KTAP) --part sync-static --out $(RESULTS)/sync-static.txt $(LOGS)/sync-static.log
