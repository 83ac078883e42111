/*
 * Block device items: what `dd` does to a disk, on the virtio disk the benchmark boots attach
 * (a 256 MiB scratch image, tools/bench/bench.py). The device is opened through a devtmpfs
 * mounted at /devtmp. Trellis has the virtio-blk driver built in; Debian's Linux has it as
 * modules, which the initramfs carries in /bench/mod (loaded in name order with
 * finit_module, only when /devtmp/vda is not there already — so Trellis never sees the call).
 *
 *   blk_read_bw   64 KiB read()s going forward through the first half of the disk: every
 *                 batch reads data no batch read before (a boot reads about 40 MiB), so both
 *                 kernels go to the device rather than to their caches
 *   blk_write_bw  64 KiB write()s going forward through the second half, then fsync(): the
 *                 batch ends when the data is on the disk (dd conv=fsync)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "items.h"

#define BLK_DEV "/devtmp/vda"
#define BLK_HALF (128L << 20)
#define MOD_DIR "/bench/mod"

static int blk_fd = -1;
static long read_pos, write_pos;

/* load_modules - finit_module every .ko file of /bench/mod in name order (the names carry
 * the dependency order). */
static void load_modules(void)
{
	struct dirent **names;
	int n = scandir(MOD_DIR, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char path[300];
		snprintf(path, sizeof path, "%s/%s", MOD_DIR, names[i]->d_name);
		int fd = strstr(path, ".ko") ? open(path, O_RDONLY | O_CLOEXEC) : -1;
		if (fd >= 0) {
			syscall(SYS_finit_module, fd, "", 0);
			close(fd);
		}
		free(names[i]);
	}
	if (n > 0)
		free(names);
}

static int open_disk(int flags)
{
	mkdir("/devtmp", 0755);
	if (mount("devtmpfs", "/devtmp", "devtmpfs", 0, NULL) && errno != EBUSY)
		return -errno;
	if (access(BLK_DEV, F_OK)) {
		load_modules();
		/* Linux creates the node from a kernel thread once the driver probed */
		for (int i = 0; i < 300 && access(BLK_DEV, F_OK); i++) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	blk_fd = open(BLK_DEV, flags);
	return blk_fd < 0 ? -errno : 0;
}

int blk_setup_read(void)
{
	return open_disk(O_RDONLY);
}

int blk_setup_write(void)
{
	return open_disk(O_WRONLY);
}

void blk_teardown(void)
{
	if (blk_fd >= 0)
		close(blk_fd);
	blk_fd = -1;
}

int64_t run_blk_read_bw(long n)
{
	static char buf[BW_CHUNK];
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		if (read_pos + BW_CHUNK > BLK_HALF)
			read_pos = 0;
		if (pread(blk_fd, buf, BW_CHUNK, read_pos) != BW_CHUNK)
			return -EIO;
		read_pos += BW_CHUNK;
	}
	return bench_now_ns() - t0;
}

int64_t run_blk_write_bw(long n)
{
	static char buf[BW_CHUNK];
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		if (write_pos + BW_CHUNK > BLK_HALF)
			write_pos = 0;
		buf[0] = (char)i;
		if (pwrite(blk_fd, buf, BW_CHUNK, BLK_HALF + write_pos) != BW_CHUNK)
			return -EIO;
		write_pos += BW_CHUNK;
	}
	if (fsync(blk_fd))
		return -errno;
	return bench_now_ns() - t0;
}
