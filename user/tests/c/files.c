/*
 * files.c — group `files`: files and directories (open, read/write offsets, stat, mkdir,
 * rename, link, symlink, getdents, truncate, *at calls) with their Linux error paths.
 * Every case works in its own fresh directory under /tmp.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static int make_file(const char *path, const char *content)
{
	int fd = CHECK_OK(open(path, O_CREAT | O_RDWR | O_TRUNC, 0644));
	size_t len = strlen(content);
	CHECK_EQ(write(fd, content, len), len);
	return fd;
}

static void open_creat_write_read(void)
{
	char buf[16] = { 0 };
	kt_tmpdir();
	int fd = make_file("f", "hello");
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 5);
	CHECK_STR(buf, "hello");
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0);
	CHECK_OK(close(fd));
}

static void open_missing_enoent(void)
{
	kt_tmpdir();
	CHECK_ERR(open("missing", O_RDONLY), ENOENT);
	CHECK_ERR(open("missing/x", O_RDONLY | O_CREAT, 0644), ENOENT);
	CHECK_ERR(open("", O_RDONLY), ENOENT);
}

static void open_excl_eexist(void)
{
	kt_tmpdir();
	close(make_file("f", "x"));
	CHECK_ERR(open("f", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
}

static void open_bad_path_efault(void)
{
	CHECK_ERR(syscall(SYS_open, KT_BAD_PTR, O_RDONLY), EFAULT);
	CHECK_ERR(syscall(SYS_openat, AT_FDCWD, KT_BAD_PTR, O_RDONLY), EFAULT);
}

static void open_through_file_enotdir(void)
{
	kt_tmpdir();
	close(make_file("f", "x"));
	CHECK_ERR(open("f/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
}

static void open_dir_for_write_eisdir(void)
{
	kt_tmpdir();
	CHECK_ERR(open(".", O_WRONLY), EISDIR);
	CHECK_ERR(open(".", O_RDWR), EISDIR);
	int fd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	char c;
	CHECK_ERR(read(fd, &c, 1), EISDIR);
	close(fd);
}

static void open_trunc_empties(void)
{
	struct stat st;
	kt_tmpdir();
	close(make_file("f", "0123456789"));
	int fd = CHECK_OK(open("f", O_WRONLY | O_TRUNC));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 0);
	close(fd);
}

static void append_writes_at_end(void)
{
	char buf[16] = { 0 };
	kt_tmpdir();
	close(make_file("f", "abc"));
	int fd = CHECK_OK(open("f", O_RDWR | O_APPEND));
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "de", 2), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 5);
	CHECK_STR(buf, "abcde");
	close(fd);
}

static void lseek_whence_and_einval(void)
{
	kt_tmpdir();
	int fd = make_file("f", "0123456789");
	CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
	CHECK_EQ(lseek(fd, 3, SEEK_CUR), 5);
	CHECK_EQ(lseek(fd, -1, SEEK_END), 9);
	CHECK_EQ(lseek(fd, 100, SEEK_END), 110);
	CHECK_ERR(lseek(fd, -11, SEEK_END), EINVAL);
	CHECK_ERR(lseek(fd, 0, 42), EINVAL);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 110);
	close(fd);
}

static void pread_pwrite_keep_offset(void)
{
	char buf[8] = { 0 };
	kt_tmpdir();
	int fd = make_file("f", "0123456789");
	CHECK_EQ(lseek(fd, 1, SEEK_SET), 1);
	CHECK_EQ(pwrite(fd, "AB", 2, 4), 2);
	CHECK_EQ(pread(fd, buf, 6, 2), 6);
	CHECK_STR(buf, "23AB67");
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 1);
	CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
	close(fd);
}

static void sparse_hole_reads_zero(void)
{
	char buf[8192];
	struct stat st;
	kt_tmpdir();
	int fd = make_file("f", "A");
	CHECK_EQ(lseek(fd, 8191, SEEK_SET), 8191);
	CHECK_EQ(write(fd, "Z", 1), 1);
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 8192);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 8192);
	CHECK(buf[0] == 'A' && buf[8191] == 'Z');
	for (int i = 1; i < 8191; i++)
		CHECK(buf[i] == 0);
	close(fd);
}

static void stat_regular_file_fields(void)
{
	struct stat st, st2;
	kt_tmpdir();
	umask(022);
	int fd = make_file("f", "12345");
	CHECK_OK(stat("f", &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0644);
	CHECK_EQ(st.st_size, 5);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_uid, geteuid());
	CHECK_OK(fstat(fd, &st2));
	CHECK_EQ(st2.st_ino, st.st_ino);
	CHECK_EQ(st2.st_dev, st.st_dev);
	CHECK_ERR(stat("nope", &st), ENOENT);
	CHECK_ERR(syscall(SYS_stat, "f", KT_BAD_PTR), EFAULT);
	close(fd);
}

static void mkdir_rmdir_errors(void)
{
	struct stat st;
	kt_tmpdir();
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(stat("d", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	CHECK_ERR(mkdir("x/y", 0755), ENOENT);
	CHECK_OK(rmdir("d"));
	CHECK_ERR(rmdir("d"), ENOENT);
	CHECK_ERR(rmdir("."), EINVAL);
}

static void rmdir_nonempty_enotempty(void)
{
	kt_tmpdir();
	CHECK_OK(mkdir("d", 0755));
	close(make_file("d/f", "x"));
	CHECK_ERR(rmdir("d"), ENOTEMPTY);
	close(make_file("g", "x"));
	CHECK_ERR(rmdir("g"), ENOTDIR);
}

static void unlink_dir_eisdir(void)
{
	kt_tmpdir();
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(unlink("d"), EISDIR);
	CHECK_ERR(unlink("nope"), ENOENT);
}

static void rename_replaces_target(void)
{
	char buf[8] = { 0 };
	kt_tmpdir();
	close(make_file("a", "AAA"));
	close(make_file("b", "B"));
	CHECK_OK(rename("a", "b"));
	CHECK_ERR(access("a", F_OK), ENOENT);
	int fd = CHECK_OK(open("b", O_RDONLY));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 3);
	CHECK_STR(buf, "AAA");
	close(fd);
	CHECK_ERR(rename("a", "c"), ENOENT);
}

static void rename_dir_errors(void)
{
	kt_tmpdir();
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(mkdir("e", 0755));
	close(make_file("e/f", "x"));
	close(make_file("f", "x"));
	CHECK_ERR(rename("d", "d/sub"), EINVAL);
	CHECK_ERR(rename("d", "e"), ENOTEMPTY);
	CHECK_ERR(rename("d", "f"), ENOTDIR);
	CHECK_ERR(rename("f", "d"), EISDIR);
	CHECK_OK(rename("d", "d2"));
	CHECK_OK(access("d2", F_OK));
}

static void link_counts_and_errors(void)
{
	struct stat st;
	kt_tmpdir();
	close(make_file("a", "x"));
	CHECK_OK(link("a", "b"));
	CHECK_OK(stat("a", &st));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_ERR(link("a", "b"), EEXIST);
	CHECK_ERR(link("nope", "c"), ENOENT);
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(link("d", "d2"), EPERM);
	CHECK_OK(unlink("b"));
	CHECK_OK(stat("a", &st));
	CHECK_EQ(st.st_nlink, 1);
}

static void symlink_readlink_lstat(void)
{
	char buf[64];
	struct stat st;
	kt_tmpdir();
	close(make_file("target", "data"));
	CHECK_OK(symlink("target", "l"));
	memset(buf, 'X', sizeof(buf));
	CHECK_EQ(readlink("l", buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "targetX", 7) == 0); /* no NUL added */
	CHECK_EQ(readlink("l", buf, 3), 3);   /* truncated silently */
	CHECK_OK(lstat("l", &st));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(st.st_size, 6);
	CHECK_OK(stat("l", &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_size, 4);
	CHECK_ERR(readlink("target", buf, sizeof(buf)), EINVAL);
	CHECK_ERR(symlink("x", "l"), EEXIST);
}

