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
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
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

/* mount -t tmpfs with size= and mode=: its own file system (magic, st_dev, blocks), full at
 * its size, busy while a file in it is open, gone after umount (what it covered is back). */
static void mount_tmpfs_size_mode_umount(void)
{
	struct stat st, top;
	struct statfs sf;
	char buf[4096];
	kt_tmpdir();
	CHECK_OK(mkdir("m", 0755));
	close(make_file("m/covered", "c"));
	CHECK_OK(stat(".", &top));
	CHECK_OK(mount("none", "m", "tmpfs", 0, "size=64k,mode=0700"));
	CHECK_OK(stat("m", &st));
	CHECK_EQ(st.st_mode & 07777, 0700);
	CHECK(st.st_dev != top.st_dev);
	CHECK_ERR(access("m/covered", F_OK), ENOENT);
	CHECK_OK(statfs("m", &sf));
	CHECK_EQ(sf.f_type, 0x01021994);
	CHECK_EQ(sf.f_blocks * sf.f_bsize, 65536);
	int fd = CHECK_OK(open("m/big", O_CREAT | O_WRONLY, 0644));
	memset(buf, 'x', sizeof(buf));
	long total = 0;
	ssize_t n;
	while ((n = write(fd, buf, sizeof(buf))) > 0 && total < (1 << 20))
		total += n;
	CHECK_EQ(n, -1);
	CHECK_EQ(errno, ENOSPC);
	CHECK(total > 0 && total <= 65536);
	CHECK_ERR(umount2("m", 0), EBUSY);
	close(fd);
	CHECK_ERR(umount2("m/big", 0), EINVAL);
	CHECK_ERR(rmdir("m"), EBUSY);
	CHECK_OK(umount2("m", 0));
	CHECK_OK(access("m/covered", F_OK));
	CHECK_ERR(mount("none", "m", "nosuchfs", 0, NULL), ENODEV);
	CHECK_ERR(umount2("m", 0), EINVAL);
	CHECK_ERR(umount2("m", 0x100), EINVAL);
}

/* A bind mount shows the same files; remounted read-only (MS_REMOUNT|MS_BIND) it refuses
 * writes while the original stays writable; MNT_DETACH unmounts while a file is open. */
static void mount_bind_remount_ro_detach(void)
{
	char buf[8] = { 0 };
	kt_tmpdir();
	CHECK_OK(mkdir("src", 0755));
	CHECK_OK(mkdir("dst", 0755));
	close(make_file("src/f", "bound"));
	CHECK_OK(mount("src", "dst", NULL, MS_BIND, NULL));
	int fd = CHECK_OK(open("dst/f", O_RDONLY));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 5);
	CHECK_STR(buf, "bound");
	close(fd);
	CHECK_OK(mount(NULL, "dst", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
	CHECK_ERR(open("dst/f", O_WRONLY), EROFS);
	CHECK_ERR(access("dst/f", W_OK), EROFS); /* SuS: access reports the read-only mount */
	CHECK_OK(access("dst/f", R_OK));
	CHECK_ERR(mkdir("dst/d", 0755), EROFS);
	CHECK_ERR(unlink("dst/f"), EROFS);
	CHECK_ERR(mkdir("dst", 0755), EEXIST);
	struct statfs sf;
	CHECK_OK(statfs("dst", &sf));
	CHECK(sf.f_flags & 1 /* ST_RDONLY */);
	fd = CHECK_OK(open("src/f", O_WRONLY | O_APPEND));
	CHECK_EQ(write(fd, "!", 1), 1);
	close(fd);
	CHECK_ERR(rename("src/f", "dst/g"), EXDEV);
	fd = CHECK_OK(open("dst/f", O_RDONLY));
	CHECK_ERR(umount2("dst", 0), EBUSY);
	CHECK_OK(umount2("dst", MNT_DETACH));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 6);
	close(fd);
	CHECK_ERR(access("dst/f", F_OK), ENOENT);
}

/* chroot: "/" and ".." stop at the new root; root only. */
static void chroot_confines_lookups(void)
{
	kt_tmpdir();
	CHECK_OK(mkdir("jail", 0755));
	close(make_file("jail/inside", "i"));
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (chroot("jail") || chdir("/"))
			kt_child_exit(10);
		if (access("/inside", F_OK) || access("/../inside", F_OK))
			kt_child_exit(11);
		errno = 0;
		if (access("/tmp", F_OK) == 0)
			kt_child_exit(12);
		char cwd[64];
		errno = 0;
		if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/"))
			kt_child_exit(13);
		_exit(0);
	}
	int status = kt_wait(pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK_ERR(chroot("nope"), ENOENT);
	CHECK_ERR(chroot("jail/inside"), ENOTDIR);
}

/* Four processes create, rename, list and delete in the same two directories for two
 * seconds; afterwards the directories hold exactly what the survivors' counts say, and the
 * file system's inode count (statfs f_files - f_ffree) is back where it started. */
/* on_trellis - the kernel is Trellis (uname's release says so). */
static int on_trellis(void)
{
	struct utsname u;
	return uname(&u) == 0 && strstr(u.release, "trellis") != NULL;
}

/* read_first_number - the first decimal of a /proc file, or -1. */
static long read_first_number(const char *path)
{
	char buf[128] = { 0 };
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* Issue #16's stress case: four processes create, rename, list and delete in the same two
 * directories for 10 s (the files suites boot under -smp 2: mk/abi.mk). Afterwards the tree
 * is consistent (every kept file has its twin directory, nothing else is left) and nothing
 * leaked: the file system's inode count (statfs) is back at its start, and on Trellis so are
 * the kernel's live dentry and inode counts (/proc/sys/fs/dentry-state, inode-nr; Linux keeps
 * unused dentries cached, so there they are only read). */
/* rmdir against creates inside the directory it removes (bug class: a create that checked
 * its directory before an rmdir emptied and removed it must not link a file into the dead
 * directory): two processes make and remove "d", two create, stat and unlink a file in it.
 * A file made stays reachable until unlinked, and "d" ends empty or gone. */
static void rmdir_races_creates_inside(void)
{
	kt_tmpdir();
	pid_t kids[4];
	for (int k = 0; k < 4; k++) {
		kids[k] = fork();
		CHECK(kids[k] >= 0);
		if (kids[k] != 0)
			continue;
		char name[32];
		snprintf(name, sizeof(name), "d/f%d", k);
		struct timespec t0, t;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < 3000; i++) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec >= 3)
				break;
			if (k < 2) {
				if (mkdir("d", 0755) && errno != EEXIST)
					_exit(10);
				if (rmdir("d") && errno != ENOTEMPTY && errno != ENOENT)
					_exit(11);
				continue;
			}
			int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
			if (fd < 0) {
				if (errno != ENOENT)
					_exit(12);
				continue;
			}
			close(fd);
			struct stat st;
			if (stat(name, &st)) /* reachable: "d" cannot go while it holds the file */
				_exit(13);
			if (unlink(name))
				_exit(14);
		}
		_exit(0);
	}
	for (int k = 0; k < 4; k++) {
		int status;
		CHECK_EQ(waitpid(kids[k], &status, 0), kids[k]);
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), 0);
	}
	CHECK(rmdir("d") == 0 || errno == ENOENT);
}

static void stress_create_rename_list_delete(void)
{
	struct statfs before, after;
	kt_tmpdir();
	CHECK_OK(mkdir("a", 0755));
	CHECK_OK(mkdir("b", 0755));
	CHECK_OK(statfs(".", &before));
	/* read once first: the reads' own /proc names are then made (and stay) */
	CHECK(read_first_number("/proc/sys/fs/dentry-state") > 0);
	CHECK(read_first_number("/proc/sys/fs/inode-nr") > 0);
	long dentries0 = read_first_number("/proc/sys/fs/dentry-state");
	long inodes0 = read_first_number("/proc/sys/fs/inode-nr");
	CHECK(dentries0 > 0 && inodes0 > 0);
	pid_t kids[4];
	for (int k = 0; k < 4; k++) {
		kids[k] = fork();
		CHECK(kids[k] >= 0);
		if (kids[k] == 0) {
			char n1[64], n2[64];
			struct timespec t0, t;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			for (int i = 0;; i++) {
				clock_gettime(CLOCK_MONOTONIC, &t);
				if (t.tv_sec - t0.tv_sec >= 10)
					break;
				snprintf(n1, sizeof(n1), "a/p%d.%d", k, i);
				snprintf(n2, sizeof(n2), "b/p%d.%d", k, i);
				int fd = open(n1, O_CREAT | O_EXCL | O_WRONLY, 0644);
				if (fd < 0 || write(fd, n1, 8) != 8 || close(fd))
					_exit(10);
				if (rename(n1, n2))
					_exit(11);
				if (i % 8 == 0) {
					DIR *d = opendir("b");
					if (!d)
						_exit(12);
					while (readdir(d))
						;
					closedir(d);
				}
				if (i % 2 == 0 && unlink(n2)) /* keep the odd ones */
					_exit(13);
				if (i % 2 && mkdir(n1, 0755)) /* and a directory per kept file */
					_exit(14);
			}
			_exit(0);
		}
	}
	for (int k = 0; k < 4; k++) {
		int status;
		CHECK_EQ(waitpid(kids[k], &status, 0), kids[k]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* every entry left in b has a twin directory in a; remove both */
	long files = 0, dirs = 0;
	DIR *d = opendir("b");
	CHECK(d != NULL);
	struct dirent *e;
	char path[300];
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "a/%s", e->d_name);
		CHECK_OK(rmdir(path));
		snprintf(path, sizeof(path), "b/%s", e->d_name);
		CHECK_OK(unlink(path));
		files++;
	}
	closedir(d);
	d = opendir("a");
	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			dirs++;
	closedir(d);
	CHECK(files > 0);
	CHECK_EQ(dirs, 0);
	CHECK_OK(rmdir("a"));
	CHECK_OK(rmdir("b"));
	CHECK_OK(mkdir("a", 0755));
	CHECK_OK(mkdir("b", 0755));
	CHECK_OK(statfs(".", &after));
	CHECK_EQ(before.f_files - before.f_ffree, after.f_files - after.f_ffree);
	long dentries1 = read_first_number("/proc/sys/fs/dentry-state");
	long inodes1 = read_first_number("/proc/sys/fs/inode-nr");
	CHECK(dentries1 > 0 && inodes1 > 0);
	if (on_trellis()) {
		CHECK_EQ(dentries1, dentries0);
		CHECK_EQ(inodes1, inodes0);
	}
}

/* /dev is a devtmpfs (a tmpfs: TMPFS_MAGIC) with the memory devices: /dev/full is full,
 * /dev/urandom never repeats itself. */
static void dev_full_and_urandom(void)
{
	struct statfs sf;
	struct stat st;
	unsigned char a[16], b[16], z[8];
	CHECK_OK(statfs("/dev", &sf));
	CHECK_EQ(sf.f_type, 0x01021994);
	CHECK_OK(stat("/dev/full", &st));
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(st.st_rdev, makedev(1, 7));
	int fd = CHECK_OK(open("/dev/full", O_RDWR));
	CHECK_ERR(write(fd, "x", 1), ENOSPC);
	memset(z, 1, sizeof(z));
	CHECK_EQ(read(fd, z, sizeof(z)), 8);
	CHECK(z[0] == 0 && z[7] == 0);
	close(fd);
	fd = CHECK_OK(open("/dev/urandom", O_RDONLY));
	CHECK_EQ(read(fd, a, sizeof(a)), 16);
	CHECK_EQ(read(fd, b, sizeof(b)), 16);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	close(fd);
	CHECK_OK(access("/dev/random", R_OK));
	CHECK_OK(access("/dev/console", F_OK));
}

/* Runs fn(arg) in a child and returns its exit status (fn's return value). */
static int in_child(int (*fn)(int), int arg)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		int r = fn(arg);
		if (r >= 90) /* a setup call failed: an injected ENOMEM skips the case */
			kt_child_exit(r);
		_exit(r);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	kt_skip_if_child_injected(pid, status);
	return WEXITSTATUS(status);
}

static int flock_try(int how)
{
	int fd = open("f", O_RDWR);
	if (fd < 0)
		return 90;
	if (flock(fd, how | LOCK_NB) == 0)
		return 0;
	return errno == EWOULDBLOCK ? 1 : 91;
}

