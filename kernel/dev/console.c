/*
 * console.c — the console and the memory devices (fs/devices.h). Console output goes to the
 * kernel log one line at a time (the framework has no raw console writer for services yet,
 * so each line carries the log's timestamp prefix); a line longer than the buffer is cut
 * into pieces. Console input is not wired up yet: a read returns end of file.
 */
#include <fs/devices.h>
#include <fs/vfs.h>
#include <fw/log.h>

#define CONSOLE_LINE 200u

static u8 line[CONSOLE_LINE];
static size_t line_len;

static void flush_line(void)
{
	fw_info("%s", str_from_bytes(bytes_head(BYTES_OF_ARRAY(line), line_len)));
	line_len = 0;
}

static struct result_size console_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)ip;
	(void)pos;
	for (size_t i = 0; i < bytes_len(src); i++) {
		u8 c = bytes_u8(src, i).value;
		if (c == '\n') {
			flush_line();
			continue;
		}
		if (line_len == CONSOLE_LINE)
			flush_line();
		(void)bytes_put_u8(BYTES_OF_ARRAY(line), line_len++, c);
	}
	return result_size_ok(bytes_len(src));
}

static struct result_size console_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)dst;
	(void)pos;
	return result_size_ok(0);
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

static const struct inode_ops null_ops = {
	.read = console_read, /* end of file at once */
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