static void symlink_loop_eloop(void)
{
	kt_tmpdir();
	CHECK_OK(symlink("b", "a"));
	CHECK_OK(symlink("a", "b"));
	CHECK_ERR(open("a", O_RDONLY), ELOOP);
	CHECK_ERR(open("a", O_RDONLY | O_NOFOLLOW), ELOOP);
	CHECK_OK(symlink("nowhere", "dangling"));
	CHECK_ERR(open("dangling", O_RDONLY), ENOENT);
}

static void getdents_lists_entries(void)
{
	kt_tmpdir();
	close(make_file("one", "1"));
	close(make_file("two", "2"));
	CHECK_OK(mkdir("three", 0755));
	DIR *d = opendir(".");
	CHECK(d != NULL);
	int seen = 0, n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		n++;
		if (!strcmp(e->d_name, "."))
			seen |= 1;
		else if (!strcmp(e->d_name, ".."))
			seen |= 2;
		else if (!strcmp(e->d_name, "one")) {
			seen |= 4;
			CHECK(e->d_type == DT_REG || e->d_type == DT_UNKNOWN);
		}
		else if (!strcmp(e->d_name, "two"))
			seen |= 8;
		else if (!strcmp(e->d_name, "three")) {
			seen |= 16;
			CHECK(e->d_type == DT_DIR || e->d_type == DT_UNKNOWN);
		}
	}
	CHECK_EQ(seen, 31);
	CHECK_EQ(n, 5);
	closedir(d);
}

