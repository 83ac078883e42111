/*
 * File system items (issue #16): creating and deleting files (empty and 4 KiB), renaming, and
 * stat() of a path eight directories deep, all on the /tmp of the image. Each setup makes the
 * directories its item works in and each teardown removes them, so items leave nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "items.h"

#define FS_DIR "/tmp/bench-fs"
#define FS_DEEP FS_DIR "/a/b/c/d/e/f/g/h"
#define FS_DEEP_FILE FS_DEEP "/file"

static const char *const deep_dirs[] = {
	FS_DIR, FS_DIR "/a", FS_DIR "/a/b", FS_DIR "/a/b/c", FS_DIR "/a/b/c/d",
	FS_DIR "/a/b/c/d/e", FS_DIR "/a/b/c/d/e/f", FS_DIR "/a/b/c/d/e/f/g", FS_DEEP,
};
#define NDEEP (sizeof(deep_dirs) / sizeof(deep_dirs[0]))

int fs_setup(void)
{
	for (size_t i = 0; i < NDEEP; i++)
		if (mkdir(deep_dirs[i], 0755) < 0 && errno != EEXIST)
			return -errno;
	int fd = open(FS_DEEP_FILE, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

void fs_teardown(void)
{
	unlink(FS_DEEP_FILE);
	unlink(FS_DIR "/r0");
	unlink(FS_DIR "/r1");
	for (size_t i = NDEEP; i-- > 0;)
		rmdir(deep_dirs[i]);
}

/* create_delete - n times: create a file, write `bytes` into it, close and unlink it. */
static int64_t create_delete(long n, size_t bytes)
{
	static char buf[4096];
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		int fd = open(FS_DIR "/c", O_CREAT | O_EXCL | O_WRONLY, 0644);

		if (fd < 0)
			return -errno;
		if (bytes && write(fd, buf, bytes) != (ssize_t)bytes)
			return -EIO;
		close(fd);
		if (unlink(FS_DIR "/c") < 0)
			return -errno;
	}
	return bench_now_ns() - t0;
}

int64_t run_create_delete_0k(long n)
{
	return create_delete(n, 0);
}

int64_t run_create_delete_4k(long n)
{
	return create_delete(n, 4096);
}

int fs_setup_rename(void)
{
	int e = fs_setup();
	if (e)
		return e;
	int fd = open(FS_DIR "/r0", O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int64_t run_rename(long n)
{
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		if (rename(i % 2 ? FS_DIR "/r1" : FS_DIR "/r0", i % 2 ? FS_DIR "/r0" : FS_DIR "/r1") < 0)
			return -errno;
	return bench_now_ns() - t0;
}

int64_t run_stat_deep(long n)
{
	struct stat st;
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		if (stat(FS_DEEP_FILE, &st) < 0)
			return -errno;
	return bench_now_ns() - t0;
}