static int flock_inherited(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : 1; /* the same open file: its own lock */
}

/* flock: owned by the open file; another open of the file conflicts, a shared lock admits
 * shared ones; a descriptor inherited through fork is the same owner. */
static void flock_conflicts_between_processes(void)
{
	kt_tmpdir();
	int fd = make_file("f", "x");
	CHECK_OK(flock(fd, LOCK_EX));
	CHECK_EQ(in_child(flock_try, LOCK_EX), 1);
	CHECK_EQ(in_child(flock_try, LOCK_SH), 1);
	CHECK_EQ(in_child(flock_inherited, fd), 0);
	CHECK_OK(flock(fd, LOCK_SH)); /* convert */
	CHECK_EQ(in_child(flock_try, LOCK_SH), 0);
	CHECK_EQ(in_child(flock_try, LOCK_EX), 1);
	CHECK_OK(flock(fd, LOCK_UN));
	CHECK_EQ(in_child(flock_try, LOCK_EX), 0);
	CHECK_ERR(flock(fd, 0), EINVAL);
	CHECK_ERR(flock(999, LOCK_SH), EBADF);
	close(fd);
}

static int posix_probe(int expect_pid)
{
	int fd = open("f", O_RDWR);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1 };
	if (fd < 0 || fcntl(fd, F_GETLK, &fl))
		return 90;
	if (fl.l_type != F_WRLCK || fl.l_start != 0 || fl.l_len != 10 || fl.l_pid != expect_pid)
		return 91;
	struct flock rd = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 20, .l_len = 5 };
	if (fcntl(fd, F_SETLK, &rd))
		return 92; /* outside the held range */
	if (fcntl(fd, F_SETLK, &fl) == 0 || (errno != EAGAIN && errno != EACCES))
		return 93;
	return 0;
}

static int posix_take(int unused)
{
	(void)unused;
	int fd = open("f", O_RDWR);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1 };
	return fd >= 0 && fcntl(fd, F_SETLK, &fl) == 0 ? 0 : 1;
}

/* POSIX record locks: owned by the process; F_GETLK describes the holder; closing any
 * descriptor of the file drops the process's locks on it. */
static void posix_locks_getlk_and_close(void)
{
	kt_tmpdir();
	int fd = make_file("f", "0123456789abcdef");
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
	CHECK_OK(fcntl(fd, F_SETLK, &fl));
	CHECK_EQ(in_child(posix_probe, getpid()), 0);
	struct flock mine = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
	CHECK_OK(fcntl(fd, F_GETLK, &mine));
	CHECK_EQ(mine.l_type, F_UNLCK); /* its own locks never conflict */
	int other = CHECK_OK(open("f", O_RDONLY));
	close(other); /* drops every POSIX lock of this process on f */
	CHECK_EQ(in_child(posix_take, 0), 0);
	struct flock bad = { .l_type = 7, .l_whence = SEEK_SET };
	CHECK_ERR(fcntl(fd, F_SETLK, &bad), EINVAL);
	int ro = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(fcntl(ro, F_SETLK, &fl), EBADF);
	close(ro);
	close(fd);
}

/* F_SETLKW: two processes each holding one byte and waiting for the other's: the one that
 * would close the cycle gets EDEADLK instead of sleeping; the other then gets its lock. */
static void setlkw_waits_and_detects_deadlock(void)
{
	int ready[2], go[2];
	kt_tmpdir();
	int fd = make_file("f", "ab");
	CHECK_OK(pipe(ready));
	CHECK_OK(pipe(go));
	struct flock b0 = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
	struct flock b1 = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 1, .l_len = 1 };
	CHECK_OK(fcntl(fd, F_SETLK, &b0));
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char c;
		int cfd = open("f", O_RDWR);
		if (cfd < 0 || fcntl(cfd, F_SETLK, &b1) || write(ready[1], "r", 1) != 1 ||
		    read(go[0], &c, 1) != 1)
			_exit(10);
		if (fcntl(cfd, F_SETLKW, &b0) == 0)
			_exit(0); /* the parent backed off */
		_exit(errno == EDEADLK ? 1 : 11); /* exiting drops b1 */
	}
	char c;
	CHECK_EQ(read(ready[0], &c, 1), 1);
	CHECK_EQ(write(go[1], "g", 1), 1);
	usleep(200000); /* let the child block on byte 0 (either order is checked below) */
	int r = fcntl(fd, F_SETLKW, &b1);
	int err = errno;
	if (r != 0) {
		CHECK_EQ(err, EDEADLK);
		struct flock un = { .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
		CHECK_OK(fcntl(fd, F_SETLK, &un)); /* back off: the child gets byte 0 */
	}
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	/* exactly one side saw EDEADLK */
	CHECK_EQ(WEXITSTATUS(status), r == 0 ? 1 : 0);
	close(fd);
}

/* OFD locks belong to the open file: two opens in one process conflict, and with the
 * process's POSIX locks; F_OFD_GETLK reports l_pid -1; l_pid must be 0 on input. */
static void ofd_locks_per_open_file(void)
{
	kt_tmpdir();
	int a = make_file("f", "0123456789");
	int b = CHECK_OK(open("f", O_RDWR));
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4 };
	CHECK_OK(fcntl(a, F_OFD_SETLK, &fl));
	CHECK_ERR(fcntl(b, F_OFD_SETLK, &fl), EAGAIN);
	CHECK_ERR(fcntl(b, F_SETLK, &fl), EAGAIN);
	struct flock q = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 1 };
	CHECK_OK(fcntl(b, F_OFD_GETLK, &q));
	CHECK_EQ(q.l_type, F_WRLCK);
	CHECK_EQ(q.l_pid, -1);
	struct flock withpid = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 1 };
	CHECK_ERR(fcntl(b, F_OFD_SETLK, &withpid), EINVAL);
	close(a); /* the last reference of the open file: its OFD locks go */
	CHECK_OK(fcntl(b, F_OFD_SETLK, &fl));
	close(b);
}

static void close_range_closes_and_cloexec(void)
{
	kt_tmpdir();
	int fds[6];
	for (int i = 0; i < 6; i++)
		fds[i] = CHECK_OK(open(".", O_RDONLY));
	CHECK_OK(syscall(SYS_close_range, fds[1], fds[2], 0));
	CHECK_ERR(fcntl(fds[1], F_GETFD), EBADF);
	CHECK_ERR(fcntl(fds[2], F_GETFD), EBADF);
	CHECK_OK(fcntl(fds[3], F_GETFD));
	CHECK_OK(syscall(SYS_close_range, fds[3], fds[5], 4 /* CLOSE_RANGE_CLOEXEC */));
	CHECK_EQ(fcntl(fds[4], F_GETFD), FD_CLOEXEC);
	CHECK_ERR(syscall(SYS_close_range, 5, 4, 0), EINVAL);
	CHECK_ERR(syscall(SYS_close_range, 0, 1, 0x100), EINVAL);
	CHECK_OK(syscall(SYS_close_range, fds[3], ~0u, 0));
	CHECK_ERR(fcntl(fds[5], F_GETFD), EBADF);
	CHECK_OK(fcntl(fds[0], F_GETFD));
	close(fds[0]);
}

static void copy_file_range_copies(void)
{
	char buf[16] = { 0 };
	kt_tmpdir();
	int in = make_file("in", "0123456789");
	int out = CHECK_OK(open("out", O_CREAT | O_RDWR, 0644));
	loff_t off_in = 2, off_out = 0;
	CHECK_EQ(syscall(SYS_copy_file_range, in, &off_in, out, &off_out, 5, 0), 5);
	CHECK_EQ(off_in, 7);
	CHECK_EQ(off_out, 5);
	CHECK_EQ(pread(out, buf, sizeof(buf), 0), 5);
	CHECK_STR(buf, "23456");
	CHECK_OK(lseek(in, 8, SEEK_SET));
	CHECK_EQ(syscall(SYS_copy_file_range, in, NULL, out, NULL, 100, 0), 2); /* to EOF */
	CHECK_EQ(lseek(in, 0, SEEK_CUR), 10);
	CHECK_EQ(syscall(SYS_copy_file_range, in, NULL, out, NULL, 100, 0), 0);
	CHECK_ERR(syscall(SYS_copy_file_range, in, NULL, out, NULL, 1, 1), EINVAL);
	int ro = CHECK_OK(open("out", O_RDONLY));
	CHECK_ERR(syscall(SYS_copy_file_range, in, NULL, ro, NULL, 1, 0), EBADF);
	close(ro);
	close(in);
	close(out);
}

static void memfd_create_is_a_file(void)
{
	struct stat st;
	char buf[8] = { 0 };
	int fd = CHECK_OK(syscall(SYS_memfd_create, "kt", 1 /* MFD_CLOEXEC */));
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(write(fd, "memfd", 5), 5);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 5);
	CHECK_STR(buf, "memfd");
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(st.st_size, 5);
	CHECK_OK(ftruncate(fd, 4096));
	close(fd);
	CHECK_ERR(syscall(SYS_memfd_create, "kt", 0x100), EINVAL);
}

/* A memfd is a file with a path in memfd's internal tmpfs, as on Linux: it maps MAP_SHARED
 * (mmap was ENODEV), /proc/self/fd/N reads "/memfd:NAME (deleted)" (it read
 * anon_inode:[N]), opening that link gives a new open file on the same inode with its own
 * offset and executing it runs the script in it (both were ENOENT). */
static void memfd_mapped_reopened_and_executed(void)
{
	int fd = CHECK_OK(syscall(SYS_memfd_create, "kt-map", 0));
	CHECK_OK(ftruncate(fd, 8192));
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	memcpy(m + 4096, "shared", 6);
	char buf[16] = { 0 };
	CHECK_EQ(pread(fd, buf, 6, 4096), 6);
	CHECK_STR(buf, "shared");
	CHECK_EQ(pwrite(fd, "back", 4, 0), 4);
	CHECK_MEM(m, "back", 4);
	CHECK_OK(munmap(m, 8192));
	char path[64], link[128];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = CHECK_OK(readlink(path, link, sizeof(link) - 1));
	link[n] = 0;
	CHECK_STR(link, "/memfd:kt-map (deleted)");
	struct statfs sf;
	CHECK_OK(fstatfs(fd, &sf));
	CHECK_EQ(sf.f_type, 0x01021994); /* TMPFS_MAGIC */
	CHECK_EQ(lseek(fd, 100, SEEK_SET), 100);
	int again = CHECK_OK(open(path, O_RDWR));
	struct stat a, b;
	CHECK_OK(fstat(fd, &a));
	CHECK_OK(fstat(again, &b));
	CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	CHECK_EQ(lseek(again, 0, SEEK_CUR), 0); /* a new open file: its own offset */
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(read(again, buf, 4), 4);
	CHECK_STR(buf, "back");
	close(again);
	close(fd);
	/* a script in a memfd runs through its /proc link (glibc's fexecve without execveat) */
	fd = CHECK_OK(syscall(SYS_memfd_create, "kt-exec", 0));
	const char *script = "#!/bin/sh\nexit 7\n";
	CHECK_EQ(write(fd, script, strlen(script)), (ssize_t)strlen(script));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	char *argv[] = { "kt-exec", NULL };
	pid_t pid = CHECK_OK(fork());
	if (pid == 0) {
		execve(path, argv, NULL);
		kt_child_exit(100);
	}
	int st = kt_wait(pid);
	/* sh's own open or read of the script met the injected ENOMEM ("can't open ...": 2) */
	kt_skip_if_injected(st == 2 << 8, "the script's shell could not read it");
	CHECK_EQ(st, 7 << 8); /* exited with 7 */
	close(fd);
}

/* memfd seals (fcntl(2) "File sealing"; F_ADD_SEALS was EINVAL): constants of the UAPI */
#define KT_F_ADD_SEALS 1033
#define KT_F_GET_SEALS 1034
#define KT_SEAL_SEAL 1
#define KT_SEAL_SHRINK 2
#define KT_SEAL_GROW 4
#define KT_SEAL_WRITE 8
#define KT_SEAL_FUTURE_WRITE 16
#define KT_MFD_ALLOW_SEALING 2

