/*
 * initramfs.c — unpack the boot archive (fs/cpio.h) into the VFS, as Linux's
 * init/initramfs.c does: names are relative to the root ("." is the root itself),
 * directories that already exist are kept (their mode and owner updated), regular files are
 * created or truncated and written, symlinks and device nodes are made; owner and mode come
 * from the archive. Hard links (nlink > 1 with a repeated ino) are unpacked as copies.
 */
#include <fs/cpio.h>
#include <fs/vfs.h>

static int unpack_one(const struct vfs_ctx *c, const struct cpio_entry *e)
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
		struct result_size n = vfs_write(f.value, e->data);
		vfs_close(f.value);
		if (n.err)
			return n.err;
		if (n.value != bytes_len(e->data))
			return -ENOSPC;
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
	struct cpio_reader r;
	struct cpio_entry e;
	int n;
	cpio_reader_init(&r, archive);
	while ((n = cpio_next(&r, &e)) > 0) {
		int err = unpack_one(&at_root, &e);
		if (err)
			return err;
	}
	return n;
}
