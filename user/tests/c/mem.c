/*
 * mem.c — group `mem`: the address space (brk, mmap anonymous and file-backed, munmap,
 * mprotect, mremap, madvise, msync) and the faults Linux delivers: SIGSEGV with the right
 * si_code and si_addr, SIGBUS past the end of a file.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <elf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define PAGE 4096

static sigjmp_buf fault_jmp;
static volatile siginfo_t fault_info;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	fault_info = *si;
	siglongjmp(fault_jmp, 1);
}

static void catch_faults(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
	CHECK_OK(sigaction(SIGBUS, &sa, NULL));
}

/* Touches p (read, or write when write is set); returns the signal it raised, 0 if none. */
static int touch(volatile char *p, int write)
{
	memset((void *)&fault_info, 0, sizeof(fault_info));
	if (sigsetjmp(fault_jmp, 1))
		return fault_info.si_signo;
	if (write)
		*p = 1;
	else
		(void)*p;
	return 0;
}

static void brk_grows_and_shrinks(void)
{
	char *cur = (char *)syscall(SYS_brk, 0);
	CHECK(cur != NULL);
	char *want = cur + 8 * PAGE;
	CHECK_EQ(syscall(SYS_brk, want), (long)want);
	memset(cur, 0x5a, 8 * PAGE);
	CHECK(cur[8 * PAGE - 1] == 0x5a);
	CHECK_EQ(syscall(SYS_brk, cur + PAGE), (long)(cur + PAGE));
	catch_faults();
	CHECK_EQ(touch(cur + 4 * PAGE, 0), SIGSEGV);
	/* an impossible request leaves the break where it was */
	CHECK_EQ(syscall(SYS_brk, (char *)0x10), (long)(cur + PAGE));
}

static void mmap_anonymous_is_zeroed(void)
{
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK_EQ((uintptr_t)m % PAGE, 0);
	for (int i = 0; i < 3 * PAGE; i++)
		CHECK(m[i] == 0);
	memset(m, 1, 3 * PAGE);
	CHECK_OK(munmap(m, 3 * PAGE));
}

static void mmap_argument_errors(void)
{
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
	CHECK_EQ(errno, EINVAL);
	CHECK(mmap((void *)0x10001, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED);
	CHECK_EQ(errno, EINVAL);
	CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED);
	CHECK_EQ(errno, EBADF);
	CHECK(mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED); /* neither shared nor private */
	CHECK_EQ(errno, EINVAL);
	int fd = CHECK_OK(open("/dev/zero", O_RDONLY));
	CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 123) == MAP_FAILED); /* unaligned offset */
	CHECK_EQ(errno, EINVAL);
}

static void mmap_shared_write_on_rdonly_fd_eacces(void)
{
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_OK(ftruncate(fd, PAGE));
	close(fd);
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	CHECK_EQ(errno, EACCES);
	/* a private writable mapping of a read-only file is fine */
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	m[0] = 1;
}

static void mmap_file_private_is_copy_on_write(void)
{
	char buf[4];
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_EQ(write(fd, "orig", 4), 4);
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(memcmp(m, "orig", 4) == 0);
	memcpy(m, "priv", 4);
	CHECK_EQ(pread(fd, buf, 4, 0), 4);
	CHECK(memcmp(buf, "orig", 4) == 0);
}

static void mmap_file_shared_writes_through(void)
{
	char buf[4];
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_OK(ftruncate(fd, PAGE));
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	memcpy(m + 100, "shrd", 4);
	CHECK_OK(msync(m, PAGE, MS_SYNC));
	CHECK_EQ(pread(fd, buf, 4, 100), 4);
	CHECK(memcmp(buf, "shrd", 4) == 0);
	CHECK_EQ(pwrite(fd, "back", 4, 200), 4);
	CHECK(memcmp(m + 200, "back", 4) == 0);
	CHECK_ERR(msync(m + 1, PAGE, MS_SYNC), EINVAL);
}

static void mmap_shared_anonymous_across_fork(void)
{
	volatile int *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		*m = 1234;
		_exit(0);
	}
	kt_wait(pid);
	CHECK_EQ(*m, 1234);
}

static void munmap_then_access_segv_maperr(void)
{
	catch_faults();
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK_OK(munmap(m + PAGE, PAGE));
	CHECK_EQ(touch(m, 1), 0);
	CHECK_EQ(touch(m + PAGE + 8, 0), SIGSEGV);
	CHECK_EQ(fault_info.si_code, SEGV_MAPERR);
	CHECK(fault_info.si_addr == m + PAGE + 8);
	CHECK_ERR(munmap(m + 1, PAGE), EINVAL);
	CHECK_ERR(munmap(m, 0), EINVAL);
	CHECK_OK(munmap(m + PAGE, PAGE)); /* unmapping a hole is not an error */
}

static void mprotect_readonly_segv_accerr(void)
{
	catch_faults();
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	m[5] = 'x';
	CHECK_OK(mprotect(m, PAGE, PROT_READ));
	CHECK_EQ(touch(m + 5, 0), 0);
	CHECK(m[5] == 'x');
	CHECK_EQ(touch(m + 5, 1), SIGSEGV);
	CHECK_EQ(fault_info.si_code, SEGV_ACCERR);
	CHECK(fault_info.si_addr == m + 5);
	CHECK_OK(mprotect(m, PAGE, PROT_NONE));
	CHECK_EQ(touch(m, 0), SIGSEGV);
	CHECK_OK(mprotect(m, PAGE, PROT_READ | PROT_WRITE));
	CHECK_EQ(touch(m, 1), 0);
}

static void mprotect_errors(void)
{
	char *m = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK_OK(munmap(m + PAGE, PAGE));
	CHECK_ERR(mprotect(m, 2 * PAGE, PROT_READ), ENOMEM);
	CHECK_ERR(syscall(SYS_mprotect, m + 1, PAGE, PROT_READ), EINVAL); /* musl's wrapper would align it */
	CHECK_ERR(mprotect(m, PAGE, 0x1000), EINVAL);
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_OK(ftruncate(fd, PAGE));
	close(fd);
	fd = CHECK_OK(open("f", O_RDONLY));
	char *s = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED);
	CHECK_ERR(mprotect(s, PAGE, PROT_READ | PROT_WRITE), EACCES);
}