static int sealable_memfd(const char *name, size_t size)
{
	int fd = CHECK_OK(syscall(SYS_memfd_create, name, KT_MFD_ALLOW_SEALING));
	CHECK_OK(ftruncate(fd, (off_t)size));
	return fd;
}

/* Without MFD_ALLOW_SEALING a memfd starts with F_SEAL_SEAL; unknown bits, a read-only
 * open file and a pipe are refused; F_SEAL_SEAL stops further seals. */
static void memfd_seals_added_and_sealed(void)
{
	int fd = CHECK_OK(syscall(SYS_memfd_create, "kt-s", 0));
	CHECK_EQ(fcntl(fd, KT_F_GET_SEALS), KT_SEAL_SEAL);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE), EPERM);
	close(fd);
	fd = sealable_memfd("kt-s", 0);
	CHECK_EQ(fcntl(fd, KT_F_GET_SEALS), 0);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, 0x20), EINVAL);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int ro = CHECK_OK(open(path, O_RDONLY));
	CHECK_ERR(fcntl(ro, KT_F_ADD_SEALS, KT_SEAL_GROW), EPERM);
	CHECK_EQ(fcntl(ro, KT_F_GET_SEALS), 0); /* the same inode's seals */
	CHECK_OK(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_GROW));
	CHECK_EQ(fcntl(ro, KT_F_GET_SEALS), KT_SEAL_GROW);
	CHECK_OK(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_SHRINK | KT_SEAL_SEAL));
	CHECK_EQ(fcntl(fd, KT_F_GET_SEALS), KT_SEAL_GROW | KT_SEAL_SHRINK | KT_SEAL_SEAL);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE), EPERM);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, 0), EPERM);
	close(ro);
	close(fd);
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_ERR(fcntl(p[1], KT_F_ADD_SEALS, KT_SEAL_SEAL), EINVAL);
	CHECK_ERR(fcntl(p[0], KT_F_GET_SEALS), EINVAL);
	close(p[0]);
	close(p[1]);
}

static void memfd_seal_shrink_refuses_smaller(void)
{
	int fd = sealable_memfd("kt-shrink", 8192);
	CHECK_OK(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_SHRINK));
	CHECK_ERR(ftruncate(fd, 4096), EPERM);
	CHECK_OK(ftruncate(fd, 16384)); /* growing is still allowed */
	CHECK_OK(ftruncate(fd, 16384));
	CHECK_EQ(pwrite(fd, "x", 1, 20000), 1);
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 20001);
	close(fd);
}

static void memfd_seal_grow_refuses_larger(void)
{
	int fd = sealable_memfd("kt-grow", 8192);
	CHECK_OK(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_GROW));
	CHECK_ERR(ftruncate(fd, 8193), EPERM);
	CHECK_EQ(pwrite(fd, "ab", 2, 8191), 1); /* short: the byte before the end */
	CHECK_ERR(pwrite(fd, "ab", 2, 9000), EPERM);
	CHECK_EQ(pwrite(fd, "ab", 2, 8190), 2); /* inside the file */
	CHECK_EQ(lseek(fd, 8192, SEEK_SET), 8192);
	CHECK_ERR(write(fd, "c", 1), EPERM);
	CHECK_ERR(fallocate(fd, 0, 8000, 1000), EPERM);
	CHECK_OK(fallocate(fd, 0, 0, 4096)); /* within the size */
	CHECK_OK(ftruncate(fd, 4096)); /* shrinking is still allowed */
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 4096);
	close(fd);
}

static void memfd_seal_write_refuses_writes_and_shared_maps(void)
{
	int fd = sealable_memfd("kt-write", 8192);
	CHECK_EQ(pwrite(fd, "seal", 4, 0), 4);
	CHECK_OK(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE));
	CHECK_ERR(pwrite(fd, "x", 1, 0), EPERM);
	CHECK_ERR(write(fd, "x", 1), EPERM);
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	CHECK_ERR(writev(fd, &iov, 1), EPERM);
	CHECK_ERR(fallocate(fd, 3 /* PUNCH_HOLE | KEEP_SIZE */, 0, 4096), EPERM);
	CHECK(mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	CHECK_EQ(errno, EPERM);
	char *m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0); /* reading is fine */
	CHECK(m != MAP_FAILED);
	CHECK_MEM(m, "seal", 4);
	CHECK_OK(munmap(m, 8192));
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0); /* a private copy */
	CHECK(m != MAP_FAILED);
	m[0] = 'S';
	CHECK_OK(munmap(m, 8192));
	char buf[8] = { 0 };
	CHECK_EQ(pread(fd, buf, 4, 0), 4);
	CHECK_STR(buf, "seal");
	CHECK_OK(ftruncate(fd, 16384)); /* F_SEAL_WRITE alone leaves the size free */
	close(fd);
}

static void memfd_seal_future_write_keeps_old_mappings(void)
{
	int fd = sealable_memfd("kt-future", 8192);
	char *old = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(old != MAP_FAILED);
	CHECK_OK(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_FUTURE_WRITE));
	CHECK_ERR(pwrite(fd, "x", 1, 0), EPERM);
	CHECK_ERR(write(fd, "x", 1), EPERM);
	CHECK(mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	CHECK_EQ(errno, EPERM);
	memcpy(old, "older", 5); /* the mapping made before the seal still writes */
	char buf[8] = { 0 };
	CHECK_EQ(pread(fd, buf, 5, 0), 5);
	CHECK_STR(buf, "older");
	CHECK_OK(munmap(old, 8192));
	close(fd);
}

/* F_SEAL_WRITE is EBUSY while a shared mapping may write to the memfd (Linux's
 * mapping_deny_writable; it succeeded here and the mapping kept writing). A read-only shared
 * mapping through a read-write descriptor counts too (it may become writable), a private
 * mapping or a shared one through a read-only descriptor does not; a partly unmapped mapping
 * still counts; once the last is gone the seal is taken and no new one may be made. */
static void memfd_seal_write_ebusy_while_shared_writable_mapping(void)
{
	int fd = sealable_memfd("kt-busy", 8192);
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE), EBUSY);
	CHECK_EQ(fcntl(fd, KT_F_GET_SEALS), 0); /* nothing added */
	CHECK_OK(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_GROW)); /* other seals are not held up */
	CHECK_OK(munmap(m, 4096)); /* half of it still maps the file */
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE | KT_SEAL_SHRINK), EBUSY);
	CHECK_EQ(fcntl(fd, KT_F_GET_SEALS), KT_SEAL_GROW);
	CHECK_OK(munmap(m + 4096, 4096));
	m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0); /* read-write descriptor */
	CHECK(m != MAP_FAILED);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE), EBUSY);
	CHECK_OK(munmap(m, 8192));
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int ro = CHECK_OK(open(path, O_RDONLY));
	char *r = mmap(NULL, 8192, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(r != MAP_FAILED);
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	p[0] = 'p';
	CHECK_OK(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE));
	CHECK_EQ(fcntl(fd, KT_F_GET_SEALS), KT_SEAL_GROW | KT_SEAL_WRITE);
	CHECK(mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	CHECK_EQ(errno, EPERM);
	CHECK_OK(munmap(r, 8192));
	CHECK_OK(munmap(p, 8192));
	close(ro);
	close(fd);
}

/* A writable shared mapping made read-only by mprotect still holds F_SEAL_WRITE off: Linux
 * counts the mappings that may write (VM_SHARED with VM_MAYWRITE), not PROT_WRITE now. */
static void memfd_seal_write_ebusy_after_mprotect_read_only(void)
{
	int fd = sealable_memfd("kt-mprot", 8192);
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK_OK(mprotect(m, 8192, PROT_READ));
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE), EBUSY);
	CHECK_OK(mprotect(m, 4096, PROT_NONE)); /* split in two regions, both counted */
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE), EBUSY);
	CHECK_OK(mprotect(m, 8192, PROT_READ | PROT_WRITE)); /* merged again */
	memcpy(m, "mp", 2);
	CHECK_OK(munmap(m, 8192));
	CHECK_OK(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE));
	char buf[4] = { 0 };
	CHECK_EQ(pread(fd, buf, 2, 0), 2);
	CHECK_STR(buf, "mp");
	close(fd);
}

/* mremap keeps the count right: a moved mapping, one grown in place, and a shared mapping
 * duplicated (old_len 0) each count until unmapped. */
static void memfd_seal_write_ebusy_after_mremap(void)
{
	int fd = sealable_memfd("kt-remap", 16384);
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	char *g = mremap(m, 4096, 8192, MREMAP_MAYMOVE); /* in place, or moved */
	CHECK(g != MAP_FAILED);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE), EBUSY);
	char *d = mremap(g, 0, 4096, MREMAP_MAYMOVE); /* a second mapping of the same pages */
	CHECK(d != MAP_FAILED);
	CHECK_OK(munmap(g, 8192));
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE), EBUSY);
	char *f = mmap(NULL, 16384, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(f != MAP_FAILED);
	char *moved = mremap(d, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, f + 8192);
	CHECK(moved == f + 8192);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE), EBUSY);
	CHECK_OK(munmap(f, 16384));
	CHECK_OK(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE));
	close(fd);
}

/* A forked child's copy of a writable shared mapping counts: F_SEAL_WRITE stays EBUSY after
 * the parent unmaps its own until the child has gone (or unmapped); a MADV_DONTFORK mapping
 * gives the child no copy to count. */
static void memfd_seal_write_ebusy_while_forked_child_maps(void)
{
	int fd = sealable_memfd("kt-fork", 8192);
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	int go[2];
	CHECK_OK(pipe(go));
	pid_t pid = CHECK_OK(kt_fork());
	if (pid == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1) /* until the parent has tried */
			_exit(2);
		memcpy(m, "child", 5); /* the child's mapping still writes */
		_exit(0);
	}
	close(go[0]);
	CHECK_OK(munmap(m, 8192));
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE), EBUSY);
	CHECK_EQ(write(go[1], "g", 1), 1);
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(go[1]);
	char buf[8] = { 0 };
	CHECK_EQ(pread(fd, buf, 5, 0), 5);
	CHECK_STR(buf, "child");
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK_OK(madvise(m, 8192, MADV_DONTFORK));
	CHECK_OK(pipe(go));
	pid = CHECK_OK(kt_fork());
	if (pid == 0) {
		char c;
		close(go[1]);
		_exit(read(go[0], &c, 1) == 1 ? 0 : 2);
	}
	close(go[0]);
	CHECK_OK(munmap(m, 8192));
	CHECK_OK(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE)); /* the child holds no copy */
	CHECK_EQ(write(go[1], "g", 1), 1);
	st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(go[1]);
	close(fd);
}

/* Seals on files that are not memfds (Linux's memfd_fcntl on any file): a tmpfs regular
 * file (a shmem file) has F_SEAL_SEAL from its birth, so F_ADD_SEALS is EPERM; anything
 * else (a ramfs file, a tmpfs directory, a procfs file, a device) has no seals: EINVAL. The
 * open mode is checked first: a read-only file may never add one (EPERM), then the bits. */
static void tmpfs_file_seals_start_sealed(void)
{
	kt_tmpdir();
	CHECK_OK(mkdir("t", 0755));
	CHECK_OK(mkdir("r", 0755));
	CHECK_OK(mount("none", "t", "tmpfs", 0, NULL));
	CHECK_OK(mount("none", "r", "ramfs", 0, NULL));
	int fd = make_file("t/f", "tmp");
	CHECK_EQ(fcntl(fd, KT_F_GET_SEALS), KT_SEAL_SEAL);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_WRITE), EPERM);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, 0), EPERM);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, 0x20), EINVAL);
	CHECK_EQ(write(fd, "more", 4), 4); /* F_SEAL_SEAL alone limits nothing else */
	CHECK_OK(ftruncate(fd, 1));
	close(fd);
	fd = CHECK_OK(open("t/f", O_RDONLY));
	CHECK_EQ(fcntl(fd, KT_F_GET_SEALS), KT_SEAL_SEAL);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, 0x20), EPERM);
	close(fd);
	fd = CHECK_OK(open("t", O_TMPFILE | O_RDWR, 0600));
	CHECK_EQ(fcntl(fd, KT_F_GET_SEALS), KT_SEAL_SEAL);
	close(fd);
	fd = CHECK_OK(open("t", O_RDONLY | O_DIRECTORY));
	CHECK_ERR(fcntl(fd, KT_F_GET_SEALS), EINVAL);
	close(fd);
	fd = make_file("r/f", "ram");
	CHECK_ERR(fcntl(fd, KT_F_GET_SEALS), EINVAL);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_SEAL), EINVAL);
	close(fd);
	fd = CHECK_OK(open("r/f", O_RDONLY));
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_SEAL), EPERM);
	close(fd);
	fd = CHECK_OK(open("/proc/self/stat", O_RDONLY));
	CHECK_ERR(fcntl(fd, KT_F_GET_SEALS), EINVAL);
	close(fd);
	fd = CHECK_OK(open("/dev/null", O_RDWR));
	CHECK_ERR(fcntl(fd, KT_F_GET_SEALS), EINVAL);
	CHECK_ERR(fcntl(fd, KT_F_ADD_SEALS, KT_SEAL_SEAL), EINVAL);
	close(fd);
	CHECK_OK(umount("t"));
	CHECK_OK(umount("r"));
}

