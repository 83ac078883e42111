/*
 * Items that exercise one system call at a time in a single process: the null system call,
 * 1-byte device reads and writes, stat/fstat/open, signal installation and delivery, mapping
 * memory, page faults, reading a tmpfs file, and epoll_wait and select over watched pipes. Each run_* performs `n` operations and
 * returns the nanoseconds they took, or -errno at the first failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "items.h"

#define PAGE 4096L

static int item_fd = -1;

int64_t run_getppid(long n)
{
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return bench_now_ns() - t0;
}

/* The time as programs ask for it: the libc's clock_gettime, which calls the vDSO's
 * __vdso_clock_gettime (a system call only where the kernel maps no vDSO). */
int64_t run_clock_gettime(long n)
{
	struct timespec ts;
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return bench_now_ns() - t0;
}

static int open_item_fd(const char *path, int flags)
{
	item_fd = open(path, flags);
	return item_fd < 0 ? -errno : 0;
}

int sys_setup_devzero(void)
{
	return open_item_fd("/dev/zero", O_RDONLY);
}

int sys_setup_devnull(void)
{
	return open_item_fd("/dev/null", O_WRONLY);
}

int sys_setup_file(void)
{
	return open_item_fd(BENCH_FILE, O_RDONLY);
}

int sys_setup_read_file(void)
{
	return open_item_fd(BENCH_READ_FILE, O_RDONLY);
}

void sys_teardown_fd(void)
{
	if (item_fd >= 0)
		close(item_fd);
	item_fd = -1;
}

int64_t run_read_zero(long n)
{
	char c;
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		if (read(item_fd, &c, 1) != 1)
			return -errno;
	return bench_now_ns() - t0;
}

int64_t run_write_null(long n)
{
	char c = 'x';
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		if (write(item_fd, &c, 1) != 1)
			return -errno;
	return bench_now_ns() - t0;
}

int64_t run_stat(long n)
{
	struct stat st;
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		if (stat(BENCH_FILE, &st) < 0)
			return -errno;
	return bench_now_ns() - t0;
}

int64_t run_fstat(long n)
{
	struct stat st;
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		if (fstat(item_fd, &st) < 0)
			return -errno;
	return bench_now_ns() - t0;
}

int64_t run_open_close(long n)
{
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		int fd = open(BENCH_FILE, O_RDONLY);

		if (fd < 0)
			return -errno;
		close(fd);
	}
	return bench_now_ns() - t0;
}

static volatile long sig_count;

static void on_usr1(int sig)
{
	(void)sig;
	sig_count++;
}

int64_t run_sig_install(long n)
{
	struct sigaction sa;
	int64_t t0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (sigaction(SIGUSR1, &sa, NULL) < 0)
			return -errno;
	return bench_now_ns() - t0;
}

int sys_setup_sig(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	return sigaction(SIGUSR1, &sa, NULL) < 0 ? -errno : 0;
}

void sys_teardown_sig(void)
{
	signal(SIGUSR1, SIG_DFL);
}

int64_t run_sig_deliver(long n)
{
	pid_t me = getpid();
	long before = sig_count;
	int64_t t0 = bench_now_ns(), t;

	for (long i = 0; i < n; i++)
		if (kill(me, SIGUSR1) < 0)
			return -errno;
	t = bench_now_ns() - t0;
	/* Every signal must have reached the handler, or this measured something else. */
	return sig_count - before == n ? t : -EPROTO;
}

int64_t run_mmap_1m(long n)
{
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, 1L << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			return -errno;
		if (munmap(p, 1L << 20) < 0)
			return -errno;
	}
	return bench_now_ns() - t0;
}

int64_t run_page_fault(long n)
{
	char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int64_t t0, t;

	if (p == MAP_FAILED)
		return -errno;
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		((volatile char *)p)[i * PAGE] = 1;
	t = bench_now_ns() - t0;
	munmap(p, n * PAGE);
	return t;
}

/* `n` first reads of pages of the 1 MiB file mapped MAP_PRIVATE (a new mapping for each
 * 256 pages; the mmap and munmap are outside the timed part). */
