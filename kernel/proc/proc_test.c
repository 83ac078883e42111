/*
 * proc_test.c — in-kernel tests of processes, exec and the system call layer, end to end on
 * the real framework: the user-mode test program (blob "utest", a flat binary for 0x400000)
 * is wrapped in an ELF header, written into a ramfs, exec'd through the VFS with the ELF
 * loader and Linux's initial stack, and run in user mode; its system calls go through the
 * syscall table. Also #! scripts, exec errors (ENOENT, EACCES, ENOEXEC, ELOOP) and a fatal
 * page fault.
 */
#include <exec/elf.h>
#include <fs/devices.h>
#include <fw/blob.h>
#include <fw/fmt.h>
#include <fw/heap.h>
#include <fw/ktest.h>
#include <fw/plain.h>
#include <proc/process.h>
#include <uapi/resource.h>

DEFINE_PLAIN(pt_ehdr, struct elf64_ehdr);
DEFINE_PLAIN(pt_phdr, struct elf64_phdr);

#define UTEST_BASE 0x400000ull
#define UTEST_FILE_OFF 0x1000u

static struct vfs_path test_root;

static struct vfs_ctx test_ctx(void)
{
	if (!test_root.dentry) {
		struct path_result r = vfs_init();
		if (!r.err)
			test_root = r.value;
		devices_init();
		struct vfs_ctx c = { .root = test_root, .cwd = test_root };
		(void)vfs_mkdir(&c, STR("/dev"), 0755);
		(void)vfs_mknod(&c, STR("/dev/console"), VFS_S_IFCHR | 0600, 5, 1);
	}
	return (struct vfs_ctx){ .root = test_root, .cwd = test_root };
}

static int put_file(const struct vfs_ctx *c, struct str path, struct bytes data, u32 mode)
{
	struct file_result f = vfs_open(c, path, VFS_O_WRONLY | VFS_O_CREAT | VFS_O_TRUNC, mode);
	if (f.err)
		return f.err;
	struct result_size n = vfs_write(f.value, data);
	vfs_close(f.value);
	return n.err ? n.err : (n.value == bytes_len(data) ? 0 : -EIO);
}

/* put_prog - an ELF with one R+X segment at 0x400000 holding `code`. `cut` > 0 writes only
 * that many bytes of the file (a truncated file). */
static int put_prog(const struct vfs_ctx *c, struct str path, struct bytes code_bytes, size_t cut)
{
	struct bytes_result blob = bytes_result_ok(code_bytes);
	size_t len = UTEST_FILE_OFF + bytes_len(blob.value);
	struct kbuf img_buf = KBUF_EMPTY;
	int e = kbuf_alloc(&img_buf, len);
	struct bytes_result img = bytes_result_ok(kbuf_bytes(&img_buf));
	if (!e) {
		struct elf64_ehdr eh = {
			.e_ident = { 0x7f, 'E', 'L', 'F', 2, 1, 1 },
			.e_type = ELF_ET_EXEC, .e_machine = ELF_EM_X86_64, .e_version = 1,
			.e_entry = UTEST_BASE, .e_phoff = 64, .e_ehsize = 64, .e_phentsize = 56,
			.e_phnum = 1,
		};
		struct elf64_phdr ph = {
			.p_type = ELF_PT_LOAD, .p_flags = ELF_PF_R | ELF_PF_X,
			.p_offset = UTEST_FILE_OFF, .p_vaddr = UTEST_BASE, .p_paddr = UTEST_BASE,
			.p_filesz = bytes_len(blob.value), .p_memsz = bytes_len(blob.value),
			.p_align = 4096,
		};
		struct bytes_result code = bytes_skip(img.value, UTEST_FILE_OFF);
		e = pt_ehdr_to_bytes(&eh, img.value, 0) || pt_phdr_to_bytes(&ph, img.value, 64) ||
		    code.err || bytes_copy(code.value, blob.value) ? -EIO : 0;
		if (!e)
			e = put_file(c, path, cut ? bytes_head(img.value, cut) : img.value, 0755);
		kbuf_free(&img_buf);
	}
	return e;
}

/* put_utest - the utest blob as an ELF program. */
static int put_utest(const struct vfs_ctx *c, struct str path, size_t cut)
{
	struct kbuf blob = KBUF_EMPTY;
	int e = fw_blob_copy(&blob, STR("utest"));
	if (e)
		return e;
	e = put_prog(c, path, kbuf_bytes(&blob), cut);
	kbuf_free(&blob);
	return e;
}