/* The ioctls every file answers (Linux's do_vfs_ioctl; they were ENOTTY on anything but a
 * terminal or socket): FIOCLEX/FIONCLEX set the descriptor's close-on-exec, FIONBIO the open
 * file's O_NONBLOCK, FIONREAD on a regular file the bytes from the offset to the end (an int,
 * negative past it) and on a pipe or FIFO the bytes in it; anything else is the file's own
 * (ENOTTY for a directory, /dev/null, a regular file's TCGETS); an O_PATH descriptor is EBADF. */
static void ioctl_fioclex_fionbio_fionread_on_any_file(void)
{
	kt_tmpdir();
	int fd = make_file("f", "0123456789");
	int n = -1;
	CHECK_OK(ioctl(fd, FIONREAD, &n));
	CHECK_EQ(n, 0);
	CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
	CHECK_OK(ioctl(fd, FIONREAD, &n));
	CHECK_EQ(n, 7);
	CHECK_EQ(lseek(fd, 25, SEEK_SET), 25);
	CHECK_OK(ioctl(fd, FIONREAD, &n));
	CHECK_EQ(n, -15);
	CHECK_ERR(ioctl(fd, FIONREAD, KT_BAD_PTR), EFAULT);
	CHECK_EQ(fcntl(fd, F_GETFD), 0);
	CHECK_OK(ioctl(fd, FIOCLEX));
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_OK(ioctl(fd, FIONCLEX));
	CHECK_EQ(fcntl(fd, F_GETFD), 0);
	int on = 1;
	CHECK_OK(ioctl(fd, FIONBIO, &on));
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	on = 0;
	CHECK_OK(ioctl(fd, FIONBIO, &on));
	CHECK(!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	CHECK_ERR(ioctl(fd, FIONBIO, KT_BAD_PTR), EFAULT);
	struct termios t;
	CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY);
	close(fd);
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "abcde", 5), 5);
	CHECK_OK(ioctl(p[0], FIONREAD, &n));
	CHECK_EQ(n, 5);
	on = 1;
	CHECK_OK(ioctl(p[0], FIONBIO, &on));
	char buf[8];
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 5);
	CHECK_ERR(read(p[0], buf, sizeof(buf)), EAGAIN);
	CHECK_OK(ioctl(p[0], FIONREAD, &n));
	CHECK_EQ(n, 0);
	close(p[0]);
	close(p[1]);
	CHECK_OK(mkfifo("fifo", 0600));
	fd = CHECK_OK(open("fifo", O_RDWR));
	CHECK_EQ(write(fd, "xyz", 3), 3);
	CHECK_OK(ioctl(fd, FIONREAD, &n));
	CHECK_EQ(n, 3);
	close(fd);
	fd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_ERR(ioctl(fd, FIONREAD, &n), ENOTTY);
	CHECK_OK(ioctl(fd, FIOCLEX));
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(fd);
	fd = CHECK_OK(open("/dev/null", O_RDWR));
	CHECK_ERR(ioctl(fd, FIONREAD, &n), ENOTTY);
	close(fd);
	fd = CHECK_OK(open("f", O_PATH));
	CHECK_ERR(ioctl(fd, FIOCLEX), EBADF);
	CHECK_ERR(ioctl(fd, FIONREAD, &n), EBADF);
	close(fd);
	CHECK_ERR(ioctl(999, FIOCLEX), EBADF);
}

/* fsync_errno - fsync's and fdatasync's answer on fd (0, or the errno), fd then closed. */
static int fsync_errno(int fd)
{
	CHECK(fd >= 0);
	int e = fsync(fd) ? errno : 0;
	CHECK_EQ(fdatasync(fd) ? errno : 0, e);
	CHECK_OK(syncfs(fd)); /* every file system can be synced */
	close(fd);
	return e;
}

/* fsync and fdatasync of a file whose file system cannot sync it are EINVAL, as Linux's
 * vfs_fsync without an fsync op (they succeeded here on devices, procfs and anonymous files):
 * memory file systems' files and directories and sysfs files answer 0; devices, procfs files
 * and directories, sysfs directories, eventfd/epoll/inotify/timerfd, sockets, pipes, FIFOs
 * and terminals EINVAL. */
static void fsync_einval_on_devices_procfs_and_anon_files(void)
{
	kt_tmpdir();
	CHECK_EQ(fsync_errno(make_file("f", "x")), 0);
	CHECK_EQ(fsync_errno(open(".", O_RDONLY)), 0);
	CHECK_EQ(fsync_errno(open("/dev", O_RDONLY)), 0);
	CHECK_EQ(fsync_errno(open("/dev/pts", O_RDONLY)), 0);
	CHECK_EQ(fsync_errno((int)syscall(SYS_memfd_create, "kt-sync", 0)), 0);
	CHECK_EQ(fsync_errno(open("/sys/class/mem/null/dev", O_RDONLY)), 0);
	CHECK_EQ(fsync_errno(open("/sys/class", O_RDONLY)), EINVAL);
	const char *einval[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "/dev/kmsg",
				 "/dev/ptmx", "/proc/self/stat", "/proc/self", "/proc/sys/kernel/ostype" };
	for (size_t i = 0; i < sizeof(einval) / sizeof(einval[0]); i++) {
		int e = fsync_errno(open(einval[i], O_RDONLY));
		if (e != EINVAL)
			kt_fail(__FILE__, __LINE__, "fsync(%s): errno %d, want EINVAL", einval[i], e);
	}
	CHECK_EQ(fsync_errno((int)syscall(SYS_eventfd2, 0, 0)), EINVAL);
	CHECK_EQ(fsync_errno((int)syscall(SYS_epoll_create1, 0)), EINVAL);
	CHECK_EQ(fsync_errno((int)syscall(SYS_inotify_init1, 0)), EINVAL);
	CHECK_EQ(fsync_errno((int)syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 0)), EINVAL);
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_EQ(fsync_errno(sv[0]), EINVAL);
	close(sv[1]);
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_EQ(fsync_errno(p[1]), EINVAL);
	close(p[0]);
	CHECK_OK(mkfifo("fifo", 0600));
	CHECK_EQ(fsync_errno(open("fifo", O_RDWR)), EINVAL);
	int fd = CHECK_OK(open("f", O_PATH));
	CHECK_ERR(fsync(fd), EBADF);
	close(fd);
}

/* seek_answer - lseek's result on fd, or -errno. */
static long seek_answer(int fd, long off, int whence)
{
	long r = lseek(fd, off, whence);
	return r < 0 ? -errno : r;
}

/* lseek answers by kind of file, as Linux's llseek ops (it moved every offset here): /dev/null,
 * zero and full stay at 0 (null_lseek), /dev/urandom and anonymous files keep their offset
 * whatever is asked (noop_llseek), a tmpfs directory has no end to seek from
 * (dcache_dir_lseek: EINVAL), streams are ESPIPE; a whence past SEEK_HOLE is EINVAL before
 * the file answers, and an O_PATH descriptor EBADF before that. */
static void lseek_answers_per_kind_of_file(void)
{
	kt_tmpdir();
	const char *zero[] = { "/dev/null", "/dev/zero", "/dev/full" };
	for (size_t i = 0; i < 3; i++) {
		int fd = CHECK_OK(open(zero[i], O_RDWR));
		CHECK_EQ(seek_answer(fd, 5, SEEK_SET), 0);
		CHECK_EQ(seek_answer(fd, -3, SEEK_CUR), 0);
		CHECK_EQ(seek_answer(fd, 7, SEEK_END), 0);
		CHECK_EQ(seek_answer(fd, 0, 42), -EINVAL);
		close(fd);
	}
	int sv[2];
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	int sfd_mask[2] = { 0, 0 }; /* a sigset_t's first bytes: no signal */
	int noop[] = { CHECK_OK(open("/dev/urandom", O_RDONLY)),
		       CHECK_OK((int)syscall(SYS_eventfd2, 0, 0)),
		       CHECK_OK((int)syscall(SYS_epoll_create1, 0)),
		       CHECK_OK((int)syscall(SYS_inotify_init1, 0)),
		       CHECK_OK((int)syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 0)),
		       CHECK_OK((int)syscall(SYS_signalfd4, -1, sfd_mask, 8, 0)) };
	for (size_t i = 0; i < sizeof(noop) / sizeof(noop[0]); i++) {
		CHECK_EQ(seek_answer(noop[i], 5, SEEK_SET), 0);
		CHECK_EQ(seek_answer(noop[i], -9, SEEK_SET), 0);
		CHECK_EQ(seek_answer(noop[i], 3, SEEK_END), 0);
		CHECK_EQ(seek_answer(noop[i], 0, 5), -EINVAL);
		close(noop[i]);
	}
	int fd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_EQ(seek_answer(fd, 0, SEEK_END), -EINVAL);
	CHECK_EQ(seek_answer(fd, 0, SEEK_SET), 0);
	CHECK_EQ(seek_answer(fd, 0, SEEK_CUR), 0);
	close(fd);
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_EQ(seek_answer(p[0], 0, SEEK_CUR), -ESPIPE);
	CHECK_EQ(seek_answer(p[0], 0, 5), -EINVAL);
	CHECK_EQ(seek_answer(sv[0], 0, SEEK_SET), -ESPIPE);
	CHECK_EQ(seek_answer(sv[0], 0, 42), -EINVAL);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	close(make_file("f", "0123456789"));
	fd = CHECK_OK(open("f", O_PATH));
	CHECK_EQ(seek_answer(fd, 0, SEEK_SET), -EBADF);
	CHECK_EQ(seek_answer(fd, 0, 42), -EBADF);
	close(fd);
}

/* SEEK_DATA and SEEK_HOLE on a tmpfs file (they were EINVAL): pages written are data, pages
 * never written holes, the end a hole; an offset at or past the end, or negative, is ENXIO;
 * the offset moves to the answer. Pages of 4 KiB: data at 0 and 3, a 5-page file. On ramfs
 * the whole file is data (Linux's generic_file_llseek). */
