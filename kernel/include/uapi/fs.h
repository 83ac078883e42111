/*
 * uapi/fs.h — file system call constants and structures of x86-64 Linux: the *at() flags
 * (include/uapi/linux/fcntl.h), renameat2 flags, utimensat's UTIME_NOW/UTIME_OMIT, struct
 * statfs (asm-generic/statfs.h, 64-bit), struct statx (include/uapi/linux/stat.h) and
 * utimbuf, as union-free plain data (timeval: uapi/time.h). tests/kernel/t_uapi.c compares them with /usr/include.
 */
#ifndef KERNEL_UAPI_FS_H
#define KERNEL_UAPI_FS_H

#include <fw/types.h>

#define UAPI_AT_FDCWD (-100)
#define UAPI_AT_SYMLINK_NOFOLLOW 0x100u
#define UAPI_AT_REMOVEDIR 0x200u
#define UAPI_AT_EACCESS 0x200u
#define UAPI_AT_SYMLINK_FOLLOW 0x400u
#define UAPI_AT_NO_AUTOMOUNT 0x800u
#define UAPI_AT_EMPTY_PATH 0x1000u
#define UAPI_AT_STATX_SYNC_TYPE 0x6000u

#define UAPI_RENAME_NOREPLACE 1u
#define UAPI_RENAME_EXCHANGE 2u
#define UAPI_RENAME_WHITEOUT 4u

#define UAPI_UTIME_NOW ((1l << 30) - 1l)
#define UAPI_UTIME_OMIT ((1l << 30) - 2l)

/* the ioctls every file answers (Linux's do_vfs_ioctl; asm-generic/ioctls.h); FIONBIO and
 * FIONREAD: uapi/socket.h */
#define UAPI_FIONCLEX 0x5450u
#define UAPI_FIOCLEX 0x5451u

#define UAPI_FALLOC_FL_KEEP_SIZE 1u
#define UAPI_FALLOC_FL_PUNCH_HOLE 2u

#define UAPI_ST_RDONLY 0x1u
#define UAPI_ST_NOSUID 0x2u
#define UAPI_ST_NODEV 0x4u
#define UAPI_ST_NOEXEC 0x8u
#define UAPI_ST_VALID 0x20u

/* mount(2) flags (include/uapi/linux/mount.h) */
#define UAPI_MS_RDONLY 0x1u
#define UAPI_MS_NOSUID 0x2u
#define UAPI_MS_NODEV 0x4u
#define UAPI_MS_NOEXEC 0x8u
#define UAPI_MS_REMOUNT 0x20u
#define UAPI_MS_NOSYMFOLLOW 0x100u
#define UAPI_MS_NOATIME 0x400u
#define UAPI_MS_NODIRATIME 0x800u
#define UAPI_MS_BIND 0x1000u
#define UAPI_MS_MOVE 0x2000u
#define UAPI_MS_REC 0x4000u
#define UAPI_MS_UNBINDABLE (1u << 17)
#define UAPI_MS_PRIVATE (1u << 18)
#define UAPI_MS_SLAVE (1u << 19)
#define UAPI_MS_SHARED (1u << 20)
#define UAPI_MS_MGC_MSK 0xffff0000u
#define UAPI_MS_MGC_VAL 0xc0ed0000u
/* umount2(2) flags */
#define UAPI_MNT_FORCE 1u
#define UAPI_MNT_DETACH 2u
#define UAPI_MNT_EXPIRE 4u
#define UAPI_UMOUNT_NOFOLLOW 8u

/* file locks: fcntl commands, struct flock (asm-generic/fcntl.h, 64-bit), flock(2) ops */
#define UAPI_F_GETLK 5
#define UAPI_F_SETLK 6
#define UAPI_F_SETLKW 7
#define UAPI_F_OFD_GETLK 36
#define UAPI_F_OFD_SETLK 37
#define UAPI_F_OFD_SETLKW 38
#define UAPI_F_RDLCK 0
#define UAPI_F_WRLCK 1
#define UAPI_F_UNLCK 2
#define UAPI_LOCK_SH 1u
#define UAPI_LOCK_EX 2u
#define UAPI_LOCK_NB 4u
#define UAPI_LOCK_UN 8u

struct uapi_flock {
	i16 l_type;
	i16 l_whence;
	u32 pad0;
	i64 l_start;
	i64 l_len;
	i32 l_pid;
	u32 pad1;
};
_Static_assert(sizeof(struct uapi_flock) == 32, "struct flock (x86-64)");

struct uapi_statfs {
	i64 f_type;
	i64 f_bsize;
	u64 f_blocks;
	u64 f_bfree;
	u64 f_bavail;
	u64 f_files;
	u64 f_ffree;
	i32 f_fsid[2];
	i64 f_namelen;
	i64 f_frsize;
	i64 f_flags;
	i64 f_spare[4];
};
_Static_assert(sizeof(struct uapi_statfs) == 120, "struct statfs (x86-64)");

struct uapi_statx_timestamp {
	i64 tv_sec;
	u32 tv_nsec;
	i32 reserved;
};

#define UAPI_STATX_BASIC_STATS 0x7ffu
#define UAPI_STATX_RESERVED 0x80000000u

struct uapi_statx {
	u32 stx_mask;
	u32 stx_blksize;
	u64 stx_attributes;
	u32 stx_nlink;
	u32 stx_uid;
	u32 stx_gid;
	u16 stx_mode;
	u16 spare0;
	u64 stx_ino;
	u64 stx_size;
	u64 stx_blocks;
	u64 stx_attributes_mask;
	struct uapi_statx_timestamp stx_atime;
	struct uapi_statx_timestamp stx_btime;
	struct uapi_statx_timestamp stx_ctime;
	struct uapi_statx_timestamp stx_mtime;
	u32 stx_rdev_major;
	u32 stx_rdev_minor;
	u32 stx_dev_major;
	u32 stx_dev_minor;
	u64 stx_mnt_id;
	u32 stx_dio_mem_align;
	u32 stx_dio_offset_align;
	u64 spare3[12];
};
_Static_assert(sizeof(struct uapi_statx) == 256, "struct statx");

struct uapi_utimbuf {
	i64 actime;
	i64 modtime;
};

#endif /* KERNEL_UAPI_FS_H */
