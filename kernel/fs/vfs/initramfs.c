/*
 * initramfs.c — unpack the boot archive (fs/cpio.h) into the VFS, as Linux's
 * init/initramfs.c does: names are relative to the root ("." is the root itself),
 * directories that already exist are kept (their mode and owner updated), regular files are
 * created or truncated and written, symlinks and device nodes are made; owner and mode come
 * from the archive. Hard links (nlink > 1 with a repeated ino) are unpacked as copies. The
 * archive may be gzip-compressed (fs/cpio.h): a regular file's bytes are written piece by
 * piece as the reader decompresses them.
 */
#include <fs/cpio.h>
#include <fs/vfs.h>

/* write_data - the entry's bytes into the open file `f`. */
static int write_data(struct cpio_reader *r, struct file *f)
{
	for (;;) {
		struct bytes_result d = cpio_read_data(r);
		if (d.err)
			return d.err;
		if (bytes_len(d.value) == 0)
			return 0;
		struct result_size n = vfs_write(f, d.value);
		if (n.err)
			return n.err;
		if (n.value != bytes_len(d.value))
			return -ENOSPC;
	}
}

static int unpack_one(const struct vfs_ctx *c, struct cpio_reader *r, const struct cpio_entry *e)
{
	struct str name = e->name;
	while (str_starts_with(name, STR("/")))
		name = str_skip(name, 1);
	if (str_len(name) == 0 || str_eq(name, STR(".")))
		return vfs_setattr(c, STR("/"), e->uid, e->gid, e->mode);
	int err = 0;
	switch (e->mode & CPIO_S_IFMT) {
	case CPIO_S_IFDIR:
		err = vfs_mkdir(c, name, e->mode);
		if (err == -EEXIST)
			err = 0;
		break;
	case CPIO_S_IFLNK:
		err = vfs_symlink(c, str_from_bytes(e->data), name);
		break;
	case CPIO_S_IFREG: {
		struct file_result f =
			vfs_open(c, name, VFS_O_WRONLY | VFS_O_CREAT | VFS_O_TRUNC | VFS_O_NOFOLLOW,
				 e->mode);
		if (f.err)
			return f.err;
		err = write_data(r, f.value);
		vfs_close(f.value);
		break;
	}
	default:
		err = vfs_mknod(c, name, e->mode, e->rdev_major, e->rdev_minor);
		break;
	}
	if (err)
		return err;
	return vfs_setattr(c, name, e->uid, e->gid, e->mode);
}

int initramfs_unpack(const struct vfs_ctx *c, struct bytes archive)
{
	struct vfs_ctx at_root = { .root = c->root, .cwd = c->root, .cred = c->cred };
	struct cpio_reader *r = cpio_reader_new(archive);
	if (!r)
		return -ENOMEM;
	struct cpio_entry e;
	int n;
	while ((n = cpio_next(r, &e)) > 0) {
		n = unpack_one(&at_root, r, &e);
		if (n)
			break;
	}
	cpio_reader_free(r);
	return n;
}
