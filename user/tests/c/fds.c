/*
 * fds.c — group `fds`: file descriptors and pipes (dup family, fcntl flags, close-on-exec,
 * pipe semantics, vectored I/O, fd limits) including EBADF/EFAULT/EPIPE/EAGAIN and partial
 * transfers at an unmapped page.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

static void dup_returns_lowest_free(void)
{
	int fd = CHECK_OK(open("/dev/null", O_RDONLY));
	int a = CHECK_OK(dup(fd));
	int b = CHECK_OK(dup(fd));
	CHECK_EQ(b, a + 1);
	CHECK_OK(close(a));
	CHECK_EQ(dup(fd), a);
	CHECK_ERR(dup(999), EBADF);
	CHECK_ERR(dup(-1), EBADF);
}

static void dup2_and_dup3(void)
{
	int fd = CHECK_OK(open("/dev/null", O_RDONLY));
	CHECK_EQ(dup2(fd, fd), fd);
	CHECK_EQ(dup2(fd, 40), 40);
	CHECK_EQ(fcntl(40, F_GETFD), 0);
	CHECK_ERR(dup2(999, 41), EBADF);
	CHECK_ERR(dup2(fd, -1), EBADF);
	CHECK_ERR(dup3(fd, fd, 0), EINVAL);
	CHECK_EQ(dup3(fd, 42, O_CLOEXEC), 42);
	CHECK_EQ(fcntl(42, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(syscall(SYS_dup3, fd, 43, 0x1234), EINVAL);
}

static void dup2_replaces_open_target(void)
{
	int p[2];
	char c;
	CHECK_OK(pipe(p));
	int fd = CHECK_OK(open("/dev/null", O_RDONLY));
	CHECK_EQ(dup2(p[0], fd), fd);
	CHECK_EQ(write(p[1], "q", 1), 1);
	CHECK_EQ(read(fd, &c, 1), 1);
	CHECK_EQ(c, 'q');
}

static void dup_shares_offset(void)
{
	char c;
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	CHECK_EQ(write(fd, "abcdef", 6), 6);
	int d = CHECK_OK(dup(fd));
	CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
	CHECK_EQ(read(d, &c, 1), 1);
	CHECK_EQ(c, 'c');
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 3);
	/* a second open() has its own offset */
	int o = CHECK_OK(open("f", O_RDONLY));
	CHECK_EQ(read(o, &c, 1), 1);
	CHECK_EQ(c, 'a');
}

static void close_ebadf(void)
{
	int fd = CHECK_OK(open("/dev/null", O_RDONLY));
	CHECK_OK(close(fd));
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(close(-1), EBADF);
	CHECK_ERR(read(fd, &fd, 1), EBADF);
	CHECK_ERR(write(999, "x", 1), EBADF);
	CHECK_ERR(fcntl(999, F_GETFD), EBADF);
}

static void fcntl_cloexec_flags(void)
{
	int fd = CHECK_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_OK(fcntl(fd, F_SETFD, 0));
	CHECK_EQ(fcntl(fd, F_GETFD), 0);
	CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
	int d = CHECK_OK(dup(fd));
	CHECK_EQ(fcntl(d, F_GETFD), 0); /* dup clears close-on-exec */
	int e = CHECK_OK(fcntl(fd, F_DUPFD_CLOEXEC, 0));
	CHECK_EQ(fcntl(e, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(fcntl(fd, 9999), EINVAL);
}

static void fcntl_dupfd_minimum(void)
{
	int fd = CHECK_OK(open("/dev/null", O_RDONLY));
	int d = CHECK_OK(fcntl(fd, F_DUPFD, 20));
	CHECK_EQ(d, 20);
	CHECK_EQ(fcntl(fd, F_DUPFD, 20), 21);
	CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
	CHECK_ERR(fcntl(fd, F_DUPFD, 1 << 30), EINVAL);
}

static void fcntl_status_flags(void)
{
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_WRONLY | O_APPEND, 0644));
	int fl = CHECK_OK(fcntl(fd, F_GETFL));
	CHECK_EQ(fl & O_ACCMODE, O_WRONLY);
	CHECK(fl & O_APPEND);
	CHECK_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
	fl = CHECK_OK(fcntl(fd, F_GETFL));
	CHECK(!(fl & O_APPEND));
	CHECK(fl & O_NONBLOCK);
	CHECK_EQ(fl & O_ACCMODE, O_WRONLY); /* access mode cannot change */
}

