/*
 * run.c — running processes on the one kernel thread (proc/process.h): enter the current
 * process's user context, serve what comes back, switch on a block, an exit or the end of a
 * 10 ms slice; idling while every process waits for console input; and starting the first program from an initramfs archive.
 */
#include <fw/log.h>
#include <fw/task.h>
#include <fw/time.h>
#include <proc/process.h>
#include <syscall/syscall.h>
#include <fs/devices.h>

#define SLICE_NS 10000000ull
#define SIGILL 4
#define SIGBUS 7
#define SIGFPE 8
#define SIGSEGV 11


/* fault_signal - the signal an unhandled exception kills with (as Linux's traps do). */
static int fault_signal(u32 vector)
{
	switch (vector) {
	case 0:  /* #DE */
	case 16: /* #MF */
	case 19: /* #XM */
		return SIGFPE;
	case 6: /* #UD */
		return SIGILL;
	default:
		return SIGSEGV;
	}
}

/* serve - handle one return from user mode; false when p no longer runs (exited/blocked). */
static bool serve(struct process *p, enum user_return why)
{
	if (why == USER_RET_INTERRUPT)
		return false; /* the slice is over: let another process run */
	if (why == USER_RET_EXCEPTION) {
		struct user_exception ex = user_ctx_exception(&p->uc);
		if (ex.vector == 14) {
			unsigned access = ((ex.error_code & 2) ? VM_FAULT_WRITE : 0) |
					  ((ex.error_code & 16) ? VM_FAULT_EXEC : 0) |
					  ((ex.error_code & 1) ? VM_FAULT_PRESENT : 0);
			int r = vmspace_handle_fault(p->mm->vs, uaddr(ex.fault_addr), access);
			if (r == 0)
				return true;
			if (r == -ENXIO) /* a file mapping past the end of its file */
				return proc_signal_fault(p, SIGBUS, ex);
		}
		return proc_signal_fault(p, (u32)fault_signal(ex.vector), ex);
	}
	bool exiting = false;
	u64 nr = user_ctx_syscall_nr(&p->uc);
	if (nr == 60 || nr == 231) {
		vmspace_deactivate();
		exiting = true;
	}
	p->in_block = false;
	i64 r = syscall_dispatch(p);
	if (r == SC_GONE || exiting)
		return false;
	if (r == SC_KEEP)
		return true; /* rt_sigreturn: the context holds the restored registers */
	if (r == SC_YIELD) {
		user_ctx_set_retval(&p->uc, 0);
		return false; /* sched_yield: the next runnable process runs */
	}
	if (r == SC_BLOCK) {
		p->in_block = true;
		/* Re-run the call when woken, as Linux restarts one: back over the 2-byte
		 * `syscall`; RAX still holds the number (no return value was stored). */
		(void)user_ctx_set_ip(&p->uc, uaddr(user_ctx_ip(&p->uc) - 2));
		return false;
	}
	user_ctx_set_retval(&p->uc, r);
	return true;
}

int proc_run(struct process *init)
{
	struct process *p = init;
	while (init->state != PROC_ZOMBIE) {
		/* Between slices: wake the processes waiting on pipes when any pipe changed
		 * (bytes moved, an end closed: they re-run their call), then take the
		 * console's input (echoing it) and wake its readers, and fire due alarms. */
		if (vfs_pipe_take_events())
			proc_wake_pipe_waiters();
		u64 now = fw_time_ns();
		u32 console_waiters = proc_wake_console_waiters(console_poll(), now);
		console_waiters += proc_fire_alarms(now); /* armed timers: idle, not deadlock */
		if (!p || p->state != PROC_RUNNABLE)
			p = proc_next_runnable(p);
		proc_reap_detached(p);
		if (!p && console_waiters) {
			/* Everyone waits, some for the console: idle until the next interrupt
			 * (the UART is polled; the tick comes every 4 ms), then look again. */
			vmspace_deactivate();
			task_sleep_ms(1);
			continue;
		}
		if (!p) {
			fw_err("proc: every process is blocked: deadlock");
			return -EDEADLK;
		}
		vmspace_activate(p->mm->vs);
		user_ctx_set_deadline(&p->uc, fw_time_ns() + SLICE_NS);
		/* Pending signals are acted on at every return to user mode. */
		while (p->state == PROC_RUNNABLE && proc_signal_deliver(p) &&
		       p->state == PROC_RUNNABLE && serve(p, user_enter(&p->uc)))
			;
		p = proc_next_runnable(p);
	}
	vmspace_deactivate();
	int status = init->wait_status;
	return status;
}

struct process *proc_spawn_init(const struct vfs_ctx *c, struct str init_path, int *err)
{
	struct process *init = proc_create(NULL);
	if (!init) {
		*err = -ENOMEM;
		return NULL;
	}
	init->fs = *c;
	/* fds 0, 1, 2 on the console, as Linux opens /dev/console for init */
	struct file_result con = vfs_open(c, STR("/dev/console"), VFS_O_RDWR, 0);
	for (u32 fd = 0; fd < 3 && !con.err; fd++) {
		if (fd)
			vfs_file_get(con.value);
		if (proc_fd_install(init, con.value, fd, false).err)
			vfs_close(con.value);
	}
	if (con.err)
		fw_warn("init: no /dev/console (%d): fds 0-2 are closed", con.err);
	/* rdinit=/init= named one program; otherwise /init, /sbin/init, /bin/sh in turn. */
	const struct str fallbacks[3] = { STR("/init"), STR("/sbin/init"), STR("/bin/sh") };
	int e = -ENOENT;
	for (int i = 0; i < 3 && (e == -ENOENT || e == -EACCES); i++) {
		struct str path = str_len(init_path) ? init_path : fallbacks[i];
		struct exec_strv argv, envp;
		exec_strv_init(&argv, 4);
		exec_strv_init(&envp, 4);
		e = exec_strv_push(&argv, path);
		if (!e)
			e = exec_strv_push(&envp, STR("HOME=/"));
		if (!e)
			e = exec_strv_push(&envp, STR("TERM=linux"));
		if (!e)
			e = proc_execve(init, path, &argv, &envp);
		exec_strv_destroy(&argv);
		exec_strv_destroy(&envp);
		if (str_len(init_path))
			break;
	}
	if (e) {
		proc_exit(init, 0, init);
		proc_reap(init);
		*err = e;
		return NULL;
	}
	*err = 0;
	return init;
}

int proc_start_init(struct bytes archive, struct str init_path)
{
	struct dentry_result root = vfs_init();
	if (root.err)
		return root.err;
	devices_init();
	struct vfs_ctx c = { .root = root.value, .cwd = root.value };
	int e = initramfs_unpack(&c, archive);
	if (e) {
		fw_err("initramfs: unpacking failed: %d", e);
		return e;
	}
	e = devices_populate(&c);
	if (e)
		fw_warn("initramfs: cannot create /dev nodes: %d", e);
	struct process *init = proc_spawn_init(&c, init_path, &e);
	if (!init) {
		fw_err("init: cannot run the first program: %d", e);
		return e;
	}
	/* The figure make bench reads (docs/benchmarks.md): kernel entry to init's first
	 * instruction, by the kernel's clock. */
	fw_info("trellis: boot-to-init %u us",
		(fw_time_ns() - fw_time_boot_entry_ns()) / FW_NSEC_PER_USEC);
	return proc_run(init);
}
