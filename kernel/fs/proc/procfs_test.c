/*
 * procfs_test.c — in-kernel tests of /proc (fs/procfs.h) in a namespace of their own: the
 * inode numbering and name parsing, the system files (contents, offsets past the end, one-byte
 * reads, writes refused), the generated directories (getdents, nothing can be made in them),
 * statfs's magic, and a process's directory from creation to reaping (ENOENT afterwards, ESRCH
 * for a file still open), oom_score_adj's rules. The ABI group procfs checks the same from
 * user space.
 */
#include <fs/procfs.h>
#include <fw/heap.h>
#include <fw/ktest.h>
#include <proc/process.h>

KTEST(procfs, inode_numbers_and_pid_names)
{
	KT_EXPECT_EQ(kt, procfs_ino(PK_ROOT, 0, 0, 0), 1);
	KT_EXPECT_NE(kt, procfs_ino(PK_PID_DIR, 5, 0, 0), procfs_ino(PK_PID_DIR, 6, 0, 0));
	KT_EXPECT_NE(kt, procfs_ino(PK_TID_DIR, 5, 5, 0), procfs_ino(PK_PID_DIR, 5, 0, 0));
	KT_EXPECT_NE(kt, procfs_ino(PK_FD_LINK, 5, 0, 3), procfs_ino(PK_FD_LINK, 5, 0, 4));
	KT_EXPECT_NE(kt, procfs_ino(PK_FD_LINK, 5, 0, 3), procfs_ino(PK_FDINFO, 5, 0, 3));
	KT_EXPECT_EQ(kt, procfs_ino(PK_PID_STAT, 7, 0, 0), procfs_ino(PK_PID_STAT, 7, 0, 0));
	KT_EXPECT_EQ(kt, procfs_parse_pid(STR("1")), 1);
	KT_EXPECT_EQ(kt, procfs_parse_pid(STR("2147483647")), 2147483647u);
	KT_EXPECT_EQ(kt, procfs_parse_pid(STR("2147483648")), 0);
	KT_EXPECT_EQ(kt, procfs_parse_pid(STR("0")), 0);
	KT_EXPECT_EQ(kt, procfs_parse_pid(STR("01")), 0);
	KT_EXPECT_EQ(kt, procfs_parse_pid(STR("+1")), 0);
	KT_EXPECT_EQ(kt, procfs_parse_pid(STR("1a")), 0);
	KT_EXPECT_EQ(kt, procfs_parse_pid(STR("")), 0);
	KT_EXPECT_EQ(kt, procfs_parse_pid(STR("99999999999")), 0);
}

/* A fresh namespace with proc mounted at /proc (root's context). */
static int proc_ns(struct vfs_path *top)
{
	struct path_result r = vfs_init();
	if (r.err)
		return r.err;
	*top = r.value;
	procfs_init();
	struct vfs_ctx c = { .root = r.value, .cwd = r.value };
	int e = vfs_mkdir(&c, STR("/proc"), 0555);
	return e ? e : vfs_mount_new(&c, STR("proc"), STR("proc"), STR("/proc"), 0, STR(""));
}

/* slurp - the whole of `path` into buf (read in `chunk`-byte pieces): bytes, or -errno. */
static i64 slurp(const struct vfs_ctx *c, struct str path, struct bytes buf, size_t chunk)
{
	struct file_result f = vfs_open(c, path, VFS_O_RDONLY, 0);
	if (f.err)
		return f.err;
	size_t len = 0;
	i64 r = 0;
	for (;;) {
		struct bytes_result at = bytes_sub(buf, len, chunk);
		if (at.err)
			break;
		struct result_size n = vfs_read(f.value, at.value);
		if (n.err) {
			r = n.err;
			break;
		}
		if (n.value == 0)
			break;
		len += n.value;
	}
	vfs_close(f.value);
	return r ? r : (i64)len;
}

static bool text_has(struct bytes buf, i64 len, struct str needle)
{
	if (len <= 0)
		return false;
	return !str_find(str_from_bytes(bytes_head(buf, (size_t)len)), needle).err;
}