int64_t run_file_fault(long n)
{
	long pages = BENCH_READ_FILE_BYTES / PAGE;
	int64_t total = 0;

	for (long done = 0; done < n;) {
		long k = n - done < pages ? n - done : pages;
		char *p = mmap(NULL, (size_t)k * PAGE, PROT_READ, MAP_PRIVATE, item_fd, 0);

		if (p == MAP_FAILED)
			return -errno;
		int64_t t0 = bench_now_ns();
		for (long i = 0; i < k; i++)
			(void)((volatile char *)p)[i * PAGE];
		total += bench_now_ns() - t0;
		munmap(p, (size_t)k * PAGE);
		done += k;
	}
	return total;
}

int64_t run_file_read_bw(long n)
{
	static char buf[BW_CHUNK];
	long off = 0;
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		if (pread(item_fd, buf, BW_CHUNK, off) != BW_CHUNK)
			return -EIO;
		off = (off + BW_CHUNK) % BENCH_READ_FILE_BYTES;
	}
	return bench_now_ns() - t0;
}

/* epoll_wait with one ready fd among EPOLL_PIPES watched pipes (level-triggered, so it stays
 * ready): the cost of a wait that finds one event, which should not grow with the watched fds. */
#define EPOLL_PIPES 100
static int epoll_fd = -1;
static int epoll_pipes[EPOLL_PIPES][2];

void sys_teardown_epoll(void)
{
	for (int i = 0; i < EPOLL_PIPES; i++) {
		if (epoll_pipes[i][0] > 0)
			close(epoll_pipes[i][0]);
		if (epoll_pipes[i][1] > 0)
			close(epoll_pipes[i][1]);
		epoll_pipes[i][0] = epoll_pipes[i][1] = 0;
	}
	if (epoll_fd >= 0)
		close(epoll_fd);
	epoll_fd = -1;
}

int sys_setup_epoll(void)
{
	epoll_fd = epoll_create1(0);
	if (epoll_fd < 0)
		return -errno;
	for (int i = 0; i < EPOLL_PIPES; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		if (pipe(epoll_pipes[i]) < 0 ||
		    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, epoll_pipes[i][0], &ev) < 0) {
			int e = -errno;
			sys_teardown_epoll();
			return e;
		}
	}
	if (write(epoll_pipes[EPOLL_PIPES / 2][1], "x", 1) != 1) {
		int e = -errno;
		sys_teardown_epoll();
		return e;
	}
	return 0;
}

int64_t run_epoll_wait(long n)
{
	struct epoll_event ev[8];
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		if (epoll_wait(epoll_fd, ev, 8, 0) != 1)
			return errno ? -errno : -EIO;
	return bench_now_ns() - t0;
}

/* select with a zero timeout over the read ends of select_pipes watched pipes, one of which
 * (the middle one) holds a byte: the cost of a scan that finds one ready descriptor, which
 * grows with the descriptors watched (select_10 and select_100 show by how much). */
#define SELECT_MAX_PIPES 100
static int select_pipes[SELECT_MAX_PIPES][2];
static int select_npipes, select_nfds;
static fd_set select_set;

void sys_teardown_select(void)
{
	for (int i = 0; i < select_npipes; i++) {
		close(select_pipes[i][0]);
		close(select_pipes[i][1]);
	}
	select_npipes = select_nfds = 0;
}

static int setup_select(int npipes)
{
	FD_ZERO(&select_set);
	for (select_npipes = 0; select_npipes < npipes; select_npipes++) {
		int *p = select_pipes[select_npipes];
		if (pipe(p) < 0) {
			int e = -errno;
			sys_teardown_select();
			return e;
		}
		FD_SET(p[0], &select_set);
		if (p[0] + 1 > select_nfds)
			select_nfds = p[0] + 1;
	}
	if (select_nfds > FD_SETSIZE || write(select_pipes[npipes / 2][1], "x", 1) != 1) {
		sys_teardown_select();
		return -EMFILE;
	}
	return 0;
}

int sys_setup_select10(void)
{
	return setup_select(10);
}

int sys_setup_select100(void)
{
	return setup_select(100);
}

int64_t run_select(long n)
{
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		fd_set r = select_set;
		struct timeval tv = { 0, 0 };
		if (select(select_nfds, &r, NULL, NULL, &tv) != 1)
			return errno ? -errno : -EIO;
	}
	return bench_now_ns() - t0;
}
