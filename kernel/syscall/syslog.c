/*
 * syslog.c — the kernel log for user space: syslog(2) (klogctl; what busybox dmesg reads) and
 * /dev/kmsg, over the framework's log ring (fw/log.h: every line logged, every level).
 *
 * syslog(2) renders each record as Linux does, "<level>[seconds.micros] text\n" (levels: err 3,
 * warning 4, info 6, debug 7), keeps one reader position for SYSLOG_ACTION_READ and a clear
 * position for READ_ALL/CLEAR, and maps CONSOLE_LEVEL/OFF/ON onto the console's level. As
 * Debian's kernels (kernel.dmesg_restrict=1) every action needs privilege (root).
 * /dev/kmsg renders one record per read, "level,seq,micros,-;text\n"; all opens share one
 * reader position (per-open positions need per-open state the device interface does not
 * have), a read with nothing new is -EAGAIN (as with O_NONBLOCK: it does not block), and a
 * write logs its text at info level.
 *
 * A SYSLOG_ACTION_READ with nothing new sleeps, checking every 100 ms (the log ring is written
 * from any context, including interrupts, so it wakes nobody).
 */
#include <fs/devices.h>
#include <fs/vfs.h>
#include <fw/log.h>
#include <fw/sync.h>
#include <fw/time.h>
#include <fw/uaccess.h>
#include <proc/wait.h>
#include <syscall/define.h>
#include <uapi/resource.h>

#define LINE_BYTES 320u
#define READ_POLL_NS 100000000ull
#define MINIMUM_CONSOLE_LOGLEVEL 1u /* what CONSOLE_OFF leaves: emergencies only */
#define LOG_BUFFER_BYTES (512u * 256u) /* the ring's records at their longest, roughly */

static struct spinlock klog_lock = SPINLOCK_INIT(klog_lock);
static u64 syslog_seq GUARDED_BY(&klog_lock);   /* SYSLOG_ACTION_READ's next record */
static u64 clear_seq GUARDED_BY(&klog_lock);    /* READ_ALL starts here (CLEAR moves it) */
static u64 kmsg_seq GUARDED_BY(&klog_lock);     /* /dev/kmsg's next record */
static i32 saved_level GUARDED_BY(&klog_lock) = -1; /* the console level CONSOLE_OFF saved */

/* render - record seq as a syslog(2) line (kmsg: a /dev/kmsg record) into line: its length,
 * with *got the record's sequence (seq, or the oldest kept); 0 when seq is not written yet. */
static size_t render(u64 seq, bool kmsg, struct bytes line, u64 *got)
{
	u8 text[256];
	struct fw_log_record rec;
	if (fw_log_read(seq, &rec, BYTES_OF_ARRAY(text)))
		return 0;
	*got = rec.seq;
	u64 us = rec.ts_ns / 1000u;
	struct str t = str_from_bytes(bytes_head(BYTES_OF_ARRAY(text), rec.len));
	struct result_size r = kmsg ? FMT(line, "%u,%u,%u,-;%s\n", fw_log_prio(rec.level), rec.seq, us, t)
				    : FMT(line, "<%u>[%5u.%06u] %s\n", fw_log_prio(rec.level),
					  us / 1000000u, us % 1000000u, t);
	return r.value;
}

/* copy_out - render records [from, to) into user memory at buf (len bytes), whole records
 * only: the bytes written (or -EFAULT when none could be), *end the first record not copied. */
static i64 copy_out(u64 from, u64 to, u64 buf, u64 len, u64 *end)
{
	u8 line[LINE_BYTES];
	struct vm_writer w = vm_writer_user(uaddr(buf), len);
	u64 done = 0, seq = from;
	while (seq < to) {
		u64 got;
		size_t n = render(seq, false, BYTES_OF_ARRAY(line), &got);
		if (!n || done + n > len)
			break;
		struct result_size c = vm_write(&w, bytes_head(BYTES_OF_ARRAY(line), n));
		if (c.err || c.value < n) {
			*end = seq;
			return done ? (i64)done : -EFAULT;
		}
		done += n;
		seq = got + 1;
	}
	*end = seq;
	return (i64)done;
}

/* bytes_between - the rendered size of records [from, to). */
static u64 bytes_between(u64 from, u64 to)
{
	u8 line[LINE_BYTES];
	u64 total = 0;
	for (u64 seq = from; seq < to;) {
		u64 got;
		size_t n = render(seq, false, BYTES_OF_ARRAY(line), &got);
		if (!n)
			break;
		total += n;
		seq = got + 1;
	}
	return total;
}

/* read_all - READ_ALL: the newest records since the clear position that fit in len bytes. */
static i64 read_all(u64 buf, u64 len, bool clear)
{
	u64 first, next;
	fw_log_bounds(&first, &next);
	spin_lock(&klog_lock);
	u64 from = clear_seq > first ? clear_seq : first;
	spin_unlock(&klog_lock);
	u8 line[LINE_BYTES];
	u64 total = bytes_between(from, next);
	while (total > len && from < next) { /* drop the oldest until the rest fits */
		u64 got;
		size_t n = render(from, false, BYTES_OF_ARRAY(line), &got);
		if (!n)
			break;
		total -= n;
		from = got + 1;
	}
	u64 end;
	i64 r = copy_out(from, next, buf, len, &end);
	if (clear) {
		spin_lock(&klog_lock);
		clear_seq = next;
		spin_unlock(&klog_lock);
	}
	return r;
}

