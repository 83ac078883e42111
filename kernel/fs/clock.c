/*
 * clock.c — the VFS's timestamps in the kernel: the wall clock (time/clock.h). Kept out of
 * fs/vfs/ so the VFS builds on the host, where the tests give vfs_now their own clock.
 */
#include <fs/vfs.h>
#include <time/clock.h>

struct vfs_time vfs_now(void)
{
	i64 ns = clock_realtime_ns();
	return (struct vfs_time){ .sec = ns / 1000000000, .nsec = ns % 1000000000 };
}
