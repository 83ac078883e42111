/*
 * The run/setup functions of every benchmark item, grouped by the file that defines them:
 * sys.c (single system calls, files, signals, memory), proc.c (processes, context switches),
 * thread.c (threads, futexes) and ipc.c (pipes and sockets between two processes). items.c lists them in report order.
 */
#ifndef BENCH_ITEMS_H
#define BENCH_ITEMS_H

#include <stdint.h>

/* sys.c */
int64_t run_getppid(long n);
int64_t run_clock_gettime(long n);
int sys_setup_devzero(void);
int sys_setup_devnull(void);
int sys_setup_file(void);
void sys_teardown_fd(void);
int64_t run_read_zero(long n);
int64_t run_write_null(long n);
int64_t run_stat(long n);
int64_t run_fstat(long n);
int64_t run_open_close(long n);
int64_t run_sig_install(long n);
int sys_setup_sig(void);
void sys_teardown_sig(void);
int64_t run_sig_deliver(long n);
int64_t run_mmap_1m(long n);
int64_t run_page_fault(long n);
int64_t run_file_fault(long n);
int sys_setup_read_file(void);
int64_t run_file_read_bw(long n);
int sys_setup_epoll(void);
void sys_teardown_epoll(void);
int64_t run_epoll_wait(long n);
int sys_setup_select10(void);
int sys_setup_select100(void);
void sys_teardown_select(void);
int64_t run_select(long n);

/* blk.c */
int blk_setup_read(void);
int blk_setup_write(void);
void blk_teardown(void);
int64_t run_blk_read_bw(long n);
int64_t run_blk_write_bw(long n);

/* fs.c */
int fs_setup(void);
int fs_setup_rename(void);
void fs_teardown(void);
int64_t run_create_delete_0k(long n);
int64_t run_create_delete_4k(long n);
int64_t run_rename(long n);
int64_t run_stat_deep(long n);

/* proc.c */
int64_t run_fork_exit(long n);
int64_t run_fork_exec(long n);
int64_t run_fork_sh(long n);
int64_t run_fork_exec_dyn(long n);
int proc_setup_ctxsw(void);
void proc_teardown_ctxsw(void);
int64_t run_ctxsw(long n);

/* thread.c */
int64_t run_thread_create(long n);
int thread_setup_pingpong(void);
void thread_teardown_pingpong(void);
int64_t run_futex_pingpong(long n);

/* ipc.c: each setup starts the partner process, the teardown stops it. */
int ipc_setup_pipe_lat(void);
int ipc_setup_unix_lat(void);
int ipc_setup_tcp_lat(void);
int ipc_setup_udp_lat(void);
int64_t run_echo_lat(long n);
int ipc_setup_pipe_bw(void);
int ipc_setup_unix_bw(void);
int ipc_setup_tcp_bw(void);
int64_t run_stream_bw(long n);
int ipc_setup_udp_bw(void);
int64_t run_udp_bw(long n);
void ipc_teardown(void);

#define BW_CHUNK (64L * 1024)   /* bytes per write() of the stream bandwidth items */
#define UDP_DGRAM (8L * 1024)   /* bytes per datagram of udp_bw */

#endif