/* run_utest - spawn `path` as a first process, start utest's case `rdi` with arguments
 * rsi/rdx, fd 1 on /out (if `out`), run it to the end: its wait status, or -errno. */
static int run_utest(const struct vfs_ctx *c, struct str path, u64 rdi, u64 rsi, u64 rdx, bool out)
{
	int e;
	struct thread *p = proc_spawn_init(c, path, &e);
	if (!p)
		return e;
	if (out) {
		struct file_result f = vfs_open(c, STR("/out"), VFS_O_WRONLY | VFS_O_CREAT | VFS_O_TRUNC, 0644);
		(void)proc_fd_close(p, 1); /* replace the console */
		if (f.err || proc_fd_install(p, f.value, 1, false).value != 1)
			return -EIO;
	}
	user_ctx_set_reg(&p->uc, UREG_RDI, rdi);
	user_ctx_set_reg(&p->uc, UREG_RSI, rsi);
	user_ctx_set_reg(&p->uc, UREG_RDX, rdx);
	/* proc_run reaps p: a proc_reap here wrote into the freed process (heap poisoning
	 * caught it: regression mm.heap_poison_reports_a_write_after_free and the absence of
	 * "BUG: heap" in this boot's log) */
	return proc_run(p);
}

/* A hand-assembled program (the source is in the comment; bytes from clang + llvm-objcopy)
 * for 0x400000: fork; the parent waits for the child with wait4 and exits 100 + the child's
 * code; the child grows the heap with brk, touches the new page, maps 8 KiB of anonymous
 * memory, touches it, and exits with the sum of the two values it stored (42 + 5).
 *
 *	movl $57,%eax; syscall; test %rax,%rax; js fail; jz child
 *	movq %rax,%r12; subq $16,%rsp; movq $-1,%rdi; movq %rsp,%rsi; xor %edx,%edx
 *	xor %r10d,%r10d; movl $61,%eax; syscall; cmpq %rax,%r12; jne fail
 *	movl (%rsp),%edi; shrl $8,%edi; addl $100,%edi; movl $60,%eax; syscall
 * child: xor %edi,%edi; movl $12,%eax; syscall; movq %rax,%rbx; leaq 8192(%rax),%rdi
 *	movl $12,%eax; syscall; movq $42,4096(%rbx)
 *	mmap(0, 8192, 3, 0x22, -1, 0); movq $5,4096(%rax); movq 4096(%rax),%rdi
 *	addq 4096(%rbx),%rdi; movl $231,%eax; syscall
 * fail: movl $1,%edi; movl $60,%eax; syscall
 */
static u8 fork_prog[184] = {
	0xb8, 0x39, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x0f, 0x88,
	0x9c, 0x00, 0x00, 0x00, 0x74, 0x32, 0x49, 0x89, 0xc4, 0x48, 0x83, 0xec,
	0x10, 0x48, 0xc7, 0xc7, 0xff, 0xff, 0xff, 0xff, 0x48, 0x89, 0xe6, 0x31,
	0xd2, 0x45, 0x31, 0xd2, 0xb8, 0x3d, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x49,
	0x39, 0xc4, 0x75, 0x78, 0x8b, 0x3c, 0x24, 0xc1, 0xef, 0x08, 0x83, 0xc7,
	0x64, 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x31, 0xff, 0xb8, 0x0c,
	0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x89, 0xc3, 0x48, 0x8d, 0xb8, 0x00,
	0x20, 0x00, 0x00, 0xb8, 0x0c, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0xc7,
	0x83, 0x00, 0x10, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x31, 0xff, 0xbe,
	0x00, 0x20, 0x00, 0x00, 0xba, 0x03, 0x00, 0x00, 0x00, 0x41, 0xba, 0x22,
	0x00, 0x00, 0x00, 0x49, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff, 0x45, 0x31,
	0xc9, 0xb8, 0x09, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0xc7, 0x80, 0x00,
	0x10, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x48, 0x8b, 0xb8, 0x00, 0x10,
	0x00, 0x00, 0x48, 0x03, 0xbb, 0x00, 0x10, 0x00, 0x00, 0xb8, 0xe7, 0x00,
	0x00, 0x00, 0x0f, 0x05, 0xbf, 0x01, 0x00, 0x00, 0x00, 0xb8, 0x3c, 0x00,
	0x00, 0x00, 0x0f, 0x05
};