static void getdents_errors(void)
{
	char buf[256];
	kt_tmpdir();
	int fd = make_file("f", "x");
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR);
	CHECK_ERR(syscall(SYS_getdents64, 999, buf, sizeof(buf)), EBADF);
	int dfd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_ERR(syscall(SYS_getdents64, dfd, buf, 1), EINVAL);
	CHECK_ERR(syscall(SYS_getdents64, dfd, KT_BAD_PTR, sizeof(buf)), EFAULT);
	close(dfd);
	close(fd);
}

static void getcwd_chdir(void)
{
	char buf[PATH_MAX], want[64];
	kt_tmpdir();
	CHECK_OK(mkdir("sub", 0755));
	CHECK_OK(chdir("sub"));
	snprintf(want, sizeof(want), "/tmp/kt.%d/sub", (int)getpid());
	CHECK(getcwd(buf, sizeof(buf)) != NULL);
	CHECK_STR(buf, want);
	CHECK_ERR(syscall(SYS_getcwd, buf, 3), ERANGE);
	CHECK_OK(chdir(".."));
	CHECK_ERR(chdir("nope"), ENOENT);
	close(make_file("f", "x"));
	CHECK_ERR(chdir("f"), ENOTDIR);
	int fd = CHECK_OK(open("sub", O_RDONLY | O_DIRECTORY));
	CHECK_OK(fchdir(fd));
	CHECK(getcwd(buf, sizeof(buf)) != NULL);
	CHECK_STR(buf, want);
	close(fd);
}

static void truncate_grows_and_shrinks(void)
{
	struct stat st;
	char buf[8];
	kt_tmpdir();
	int fd = make_file("f", "abcdef");
	CHECK_OK(ftruncate(fd, 3));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 3);
	CHECK_OK(truncate("f", 5));
	CHECK_EQ(pread(fd, buf, 8, 0), 5);
	CHECK(memcmp(buf, "abc\0\0", 5) == 0);
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	CHECK_ERR(truncate("nope", 0), ENOENT);
	int rfd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(ftruncate(rfd, 0), EINVAL);
	close(rfd);
	close(fd);
}

static void unlinked_file_stays_open(void)
{
	struct stat st;
	char buf[8] = { 0 };
	kt_tmpdir();
	int fd = make_file("f", "keep");
	CHECK_OK(unlink("f"));
	CHECK_ERR(access("f", F_OK), ENOENT);
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 4);
	CHECK_STR(buf, "keep");
	close(fd);
}