KTEST(procfs, system_files_read_whole_and_in_pieces)
{
	struct vfs_path top;
	KT_ASSERT_EQ(kt, proc_ns(&top), 0);
	struct vfs_ctx c = { .root = top, .cwd = top };
	struct kbuf a = KBUF_EMPTY, b = KBUF_EMPTY;
	KT_ASSERT_EQ(kt, kbuf_alloc(&a, 8192), 0);
	KT_ASSERT_EQ(kt, kbuf_alloc(&b, 8192), 0);
	i64 n = slurp(&c, STR("/proc/meminfo"), kbuf_bytes(&a), 4096);
	KT_EXPECT_GT(kt, n, 0);
	KT_EXPECT(kt, text_has(kbuf_bytes(&a), n, STR("MemTotal:")));
	KT_EXPECT(kt, text_has(kbuf_bytes(&a), n, STR("\nMemAvailable:")));
	/* one byte at a time gives the same text (the figures may move: compare the start) */
	i64 m = slurp(&c, STR("/proc/meminfo"), kbuf_bytes(&b), 1);
	KT_EXPECT_GT(kt, m, 20);
	KT_EXPECT(kt, bytes_eq(bytes_head(kbuf_bytes(&a), 10), bytes_head(kbuf_bytes(&b), 10)));
	n = slurp(&c, STR("/proc/filesystems"), kbuf_bytes(&a), 4096);
	KT_EXPECT(kt, text_has(kbuf_bytes(&a), n, STR("nodev\tproc\n")));
	n = slurp(&c, STR("/proc/cpuinfo"), kbuf_bytes(&a), 4096);
	KT_EXPECT(kt, text_has(kbuf_bytes(&a), n, STR("processor\t: 0\n")));
	n = slurp(&c, STR("/proc/sys/kernel/ostype"), kbuf_bytes(&a), 4096);
	KT_EXPECT_EQ(kt, n, 6);
	n = slurp(&c, STR("/proc/sys/vm/overcommit_memory"), kbuf_bytes(&a), 4096);
	KT_EXPECT_EQ(kt, n, 2);
	kbuf_free(&a);
	kbuf_free(&b);
	vfs_free_tree(top);
}

KTEST(procfs, offsets_past_the_end_and_writes)
{
	struct vfs_path top;
	KT_ASSERT_EQ(kt, proc_ns(&top), 0);
	struct vfs_ctx c = { .root = top, .cwd = top };
	struct kbuf a = KBUF_EMPTY;
	KT_ASSERT_EQ(kt, kbuf_alloc(&a, 8192), 0);
	/* offsets past the end read nothing; writes are refused (EIO, as Linux) */
	struct file_result f = vfs_open(&c, STR("/proc/uptime"), VFS_O_RDWR, 0);
	KT_ASSERT_EQ(kt, f.err, 0);
	KT_EXPECT_EQ(kt, vfs_pread(f.value, kbuf_bytes(&a), 1ull << 40).value, 0);
	KT_EXPECT_EQ(kt, vfs_pread(f.value, kbuf_bytes(&a), 100000).value, 0);
	u8 one[1] = { '1' };
	KT_EXPECT_EQ(kt, vfs_write(f.value, BYTES_OF_ARRAY(one)).err, -EIO);
	KT_EXPECT_EQ(kt, vfs_lseek(f.value, 3, 0).value, 3);
	KT_EXPECT_GT(kt, vfs_read(f.value, kbuf_bytes(&a)).value, 0);
	vfs_close(f.value);
	/* O_TRUNC is accepted and changes nothing, as Linux's proc_setattr (regression
	 * procfs_o_trunc_write_was_einval: `echo N > /proc/sys/...` failed) */
	f = vfs_open(&c, STR("/proc/meminfo"), VFS_O_WRONLY | VFS_O_TRUNC, 0);
	KT_ASSERT_EQ(kt, f.err, 0);
	KT_EXPECT_EQ(kt, vfs_write(f.value, BYTES_OF_ARRAY(one)).err, -EIO);
	vfs_close(f.value);
	KT_EXPECT_GT(kt, slurp(&c, STR("/proc/meminfo"), kbuf_bytes(&a), 8192), 0);
	kbuf_free(&a);
	vfs_free_tree(top);
}