KTEST(proc, fork_wait_brk_mmap)
{
	struct vfs_ctx c = test_ctx();
	(void)vfs_mkdir(&c, STR("/bin"), 0755);
	KT_ASSERT(kt, put_prog(&c, STR("/bin/forker"), BYTES_OF_ARRAY(fork_prog), 0) == 0);
	KT_EXPECT_EQ(kt, run_utest(&c, STR("/bin/forker"), 0, 0, 0, false), (100 + 47) << 8);
}

KTEST(proc, exec_and_write)
{
	struct vfs_ctx c = test_ctx();
	KT_ASSERT(kt, c.root.dentry != NULL);
	(void)vfs_mkdir(&c, STR("/bin"), 0755);
	KT_ASSERT(kt, put_utest(&c, STR("/bin/utest"), 0) == 0);
	/* case 1: write(1, 0x400000, 8) then exit(result): the first 8 bytes of its own code */
	int st = run_utest(&c, STR("/bin/utest"), 1, UTEST_BASE, 8, true);
	KT_EXPECT_EQ(kt, st, 8 << 8);
	u8 got[8] = { 0 };
	struct file_result f = vfs_open(&c, STR("/out"), VFS_O_RDONLY, 0);
	KT_ASSERT(kt, f.err == 0);
	KT_EXPECT_EQ(kt, vfs_read(f.value, BYTES_OF_ARRAY(got)).value, 8u);
	vfs_close(f.value);
	struct kbuf blob = KBUF_EMPTY;
	KT_ASSERT(kt, fw_blob_copy(&blob, STR("utest")) == 0);
	KT_EXPECT(kt, bytes_eq(BYTES_OF_ARRAY(got), bytes_head(kbuf_bytes(&blob), 8)));
	kbuf_free(&blob);
}

KTEST(proc, syscalls_and_faults)
{
	struct vfs_ctx c = test_ctx();
	(void)vfs_mkdir(&c, STR("/bin"), 0755);
	KT_ASSERT(kt, put_utest(&c, STR("/bin/utest"), 0) == 0);
	/* case 11: syscall number RSI, exit(result) */
	int st = run_utest(&c, STR("/bin/utest"), 11, 39 /* getpid */, 0, false);
	KT_EXPECT(kt, st > 0 && (st & 0xff) == 0);
	st = run_utest(&c, STR("/bin/utest"), 11, 400 /* unassigned */, 0, false);
	KT_EXPECT_EQ(kt, st, (-ENOSYS & 0xff) << 8);
	st = run_utest(&c, STR("/bin/utest"), 11, 12 /* brk(11): the current break */, 0, false);
	KT_EXPECT_EQ(kt, st, 0); /* brk_start is page-aligned: its low byte is 0 */
	/* case 2: a read of address 0: killed by SIGSEGV */
	st = run_utest(&c, STR("/bin/utest"), 2, 0, 0, false);
	KT_EXPECT_EQ(kt, st, 11);
	/* case 3: hlt in user mode: #GP, SIGSEGV as on Linux */
	st = run_utest(&c, STR("/bin/utest"), 3, 0, 0, false);
	KT_EXPECT_EQ(kt, st, 11);
}

/* Regression (fork_exit_pays_for_closed_descriptors): after a process had 200 descriptors
 * open and closed them, every fork copied and every exit walked all 200 empty slots (fork_exit
 * 106,000 -> 153,000 instructions in make bench after select_100). Closing the highest
 * descriptor trims the table; a copy takes only up to the last open one. */
