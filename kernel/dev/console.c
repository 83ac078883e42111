/*
 * console.c — the console and the memory devices (fs/devices.h). The console is a terminal
 * (fs/terminal.h, kernel/dev/tty/terminal.c): reads and writes of its files go through
 * tty_rw from the system calls; the inode operations here serve the paths that have no file
 * at hand (sendfile to the console): a write through the line discipline's output processing,
 * a read of what is readable now (-EAGAIN otherwise).
 */
#include <fs/devices.h>
#include <fs/terminal.h>
#include <fs/vfs.h>
#include <fw/console.h>
#include <fw/log.h>
#include <fw/sync.h>

static struct result_size console_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)ip;
	(void)pos;
	struct terminal *t = term_console();
	size_t done = 0;
	u8 chunk[256];
	spin_lock(&t->lock);
	while (done < bytes_len(src)) {
		struct bytes_result rest = bytes_sub(src, done, bytes_len(src) - done);
		size_t n = rest.err ? 0 : tty_write(&t->ld, rest.value);
		size_t k = tty_out_take(&t->ld, BYTES_OF_ARRAY(chunk));
		while (k) {
			fw_console_write_raw(bytes_head(BYTES_OF_ARRAY(chunk), k));
			k = tty_out_take(&t->ld, BYTES_OF_ARRAY(chunk));
		}
		if (!n)
			break;
		done += n;
	}
	spin_unlock(&t->lock);
	return result_size_ok(done);
}

static struct result_size console_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)pos;
	struct terminal *t = term_console();
	(void)term_console_input();
	spin_lock(&t->lock);
	struct result_size r = tty_readable(&t->ld) ? result_size_ok(tty_read(&t->ld, dst))
						    : result_size_err(-EAGAIN);
	spin_unlock(&t->lock);
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

static const struct file_ops console_fops = {
	.llseek = vfs_no_llseek,
	.read = console_read,
	.write = console_write,
	.poll = term_file_poll,
	.ioctl = tty_ioctl,
	.close = term_file_close,
};

static struct result_size null_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)dst;
	(void)pos;
	return result_size_ok(0);
}

static const struct file_ops null_fops = {
	.llseek = vfs_zero_llseek,
	.read = null_read, /* end of file at once */
	.write = null_write,
};

static const struct file_ops zero_fops = {
	.llseek = vfs_zero_llseek,
	.read = zero_read,
	.write = null_write,
};

void devices_init(void)
{
	(void)vfs_register_chrdev(5, 1, &console_fops, true);
	(void)vfs_register_chrdev(5, 0, &console_fops, true);
	(void)vfs_register_chrdev(4, 64, &console_fops, true);
	(void)vfs_register_chrdev(1, 3, &null_fops, false);
	(void)vfs_register_chrdev(1, 5, &zero_fops, false);
	pty_init();
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
	const struct dev_node nodes[6] = {
		{ STR("/dev/console"), chr | 0600, 5, 1 }, { STR("/dev/tty"), chr | 0666, 5, 0 },
		{ STR("/dev/ttyS0"), chr | 0660, 4, 64 },  { STR("/dev/null"), chr | 0666, 1, 3 },
		{ STR("/dev/zero"), chr | 0666, 1, 5 },    { STR("/dev/ptmx"), chr | 0666, 5, 2 },
	};
	int e = vfs_mkdir(c, STR("/dev"), 0755);
	if (e && e != -EEXIST)
		return e;
	e = vfs_mkdir(c, STR("/dev/pts"), 0755);
	if (e && e != -EEXIST)
		return e;
	for (size_t i = 0; i < 6; i++) {
		e = vfs_mknod(c, nodes[i].path, nodes[i].mode, nodes[i].major, nodes[i].minor);
		if (e && e != -EEXIST)
			return e;
	}
	return 0;
}
