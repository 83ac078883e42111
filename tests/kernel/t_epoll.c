/*
 * tests/kernel/t_epoll.c — host tests of epoll instances (kernel/fs/vfs/epoll.c) over pipes:
 * hooks fed by the pipes' wake-ups (the host port runs callback entries), level- and
 * edge-triggered and one-shot items, the instance's own poll, removal at a watched file's
 * last close, the ctl errnos, and the nesting checks (a cycle, more than 5 instances deep).
 */
#include <fs/vfs.h>
#include <uapi/epoll.h>

#include "khost.h"

/* The events a collection stores: "user memory" here is this array, an event's address its
 * index times 12 (kernel/fs/user.c stores to the real thing); addresses at or past
 * FAULT_AT fault. */
#define EV_MAX 16u
#define FAULT_AT (EV_MAX * 12u)
static struct vfs_epoll_event got[EV_MAX];

int vfs_epoll_event_to_user(u32 events, u64 data, u64 addr)
{
	if (addr % 12 || addr >= FAULT_AT)
		return -EFAULT;
	got[addr / 12] = (struct vfs_epoll_event){ .events = events, .data = data };
	return 0;
}

/* collect - one epoll_wait's collection of up to `max` events into got[]. */
static i64 collect(struct file *ep, u32 max)
{
	return vfs_epoll_collect(ep, 0, max);
}

static int ctl(struct file *ep, int op, struct file *f, i32 fd, u32 events, u64 data)
{
	struct vfs_epoll_event ev = { .events = events, .data = data };
	return vfs_epoll_ctl(ep, op, f, fd, &ev);
}

KTEST(epoll, levels_edges_and_oneshot)
{
	struct file *ep = NULL, *r1 = NULL, *w1 = NULL, *r2 = NULL, *w2 = NULL, *r3 = NULL,
		    *w3 = NULL;
	KT_ASSERT(kt, vfs_epoll_create(0, 0, 0, &ep) == 0);
	KT_ASSERT(kt, vfs_pipe(0, 0, 0, &r1, &w1) == 0 && vfs_pipe(0, 0, 0, &r2, &w2) == 0 &&
			      vfs_pipe(0, 0, 0, &r3, &w3) == 0);
	KT_EXPECT(kt, ctl(ep, UAPI_EPOLL_CTL_ADD, r1, 3, UAPI_EPOLLIN, 1) == 0);
	KT_EXPECT(kt, ctl(ep, UAPI_EPOLL_CTL_ADD, r2, 5, UAPI_EPOLLIN | UAPI_EPOLLET, 2) == 0);
	KT_EXPECT(kt, ctl(ep, UAPI_EPOLL_CTL_ADD, r3, 7, UAPI_EPOLLIN | UAPI_EPOLLONESHOT, 3) == 0);
	KT_EXPECT(kt, !vfs_epoll_has_ready(ep) && collect(ep, 8) == 0);
	KT_EXPECT(kt, vfs_poll(ep, NULL) == 0);
	KT_EXPECT(kt, vfs_write(w1, kh_bytes("x", 1)).value == 1); /* the hooks fire */
	KT_EXPECT(kt, vfs_write(w2, kh_bytes("x", 1)).value == 1);
	KT_EXPECT(kt, vfs_write(w3, kh_bytes("x", 1)).value == 1);
	KT_EXPECT(kt, vfs_epoll_has_ready(ep));
	KT_EXPECT(kt, vfs_poll(ep, NULL) == (VFS_POLLIN | VFS_POLLRDNORM));
	KT_EXPECT(kt, collect(ep, 8) == 3 && got[0].data == 1 && got[1].data == 2 &&
			      got[2].data == 3 && got[0].events == UAPI_EPOLLIN);
	/* unread data: only the level-triggered item again */
	KT_EXPECT(kt, collect(ep, 8) == 1 && got[0].data == 1);
	KT_EXPECT(kt, vfs_write(w2, kh_bytes("y", 1)).value == 1); /* a new edge */
	KT_EXPECT(kt, vfs_write(w3, kh_bytes("y", 1)).value == 1); /* one-shot stays disarmed */
	KT_EXPECT(kt, collect(ep, 8) == 2);
	KT_EXPECT(kt, ctl(ep, UAPI_EPOLL_CTL_MOD, r3, 7, UAPI_EPOLLIN | UAPI_EPOLLONESHOT, 4) == 0);
	KT_EXPECT(kt, collect(ep, 1) == 1 && got[0].data == 1);
	/* re-armed; r1 went to the tail when it was reported */
	KT_EXPECT(kt, collect(ep, 8) == 2 && got[0].data == 4 && got[1].data == 1);
	/* the writer's close: HUP, reported though not asked */
	vfs_close(w1);
	KT_EXPECT(kt, collect(ep, 8) == 1 &&
			      got[0].events == (UAPI_EPOLLIN | UAPI_EPOLLHUP));
	/* the reader's close removes its item */
	vfs_close(r1);
	KT_EXPECT(kt, collect(ep, 8) == 0);
	KT_EXPECT(kt, ctl(ep, UAPI_EPOLL_CTL_DEL, r2, 5, 0, 0) == 0);
	KT_EXPECT(kt, vfs_write(w2, kh_bytes("z", 1)).value == 1);
	KT_EXPECT(kt, collect(ep, 8) == 0);
	vfs_close(ep); /* r3's item goes with the instance */
	KT_EXPECT(kt, vfs_write(w3, kh_bytes("z", 1)).value == 1);
	vfs_close(r2);
	vfs_close(w2);
	vfs_close(r3);
	vfs_close(w3);
}

