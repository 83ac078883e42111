# Names of the retired one-task design (issue #14) that must not come back into kernel/: the
# re-run loop's SC_BLOCK/in_block, its wait_* flags and pipe_written, the polled console
# (wait_console), and litelock in services (they use the framework's spinlocks, mutexes and
# wait queues, fw/sync.h). `make check` fails naming every line that has one.
RETIRED_NAMES := SC_BLOCK\|in_block\|wait_console\|pipe_written\|litelock

.PHONY: check-retired
CHECK_TARGETS += check-retired
check-retired:
	@if grep -rn '$(RETIRED_NAMES)' kernel/; then \
	  echo "check-retired: names of the retired design in kernel/ (mk/retired.mk)"; exit 1; fi

# System-call handlers take named, typed parameters (SYSCALL_DEFINEn, kernel/include/syscall/
# define.h, the one place that reads the raw argument array): a handler reading a->a[N] again
# fails `make check` (issue #14; every handler was converted by session 12).
.PHONY: check-sysdef
CHECK_TARGETS += check-sysdef
check-sysdef:
	@if grep -rnE '(->|\.)a[0-5]\b|a->a\[' kernel/ --include='*.c' --include='*.h' | grep -v '^kernel/include/syscall/define.h:'; then \
	  echo "check-sysdef: a handler reads the raw argument registers: use SYSCALL_DEFINEn (kernel/include/syscall/define.h)"; exit 1; fi