static void lseek_seek_data_and_hole_on_tmpfs(void)
{
	kt_tmpdir();
	CHECK_OK(mkdir("t", 0755));
	CHECK_OK(mount("none", "t", "tmpfs", 0, NULL));
	int fd = CHECK_OK(open("t/f", O_CREAT | O_RDWR, 0644));
	char page[4096];
	memset(page, 'd', sizeof(page));
	CHECK_EQ(pwrite(fd, page, sizeof(page), 0), 4096);
	CHECK_OK(ftruncate(fd, 5 * 4096));
	CHECK_EQ(pwrite(fd, page, 10, 3 * 4096), 10);
	CHECK_EQ(seek_answer(fd, 0, SEEK_DATA), 0);
	CHECK_EQ(seek_answer(fd, 100, SEEK_DATA), 100);
	CHECK_EQ(seek_answer(fd, 100, SEEK_HOLE), 4096);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4096); /* moved there */
	CHECK_EQ(seek_answer(fd, 4096, SEEK_DATA), 3 * 4096);
	CHECK_EQ(seek_answer(fd, 5000, SEEK_HOLE), 5000);
	CHECK_EQ(seek_answer(fd, 3 * 4096 + 1, SEEK_HOLE), 4 * 4096);
	CHECK_EQ(seek_answer(fd, 4 * 4096, SEEK_DATA), -ENXIO);
	CHECK_EQ(seek_answer(fd, 4 * 4096 + 7, SEEK_HOLE), 4 * 4096 + 7);
	CHECK_EQ(seek_answer(fd, 5 * 4096, SEEK_HOLE), -ENXIO);
	CHECK_EQ(seek_answer(fd, 5 * 4096, SEEK_DATA), -ENXIO);
	CHECK_EQ(seek_answer(fd, -1, SEEK_DATA), -ENXIO);
	CHECK_EQ(seek_answer(fd, -1, SEEK_HOLE), -ENXIO);
	CHECK_OK(ftruncate(fd, 4096 + 100)); /* the last page partly past the end */
	CHECK_EQ(seek_answer(fd, 0, SEEK_HOLE), 4096);
	CHECK_EQ(seek_answer(fd, 4096, SEEK_DATA), -ENXIO);
	CHECK_EQ(pwrite(fd, "x", 1, 4096), 1);
	CHECK_EQ(seek_answer(fd, 4096, SEEK_DATA), 4096);
	CHECK_EQ(seek_answer(fd, 0, SEEK_HOLE), 4096 + 100);
	close(fd);
	fd = CHECK_OK(open("t/empty", O_CREAT | O_RDWR, 0644));
	CHECK_EQ(seek_answer(fd, 0, SEEK_DATA), -ENXIO);
	CHECK_EQ(seek_answer(fd, 0, SEEK_HOLE), -ENXIO);
	close(fd);
	CHECK_OK(umount("t"));
	CHECK_OK(mount("none", "t", "ramfs", 0, NULL)); /* ramfs: all data up to the end */
	fd = CHECK_OK(open("t/f", O_CREAT | O_RDWR, 0644));
	CHECK_EQ(pwrite(fd, page, sizeof(page), 0), 4096);
	CHECK_OK(ftruncate(fd, 5 * 4096));
	CHECK_EQ(seek_answer(fd, 0, SEEK_HOLE), 5 * 4096);
	CHECK_EQ(seek_answer(fd, 8192, SEEK_DATA), 8192);
	CHECK_EQ(seek_answer(fd, 5 * 4096, SEEK_DATA), -ENXIO);
	close(fd);
	CHECK_OK(umount("t"));
}

static void xattrs_not_kept(void)
{
	char buf[64];
	kt_tmpdir();
	close(make_file("f", "x"));
	CHECK_ERR(setxattr("f", "user.kt", "v", 1, 0), EOPNOTSUPP);
	CHECK_ERR(getxattr("f", "user.kt", buf, sizeof(buf)), EOPNOTSUPP);
	CHECK_EQ(listxattr("f", buf, sizeof(buf)), 0);
	CHECK_ERR(getxattr("nope", "user.kt", buf, sizeof(buf)), ENOENT);
	CHECK_ERR(fgetxattr(999, "user.kt", buf, sizeof(buf)), EBADF);
}

/* The remaining variants: fallocate grows (KEEP_SIZE does not), sync/syncfs, utimes and
 * futimesat, symlinkat/mknodat/linkat relative to a dirfd, faccessat2. */
static void fallocate_sync_and_at_variants(void)
{
	struct stat st;
	kt_tmpdir();
	int fd = make_file("f", "x");
	CHECK_OK(fallocate(fd, 0, 0, 8192));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 8192);
	CHECK_OK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 65536));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 8192);
	CHECK_ERR(fallocate(fd, 0, -1, 10), EINVAL);
	CHECK_ERR(fallocate(fd, 0, 0, 0), EINVAL);
	sync();
	CHECK_OK(syncfs(fd));
	CHECK_ERR(syncfs(999), EBADF);
	struct timeval tv[2] = { { 111, 0 }, { 222, 500000 } };
	CHECK_OK(utimes("f", tv));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mtim.tv_sec, 222);
	CHECK_EQ(st.st_mtim.tv_nsec, 500000000);
	CHECK_OK(mkdir("d", 0755));
	int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	CHECK_OK(symlinkat("../f", dfd, "l"));
	CHECK_OK(mknodat(dfd, "p", S_IFIFO | 0600, 0));
	CHECK_OK(linkat(AT_FDCWD, "f", dfd, "h", 0));
	CHECK_OK(renameat(dfd, "h", dfd, "h2"));
	CHECK_OK(futimesat(dfd, "h2", tv));
	CHECK_OK(fstatat(dfd, "l", &st, 0));
	CHECK_EQ(st.st_size, 8192);
	CHECK_OK(fstatat(dfd, "p", &st, 0));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_OK(syscall(SYS_faccessat2, dfd, "h2", R_OK | W_OK, 0));
	CHECK_ERR(syscall(SYS_faccessat2, dfd, "h2", R_OK, 0x4000000), EINVAL);
	/* AT_EMPTY_PATH: the descriptor's file (or the working directory) itself */
	CHECK_OK(syscall(SYS_faccessat2, fd, "", R_OK | W_OK, AT_EMPTY_PATH));
	CHECK_ERR(syscall(SYS_faccessat2, fd, "", X_OK, AT_EMPTY_PATH), EACCES); /* no x bit */
	CHECK_OK(syscall(SYS_faccessat2, AT_FDCWD, "", X_OK, AT_EMPTY_PATH));
	CHECK_ERR(syscall(SYS_faccessat2, 999, "", F_OK, AT_EMPTY_PATH), EBADF);
	CHECK_ERR(syscall(SYS_faccessat2, fd, "", F_OK, 0), ENOENT);
	close(dfd);
	close(fd);
}

/* O_TMPFILE: a nameless file in the directory's file system, gone with its last close. */
static void o_tmpfile_is_nameless(void)
{
	struct stat st;
	char buf[8] = { 0 };
	kt_tmpdir();
	int fd = CHECK_OK(open(".", O_TMPFILE | O_RDWR, 0600));
	CHECK_EQ(write(fd, "tmp", 3), 3);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 3);
	CHECK_STR(buf, "tmp");
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	DIR *d = opendir(".");
	CHECK(d != NULL);
	int n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	CHECK_EQ(n, 2); /* "." and ".." only */
	close(fd);
	CHECK_ERR(open(".", O_TMPFILE | O_RDONLY, 0600), EINVAL);
	close(make_file("f", "x"));
	CHECK_ERR(open("f", O_TMPFILE | O_RDWR, 0600), ENOTDIR);
	CHECK_ERR(open("nope", O_TMPFILE | O_RDWR, 0600), ENOENT);
}

/* creat(2) is open(O_CREAT | O_WRONLY | O_TRUNC): it makes a file, empties an existing one,
 * and the descriptor is write-only. */
static void creat_makes_and_truncates(void)
{
	struct stat st;
	kt_tmpdir();
	umask(022);
	int fd = CHECK_OK(syscall(SYS_creat, "c", 0640));
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0640);
	char b;
	CHECK_ERR(read(fd, &b, 1), EBADF);
	CHECK_EQ(write(fd, "abc", 3), 3);
	close(fd);
	fd = CHECK_OK(syscall(SYS_creat, "c", 0600));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_mode & 0777, 0640); /* an existing file keeps its mode */
	close(fd);
	CHECK_ERR(syscall(SYS_creat, "missing/c", 0600), ENOENT);
	CHECK_ERR(syscall(SYS_creat, ".", 0600), EISDIR);
}

static int fifo_writer(int unused)
{
	(void)unused;
	int fd = open("fifo", O_WRONLY); /* waits for the reader */
	if (fd < 0)
		return 90;
	if (write(fd, "hello", 5) != 5)
		return 91;
	close(fd);
	return 0;
}

static void fifo_alarm(int sig)
{
	(void)sig;
}

/* A FIFO (mkfifo): an open for one end waits for the other; bytes pass as through a pipe;
 * EOF when the last writer closes; O_NONBLOCK: a reader opens at once, a writer without a
 * reader fails with ENXIO; O_RDWR never waits; fstat shows the node; the bytes left when the
 * last file closes are gone; a signal interrupts a waiting open. */