/* A store that faults leaves its item ready (as Linux's ep_send_events requeues it): the
 * first event faulting is -EFAULT, a later one ends the collection at what was stored; an
 * edge-triggered or one-shot item is not lost either. */
KTEST(epoll, fault_keeps_item_ready)
{
	struct file *ep = NULL, *r1 = NULL, *w1 = NULL, *r2 = NULL, *w2 = NULL;
	KT_ASSERT(kt, vfs_epoll_create(0, 0, 0, &ep) == 0);
	KT_ASSERT(kt, vfs_pipe(0, 0, 0, &r1, &w1) == 0 && vfs_pipe(0, 0, 0, &r2, &w2) == 0);
	KT_EXPECT(kt, ctl(ep, UAPI_EPOLL_CTL_ADD, r1, 3, UAPI_EPOLLIN | UAPI_EPOLLET, 1) == 0);
	KT_EXPECT(kt, ctl(ep, UAPI_EPOLL_CTL_ADD, r2, 4, UAPI_EPOLLIN | UAPI_EPOLLONESHOT, 2) == 0);
	KT_EXPECT(kt, vfs_write(w1, kh_bytes("x", 1)).value == 1);
	KT_EXPECT(kt, vfs_write(w2, kh_bytes("x", 1)).value == 1);
	KT_EXPECT(kt, vfs_epoll_collect(ep, FAULT_AT, 8) == -EFAULT);
	KT_EXPECT(kt, vfs_epoll_has_ready(ep));
	KT_EXPECT(kt, vfs_epoll_collect(ep, FAULT_AT - 12, 8) == 1 && got[EV_MAX - 1].data == 1);
	KT_EXPECT(kt, collect(ep, 8) == 1 && got[0].data == 2); /* the one-shot item, still armed */
	KT_EXPECT(kt, collect(ep, 8) == 0);
	vfs_close(ep);
	vfs_close(r1);
	vfs_close(w1);
	vfs_close(r2);
	vfs_close(w2);
}