static void pipe_read_write_and_eof(void)
{
	int p[2];
	char buf[16];
	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "hello", 5), 5);
	CHECK_EQ(read(p[0], buf, 3), 3);
	CHECK(memcmp(buf, "hel", 3) == 0);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 2); /* a short read of what is there */
	CHECK_OK(close(p[1]));
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 0);
	CHECK_ERR(write(p[0], "x", 1), EBADF);
}

static void pipe_no_reader_sigpipe_epipe(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_OK(close(p[0]));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(p[1], "x", 1);
		_exit(0);
	}
	int st = kt_wait(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGPIPE);
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
}

static void pipe_nonblock_eagain(void)
{
	int p[2];
	char c;
	CHECK_OK(pipe2(p, O_NONBLOCK | O_CLOEXEC));
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	CHECK_EQ(fcntl(p[1], F_GETFD), FD_CLOEXEC);
	CHECK_ERR(read(p[0], &c, 1), EAGAIN);
	CHECK_ERR(pipe2(p, 0x4), EINVAL);
}

static void pipe_capacity_partial_write(void)
{
	static char buf[70000];
	int p[2];
	CHECK_OK(pipe2(p, O_NONBLOCK));
	CHECK_EQ(fcntl(p[0], F_GETPIPE_SZ), 65536);
	/* A non-blocking write larger than the free space transfers what fits. */
	CHECK_EQ(write(p[1], buf, sizeof(buf)), 65536);
	CHECK_ERR(write(p[1], buf, 1), EAGAIN);
	CHECK_EQ(read(p[0], buf, 4096), 4096);
	CHECK_EQ(write(p[1], buf, 4096), 4096);
}