static void mremap_grows_and_keeps_data(void)
{
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	memcpy(m, "keep", 4);
	char *n = mremap(m, PAGE, 16 * PAGE, MREMAP_MAYMOVE);
	CHECK(n != MAP_FAILED);
	CHECK(memcmp(n, "keep", 4) == 0);
	n[16 * PAGE - 1] = 1;
	CHECK(n[15 * PAGE] == 0);
	char *s = mremap(n, 16 * PAGE, PAGE, 0);
	CHECK(s == n);
	CHECK(mremap(n, PAGE, 2 * PAGE, 0x80) == MAP_FAILED);
	CHECK_EQ(errno, EINVAL);
	CHECK(mremap(n + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED);
	CHECK_EQ(errno, EINVAL);
}

static void mmap_fixed_replaces_mapping(void)
{
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	memset(m, 7, 3 * PAGE);
	char *f = mmap(m + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(f == m + PAGE);
	CHECK(m[PAGE - 1] == 7 && m[PAGE] == 0 && m[2 * PAGE] == 7);
	char *nr = mmap(m, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(nr == MAP_FAILED);
	CHECK_EQ(errno, EEXIST);
}

static void access_past_file_end_sigbus(void)
{
	catch_faults();
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_EQ(write(fd, "x", 1), 1);
	char *m = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK_EQ(touch(m + 10, 0), 0); /* the rest of the last page reads as zero */
	CHECK(m[10] == 0 && m[0] == 'x');
	CHECK_EQ(touch(m + PAGE, 0), SIGBUS);
	CHECK(fault_info.si_addr == m + PAGE);
}

static void madvise_dontneed_zeroes_private_anon(void)
{
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	memset(m, 9, 2 * PAGE);
	CHECK_OK(madvise(m, PAGE, MADV_DONTNEED));
	CHECK(m[0] == 0 && m[PAGE - 1] == 0 && m[PAGE] == 9);
	CHECK_ERR(madvise(m + 1, PAGE, MADV_DONTNEED), EINVAL);
}

static void null_page_is_unmapped(void)
{
	catch_faults();
	CHECK_EQ(touch((volatile char *)0, 0), SIGSEGV);
	CHECK_EQ(fault_info.si_code, SEGV_MAPERR);
	CHECK(fault_info.si_addr == NULL);
}

static void unhandled_segv_kills_with_sigsegv(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		*(volatile int *)KT_BAD_PTR = 1;
		_exit(0);
	}
	int st = kt_wait(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGSEGV);
}

static void large_anonymous_mapping_lazily_backed(void)
{
	size_t len = 256u << 20; /* more than the guest's free memory once touched: lazy */
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(m != MAP_FAILED);
	for (size_t off = 0; off < len; off += 16u << 20)
		m[off] = 1;
	CHECK(m[len - 1] == 0);
	CHECK_OK(munmap(m, len));
}

/* Each level keeps 1 KiB live across the call, so no level can be optimised away. */
static int recurse(int depth)
{
	volatile char frame[1024];
	frame[0] = 1;
	frame[1023] = 1;
	if (depth == 0)
		return 1;
	return recurse(depth - 1) + frame[0] * frame[1023];
}

static void stack_grows_on_demand(void)
{
	/* 4 MiB of frames: far below the stack pages present at exec */
	CHECK_EQ(recurse(4096), 4097);
}

static volatile int overflow_depth;

static int overflow(int n)
{
	volatile char frame[4096];
	frame[0] = (char)n;
	overflow_depth = n;
	if (n > (1 << 24)) /* 64 GiB of stack: never reached */
		return 0;
	return overflow(n + 1) + frame[0];
}

static void stack_overflow_caught_on_altstack(void)
{
	static char alt[65536];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0 };
	CHECK_OK(sigaltstack(&ss, NULL));
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
	if (sigsetjmp(fault_jmp, 1) == 0) {
		overflow(0);
		kt_fail(__FILE__, __LINE__, "the stack never overflowed");
	}
	CHECK_EQ(fault_info.si_signo, SIGSEGV);
	CHECK(overflow_depth > 1000); /* the default 8 MiB limit, in 4 KiB frames */
}

static void cow_isolation_after_fork(void)
{
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	m[0] = 1;
	m[PAGE] = 1;
	int go[2], done[2];
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(done));
	pid_t pid = CHECK_OK(fork());
	if (pid == 0) {
		char c;
		int ok = m[0] == 1;  /* the parent's value at fork */
		m[0] = 2;            /* the child's own copy */
		if (write(done[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(3);
		ok = ok && m[0] == 2 && m[PAGE] == 1; /* the parent's later writes stay away */
		_exit(ok ? 0 : 1);
	}
	char c;
	CHECK_EQ(read(done[0], &c, 1), 1);
	CHECK(m[0] == 1); /* the child's write stays in the child */
	m[PAGE] = 3;
	CHECK_EQ(write(go[1], "x", 1), 1);
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(m[0] == 1 && m[PAGE] == 3);
	m[0] = 4; /* the page is the parent's alone now */
	CHECK(m[0] == 4);
}

static void mmap_shared_file_across_fork(void)
{
	static char zeros[PAGE];
	char buf[4];
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_EQ(write(fd, zeros, PAGE), PAGE);
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED && p != MAP_FAILED);
	memcpy(p, "mine", 4); /* MAP_PRIVATE: invisible to the file and to m */
	pid_t pid = CHECK_OK(fork());
	if (pid == 0) {
		memcpy(m + 10, "kid", 3);
		_exit(memcmp(p, "mine", 4) == 0 ? 0 : 1);
	}
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(memcmp(m + 10, "kid", 3) == 0);
	CHECK_EQ(pread(fd, buf, 3, 10), 3);
	CHECK(memcmp(buf, "kid", 3) == 0);
	CHECK_EQ(pread(fd, buf, 4, 0), 4);
	CHECK(buf[0] == 0 && m[0] == 0);
}

static void mremap_moves_when_blocked(void)
{
	catch_faults();
	char *m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK_OK(munmap(m + 2 * PAGE, 2 * PAGE));
	memset(m, 'a', 2 * PAGE);
	/* something right after it: growing in place is impossible */
	char *b = mmap(m + 2 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(b == m + 2 * PAGE);
	CHECK(mremap(m, 2 * PAGE, 4 * PAGE, 0) == MAP_FAILED);
	CHECK_EQ(errno, ENOMEM);
	char *n = mremap(m, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
	CHECK(n != MAP_FAILED && n != m);
	CHECK(n[0] == 'a' && n[2 * PAGE - 1] == 'a' && n[2 * PAGE] == 0 && n[4 * PAGE - 1] == 0);
	CHECK_EQ(touch(m, 0), SIGSEGV); /* the old range is gone */
	CHECK(mremap(n, 4 * PAGE, PAGE, 0) == n); /* shrinking stays */
	CHECK_EQ(touch(n + PAGE, 0), SIGSEGV);
}

static void prot_none_faults_and_keeps_data(void)
{
	catch_faults();
	int p[2];
	CHECK_OK(pipe(p));
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	m[0] = 5;
	CHECK_OK(mprotect(m, PAGE, PROT_NONE));
	CHECK_EQ(touch(m, 0), SIGSEGV);
	CHECK_EQ(fault_info.si_code, SEGV_ACCERR);
	CHECK(fault_info.si_addr == m);
	CHECK_EQ(write(p[1], m, 1), -1); /* the kernel cannot read it either */
	CHECK_EQ(errno, EFAULT);
	CHECK_OK(mprotect(m, PAGE, PROT_READ));
	CHECK(m[0] == 5);
	CHECK_EQ(touch(m, 1), SIGSEGV);
	/* a fresh PROT_NONE mapping faults too */
	char *n = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(n != MAP_FAILED);
	CHECK_EQ(touch(n, 0), SIGSEGV);
}

static void map_growsdown_grows_below(void)
{
	catch_faults();
	/* a reserved, inaccessible 4 MiB, with a growsdown page at its top and a hole below */
	size_t span = 4 << 20;
	char *r = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(r != MAP_FAILED);
	char *top = r + span - PAGE;
	char *g = mmap(top, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
	CHECK(g == top);
	CHECK_OK(munmap(r + PAGE, span - 2 * PAGE));
	CHECK_EQ(touch(top - PAGE, 1), 0);      /* the region grows down a page */
	CHECK_EQ(touch(top - 16 * PAGE, 1), 0); /* and further */
	CHECK(top[-16 * PAGE] == 1);
	CHECK_EQ(touch(r, 0), SIGSEGV);         /* the reserved page below stays inaccessible */
}

static void madvise_dontfork_hides_from_child(void)
{
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	m[0] = 1;
	CHECK_OK(madvise(m, PAGE, MADV_DONTFORK));
	pid_t pid = CHECK_OK(fork());
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		(void)*(volatile char *)m;
		_exit(0);
	}
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	CHECK(m[0] == 1);
	CHECK_OK(madvise(m, PAGE, MADV_DOFORK));
}

static void mincore_reports_touched_pages(void)
{
	unsigned char vec[3] = { 9, 9, 9 };
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	m[PAGE] = 1;
	CHECK_OK(mincore(m, 3 * PAGE, vec));
	CHECK(vec[0] == 0 && (vec[1] & 1) && vec[2] == 0);
	CHECK_ERR(mincore(m + 1, PAGE, vec), EINVAL);
	CHECK_OK(munmap(m + 2 * PAGE, PAGE));
	CHECK_ERR(mincore(m, 3 * PAGE, vec), ENOMEM);
	CHECK_OK(msync(m, PAGE, MS_ASYNC));
	CHECK_ERR(msync(m, PAGE, MS_ASYNC | MS_SYNC), EINVAL);
	CHECK_OK(mlock(m, PAGE));
	CHECK_OK(munlock(m, PAGE));
}

/* Regression (the fuzzer truncated its own running binary, whose pages exec maps from the
 * page cache): a running program's file cannot be written or truncated, ETXTBSY. Linux says
 * so at open(); Trellis may say it at the write. */
static void running_program_file_is_busy(void)
{
	int fd = open("/abi/" KT_LIBC "/mem", O_WRONLY);
	if (fd >= 0) {
		CHECK_EQ(write(fd, "x", 1), -1);
		CHECK_EQ(errno, ETXTBSY);
		CHECK_EQ(ftruncate(fd, 0), -1);
		CHECK_EQ(errno, ETXTBSY);
		close(fd);
	} else {
		CHECK_EQ(errno, ETXTBSY);
	}
	CHECK_EQ(truncate("/abi/" KT_LIBC "/mem", 0), -1);
	CHECK_EQ(errno, ETXTBSY);
}

/* brk as Linux: memory given back and taken again reads as zeros, and the heap does not grow
 * over a mapping in its way (the break stays where it was). */
static void brk_regrown_is_zero_and_stops_at_mapping(void)
{
	char *cur = (char *)syscall(SYS_brk, 0);
	CHECK_EQ(syscall(SYS_brk, cur + 4 * PAGE), (long)(cur + 4 * PAGE));
	char *base = (char *)(((unsigned long)cur + PAGE - 1) & ~(unsigned long)(PAGE - 1));
	memset(base, 0x77, PAGE);
	CHECK_EQ(syscall(SYS_brk, base), (long)base);
	CHECK_EQ(syscall(SYS_brk, base + PAGE), (long)(base + PAGE));
	CHECK(base[0] == 0 && base[PAGE - 1] == 0);
	/* a mapping three pages above: the heap may not grow into it, nor to less than a page
	 * below it (Linux's brk keeps a page free before the next mapping) */
	char *m = mmap(base + 3 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		       -1, 0);
	CHECK(m == base + 3 * PAGE);
	CHECK_EQ(syscall(SYS_brk, base + 5 * PAGE), (long)(base + PAGE));
	CHECK_EQ(syscall(SYS_brk, base + 3 * PAGE), (long)(base + PAGE));
	CHECK_EQ(syscall(SYS_brk, base + 2 * PAGE), (long)(base + 2 * PAGE));
	CHECK_OK(munmap(m, PAGE));
}

/* The lines /proc/self/maps shows for [m, m + len): a count, and the rights of each in perms. */
static int maps_lines(char *m, size_t len, char perms[][5], int max)
{
	static char buf[65536];
	int fd = CHECK_OK(open("/proc/self/maps", O_RDONLY));
	ssize_t got = 0, n;
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	int count = 0;
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long lo, hi;
		char pr[5];
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, pr) != 3)
			continue;
		if (hi <= (unsigned long)m || lo >= (unsigned long)m + len)
			continue;
		if (count < max)
			memcpy(perms[count], pr, 5);
		count++;
	}
	return count;
}

/* mprotect of the middle of a mapping splits it in three; the sides keep their rights and
 * bytes, and putting the middle back merges the three again (one line in /proc/self/maps). */
static void mprotect_splits_and_merges(void)
{
	char perms[4][5];
	catch_faults();
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	memset(m, 3, 3 * PAGE);
	CHECK_OK(mprotect(m + PAGE, PAGE, PROT_READ));
	CHECK_EQ(maps_lines(m, 3 * PAGE, perms, 4), 3);
	CHECK_STR(perms[0], "rw-p");
	CHECK_STR(perms[1], "r--p");
	CHECK_STR(perms[2], "rw-p");
	CHECK_EQ(touch(m, 1), 0);
	CHECK_EQ(touch(m + 2 * PAGE, 1), 0);
	CHECK_EQ(touch(m + PAGE, 1), SIGSEGV);
	CHECK_EQ(fault_info.si_code, SEGV_ACCERR);
	CHECK(m[PAGE] == 3 && m[PAGE + 1] == 3);
	CHECK_OK(mprotect(m + PAGE, PAGE, PROT_READ | PROT_WRITE));
	CHECK_EQ(maps_lines(m, 3 * PAGE, perms, 4), 1);
	CHECK_STR(perms[0], "rw-p");
	CHECK_EQ(touch(m + PAGE, 1), 0);
	CHECK_OK(munmap(m, 3 * PAGE));
}

/* MADV_FREE: private anonymous memory only (EINVAL for a shared mapping); a write after it
 * keeps its value. MADV_WILLNEED on a file mapping brings the pages in (mincore says so). */
static void madvise_free_and_willneed(void)
{
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	memset(m, 9, 2 * PAGE);
	CHECK_OK(madvise(m, 2 * PAGE, MADV_FREE));
	CHECK(m[0] == 9 || m[0] == 0); /* freed lazily: the old bytes or zeros */
	m[0] = 5;
	CHECK(m[0] == 5);
	char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED);
	CHECK_ERR(madvise(s, PAGE, MADV_FREE), EINVAL);
	CHECK_ERR(madvise(m, PAGE, 12345), EINVAL);
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_OK(ftruncate(fd, 4 * PAGE));
	CHECK_EQ(pwrite(fd, "data", 4, 3 * PAGE), 4);
	char *f = mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(f != MAP_FAILED);
	CHECK_OK(madvise(f, 4 * PAGE, MADV_WILLNEED));
	unsigned char vec[4];
	CHECK_OK(mincore(f, 4 * PAGE, vec));
	CHECK(vec[3] & 1);
	CHECK(memcmp(f + 3 * PAGE, "data", 4) == 0);
}

