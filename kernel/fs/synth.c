/*
 * synth.c — what /proc and /sys share (fs/synth.h): their inodes' setup, reading a generated
 * file, a link's text, and directories listed by an entry function.
 */
#include <fs/synth.h>

void synth_inode_init(struct inode *ip, struct vfs_sb *sb, const struct inode_ops *ops,
		      const struct file_ops *fops, u32 mode, u64 ino)
{
	ip->ops = ops;
	ip->fops = fops;
	vfs_inode_init(ip);
	ip->mode = mode;
	ip->sb = sb;
	refcount_get(&sb->refs);
	ip->ino = ino;
	ip->atime = ip->mtime = ip->ctime = vfs_now(); /* not shared yet: no lock */
	ip->nlink = (mode & VFS_S_IFMT) == VFS_S_IFDIR ? 2 : 1;
	refcount_init(&ip->refs, 1);
}

struct result_size synth_read(struct inode *ip, synth_gen_fn gen, struct bytes dst, u64 pos)
{
	if (pos >= SYNTH_GEN_MAX || bytes_len(dst) == 0)
		return result_size_ok(0);
	struct kbuf buf = KBUF_EMPTY;
	int e = 0;
	struct str text = str_empty();
	for (size_t size = 4096; size <= SYNTH_GEN_MAX; size *= 4) {
		if (kbuf_alloc(&buf, size))
			return result_size_err(-ENOMEM);
		struct strbuf sb = strbuf_over(kbuf_bytes(&buf));
		e = gen(ip, &sb);
		if (!e && strbuf_err(&sb) == -ENOSPC && size < SYNTH_GEN_MAX) {
			kbuf_free(&buf); /* did not fit: again, bigger */
			continue;
		}
		text = strbuf_str(&sb); /* a text that does not fit 1 MiB is cut there */
		break;
	}
	if (e) {
		kbuf_free(&buf);
		return result_size_err(e);
	}
	struct str win = str_head(str_skip(text, pos), bytes_len(dst));
	struct result_size r = str_copy_to(dst, win);
	kbuf_free(&buf);
	return r;
}

int synth_text_set(struct synth_text *t, struct str s)
{
	kbuf_free(&t->buf);
	t->len = 0;
	if (str_len(s) == 0)
		return 0;
	if (kbuf_alloc(&t->buf, str_len(s)))
		return -ENOMEM;
	if (str_copy_to(kbuf_bytes(&t->buf), s).err)
		return -ENOMEM;
	t->len = str_len(s);
	return 0;
}

struct str synth_text_str(const struct synth_text *t)
{
	return str_from_bytes(bytes_head(kbuf_bytes(&t->buf), t->len));
}

void synth_text_free(struct synth_text *t)
{
	kbuf_free(&t->buf);
	t->len = 0;
}

struct str synth_entry_name(struct synth_entry *e)
{
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(e->name), e->name_len));
}

void synth_entry_set(struct synth_entry *e, struct str name, u32 kind, u32 mode, u32 arg, u64 ino)
{
	struct result_size n = str_copy_to(BYTES_OF_ARRAY(e->name), str_head(name, SYNTH_NAME_MAX));
	e->name_len = n.err ? 0 : n.value;
	e->kind = kind;
	e->mode = mode;
	e->arg = arg;
	e->ino = ino;
}

/* The largest directory an entry function may describe (a bound on the scans below). */
#define SYNTH_DIR_MAX 4096u

bool synth_find(struct inode *dir, synth_entry_fn entry, struct str name, struct synth_entry *out)
{
	for (u64 i = 0; i < SYNTH_DIR_MAX && entry(dir, i, out); i++)
		if (out->name_len && str_eq(synth_entry_name(out), name))
			return true;
	return false;
}

void synth_dirent(struct vfs_dirent *out, struct str name, u32 mode, u64 ino, u64 next)
{
	out->ino = ino;
	out->type = (u8)((mode & VFS_S_IFMT) >> 12);
	out->next = next;
	struct result_size len = str_copy_to(BYTES_OF_ARRAY(out->name), name);
	out->name_len = len.err ? 0 : len.value;
}

int synth_readdir(struct inode *dir, synth_entry_fn entry, u64 pos, struct vfs_dirent *out)
{
	struct synth_entry e;
	for (u64 i = pos < 2 ? 0 : pos - 2; i < SYNTH_DIR_MAX && entry(dir, i, &e); i++) {
		if (!e.name_len)
			continue; /* an empty slot */
		synth_dirent(out, synth_entry_name(&e), e.mode, e.ino, i + 3);
		return 0;
	}
	return -ENOENT;
}

bool synth_link_revalidate(const struct vfs_ctx *c, struct inode *ip)
{
	(void)c;
	(void)ip;
	return false;
}
