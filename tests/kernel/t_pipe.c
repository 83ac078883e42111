/*
 * tests/kernel/t_pipe.c — host tests of anonymous pipes (kernel/fs/vfs/pipe.c): the ring
 * buffer wrapping around its end, reads and writes through open files (partial reads,
 * -EAGAIN when empty or full, PIPE_BUF atomicity, end of file once the writer is closed,
 * -EPIPE once the reader is), poll bits, wake-ups of the pipe's queue and S_IFIFO in stat.
 */
#include <fs/vfs.h>

#include "khost.h"

/* wakes - how many times the pipe's wait queue was woken (the host port counts them). */
static uint64_t wakes(struct file *f)
{
	return vfs_pipe_waitq(f)->wakeups;
}

KTEST(pipe, ring_wraps)
{
	static uint8_t ring[8], out[16];
	size_t head = 0, len = 0;
	struct bytes r = kh_bytes(ring, sizeof ring);
	KT_EXPECT(kt, pipe_ring_write(r, head, &len, kh_bytes("abcdef", 6)) == 6 && len == 6);
	KT_EXPECT(kt, pipe_ring_read(r, &head, &len, kh_bytes(out, 4)) == 4 && head == 4 && len == 2);
	KT_EXPECT(kt, !memcmp(out, "abcd", 4));
	/* 6 free bytes: 2 at the end, 4 at the start */
	KT_EXPECT(kt, pipe_ring_write(r, head, &len, kh_bytes("0123456789", 10)) == 6 && len == 8);
	KT_EXPECT(kt, pipe_ring_write(r, head, &len, kh_bytes("x", 1)) == 0);
	KT_EXPECT(kt, pipe_ring_read(r, &head, &len, kh_bytes(out, sizeof out)) == 8 && len == 0);
	KT_EXPECT(kt, !memcmp(out, "ef012345", 8));
}

KTEST(pipe, read_write_close)
{
	struct file *rd = NULL, *wr = NULL;
	KT_ASSERT(kt, vfs_pipe(0, 7, 8, &rd, &wr) == 0);
	uint64_t w0 = wakes(rd);
	static uint8_t buf[VFS_PIPE_SIZE + 10];
	char out[16];
	KT_EXPECT(kt, vfs_read(rd, kh_bytes(out, sizeof out)).err == -EAGAIN);
	KT_EXPECT(kt, vfs_pipe_poll(rd) == 0 && vfs_pipe_poll(wr) == VFS_POLLOUT);
	KT_EXPECT(kt, vfs_write(rd, kh_bytes("x", 1)).err == -EBADF);
	KT_EXPECT(kt, vfs_write(wr, kh_bytes("hello", 5)).value == 5);
	KT_EXPECT(kt, wakes(rd) == w0 + 1);
	KT_EXPECT(kt, vfs_pipe_poll(rd) == VFS_POLLIN);
	KT_EXPECT(kt, vfs_read(rd, kh_bytes(out, 3)).value == 3 && !memcmp(out, "hel", 3));
	KT_EXPECT(kt, vfs_read(rd, kh_bytes(out, sizeof out)).value == 2 && !memcmp(out, "lo", 2));
	/* fill it: a large write goes in as far as it fits */
	memset(buf, 'a', sizeof buf);
	KT_EXPECT(kt, vfs_write(wr, kh_bytes(buf, VFS_PIPE_SIZE - 100)).value == VFS_PIPE_SIZE - 100);
	KT_EXPECT(kt, vfs_pipe_poll(wr) == 0); /* less than PIPE_BUF free */
	/* a PIPE_BUF-sized write is atomic: nothing goes in */
	KT_EXPECT(kt, vfs_write(wr, kh_bytes(buf, VFS_PIPE_BUF)).err == -EAGAIN);
	KT_EXPECT(kt, vfs_write(wr, kh_bytes(buf, 100)).value == 100);
	KT_EXPECT(kt, vfs_write(wr, kh_bytes(buf, 1)).err == -EAGAIN);
	KT_EXPECT(kt, vfs_read(rd, kh_bytes(buf, sizeof buf)).value == VFS_PIPE_SIZE);
	struct vfs_stat st;
	vfs_stat_inode(rd->inode, &st);
	KT_EXPECT(kt, (st.mode & VFS_S_IFMT) == VFS_S_IFIFO && st.uid == 7 && st.gid == 8);
	/* the writer shares its file (dup/fork): the end closes with the last reference */
	vfs_file_get(wr);
	vfs_close(wr);
	KT_EXPECT(kt, vfs_read(rd, kh_bytes(out, 1)).err == -EAGAIN);
	KT_EXPECT(kt, vfs_write(wr, kh_bytes("end", 3)).value == 3);
	w0 = wakes(rd);
	vfs_close(wr);
	KT_EXPECT(kt, wakes(rd) > w0);
	KT_EXPECT(kt, vfs_pipe_poll(rd) == (VFS_POLLIN | VFS_POLLHUP));
	KT_EXPECT(kt, vfs_read(rd, kh_bytes(out, sizeof out)).value == 3);
	KT_EXPECT(kt, vfs_read(rd, kh_bytes(out, sizeof out)).value == 0); /* end of file */
	vfs_close(rd);
}

KTEST(pipe, no_reader_is_epipe)
{
	struct file *rd = NULL, *wr = NULL;
	KT_ASSERT(kt, vfs_pipe(04000, 0, 0, &rd, &wr) == 0);
	KT_EXPECT(kt, (rd->flags & VFS_O_ACCMODE) == VFS_O_RDONLY && (rd->flags & 04000));
	KT_EXPECT(kt, (wr->flags & VFS_O_ACCMODE) == VFS_O_WRONLY && (wr->flags & 04000));
	vfs_close(rd);
	KT_EXPECT(kt, vfs_write(wr, kh_bytes("x", 1)).err == -EPIPE);
	KT_EXPECT(kt, vfs_pipe_poll(wr) == (VFS_POLLOUT | VFS_POLLERR));
	vfs_close(wr);
}

/* A poll table that records the queues a file registers (as the poller's would). */
static struct waitq *queued[4];
static unsigned nqueued;

static void record_queue(struct poll_table *pt, struct waitq *wq)
{
	(void)pt;
	if (nqueued < 4)
		queued[nqueued++] = wq;
}

KTEST(pipe, vfs_poll_registers_the_pipe_queue)
{
	struct file *rd = NULL, *wr = NULL;
	KT_ASSERT(kt, vfs_pipe(0, 0, 0, &rd, &wr) == 0);
	struct poll_table pt = { .queue = record_queue };
	nqueued = 0;
	/* the one interface: no table only looks; a table gets the pipe's queue */
	KT_EXPECT(kt, vfs_poll(rd, NULL) == 0 && nqueued == 0);
	KT_EXPECT(kt, vfs_poll(rd, &pt) == 0 && nqueued == 1 && queued[0] == vfs_pipe_waitq(rd));
	KT_EXPECT(kt, vfs_poll(wr, &pt) == (VFS_POLLOUT | VFS_POLLWRNORM) && nqueued == 2 &&
			      queued[1] == vfs_pipe_waitq(wr));
	KT_EXPECT(kt, vfs_write(wr, kh_bytes("x", 1)).value == 1);
	KT_EXPECT(kt, vfs_poll(rd, NULL) == (VFS_POLLIN | VFS_POLLRDNORM));
	vfs_close(wr);
	KT_EXPECT(kt, vfs_poll(rd, NULL) == (VFS_POLLIN | VFS_POLLRDNORM | VFS_POLLHUP));
	vfs_close(rd);
}