static void openat_relative_to_dirfd(void)
{
	char buf[8] = { 0 };
	kt_tmpdir();
	CHECK_OK(mkdir("d", 0755));
	close(make_file("d/f", "in-d"));
	int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	int fd = CHECK_OK(openat(dfd, "f", O_RDONLY));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 4);
	close(fd);
	CHECK_OK(mkdirat(dfd, "sub", 0700));
	CHECK_OK(access("d/sub", F_OK));
	CHECK_OK(unlinkat(dfd, "sub", AT_REMOVEDIR));
	CHECK_ERR(openat(999, "f", O_RDONLY), EBADF);
	int ffd = CHECK_OK(open("d/f", O_RDONLY));
	CHECK_ERR(openat(ffd, "x", O_RDONLY), ENOTDIR);
	/* an absolute path ignores dirfd, even a bad one */
	fd = CHECK_OK(openat(999, "/tmp", O_RDONLY | O_DIRECTORY));
	close(fd);
	close(ffd);
	close(dfd);
}

static void name_too_long(void)
{
	char name[NAME_MAX + 10];
	kt_tmpdir();
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	CHECK_ERR(open(name, O_CREAT | O_RDWR, 0644), ENAMETOOLONG);
	CHECK_ERR(mkdir(name, 0755), ENAMETOOLONG);
	name[NAME_MAX] = 0;
	int fd = CHECK_OK(open(name, O_CREAT | O_RDWR, 0644));
	close(fd);
}

static void utimensat_sets_times(void)
{
	struct stat st;
	struct timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 7 } };
	kt_tmpdir();
	close(make_file("f", "x"));
	CHECK_OK(utimensat(AT_FDCWD, "f", ts, 0));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	CHECK_EQ(st.st_mtim.tv_sec, 1200000000);
	CHECK_EQ(st.st_mtim.tv_nsec, 7);
	struct timespec bad[2] = { { 0, 2000000000 }, { 0, 0 } };
	CHECK_ERR(utimensat(AT_FDCWD, "f", bad, 0), EINVAL);
}

static void chmod_sets_mode(void)
{
	struct stat st;
	kt_tmpdir();
	int fd = make_file("f", "x");
	CHECK_OK(chmod("f", 0640));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_OK(fchmod(fd, 0400));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_mode & 07777, 0400);
	CHECK_ERR(chmod("nope", 0600), ENOENT);
	close(fd);
}

static void write_to_rdonly_ebadf(void)
{
	char c;
	kt_tmpdir();
	close(make_file("f", "x"));
	int fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(write(fd, "y", 1), EBADF);
	close(fd);
	fd = CHECK_OK(open("f", O_WRONLY));
	CHECK_ERR(read(fd, &c, 1), EBADF);
	close(fd);
}

static void o_path_and_fstatat(void)
{
	struct stat st;
	kt_tmpdir();
	close(make_file("f", "abc"));
	CHECK_OK(symlink("f", "l"));
	CHECK_OK(fstatat(AT_FDCWD, "l", &st, AT_SYMLINK_NOFOLLOW));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_OK(fstatat(AT_FDCWD, "l", &st, 0));
	CHECK_EQ(st.st_size, 3);
	CHECK_ERR(fstatat(AT_FDCWD, "l", &st, 0x4000000), EINVAL);
}

static void fsync_and_statfs(void)
{
	struct statfs sf;
	kt_tmpdir();
	int fd = make_file("f", "sync me");
	CHECK_OK(fsync(fd));
	CHECK_OK(fdatasync(fd));
	CHECK_OK(fstatfs(fd, &sf));
	CHECK_EQ(sf.f_type, 0x01021994); /* TMPFS_MAGIC: the init mounts a tmpfs on /tmp */
	CHECK(sf.f_bsize > 0);
	CHECK_OK(statfs("/proc", &sf));
	CHECK_EQ(sf.f_type, 0x9fa0); /* PROC_SUPER_MAGIC */
	CHECK_ERR(statfs("nope", &sf), ENOENT);
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_ERR(fsync(p[0]), EINVAL);
	close(fd);
}

static void chown_variants(void)
{
	struct stat st;
	kt_tmpdir();
	int fd = make_file("f", "x");
	CHECK_OK(symlink("f", "l"));
	CHECK_OK(chown("f", 1, 2));
	CHECK_OK(stat("f", &st));
	CHECK(st.st_uid == 1 && st.st_gid == 2);
	CHECK_OK(fchown(fd, 3, -1)); /* -1 leaves the group */
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_uid == 3 && st.st_gid == 2);
	CHECK_OK(lchown("l", 4, 5)); /* the link itself */
	CHECK_OK(lstat("l", &st));
	CHECK(st.st_uid == 4 && st.st_gid == 5);
	CHECK_OK(stat("l", &st));
	CHECK(st.st_uid == 3);
	CHECK_ERR(chown("nope", 0, 0), ENOENT);
	close(fd);
}

