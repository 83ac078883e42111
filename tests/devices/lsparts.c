/*
 * lsparts — an `fdisk -l`-style listing of a disk and its partitions as the kernel sees them
 * (test-devices-blk, mk/devices.mk): the disk's size (BLKGETSIZE64), then every partition
 * /proc/partitions names, with its first sector (HDIO_GETGEO's start), last sector, sector
 * count and size. `tools/mkdisk.py fdisk-l IMAGE` prints the same listing from the image's
 * GPT on the host; the guest compares the two.
 *
 *   lsparts vda
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* From the Linux UAPI (musl-gcc has no kernel headers): <linux/fs.h>, <linux/hdreg.h>. */
#define BLKGETSIZE64 0x80081272u
#define HDIO_GETGEO 0x0301u
struct hd_geometry {
	unsigned char heads;
	unsigned char sectors;
	unsigned short cylinders;
	unsigned long start;
};

/* human - 1536 -> "1.5K", 1048576 -> "1M": units of 1024, one decimal unless it is 0. */
static void human(unsigned long long bytes, const char *suffix, char *out, size_t n)
{
	const char *units = "BKMGTP";
	int u = 0;
	unsigned long long tenths = bytes * 10;
	while (bytes >= 1024 && u < 5) {
		tenths = (bytes * 10 + 512) / 1024;
		bytes /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, n, "%lluB", bytes);
	else if (tenths % 10 == 0)
		snprintf(out, n, "%llu%s%c%s", tenths / 10, *suffix ? " " : "", units[u], suffix);
	else
		snprintf(out, n, "%llu.%llu%s%c%s", tenths / 10, tenths % 10, *suffix ? " " : "",
			 units[u], suffix);
}

static int dev_info(const char *name, unsigned long long *bytes, unsigned long long *start)
{
	char path[64];
	snprintf(path, sizeof path, "/dev/%s", name);
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return -1;
	}
	struct hd_geometry g;
	int err = ioctl(fd, BLKGETSIZE64, bytes) || ioctl(fd, HDIO_GETGEO, &g);
	if (err)
		perror(path);
	*start = g.start;
	close(fd);
	return err ? -1 : 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: lsparts DISK\n");
		return 2;
	}
	const char *disk = argv[1];
	unsigned long long bytes, start;
	if (dev_info(disk, &bytes, &start))
		return 1;
	char h[32];
	human(bytes, "iB", h, sizeof h);
	printf("Disk /dev/%s: %s, %llu bytes, %llu sectors\n", disk, h, bytes, bytes / 512);
	printf("Units: sectors of 1 * 512 = 512 bytes\n\n");
	printf("%-12s %10s %10s %10s %6s\n", "Device", "Start", "End", "Sectors", "Size");
	FILE *f = fopen("/proc/partitions", "r");
	if (!f) {
		perror("/proc/partitions");
		return 1;
	}
	char line[256];
	int rc = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned major, minor;
		unsigned long long kib;
		char name[64];
		if (sscanf(line, "%u %u %llu %63s", &major, &minor, &kib, name) != 4)
			continue;
		if (strncmp(name, disk, strlen(disk)) || !strcmp(name, disk))
			continue;
		if (dev_info(name, &bytes, &start)) {
			rc = 1;
			continue;
		}
		char dev[80];
		snprintf(dev, sizeof dev, "/dev/%s", name);
		human(bytes, "", h, sizeof h);
		printf("%-12s %10llu %10llu %10llu %6s\n", dev, start, start + bytes / 512 - 1,
		       bytes / 512, h);
	}
	fclose(f);
	return rc;
}
