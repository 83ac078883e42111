/*
 * gen.c — the hostile argument generators and the pools they draw from.
 *
 * Each argument kind (fuzz.h) mixes values that are valid, values at a boundary and values
 * that are plainly wrong: open and closed fds of every kind, pointers to valid, read-only,
 * unmapped, kernel and non-canonical addresses and ones that run into a guard page, lengths
 * at page and type-size boundaries, flag words with unknown bits, and paths that are deep,
 * long (NAME_MAX and PATH_MAX on both sides), dangling, looping, or not terminated. About a
 * quarter of the time any argument is a value of another kind, so type confusion is tried too.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define TREE "/tmp/fz"

/* --- the path pool ------------------------------------------------------------------------ */

static char long_name[2][300];  /* NAME_MAX and NAME_MAX + 1 bytes */
static char long_path[3][4200]; /* just below, at and above PATH_MAX */
static char deep_path[2][700];  /* 60 levels (made) and 61 (the last one missing) */

void fz_pools_paths(struct fz_pools *p)
{
	static const char *fixed[] = {
		"/", ".", "..", "", "//", "/tmp", TREE, TREE "/", TREE "/file", TREE "/file/",
		TREE "/file/x", TREE "/dir", TREE "/dir/", TREE "/dir/sub", TREE "/dir/../file",
		TREE "/./dir/./sub/..", TREE "/new", TREE "/new2", TREE "/dir/new", TREE "/ro",
		"/nonexistent", "/nonexistent/x", "/fuzz", "/fuzz/fuzz", "/fuzz/args", "/bin/busybox",
		"/bin", "/dev", "/dev/null", "/dev/zero", "/dev/console", "/dev/tty", "/proc",
		"/proc/self", "/proc/self/fd/0", "/proc/self/exe", "/fuzz/tree/dangling",
		"/fuzz/tree/loop1", "/fuzz/tree/self", "/fuzz/tree/chain0", "/fuzz/tree/chain30",
		"/fuzz/tree/todir/", "/fuzz/tree/todir/x", "/fuzz/tree/dangling/", "/fuzz/tree/up",
		"/fuzz/tree/up/up/up/up", "file", "dir/sub", "../..", "/tmp/fz//dir///sub//",
		"/\xff\xfe", "/tmp/fz/\n", "/proc/1/fd/0",
	};
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	for (size_t i = 0; i < nfixed; i++)
		p->paths[p->npaths++] = fixed[i];

	for (int k = 0; k < 2; k++) {
		size_t n = 255 + (size_t)k;
		memcpy(long_name[k], TREE "/", 8);
		memset(long_name[k] + 8, 'n', n);
		long_name[k][8 + n] = '\0';
		p->paths[p->npaths++] = long_name[k];
	}
	/* 4095 bytes + NUL fits PATH_MAX (4096); 4096 and 4100 bytes do not. */
	static const size_t lens[3] = { 4095, 4096, 4100 };
	for (int k = 0; k < 3; k++) {
		char *s = long_path[k];
		size_t n = 0;
		while (n + 2 < lens[k]) {
			s[n++] = '/';
			s[n++] = '.';
		}
		while (n < lens[k])
			s[n++] = '/';
		s[n] = '\0';
		p->paths[p->npaths++] = s;
	}
	for (int k = 0; k < 2; k++) {
		char *s = deep_path[k];
		int n = snprintf(s, sizeof deep_path[k], TREE "/deep");
		for (int lvl = 0; lvl < 60 + k; lvl++)
			n += snprintf(s + n, sizeof deep_path[k] - (size_t)n, "/d");
		p->paths[p->npaths++] = s;
	}
}