static void fifo_open_read_write(void)
{
	struct stat st, st2;
	char buf[16];
	kt_tmpdir();
	CHECK_OK(mkfifo("fifo", 0600));
	pid_t pid = CHECK_OK(kt_fork());
	if (pid == 0) {
		int r = fifo_writer(0);
		if (r == 90) {
			/* its open failed (an injected ENOMEM): the parent still waits in its open
			 * for a writer, so open and close one without waiting (a try may fail too) */
			int e = errno;
			for (int i = 0; i < 1000; i++) {
				int fd = open("fifo", O_WRONLY | O_NONBLOCK);
				if (fd >= 0) {
					close(fd);
					break;
				}
			}
			errno = e;
			kt_child_exit(r);
		}
		_exit(r);
	}
	int rd = CHECK_OK(open("fifo", O_RDONLY)); /* waits for the child's open */
	size_t got = 0;
	for (int i = 0; i < 10 && got < 5; i++) {
		ssize_t n = read(rd, buf + got, sizeof(buf) - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	int wst = got < 5 ? kt_wait(pid) : -1; /* a child that met an injected ENOMEM: skipped */
	CHECK_EQ(got, 5);
	CHECK_MEM(buf, "hello", 5);
	CHECK_EQ(wst == -1 ? kt_wait(pid) : wst, 0);
	CHECK_EQ(read(rd, buf, sizeof(buf)), 0); /* the writer is gone: end of file */
	CHECK_OK(fstat(rd, &st));
	CHECK_OK(stat("fifo", &st2));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_EQ(st.st_ino, st2.st_ino);
	CHECK_EQ(st.st_dev, st2.st_dev);
	CHECK_ERR(lseek(rd, 0, SEEK_SET), ESPIPE);
	close(rd);

	CHECK_ERR(open("fifo", O_WRONLY | O_NONBLOCK), ENXIO);
	rd = CHECK_OK(open("fifo", O_RDONLY | O_NONBLOCK));
	CHECK_EQ(read(rd, buf, sizeof(buf)), 0); /* no writer: end of file, not EAGAIN */
	int wr = CHECK_OK(open("fifo", O_WRONLY | O_NONBLOCK));
	CHECK_ERR(read(rd, buf, sizeof(buf)), EAGAIN);
	CHECK_EQ(write(wr, "xy", 2), 2);
	CHECK_EQ(read(rd, buf, sizeof(buf)), 2);
	CHECK_MEM(buf, "xy", 2);
	close(rd);
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(wr, "z", 1), EPIPE); /* no reader left */
	signal(SIGPIPE, SIG_DFL);
	close(wr);

	int rw = CHECK_OK(open("fifo", O_RDWR)); /* both ends: no wait */
	CHECK_EQ(write(rw, "left", 4), 4);
	close(rw);
	rw = CHECK_OK(open("fifo", O_RDWR | O_NONBLOCK));
	CHECK_ERR(read(rw, buf, sizeof(buf)), EAGAIN); /* the last close dropped the bytes */
	close(rw);

	struct sigaction sa = { .sa_handler = fifo_alarm }; /* no SA_RESTART */
	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	struct itimerval it = { .it_value = { 0, 50000 } };
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	CHECK_ERR(open("fifo", O_RDONLY), EINTR);
	signal(SIGALRM, SIG_DFL);
	CHECK_ERR(open("fifo", O_WRONLY | O_NONBLOCK), ENXIO); /* the interrupted reader left */
}

static int splice_waiter(int rd)
{
	char b[4];
	int p2[2];
	if (pipe(p2))
		return 90;
	ssize_t n = splice(rd, NULL, p2[1], NULL, 4, 0); /* waits for the parent's byte */
	if (n != 1 || read(p2[0], b, 4) != 1 || b[0] != 'w')
		return 91;
	return 0;
}

/* splice moves bytes between a pipe and a file (at an explicit offset, or the file's), or
 * between pipes; tee copies one pipe's bytes into another, leaving them; the errors. */
static void splice_and_tee_on_pipes(void)
{
	char buf[32];
	int p1[2], p2[2];
	kt_tmpdir();
	int fd = make_file("f", "0123456789");
	CHECK_OK(pipe(p1));
	CHECK_OK(pipe(p2));
	loff_t off = 2;
	CHECK_EQ(splice(fd, &off, p1[1], NULL, 5, 0), 5); /* file -> pipe at *off */
	CHECK_EQ(off, 7);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10); /* the file offset is left alone */
	CHECK_EQ(read(p1[0], buf, sizeof(buf)), 5);
	CHECK_MEM(buf, "23456", 5);
	CHECK_EQ(lseek(fd, 8, SEEK_SET), 8);
	CHECK_EQ(splice(fd, NULL, p1[1], NULL, 100, 0), 2); /* at the offset, which moves */
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
	CHECK_EQ(splice(fd, NULL, p1[1], NULL, 100, 0), 0); /* end of file */

	/* pipe -> file: takes what is there, does not wait for more */
	int g = CHECK_OK(open("g", O_RDWR | O_CREAT, 0600));
	off = 1;
	CHECK_EQ(splice(p1[0], NULL, g, &off, 100, 0), 2);
	CHECK_EQ(off, 3);
	CHECK_EQ(pread(g, buf, sizeof(buf), 0), 3);
	CHECK_MEM(buf, "\0" "89", 3);

	/* pipe -> pipe, and tee */
	CHECK_EQ(write(p1[1], "hello", 5), 5);
	CHECK_EQ(tee(p1[0], p2[1], 100, 0), 5);
	CHECK_EQ(read(p2[0], buf, sizeof(buf)), 5);
	CHECK_MEM(buf, "hello", 5);
	CHECK_EQ(splice(p1[0], NULL, p2[1], NULL, 3, 0), 3);
	CHECK_EQ(read(p2[0], buf, sizeof(buf)), 3);
	CHECK_MEM(buf, "hel", 3);
	CHECK_EQ(read(p1[0], buf, sizeof(buf)), 2); /* splice took them, tee did not */
	CHECK_MEM(buf, "lo", 2);

	/* empty pipes: SPLICE_F_NONBLOCK, then a waiting splice fed by the parent */
	CHECK_ERR(splice(p1[0], NULL, p2[1], NULL, 10, SPLICE_F_NONBLOCK), EAGAIN);
	CHECK_ERR(tee(p1[0], p2[1], 10, SPLICE_F_NONBLOCK), EAGAIN);
	pid_t pid = fork();
	if (pid == 0)
		_exit(splice_waiter(p1[0]));
	CHECK_EQ(write(p1[1], "w", 1), 1);
	CHECK_EQ(kt_wait(pid), 0);

	/* errors */
	CHECK_EQ(splice(-1, NULL, -1, NULL, 0, 0), 0); /* len 0 first */
	CHECK_ERR(splice(fd, NULL, g, NULL, 10, 0), EINVAL); /* no pipe */
	CHECK_ERR(splice(p1[0], NULL, p1[1], NULL, 10, 0), EINVAL); /* the same pipe */
	off = 0;
	CHECK_ERR(splice(p1[0], &off, g, NULL, 10, 0), ESPIPE);
	CHECK_ERR(splice(fd, NULL, p1[1], &off, 10, 0), ESPIPE);
	CHECK_ERR(splice(p1[0], NULL, g, NULL, 10, 0x100), EINVAL);
	CHECK_ERR(splice(p1[1], NULL, g, NULL, 10, 0), EBADF); /* the write end */
	CHECK_ERR(splice(99, NULL, p1[1], NULL, 10, 0), EBADF);
	int ap = CHECK_OK(open("g", O_WRONLY | O_APPEND));
	CHECK_EQ(write(p1[1], "a", 1), 1);
	CHECK_ERR(splice(p1[0], NULL, ap, NULL, 10, 0), EINVAL);
	CHECK_ERR(tee(fd, p2[1], 10, 0), EINVAL);
	CHECK_ERR(tee(p1[0], p1[1], 10, 0), EINVAL);
	CHECK_ERR(tee(p1[0], p2[1], 10, 0x100), EINVAL);
	close(p1[1]);
	CHECK_EQ(read(p1[0], buf, 1), 1);
	CHECK_EQ(splice(p1[0], NULL, p2[1], NULL, 10, 0), 0); /* no writer left: end */
	CHECK_EQ(tee(p1[0], p2[1], 10, 0), 0);
	close(ap);
	close(g);
	close(fd);
	close(p1[0]);
	close(p2[0]);
	close(p2[1]);
}

/* An O_TMPFILE file gets a name with linkat: through /proc/self/fd/N (AT_SYMLINK_FOLLOW) or
 * by its descriptor (AT_EMPTY_PATH, root only); not when opened with O_EXCL; an unlinked
 * ordinary file never. Its /proc link names "#ino (deleted)" in its directory. */
static void o_tmpfile_linkat_gives_a_name(void)
{
	struct stat st, st2;
	char proc[64], buf[256];
	kt_tmpdir();
	int fd = CHECK_OK(open(".", O_TMPFILE | O_RDWR, 0600));
	CHECK_EQ(write(fd, "data", 4), 4);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, buf, sizeof(buf) - 1);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = 0;
	CHECK(strstr(buf, "/#") != NULL);
	CHECK(n > 10 && strcmp(buf + n - 10, " (deleted)") == 0);
	CHECK_OK(linkat(AT_FDCWD, proc, AT_FDCWD, "named", AT_SYMLINK_FOLLOW));
	CHECK_OK(stat("named", &st));
	CHECK_OK(fstat(fd, &st2));
	CHECK_EQ(st.st_ino, st2.st_ino);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_size, 4);
	CHECK_ERR(linkat(AT_FDCWD, proc, AT_FDCWD, "named", AT_SYMLINK_FOLLOW), EEXIST);
	CHECK_OK(linkat(fd, "", AT_FDCWD, "second", AT_EMPTY_PATH));
	CHECK_OK(stat("second", &st));
	CHECK_EQ(st.st_nlink, 2);
	int rd = CHECK_OK(open("second", O_RDONLY));
	CHECK_EQ(read(rd, buf, sizeof(buf)), 4);
	CHECK_MEM(buf, "data", 4);
	close(rd);
	close(fd);

	fd = CHECK_OK(open(".", O_TMPFILE | O_RDWR | O_EXCL, 0600));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	CHECK_ERR(linkat(AT_FDCWD, proc, AT_FDCWD, "excl", AT_SYMLINK_FOLLOW), ENOENT);
	CHECK_ERR(linkat(fd, "", AT_FDCWD, "excl", AT_EMPTY_PATH), ENOENT);
	close(fd);
	fd = make_file("gone", "x");
	CHECK_OK(unlink("gone"));
	CHECK_ERR(linkat(fd, "", AT_FDCWD, "back", AT_EMPTY_PATH), ENOENT);
	close(fd);
	CHECK_ERR(linkat(AT_FDCWD, "", AT_FDCWD, "cwd", AT_EMPTY_PATH), EPERM);
	CHECK_ERR(linkat(99, "", AT_FDCWD, "bad", AT_EMPTY_PATH), EBADF);
	CHECK_ERR(access("excl", F_OK), ENOENT);
}

struct kt_open_how {
	unsigned long long flags, mode, resolve;
	unsigned long long extra; /* for the larger-struct cases */
};
#define KT_SYS_openat2 437
#define KT_RESOLVE_NO_XDEV 0x01
#define KT_RESOLVE_NO_MAGICLINKS 0x02
#define KT_RESOLVE_NO_SYMLINKS 0x04
#define KT_RESOLVE_BENEATH 0x08
#define KT_RESOLVE_IN_ROOT 0x10
#define KT_RESOLVE_CACHED 0x20

static long openat2_r(int dfd, const char *path, unsigned long long flags, unsigned long long resolve)
{
	struct kt_open_how how = { .flags = flags, .resolve = resolve };
	return syscall(KT_SYS_openat2, dfd, path, &how, 24);
}

/* Returns the inode number of what fd names (or -1), closing fd. */
static long ino_of(long fd)
{
	struct stat st;
	if (fd < 0)
		return -1;
	long r = fstat((int)fd, &st) ? -1 : (long)st.st_ino;
	close((int)fd);
	return r;
}

/* openat2: the resolve flags (BENEATH, IN_ROOT, NO_SYMLINKS, NO_MAGICLINKS, NO_XDEV) and its
 * strict argument checks. */
static void openat2_resolve_flags(void)
{
	struct stat st;
	char proc[64];
	kt_tmpdir();
	CHECK_OK(mkdir("d", 0755));
	close(make_file("d/f", "f"));
	close(make_file("x", "x"));
	CHECK_OK(symlink("/etc", "d/abs"));
	CHECK_OK(symlink("f", "d/rel"));
	CHECK_OK(symlink("../x", "d/up"));
	CHECK_OK(mkdir("d/sub", 0755));
	int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	CHECK_OK(stat("d/f", &st));
	long f_ino = (long)st.st_ino;

	CHECK_EQ(ino_of(openat2_r(dfd, "f", O_RDONLY, 0)), f_ino);
	CHECK_EQ(ino_of(openat2_r(dfd, "up", O_RDONLY, 0)), ino_of(open("x", O_RDONLY)));
	/* BENEATH: nothing may leave d */
	CHECK_EQ(ino_of(openat2_r(dfd, "rel", O_RDONLY, KT_RESOLVE_BENEATH)), f_ino);
	CHECK_EQ(ino_of(openat2_r(dfd, "sub/../f", O_RDONLY, KT_RESOLVE_BENEATH)), f_ino);
	CHECK_ERR(openat2_r(dfd, "../x", O_RDONLY, KT_RESOLVE_BENEATH), EXDEV);
	CHECK_ERR(openat2_r(dfd, "up", O_RDONLY, KT_RESOLVE_BENEATH), EXDEV);
	CHECK_ERR(openat2_r(dfd, "abs", O_RDONLY, KT_RESOLVE_BENEATH), EXDEV);
	CHECK_ERR(openat2_r(dfd, "/etc", O_RDONLY, KT_RESOLVE_BENEATH), EXDEV);
	/* IN_ROOT: d is "/" */
	CHECK_EQ(ino_of(openat2_r(dfd, "/f", O_RDONLY, KT_RESOLVE_IN_ROOT)), f_ino);
	CHECK_EQ(ino_of(openat2_r(dfd, "../../f", O_RDONLY, KT_RESOLVE_IN_ROOT)), f_ino);
	CHECK_ERR(openat2_r(dfd, "up", O_RDONLY, KT_RESOLVE_IN_ROOT), ENOENT); /* d/x */
	CHECK_ERR(openat2_r(dfd, "abs", O_RDONLY, KT_RESOLVE_IN_ROOT), ENOENT); /* d/etc */
	/* symlinks and magic links */
	CHECK_ERR(openat2_r(dfd, "rel", O_RDONLY, KT_RESOLVE_NO_SYMLINKS), ELOOP);
	CHECK_EQ(ino_of(openat2_r(dfd, "f", O_RDONLY, KT_RESOLVE_NO_SYMLINKS)), f_ino);
	int fd = CHECK_OK(open("d/f", O_RDONLY));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	CHECK_EQ(ino_of(openat2_r(AT_FDCWD, proc, O_RDONLY, 0)), f_ino);
	CHECK_ERR(openat2_r(AT_FDCWD, proc, O_RDONLY, KT_RESOLVE_NO_MAGICLINKS), ELOOP);
	CHECK_ERR(openat2_r(AT_FDCWD, proc, O_RDONLY, KT_RESOLVE_NO_SYMLINKS), ELOOP);
	CHECK_EQ(ino_of(openat2_r(dfd, "rel", O_RDONLY, KT_RESOLVE_NO_MAGICLINKS)), f_ino);
	close(fd);
	/* NO_XDEV: into a mount, and out of it */
	CHECK_OK(mount("none", "d/sub", "tmpfs", 0, NULL));
	close(make_file("d/sub/g", "g"));
	CHECK(ino_of(openat2_r(dfd, "sub/g", O_RDONLY, 0)) > 0);
	CHECK_ERR(openat2_r(dfd, "sub/g", O_RDONLY, KT_RESOLVE_NO_XDEV), EXDEV);
	CHECK_ERR(openat2_r(dfd, "sub", O_RDONLY, KT_RESOLVE_NO_XDEV), EXDEV);
	int sfd = CHECK_OK(open("d/sub", O_RDONLY | O_DIRECTORY));
	CHECK_EQ(ino_of(openat2_r(sfd, "g", O_RDONLY, KT_RESOLVE_NO_XDEV)), ino_of(open("d/sub/g", O_RDONLY)));
	CHECK_ERR(openat2_r(sfd, "../f", O_RDONLY, KT_RESOLVE_NO_XDEV), EXDEV);
	close(sfd);
	CHECK_OK(umount("d/sub"));
	/* O_CREAT under BENEATH */
	struct kt_open_how how = { .flags = O_CREAT | O_WRONLY, .mode = 0600, .resolve = KT_RESOLVE_BENEATH };
	CHECK_EQ(ino_of(syscall(KT_SYS_openat2, dfd, "new", &how, 24)) > 0, 1);
	CHECK_OK(access("d/new", F_OK));
	CHECK_ERR(syscall(KT_SYS_openat2, dfd, "../new", &how, 24), EXDEV);
	/* argument checks */
	how = (struct kt_open_how){ .flags = O_RDONLY };
	CHECK_ERR(syscall(KT_SYS_openat2, dfd, "f", &how, 16), EINVAL);
	CHECK_EQ(ino_of(syscall(KT_SYS_openat2, dfd, "f", &how, 32)), f_ino);
	how.extra = 1;
	CHECK_ERR(syscall(KT_SYS_openat2, dfd, "f", &how, 32), E2BIG);
	how = (struct kt_open_how){ .flags = O_RDONLY, .mode = 0644 };
	CHECK_ERR(syscall(KT_SYS_openat2, dfd, "f", &how, 24), EINVAL);
	how = (struct kt_open_how){ .flags = O_RDONLY, .resolve = 0x40 };
	CHECK_ERR(syscall(KT_SYS_openat2, dfd, "f", &how, 24), EINVAL);
	CHECK_ERR(openat2_r(dfd, "f", O_RDONLY, KT_RESOLVE_BENEATH | KT_RESOLVE_IN_ROOT), EINVAL);
	CHECK_ERR(openat2_r(dfd, "f", O_RDONLY | (1ull << 40), 0), EINVAL);
	CHECK_ERR(openat2_r(dfd, "f", O_PATH | O_RDWR, 0), EINVAL);
	how = (struct kt_open_how){ .flags = O_CREAT | O_WRONLY, .mode = 0600, .resolve = KT_RESOLVE_CACHED };
	CHECK_ERR(syscall(KT_SYS_openat2, dfd, "c", &how, 24), EAGAIN);
	CHECK_ERR(syscall(KT_SYS_openat2, dfd, "f", (void *)16, 24), EFAULT);
	close(dfd);
}

/* fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE): the range reads as zeros, the size
 * stays; the mode rules (PUNCH_HOLE needs KEEP_SIZE, COLLAPSE/INSERT alone, tmpfs has no
 * ZERO_RANGE). */
static void fallocate_punch_hole_zeroes(void)
{
	static char big[10000], back[10000];
	struct stat st;
	kt_tmpdir();
	memset(big, 'a', sizeof(big));
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0600));
	CHECK_EQ(write(fd, big, sizeof(big)), sizeof(big));
	CHECK_OK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 5000));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 10000);
	CHECK_EQ(pread(fd, back, sizeof(back), 0), 10000);
	CHECK_EQ(back[99], 'a');
	int zeros = 1;
	for (int i = 100; i < 5100; i++)
		zeros &= back[i] == 0;
	CHECK(zeros);
	CHECK_EQ(back[5100], 'a');
	CHECK_EQ(back[9999], 'a');
	/* past the end: nothing changes */
	CHECK_OK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 9990, 100000));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 10000);
	CHECK_EQ(pread(fd, back, 20, 9980), 20);
	CHECK_EQ(back[9], 'a');
	CHECK_EQ(back[10], 0);
	CHECK_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10), EOPNOTSUPP);
	CHECK_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE | 0x10 | FALLOC_FL_KEEP_SIZE, 0, 10),
		  EOPNOTSUPP);
	CHECK_ERR(fallocate(fd, 0x08 | FALLOC_FL_KEEP_SIZE, 0, 4096), EINVAL);
	CHECK_ERR(fallocate(fd, 0x20 | FALLOC_FL_KEEP_SIZE, 0, 4096), EINVAL);
	CHECK_ERR(fallocate(fd, 0x10, 0, 10), EOPNOTSUPP); /* tmpfs */
	CHECK_ERR(fallocate(fd, 0x1000, 0, 10), EOPNOTSUPP);
	close(fd);
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 10), EBADF);
	close(fd);
}

static int pivot_child(int unused)
{
	(void)unused;
	char cwd[64];
	if (mkdir("a", 0755) || mount("none", "a", "tmpfs", 0, NULL))
		return 90;
	if (mkdir("a/new", 0755) || mount("none", "a/new", "tmpfs", 0, NULL) || mkdir("a/new/old", 0755))
		return 91;
	close(open("a/new/marker", O_CREAT | O_WRONLY, 0600));
	close(open("a/amark", O_CREAT | O_WRONLY, 0600));
	if (chroot("a") || chdir("/"))
		return 92;
	if (syscall(SYS_pivot_root, "/new", "/nope") != -1 || errno != ENOENT)
		return 93;
	if (syscall(SYS_pivot_root, "/new/old", "/new/old") != -1 || errno != EINVAL)
		return 94; /* new_root is not a mount's root */
	if (syscall(SYS_pivot_root, "/new", "/") != -1 || errno != EBUSY)
		return 95; /* put_old on the root's mount */
	if (syscall(SYS_pivot_root, "/new/marker", "/new/old") != -1 || errno != ENOTDIR)
		return 96;
	if (syscall(SYS_pivot_root, "/new", "/new/old"))
		return 97;
	if (access("/marker", F_OK) || access("/old/amark", F_OK))
		return 98; /* the new root at /, the old one at /old */
	if (access("/old/new/marker", F_OK) == 0)
		return 99; /* the new root is no longer mounted in the old */
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/") != 0)
		return 100;
	if (access("marker", F_OK))
		return 101; /* the working directory moved along */
	if (umount2("/old", MNT_DETACH) || access("/old/amark", F_OK) == 0)
		return 102;
	return 0;
}

/* pivot_root: inside a chroot onto a tmpfs, another tmpfs becomes the root and the old one
 * moves to put_old (then is detached); Linux's errors. (In a child: it changes the root.) */
static void pivot_root_swaps_the_root(void)
{
	kt_tmpdir();
	CHECK_EQ(in_child(pivot_child, 0), 0);
	/* the old root mount went with the child's lazy umount; the new one sits at a */
	CHECK_OK(access("a/marker", F_OK));
	CHECK_OK(umount2("a", MNT_DETACH));
	CHECK_ERR(access("a/marker", F_OK), ENOENT);
	CHECK_ERR(syscall(SYS_pivot_root, "/", "/"), EINVAL); /* the initramfs root: no parent */
}

static int pivot_sync[2];

static void *pivot_thread(void *arg)
{
	(void)arg;
	char c;
	if (read(pivot_sync[0], &c, 1) != 1)
		return (void *)1;
	/* it shares the fs context (CLONE_FS): the new root is its root too */
	return (void *)(intptr_t)(access("/marker", F_OK) == 0 && access("/amark", F_OK) != 0 ? 0 : 2);
}

static int pivot_threads_child(int unused)
{
	(void)unused;
	pthread_t t;
	void *rv = NULL;
	if (mkdir("a", 0755) || mount("none", "a", "tmpfs", 0, NULL))
		return 90;
	if (mkdir("a/new", 0755) || mount("none", "a/new", "tmpfs", 0, NULL) || mkdir("a/new/old", 0755))
		return 91;
	close(open("a/new/marker", O_CREAT | O_WRONLY, 0600));
	close(open("a/amark", O_CREAT | O_WRONLY, 0600));
	if (chroot("a") || chdir("/") || pipe(pivot_sync) || pthread_create(&t, NULL, pivot_thread, NULL))
		return 92;
	if (syscall(SYS_pivot_root, "/new", "/new/old"))
		return 97;
	if (chdir("/"))
		return 98; /* a change of the shared context: the root stays the new one */
	if (access("/marker", F_OK) || access("/amark", F_OK) == 0)
		return 99;
	if (write(pivot_sync[1], "x", 1) != 1 || pthread_join(t, &rv))
		return 100;
	if (rv)
		return 100 + (int)(intptr_t)rv;
	if (umount2("/old", MNT_DETACH))
		return 103;
	return 0;
}

/* pivot_root in a process with threads: the root and working directory they share (CLONE_FS)
 * move for all of them, and stay moved. The caller's root went back to the old one at its
 * next chdir (only its own copy had moved, not the shared context). */
static void pivot_root_moves_threads_sharing_the_root(void)
{
	kt_tmpdir();
	CHECK_EQ(in_child(pivot_threads_child, 0), 0);
	CHECK_OK(access("a/marker", F_OK));
	CHECK_OK(umount2("a", MNT_DETACH));
}

static int pivot_procs_child(int unused)
{
	(void)unused;
	int sync[2];
	char cwd[64];
	if (mkdir("a", 0755) || mount("none", "a", "tmpfs", 0, NULL))
		return 90;
	if (mkdir("a/new", 0755) || mount("none", "a/new", "tmpfs", 0, NULL) || mkdir("a/new/old", 0755))
		return 91;
	close(open("a/new/marker", O_CREAT | O_WRONLY, 0600));
	close(open("a/amark", O_CREAT | O_WRONLY, 0600));
	if (mkdir("a/d", 0755) || chroot("a") || chdir("/") || pipe(sync))
		return 92;
	pid_t on_root = fork();
	if (on_root == 0) { /* root and cwd on the old root: both move */
		char c;
		_exit(read(sync[0], &c, 1) != 1 ? 1 : access("/marker", F_OK) ? 2
			: !getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/") ? 3
			: access("marker", F_OK) ? 4 : 0);
	}
	if (chdir("/d"))
		return 93;
	pid_t in_dir = fork();
	if (in_dir == 0) { /* cwd below the old root: only the root moves */
		char c;
		_exit(read(sync[0], &c, 1) != 1 ? 1 : access("/marker", F_OK) ? 2
			: !getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/old/d") ? 6 : 0);
	}
	if (on_root < 0 || in_dir < 0 || chdir("/") || syscall(SYS_pivot_root, "/new", "/new/old"))
		return 97;
	if (write(sync[1], "xx", 2) != 2)
		return 98;
	int st1 = -1, st2 = -1;
	waitpid(on_root, &st1, 0);
	waitpid(in_dir, &st2, 0);
	if (!WIFEXITED(st1) || WEXITSTATUS(st1))
		return 100 + (WIFEXITED(st1) ? WEXITSTATUS(st1) : 50);
	if (!WIFEXITED(st2) || WEXITSTATUS(st2))
		return 110 + (WIFEXITED(st2) ? WEXITSTATUS(st2) : 50);
	if (umount2("/old", MNT_DETACH))
		return 103;
	return 0;
}

/* pivot_root moves every process whose root or working directory was the old root, as Linux
 * (chroot_fs_refs): another process on the old root sees the new one as / and as its cwd;
 * one whose cwd is below the old root keeps that directory (now under put_old). Only the
 * caller's moved: the others stayed on the old root. */
static void pivot_root_moves_other_processes_on_the_old_root(void)
{
	kt_tmpdir();
	CHECK_EQ(in_child(pivot_procs_child, 0), 0);
	CHECK_OK(access("a/marker", F_OK));
	CHECK_OK(umount2("a", MNT_DETACH));
}

/* O_PATH: a descriptor naming a node without opening it: no permission on the node is needed,
 * a symlink (O_NOFOLLOW) or FIFO is not followed or opened, other flags are ignored; fstat,
 * fchdir, *at calls and /proc work on it, reading, writing and the calls on open files say
 * EBADF. */
static void o_path_names_without_opening(void)
{
	struct stat st, st2;
	char buf[8];
	kt_tmpdir();
	close(make_file("f", "data"));
	CHECK_OK(chmod("f", 0));
	CHECK_OK(symlink("f", "l"));
	CHECK_OK(mkdir("d", 0755));
	close(make_file("d/g", "g"));
	CHECK_OK(mkfifo("fifo", 0600));
	kt_drop_privileges(); /* "f" has no permission bits at all now */
	int fd = CHECK_OK(open("f", O_PATH));
	CHECK_ERR(open("f", O_RDONLY), EACCES);
	CHECK_OK(fstat(fd, &st));
	CHECK_OK(stat("f", &st2));
	CHECK_EQ(st.st_ino, st2.st_ino);
	CHECK_ERR(read(fd, buf, 1), EBADF);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	CHECK_ERR(pread(fd, buf, 1, 0), EBADF);
	CHECK_ERR(lseek(fd, 0, SEEK_SET), EBADF);
	CHECK_ERR(syscall(SYS_fchmod, fd, 0600), EBADF); /* musl retries through /proc */
	CHECK_ERR(ftruncate(fd, 0), EBADF);
	CHECK_ERR(flock(fd, LOCK_SH), EBADF);
	CHECK_ERR(fsync(fd), EBADF);
	CHECK_EQ(fcntl(fd, F_GETFL) & O_PATH, O_PATH);
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
	CHECK_ERR(fcntl(fd, F_SETLK, &fl), EBADF);
	CHECK_ERR(fcntl(fd, F_SETFL, O_NONBLOCK), EBADF);
	CHECK_ERR(fgetxattr(fd, "user.kt", buf, sizeof(buf)), EBADF);
	close(fd);
	/* other flags are ignored: no file made, nothing truncated */
	CHECK_ERR(open("new", O_PATH | O_CREAT, 0600), ENOENT);
	fd = CHECK_OK(open("l", O_PATH | O_NOFOLLOW)); /* the symlink itself */
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISLNK(st.st_mode));
	close(fd);
	fd = CHECK_OK(open("fifo", O_PATH)); /* no reader or writer waited for */
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISFIFO(st.st_mode));
	close(fd);
	int dfd = CHECK_OK(open("d", O_PATH | O_DIRECTORY));
	CHECK_OK(fstatat(dfd, "g", &st, 0));
	CHECK_EQ(st.st_size, 1);
	int g = CHECK_OK(openat(dfd, "g", O_RDONLY));
	CHECK_EQ(read(g, buf, sizeof(buf)), 1);
	close(g);
	char dents[256];
	CHECK_ERR(syscall(SYS_getdents64, dfd, dents, sizeof(dents)), EBADF);
	CHECK_OK(fchdir(dfd));
	CHECK_OK(access("g", F_OK));
	close(dfd);
}

