/*
 * ramfs.c — the memory file system: inodes that keep their data in memory. Regular files
 * hold their bytes in their page cache (inode->cache, vm/vm.h) and nowhere else, so read(),
 * write(), mmap and exec all see the same frames; symlinks hold their target inline;
 * directories and device nodes are bare inodes (their names live in the dentry tree). Each
 * kind is a subtype of struct inode with its own static const inode ops table (and file ops
 * for regular files).
 */
#include <fs/vfs.h>
#include <fw/typecache.h>
#include <vm/vm.h>

#define RAMFS_MAX_BYTES (1ull << 30) /* 1 GiB per file */

struct ramfs_file {
	struct inode vfs; /* its bytes: vfs.cache */
};
DEFINE_SUBTYPE(ramfs_file, struct ramfs_file, vfs, struct inode, tag);

struct ramfs_link {
	struct inode vfs;
	size_t len;
	u8 target[VFS_PATH_MAX];
};
DEFINE_SUBTYPE(ramfs_link, struct ramfs_link, vfs, struct inode, tag);

struct ramfs_node {
	struct inode vfs;
};
DEFINE_SUBTYPE(ramfs_node, struct ramfs_node, vfs, struct inode, tag);

static struct result_size ramfs_read(struct inode *ip, struct bytes dst, u64 pos)
{
	if (pos >= ip->size)
		return result_size_ok(0);
	u64 n = ip->size - pos < bytes_len(dst) ? ip->size - pos : bytes_len(dst);
	int e = vm_object_read(ip->cache, pos, bytes_head(dst, n));
	return e ? result_size_err(e == -ENOMEM ? -ENOMEM : -EIO) : result_size_ok(n);
}

static struct result_size ramfs_write(struct inode *ip, struct bytes src, u64 pos)
{
	u64 end;
	if (fw_add_overflow(pos, (u64)bytes_len(src), &end) || end > RAMFS_MAX_BYTES)
		return result_size_err(-EFBIG);
	if (vm_object_write_denied(ip->cache))
		return result_size_err(-ETXTBSY); /* a running program's file */
	u64 added = 0;
	/* Memory running out makes a short write, or -ENOMEM when nothing fit (as Linux's
	 * tmpfs when a page cannot be had below its size limit; it said -ENOSPC: found by make
	 * test-abi-fault, files.append_writes_at_end). */
	struct result_size n = vm_object_write(ip->cache, pos, src, ~0ull, &added);
	if (n.err || (n.value == 0 && bytes_len(src)))
		return result_size_err(-ENOMEM);
	if (pos + n.value > ip->size) {
		ip->size = pos + n.value;
		vm_object_set_size(ip->cache, ip->size);
	}
	return n;
}

static int ramfs_truncate(struct inode *ip, u64 size)
{
	if (size > RAMFS_MAX_BYTES)
		return -EFBIG;
	if (size < ip->size && vm_object_write_denied(ip->cache))
		return -ETXTBSY; /* a running program's file: its pages must stay */
	/* Shrinking drops the pages past the end and zeroes the last page's tail, so growing
	 * again reads zeros. */
	(void)vm_object_truncate(ip->cache, size);
	vm_object_set_size(ip->cache, size);
	ip->size = size;
	return 0;
}

static void ramfs_file_destroy(struct inode *ip)
{
	struct ramfs_file *f = ramfs_file_from(ip);
	/* A program still running from the file keeps the object (and its pages) until it
	 * ends; the last reference frees them. */
	vm_object_put(ip->cache);
	ip->cache = NULL;
	ramfs_file_delete(f);
}

static struct str ramfs_readlink(struct inode *ip)
{
	struct ramfs_link *l = ramfs_link_from(ip);
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(l->target), l->len));
}

static void ramfs_link_destroy(struct inode *ip)
{
	ramfs_link_delete(ramfs_link_from(ip));
}

static void ramfs_node_destroy(struct inode *ip)
{
	ramfs_node_delete(ramfs_node_from(ip));
}

static const struct inode_ops ramfs_file_ops = {
	.truncate = ramfs_truncate,
	.destroy = ramfs_file_destroy,
};

/* ramfs_llseek - SEEK_DATA and SEEK_HOLE: on tmpfs by the pages the file's cache holds, as
 * Linux's shmem_file_llseek (a page it holds is data, an absent one a hole, the end a hole);
 * on ramfs the whole file is data, as Linux's generic_file_llseek there. An offset at or
 * past the end, or negative, is ENXIO; the rest is the generic seek. */