int fz_tree_make(void)
{
	char path[700];
	mkdir(TREE, 0777);
	if (mkdir(TREE "/dir", 0777) && errno != EEXIST)
		return -errno;
	mkdir(TREE "/dir/sub", 0777);
	int fd = open(TREE "/file", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	static const char text[] = "fuzz file\n";
	for (int i = 0; i < 64; i++)
		if (write(fd, text, sizeof text - 1) < 0)
			break;
	close(fd);
	fd = open(TREE "/ro", O_CREAT | O_RDWR, 0444);
	if (fd >= 0)
		close(fd);
	int n = snprintf(path, sizeof path, TREE "/deep");
	mkdir(path, 0777);
	for (int lvl = 0; lvl < 60; lvl++) {
		n += snprintf(path + n, sizeof path - (size_t)n, "/d");
		if (mkdir(path, 0777) && errno != EEXIST)
			return -errno;
	}
	return 0;
}

/* Removes everything under dir (depth-first), then dir itself. Best effort. */
static void remove_tree(const char *dir, int depth)
{
	if (depth > 80)
		return;
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		char buf[2048];
		for (;;) {
			long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
			if (n <= 0)
				break;
			for (long off = 0; off < n;) {
				unsigned short reclen;
				unsigned char type;
				memcpy(&reclen, buf + off + 16, 2);
				type = (unsigned char)buf[off + 18];
				const char *name = buf + off + 19;
				if (strcmp(name, ".") && strcmp(name, "..")) {
					char child[4200];
					snprintf(child, sizeof child, "%s/%s", dir, name);
					if (type == DT_DIR)
						remove_tree(child, depth + 1);
					else
						unlink(child);
				}
				if (!reclen)
					break;
				off += reclen;
			}
		}
		close(fd);
	}
	rmdir(dir);
}

void fz_tree_remove(void)
{
	chmod(TREE, 0777);
	remove_tree(TREE, 0);
}

/* --- per-worker pools -------------------------------------------------------------------- */

static void add_fd(struct fz_pools *p, int fd)
{
	if (fd >= 0 && p->nfds < (int)(sizeof p->fds / sizeof p->fds[0]))
		p->fds[p->nfds++] = fd;
}

int fz_pools_worker(struct fz_pools *p, int slot)
{
	char name[64];
	p->nfds = 0;
	snprintf(name, sizeof name, TREE "/w%d", slot);
	add_fd(p, open(name, O_CREAT | O_RDWR | O_TRUNC, 0644));
	add_fd(p, open(TREE "/file", O_RDONLY));
	add_fd(p, open(TREE "/file", O_WRONLY | O_APPEND));
	add_fd(p, open(TREE "/dir", O_RDONLY | O_DIRECTORY));
	add_fd(p, open("/", O_RDONLY | O_DIRECTORY));
	add_fd(p, open("/fuzz/fuzz", O_RDONLY));
	add_fd(p, open("/dev/null", O_RDWR));
	add_fd(p, open("/dev/zero", O_RDONLY));
	add_fd(p, open("/dev/console", O_RDWR | O_NOCTTY | O_NONBLOCK));
	add_fd(p, open("/proc/self/stat", O_RDONLY));
	add_fd(p, open(TREE "/dir", O_PATH));
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) == 0) {
		add_fd(p, pfd[0]);
		add_fd(p, pfd[1]);
	}
	if (pipe2(pfd, O_NONBLOCK) == 0) {
		add_fd(p, pfd[0]);
		add_fd(p, pfd[1]);
		if (write(pfd[1], "full", 4) < 0) { /* one readable end */ }
	}
	/* Kinds the kernel may not have yet: their failures are simply not added. */
	add_fd(p, eventfd(0, EFD_NONBLOCK));
	add_fd(p, (int)syscall(SYS_epoll_create1, 0));
	add_fd(p, socket(AF_UNIX, SOCK_STREAM, 0));
	add_fd(p, socket(AF_INET, SOCK_DGRAM, 0));
	add_fd(p, (int)syscall(SYS_memfd_create, "fz", 0));
	add_fd(p, (int)syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 0));
	/* Closed fds: opened, then closed (the number stays free until a fuzzed open reuses it). */
	for (int i = 0; i < 3; i++) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			p->fds[p->nfds++] = fd;
			close(fd);
		}
	}
	p->fds[p->nfds++] = -1;
	p->fds[p->nfds++] = 0x7fffffff;
	p->fds[p->nfds++] = 1 << 20;
	p->fds[p->nfds++] = 1023;

	p->scratch = mmap(NULL, FZ_SCRATCH_BYTES + 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->scratch == MAP_FAILED)
		return -errno;
	mprotect(p->scratch + FZ_SCRATCH_BYTES, 4096, PROT_NONE);
	memset(p->scratch, '.', FZ_SCRATCH_BYTES);
	p->arena = mmap(NULL, FZ_ARENA_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	p->unterminated = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->arena == MAP_FAILED || p->unterminated == MAP_FAILED)
		return -errno;
	memset(p->unterminated, 'a', 4096);
	mprotect(p->unterminated + 4096, 4096, PROT_NONE);
	p->pid = getpid();
	p->runner = getppid();
	return 0;
}