KTEST(epoll, ctl_errors_and_nesting)
{
	struct file *e[6] = { NULL }, *rd = NULL, *wr = NULL;
	for (int i = 0; i < 6; i++)
		KT_ASSERT(kt, vfs_epoll_create(0, 0, 0, &e[i]) == 0);
	KT_ASSERT(kt, vfs_pipe(0, 0, 0, &rd, &wr) == 0);
	KT_EXPECT(kt, ctl(e[0], UAPI_EPOLL_CTL_ADD, rd, 3, UAPI_EPOLLIN, 0) == 0);
	KT_EXPECT(kt, ctl(e[0], UAPI_EPOLL_CTL_ADD, rd, 3, UAPI_EPOLLIN, 0) == -EEXIST);
	KT_EXPECT(kt, ctl(e[0], UAPI_EPOLL_CTL_ADD, rd, 4, UAPI_EPOLLIN, 0) == 0); /* a dup's fd */
	KT_EXPECT(kt, ctl(e[0], UAPI_EPOLL_CTL_MOD, wr, 5, UAPI_EPOLLOUT, 0) == -ENOENT);
	KT_EXPECT(kt, ctl(e[0], UAPI_EPOLL_CTL_DEL, wr, 5, 0, 0) == -ENOENT);
	KT_EXPECT(kt, ctl(e[0], 99, wr, 5, 0, 0) == -EINVAL);
	KT_EXPECT(kt, ctl(rd, UAPI_EPOLL_CTL_ADD, wr, 5, UAPI_EPOLLOUT, 0) == -EINVAL);
	KT_EXPECT(kt, ctl(e[0], UAPI_EPOLL_CTL_ADD, e[0], 9, UAPI_EPOLLIN, 0) == -EINVAL);
	KT_EXPECT(kt, ctl(e[0], UAPI_EPOLL_CTL_ADD, wr, 5, UAPI_EPOLLIN | UAPI_EPOLLEXCLUSIVE |
				UAPI_EPOLLRDHUP, 0) == -EINVAL);
	KT_EXPECT(kt, ctl(e[0], UAPI_EPOLL_CTL_ADD, wr, 5, UAPI_EPOLLOUT | UAPI_EPOLLEXCLUSIVE, 0) == 0);
	KT_EXPECT(kt, ctl(e[0], UAPI_EPOLL_CTL_MOD, wr, 5, UAPI_EPOLLOUT, 0) == -EINVAL);
	/* a chain of 5 instances is allowed, a 6th level or a cycle is ELOOP */
	for (int i = 0; i < 4; i++)
		KT_EXPECT(kt, ctl(e[i], UAPI_EPOLL_CTL_ADD, e[i + 1], 10 + i, UAPI_EPOLLIN, 0) == 0);
	KT_EXPECT(kt, ctl(e[4], UAPI_EPOLL_CTL_ADD, e[5], 20, UAPI_EPOLLIN, 0) == -ELOOP);
	KT_EXPECT(kt, ctl(e[5], UAPI_EPOLL_CTL_ADD, e[0], 21, UAPI_EPOLLIN, 0) == -ELOOP);
	KT_EXPECT(kt, ctl(e[3], UAPI_EPOLL_CTL_ADD, e[1], 22, UAPI_EPOLLIN, 0) == -ELOOP);
	KT_EXPECT(kt, ctl(e[4], UAPI_EPOLL_CTL_ADD, e[0], 23, UAPI_EPOLLIN, 0) == -ELOOP);
	/* readiness climbs the chain: e[4] watches a pipe, e[0] sees it */
	struct file *r2 = NULL, *w2 = NULL;
	KT_ASSERT(kt, vfs_pipe(0, 0, 0, &r2, &w2) == 0);
	KT_EXPECT(kt, ctl(e[4], UAPI_EPOLL_CTL_ADD, r2, 30, UAPI_EPOLLIN, 7) == 0);
	KT_EXPECT(kt, vfs_write(w2, kh_bytes("x", 1)).value == 1);
	KT_EXPECT(kt, collect(e[3], 8) == 1 && got[0].data == 0);
	KT_EXPECT(kt, vfs_poll(e[1], NULL) == (VFS_POLLIN | VFS_POLLRDNORM));
	/* closing a middle instance cuts the chain; then e[4] may go under e[0]'s chain again */
	vfs_close(e[2]);
	KT_EXPECT(kt, ctl(e[1], UAPI_EPOLL_CTL_ADD, e[4], 24, UAPI_EPOLLIN, 0) == 0);
	for (int i = 0; i < 6; i++)
		if (i != 2)
			vfs_close(e[i]);
	vfs_close(rd);
	vfs_close(wr);
	vfs_close(r2);
	vfs_close(w2);
}