KTEST(proc, fork_exit_pays_for_closed_descriptors)
{
	struct vfs_ctx c = test_ctx();
	(void)vfs_mkdir(&c, STR("/bin"), 0755);
	KT_ASSERT(kt, put_utest(&c, STR("/bin/utest"), 0) == 0);
	int e;
	struct thread *p = proc_spawn_init(&c, STR("/bin/utest"), &e);
	KT_ASSERT(kt, p != NULL);
	KT_EXPECT_EQ(kt, proc_fd_slots(p), 3); /* 0-2 on the console */
	for (int i = 0; i < 200; i++) {
		struct file_result f = vfs_open(&c, STR("/dev/console"), VFS_O_RDONLY, 0);
		KT_ASSERT(kt, !f.err);
		KT_ASSERT(kt, proc_fd_install(p, f.value, 0, false).value == 3 + i);
	}
	KT_EXPECT_EQ(kt, proc_fd_slots(p), 203);
	KT_EXPECT_EQ(kt, proc_fd_close(p, 100), 0); /* a hole below the top: no trim */
	KT_EXPECT_EQ(kt, proc_fd_slots(p), 203);
	for (int fd = 202; fd >= 101; fd--)
		KT_EXPECT_EQ(kt, proc_fd_close(p, fd), 0);
	KT_EXPECT_EQ(kt, proc_fd_slots(p), 100); /* trimmed past the hole at 100 */
	struct file_result f = vfs_open(&c, STR("/dev/console"), VFS_O_RDONLY, 0);
	KT_ASSERT(kt, !f.err);
	KT_EXPECT_EQ(kt, proc_fd_install(p, f.value, 150, false).value, 150);
	KT_EXPECT_EQ(kt, proc_fd_slots(p), 151);
	for (int fd = 3; fd < 100; fd++)
		KT_EXPECT_EQ(kt, proc_fd_close(p, fd), 0);
	KT_EXPECT_EQ(kt, proc_fd_slots(p), 151); /* 150 still open */
	KT_EXPECT_EQ(kt, proc_fd_close(p, 150), 0);
	KT_EXPECT_EQ(kt, proc_fd_slots(p), 3);
	KT_EXPECT_EQ(kt, proc_fd_next(p, 3), -1);
	/* run it to the end (case 11: getpid, exit with it): its exit closes what is left */
	user_ctx_set_reg(&p->uc, UREG_RDI, 11);
	user_ctx_set_reg(&p->uc, UREG_RSI, 39);
	int st = proc_run(p); /* frees p */
	KT_EXPECT(kt, st > 0 && (st & 0xff) == 0);
}

FW_NOINLINE static void thread_shares_the_process(struct ktest_ctx *kt, struct thread *p,
						  struct thread *t);
FW_NOINLINE static void fork_copies_the_process(struct ktest_ctx *kt, struct thread *p,
						struct thread *t);

/* The process/thread split (issue #14): a thread made with CLONE_THREAD shares its creator's
 * struct process (limits, OOM adjustment, personality, thread count) and a fork makes a new
 * one that starts from a copy; what one thread changes the others see, the child does not. */
KTEST(proc, threads_share_one_process)
{
	struct vfs_ctx c = test_ctx();
	(void)vfs_mkdir(&c, STR("/bin"), 0755);
	KT_ASSERT(kt, put_utest(&c, STR("/bin/utest"), 0) == 0);
	int e;
	struct thread *p = proc_spawn_init(&c, STR("/bin/utest"), &e);
	KT_ASSERT(kt, p != NULL);
	KT_EXPECT(kt, p->leader == p);
	KT_EXPECT_EQ(kt, proc_group_threads(p), 1u);
	struct thread *t = proc_create_thread(p, true);
	KT_ASSERT(kt, t != NULL);
	proc_ctl_fork(t, p, true);
	thread_shares_the_process(kt, p, t);
	fork_copies_the_process(kt, p, t);
	proc_discard(t); /* a thread that never ran: the group counts one again */
	KT_EXPECT_EQ(kt, proc_group_threads(p), 1u);
	user_ctx_set_reg(&p->uc, UREG_RDI, 11);
	user_ctx_set_reg(&p->uc, UREG_RSI, 39);
	int st = proc_run(p); /* frees p and its process */
	KT_EXPECT(kt, st > 0 && (st & 0xff) == 0);
}

/* thread_shares_the_process - thread t of p's group (threads_share_one_process): one
 * process, changed through either thread. */
FW_NOINLINE static void thread_shares_the_process(struct ktest_ctx *kt, struct thread *p,
						  struct thread *t)
{
	KT_EXPECT(kt, t->proc == p->proc);
	KT_EXPECT(kt, t->leader == p);
	KT_EXPECT_EQ(kt, proc_group_threads(p), 2u);
	KT_EXPECT_EQ(kt, proc_group_threads(t), 2u);
	/* set through the thread, seen through the leader */
	struct cred root = { 0 };
	struct proc_rlimit lim = { 100, 200 };
	KT_EXPECT_EQ(kt, proc_rlimit_set(t, &root, UAPI_RLIMIT_NOFILE, &lim, NULL), 0);
	KT_EXPECT_EQ(kt, proc_rlimit_cur(p, UAPI_RLIMIT_NOFILE), 100u);
	KT_EXPECT_EQ(kt, proc_set_oom_adj(t, 300, true), 0);
	KT_EXPECT_EQ(kt, proc_oom_adj(p), 300);
	proc_set_personality(t, 0x0040000u); /* ADDR_NO_RANDOMIZE */
	KT_EXPECT_EQ(kt, proc_personality(p), 0x0040000u);
}