/* --- generators ---------------------------------------------------------------------------- */

static const uint64_t boundary_lens[] = {
	0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512, 1023, 1024,
	4095, 4096, 4097, 8191, 8192, 65535, 65536, 65537, 1 << 20, (1 << 20) + 1,
	0x7fffffffull, 0x80000000ull, 0xffffffffull, 0x100000000ull, 0x7fffffffffffffffull,
	0x8000000000000000ull, 0xffffffffffffffffull, (uint64_t)-4095, (uint64_t)-4096,
};

static uint64_t gen_len(struct fz_thread *t)
{
	uint64_t r = fz_below(&t->rng, 8);
	if (r < 4)
		return boundary_lens[fz_below(&t->rng, sizeof boundary_lens / sizeof boundary_lens[0])];
	if (r < 7)
		return fz_below(&t->rng, FZ_SCRATCH_BYTES + 1);
	return fz_rand(&t->rng);
}

static uint64_t gen_bad_ptr(struct fz_thread *t)
{
	static const uint64_t bad[] = {
		0, 1, 8, 0x1000, 0x10000, 0x3ff000, 0x7ffffffff000ull, 0x7fffffffffffull,
		0x800000000000ull, 0x800000001000ull, 0xffff800000000000ull, 0xffff888000000000ull,
		0xffffffff80000000ull, 0xffffffff81000000ull, 0xfffffffffffff000ull,
		0xffffffffffffffffull, 0x8000000000000000ull, 0xdead000000000000ull,
		0x00007f0000000000ull,
	};
	if (fz_below(&t->rng, 4) == 0)
		return fz_rand(&t->rng); /* almost always non-canonical or unmapped */
	return bad[fz_below(&t->rng, sizeof bad / sizeof bad[0])];
}

static uint64_t gen_buf(struct fz_thread *t)
{
	struct fz_pools *p = t->pools;
	uint64_t base = (uint64_t)(uintptr_t)p->scratch;
	switch (fz_below(&t->rng, 10)) {
	case 0: case 1: case 2: case 3:
		return base + fz_below(&t->rng, FZ_SCRATCH_BYTES);
	case 4:
		return base; /* page aligned */
	case 5: /* runs into the guard page */
		return base + FZ_SCRATCH_BYTES - 1 - fz_below(&t->rng, 64);
	case 6: /* read-only: the program's text */
		return (uint64_t)(uintptr_t)&fz_rand + fz_below(&t->rng, 256);
	case 7:
		return (uint64_t)(uintptr_t)t->arena + fz_below(&t->rng, 256);
	default:
		return gen_bad_ptr(t);
	}
}

static uint64_t gen_fd(struct fz_thread *t)
{
	struct fz_pools *p = t->pools;
	uint64_t r = fz_below(&t->rng, 10);
	if (r < 7 && p->nfds)
		return (uint64_t)(int64_t)p->fds[fz_below(&t->rng, (uint64_t)p->nfds)];
	if (r < 9)
		return fz_below(&t->rng, 64); /* whatever fuzzed calls opened */
	return (uint64_t)(int64_t)(int)fz_rand(&t->rng);
}

static uint64_t gen_path(struct fz_thread *t)
{
	struct fz_pools *p = t->pools;
	uint64_t r = fz_below(&t->rng, 16);
	if (r < 13)
		return (uint64_t)(uintptr_t)p->paths[fz_below(&t->rng, (uint64_t)p->npaths)];
	if (r == 13) /* no NUL before the guard page */
		return (uint64_t)(uintptr_t)p->unterminated + fz_below(&t->rng, 4096);
	if (r == 14)
		return gen_buf(t);
	return gen_bad_ptr(t);
}

