/*
 * creds.c — group `creds`: user and group ids (setuid/seteuid/setresuid, setgid, setgroups),
 * file permissions as an unprivileged user (EACCES on read, search, write, exec; EPERM on
 * chmod/chown/kill of others and the sticky bit), root's overrides, umask, access() with the
 * real uid, new-file ownership, setgid directories and setuid-bit clearing; uid 1000 refused
 * what it may not do; setfsuid/setfsgid (file checks follow the fs ids); capget/capset.
 * The init runs as root; every unprivileged check runs in a forked child that drops to nobody.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

/* Runs fn in a child that dropped to nobody:nogroup; fails the case if fn failed. */
static void as_nobody(void (*fn)(void))
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		kt_drop_privileges();
		fn();
		_exit(0);
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

static void make_file(const char *path, int mode)
{
	int fd = CHECK_OK(open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600));
	CHECK_EQ(write(fd, "data", 4), 4);
	close(fd);
	CHECK_OK(chmod(path, mode));
}

static void starts_as_root(void)
{
	uid_t r, e, s;
	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == 0 && e == 0 && s == 0);
	CHECK_EQ(getgid(), 0);
}

static void nobody_setuid_root_eperm(void)
{
	uid_t r, e, s;
	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == KT_NOBODY && e == KT_NOBODY && s == KT_NOBODY);
	CHECK_ERR(setuid(0), EPERM);
	CHECK_ERR(setresuid(0, 0, 0), EPERM);
	CHECK_ERR(setgid(0), EPERM);
	gid_t g = 0;
	CHECK_ERR(setgroups(1, &g), EPERM);
	CHECK_OK(setuid(KT_NOBODY)); /* to its own id is fine */
}

static void setuid_as_root_drops_all_ids(void)
{
	as_nobody(nobody_setuid_root_eperm);
}

static void seteuid_is_reversible(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		CHECK_OK(seteuid(KT_NOBODY));
		CHECK_EQ(geteuid(), KT_NOBODY);
		CHECK_EQ(getuid(), 0);
		CHECK_OK(seteuid(0)); /* the saved uid is still root */
		CHECK_EQ(geteuid(), 0);
		CHECK_OK(setresuid(-1, KT_NOBODY, -1));
		uid_t r, e, s;
		CHECK_OK(getresuid(&r, &e, &s));
		CHECK(r == 0 && e == KT_NOBODY && s == 0);
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
}

static void groups_set_and_get(void)
{
	gid_t set[3] = { 10, 20, 30 }, got[8];
	CHECK_OK(setgroups(3, set));
	CHECK_EQ(getgroups(0, NULL), 3);
	CHECK_EQ(getgroups(8, got), 3);
	CHECK(got[0] == 10 && got[1] == 20 && got[2] == 30);
	CHECK_ERR(getgroups(1, got), EINVAL);
}

static void nobody_file_access(void)
{
	CHECK_ERR(open("secret", O_RDONLY), EACCES);
	CHECK_ERR(open("readonly", O_WRONLY), EACCES);
	int fd = CHECK_OK(open("readonly", O_RDONLY));
	close(fd);
	CHECK_ERR(open("closed/f", O_RDONLY), EACCES);   /* no search permission */
	CHECK_ERR(mkdir("rootdir/new", 0755), EACCES);   /* no write permission */
	CHECK_ERR(unlink("rootdir/f"), EACCES);
	char *argv[] = { "x", NULL };
	CHECK_ERR(execve("noexec", argv, NULL), EACCES);
}

static void unprivileged_eacces(void)
{
	kt_tmpdir();
	make_file("secret", 0600);
	make_file("readonly", 0644);
	make_file("noexec", 0644);
	CHECK_OK(mkdir("closed", 0700));
	make_file("closed/f", 0644);
	CHECK_OK(mkdir("rootdir", 0755));
	make_file("rootdir/f", 0644);
	as_nobody(nobody_file_access);
}

static void nobody_not_owner(void)
{
	CHECK_ERR(chmod("rootfile", 0777), EPERM);
	CHECK_ERR(chown("rootfile", KT_NOBODY, KT_NOBODY), EPERM);
	CHECK_ERR(unlink("rootfile"), EPERM); /* sticky directory, someone else's file */
	int fd = CHECK_OK(open("mine", O_CREAT | O_WRONLY, 0644));
	close(fd);
	CHECK_ERR(chown("mine", 0, 0), EPERM);
	CHECK_OK(chmod("mine", 0600));
	CHECK_ERR(kill(1, 0), EPERM);
	CHECK_ERR(kill(getppid(), 0), EPERM);
}

static void unprivileged_eperm(void)
{
	kt_tmpdir();
	CHECK_OK(chmod(".", 01777));
	make_file("rootfile", 0666);
	as_nobody(nobody_not_owner);
	CHECK_OK(unlink("rootfile"));
}

