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
#include <fs/tty.h>

static struct result_size console_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)ip;
	(void)pos;
	fw_console_write(str_from_bytes(src));
	return result_size_ok(bytes_len(src));
}

static struct tty the_console;
static bool the_console_ready;

struct tty *console_tty(void)
{
	if (!the_console_ready) {
		tty_init(&the_console);
		the_console_ready = true;
	}
	return &the_console;
}

bool console_poll(void)
{
	struct tty *t = console_tty();
	u8 in[64];
	size_t n = fw_console_read(BYTES_OF_ARRAY(in));
	for (size_t i = 0; i < n; i++) {
		struct tty_echo e;
		tty_input(t, in[i], &e);
		if (e.len)
			fw_console_write(str_from_bytes(bytes_head(BYTES_OF_ARRAY(e.b), e.len)));
	}
	return tty_readable(t);
}

static struct result_size console_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)pos;
	if (!console_poll())
		return result_size_err(-EAGAIN);
	return result_size_ok(tty_read(console_tty(), dst));
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

static const struct inode_ops console_ops = {
	.read = console_read,
	.write = console_write,
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