static uint64_t gen_flags(struct fz_thread *t)
{
	switch (fz_below(&t->rng, 8)) {
	case 0:
		return 0;
	case 1:
		return 1ull << fz_below(&t->rng, 64);
	case 2:
		return fz_below(&t->rng, 16);
	case 3:
		return (uint32_t)fz_rand(&t->rng);
	case 4:
		return ~0ull;
	case 5:
		return fz_rand(&t->rng);
	default:
		return fz_rand(&t->rng) & fz_rand(&t->rng) & 0xffff;
	}
}

static uint64_t gen_open_flags(struct fz_thread *t)
{
	static const uint64_t bits[] = { O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND,
					 O_NONBLOCK, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, O_PATH,
					 O_TMPFILE, O_NOCTTY, O_SYNC, O_DIRECT, O_NOATIME };
	uint64_t f = 0;
	int n = (int)fz_below(&t->rng, 4);
	for (int i = 0; i < n; i++)
		f |= bits[fz_below(&t->rng, sizeof bits / sizeof bits[0])];
	if (fz_below(&t->rng, 8) == 0)
		f |= gen_flags(t); /* unknown bits */
	return f;
}

static uint64_t gen_number(struct fz_thread *t)
{
	static const int64_t v[] = { 0, 1, 2, 3, -1, -2, 0x7fffffff, -0x7fffffff - 1, 0xffff,
				     0x10000, 4096, 100, 255, 256 };
	switch (fz_below(&t->rng, 4)) {
	case 0:
		return (uint64_t)v[fz_below(&t->rng, sizeof v / sizeof v[0])];
	case 1:
		return fz_below(&t->rng, 32);
	case 2:
		return (uint64_t)(int64_t)(int32_t)fz_rand(&t->rng);
	default:
		return fz_rand(&t->rng);
	}
}

/* A pid, never init (1), the runner nor "every process" (-1): those would end the run (or
 * spoil its checks: a prlimit64 of the runner's RLIMIT_AS made every process it started for the
 * checks die in glibc's start-up) instead of testing the kernel. */
static uint64_t gen_pid(struct fz_thread *t)
{
	struct fz_pools *p = t->pools;
	int64_t pid;
	switch (fz_below(&t->rng, 6)) {
	case 0:
		pid = p->pid;
		break;
	case 1:
		pid = p->nchildren ? p->children[fz_below(&t->rng, (uint64_t)p->nchildren)] : 0;
		break;
	case 2:
		pid = 0;
		break;
	case 3:
		pid = -p->pid;
		break;
	case 4:
		pid = (int64_t)fz_below(&t->rng, 300);
		break;
	default:
		pid = (int32_t)fz_rand(&t->rng);
		break;
	}
	if (pid == 1 || pid == -1 || pid == p->runner || pid == -p->runner)
		pid = p->pid;
	return (uint64_t)pid;
}

static uint64_t gen_addr(struct fz_thread *t)
{
	struct fz_pools *p = t->pools;
	uint64_t base = (uint64_t)(uintptr_t)p->scratch;
	switch (fz_below(&t->rng, 8)) {
	case 0: case 1: case 2:
		return base + fz_below(&t->rng, FZ_SCRATCH_BYTES / 4096 + 1) * 4096;
	case 3:
		return 0;
	case 4:
		return base + 1 + fz_below(&t->rng, 4095);
	case 5:
		return (0x10000000ull + fz_below(&t->rng, 0x1000000)) * 4096;
	default:
		return gen_bad_ptr(t) & ~0xfffull;
	}
}

/* Crafted structures live in the thread's arena (256 bytes per argument slot). */
static char *arena_slot(struct fz_thread *t)
{
	return t->arena + fz_below(&t->rng, 8) * 256;
}

