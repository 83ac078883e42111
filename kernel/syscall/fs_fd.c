/*
 * fs_fd.c — calls on descriptors as a set or on file contents as a whole: close_range(2),
 * copy_file_range(2) (through the process's bounce buffer, a page at a time) and
 * memfd_create(2) (fs/vfs/memfd.c).
 */
#include <fw/strbuf.h>
#include <fw/uaccess.h>
#include <syscall/define.h>
#include <uapi/fs.h>

#define CLOSE_RANGE_UNSHARE (1u << 1)
#define CLOSE_RANGE_CLOEXEC (1u << 2)
#define MFD_CLOEXEC 1u
#define MFD_ALLOW_SEALING 2u
#define MFD_HUGETLB 4u
#define MFD_NAME_MAX 249u /* NAME_MAX minus strlen("memfd:") */
#define MAX_RW_COUNT 0x7ffff000ull

DEFINE_UCOPY(ufd_off, i64);

SYSCALL_DEFINE3(close_range, uint, first, uint, last, uint, flags)
{
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last)
		return -EINVAL;
	if ((flags & CLOSE_RANGE_UNSHARE) && proc_files_unshare(p))
		return -ENOMEM;
	if (first >= PROC_MAX_FDS)
		return 0;
	proc_fd_close_range(p, (i64)first, last >= PROC_MAX_FDS ? PROC_MAX_FDS : (i64)last,
			    (flags & CLOSE_RANGE_CLOEXEC) != 0);
	return 0;
}

/* copy_file_range(fd_in, off_in, fd_out, off_out, len, flags): regular files only; with an
 * offset pointer the file's own offset stays and *off advances. */
SYSCALL_DEFINE6(copy_file_range, int, fd_in, ulong, uoff_in, int, fd_out, ulong, uoff_out,
		size, len, uint, flags)
{
	struct file *in = proc_fd_get(p, fd_in);
	struct file *out = proc_fd_get(p, fd_out);
	if (flags)
		return -EINVAL;
	if (!in || !out)
		return -EBADF;
	if ((in->flags & VFS_O_ACCMODE) == VFS_O_WRONLY ||
	    (out->flags & VFS_O_ACCMODE) == VFS_O_RDONLY || (out->flags & VFS_O_APPEND))
		return -EBADF;
	u32 tin = in->inode->mode & VFS_S_IFMT, tout = out->inode->mode & VFS_S_IFMT;
	if (tin == VFS_S_IFDIR || tout == VFS_S_IFDIR)
		return -EISDIR;
	if (tin != VFS_S_IFREG || tout != VFS_S_IFREG)
		return -EINVAL;
	i64 off_in = 0, off_out = 0;
	if ((uoff_in && ufd_off_from_user(&off_in, uaddr(uoff_in))) ||
	    (uoff_out && ufd_off_from_user(&off_out, uaddr(uoff_out))))
		return -EFAULT;
	if (off_in < 0 || off_out < 0)
		return -EINVAL;
	if (!uoff_in)
		off_in = (i64)vfs_file_pos(in);
	if (!uoff_out)
		off_out = (i64)vfs_file_pos(out);
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	/* the same file: the ranges must not overlap */
	if (in->inode == out->inode && (u64)off_in < (u64)off_out + len &&
	    (u64)off_out < (u64)off_in + len)
		return -EINVAL;
	struct bytes buf = kbuf_bytes(&p->io_kbuf);
	u64 done = 0;
	i64 err = 0;
	while (done < len) {
		u64 want = len - done < bytes_len(buf) ? len - done : bytes_len(buf);
		struct result_size n = vfs_pread(in, bytes_head(buf, want), (u64)off_in + done);
		if (n.err || n.value == 0) {
			err = n.err;
			break;
		}
		struct result_size w = vfs_pwrite(out, bytes_head(buf, n.value), (u64)off_out + done);
		if (w.err) {
			err = w.err;
			break;
		}
		done += w.value;
		if (w.value < n.value)
			break;
		if (done < len && proc_signal_fatal(p))
			break; /* being killed: what was copied so far */
	}
	if (done) {
		i64 ni = off_in + (i64)done, no = off_out + (i64)done;
		if (!uoff_in)
			vfs_file_set_pos(in, (u64)ni);
		else if (ufd_off_to_user(&ni, uaddr(uoff_in)))
			return -EFAULT;
		if (!uoff_out)
			vfs_file_set_pos(out, (u64)no);
		else if (ufd_off_to_user(&no, uaddr(uoff_out)))
			return -EFAULT;
	}
	return done ? (i64)done : err;
}

/* memfd_create(name, flags): the file's dentry is "memfd:NAME" (/proc/PID/fd/N reads
 * "/memfd:NAME (deleted)"). */
SYSCALL_DEFINE2(memfd_create, ulong, uname, uint, flags)
{
	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB))
		return -EINVAL;
	if (flags & MFD_HUGETLB)
		return -EINVAL; /* no huge pages */
	struct upath name;
	int e = upath_get(&name, uname);
	if (!e && str_len(name.s) > MFD_NAME_MAX)
		e = -EINVAL;
	if (e == -ENAMETOOLONG)
		e = -EINVAL;
	u8 text[VFS_NAME_MAX + 1];
	struct strbuf dname = strbuf_over(BYTES_OF_ARRAY(text));
	strbuf_add(&dname, STR("memfd:"));
	if (!e)
		strbuf_add(&dname, name.s);
	if (e == -ENOENT)
		e = 0; /* an empty name is allowed */
	upath_put(&name);
	if (e)
		return e;
	struct file_result f = vfs_memfd(strbuf_str(&dname), p->fs.cred.fsuid, p->fs.cred.fsgid,
					  (flags & MFD_ALLOW_SEALING) != 0);
	if (f.err)
		return f.err;
	struct result_i64 fd = proc_fd_install(p, f.value, 0, (flags & MFD_CLOEXEC) != 0);
	if (fd.err)
		vfs_close(f.value);
	return fd.err ? fd.err : fd.value;
}
