/*
 * fs/cpio.h — a reader for the initramfs archive format, cpio "newc" (magic 070701) and its
 * checksummed twin "crc" (070702), as the kernel's initramfs unpacker consumes it.
 *
 * The reader is an iterator over a `struct bytes` the caller holds (the boot module):
 *
 *     struct cpio_reader r;
 *     cpio_reader_init(&r, archive);
 *     struct cpio_entry e;
 *     int n;
 *     while ((n = cpio_next(&r, &e)) > 0)
 *             ... e.name, e.mode, e.data (slices into the archive) ...
 *     if (n < 0) return n;          // malformed: -EINVAL, -ENAMETOOLONG
 *
 * The archive is hostile input: every field must be exactly eight hex digits, every size is
 * checked against the bytes really present, the name must end in its one NUL and hold no
 * other, and the file type must be one Linux knows. Several archives may be concatenated
 * (Linux accepts that, with zero padding between them); the reader continues after a trailer
 * when non-zero bytes follow. Nothing here allocates or traps; errors are returned.
 */
#ifndef KERNEL_FS_CPIO_H
#define KERNEL_FS_CPIO_H

#include <fw/bytes.h>
#include <fw/str.h>
#include <fw/types.h>

/* File type bits of st_mode (the same values as Linux's S_IF*). */
#define CPIO_S_IFMT 0170000u
#define CPIO_S_IFSOCK 0140000u
#define CPIO_S_IFLNK 0120000u
#define CPIO_S_IFREG 0100000u
#define CPIO_S_IFBLK 0060000u
#define CPIO_S_IFDIR 0040000u
#define CPIO_S_IFCHR 0020000u
#define CPIO_S_IFIFO 0010000u

/* Longest name and symlink target accepted (Linux's PATH_MAX, NUL included). */
#define CPIO_PATH_MAX 4096u

struct cpio_entry {
	struct str name;   /* without the NUL; never empty */
	u32 ino;
	u32 mode;          /* type and permission bits */
	u32 uid;
	u32 gid;
	u32 nlink;
	u32 mtime;
	u32 rdev_major;
	u32 rdev_minor;
	struct bytes data; /* file contents, or the symlink target */
};

struct cpio_reader {
	struct bytes_cursor cur;
	size_t archives; /* trailers seen so far */
	int err;         /* sticky: the first error returned */
	bool done;       /* the end was reported */
};

/* cpio_reader_init - a reader at the start of `archive` (which must outlive the reader). */
void cpio_reader_init(struct cpio_reader *r, struct bytes archive);

/*
 * cpio_next - the next entry of the archive.
 * Returns: 1 and *e filled; 0 at the end (the last trailer, followed only by zero padding);
 *          -EINVAL for a malformed header, bad magic, a non-hex field, a size past the end of
 *          the archive, a name without its NUL or with one inside, an unknown file type, a
 *          symlink target that is empty or too long; -ENAMETOOLONG for a name over
 *          CPIO_PATH_MAX. After an error the reader stays failed.
 */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e);

#endif /* KERNEL_FS_CPIO_H */