/* Regression (issue #16): a child whose working directory its parent removed kept a dangling
 * dentry: its getcwd named whatever the parent created next, and its mkdir created there. */
static void removed_cwd_getcwd_mkdir_enoent(void)
{
	char buf[PATH_MAX];
	int go[2], done[2];
	struct stat st;
	kt_tmpdir();
	CHECK_OK(mkdir("x", 0755));
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(done));
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char c;
		if (chdir("x") || write(done[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(10);
		if (getcwd(buf, sizeof(buf)) != NULL || errno != ENOENT)
			_exit(11);
		if (mkdir("sub", 0755) == 0 || errno != ENOENT)
			_exit(12);
		if (open("f", O_CREAT | O_RDWR, 0644) >= 0 || errno != ENOENT)
			_exit(13);
		if (stat(".", &st) || st.st_nlink != 0)
			_exit(14);
		_exit(0);
	}
	char c;
	CHECK_EQ(read(done[0], &c, 1), 1);
	CHECK_OK(rmdir("x"));
	CHECK_OK(mkdir("y0", 0755));
	CHECK_EQ(write(go[1], "g", 1), 1);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK_ERR(access("y0/sub", F_OK), ENOENT);
}

/* Regression (issue #16): directory positions were list indices, so a readdir + unlink loop
 * over 500 files removed only about half of them and the rmdir then failed. */
static void readdir_unlink_loop_removes_all(void)
{
	char name[32];
	kt_tmpdir();
	CHECK_OK(mkdir("d", 0755));
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "d/file%03d", i);
		close(make_file(name, ""));
	}
	int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	DIR *d = fdopendir(dfd);
	CHECK(d != NULL);
	int removed = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		CHECK_OK(unlinkat(dfd, e->d_name, 0));
		removed++;
	}
	closedir(d);
	CHECK_EQ(removed, 500);
	CHECK_OK(rmdir("d"));
}

static void rename_over_open_file_keeps_it(void)
{
	char buf[8] = { 0 };
	struct stat st;
	kt_tmpdir();
	close(make_file("a", "new"));
	int fd = make_file("b", "old");
	CHECK_OK(rename("a", "b"));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 3);
	CHECK_STR(buf, "old");
	close(fd);
	fd = CHECK_OK(open("b", O_RDONLY));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 3);
	CHECK_STR(buf, "new");
	close(fd);
}

static void rename_across_dirs_and_flags(void)
{
	struct stat st;
	char buf[8] = { 0 };
	kt_tmpdir();
	CHECK_OK(mkdir("d1", 0755));
	CHECK_OK(mkdir("d2", 0755));
	CHECK_OK(mkdir("d1/sub", 0755));
	close(make_file("d1/f", "F"));
	close(make_file("d2/g", "G"));
	CHECK_OK(rename("d1/f", "d2/h"));
	CHECK_ERR(access("d1/f", F_OK), ENOENT);
	CHECK_OK(rename("d1/sub", "d2/sub"));
	CHECK_OK(stat("d1", &st));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_OK(stat("d2", &st));
	CHECK_EQ(st.st_nlink, 3);
	CHECK_ERR(rename("d2", "d2/sub/x"), EINVAL);
	CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, "d2/h", AT_FDCWD, "d2/g", 1 /* NOREPLACE */), EEXIST);
	CHECK_OK(syscall(SYS_renameat2, AT_FDCWD, "d2/h", AT_FDCWD, "d2/g", 2 /* EXCHANGE */));
	int fd = CHECK_OK(open("d2/g", O_RDONLY));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 1);
	CHECK_STR(buf, "F");
	close(fd);
	CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, "d2/h", AT_FDCWD, "d2/none", 2), ENOENT);
	CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, "d2/h", AT_FDCWD, "d2/g", 3), EINVAL);
	int dfd = CHECK_OK(open("d2", O_RDONLY | O_DIRECTORY));
	CHECK_OK(renameat(dfd, "h", AT_FDCWD, "d1/back"));
	CHECK_OK(access("d1/back", F_OK));
	close(dfd);
}