KTEST(procfs, directories_are_generated_and_closed)
{
	struct vfs_path top;
	KT_ASSERT_EQ(kt, proc_ns(&top), 0);
	struct vfs_ctx c = { .root = top, .cwd = top };
	/* a kernel task has no /proc/self; nothing can be made in /proc */
	struct vfs_stat st;
	KT_EXPECT_EQ(kt, vfs_stat(&c, STR("/proc/self"), true, &st), -ENOENT);
	KT_EXPECT_EQ(kt, vfs_mkdir(&c, STR("/proc/x"), 0755), -EACCES);
	KT_EXPECT_EQ(kt, vfs_symlink(&c, STR("/"), STR("/proc/sys/y")), -EACCES);
	KT_EXPECT_EQ(kt, vfs_open(&c, STR("/proc/new"), VFS_O_CREAT | VFS_O_WRONLY, 0644).err,
		     -EACCES);
	KT_EXPECT_EQ(kt, vfs_stat(&c, STR("/proc/2147483000"), true, &st), -ENOENT);
	KT_EXPECT_EQ(kt, vfs_stat(&c, STR("/proc/01"), true, &st), -ENOENT);
	KT_ASSERT_EQ(kt, vfs_stat(&c, STR("/proc/sys/kernel"), true, &st), 0);
	KT_EXPECT_EQ(kt, st.mode, VFS_S_IFDIR | 0555);
	vfs_free_tree(top);
}

KTEST(procfs, getdents_and_statfs)
{
	struct vfs_path top;
	KT_ASSERT_EQ(kt, proc_ns(&top), 0);
	struct vfs_ctx c = { .root = top, .cwd = top };
	struct file_result d = vfs_open(&c, STR("/proc"), VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
	KT_ASSERT_EQ(kt, d.err, 0);
	struct vfs_statfs sf;
	vfs_statfs_inode(d.value->inode, d.value->mnt, &sf);
	KT_EXPECT_EQ(kt, sf.type, PROCFS_MAGIC);
	struct kbuf buf = KBUF_EMPTY;
	KT_ASSERT_EQ(kt, kbuf_alloc(&buf, 8192), 0);
	struct result_size n = vfs_getdents64(d.value, kbuf_bytes(&buf));
	KT_EXPECT_GT(kt, n.value, 0);
	KT_EXPECT(kt, text_has(kbuf_bytes(&buf), (i64)n.value, STR("meminfo")));
	KT_EXPECT(kt, text_has(kbuf_bytes(&buf), (i64)n.value, STR("self")));
	/* a buffer too small for one record: EINVAL, as Linux */
	KT_EXPECT_EQ(kt, vfs_lseek(d.value, 0, 0).value, 0);
	KT_EXPECT_EQ(kt, vfs_getdents64(d.value, bytes_head(kbuf_bytes(&buf), 8)).err, -EINVAL);
	vfs_close(d.value);
	kbuf_free(&buf);
	vfs_free_tree(top);
}

KTEST(procfs, pid_directory_lives_until_reaped)
{
	struct vfs_path top;
	KT_ASSERT_EQ(kt, proc_ns(&top), 0);
	struct vfs_ctx c = { .root = top, .cwd = top };
	struct thread *p = proc_create(NULL);
	KT_ASSERT(kt, p != NULL);
	proc_set_comm(p, STR("a-rather-long-test-name"));
	u8 path[64];
	struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(path));
	STRBUF_FMT(&sb, "/proc/%u/stat", p->pid);
	struct str stat_path = strbuf_str(&sb);
	struct kbuf buf = KBUF_EMPTY;
	KT_ASSERT_EQ(kt, kbuf_alloc(&buf, 4096), 0);
	i64 n = slurp(&c, stat_path, kbuf_bytes(&buf), 4096);
	KT_EXPECT_GT(kt, n, 0);
	KT_EXPECT(kt, text_has(kbuf_bytes(&buf), n, STR(" (a-rather-long-t) R ")));
	struct file_result f = vfs_open(&c, stat_path, VFS_O_RDONLY, 0);
	KT_ASSERT_EQ(kt, f.err, 0);
	struct vfs_stat st1, st2;
	KT_EXPECT_EQ(kt, vfs_stat(&c, strbuf_str(&sb), true, &st1), 0);
	proc_discard(p); /* never ran: reaped at once */
	KT_EXPECT_EQ(kt, vfs_read(f.value, kbuf_bytes(&buf)).err, -ESRCH);
	vfs_close(f.value);
	KT_EXPECT_EQ(kt, vfs_stat(&c, stat_path, true, &st2), -ENOENT);
	KT_EXPECT_EQ(kt, vfs_open(&c, stat_path, VFS_O_RDONLY, 0).err, -ENOENT);
	kbuf_free(&buf);
	vfs_free_tree(top);
}

