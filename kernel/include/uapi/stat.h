/*
 * uapi/stat.h — struct stat as x86-64 Linux lays it out for stat/fstat/newfstatat
 * (arch/x86/include/uapi/asm/stat.h, the 64-bit variant): plain data, explicit padding.
 * tests/kernel/t_uapi.c compares every size and offset against /usr/include.
 */
#ifndef KERNEL_UAPI_STAT_H
#define KERNEL_UAPI_STAT_H

#include <fw/types.h>

struct uapi_stat {
	u64 st_dev;
	u64 st_ino;
	u64 st_nlink;
	u32 st_mode;
	u32 st_uid;
	u32 st_gid;
	u32 pad0;
	u64 st_rdev;
	i64 st_size;
	i64 st_blksize;
	i64 st_blocks;
	u64 st_atime_sec;
	u64 st_atime_nsec;
	u64 st_mtime_sec;
	u64 st_mtime_nsec;
	u64 st_ctime_sec;
	u64 st_ctime_nsec;
	i64 unused[3];
};
_Static_assert(sizeof(struct uapi_stat) == 144, "struct stat (x86-64)");

/* Linux's device number encoding (new_encode_dev, as glibc's makedev). */
static inline u64 uapi_makedev(u32 major, u32 minor)
{
	return ((u64)(major & 0xfffff000u) << 32) | ((u64)(major & 0xfffu) << 8) |
	       ((u64)(minor & 0xffffff00u) << 12) | (minor & 0xffu);
}

#endif /* KERNEL_UAPI_STAT_H */