static void pipe_blocking_writer_wakes(void)
{
	static char buf[100000];
	int p[2];
	CHECK_OK(pipe(p));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		close(p[0]);
		memset(buf, 'w', sizeof(buf));
		/* blocks until the reader drains: all bytes must go through */
		_exit(write(p[1], buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : 1);
	}
	close(p[1]);
	size_t total = 0;
	ssize_t n;
	while ((n = read(p[0], buf, 7000)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			CHECK(buf[i] == 'w');
		total += (size_t)n;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(total, sizeof(buf));
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void pipe_bad_pointer_efault(void)
{
	int p[2];
	CHECK_ERR(syscall(SYS_pipe, KT_BAD_PTR), EFAULT);
	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "abc", 3), 3);
	CHECK_ERR(read(p[0], KT_BAD_PTR, 3), EFAULT);
	CHECK_ERR(write(p[1], KT_BAD_PTR, 3), EFAULT);
}

static void readv_writev_gather(void)
{
	int p[2];
	char a[3], b[5];
	struct iovec w[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	struct iovec r[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	CHECK_OK(pipe(p));
	CHECK_EQ(writev(p[1], w, 3), 8);
	CHECK_EQ(readv(p[0], r, 2), 8);
	CHECK(memcmp(a, "abc", 3) == 0 && memcmp(b, "defgh", 5) == 0);
	CHECK_ERR(writev(p[1], w, -1), EINVAL);
	CHECK_ERR(writev(p[1], w, IOV_MAX + 1), EINVAL);
	CHECK_ERR(writev(p[1], KT_BAD_PTR, 2), EFAULT);
}

static void lseek_on_pipe_espipe(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	CHECK_ERR(pread(p[0], p, 1, 0), ESPIPE);
}

/* A buffer whose second page is unmapped. */
static char *guard_buffer(void)
{
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK_OK(munmap(m + 4096, 4096));
	return m;
}

static void read_partial_at_unmapped_page(void)
{
	static char data[8192];
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	memset(data, 'r', sizeof(data));
	long w = write(fd, data, sizeof(data));
	kt_skip_if_injected(w >= 0 && w < 8192, "a short write to tmpfs (a page not had)");
	CHECK_EQ(w, 8192);
	char *m = guard_buffer();
	/* The read copies the bytes that fit before the hole, and reports that count. */
	CHECK_EQ(pread(fd, m + 4096 - 100, 1000, 0), 100);
	CHECK(m[4095] == 'r');
	CHECK_ERR(pread(fd, m + 4096, 10, 0), EFAULT);
}

static void write_partial_at_unmapped_page(void)
{
	struct stat st;
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	char *m = guard_buffer();
	memset(m, 'w', 4096);
	CHECK_EQ(write(fd, m + 4096 - 64, 1000), 64);
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 64);
}

static void fd_limit_emfile(void)
{
	struct rlimit rl = { 16, 16 };
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
	int last = -1;
	for (;;) {
		int fd = dup(0 <= fcntl(0, F_GETFD) ? 0 : 1);
		if (fd < 0) {
			CHECK_EQ(errno, EMFILE);
			break;
		}
		last = fd;
	}
	CHECK_EQ(last, 15);
	CHECK_ERR(dup2(1, 16), EBADF);
	CHECK_ERR(open("/dev/null", O_RDONLY), EMFILE);
	CHECK_ERR(pipe((int[2]){ 0, 0 }), EMFILE);
}

static void socketpair_stream_roundtrip(void)
{
	int s[2];
	char buf[8];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	CHECK_EQ(write(s[0], "ping", 4), 4);
	CHECK_EQ(read(s[1], buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
	CHECK_EQ(write(s[1], "pong", 4), 4);
	CHECK_EQ(read(s[0], buf, sizeof(buf)), 4);
	CHECK_OK(shutdown(s[1], SHUT_WR));
	CHECK_EQ(read(s[0], buf, sizeof(buf)), 0);
}

static void dev_null_and_zero(void)
{
	char buf[16];
	int n = CHECK_OK(open("/dev/null", O_RDWR));
	CHECK_EQ(write(n, "abc", 3), 3);
	CHECK_EQ(read(n, buf, sizeof(buf)), 0);
	int z = CHECK_OK(open("/dev/zero", O_RDONLY));
	memset(buf, 1, sizeof(buf));
	CHECK_EQ(read(z, buf, sizeof(buf)), 16);
	for (int i = 0; i < 16; i++)
		CHECK(buf[i] == 0);
}

/* Regression (per-inode locks): a write to a character device leaves its node's times alone
 * (Linux's write_null; Trellis used to set mtime/ctime on every write to any file). */
static void dev_null_write_keeps_times(void)
{
	int n = CHECK_OK(open("/dev/null", O_WRONLY));
	struct timespec old[2] = { { .tv_sec = 1000, .tv_nsec = 0 }, { .tv_sec = 1000, .tv_nsec = 0 } };
	CHECK_OK(futimens(n, old));
	CHECK_EQ(write(n, "abc", 3), 3);
	struct stat st;
	CHECK_OK(fstat(n, &st));
	CHECK_EQ(st.st_mtim.tv_sec, 1000);
	CHECK_EQ(st.st_atim.tv_sec, 1000);
	struct timespec now[2] = { { .tv_sec = 0, .tv_nsec = UTIME_NOW }, { .tv_sec = 0, .tv_nsec = UTIME_NOW } };
	CHECK_OK(futimens(n, now));
	CHECK_OK(close(n));
}

/* Regression (per-inode locks): a new pipe has its times set (they were 0), and a write sets
 * its mtime and ctime to now (Linux's pipe_write: file_update_time). */
static void pipe_times_set_and_written(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	struct stat st;
	CHECK_OK(fstat(p[0], &st));
	time_t born = time(NULL);
	CHECK(st.st_mtim.tv_sec > 0 && st.st_mtim.tv_sec <= born);
	CHECK(st.st_ctim.tv_sec > 0 && st.st_atim.tv_sec > 0);
	CHECK_EQ(write(p[1], "x", 1), 1);
	struct stat st2;
	CHECK_OK(fstat(p[1], &st2));
	CHECK(st2.st_mtim.tv_sec >= st.st_mtim.tv_sec);
	CHECK(st2.st_ctim.tv_sec >= st.st_ctim.tv_sec);
	CHECK_EQ(st2.st_ino, st.st_ino);
	CHECK_OK(close(p[0]));
	CHECK_OK(close(p[1]));
}

/* A pipe has a path in pipefs, as on Linux: /proc/self/fd/N reads pipe:[ino] and opening it
 * gives another end on the same pipe at once (it was ENOENT: cat /proc/self/fd/0 or bash's
 * <(...) through /dev/fd/N failed with a pipe); fstatfs says PIPEFS_MAGIC; a reopened
 * write end keeps the pipe writable after the first one closes, and end of file comes when
 * the last write end closes; an O_PATH open of it opens no end (its close took a reader
 * away). */
static void pipe_reopened_through_proc_fd(void)
{
	int p[2];
	char path[64], link[64], want[64], buf[16] = { 0 };
	struct stat a, b;
	struct statfs sf;
	CHECK_OK(pipe(p));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	ssize_t n = CHECK_OK(readlink(path, link, sizeof(link) - 1));
	link[n] = 0;
	CHECK_OK(fstat(p[0], &a));
	CHECK(S_ISFIFO(a.st_mode));
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)a.st_ino);
	CHECK_STR(link, want);
	CHECK_OK(fstatfs(p[0], &sf));
	CHECK_EQ(sf.f_type, 0x50495045); /* PIPEFS_MAGIC */
	int op = CHECK_OK(open(path, O_PATH)); /* names the pipe, opens no end of it */
	CHECK_OK(close(op));
	int r = CHECK_OK(open(path, O_RDONLY));
	CHECK_OK(fstat(r, &b));
	CHECK(b.st_ino == a.st_ino && b.st_dev == a.st_dev);
	CHECK_EQ(write(p[1], "abc", 3), 3);
	CHECK_EQ(read(r, buf, sizeof(buf)), 3);
	CHECK_STR(buf, "abc");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
	int w = CHECK_OK(open(path, O_WRONLY));
	CHECK_OK(close(p[1]));
	CHECK_EQ(write(w, "de", 2), 2);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 2);
	CHECK_STR(buf, "de");
	CHECK_OK(close(w));
	CHECK_EQ(read(r, buf, sizeof(buf)), 0); /* no write end left */
	CHECK_OK(close(r));
	CHECK_OK(close(p[0]));
	/* a child reads its stdin, a pipe, by name */
	CHECK_OK(pipe(p));
	pid_t pid = CHECK_OK(fork());
	if (pid == 0) {
		dup2(p[0], 0);
		close(p[0]);
		close(p[1]);
		int in = open("/proc/self/fd/0", O_RDONLY);
		char got[8] = { 0 };
		_exit(in >= 0 && read(in, got, sizeof(got)) == 3 && !strcmp(got, "xyz") ? 0 : 1);
	}
	close(p[0]);
	CHECK_EQ(write(p[1], "xyz", 3), 3);
	close(p[1]);
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Arguments Linux declares as int or unsigned int (fds, flags, whence, modes) are their
 * register's low 32 bits: the upper half is whatever user space left there (Trellis's handlers
 * take typed parameters, kernel/include/syscall/define.h). */
static void int_args_ignore_the_upper_half(void)
{
	const long hi = (long)0xdeadbeef00000000ull;
	int fd = CHECK_OK(open("/dev/null", O_RDWR));
	char c;
	CHECK_EQ(syscall(SYS_read, hi | fd, &c, 1), 0);
	CHECK_EQ(syscall(SYS_write, hi | fd, "x", 1), 1);
	struct stat st;
	CHECK_OK(syscall(SYS_fstat, hi | fd, &st));
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(syscall(SYS_lseek, hi | fd, 0L, hi | SEEK_SET), 0);
	CHECK_EQ(syscall(SYS_fcntl, hi | fd, hi | F_GETFD, 0L), 0);
	long fd2 = syscall(SYS_openat, hi | (unsigned)AT_FDCWD, "/dev/null", hi | O_RDONLY | O_CLOEXEC,
			   hi | 0644);
	CHECK(fd2 >= 0);
	CHECK_EQ(fcntl((int)fd2, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(syscall(SYS_dup2, hi | fd, hi | 60), 60);
	CHECK_OK(syscall(SYS_close, hi | 60));
	CHECK_ERR(fcntl(60, F_GETFD), EBADF);
	CHECK_OK(syscall(SYS_close, hi | fd2));
	CHECK_OK(close(fd));
}

/* fcntl's arg is an unsigned long, but F_DUPFD's lowest fd is an unsigned int on Linux: a
 * minimum of 0xdeadbeef00000032 is 50 (it was EINVAL, compared in 64 bits with the limit) */
static void fcntl_dupfd_ignores_the_upper_half(void)
{
	const long hi = (long)0xdeadbeef00000000ull;
	int fd = CHECK_OK(open("/dev/null", O_RDONLY));
	long d = syscall(SYS_fcntl, fd, F_DUPFD, hi | 50);
	CHECK(d >= 50);
	CHECK_EQ(fcntl((int)d, F_GETFD), 0);
	long e = syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, hi | 50);
	CHECK(e >= 50 && e != d);
	CHECK_EQ(fcntl((int)e, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(syscall(SYS_fcntl, fd, F_DUPFD, hi | 0xffffffffL), EINVAL);
	CHECK_OK(close((int)e));
	CHECK_OK(close((int)d));
	CHECK_OK(close(fd));
}

static const struct kt_case cases[] = {
	{ "dup_returns_lowest_free", dup_returns_lowest_free },
	{ "int_args_ignore_the_upper_half", int_args_ignore_the_upper_half },
	{ "dup2_and_dup3", dup2_and_dup3 },
	{ "dup2_replaces_open_target", dup2_replaces_open_target },
	{ "dup_shares_offset", dup_shares_offset },
	{ "close_ebadf", close_ebadf },
	{ "fcntl_cloexec_flags", fcntl_cloexec_flags },
	{ "fcntl_dupfd_minimum", fcntl_dupfd_minimum },
	{ "fcntl_dupfd_ignores_the_upper_half", fcntl_dupfd_ignores_the_upper_half },
	{ "fcntl_status_flags", fcntl_status_flags },
	{ "pipe_read_write_and_eof", pipe_read_write_and_eof },
	{ "pipe_no_reader_sigpipe_epipe", pipe_no_reader_sigpipe_epipe },
	{ "pipe_nonblock_eagain", pipe_nonblock_eagain },
	{ "pipe_capacity_partial_write", pipe_capacity_partial_write },
	{ "pipe_blocking_writer_wakes", pipe_blocking_writer_wakes },
	{ "pipe_bad_pointer_efault", pipe_bad_pointer_efault },
	{ "readv_writev_gather", readv_writev_gather },
	{ "lseek_on_pipe_espipe", lseek_on_pipe_espipe },
	{ "read_partial_at_unmapped_page", read_partial_at_unmapped_page },
	{ "write_partial_at_unmapped_page", write_partial_at_unmapped_page },
	{ "fd_limit_emfile", fd_limit_emfile },
	{ "socketpair_stream_roundtrip", socketpair_stream_roundtrip },
	{ "dev_null_and_zero", dev_null_and_zero },
	{ "dev_null_write_keeps_times", dev_null_write_keeps_times },
	{ "pipe_times_set_and_written", pipe_times_set_and_written },
	{ "pipe_reopened_through_proc_fd", pipe_reopened_through_proc_fd },
	KT_CASES_END
};

int main(void)
{
	return kt_main("fds", cases);
}
