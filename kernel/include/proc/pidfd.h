/*
 * proc/pidfd.h — process file descriptors (proc/pidfd.c): an anonymous file that names one
 * thread group by its leader (a reference on it, so the name cannot move to another process)
 * for pidfd_open, CLONE_PIDFD, pidfd_send_signal, pidfd_getfd and waitid(P_PIDFD). It polls
 * readable (POLLIN|POLLRDNORM) once the whole group has exited (its leader is a zombie, or
 * reaped), as Linux 6.1; read and write are -EINVAL.
 */
#ifndef KERNEL_PROC_PIDFD_H
#define KERNEL_PROC_PIDFD_H

#include <proc/process.h>

/* pidfd_new - a pidfd file (O_RDWR | flags: O_NONBLOCK at most) for the leader `g`: a file
 * holding a reference on g, or -ENOMEM. */
struct file_result pidfd_new(struct thread *g, u32 flags);
bool vfs_file_is_pidfd(const struct file *f);
/* pidfd_process - the leader a pidfd file names (valid while the file is). */
struct thread *pidfd_process(struct file *f);

#endif /* KERNEL_PROC_PIDFD_H */