static uint64_t gen_timespec(struct fz_thread *t)
{
	static const int64_t secs[] = { 0, 0, 0, 0, 1, -1, 0x7fffffffffffffffll };
	static const int64_t nsecs[] = { 0, 1, 1000, 100000, 999999999, 1000000000, -1 };
	if (fz_below(&t->rng, 8) == 0)
		return gen_buf(t);
	int64_t *ts = (int64_t *)(void *)arena_slot(t);
	/* Waits stay short mostly: a long one only costs this worker its slice. */
	ts[0] = secs[fz_below(&t->rng, sizeof secs / sizeof secs[0])];
	ts[1] = nsecs[fz_below(&t->rng, sizeof nsecs / sizeof nsecs[0])];
	ts[2] = ts[0];
	ts[3] = ts[1]; /* an itimerspec-shaped pair */
	return (uint64_t)(uintptr_t)ts;
}

static uint64_t gen_iovec(struct fz_thread *t)
{
	if (fz_below(&t->rng, 8) == 0)
		return gen_buf(t);
	uint64_t *iov = (uint64_t *)(void *)arena_slot(t);
	for (int i = 0; i < 16; i++) {
		iov[2 * i] = gen_buf(t);
		iov[2 * i + 1] = fz_below(&t->rng, 3) ? fz_below(&t->rng, 4097) : gen_len(t);
	}
	return (uint64_t)(uintptr_t)iov;
}

static uint64_t gen_pollfds(struct fz_thread *t)
{
	if (fz_below(&t->rng, 8) == 0)
		return gen_buf(t);
	int32_t *pfd = (int32_t *)(void *)arena_slot(t);
	for (int i = 0; i < 16; i++) {
		pfd[2 * i] = (int32_t)gen_fd(t);
		pfd[2 * i + 1] = (int32_t)(fz_rand(&t->rng) & 0xffff);
	}
	return (uint64_t)(uintptr_t)pfd;
}

/* argv/envp: NULL, a bad pointer, or an array of pool paths (never a busybox applet name,
 * so an exec that succeeds only prints usage and exits). */
static uint64_t gen_argv(struct fz_thread *t)
{
	uint64_t r = fz_below(&t->rng, 6);
	if (r == 0)
		return 0;
	if (r == 1)
		return gen_bad_ptr(t);
	uint64_t *v = (uint64_t *)(void *)arena_slot(t);
	int n = (int)fz_below(&t->rng, 4);
	for (int i = 0; i < n; i++)
		v[i] = fz_below(&t->rng, 8) ? gen_path(t) : gen_bad_ptr(t);
	v[n] = fz_below(&t->rng, 8) ? 0 : gen_bad_ptr(t);
	return (uint64_t)(uintptr_t)v;
}

static uint64_t gen_ioctl(struct fz_thread *t)
{
	static const uint64_t req[] = { 0x5401, 0x5402, 0x5403, 0x5404, 0x5405, 0x5406, 0x5409,
					0x540b, 0x540e, 0x540f, 0x5410, 0x5411, 0x5413, 0x5414,
					0x541b, 0x5421, 0x5422, 0x5429, 0x5450, 0x5451, 0x5452,
					0x80045430, 0x40045431, 0x80087601, 0xc0185879 };
	if (fz_below(&t->rng, 4) == 0)
		return gen_flags(t);
	return req[fz_below(&t->rng, sizeof req / sizeof req[0])];
}

static uint64_t gen_clone_flags(struct fz_thread *t)
{
	static const uint64_t bits[] = { 0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000,
					 0x8000, 0x10000, 0x40000, 0x80000, 0x100000, 0x200000,
					 0x400000, 0x1000000, 0x20000000, 0x40000000, 0x80000000ull,
					 0x100000000ull };
	uint64_t f = (uint64_t)(fz_below(&t->rng, 3) ? SIGCHLD : fz_below(&t->rng, 65));
	int n = (int)fz_below(&t->rng, 4);
	for (int i = 0; i < n; i++)
		f |= bits[fz_below(&t->rng, sizeof bits / sizeof bits[0])];
	return f;
}