KTEST(procfs, pid_directory_read_while_the_process_goes)
{
	struct vfs_path top;
	KT_ASSERT_EQ(kt, proc_ns(&top), 0);
	struct vfs_ctx c = { .root = top, .cwd = top };
	struct thread *p = proc_create(NULL);
	KT_ASSERT(kt, p != NULL);
	u8 path[64];
	struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(path));
	STRBUF_FMT(&sb, "/proc/%u", p->pid);
	struct file_result d = vfs_open(&c, strbuf_str(&sb), VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
	KT_ASSERT_EQ(kt, d.err, 0);
	struct kbuf buf = KBUF_EMPTY;
	KT_ASSERT_EQ(kt, kbuf_alloc(&buf, 4096), 0);
	/* a first piece, then the process is reaped, then the rest: never a crash; entries or
	 * ENOENT once the directory is found stale */
	KT_EXPECT_GT(kt, vfs_getdents64(d.value, bytes_head(kbuf_bytes(&buf), 64)).value, 0);
	proc_discard(p);
	struct result_size n = vfs_getdents64(d.value, kbuf_bytes(&buf));
	KT_EXPECT(kt, !n.err || n.err == -ENOENT);
	struct vfs_stat st;
	KT_EXPECT_EQ(kt, vfs_stat(&c, strbuf_str(&sb), true, &st), -ENOENT);
	n = vfs_getdents64(d.value, kbuf_bytes(&buf));
	KT_EXPECT(kt, n.err == -ENOENT); /* now it is: the lookup above took it out of the tree */
	vfs_close(d.value);
	kbuf_free(&buf);
	vfs_free_tree(top);
}

/* oom_score_adj's rules (proc/oom.c): the range, the floor root sets, and the badness the OOM
 * killer ranks by (-1000: never chosen). */
KTEST(procfs, oom_score_adj_rules)
{
	KT_EXPECT_EQ(kt, proc_oom_badness(100, -1000), -1);
	KT_EXPECT_EQ(kt, proc_oom_badness(100, 0), 100);
	KT_EXPECT_EQ(kt, proc_oom_badness(0, -999), 1);
	KT_EXPECT_GT(kt, proc_oom_badness(100, 1000), proc_oom_badness(100, 500));
	struct thread *p = proc_create(NULL);
	KT_ASSERT(kt, p != NULL);
	KT_EXPECT_EQ(kt, proc_oom_adj(p), 0);
	KT_EXPECT_EQ(kt, proc_set_oom_adj(p, 1001, true), -EINVAL);
	KT_EXPECT_EQ(kt, proc_set_oom_adj(p, -1001, true), -EINVAL);
	KT_EXPECT_EQ(kt, proc_set_oom_adj(p, 300, false), 0);
	KT_EXPECT_EQ(kt, proc_set_oom_adj(p, 0, false), 0);
	KT_EXPECT_EQ(kt, proc_set_oom_adj(p, -1, false), -EACCES);
	KT_EXPECT_EQ(kt, proc_set_oom_adj(p, -1000, true), 0);
	KT_EXPECT_EQ(kt, proc_oom_adj(p), -1000);
	KT_EXPECT_EQ(kt, proc_oom_score(p), 0);
	KT_EXPECT_EQ(kt, proc_set_oom_adj(p, -500, false), 0);
	KT_EXPECT_EQ(kt, proc_oom_adj(p), -500);
	proc_discard(p);
}