/* read_new - SYSLOG_ACTION_READ: records after the reader position, waiting for one. */
static i64 read_new(struct thread *p, u64 buf, u64 len)
{
	u64 first, next;
	for (;;) {
		fw_log_bounds(&first, &next);
		spin_lock(&klog_lock);
		u64 from = syslog_seq > first ? syslog_seq : first;
		spin_unlock(&klog_lock);
		if (from < next) {
			u64 end;
			i64 r = copy_out(from, next, buf, len, &end);
			spin_lock(&klog_lock);
			if (end > syslog_seq)
				syslog_seq = end;
			spin_unlock(&klog_lock);
			return r;
		}
		int e = PROC_WAIT(p, &p->sig_wq, false, fw_time_ns() + READ_POLL_NS);
		if (e && e != -ETIMEDOUT)
			return e;
	}
}

SYSCALL_DEFINE3(syslog, int, type, ulong, buf, int, len)
{
	if (p->fs.cred.euid != 0) /* CAP_SYSLOG, with dmesg_restrict as Debian sets it */
		return -EPERM;
	switch (type) {
	case UAPI_SYSLOG_ACTION_CLOSE:
	case UAPI_SYSLOG_ACTION_OPEN:
		return 0;
	case UAPI_SYSLOG_ACTION_READ:
	case UAPI_SYSLOG_ACTION_READ_ALL:
	case UAPI_SYSLOG_ACTION_READ_CLEAR:
		if (!buf || len < 0)
			return -EINVAL;
		if (!len)
			return 0;
		if (type == UAPI_SYSLOG_ACTION_READ)
			return read_new(p, buf, (u64)len);
		return read_all(buf, (u64)len, type == UAPI_SYSLOG_ACTION_READ_CLEAR);
	case UAPI_SYSLOG_ACTION_CLEAR: {
		u64 first, next;
		fw_log_bounds(&first, &next);
		spin_lock(&klog_lock);
		clear_seq = next;
		spin_unlock(&klog_lock);
		return 0;
	}
	case UAPI_SYSLOG_ACTION_CONSOLE_OFF:
		spin_lock(&klog_lock);
		if (saved_level < 0)
			saved_level = (i32)fw_log_console_level();
		spin_unlock(&klog_lock);
		fw_log_set_console_level(MINIMUM_CONSOLE_LOGLEVEL);
		return 0;
	case UAPI_SYSLOG_ACTION_CONSOLE_ON: {
		spin_lock(&klog_lock);
		i32 l = saved_level;
		saved_level = -1;
		spin_unlock(&klog_lock);
		if (l >= 0)
			fw_log_set_console_level((u32)l);
		return 0;
	}
	case UAPI_SYSLOG_ACTION_CONSOLE_LEVEL:
		if (len < 1 || len > 8)
			return -EINVAL;
		spin_lock(&klog_lock);
		saved_level = -1;
		spin_unlock(&klog_lock);
		fw_log_set_console_level((u32)len); /* Linux's console_loglevel: 1..8 */
		return 0;
	case UAPI_SYSLOG_ACTION_SIZE_UNREAD: {
		u64 first, next;
		fw_log_bounds(&first, &next);
		spin_lock(&klog_lock);
		u64 from = syslog_seq > first ? syslog_seq : first;
		spin_unlock(&klog_lock);
		return (i64)bytes_between(from, next);
	}
	case UAPI_SYSLOG_ACTION_SIZE_BUFFER:
		return LOG_BUFFER_BYTES;
	default:
		return -EINVAL;
	}
}

/* --- /dev/kmsg ------------------------------------------------------------------------------- */

static struct result_size kmsg_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)pos;
	u8 line[LINE_BYTES];
	u64 first, next;
	fw_log_bounds(&first, &next);
	spin_lock(&klog_lock);
	u64 from = kmsg_seq > first ? kmsg_seq : first;
	spin_unlock(&klog_lock);
	if (from >= next)
		return result_size_err(-EAGAIN);
	u64 got;
	size_t n = render(from, true, BYTES_OF_ARRAY(line), &got);
	if (!n)
		return result_size_err(-EAGAIN);
	if (n > bytes_len(dst))
		return result_size_err(-EINVAL); /* Linux: a record never comes in pieces */
	(void)bytes_copy(dst, bytes_head(BYTES_OF_ARRAY(line), n));
	spin_lock(&klog_lock);
	if (got + 1 > kmsg_seq)
		kmsg_seq = got + 1;
	spin_unlock(&klog_lock);
	return result_size_ok(n);
}

static struct result_size kmsg_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)ip;
	(void)pos;
	struct bytes text = src;
	/* a leading "<N>" priority is accepted (the line is logged at info level) */
	if (bytes_len(text) >= 3 && bytes_u8(text, 0).value == '<') {
		struct result_size close = bytes_find(text, 0, '>');
		if (!close.err && close.value < 5)
			text = bytes_skip(text, close.value + 1).value;
	}
	while (bytes_len(text) && bytes_u8(text, bytes_len(text) - 1).value == '\n')
		text = bytes_head(text, bytes_len(text) - 1);
	fw_info("%s", str_from_bytes(text));
	return result_size_ok(bytes_len(src));
}

static const struct file_ops kmsg_fops = { .read = kmsg_read, .write = kmsg_write };

void kmsg_init(void)
{
	(void)vfs_register_chrdev(1, 11, &kmsg_fops, false);
}
