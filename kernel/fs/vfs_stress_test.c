/*
 * vfs_stress_test.c — the VFS under concurrent namespace changes (issue #16's stress case):
 * four tasks (on every CPU under -smp 2) create, write, rename across and within directories,
 * make and remove subdirectories, open, read, stat and list the same two directories, a fixed number of
 * rounds each (no clock in the verdict). Afterwards the tree holds exactly the files the
 * tasks meant to keep, the link counts add up, and once they are removed the live dentry and
 * inode counts are back where they started (nothing leaked). Lock-order reports, if any, are
 * printed by the lock checker in the same boot log.
 */
#include <fs/vfs.h>
#include <fw/heap.h>
#include <fw/ktest.h>
#include <fw/strbuf.h>
#include <fw/task.h>

#define STRESS_WORKERS 4u
/* Rounds per worker: sized for the 10 s ktest limit on a loaded host. Under TCG with four
 * tasks on two vCPUs, a contended sleeping lock costs a wake-up the host may delay by its own
 * time slice: 160 rounds took 0.3-0.6 s on a quiet host and up to 16 s (main too) at a load
 * of 4 on 2 cores. */
#define STRESS_ROUNDS 64u
#define STRESS_KEEP_EVERY 4u /* every 4th file survives, renamed to k<w>_<k> in /b */

struct vfs_stress_worker {
	struct callback cb;
	struct vfs_ctx ctx;
	struct task_handle task;
	u32 id;
	int first_err;  /* the first unexpected result, or 0 */
	u32 err_round;
	u32 listed_max; /* the most entries one listing of /b saw */
};
DEFINE_SUBTYPE(vfs_stress_cb, struct vfs_stress_worker, cb, struct callback, tag);

static void stress_fail(struct vfs_stress_worker *w, int e, u32 round)
{
	if (!w->first_err && e) {
		w->first_err = e;
		w->err_round = round;
	}
}

/* stress_name - "<dir>/<prefix><w>_<k>" into buf. */
__attribute__((noinline)) static struct str stress_name(struct bytes buf, struct str dir, struct str prefix, u32 w, u32 k)
{
	struct strbuf sb = strbuf_over(buf);
	strbuf_add(&sb, dir);
	strbuf_add(&sb, prefix);
	STRBUF_FMT(&sb, "%u_%u", w, k);
	return strbuf_str(&sb);
}