/* struct statx as include/uapi/linux/stat.h lays it out (musl's headers lack it) */
struct kt_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};
struct kt_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct kt_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
#define KT_STATX_BASIC_STATS 0x7ffu

static void mknod_fifo_and_statx(void)
{
	struct stat st;
	struct kt_statx sx;
	kt_tmpdir();
	CHECK_OK(mknod("fifo", S_IFIFO | 0600, 0));
	CHECK_OK(stat("fifo", &st));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_ERR(mknod("fifo", S_IFIFO | 0600, 0), EEXIST);
	CHECK_ERR(mknod("bad", S_IFDIR | 0600, 0), EPERM);
	CHECK_ERR(mknod("bad", S_IFLNK | 0600, 0), EINVAL);
	close(make_file("f", "12345"));
	CHECK_OK(stat("f", &st));
	CHECK_OK(syscall(SYS_statx, AT_FDCWD, "f", 0, KT_STATX_BASIC_STATS, &sx));
	CHECK((sx.stx_mask & KT_STATX_BASIC_STATS) == KT_STATX_BASIC_STATS);
	CHECK_EQ(sx.stx_size, 5);
	CHECK_EQ(sx.stx_ino, st.st_ino);
	CHECK_EQ(sx.stx_mode, st.st_mode);
	CHECK_EQ(sx.stx_mtime.tv_sec, st.st_mtim.tv_sec);
	CHECK_EQ(sx.stx_mtime.tv_nsec, st.st_mtim.tv_nsec);
	CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "f", 0, 0x80000000u, &sx), EINVAL);
	CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "f", 0x1, KT_STATX_BASIC_STATS, &sx), EINVAL);
	int fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_OK(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, KT_STATX_BASIC_STATS, &sx));
	CHECK_EQ(sx.stx_size, 5);
	close(fd);
}

/* Times come from the real-time clock: a new file's mtime is not before the clock read before
 * it was made, a write moves mtime, and UTIME_NOW sets the clock's time. */
static void timestamps_follow_the_clock(void)
{
	struct timespec t0, t1;
	struct stat st, st2;
	kt_tmpdir();
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &t0));
	int fd = make_file("f", "x");
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_mtim.tv_sec >= t0.tv_sec);
	CHECK(st.st_ctim.tv_sec >= t0.tv_sec);
	struct timespec old[2] = { { 1000, 0 }, { 2000, 0 } };
	CHECK_OK(futimens(fd, old));
	CHECK_EQ(write(fd, "y", 1), 1);
	CHECK_OK(fstat(fd, &st2));
	CHECK(st2.st_mtim.tv_sec >= t0.tv_sec);
	CHECK_EQ(st2.st_atim.tv_sec, 1000);
	struct timespec now[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
	CHECK_OK(utimensat(AT_FDCWD, "f", old, 0));
	CHECK_OK(utimensat(AT_FDCWD, "f", now, 0));
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &t1));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 1000);
	CHECK(st.st_mtim.tv_sec >= t0.tv_sec && st.st_mtim.tv_sec <= t1.tv_sec);
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(stat("d", &st));
	CHECK(st.st_mtim.tv_sec >= t0.tv_sec);
	close(fd);
}

