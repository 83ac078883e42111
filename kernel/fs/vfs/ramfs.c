/*
 * ramfs.c — the memory file system: inodes that keep their data in memory. Regular files
 * hold their bytes in 4 KiB pages (a typed array of page pointers, NULL for a hole, so a file
 * may be larger than the heap's 1 MiB object limit); symlinks hold their target inline;
 * directories and device nodes are bare inodes (their names live in the dentry tree). Each
 * kind is a subtype of struct inode with its own static const ops table.
 */
#include <fs/vfs.h>
#include <fw/array.h>
#include <fw/typecache.h>

#define RAMFS_PAGE 4096u
#define RAMFS_MAX_PAGES (1u << 18) /* 1 GiB per file */

struct ramfs_page {
	u8 b[RAMFS_PAGE];
};
DEFINE_TYPE_CACHE(ramfs_page_cache, struct ramfs_page);
DEFINE_ARRAY(ramfs_pages, struct ramfs_page *);

struct ramfs_file {
	struct inode vfs;
	struct ramfs_pages pages;
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
	struct ramfs_file *f = ramfs_file_from(ip);
	size_t done = 0;
	while (done < bytes_len(dst) && pos < ip->size) {
		u64 in_page = pos % RAMFS_PAGE;
		u64 n = RAMFS_PAGE - in_page;
		if (n > ip->size - pos)
			n = ip->size - pos;
		if (n > bytes_len(dst) - done)
			n = bytes_len(dst) - done;
		struct bytes_result to = bytes_sub(dst, done, n);
		struct ramfs_page *pg = ramfs_pages_get(&f->pages, pos / RAMFS_PAGE).value;
		if (to.err)
			return result_size_err(-EFAULT);
		if (pg) {
			struct bytes_result from = bytes_sub(BYTES_OF_ARRAY(pg->b), in_page, n);
			if (from.err || bytes_copy(to.value, from.value))
				return result_size_err(-EIO);
		} else {
			bytes_fill(to.value, 0);
		}
		done += n;
		pos += n;
	}
	return result_size_ok(done);
}

static struct result_size ramfs_write(struct inode *ip, struct bytes src, u64 pos)
{
	struct ramfs_file *f = ramfs_file_from(ip);
	size_t done = 0;
	u64 end;
	if (fw_add_overflow(pos, (u64)bytes_len(src), &end) ||
	    end > (u64)RAMFS_MAX_PAGES * RAMFS_PAGE)
		return result_size_err(-EFBIG);
	u64 need = (end + RAMFS_PAGE - 1) / RAMFS_PAGE;
	if (need > ramfs_pages_len(&f->pages) && ramfs_pages_resize(&f->pages, need))
		return result_size_err(-ENOSPC);
	while (done < bytes_len(src)) {
		u64 idx = pos / RAMFS_PAGE, in_page = pos % RAMFS_PAGE;
		u64 n = RAMFS_PAGE - in_page;
		if (n > bytes_len(src) - done)
			n = bytes_len(src) - done;
		struct ramfs_page *pg = ramfs_pages_get(&f->pages, idx).value;
		if (!pg) {
			pg = ramfs_page_cache_alloc();
			if (!pg || ramfs_pages_set(&f->pages, idx, pg)) {
				ramfs_page_cache_free(pg);
				break; /* a short write, or -ENOSPC below */
			}
		}
		struct bytes_result to = bytes_sub(BYTES_OF_ARRAY(pg->b), in_page, n);
		struct bytes_result from = bytes_sub(src, done, n);
		if (to.err || from.err || bytes_copy(to.value, from.value))
			return result_size_err(-EIO);
		done += n;
		pos += n;
	}
	if (done == 0 && bytes_len(src))
		return result_size_err(-ENOSPC);
	if (pos > ip->size)
		ip->size = pos;
	return result_size_ok(done);
}

static int ramfs_truncate(struct inode *ip, u64 size)
{
	struct ramfs_file *f = ramfs_file_from(ip);
	if (size > (u64)RAMFS_MAX_PAGES * RAMFS_PAGE)
		return -EFBIG;
	u64 keep = (size + RAMFS_PAGE - 1) / RAMFS_PAGE;
	for (size_t i = keep; i < ramfs_pages_len(&f->pages); i++) {
		ramfs_page_cache_free(ramfs_pages_get(&f->pages, i).value);
		(void)ramfs_pages_set(&f->pages, i, NULL);
	}
	if (keep < ramfs_pages_len(&f->pages) && ramfs_pages_resize(&f->pages, keep))
		return -ENOMEM;
	/* zero the tail of the last page kept, so growing again reads zeros */
	if (size % RAMFS_PAGE && keep > 0) {
		struct ramfs_page *pg = ramfs_pages_get(&f->pages, keep - 1).value;
		if (pg) {
			struct bytes tail = bytes_skip(BYTES_OF_ARRAY(pg->b), size % RAMFS_PAGE).value;
			bytes_fill(tail, 0);
		}
	}
	ip->size = size;
	return 0;
}

static void ramfs_file_destroy(struct inode *ip)
{
	struct ramfs_file *f = ramfs_file_from(ip);
	(void)ramfs_truncate(ip, 0);
	ramfs_pages_destroy(&f->pages);
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
	.read = ramfs_read,
	.write = ramfs_write,
	.truncate = ramfs_truncate,
	.destroy = ramfs_file_destroy,
};

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
		ramfs_pages_init(&f->pages, RAMFS_MAX_PAGES);
		ip = ramfs_file_base(f);
		ip->ops = &ramfs_file_ops;
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
		break;
	}
	}
	ip->mode = mode;
	ip->sb = sb;
	refcount_get(&sb->refs);
	ip->ino = sb->next_ino++;
	sb->inodes++;
	vfs_touch_locked(ip, VFS_TOUCH_A | VFS_TOUCH_M | VFS_TOUCH_C);
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