static uint64_t gen_kind(struct fz_thread *t, char kind)
{
	switch (kind) {
	case 'f': return gen_fd(t);
	case 'A': return fz_below(&t->rng, 3) ? (uint64_t)(int64_t)AT_FDCWD : gen_fd(t);
	case 'b': return gen_buf(t);
	case 'l': return gen_len(t);
	case 'p': return gen_path(t);
	case 'o': return gen_open_flags(t);
	case 'm': return fz_below(&t->rng, 4) ? (fz_rand(&t->rng) & 07777) : gen_flags(t);
	case 'x': return gen_flags(t);
	case 'd': return gen_pid(t);
	case 's': return fz_below(&t->rng, 8) ? fz_below(&t->rng, 66) : gen_number(t);
	case 'a': return gen_addr(t);
	case 't': return gen_timespec(t);
	case 'v': return gen_iovec(t);
	case 'q': return gen_pollfds(t);
	case 'i': return gen_ioctl(t);
	case 'w': return fz_below(&t->rng, 4) ? fz_below(&t->rng, 6) : gen_number(t);
	case 'g': return gen_argv(t);
	case 'c': return gen_clone_flags(t);
	case 'z': return fz_below(&t->rng, 4) ? 8 : gen_len(t);
	default: return gen_number(t);
	}
}

static const char mixed_kinds[] = "fblpxnadt";

uint64_t fz_arg(struct fz_thread *t, char kind, int nr)
{
	(void)nr;
	uint64_t v;
	if (kind == 0 || fz_below(&t->rng, 5) == 0)
		v = gen_kind(t, mixed_kinds[fz_below(&t->rng, sizeof mixed_kinds - 1)]);
	else
		v = gen_kind(t, kind);
	/* The worker's own channels are never a target (a fuzzed dup2 onto them would end the
	 * worker's report, not test the kernel). */
	if (v == FZ_STATS_FD || v == FZ_LOG_FD)
		v = (uint64_t)-1;
	return v;
}

/* --- which call ---------------------------------------------------------------------------- */

/* Calls that end the run itself: reboot powers the machine off. Calls that end or stall only
 * the worker (exit, pause, rt_sigreturn with a garbage frame) are tried rarely, not blocked. */
static int blocked(int nr)
{
	return nr == SYS_reboot;
}

static int rare(int nr)
{
	return nr == SYS_exit || nr == SYS_exit_group || nr == SYS_pause || nr == SYS_rt_sigreturn ||
	       nr == SYS_rt_sigsuspend || nr == SYS_alarm || nr == SYS_execve ||
	       nr == SYS_execveat || nr == SYS_arch_prctl || nr == SYS_setitimer ||
	       nr == SYS_vfork || nr == SYS_munmap || nr == SYS_setuid || nr == SYS_setresuid ||
	       nr == SYS_setreuid;
}

/* ENOSYS answers per number: a call the kernel does not have becomes 8x rarer after eight
 * ENOSYS answers and no other (it is still tried). The supervisor's probe (fuzz.c) marks the
 * missing numbers before the first worker starts, and each worker inherits that at fork. */
static unsigned char enosys_seen[FZ_NR_MAX];
static unsigned char other_seen[FZ_NR_MAX];

void fz_nr_missing(int nr)
{
	if (nr >= 0 && nr < FZ_NR_MAX)
		enosys_seen[nr] = 8;
}

void fz_nr_result(int nr, long ret)
{
	if (nr < 0 || nr >= FZ_NR_MAX)
		return;
	if (ret == -ENOSYS) {
		if (enosys_seen[nr] < 255)
			enosys_seen[nr]++;
	} else {
		other_seen[nr] = 1;
	}
}

int fz_pick_nr(struct fz_thread *t)
{
	for (;;) {
		uint64_t r = fz_below(&t->rng, 64);
		if (r == 0) { /* numbers no kernel has: past the table, x32 bit, negative */
			static const int64_t odd[] = { 335, 423, 451, 511, 512, 1000, 0x40000000,
						       0x40000001, -1, 0x7fffffff };
			return (int)odd[fz_below(&t->rng, sizeof odd / sizeof odd[0])];
		}
		int nr = (int)fz_below(&t->rng, 451);
		if (!fz_calls[nr].name || blocked(nr))
			continue;
		if (rare(nr) && fz_below(&t->rng, 16))
			continue;
		if (enosys_seen[nr] >= 8 && !other_seen[nr] && fz_below(&t->rng, 8))
			continue;
		return nr;
	}
}
