/*
 * The list of benchmark items in report order: name, unit, operations per batch, and what one
 * operation is. The batch sizes are fixed (never calibrated at run time) so Linux and Trellis
 * do exactly the same work, which keeps the instruction counts under -icount comparable; they
 * are chosen so one batch takes roughly 10–40 ms on Linux under QEMU's software emulation.
 */
#include <stddef.h>

#include "bench.h"
#include "items.h"

#define LAT UNIT_LATENCY
#define BW UNIT_BANDWIDTH

const struct bench_item bench_items[] = {
	{ "getppid", LAT, 20000, 0, NULL, NULL, run_getppid, "getppid(): the null system call" },
	{ "read_zero", LAT, 10000, 0, sys_setup_devzero, sys_teardown_fd, run_read_zero,
	  "read 1 byte from /dev/zero" },
	{ "write_null", LAT, 10000, 0, sys_setup_devnull, sys_teardown_fd, run_write_null,
	  "write 1 byte to /dev/null" },
	{ "stat", LAT, 5000, 0, sys_setup_file, sys_teardown_fd, run_stat,
	  "stat() of /tmp/bench-file" },
	{ "fstat", LAT, 10000, 0, sys_setup_file, sys_teardown_fd, run_fstat,
	  "fstat() of an open file" },
	{ "open_close", LAT, 3000, 0, sys_setup_file, sys_teardown_fd, run_open_close,
	  "open(/tmp/bench-file, O_RDONLY) + close()" },
	{ "create_delete_0k", LAT, 1000, 0, fs_setup, fs_teardown, run_create_delete_0k,
	  "open(O_CREAT|O_EXCL) + close() + unlink() of an empty file on tmpfs" },
	{ "create_delete_4k", LAT, 1000, 0, fs_setup, fs_teardown, run_create_delete_4k,
	  "the same with one 4 KiB write() before close()" },
	{ "rename", LAT, 3000, 0, fs_setup_rename, fs_teardown, run_rename,
	  "rename() of a file to a free name in the same directory" },
	{ "stat_deep", LAT, 3000, 0, fs_setup, fs_teardown, run_stat_deep,
	  "stat() of a file nine directories below /" },
	{ "sig_install", LAT, 10000, 0, NULL, NULL, run_sig_install,
	  "sigaction(SIGUSR1) installing a handler" },
	{ "sig_deliver", LAT, 3000, 0, sys_setup_sig, sys_teardown_sig, run_sig_deliver,
	  "kill(getpid(), SIGUSR1): send, deliver to a handler, return" },
	{ "mmap_1m", LAT, 2000, 0, NULL, NULL, run_mmap_1m,
	  "mmap() + munmap() of 1 MiB anonymous memory, untouched" },
	{ "page_fault", LAT, 2048, 0, NULL, NULL, run_page_fault,
	  "first write to a page of fresh anonymous memory (fault + zeroed page)" },
	{ "file_fault", LAT, 2048, 0, sys_setup_read_file, sys_teardown_fd, run_file_fault,
	  "first read of a page of a private mapping of a 1 MiB file on tmpfs (file-backed fault)" },
	{ "epoll_wait", LAT, 10000, 0, sys_setup_epoll, sys_teardown_epoll, run_epoll_wait,
	  "epoll_wait(0 timeout) finding the one ready pipe among 100 watched" },
	{ "pipe_lat", LAT, 500, 0, ipc_setup_pipe_lat, ipc_teardown, run_echo_lat,
	  "1-byte round trip between two processes over two pipes" },
	{ "unix_lat", LAT, 500, 0, ipc_setup_unix_lat, ipc_teardown, run_echo_lat,
	  "1-byte round trip over an AF_UNIX stream socketpair" },
	{ "ctxsw", LAT, 1000, 0, proc_setup_ctxsw, proc_teardown_ctxsw, run_ctxsw,
	  "hand-off between 2 processes by sched_yield() (one switch each)" },
	{ "thread_create", LAT, 200, 0, NULL, NULL, run_thread_create,
	  "pthread_create() + pthread_join() of a thread that returns at once" },
	{ "futex_pingpong", LAT, 1000, 0, thread_setup_pingpong, thread_teardown_pingpong,
	  run_futex_pingpong, "round trip between 2 threads by FUTEX_WAKE/FUTEX_WAIT" },
	{ "fork_exit", LAT, 50, 0, NULL, NULL, run_fork_exit,
	  "fork(); child _exit(0); parent waitpid()" },
	{ "fork_exec", LAT, 20, 0, NULL, NULL, run_fork_exec,
	  "fork(); child execve(/bench/nop); parent waitpid()" },
	{ "fork_sh", LAT, 10, 0, NULL, NULL, run_fork_sh,
	  "fork(); child execve(/bin/sh -c exit); parent waitpid()" },
	{ "fork_exec_dyn", LAT, 10, 0, NULL, NULL, run_fork_exec_dyn,
	  "fork(); child execve(/bench/nop-dyn), dynamically linked; parent waitpid()" },
	{ "pipe_bw", BW, 200, BW_CHUNK, ipc_setup_pipe_bw, ipc_teardown, run_stream_bw,
	  "64 KiB writes through a pipe to another process" },
	{ "unix_bw", BW, 200, BW_CHUNK, ipc_setup_unix_bw, ipc_teardown, run_stream_bw,
	  "64 KiB writes through an AF_UNIX stream socket to another process" },
	{ "file_read_bw", BW, 500, BW_CHUNK, sys_setup_read_file, sys_teardown_fd, run_file_read_bw,
	  "64 KiB pread() from a 1 MiB file on tmpfs" },
	{ "blk_read_bw", BW, 64, BW_CHUNK, blk_setup_read, blk_teardown, run_blk_read_bw,
	  "64 KiB read()s going forward through /dev/vda (never read before: from the device)" },
	{ "blk_write_bw", BW, 32, BW_CHUNK, blk_setup_write, blk_teardown, run_blk_write_bw,
	  "64 KiB write()s going forward through /dev/vda, then fsync() (dd conv=fsync)" },
	{ "tcp_lat", LAT, 300, 0, ipc_setup_tcp_lat, ipc_teardown, run_echo_lat,
	  "1-byte round trip over TCP on 127.0.0.1 (TCP_NODELAY)" },
	{ "udp_lat", LAT, 300, 0, ipc_setup_udp_lat, ipc_teardown, run_echo_lat,
	  "1-byte round trip over UDP on 127.0.0.1" },
	{ "tcp_bw", BW, 100, BW_CHUNK, ipc_setup_tcp_bw, ipc_teardown, run_stream_bw,
	  "64 KiB writes over TCP on 127.0.0.1 to another process" },
	{ "udp_bw", BW, 400, UDP_DGRAM, ipc_setup_udp_bw, ipc_teardown, run_udp_bw,
	  "8 KiB datagrams on 127.0.0.1, acknowledged every 8" },
	{ NULL, LAT, 0, 0, NULL, NULL, NULL, NULL },
};
