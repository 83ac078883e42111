/*
 * The benchmark's /init, and the same program as a command (`bench list`, `bench ITEM...`).
 *
 * As /init (process 1) it first reads the clock — the first thing user space does, so
 * CLOCK_MONOTONIC at that instant is the kernel's boot-to-init time as far as Linux's own clock
 * can tell — then prepares the guest (/proc, tmpfs on /tmp, the benchmark files, the loopback
 * interface), proves a shell runs, runs the selected items and powers the machine off.
 *
 * Selection comes from the kernel command line, which Linux hands to init as environment
 * variables (any `name=value` word it does not know); if the kernel does not, init reads
 * /proc/cmdline itself:
 *   bench_items=all|none|NAME,NAME...   (default all)
 *   bench_batches=N                     (default 10)
 *
 * Console lines (parsed by tools/bench/report.py; docs/benchmarks.md is the reference):
 *   BENCH-BOOT monotonic_ns=N boottime_ns=N      clock readings on entry to init
 *   BENCH-ENV sysname=S release=R tmp=tmpfs|rootfs lo=up|error:E
 *   BENCH-SHELL ok                                printed by /bin/sh -c
 *   BENCH-START name=ITEM, then BENCH name=ITEM ... (see bench.h)
 *   BENCH-DONE items=N
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static int write_file(const char *path, long len)
{
	static char block[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int rc = 0;

	if (fd < 0)
		return -errno;
	memset(block, 'b', sizeof(block));
	for (long done = 0; rc == 0 && done < len; done += sizeof(block))
		rc = bench_write_all(fd, block, len - done < (long)sizeof(block) ? len - done : (long)sizeof(block));
	close(fd);
	return rc;
}

static const char *bring_loopback_up(void)
{
	static char err[64];
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		goto fail_close;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		goto fail_close;
	close(fd);
	return "up";

fail_close:
	close(fd);
fail:
	snprintf(err, sizeof(err), "error:%s", strerror(errno));
	for (char *p = err; *p; p++)
		if (*p == ' ')
			*p = '_';
	return err;
}

static void prepare_guest(void)
{
	struct utsname u;
	const char *tmp = "tmpfs", *lo;

	mkdir("/proc", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mkdir("/tmp", 01777);
	if (mount("tmpfs", "/tmp", "tmpfs", 0, "size=16m") < 0)
		tmp = "rootfs";
	if (write_file(BENCH_FILE, 4096) < 0 || write_file(BENCH_READ_FILE, BENCH_READ_FILE_BYTES) < 0)
		bench_say("BENCH-NOTE cannot create the files in /tmp: %s", strerror(errno));
	lo = bring_loopback_up();
	if (uname(&u) < 0) {
		strcpy(u.sysname, "?");
		strcpy(u.release, "?");
	}
	bench_say("BENCH-ENV sysname=%s release=%s tmp=%s lo=%s", u.sysname, u.release, tmp, lo);
}

static void shell_probe(void)
{
	static char *const argv[] = { "/bin/sh", "-c", "echo BENCH-SHELL ok", NULL };
	static char *const envp[] = { "PATH=/bin:/sbin", NULL };
	pid_t pid = fork();

	if (pid < 0) {
		bench_say("BENCH-NOTE shell probe: fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		execve(argv[0], argv, envp);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

/* Value of `key` from the environment, else from /proc/cmdline (into buf); NULL if absent. */
static const char *param(const char *key, char *buf, size_t size)
{
	static char cmdline[4096];
	static int loaded;
	const char *v = getenv(key);
	size_t klen = strlen(key);

	if (v)
		return v;
	if (!loaded) {
		int fd = open("/proc/cmdline", O_RDONLY);

		loaded = 1;
		if (fd >= 0) {
			ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);

			cmdline[n > 0 ? n : 0] = 0;
			close(fd);
		}
	}
	for (const char *p = cmdline; *p;) {
		size_t len = strcspn(p, " \n");

		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t vlen = len - klen - 1 < size - 1 ? len - klen - 1 : size - 1;

			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = 0;
			return buf;
		}
		p += len;
		p += strspn(p, " \n");
	}
	return NULL;
}

/* Runs the comma-separated `list` ("all", "none" or names); returns how many ran. */
static int run_list(const char *list, int batches)
{
	char names[1024], *save, *name;
	int ran = 0;

	if (strcmp(list, "none") == 0)
		return 0;
	if (strcmp(list, "all") == 0) {
		for (const struct bench_item *it = bench_items; it->name; it++, ran++)
			bench_run_item(it, batches);
		return ran;
	}
	snprintf(names, sizeof(names), "%s", list);
	for (name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct bench_item *it = bench_find(name);

		if (it) {
			bench_run_item(it, batches);
			ran++;
		} else {
			bench_say("BENCH name=%s error=unknown_item", name);
		}
	}
	return ran;
}

static _Noreturn void init_main(void)
{
	struct timespec mono, boot;
	char items_buf[1024], batches_buf[16];
	const char *items, *batches;
	int ran;

	/* First thing: the kernel's clocks as init starts. */
	clock_gettime(CLOCK_MONOTONIC, &mono);
	if (clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
		boot = mono;
	if (fcntl(1, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
	}
	bench_say("BENCH-BOOT monotonic_ns=%lld boottime_ns=%lld", (long long)ts_ns(&mono),
		  (long long)ts_ns(&boot));
	prepare_guest();
	shell_probe();
	items = param("bench_items", items_buf, sizeof(items_buf));
	batches = param("bench_batches", batches_buf, sizeof(batches_buf));
	ran = run_list(items ? items : "all", batches ? atoi(batches) : 10);
	bench_say("BENCH-DONE items=%d", ran);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause(); /* process 1 must not exit */
}

int main(int argc, char **argv)
{
	int batches = 10, i = 1;

	if (getpid() == 1)
		init_main();
	if (argc > 1 && strcmp(argv[1], "list") == 0) {
		for (const struct bench_item *it = bench_items; it->name; it++)
			printf("%-14s %-5s %s\n", it->name, it->unit == UNIT_LATENCY ? "ns" : "MB/s",
			       it->what);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "-b") == 0) {
		batches = atoi(argv[2]);
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: bench list | bench [-b BATCHES] all|ITEM...\n");
		return 2;
	}
	if (write_file(BENCH_FILE, 4096) < 0 || write_file(BENCH_READ_FILE, BENCH_READ_FILE_BYTES) < 0)
		fprintf(stderr, "bench: cannot create the files in /tmp: %s\n", strerror(errno));
	for (; i < argc; i++)
		run_list(argv[i], batches);
	return 0;
}