static void root_overrides_permissions(void)
{
	kt_tmpdir();
	make_file("f", 0000);
	int fd = CHECK_OK(open("f", O_RDWR));
	close(fd);
	CHECK_OK(access("f", R_OK | W_OK));
	CHECK_ERR(access("f", X_OK), EACCES); /* root needs one x bit to execute */
	CHECK_OK(chmod("f", 0100));
	CHECK_OK(access("f", X_OK));
}

static void umask_applies_to_new_files(void)
{
	struct stat st;
	kt_tmpdir();
	umask(027);
	CHECK_EQ(umask(077), 027);
	int fd = CHECK_OK(open("f", O_CREAT | O_WRONLY, 0666));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_OK(mkdir("d", 0777));
	CHECK_OK(stat("d", &st));
	CHECK_EQ(st.st_mode & 0777, 0700);
}

static void access_uses_real_ids(void)
{
	kt_tmpdir();
	make_file("f", 0600);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		CHECK_OK(seteuid(KT_NOBODY));
		CHECK_ERR(open("f", O_RDONLY), EACCES);       /* open uses the effective uid */
		CHECK_OK(access("f", R_OK));                  /* access the real one (root) */
		CHECK_ERR(faccessat(AT_FDCWD, "f", R_OK, AT_EACCESS), EACCES);
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
}

static void nobody_creates(void)
{
	struct stat st;
	int fd = CHECK_OK(open("new", O_CREAT | O_WRONLY, 0644));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_uid, KT_NOBODY);
	CHECK_EQ(st.st_gid, KT_NOBODY);
	close(fd);
	fd = CHECK_OK(open("sgid/new", O_CREAT | O_WRONLY, 0644));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_gid, 123); /* inherited from the setgid directory */
	close(fd);
}

static void new_file_owner_and_setgid_dir(void)
{
	kt_tmpdir();
	CHECK_OK(mkdir("sgid", 0777));
	CHECK_OK(chown("sgid", 0, 123));
	CHECK_OK(chmod("sgid", 02777));
	as_nobody(nobody_creates);
}

static void nobody_writes_setuid_file(void)
{
	int fd = CHECK_OK(open("suid", O_WRONLY));
	CHECK_EQ(write(fd, "x", 1), 1);
	close(fd);
}

static void write_and_chown_clear_setuid(void)
{
	struct stat st;
	kt_tmpdir();
	make_file("suid", 04777);
	CHECK_OK(stat("suid", &st));
	CHECK_EQ(st.st_mode & 07777, 04777);
	as_nobody(nobody_writes_setuid_file);
	CHECK_OK(stat("suid", &st));
	CHECK_EQ(st.st_mode & 07777, 0777);
	CHECK_OK(chmod("suid", 04755));
	CHECK_OK(chown("suid", KT_NOBODY, -1));
	CHECK_OK(stat("suid", &st));
	CHECK_EQ(st.st_mode & 07777, 0755);
	CHECK_EQ(st.st_uid, KT_NOBODY);
}

static void nobody_privileged_calls(void)
{
	CHECK_ERR(chroot("/tmp"), EPERM);
	CHECK_ERR(mount("none", "/tmp", "tmpfs", 0, NULL), EPERM);
	CHECK_ERR(sethostname("x", 1), EPERM);
	CHECK_ERR(setpriority(PRIO_PROCESS, 0, -5), EACCES);
	CHECK_OK(setpriority(PRIO_PROCESS, 0, 5)); /* being nicer is allowed */
	CHECK_ERR(mknod("/tmp/kt-node", S_IFCHR | 0600, makedev(1, 3)), EPERM);
	struct rlimit rl;
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_max += 1;
	CHECK_ERR(setrlimit(RLIMIT_NOFILE, &rl), EPERM);
}

static void privileged_calls_eperm_as_nobody(void)
{
	as_nobody(nobody_privileged_calls);
}

/* linux/capability.h (not in musl's headers) */
#define _LINUX_CAPABILITY_VERSION_3 0x20080522u
#define CAP_CHOWN 0
struct __user_cap_header_struct {
	unsigned version;
	int pid;
};
struct __user_cap_data_struct {
	unsigned effective, permitted, inheritable;
};

static int capget_(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
	return (int)syscall(SYS_capget, h, d);
}

static int capset_(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
	return (int)syscall(SYS_capset, h, d);
}

