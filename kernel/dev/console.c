/*
 * console.c — the console and the memory devices (fs/devices.h). The console passes a
 * program's bytes to the framework's console stream unchanged (fw/console.h) and reads what
 * the console has received through the line discipline (fs/tty.h). With nothing readable a
 * read returns -EAGAIN; the read system call turns that into waiting (or gives it to an
 * O_NONBLOCK caller), and the process runner calls console_poll to know when to wake it.
 */
#include <fs/devices.h>
#include <fs/vfs.h>
#include <fw/console.h>
#include <fw/log.h>
#include <fw/sync.h>
#include <fs/tty.h>

static struct result_size console_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)ip;
	(void)pos;
	fw_console_write(str_from_bytes(src));
	return result_size_ok(bytes_len(src));
}

static struct spinlock console_lock = SPINLOCK_INIT(console_lock);
static struct tty the_console GUARDED_BY(&console_lock);
static bool the_console_ready GUARDED_BY(&console_lock);
static struct waitq console_wq; /* readers of the console sleep here */

static struct tty *tty_locked(void) REQUIRES(console_lock)
{
	if (!the_console_ready) {
		tty_init(&the_console);
		the_console_ready = true;
	}
	return &the_console;
}

struct tty *console_tty(void)
{
	spin_lock(&console_lock);
	struct tty *t = tty_locked();
	spin_unlock(&console_lock);
	return t;
}

struct waitq *console_waitq(void)
{
	return &console_wq;
}

bool console_poll(void)
{
	u8 in[64];
	spin_lock(&console_lock);
	struct tty *t = tty_locked();
	size_t n = fw_console_read(BYTES_OF_ARRAY(in));
	for (size_t i = 0; i < n; i++) {
		struct tty_echo e;
		tty_input(t, in[i], &e);
		if (e.len)
			fw_console_write(str_from_bytes(bytes_head(BYTES_OF_ARRAY(e.b), e.len)));
	}
	bool readable = tty_readable(t);
	spin_unlock(&console_lock);
	if (n && readable)
		(void)waitq_wake_all(&console_wq);
	return readable;
}

static struct result_size console_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)pos;
	(void)console_poll();
	spin_lock(&console_lock);
	struct tty *t = tty_locked();
	struct result_size r = tty_readable(t) ? result_size_ok(tty_read(t, dst))
					       : result_size_err(-EAGAIN);
	spin_unlock(&console_lock);
	return r;
}

static struct result_size null_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)ip;
	(void)pos;
	return result_size_ok(bytes_len(src));
}

static struct result_size zero_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)pos;
	bytes_fill(dst, 0);
	return result_size_ok(bytes_len(dst));
}

/* console_file_poll - readable when the line discipline has input; always writable. */
static u32 console_file_poll(struct file *f, struct poll_table *pt)
{
	(void)f;
	poll_wait(pt, console_waitq());
	return (console_poll() ? VFS_POLLIN | VFS_POLLRDNORM : 0) | VFS_POLLOUT | VFS_POLLWRNORM;
}

static const struct inode_ops console_ops = {
	.read = console_read,
	.write = console_write,
	.poll = console_file_poll,
};

static struct result_size null_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)dst;
	(void)pos;
	return result_size_ok(0);
}

static const struct inode_ops null_ops = {
	.read = null_read, /* end of file at once */
	.write = null_write,
};

static const struct inode_ops zero_ops = {
	.read = zero_read,
	.write = null_write,
};

void devices_init(void)
{
	(void)vfs_register_chrdev(5, 1, &console_ops, true);
	(void)vfs_register_chrdev(5, 0, &console_ops, true);
	(void)vfs_register_chrdev(4, 64, &console_ops, true);
	(void)vfs_register_chrdev(1, 3, &null_ops, false);
	(void)vfs_register_chrdev(1, 5, &zero_ops, false);
}

/* One node devices_populate creates: /dev/NAME, a character device. */
struct dev_node {
	struct str path;
	u32 mode;
	u32 major, minor;
};

int devices_populate(const struct vfs_ctx *c)
{
	static const u32 chr = 0020000; /* S_IFCHR */
	const struct dev_node nodes[5] = {
		{ STR("/dev/console"), chr | 0600, 5, 1 }, { STR("/dev/tty"), chr | 0666, 5, 0 },
		{ STR("/dev/ttyS0"), chr | 0660, 4, 64 },  { STR("/dev/null"), chr | 0666, 1, 3 },
		{ STR("/dev/zero"), chr | 0666, 1, 5 },
	};
	int e = vfs_mkdir(c, STR("/dev"), 0755);
	if (e && e != -EEXIST)
		return e;
	for (size_t i = 0; i < 5; i++) {
		e = vfs_mknod(c, nodes[i].path, nodes[i].mode, nodes[i].major, nodes[i].minor);
		if (e && e != -EEXIST)
			return e;
	}
	return 0;
}