/* MS_BIND | MS_REC copies the mounts below the source (at any depth) into the new place; a
 * plain bind does not; a lazy umount of the copy takes its submounts along. */
static void rbind_copies_submounts(void)
{
	kt_tmpdir();
	CHECK_OK(mkdir("a", 0755));
	CHECK_OK(mkdir("a/sub", 0755));
	CHECK_OK(mount("none", "a/sub", "tmpfs", 0, NULL));
	CHECK_OK(mkdir("a/sub/deep", 0755));
	CHECK_OK(mount("none", "a/sub/deep", "tmpfs", 0, NULL));
	close(make_file("a/sub/x", "x"));
	close(make_file("a/sub/deep/y", "y"));
	CHECK_OK(mkdir("plain", 0755));
	CHECK_OK(mkdir("rec", 0755));
	CHECK_OK(mount("a", "plain", NULL, MS_BIND, NULL));
	CHECK_OK(mount("a", "rec", NULL, MS_BIND | MS_REC, NULL));
	CHECK_ERR(access("plain/sub/x", F_OK), ENOENT); /* a's own directory, empty */
	CHECK_OK(access("rec/sub/x", F_OK));
	CHECK_OK(access("rec/sub/deep/y", F_OK));
	close(make_file("rec/sub/z", "z")); /* the same file system as a/sub */
	CHECK_OK(access("a/sub/z", F_OK));
	CHECK_OK(umount2("rec", MNT_DETACH));
	CHECK_ERR(access("rec/sub", F_OK), ENOENT);
	CHECK_OK(access("a/sub/deep/y", F_OK)); /* the originals stay */
	CHECK_OK(umount("plain"));
	CHECK_OK(umount("a/sub/deep"));
	CHECK_OK(umount("a/sub"));
}

/* mount(2)'s MS_NOEXEC, MS_NODEV and MS_NOSUID on a tmpfs: statfs reports them; a program
 * there is not executable (execve and access(X_OK): EACCES) nor mappable with PROT_EXEC
 * (mmap: EPERM; mprotect: EACCES), a device node there does not open (EACCES); after a
 * remount without the flags the same program runs and the node opens. */
static void mount_noexec_nodev_nosuid(void)
{
	kt_tmpdir();
	CHECK_OK(mkdir("m", 0755));
	CHECK_OK(mount("none", "m", "tmpfs", MS_NOEXEC | MS_NODEV | MS_NOSUID, NULL));
	struct statfs sf;
	CHECK_OK(statfs("m", &sf));
	CHECK_EQ(sf.f_flags & (8 | 4 | 2), 8 | 4 | 2); /* ST_NOEXEC, ST_NODEV, ST_NOSUID */
	int fd = CHECK_OK(open("m/prog", O_CREAT | O_WRONLY, 0755));
	const char *script = "#!/bin/sh\nexit 7\n";
	CHECK_EQ(write(fd, script, strlen(script)), (ssize_t)strlen(script));
	close(fd);
	CHECK_OK(mknod("m/null", S_IFCHR | 0666, makedev(1, 3)));
	CHECK_ERR(access("m/prog", X_OK), EACCES);
	CHECK_OK(access("m/prog", R_OK | W_OK));
	char *argv[] = { "prog", NULL };
	pid_t pid = CHECK_OK(fork());
	if (pid == 0) {
		execve("m/prog", argv, NULL);
		_exit(errno == EACCES ? 0 : 1);
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	fd = CHECK_OK(open("m/prog", O_RDONLY));
	errno = 0;
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0) == MAP_FAILED);
	CHECK_EQ(errno, EPERM);
	void *map = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(map != MAP_FAILED);
	CHECK_MEM(map, "#!/bin/sh", 9);
	CHECK_ERR(mprotect(map, 4096, PROT_READ | PROT_EXEC), EACCES); /* nor made executable */
	CHECK_OK(munmap(map, 4096));
	close(fd);
	CHECK_ERR(open("m/null", O_WRONLY), EACCES);
	/* without the flags: the same files work */
	CHECK_OK(mount(NULL, "m", NULL, MS_REMOUNT | MS_BIND, NULL));
	CHECK_OK(statfs("m", &sf));
	CHECK_EQ(sf.f_flags & (8 | 4 | 2), 0);
	CHECK_OK(access("m/prog", X_OK));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		execve("m/prog", argv, NULL);
		_exit(100);
	}
	st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	fd = CHECK_OK(open("m/null", O_WRONLY));
	CHECK_EQ(write(fd, "x", 1), 1);
	close(fd);
	CHECK_OK(umount("m"));
}

/* faccessat2(fd, "", mode, AT_EMPTY_PATH) checks with the real ids unless AT_EACCESS, as with a
 * path (Trellis used to swap in the real ids where the check does not look: the effective ones
 * decided). */
static void faccessat2_empty_path_uses_real_ids(void)
{
	kt_tmpdir();
	int fd = make_file("secret", "s");
	CHECK_OK(fchmod(fd, 0600));
	pid_t pid = CHECK_OK(fork());
	if (pid == 0) {
		if (setresuid(KT_NOBODY, 0, 0))
			_exit(2);
		/* effective root: the file opens; the real id (nobody) may not read it */
		if (syscall(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH) != -1 || errno != EACCES)
			_exit(3);
		if (access("secret", R_OK) != -1 || errno != EACCES)
			_exit(4);
		if (syscall(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH | AT_EACCESS))
			_exit(5);
		_exit(0);
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
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
	{ "mount_tmpfs_size_mode_umount", mount_tmpfs_size_mode_umount },
	{ "mount_bind_remount_ro_detach", mount_bind_remount_ro_detach },
	{ "chroot_confines_lookups", chroot_confines_lookups },
	{ "stress_create_rename_list_delete", stress_create_rename_list_delete },
	{ "rmdir_races_creates_inside", rmdir_races_creates_inside },
	{ "dev_full_and_urandom", dev_full_and_urandom },
	{ "flock_conflicts_between_processes", flock_conflicts_between_processes },
	{ "posix_locks_getlk_and_close", posix_locks_getlk_and_close },
	{ "setlkw_waits_and_detects_deadlock", setlkw_waits_and_detects_deadlock },
	{ "ofd_locks_per_open_file", ofd_locks_per_open_file },
	{ "close_range_closes_and_cloexec", close_range_closes_and_cloexec },
	{ "copy_file_range_copies", copy_file_range_copies },
	{ "memfd_create_is_a_file", memfd_create_is_a_file },
	{ "memfd_mapped_reopened_and_executed", memfd_mapped_reopened_and_executed },
	{ "memfd_seals_added_and_sealed", memfd_seals_added_and_sealed },
	{ "memfd_seal_shrink_refuses_smaller", memfd_seal_shrink_refuses_smaller },
	{ "memfd_seal_grow_refuses_larger", memfd_seal_grow_refuses_larger },
	{ "memfd_seal_write_refuses_writes_and_shared_maps",
	  memfd_seal_write_refuses_writes_and_shared_maps },
	{ "memfd_seal_future_write_keeps_old_mappings", memfd_seal_future_write_keeps_old_mappings },
	{ "memfd_seal_write_ebusy_while_shared_writable_mapping",
	  memfd_seal_write_ebusy_while_shared_writable_mapping },
	{ "memfd_seal_write_ebusy_after_mprotect_read_only",
	  memfd_seal_write_ebusy_after_mprotect_read_only },
	{ "memfd_seal_write_ebusy_after_mremap", memfd_seal_write_ebusy_after_mremap },
	{ "memfd_seal_write_ebusy_while_forked_child_maps",
	  memfd_seal_write_ebusy_while_forked_child_maps },
	{ "tmpfs_file_seals_start_sealed", tmpfs_file_seals_start_sealed },
	{ "fsync_einval_on_devices_procfs_and_anon_files",
	  fsync_einval_on_devices_procfs_and_anon_files },
	{ "ioctl_fioclex_fionbio_fionread_on_any_file", ioctl_fioclex_fionbio_fionread_on_any_file },
	{ "lseek_answers_per_kind_of_file", lseek_answers_per_kind_of_file },
	{ "lseek_seek_data_and_hole_on_tmpfs", lseek_seek_data_and_hole_on_tmpfs },
	{ "xattrs_not_kept", xattrs_not_kept },
	{ "fallocate_sync_and_at_variants", fallocate_sync_and_at_variants },
	{ "o_tmpfile_is_nameless", o_tmpfile_is_nameless },
	{ "creat_makes_and_truncates", creat_makes_and_truncates },
	{ "fifo_open_read_write", fifo_open_read_write },
	{ "splice_and_tee_on_pipes", splice_and_tee_on_pipes },
	{ "o_tmpfile_linkat_gives_a_name", o_tmpfile_linkat_gives_a_name },
	{ "openat2_resolve_flags", openat2_resolve_flags },
	{ "fallocate_punch_hole_zeroes", fallocate_punch_hole_zeroes },
	{ "pivot_root_swaps_the_root", pivot_root_swaps_the_root },
	{ "pivot_root_moves_threads_sharing_the_root", pivot_root_moves_threads_sharing_the_root },
	{ "pivot_root_moves_other_processes_on_the_old_root",
	  pivot_root_moves_other_processes_on_the_old_root },
	{ "o_path_names_without_opening", o_path_names_without_opening },
	{ "rbind_copies_submounts", rbind_copies_submounts },
	{ "mount_noexec_nodev_nosuid", mount_noexec_nodev_nosuid },
	{ "faccessat2_empty_path_uses_real_ids", faccessat2_empty_path_uses_real_ids },
	KT_CASES_END
};

int main(void)
{
	return kt_main("files", cases);
}