static void open_flags_nofollow_excl_directory(void)
{
	kt_tmpdir();
	close(make_file("f", "x"));
	CHECK_OK(symlink("f", "l"));
	CHECK_OK(symlink("missing", "dangling"));
	CHECK_ERR(open("l", O_RDONLY | O_NOFOLLOW), ELOOP);
	CHECK_ERR(open("l", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
	CHECK_ERR(open("dangling", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
	CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(open("l", O_RDONLY | O_DIRECTORY), ENOTDIR);
	int fd = CHECK_OK(open("l", O_RDONLY));
	close(fd);
	CHECK_ERR(open("f/", O_RDONLY), ENOTDIR);
}

static void at_flags_variants(void)
{
	struct stat st;
	kt_tmpdir();
	int fd = make_file("f", "abc");
	CHECK_OK(symlink("f", "l"));
	CHECK_OK(fstatat(fd, "", &st, AT_EMPTY_PATH));
	CHECK_EQ(st.st_size, 3);
	CHECK_OK(fchownat(fd, "", 7, 8, AT_EMPTY_PATH));
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_uid == 7 && st.st_gid == 8);
	CHECK_OK(fchownat(AT_FDCWD, "l", 9, 9, AT_SYMLINK_NOFOLLOW));
	CHECK_OK(lstat("l", &st));
	CHECK_EQ(st.st_uid, 9);
	CHECK_ERR(fchownat(AT_FDCWD, "l", 9, 9, 0x4000000), EINVAL);
	CHECK_ERR(unlinkat(AT_FDCWD, "f", 0x4000000), EINVAL);
	CHECK_OK(linkat(AT_FDCWD, "l", AT_FDCWD, "hard", AT_SYMLINK_FOLLOW));
	CHECK_OK(lstat("hard", &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_OK(linkat(AT_FDCWD, "l", AT_FDCWD, "hardlink", 0));
	CHECK_OK(lstat("hardlink", &st));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_OK(fchmodat(AT_FDCWD, "l", 0600, 0)); /* follows: the file */
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode & 07777, 0600);
	close(fd);
}

static const struct kt_case cases[] = {
	{ "open_creat_write_read", open_creat_write_read },
	{ "open_missing_enoent", open_missing_enoent },
	{ "open_excl_eexist", open_excl_eexist },
	{ "open_bad_path_efault", open_bad_path_efault },
	{ "open_through_file_enotdir", open_through_file_enotdir },
	{ "open_dir_for_write_eisdir", open_dir_for_write_eisdir },
	{ "open_trunc_empties", open_trunc_empties },
	{ "append_writes_at_end", append_writes_at_end },
	{ "lseek_whence_and_einval", lseek_whence_and_einval },
	{ "pread_pwrite_keep_offset", pread_pwrite_keep_offset },
	{ "sparse_hole_reads_zero", sparse_hole_reads_zero },
	{ "stat_regular_file_fields", stat_regular_file_fields },
	{ "mkdir_rmdir_errors", mkdir_rmdir_errors },
	{ "rmdir_nonempty_enotempty", rmdir_nonempty_enotempty },
	{ "unlink_dir_eisdir", unlink_dir_eisdir },
	{ "rename_replaces_target", rename_replaces_target },
	{ "rename_dir_errors", rename_dir_errors },
	{ "link_counts_and_errors", link_counts_and_errors },
	{ "symlink_readlink_lstat", symlink_readlink_lstat },
	{ "symlink_loop_eloop", symlink_loop_eloop },
	{ "getdents_lists_entries", getdents_lists_entries },
	{ "getdents_errors", getdents_errors },
	{ "getcwd_chdir", getcwd_chdir },
	{ "truncate_grows_and_shrinks", truncate_grows_and_shrinks },
	{ "unlinked_file_stays_open", unlinked_file_stays_open },
	{ "openat_relative_to_dirfd", openat_relative_to_dirfd },
	{ "name_too_long", name_too_long },
	{ "utimensat_sets_times", utimensat_sets_times },
	{ "chmod_sets_mode", chmod_sets_mode },
	{ "write_to_rdonly_ebadf", write_to_rdonly_ebadf },
	{ "fstatat_nofollow_and_flags", o_path_and_fstatat },
	{ "fsync_and_statfs", fsync_and_statfs },
	{ "chown_variants", chown_variants },
	{ "removed_cwd_getcwd_mkdir_enoent", removed_cwd_getcwd_mkdir_enoent },
	{ "readdir_unlink_loop_removes_all", readdir_unlink_loop_removes_all },
	{ "rename_over_open_file_keeps_it", rename_over_open_file_keeps_it },
	{ "rename_across_dirs_and_flags", rename_across_dirs_and_flags },
	{ "mknod_fifo_and_statx", mknod_fifo_and_statx },
	{ "timestamps_follow_the_clock", timestamps_follow_the_clock },
	{ "open_flags_nofollow_excl_directory", open_flags_nofollow_excl_directory },
	{ "at_flags_variants", at_flags_variants },
	KT_CASES_END
};

int main(void)
{
	return kt_main("files", cases);
}