/* fork_copies_the_process - a fork by thread t of p's group: a new process, a copy of the
 * group's state (threads_share_one_process), which then changes on its own. */
FW_NOINLINE static void fork_copies_the_process(struct ktest_ctx *kt, struct thread *p,
						struct thread *t)
{
	struct cred root = { 0 };
	struct thread *ch = proc_create(t);
	KT_ASSERT(kt, ch != NULL);
	proc_ctl_fork(ch, t, false);
	KT_EXPECT(kt, ch->proc != p->proc);
	KT_EXPECT(kt, ch->leader == ch);
	KT_EXPECT_EQ(kt, atomic_u32_load(&ch->proc->ppid), p->pid); /* forked by a thread: the
								      * process is the parent */
	KT_EXPECT_EQ(kt, atomic_u32_load(&t->proc->ppid), 0u); /* init's threads: none */
	KT_EXPECT_EQ(kt, proc_group_threads(ch), 1u);
	KT_EXPECT_EQ(kt, proc_group_threads(p), 2u);
	KT_EXPECT_EQ(kt, proc_rlimit_cur(ch, UAPI_RLIMIT_NOFILE), 100u);
	KT_EXPECT_EQ(kt, proc_oom_adj(ch), 300);
	KT_EXPECT_EQ(kt, proc_personality(ch), 0x0040000u);
	struct proc_rlimit lim = { 50, 200 };
	KT_EXPECT_EQ(kt, proc_rlimit_set(ch, &root, UAPI_RLIMIT_NOFILE, &lim, NULL), 0);
	KT_EXPECT_EQ(kt, proc_rlimit_cur(ch, UAPI_RLIMIT_NOFILE), 50u);
	KT_EXPECT_EQ(kt, proc_rlimit_cur(t, UAPI_RLIMIT_NOFILE), 100u);
	proc_discard(ch);
}

/* put_text - a file holding the literal text in `buf` (without its NUL). */
#define PUT_TEXT(c, path, text, mode)                                                       \
	({                                                                                  \
		char t__[] = text;                                                          \
		put_file((c), STR(path), bytes_head(BYTES_OF_ARRAY(t__), sizeof(t__) - 1), (mode)); \
	})

KTEST(proc, scripts_and_exec_errors)
{
	struct vfs_ctx c = test_ctx();
	(void)vfs_mkdir(&c, STR("/bin"), 0755);
	KT_ASSERT(kt, put_utest(&c, STR("/bin/utest"), 0) == 0);
	/* a #! script runs its interpreter (utest case 0 with RSI 0: exit(0) at once) */
	KT_ASSERT(kt, PUT_TEXT(&c, "/bin/script", "#!/bin/utest -x\n", 0755) == 0);
	KT_EXPECT_EQ(kt, run_utest(&c, STR("/bin/script"), 0, 0, 0, false), 0);
	KT_ASSERT(kt, PUT_TEXT(&c, "/bin/nointerp", "#!/nope\n", 0755) == 0);
	KT_EXPECT_EQ(kt, run_utest(&c, STR("/bin/nointerp"), 0, 0, 0, false), -ENOENT);
	KT_ASSERT(kt, PUT_TEXT(&c, "/bin/empty", "#!\n", 0755) == 0);
	KT_EXPECT_EQ(kt, run_utest(&c, STR("/bin/empty"), 0, 0, 0, false), -ENOEXEC);
	KT_ASSERT(kt, PUT_TEXT(&c, "/bin/loop", "#!/bin/loop\n", 0755) == 0);
	KT_EXPECT_EQ(kt, run_utest(&c, STR("/bin/loop"), 0, 0, 0, false), -ELOOP);
	KT_ASSERT(kt, PUT_TEXT(&c, "/bin/junk", "this is not a program", 0755) == 0);
	KT_EXPECT_EQ(kt, run_utest(&c, STR("/bin/junk"), 0, 0, 0, false), -ENOEXEC);
	KT_ASSERT(kt, PUT_TEXT(&c, "/bin/text", "#!/bin/utest\n", 0644) == 0);
	KT_EXPECT_EQ(kt, run_utest(&c, STR("/bin/text"), 0, 0, 0, false), -EACCES);
	KT_EXPECT_EQ(kt, run_utest(&c, STR("/bin"), 0, 0, 0, false), -EACCES);
	KT_EXPECT_EQ(kt, run_utest(&c, STR("/bin/none"), 0, 0, 0, false), -ENOENT);
	/* truncated: the header is there, the segment's bytes are not */
	KT_ASSERT(kt, put_utest(&c, STR("/bin/short"), 200) == 0);
	KT_EXPECT_EQ(kt, run_utest(&c, STR("/bin/short"), 0, 0, 0, false), -ENOEXEC);
}