/* Issue #17: an ordinary user (uid 1000) is refused what it may not do. */
static void uid_1000_refused(void)
{
	kt_tmpdir();
	make_file("rootsecret", 0600);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		CHECK_OK(setgroups(0, NULL));
		CHECK_OK(setresgid(1000, 1000, 1000));
		CHECK_OK(setresuid(1000, 1000, 1000));
		CHECK_ERR(open("rootsecret", O_RDONLY), EACCES);
		CHECK_ERR(kill(1, SIGTERM), EPERM);
		CHECK_ERR(kill(1, 0), EPERM);
		CHECK_ERR(setuid(0), EPERM);
		CHECK_ERR(seteuid(0), EPERM);
		CHECK_ERR(chown("rootsecret", 1000, 1000), EPERM);
		CHECK_ERR(mknod("node", S_IFCHR | 0600, makedev(1, 3)), EPERM);
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		CHECK_OK(capget_(&h, d));
		CHECK(d[0].effective == 0 && d[0].permitted == 0 && d[1].effective == 0);
		d[0].permitted = d[0].effective = 1u << CAP_CHOWN;
		CHECK_ERR(capset_(&h, d), EPERM);
		_exit(0);
	}
	CHECK_EQ(kt_wait(pid), 0);
}

static void setfsuid_moves_file_checks(void)
{
	kt_tmpdir();
	make_file("secret", 0600);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		CHECK_EQ(setfsuid(1000), 0); /* returns the old fs uid */
		CHECK_ERR(open("secret", O_RDONLY), EACCES); /* root's file privileges went with it */
		CHECK_EQ(geteuid(), 0);
		CHECK_OK(kill(1, 0)); /* the effective uid still rules signals */
		int fd = CHECK_OK(open("made", O_CREAT | O_WRONLY, 0644));
		close(fd);
		struct stat st;
		CHECK_OK(stat("made", &st));
		CHECK_EQ(st.st_uid, 1000);
		CHECK_EQ(setfsuid(0), 1000);
		fd = CHECK_OK(open("secret", O_RDONLY));
		close(fd);
		CHECK_EQ(setfsgid(1000), 0);
		CHECK_EQ(setfsgid(-1), 1000); /* a query: nothing changes */
		CHECK_OK(setresuid(1000, 1000, 1000)); /* set*uid makes the fs uid the effective uid */
		CHECK_EQ(setfsuid(-1), 1000);
		CHECK_EQ(setfsuid(0), 1000); /* refused: not one of its ids */
		CHECK_EQ(setfsuid(-1), 1000);
		CHECK_ERR(open("secret", O_RDONLY), EACCES);
		_exit(0);
	}
	CHECK_EQ(kt_wait(pid), 0);
}

static void capget_and_capset_as_root(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	CHECK_OK(capget_(&h, d));
	CHECK_EQ(d[0].effective, 0xffffffffu);
	CHECK_EQ(d[0].permitted, 0xffffffffu);
	CHECK_EQ(d[0].inheritable, 0);
	CHECK_EQ(d[1].effective & 0x1ff, 0x1ff); /* CAP_MAC_OVERRIDE (32) .. CAP_CHECKPOINT_RESTORE (40) */
	CHECK_OK(capset_(&h, d)); /* the same sets: nothing to refuse */
	h.pid = 1;
	CHECK_ERR(capset_(&h, d), EPERM); /* only one's own */
	CHECK_OK(capget_(&h, d)); /* init's, as root */
	CHECK_EQ(d[0].effective, 0xffffffffu);
	h.pid = -5;
	CHECK_ERR(capget_(&h, d), EINVAL);
	h = (struct __user_cap_header_struct){ 0x12345678, 0 };
	CHECK_ERR(capget_(&h, d), EINVAL);
	CHECK_EQ(h.version, _LINUX_CAPABILITY_VERSION_3); /* the preferred version written back */
	h.version = 0x12345678;
	CHECK_OK(capget_(&h, NULL)); /* a version probe */
	CHECK_EQ(h.version, _LINUX_CAPABILITY_VERSION_3);
	CHECK_ERR(capget_(&h, (void *)8), EFAULT);
}

static const struct kt_case cases[] = {
	{ "starts_as_root", starts_as_root },
	{ "setuid_as_root_drops_all_ids", setuid_as_root_drops_all_ids },
	{ "seteuid_is_reversible", seteuid_is_reversible },
	{ "groups_set_and_get", groups_set_and_get },
	{ "unprivileged_eacces", unprivileged_eacces },
	{ "unprivileged_eperm", unprivileged_eperm },
	{ "root_overrides_permissions", root_overrides_permissions },
	{ "umask_applies_to_new_files", umask_applies_to_new_files },
	{ "access_uses_real_ids", access_uses_real_ids },
	{ "new_file_owner_and_setgid_dir", new_file_owner_and_setgid_dir },
	{ "write_and_chown_clear_setuid", write_and_chown_clear_setuid },
	{ "privileged_calls_eperm_as_nobody", privileged_calls_eperm_as_nobody },
	{ "uid_1000_refused", uid_1000_refused },
	{ "setfsuid_moves_file_checks", setfsuid_moves_file_checks },
	{ "capget_and_capset_as_root", capget_and_capset_as_root },
	KT_CASES_END
};

int main(void)
{
	return kt_main("creds", cases);
}