static struct result_i64 ramfs_llseek(struct file *f, i64 off, int whence)
{
	if (whence != 3 && whence != 4)
		return vfs_generic_llseek(f, off, whence);
	struct inode *ip = f->inode;
	if (off < 0)
		return result_i64_err(-ENXIO);
	mutex_lock(&ip->lock);
	u64 size = ip->size, at = (u64)off / VM_PAGE_SIZE, pos = 0;
	u64 pages = (size + VM_PAGE_SIZE - 1) / VM_PAGE_SIZE; /* those with bytes below the end */
	int e = (u64)off >= size ? -ENXIO : 0;
	if (!e && ip->sb->magic != VFS_TMPFS_MAGIC) { /* ramfs: no holes but the end */
		pos = whence == 3 ? (u64)off : size;
	} else if (!e && whence == 3) { /* SEEK_DATA: the first page held at or after off */
		u64 idx;
		if (!vm_object_next_page(ip->cache, at, &idx) || idx >= pages)
			e = -ENXIO;
		else
			pos = idx == at ? (u64)off : idx * VM_PAGE_SIZE;
	} else if (!e) { /* SEEK_HOLE: the first page not held, or the end */
		u64 idx = at, next;
		while (idx < pages && vm_object_next_page(ip->cache, idx, &next) && next == idx)
			idx++;
		pos = idx == at ? (u64)off : idx * VM_PAGE_SIZE;
		if (pos > size)
			pos = size;
	}
	if (!e)
		f->pos = pos;
	mutex_unlock(&ip->lock);
	return e ? result_i64_err(e) : result_i64_ok((i64)pos);
}

/* ramfs_mmap - a mapping maps the file's page cache: read, write and mmap share frames */
static struct vm_object *ramfs_mmap(struct file *f)
{
	return f->inode->cache;
}

static const struct file_ops ramfs_file_fops = {
	.read = ramfs_read,
	.write = ramfs_write,
	.mmap = ramfs_mmap,
	.llseek = ramfs_llseek,
	.fsync = vfs_fsync_noop, /* memory: nothing to write back */
};

/* a directory lists the dentry tree (no readdir of its own) */
static const struct file_ops ramfs_dir_fops = {
	.fsync = vfs_fsync_noop,
	.llseek = vfs_dir_llseek,
};

/* symlinks are never opened but with O_PATH; device nodes, FIFOs and sockets have no file
 * ops of their own (a device node opens with its driver's, a FIFO with its pipe's) */
static const struct inode_ops ramfs_link_ops = {
	.readlink = ramfs_readlink,
	.destroy = ramfs_link_destroy,
};

static const struct inode_ops ramfs_node_ops = {
	.destroy = ramfs_node_destroy,
};

struct inode *ramfs_new_inode(struct vfs_sb *sb, u32 mode)
{
	struct inode *ip = NULL;
	switch (mode & VFS_S_IFMT) {
	case VFS_S_IFREG: {
		struct ramfs_file *f = ramfs_file_new();
		if (!f)
			return NULL;
		ip = ramfs_file_base(f);
		ip->cache = vm_object_new();
		if (!ip->cache) {
			ramfs_file_delete(f);
			return NULL;
		}
		vm_object_set_size(ip->cache, 0);
		ip->ops = &ramfs_file_ops;
		ip->fops = &ramfs_file_fops;
		/* a tmpfs file takes seals and starts with F_SEAL_SEAL, as Linux's shmem files
		 * (memfd_create with MFD_ALLOW_SEALING clears it); a ramfs file takes none */
		ip->sealable = sb->magic == VFS_TMPFS_MAGIC;
		ip->seals = ip->sealable ? VFS_SEAL_SEAL : 0;
		break;
	}
	case VFS_S_IFLNK: {
		struct ramfs_link *l = ramfs_link_new();
		if (!l)
			return NULL;
		ip = ramfs_link_base(l);
		ip->ops = &ramfs_link_ops;
		break;
	}
	default: {
		struct ramfs_node *n = ramfs_node_new();
		if (!n)
			return NULL;
		ip = ramfs_node_base(n);
		ip->ops = &ramfs_node_ops;
		if ((mode & VFS_S_IFMT) == VFS_S_IFDIR)
			ip->fops = &ramfs_dir_fops;
		break;
	}
	}
	vfs_inode_init(ip);
	ip->mode = mode;
	ip->sb = sb;
	refcount_get(&sb->refs);
	spin_lock(&sb->space_lock);
	ip->ino = sb->next_ino++;
	sb->inodes++;
	spin_unlock(&sb->space_lock);
	ip->atime = ip->mtime = ip->ctime = vfs_now(); /* not shared yet: no lock */
	ip->nlink = (mode & VFS_S_IFMT) == VFS_S_IFDIR ? 2 : 1;
	refcount_init(&ip->refs, 1);
	return ip;
}

int ramfs_set_symlink(struct inode *ip, struct str target)
{
	struct ramfs_link *l = ramfs_link_from(ip);
	if (str_len(target) == 0)
		return -ENOENT;
	struct result_size n = str_copy_to(BYTES_OF_ARRAY(l->target), target);
	if (n.err || n.value >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	l->len = n.value;
	ip->size = n.value;
	return 0;
}
