/*
 * fs/synth.h — what the generated ("synthetic") file systems share (kernel/fs/synth.c): /proc
 * (fs/procfs.h) and /sys (fs/sysfs.h) store nothing; their directories list entries made from
 * tables and live state, their files are texts made at each read, their links carry a text made
 * at lookup. This header gives them one way to do each:
 *
 *   - synth_inode_init: a fresh inode of such a file system (mode, number, times, one reference);
 *   - synth_read: a read of a generated file (the whole text made by the file system's generator
 *     into a buffer that grows while the text does not fit, then the window at the offset);
 *   - struct synth_text: a link's target text, owned by the inode;
 *   - struct synth_entry and synth_find / synth_readdir: a directory listed as entries 0, 1, ...
 *     by a function of the file system (its i-th entry), looked up by name and read by getdents.
 *
 * No locks of its own: the callers' (vfs_lock for lookup and readdir, none for reads).
 */
#ifndef KERNEL_FS_SYNTH_H
#define KERNEL_FS_SYNTH_H

#include <fs/vfs.h>
#include <fw/heap.h>
#include <fw/strbuf.h>

#define SYNTH_GEN_MAX (1u << 20) /* the largest text a generated file makes (KBUF_MAX) */
#define SYNTH_NAME_MAX 32u       /* the longest name an entry function makes */

/* synth_inode_init - set up a new inode `ip` of `sb` (not shared yet): inode and file ops,
 * mode (with the S_IFMT bits), number, times now, nlink 2 for a directory (else 1), one
 * reference (the caller's); takes a reference on sb. */
void synth_inode_init(struct inode *ip, struct vfs_sb *sb, const struct inode_ops *ops,
		      const struct file_ops *fops, u32 mode, u64 ino);

/* A generator: appends the text of `ip` to sb; 0 or -errno (the read fails with it). A text
 * that overflows sb is made again into a larger buffer, so it must not have side effects. */
typedef int (*synth_gen_fn)(struct inode *ip, struct strbuf *sb);

/* synth_read - the bytes of gen's text for ip at `pos` into dst: their count (0 past the end),
 * or -errno from gen, -ENOMEM. A text longer than SYNTH_GEN_MAX is cut there. Called with no
 * lock held (gen may sleep and take locks). */
struct result_size synth_read(struct inode *ip, synth_gen_fn gen, struct bytes dst, u64 pos);

/* A link's target text, owned by its inode (free it in destroy). */
struct synth_text {
	struct kbuf buf;
	size_t len;
};
/* synth_text_set - replace the text: 0 or -ENOMEM (then it is empty). */
int synth_text_set(struct synth_text *t, struct str s);
/* synth_text_str - the text (valid until it is set again or freed). */
struct str synth_text_str(const struct synth_text *t);
void synth_text_free(struct synth_text *t);

/* One entry of a generated directory, as its entry function makes it. */
struct synth_entry {
	u32 kind;  /* the file system's kind of entry */
	u32 mode;  /* with the S_IFMT bits */
	u32 arg;   /* which one (a CPU, a device slot), as the file system counts them */
	u64 ino;   /* its inode number */
	size_t name_len;
	u8 name[SYNTH_NAME_MAX];
};
/* The i-th entry of directory `dir` into *out: true, or false past the last. Entries may be
 * missing in the middle (a device slot that is empty): return true with name_len 0. */
typedef bool (*synth_entry_fn)(struct inode *dir, u64 i, struct synth_entry *out);

/* synth_entry_name - the entry's name. */
struct str synth_entry_name(struct synth_entry *e);
/* synth_entry_set - fill *e (a name longer than SYNTH_NAME_MAX is cut). */
void synth_entry_set(struct synth_entry *e, struct str name, u32 kind, u32 mode, u32 arg, u64 ino);
/* synth_find - the entry of `dir` named `name` into *out: true, or false. */
bool synth_find(struct inode *dir, synth_entry_fn entry, struct str name, struct synth_entry *out);
/* synth_readdir - getdents over `dir`'s entries (position 2 + i is entry i): 0 or -ENOENT past
 * the last (the contract of file_ops.readdir). */
int synth_readdir(struct inode *dir, synth_entry_fn entry, u64 pos, struct vfs_dirent *out);
/* synth_dirent - fill *out with one entry (what a readdir that lists by other means reports). */
void synth_dirent(struct vfs_dirent *out, struct str name, u32 mode, u64 ino, u64 next);

/* synth_link_revalidate - for a link whose text depends on who looks and when: never reused
 * (inode_ops.revalidate). */
bool synth_link_revalidate(const struct vfs_ctx *c, struct inode *ip);

#endif /* KERNEL_FS_SYNTH_H */