/* cpio_put - one newc entry at `off` of `out` (fs/cpio.h's format); the offset after it, or
 * 0 when it does not fit. */
static size_t cpio_put(struct bytes out, size_t off, struct str name, u32 mode, struct bytes data,
		       u32 major, u32 minor)
{
	u8 hdr[112];
	struct bytes tail = bytes_skip(BYTES_OF_ARRAY(hdr), 62).value;
	if (FMT(BYTES_OF_ARRAY(hdr), "070701%08X%08X%08X%08X%08X%08X%08X", 1, mode, 0, 0, 1, 0,
		(u32)bytes_len(data)).err ||
	    FMT(tail, "%08X%08X%08X%08X%08X%08X", 0, 0, major, minor, (u32)str_len(name) + 1, 0).err)
		return 0;
	struct bytes_result h = bytes_sub(out, off, 110);
	if (h.err || bytes_copy(h.value, bytes_head(BYTES_OF_ARRAY(hdr), 110)))
		return 0;
	off += 110;
	struct bytes_result n = bytes_sub(out, off, str_len(name) + 1);
	if (n.err || str_copy_to(n.value, name).err || bytes_put_u8(n.value, str_len(name), 0))
		return 0;
	off = (off + str_len(name) + 1 + 3) & ~(size_t)3;
	struct bytes_result d = bytes_sub(out, off, bytes_len(data));
	if (d.err || bytes_copy(d.value, data))
		return 0;
	return (off + bytes_len(data) + 3) & ~(size_t)3;
}

/* The whole boot path short of the framework's initrd: an archive built here is unpacked
 * into a fresh root and the first program found as Linux finds it. */
KTEST(proc, boot_from_archive)
{
	struct vfs_ctx c = test_ctx();
	(void)vfs_mkdir(&c, STR("/bin"), 0755);
	KT_ASSERT(kt, put_utest(&c, STR("/bin/utest"), 0) == 0);
	struct kbuf elf_buf = KBUF_EMPTY, ar_buf = KBUF_EMPTY;
	KT_ASSERT(kt, !kbuf_alloc(&elf_buf, 64u << 10) && !kbuf_alloc(&ar_buf, 128u << 10));
	struct bytes_result elf = bytes_result_ok(kbuf_bytes(&elf_buf));
	struct bytes_result ar = bytes_result_ok(kbuf_bytes(&ar_buf));
	struct file_result f = vfs_open(&c, STR("/bin/utest"), VFS_O_RDONLY, 0);
	KT_ASSERT(kt, !f.err);
	struct result_size elf_len = vfs_read(f.value, elf.value);
	vfs_close(f.value);
	char script[] = "#!/bin/utest\n";
	struct bytes none = bytes_empty();
	size_t off = cpio_put(ar.value, 0, STR("dev"), 0040755, none, 0, 0);
	off = off ? cpio_put(ar.value, off, STR("dev/console"), 0020600, none, 5, 1) : 0;
	off = off ? cpio_put(ar.value, off, STR("bin"), 0040755, none, 0, 0) : 0;
	off = off ? cpio_put(ar.value, off, STR("bin/utest"), 0100755,
			     bytes_head(elf.value, elf_len.value), 0, 0) : 0;
	off = off ? cpio_put(ar.value, off, STR("init"), 0100755,
			     bytes_head(BYTES_OF_ARRAY(script), sizeof(script) - 1), 0, 0) : 0;
	off = off ? cpio_put(ar.value, off, STR("TRAILER!!!"), 0, none, 0, 0) : 0;
	KT_ASSERT(kt, off > 0);
	struct bytes archive = bytes_head(ar.value, off);
	KT_EXPECT_EQ(kt, proc_start_init(archive, STR("")), 0);          /* /init, a #! script */
	KT_EXPECT_EQ(kt, proc_start_init(archive, STR("/bin/utest")), 0); /* rdinit= */
	KT_EXPECT_EQ(kt, proc_start_init(archive, STR("/nope")), -ENOENT);
	/* a broken archive stops the boot with -EINVAL */
	(void)bytes_put_u8(ar.value, 0, '1');
	KT_EXPECT_EQ(kt, proc_start_init(archive, STR("")), -EINVAL);
	kbuf_free(&elf_buf);
	kbuf_free(&ar_buf);
}