/* stress_count - entries of the directory `path` other than "." and "..", or -errno. */
__attribute__((noinline)) static i64 stress_count(const struct vfs_ctx *c, struct str path)
{
	struct file_result f = vfs_open(c, path, VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
	if (f.err)
		return f.err;
	u8 buf[256];
	i64 n = 0;
	for (u32 guard = 0; guard < 100000; guard++) {
		struct result_size r = vfs_getdents64(f.value, BYTES_OF_ARRAY(buf));
		if (r.err) {
			n = r.err;
			break;
		}
		if (r.value == 0)
			break;
		size_t at = 0;
		while (at + 19 < r.value) {
			struct result_u16 len = bytes_le16(BYTES_OF_ARRAY(buf), at + 16);
			struct result_u8 c0 = bytes_u8(BYTES_OF_ARRAY(buf), at + 19);
			struct result_u8 c1 = bytes_u8(BYTES_OF_ARRAY(buf), at + 20);
			struct result_u8 c2 = bytes_u8(BYTES_OF_ARRAY(buf), at + 21);
			if (len.err || len.value == 0 || c0.err || c1.err || c2.err)
				break;
			bool dot = c0.value == '.' && c1.value == 0;
			bool dotdot = c0.value == '.' && c1.value == '.' && c2.value == 0;
			if (!dot && !dotdot)
				n++;
			at += len.value;
		}
	}
	vfs_close(f.value);
	return n;
}

static void stress_run(struct vfs_stress_worker *w)
{
	const struct vfs_ctx *c = &w->ctx;
	u8 a_buf[64], b_buf[64], k_buf[64], d_buf[64];
	for (u32 k = 0; k < STRESS_ROUNDS && !w->first_err; k++) {
		struct str a = stress_name(BYTES_OF_ARRAY(a_buf), STR("/stress/a/"), STR("f"), w->id, k);
		struct str b = stress_name(BYTES_OF_ARRAY(b_buf), STR("/stress/b/"), STR("f"), w->id, k);
		struct str kept = stress_name(BYTES_OF_ARRAY(k_buf), STR("/stress/b/"), STR("k"), w->id, k);
		struct str sub = stress_name(BYTES_OF_ARRAY(d_buf), STR("/stress/a/"), STR("d"), w->id, k);
		struct file_result f = vfs_open(c, a, VFS_O_WRONLY | VFS_O_CREAT | VFS_O_EXCL, 0644);
		stress_fail(w, f.err, k);
		if (f.err)
			break;
		struct result_size n = vfs_write(f.value, bytes_head(BYTES_OF_ARRAY(a_buf), 8));
		vfs_close(f.value);
		stress_fail(w, n.err ? n.err : (n.value == 8 ? 0 : -EIO), k);
		stress_fail(w, vfs_rename(c, a, c, b, 0), k); /* across directories */
		struct vfs_stat st;
		int e = vfs_stat(c, b, false, &st);
		stress_fail(w, e ? e : (st.size == 8 && st.nlink == 1 ? 0 : -EINVAL), k);
		stress_fail(w, vfs_mkdir(c, sub, 0755), k);
		stress_fail(w, vfs_rmdir(c, sub), k);
		/* open (a shared walk) and keep it open across the unlink: the close then drops
		 * the inode's last reference */
		struct file_result r = vfs_open(c, b, VFS_O_RDONLY, 0);
		stress_fail(w, r.err, k);
		if (k % STRESS_KEEP_EVERY == 0)
			stress_fail(w, vfs_rename(c, b, c, kept, VFS_RENAME_NOREPLACE), k);
		else
			stress_fail(w, vfs_unlink(c, b), k);
		if (!r.err) {
			n = vfs_read(r.value, bytes_head(BYTES_OF_ARRAY(b_buf), 8));
			vfs_close(r.value);
			stress_fail(w, n.err ? n.err : (n.value == 8 ? 0 : -EIO), k);
		}
		i64 listed = stress_count(c, STR("/stress/b"));
		if (listed < 0)
			stress_fail(w, (int)listed, k);
		else if ((u64)listed > w->listed_max)
			w->listed_max = (u32)listed;
		/* a name another worker just removed: ENOENT, never a stale hit */
		if (vfs_stat(c, a, false, &st) != -ENOENT)
			stress_fail(w, -EEXIST, k);
	}
}
DEFINE_SUBTYPE_CALLBACK(vfs_stress_cb, struct callback, stress_run);

/* stress_remove_kept - unlink every kept file; how many unlinks failed. */
__attribute__((noinline)) static u32 stress_remove_kept(const struct vfs_ctx *c)
{
	u8 name_buf[64];
	u32 failed = 0;
	for (u32 w = 0; w < STRESS_WORKERS; w++)
		for (u32 k = 0; k < STRESS_ROUNDS; k += STRESS_KEEP_EVERY)
			if (vfs_unlink(c, stress_name(BYTES_OF_ARRAY(name_buf), STR("/stress/b/"),
						      STR("k"), w, k)))
				failed++;
	return failed;
}

/* stress_verify - the tree after the workers: /a empty, /b exactly the kept files, link
 * and live counts agreeing; then the kept files go and the counts are back at the start. */
__attribute__((noinline)) static void stress_verify(struct ktest_ctx *kt, const struct vfs_ctx *c,
						     u64 dentries0, u64 inodes0, u32 listed_max)
{
	u32 kept = STRESS_WORKERS * ((STRESS_ROUNDS + STRESS_KEEP_EVERY - 1) / STRESS_KEEP_EVERY);
	KT_EXPECT_EQ(kt, stress_count(c, STR("/stress/a")), 0);
	KT_EXPECT_EQ(kt, stress_count(c, STR("/stress/b")), (i64)kept);
	KT_EXPECT_LE(kt, listed_max, kept + STRESS_WORKERS);
	struct vfs_stat st;
	KT_EXPECT_EQ(kt, vfs_stat(c, STR("/stress/a"), false, &st), 0);
	KT_EXPECT_EQ(kt, st.nlink, 2u); /* every subdirectory's ".." went with it */
	KT_EXPECT_EQ(kt, vfs_dentry_count(), dentries0 + kept);
	KT_EXPECT_EQ(kt, vfs_inode_count(), inodes0 + kept);
	/* nothing leaked: remove the kept files and the counts return to their start */
	KT_EXPECT_EQ(kt, stress_remove_kept(c), 0u);
	KT_EXPECT_EQ(kt, vfs_dentry_count(), dentries0);
	KT_EXPECT_EQ(kt, vfs_inode_count(), inodes0);
}

/* What a run of the workers came to: how many started, the first unexpected result and its
 * round, the most entries one listing saw. */
struct stress_outcome {
	u32 spawned;
	int first_err;
	u32 err_round;
	u32 listed_max;
};

/* stress_workers - STRESS_WORKERS tasks in c, the first `n_a` running fn_a and the others
 * fn_b, on any CPU; waits for all of them. */
static struct stress_outcome stress_workers(const struct vfs_ctx *c, callback_fn *fn_a, u32 n_a,
					    callback_fn *fn_b, struct str name)
{
	struct vfs_stress_worker *ws[STRESS_WORKERS] = { 0 };
	struct stress_outcome out = { 0 };
	for (u32 i = 0; i < STRESS_WORKERS; i++) {
		struct vfs_stress_worker *w = vfs_stress_cb_new();
		ws[i] = w;
		if (!w)
			break;
		w->ctx = *c;
		w->id = i;
		callback_set(&w->cb, i < n_a ? fn_a : fn_b);
		if (task_spawn(&w->task, &w->cb, name, TASK_ANY_CPU))
			break;
		out.spawned++;
	}
	for (u32 i = 0; i < STRESS_WORKERS; i++) {
		struct vfs_stress_worker *w = ws[i];
		if (!w)
			continue;
		(void)task_join(&w->task); /* an empty handle (not spawned) returns at once */
		if (!out.first_err && w->first_err) {
			out.first_err = w->first_err;
			out.err_round = w->err_round;
		}
		out.listed_max = w->listed_max > out.listed_max ? w->listed_max : out.listed_max;
		vfs_stress_cb_delete(w);
	}
	return out;
}

KTEST(vfs_stress, four_tasks_change_the_same_directories)
{
	struct path_result root = vfs_init();
	KT_ASSERT(kt, !root.err);
	struct vfs_ctx c = { .root = root.value, .cwd = root.value };
	KT_ASSERT(kt, vfs_mkdir(&c, STR("/stress"), 0755) == 0);
	KT_ASSERT(kt, vfs_mkdir(&c, STR("/stress/a"), 0755) == 0);
	KT_ASSERT(kt, vfs_mkdir(&c, STR("/stress/b"), 0755) == 0);
	u64 dentries0 = vfs_dentry_count(), inodes0 = vfs_inode_count();
	struct stress_outcome o = stress_workers(&c, SUBTYPE_CALLBACK(vfs_stress_cb, stress_run),
						 STRESS_WORKERS, NULL, STR("vfs-stress"));
	KT_EXPECT_EQ(kt, o.spawned, STRESS_WORKERS);
	KT_EXPECT_EQ(kt, o.first_err, 0);
	KT_EXPECT_EQ(kt, o.err_round, 0u); /* the round it failed in */
	if (o.spawned == STRESS_WORKERS)
		stress_verify(kt, &c, dentries0, inodes0, o.listed_max);
	vfs_free_tree(root.value);
}

/*
 * rmdir against creates inside the directory it removes: an rmdir holds the parent's
 * dir_lock, a create the directory's own, so they run at once; the emptiness check and the
 * kill are one step under dcache_lock, and a create's link refuses a directory killed
 * meanwhile. Two tasks make and remove /race/d, two create, stat and unlink a file in it.
 * A file made must stay reachable until its unlink (never stranded in a dead directory),
 * and the live counts return to their start.
 */
#define RACE_ROUNDS 800u

static void race_dir_run(struct vfs_stress_worker *w)
{
	const struct vfs_ctx *c = &w->ctx;
	for (u32 k = 0; k < RACE_ROUNDS && !w->first_err; k++) {
		int e = vfs_mkdir(c, STR("/race/d"), 0755);
		stress_fail(w, e == -EEXIST ? 0 : e, k);
		e = vfs_rmdir(c, STR("/race/d"));
		stress_fail(w, e == -ENOTEMPTY || e == -ENOENT ? 0 : e, k);
	}
}
DEFINE_SUBTYPE_CALLBACK(vfs_stress_cb, struct callback, race_dir_run);

static void race_file_run(struct vfs_stress_worker *w)
{
	const struct vfs_ctx *c = &w->ctx;
	u8 buf[64];
	struct str name = stress_name(BYTES_OF_ARRAY(buf), STR("/race/d/"), STR("f"), w->id, 0);
	for (u32 k = 0; k < RACE_ROUNDS && !w->first_err; k++) {
		struct file_result f = vfs_open(c, name, VFS_O_WRONLY | VFS_O_CREAT | VFS_O_EXCL, 0644);
		if (f.err) {
			stress_fail(w, f.err == -ENOENT ? 0 : f.err, k); /* no /race/d just now */
			continue;
		}
		vfs_close(f.value);
		struct vfs_stat st;
		stress_fail(w, vfs_stat(c, name, false, &st), k); /* reachable: d is not dead */
		stress_fail(w, vfs_unlink(c, name), k);
	}
}
DEFINE_SUBTYPE_CALLBACK(vfs_stress_cb, struct callback, race_file_run);

KTEST(vfs_stress, rmdir_races_creates_inside)
{
	struct path_result root = vfs_init();
	KT_ASSERT(kt, !root.err);
	struct vfs_ctx c = { .root = root.value, .cwd = root.value };
	KT_ASSERT(kt, vfs_mkdir(&c, STR("/race"), 0755) == 0);
	u64 dentries0 = vfs_dentry_count(), inodes0 = vfs_inode_count();
	/* two make and remove /race/d, two create in it */
	struct stress_outcome o = stress_workers(&c, SUBTYPE_CALLBACK(vfs_stress_cb, race_dir_run), 2,
						 SUBTYPE_CALLBACK(vfs_stress_cb, race_file_run),
						 STR("vfs-race"));
	KT_EXPECT_EQ(kt, o.spawned, STRESS_WORKERS);
	KT_EXPECT_EQ(kt, o.first_err, 0);
	KT_EXPECT_EQ(kt, o.err_round, 0u);
	int e = vfs_rmdir(&c, STR("/race/d"));
	KT_EXPECT(kt, e == 0 || e == -ENOENT);
	KT_EXPECT_EQ(kt, stress_count(&c, STR("/race")), 0);
	KT_EXPECT_EQ(kt, vfs_dentry_count(), dentries0);
	KT_EXPECT_EQ(kt, vfs_inode_count(), inodes0);
	vfs_free_tree(root.value);
}
