/*
 * fs/cpio.h — a reader for the initramfs: cpio "newc" archives (magic 070701) and their
 * checksummed twin "crc" (070702), uncompressed or gzip-compressed, concatenated, as the
 * kernel's initramfs unpacker consumes them (Linux's init/initramfs.c).
 *
 * The reader is an iterator over a `struct bytes` the caller holds (the boot module):
 *
 *     struct cpio_reader *r = cpio_reader_new(archive);     // NULL: out of memory
 *     struct cpio_entry e;
 *     int n;
 *     while ((n = cpio_next(r, &e)) > 0) {
 *             ... e.name, e.mode, e.size; a symlink's target in e.data ...
 *             struct bytes_result d;
 *             while ((d = cpio_read_data(r)).err == 0 && bytes_len(d.value))
 *                     ... a regular file's bytes, piece by piece ...
 *     }
 *     cpio_reader_free(r);
 *     if (n < 0) return n;          // malformed: -EINVAL, -ENAMETOOLONG
 *
 * The boot module is a sequence of segments, as Linux reads it: an uncompressed archive
 * (its magic at an offset that is a multiple of 4), a gzip member holding one or more
 * archives (fs/inflate.h: decompressed piece by piece, never whole), zero bytes between
 * them. Debian's initrds are one gzip member, or an uncompressed microcode archive then one.
 * Another compression (xz, zstd, ...) is -EINVAL, as in a Linux built without it.
 *
 * The archive is hostile input: every field must be exactly eight hex digits, every size is
 * checked against the bytes really present, the name must end in its one NUL and hold no
 * other, and the file type must be one Linux knows; a compressed member must end right after
 * a trailer (and zero padding). Nothing here traps; errors are returned and sticky.
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
	struct str name;   /* without the NUL; never empty; valid until the next cpio_next */
	u32 ino;
	u32 mode;          /* type and permission bits */
	u32 uid;
	u32 gid;
	u32 nlink;
	u32 mtime;
	u32 rdev_major;
	u32 rdev_minor;
	u32 size;          /* the data's length */
	struct bytes data; /* a symlink's target (until the next cpio_next); empty otherwise */
};

struct cpio_reader;

/* cpio_reader_new - a reader at the start of `archive` (which must outlive the reader), or
 * NULL when memory is short. cpio_reader_free releases it (NULL is ignored). */
struct cpio_reader *cpio_reader_new(struct bytes archive);
void cpio_reader_free(struct cpio_reader *r);

/*
 * cpio_next - the next entry (the data the caller did not read of the previous one skipped).
 * Returns: 1 and *e filled; 0 at the end (the last segment ended, followed only by zeros);
 *          -EINVAL for an empty module, a malformed header, bad magic, a non-hex field, a
 *          size past the end of the input, a name without its NUL or with one inside, an
 *          unknown file type, a symlink target that is empty or too long, a wrong "crc"
 *          checksum, a malformed or truncated gzip member or one that does not end after a
 *          trailer, bytes that start no segment; -ENAMETOOLONG for a name over
 *          CPIO_PATH_MAX; -ENOMEM when the decompressor cannot be allocated. After an
 *          error the reader stays failed.
 */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e);

/*
 * cpio_read_data - the next piece of the current entry's data, a view valid until the next
 * call on `r`. Returns: a non-empty slice; an empty one when the data is all read; an error
 * as cpio_next's (the input ends inside the data, a "crc" entry's sum is wrong: reported
 * with the last piece).
 */
struct bytes_result cpio_read_data(struct cpio_reader *r);

#endif /* KERNEL_FS_CPIO_H */
