/*
 * proc/signalfd.h — signalfd files (proc/signalfd.c): a signal mask; a read takes the reader's
 * pending signals in it, lowest first, as struct signalfd_siginfo records, and the file polls
 * readable while the caller (poll's, epoll_wait's) has one pending. Wake-ups come from the
 * thread group's signalfd queue (proc_sighand.signalfd_wq), which every queued signal wakes.
 */
#ifndef KERNEL_PROC_SIGNALFD_H
#define KERNEL_PROC_SIGNALFD_H

#include <proc/process.h>

/* signalfd_new - a signalfd file (O_RDWR | flags: O_NONBLOCK at most) for `mask` (SIGKILL and
 * SIGSTOP are dropped), polling through the creator p's group queue; -ENOMEM. */
struct file_result signalfd_new(struct thread *p, u64 mask, u32 flags);
bool vfs_file_is_signalfd(const struct file *f);
/* signalfd_set_mask - signalfd4 on an existing signalfd: the new mask (as signalfd_new). */
void signalfd_set_mask(struct file *f, u64 mask);
/* signalfd_read - read(2) of a signalfd by p: up to count / 128 records to user `buf` (bytes),
 * -EINVAL for count < 128, -EAGAIN (O_NONBLOCK) or a sleep until one of the mask's signals is
 * pending (-ERESTARTSYS for another signal), -EFAULT. */
i64 signalfd_read(struct thread *p, struct file *f, u64 buf, u64 count);

#endif /* KERNEL_PROC_SIGNALFD_H */