/* The stack guard gap: a MAP_GROWSDOWN region grows down only while 1 MiB (Linux's
 * stack_guard_gap, 256 pages) stays free above the accessible region below it. */
static void growsdown_stops_at_guard_gap(void)
{
	catch_faults();
	size_t gap = 256 * PAGE, span = gap + 8 * PAGE;
	char *r = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(r != MAP_FAILED);
	CHECK_OK(munmap(r, span));
	/* below: one readable page at r; the growsdown page at r + PAGE + gap + 2 pages */
	char *below = mmap(r, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(below == r);
	char *g = r + PAGE + gap + 2 * PAGE;
	CHECK(mmap(g, PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0) == g);
	CHECK_EQ(touch(g - PAGE, 1), 0);     /* leaves gap + 1 page: grows */
	CHECK_EQ(touch(g - 2 * PAGE, 1), 0); /* leaves exactly the gap: grows */
	CHECK_EQ(touch(g - 3 * PAGE, 1), SIGSEGV); /* would leave less: refused */
	CHECK(g[-2 * PAGE] == 1);
	CHECK_OK(munmap(r, span));
}

/* mlock's accounting: /proc/self/status's VmLck counts the locked bytes. */
static long vm_lck_kb(void)
{
	static char buf[8192];
	int fd = CHECK_OK(open("/proc/self/status", O_RDONLY));
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CHECK(n > 0);
	buf[n] = 0;
	char *l = strstr(buf, "VmLck:");
	CHECK(l != NULL);
	return strtol(l + 6, NULL, 10);
}

static void mlock_counted_in_vmlck(void)
{
	long before = vm_lck_kb();
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK_OK(mlock(m, 3 * PAGE));
	CHECK_EQ(vm_lck_kb(), before + 12);
	CHECK_OK(munlock(m + PAGE, PAGE));
	CHECK_EQ(vm_lck_kb(), before + 8);
	CHECK_OK(munmap(m, 3 * PAGE));
	CHECK_EQ(vm_lck_kb(), before);
}

/* A hand-made static ELF program (x86-64): one PT_LOAD of the whole file at 0x400000 whose
 * code exits with status 42, and room for a PT_INTERP. */
struct mini_elf {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	char interp[32];
	unsigned char code[16];
};

static void mini_elf_init(struct mini_elf *e)
{
	static const unsigned char code[] = {
		0xb8, 60, 0, 0, 0,  /* mov $60, %eax (exit) */
		0xbf, 42, 0, 0, 0,  /* mov $42, %edi */
		0x0f, 0x05,         /* syscall */
	};
	memset(e, 0, sizeof(*e));
	memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
	e->eh.e_ident[EI_CLASS] = ELFCLASS64;
	e->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	e->eh.e_ident[EI_VERSION] = EV_CURRENT;
	e->eh.e_type = ET_EXEC;
	e->eh.e_machine = EM_X86_64;
	e->eh.e_version = EV_CURRENT;
	e->eh.e_entry = 0x400000 + offsetof(struct mini_elf, code);
	e->eh.e_phoff = offsetof(struct mini_elf, ph);
	e->eh.e_ehsize = sizeof(Elf64_Ehdr);
	e->eh.e_phentsize = sizeof(Elf64_Phdr);
	e->eh.e_phnum = 1;
	e->ph[0].p_type = PT_LOAD;
	e->ph[0].p_flags = PF_R | PF_X;
	e->ph[0].p_offset = 0;
	e->ph[0].p_vaddr = e->ph[0].p_paddr = 0x400000;
	e->ph[0].p_filesz = e->ph[0].p_memsz = sizeof(*e);
	e->ph[0].p_align = PAGE;
	memcpy(e->code, code, sizeof(code));
}

/* mini_elf_interp - e names `path` as its dynamic linker (a second header, PT_INTERP). */
static void mini_elf_interp(struct mini_elf *e, const char *path)
{
	e->eh.e_phnum = 2;
	e->ph[1].p_type = PT_INTERP;
	e->ph[1].p_flags = PF_R;
	e->ph[1].p_offset = offsetof(struct mini_elf, interp);
	e->ph[1].p_vaddr = e->ph[1].p_paddr = 0x400000 + offsetof(struct mini_elf, interp);
	e->ph[1].p_filesz = e->ph[1].p_memsz = strlen(path) + 1;
	e->ph[1].p_align = 1;
	snprintf(e->interp, sizeof(e->interp), "%s", path);
}

/* Writes len bytes of img to ./prog and runs it: its exit status, or 1000 + execve's errno. */
static int run_image(const void *img, size_t len)
{
	int fd = CHECK_OK(open("prog", O_CREAT | O_TRUNC | O_WRONLY, 0755));
	CHECK_EQ(write(fd, img, len), (long)len);
	CHECK_OK(close(fd));
	int pipefd[2];
	CHECK_OK(pipe2(pipefd, O_CLOEXEC));
	pid_t pid = CHECK_OK(fork());
	if (pid == 0) {
		char *argv[] = { "prog", NULL };
		syscall(SYS_execve, "./prog", argv, (char *[]){ NULL });
		int e = errno;
		(void)!write(pipefd[1], &e, sizeof(e));
		_exit(99);
	}
	close(pipefd[1]);
	int e = 0;
	ssize_t got = read(pipefd[0], &e, sizeof(e));
	close(pipefd[0]);
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	/* under failure injection an execve may fail for want of memory whatever the image */
	kt_skip_if_injected(got == sizeof(e) && (e == ENOMEM || e == EAGAIN),
			    "execve met an injected allocation failure");
	if (got == sizeof(e))
		return 1000 + e;
	CHECK(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* Malformed ELF files are refused by execve with ENOEXEC (the process goes on), a missing
 * dynamic linker with ENOENT and one that is not ELF with ELIBBAD, as Linux; the well-formed
 * original runs. Never a crash of the kernel or of the caller. */
static void exec_malformed_elf_refused(void)
{
	struct mini_elf e;
	kt_tmpdir();
	mini_elf_init(&e);
	CHECK_EQ(run_image(&e, sizeof(e)), 42);
	CHECK_EQ(run_image(&e, 40), 1000 + ENOEXEC); /* shorter than its header */
	mini_elf_init(&e);
	e.eh.e_machine = EM_AARCH64;
	CHECK_EQ(run_image(&e, sizeof(e)), 1000 + ENOEXEC);
	mini_elf_init(&e);
	e.eh.e_type = ET_REL;
	CHECK_EQ(run_image(&e, sizeof(e)), 1000 + ENOEXEC);
	mini_elf_init(&e);
	e.eh.e_phentsize = 55;
	CHECK_EQ(run_image(&e, sizeof(e)), 1000 + ENOEXEC);
	mini_elf_init(&e);
	e.eh.e_phnum = 0;
	CHECK_EQ(run_image(&e, sizeof(e)), 1000 + ENOEXEC);
	/* (Linux does not look at EI_DATA or EI_CLASS beyond e_machine; Trellis refuses a
	 * big-endian or 32-bit class byte too: tests/kernel/t_elf.c, not pinned here.) */
	/* the dynamic linker: missing, then a text file */
	mini_elf_init(&e);
	mini_elf_interp(&e, "/nonexistent/ld.so");
	CHECK_EQ(run_image(&e, sizeof(e)), 1000 + ENOENT);
	char text[128];
	memset(text, 'x', sizeof(text));
	int fd = CHECK_OK(open("ld.txt", O_CREAT | O_WRONLY, 0755));
	CHECK_EQ(write(fd, text, sizeof(text)), (long)sizeof(text));
	CHECK_OK(close(fd));
	char cwd[256], ld[300];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(ld, sizeof(ld), "%s/ld.txt", cwd);
	if (strlen(ld) < sizeof(e.interp)) {
		mini_elf_init(&e);
		mini_elf_interp(&e, ld);
		CHECK_EQ(run_image(&e, sizeof(e)), 1000 + ELIBBAD);
	} else {
		kt_diag("scratch path too long for the interpreter case: %s", ld);
	}
}

/* /proc/self/maps names a file mapping as Linux: offset, the file's device and inode
 * numbers, and its path. */
static void maps_names_file_mappings(void)
{
	static char buf[65536];
	kt_tmpdir();
	int fd = CHECK_OK(open("mapped", O_CREAT | O_RDWR, 0644));
	CHECK_OK(ftruncate(fd, 3 * PAGE));
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	char *m = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, PAGE);
	CHECK(m != MAP_FAILED);
	char cwd[256], want[512];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(want, sizeof(want), "%lx-%lx r--s %08x %02x:%02x %lu", (unsigned long)m,
		 (unsigned long)m + 2 * PAGE, PAGE, major(st.st_dev), minor(st.st_dev),
		 (unsigned long)st.st_ino);
	int mfd = CHECK_OK(open("/proc/self/maps", O_RDONLY));
	ssize_t got = 0, n;
	while ((n = read(mfd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(mfd);
	buf[got] = 0;
	char *line = strstr(buf, want);
	if (!line)
		kt_diag("no line starting \"%s\" in:\n%s", want, buf);
	CHECK(line != NULL);
	char *end = strchr(line, '\n');
	CHECK(end != NULL);
	*end = 0;
	char path[300];
	snprintf(path, sizeof(path), " %s/mapped", cwd);
	CHECK(strlen(line) > strlen(path));
	CHECK_STR(line + strlen(line) - strlen(path), path);
}

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

/* MREMAP_DONTUNMAP (Linux 5.7, file and shared mappings since 5.13): the pages move to the
 * new range and the old one stays mapped without them: private anonymous memory reads zeros
 * there, a file mapping the file again; the lock moves with the pages (VmLck unchanged).
 * Only with MREMAP_MAYMOVE and equal lengths. Trellis refused the flag (EINVAL). new_address
 * is always passed: glibc hands the kernel whatever the fifth register holds, and with
 * DONTUNMAP the kernel checks it. */
static void mremap_dontunmap_moves_pages_keeps_range(void)
{
	catch_faults();
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	m[0] = 'a';
	m[PAGE] = 'b';
	CHECK_ERR((long)mremap(m, 2 * PAGE, 2 * PAGE, MREMAP_DONTUNMAP, NULL), EINVAL);
	CHECK_ERR((long)mremap(m, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL), EINVAL);
	CHECK_ERR((long)mremap(m, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP | 8, NULL), EINVAL);
	long lck = vm_lck_kb();
	CHECK_OK(mlock(m, 2 * PAGE));
	char *n = mremap(m, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	CHECK(n != MAP_FAILED && n != m);
	CHECK(n[0] == 'a' && n[PAGE] == 'b');
	CHECK_EQ(touch(m, 0), 0); /* still mapped */
	CHECK(m[0] == 0 && m[PAGE] == 0);
	CHECK_EQ(touch(m + PAGE, 1), 0);
	CHECK(n[PAGE] == 'b'); /* a new page, not the moved one */
	CHECK_EQ(vm_lck_kb(), lck + 8);
	/* MREMAP_FIXED with it: onto a mapping, which goes */
	char *t = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(t != MAP_FAILED);
	char *u = mremap(n, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, t);
	CHECK(u == t);
	CHECK(u[0] == 'a' && n[0] == 0);
	CHECK_ERR((long)mremap(n, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
			       n), EINVAL); /* overlapping */
	/* a private file mapping: the copied page moves, the old range shows the file again;
	 * a shared one shows the same bytes at both places */
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_EQ(pwrite(fd, "xyz", 3, 0), 3);
	char *pf = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(pf != MAP_FAILED);
	pf[0] = 'Q';
	char *pn = mremap(pf, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	CHECK(pn != MAP_FAILED);
	CHECK(pn[0] == 'Q' && pf[0] == 'x' && pf[1] == 'y');
	char *sf = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(sf != MAP_FAILED);
	char *sn = mremap(sf, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	CHECK(sn != MAP_FAILED);
	sn[1] = 'S';
	CHECK(sf[0] == 'x' && sf[1] == 'S');
	char c;
	CHECK_EQ(pread(fd, &c, 1, 1), 1);
	CHECK_EQ(c, 'S');
	close(fd);
}

/* mremap's growth counts against RLIMIT_AS (Linux's vma_to_resize: may_expand_vm), and a
 * DONTUNMAP move by its whole length: Trellis let mremap grow past the limit. */
static void mremap_growth_counts_against_rlimit_as(void)
{
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	static char buf[8192];
	int fd = CHECK_OK(open("/proc/self/status", O_RDONLY));
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CHECK(n > 0);
	buf[n] = 0;
	char *l = strstr(buf, "VmSize:");
	CHECK(l != NULL);
	unsigned long size = strtoul(l + 7, NULL, 10) * 1024;
	struct rlimit rl = { size + 16 * PAGE, RLIM_INFINITY };
	CHECK_OK(setrlimit(RLIMIT_AS, &rl));
	CHECK_ERR((long)mremap(m, PAGE, 64 * PAGE, MREMAP_MAYMOVE), ENOMEM);
	char *g = mremap(m, PAGE, 4 * PAGE, MREMAP_MAYMOVE);
	CHECK(g != MAP_FAILED);
	g[3 * PAGE] = 1;
	char *big = mmap(NULL, 8 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(big != MAP_FAILED);
	CHECK_ERR((long)mremap(big, 8 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL), ENOMEM);
}

/* An argument the Linux prototype declares int is the register's low 32 bits: madvise's
 * advice, msync's, mlock2's and mlockall's flags, and mmap's descriptor (fget takes an
 * unsigned int). Trellis read them as 64 bits: EINVAL or EBADF. */
static void mm_int_arguments_ignore_the_upper_register_half(void)
{
	const long junk = 0x5a5a5a5a00000000l;
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	m[0] = 7;
	CHECK_OK(syscall(SYS_madvise, m, PAGE, junk | MADV_DONTNEED));
	CHECK_EQ(m[0], 0);
	CHECK_OK(syscall(SYS_msync, m, PAGE, junk | MS_SYNC));
	CHECK_OK(syscall(SYS_mlock2, m, PAGE, junk | 0));
	CHECK_OK(munlock(m, PAGE));
	CHECK_OK(syscall(SYS_mlockall, junk | MCL_CURRENT));
	CHECK_OK(munlockall());
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_EQ(pwrite(fd, "hi", 2, 0), 2);
	char *f = (char *)syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_SHARED, junk | fd, 0);
	CHECK(f != MAP_FAILED);
	CHECK(f[0] == 'h' && f[1] == 'i');
	close(fd);
}

/* The /proc/self/maps line of the mapping at addr, its newline cut, into line; 0 or -1. */
static int maps_line_of(void *addr, char *line, size_t cap)
{
	static char buf[65536];
	char want[32];
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	int fd = CHECK_OK(open("/proc/self/maps", O_RDONLY));
	ssize_t got = 0, n;
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, want, strlen(want)))
			continue;
		size_t len = strchr(l, '\n') ? (size_t)(strchr(l, '\n') - l) : strlen(l);
		if (len >= cap)
			return -1;
		memcpy(line, l, len);
		line[len] = 0;
		return 0;
	}
	kt_diag("no line for %s in:\n%s", want, buf);
	return -1;
}

/* Whether the maps line of addr ends with " CWD/rel" (plus suffix). */
static int maps_names(void *addr, const char *rel, const char *suffix)
{
	char line[512], cwd[256], want[512];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(want, sizeof(want), " %s/%s%s", cwd, rel, suffix);
	if (maps_line_of(addr, line, sizeof(line)))
		return 0;
	size_t n = strlen(line), w = strlen(want);
	if (n > w && !strcmp(line + n - w, want))
		return 1;
	kt_diag("maps line \"%s\" does not end with \"%s\"", line, want);
	return 0;
}

/* /proc/PID/maps names a file mapping by the path it has now, as Linux's d_path of the
 * mapping's file: after the file's or its directory's rename, and with " (deleted)" once it
 * is removed. Trellis printed the path the file was mapped by, forever. */
static void maps_names_follow_rename_and_deletion(void)
{
	kt_tmpdir();
	CHECK_OK(mkdir("d", 0755));
	int fd = CHECK_OK(open("d/f", O_CREAT | O_RDWR, 0644));
	CHECK_OK(ftruncate(fd, PAGE));
	char *m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK_OK(close(fd));
	CHECK(maps_names(m, "d/f", ""));
	CHECK_OK(rename("d/f", "d/g"));
	CHECK(maps_names(m, "d/g", ""));
	CHECK_OK(rename("d", "e"));
	CHECK(maps_names(m, "e/g", ""));
	CHECK_OK(unlink("e/g"));
	CHECK(maps_names(m, "e/g", " (deleted)"));
	CHECK_EQ(m[0], 0); /* still mapped and readable */
	CHECK_OK(munmap(m, PAGE));
	CHECK_OK(rmdir("e"));
}

/* A mapped file keeps its mount busy (the mapping holds the file, as Linux's vm_file), also
 * after its descriptor is closed; once unmapped, the mount goes. Shows the mapping's path
 * references are dropped at munmap (and at exit: the child's mapping). */
static void mapped_file_keeps_mount_busy(void)
{
	kt_tmpdir();
	CHECK_OK(mkdir("mnt", 0755));
	CHECK_OK(mount("none", "mnt", "tmpfs", 0, NULL));
	int fd = CHECK_OK(open("mnt/f", O_CREAT | O_RDWR, 0644));
	CHECK_OK(ftruncate(fd, PAGE));
	char *m = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK_OK(close(fd));
	CHECK_ERR(umount("mnt"), EBUSY);
	CHECK_OK(munmap(m, PAGE));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		int cfd = open("mnt/f", O_RDONLY);
		char *c = cfd < 0 ? MAP_FAILED : mmap(NULL, PAGE, PROT_READ, MAP_SHARED, cfd, 0);
		_exit(c == MAP_FAILED ? 1 : 0); /* exits with the file mapped */
	}
	CHECK_EQ(kt_wait(pid), 0);
	CHECK_OK(umount("mnt"));
	CHECK_OK(rmdir("mnt"));
}

static volatile int sigpipes;
static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/* Reads exactly n bytes from fd into buf (a pipe may give them in parts). */
static void read_all(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		CHECK(r > 0);
		got += (size_t)r;
	}
}

/* sendfile from a file in the page cache: into a pipe and a FIFO (Trellis copies each page's
 * frame straight into the ring), into a regular file, across page boundaries and a hole, with
 * an offset pointer (the file offset stays) and without (it moves); a pipe with no reader is
 * EPIPE and raises SIGPIPE (Linux's splice_file_to_pipe; Trellis raised none). */
static void sendfile_from_page_cache_into_pipe_fifo_and_file(void)
{
	kt_tmpdir();
	static char data[4 * PAGE], got[4 * PAGE], want[4 * PAGE];
	for (int i = 0; i < 4 * PAGE; i++)
		data[i] = (char)('a' + i % 23);
	const size_t size = 3 * PAGE + 100;
	int fd = CHECK_OK(open("src", O_CREAT | O_RDWR, 0644));
	CHECK_EQ(pwrite(fd, data, 2 * PAGE, 0), 2 * PAGE);
	CHECK_EQ(pwrite(fd, data, 100, 3 * PAGE), 100); /* page 2 is a hole */
	CHECK_EQ(pread(fd, want, size, 0), (ssize_t)size);
	int p[2];
	CHECK_OK(pipe(p));
	off_t off = 50;
	CHECK_EQ(sendfile(p[1], fd, &off, size), (ssize_t)(size - 50));
	CHECK_EQ(off, (off_t)size);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
	read_all(p[0], got, size - 50);
	CHECK(!memcmp(got, want + 50, size - 50));
	CHECK_EQ(lseek(fd, 10, SEEK_SET), 10);
	CHECK_EQ(sendfile(p[1], fd, NULL, 5000), 5000);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5010);
	read_all(p[0], got, 5000);
	CHECK(!memcmp(got, want + 10, 5000));
	CHECK_EQ(sendfile(p[1], fd, NULL, 0), 0);
	/* a FIFO */
	CHECK_OK(mkfifo("fifo", 0644));
	int ff = CHECK_OK(open("fifo", O_RDWR));
	off = PAGE - 1000;
	CHECK_EQ(sendfile(ff, fd, &off, 3000), 3000);
	read_all(ff, got, 3000);
	CHECK(!memcmp(got, want + PAGE - 1000, 3000));
	CHECK_OK(close(ff));
	/* a regular file */
	int out = CHECK_OK(open("dst", O_CREAT | O_RDWR, 0644));
	off = 0;
	CHECK_EQ(sendfile(out, fd, &off, 2 * size), (ssize_t)size);
	CHECK_EQ(pread(out, got, sizeof(got), 0), (ssize_t)size);
	CHECK(!memcmp(got, want, size));
	/* no reader */
	signal(SIGPIPE, on_sigpipe);
	CHECK_OK(close(p[0]));
	off = 0;
	CHECK_ERR(sendfile(p[1], fd, &off, 100), EPIPE);
	CHECK_EQ(sigpipes, 1);
	CHECK_EQ(off, 0);
	close(p[1]);
	close(out);
	close(fd);
}

/* killable_child - the child runs fn and exits with its result; the parent gives it 200 ms,
 * SIGKILLs it if it has not exited, and checks that it is gone within 5 s (without hanging the
 * suite if it is not). Returns the child's exit status, or -SIGKILL when it had to be killed. */
static int killable_child(int (*fn)(void *), void *arg)
{
	pid_t c = fork();
	CHECK(c >= 0);
	if (c == 0)
		_exit(fn(arg));
	int st = 0;
	pid_t w = 0;
	for (int i = 0; i < 20 && w == 0; i++) {
		w = waitpid(c, &st, WNOHANG);
		if (w == 0)
			usleep(10 * 1000);
	}
	if (w == c)
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + st;
	CHECK_OK(kill(c, SIGKILL));
	for (int i = 0; i < 500 && w == 0; i++) {
		w = waitpid(c, &st, WNOHANG);
		if (w == 0)
			usleep(10 * 1000);
	}
	CHECK_EQ(w, c); /* 0: it outlived SIGKILL by 5 s */
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	return -SIGKILL;
}

struct sendfile_job {
	int out, in;
	size_t count;
};

static int sendfile_job_run(void *arg)
{
	struct sendfile_job *j = arg;
	off_t o = 0;
	ssize_t n = sendfile(j->out, j->in, &o, j->count);
	return n < 0 ? errno : 0;
}

static int splice_job_run(void *arg)
{
	struct sendfile_job *j = arg;
	ssize_t n = splice(j->in, NULL, j->out, NULL, j->count, 0);
	return n < 0 ? errno : 0;
}

/* The 30-min soak's hang (seed 1116910314342691096): a worker's sendfile survived SIGKILL,
 * spinning in the kernel between a write that said EAGAIN and a poll that said POLLOUT. An
 * eventfd did that: a value that does not fit is EAGAIN while the counter leaves room for 1.
 * Linux refuses an eventfd or epoll out_fd (no splice_write: EINVAL); a sendfile into a pipe
 * with too little room sleeps, and SIGKILL ends it. */
static void sendfile_soak_hang_stays_killable(void)
{
	kt_tmpdir();
	static char data[PAGE];
	memset(data, 0xff, sizeof data);
	data[0] = (char)0xfe; /* the first 8 bytes, as an eventfd value: 2^64 - 2 */
	int fd = CHECK_OK(open("src", O_CREAT | O_RDWR, 0644));
	CHECK_EQ(pwrite(fd, data, sizeof data, 0), (ssize_t)sizeof data);
	int efd = CHECK_OK(eventfd(1, 0));
	struct sendfile_job j = { .out = efd, .in = fd, .count = 8 };
	CHECK_EQ(killable_child(sendfile_job_run, &j), EINVAL);
	int ep = CHECK_OK(epoll_create1(0));
	j.out = ep;
	CHECK_EQ(killable_child(sendfile_job_run, &j), EINVAL);
	close(ep);
	/* splice from a pipe into it: the same refusal */
	int q[2];
	CHECK_OK(pipe(q));
	CHECK_EQ(write(q[1], data, 8), 8);
	j = (struct sendfile_job){ .out = efd, .in = q[0], .count = 8 };
	CHECK_EQ(killable_child(splice_job_run, &j), EINVAL);
	close(q[0]);
	close(q[1]);
	close(efd);
	/* a pipe full but for a little: the writer sleeps and SIGKILL ends it */
	int p[2];
	CHECK_OK(pipe2(p, O_NONBLOCK));
	while (write(p[1], data, sizeof data) > 0)
		;
	while (write(p[1], data, 1) > 0)
		;
	CHECK_EQ(read(p[0], data, 100), 100);
	CHECK_OK(fcntl(p[1], F_SETFL, 0));
	j = (struct sendfile_job){ .out = p[1], .in = fd, .count = PAGE };
	CHECK_EQ(killable_child(sendfile_job_run, &j), -SIGKILL);
	close(p[0]);
	close(p[1]);
	close(fd);
}

/* mincore of a file mapping reports the page cache's pages, touched here or not (Linux's
 * mincore_page): the file's written page is resident, its hole is not. */
static void mincore_reports_page_cache(void)
{
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_OK(ftruncate(fd, 2 * PAGE));
	CHECK_EQ(pwrite(fd, "x", 1, PAGE), 1);
	char *m = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	unsigned char vec[2] = { 9, 9 };
	CHECK_OK(mincore(m, 2 * PAGE, vec));
	CHECK(vec[0] == 0 && (vec[1] & 1));
}

static const struct kt_case cases[] = {
	{ "brk_grows_and_shrinks", brk_grows_and_shrinks },
	{ "mmap_anonymous_is_zeroed", mmap_anonymous_is_zeroed },
	{ "mmap_argument_errors", mmap_argument_errors },
	{ "mmap_shared_write_on_rdonly_fd_eacces", mmap_shared_write_on_rdonly_fd_eacces },
	{ "mmap_file_private_is_copy_on_write", mmap_file_private_is_copy_on_write },
	{ "mmap_file_shared_writes_through", mmap_file_shared_writes_through },
	{ "mmap_shared_anonymous_across_fork", mmap_shared_anonymous_across_fork },
	{ "munmap_then_access_segv_maperr", munmap_then_access_segv_maperr },
	{ "mprotect_readonly_segv_accerr", mprotect_readonly_segv_accerr },
	{ "mprotect_errors", mprotect_errors },
	{ "mremap_grows_and_keeps_data", mremap_grows_and_keeps_data },
	{ "mmap_fixed_replaces_mapping", mmap_fixed_replaces_mapping },
	{ "access_past_file_end_sigbus", access_past_file_end_sigbus },
	{ "madvise_dontneed_zeroes_private_anon", madvise_dontneed_zeroes_private_anon },
	{ "null_page_is_unmapped", null_page_is_unmapped },
	{ "unhandled_segv_kills_with_sigsegv", unhandled_segv_kills_with_sigsegv },
	{ "large_anonymous_mapping_lazily_backed", large_anonymous_mapping_lazily_backed },
	{ "stack_grows_on_demand", stack_grows_on_demand },
	{ "stack_overflow_caught_on_altstack", stack_overflow_caught_on_altstack },
	{ "cow_isolation_after_fork", cow_isolation_after_fork },
	{ "mmap_shared_file_across_fork", mmap_shared_file_across_fork },
	{ "mremap_moves_when_blocked", mremap_moves_when_blocked },
	{ "prot_none_faults_and_keeps_data", prot_none_faults_and_keeps_data },
	{ "map_growsdown_grows_below", map_growsdown_grows_below },
	{ "madvise_dontfork_hides_from_child", madvise_dontfork_hides_from_child },
	{ "mincore_reports_touched_pages", mincore_reports_touched_pages },
	{ "running_program_file_is_busy", running_program_file_is_busy },
	{ "brk_regrown_is_zero_and_stops_at_mapping", brk_regrown_is_zero_and_stops_at_mapping },
	{ "mprotect_splits_and_merges", mprotect_splits_and_merges },
	{ "madvise_free_and_willneed", madvise_free_and_willneed },
	{ "growsdown_stops_at_guard_gap", growsdown_stops_at_guard_gap },
	{ "mlock_counted_in_vmlck", mlock_counted_in_vmlck },
	{ "exec_malformed_elf_refused", exec_malformed_elf_refused },
	{ "maps_names_file_mappings", maps_names_file_mappings },
	{ "mincore_reports_page_cache", mincore_reports_page_cache },
	{ "maps_names_follow_rename_and_deletion", maps_names_follow_rename_and_deletion },
	{ "mapped_file_keeps_mount_busy", mapped_file_keeps_mount_busy },
	{ "sendfile_from_page_cache_into_pipe_fifo_and_file",
	  sendfile_from_page_cache_into_pipe_fifo_and_file },
	{ "sendfile_soak_hang_stays_killable", sendfile_soak_hang_stays_killable },
	{ "mremap_dontunmap_moves_pages_keeps_range", mremap_dontunmap_moves_pages_keeps_range },
	{ "mremap_growth_counts_against_rlimit_as", mremap_growth_counts_against_rlimit_as },
	{ "mm_int_arguments_ignore_the_upper_register_half",
	  mm_int_arguments_ignore_the_upper_register_half },
	KT_CASES_END
};

int main(void)
{
	return kt_main("mem", cases);
}
