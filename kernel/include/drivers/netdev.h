/*
 * drivers/netdev.h — network devices: the interface the coming TCP/IP stack will use.
 *
 * A driver embeds a `struct netdev` (tagged through its subtype), fills its MAC address and
 * ops, and registers it ("eth0"). Users send raw Ethernet frames and take received ones from
 * the device's receive queue:
 *
 *     struct netdev *nd = netdev_find(STR("eth0"));
 *     int err = netdev_send(nd, frame);                   // 14..1514 bytes, no FCS
 *     struct result_size r = netdev_recv(nd, buf);        // -EAGAIN when nothing queued
 *
 * Received frames wait in a bounded queue (NETDEV_RXQ_LEN frames); when it is full, new frames
 * are dropped and counted. Counters are kept by the layer, not by drivers.
 */
#ifndef DRIVERS_NETDEV_H
#define DRIVERS_NETDEV_H

#include <fw/atomic.h>
#include <fw/bytes.h>
#include <fw/result.h>
#include <fw/str.h>
#include <fw/subtype.h>
#include <fw/sync.h>
#include <fw/types.h>

#define NETDEV_MTU_FRAME 1514u /* largest frame without FCS (1500 + 14) */
#define NETDEV_MIN_FRAME 14u
#define NETDEV_RXQ_LEN 32u

struct netdev;
struct netdev_ops {
	/* xmit - queue one validated frame for transmission: 0, -EAGAIN (no room), -EIO. */
	int (*xmit)(struct netdev *nd, struct bytes frame);
};

struct netdev_rx_frame {
	u32 len;
	u8 data[NETDEV_MTU_FRAME];
};

struct netdev {
	struct type_tag tag;
	const struct netdev_ops *ops;
	/* "eth0": text in the device itself, read through netdev_name (rule shared-fat: no
	 * struct str kept in an object other tasks reach) */
	u8 name_text[16];
	u8 name_len;
	u8 mac[6];
	bool link_up;
	struct atomic_u64 tx_packets, tx_bytes, tx_errors, rx_packets, rx_bytes, rx_dropped;
	struct waitq rx_wq; /* woken when a frame is queued */
	struct spinlock rx_lock;
	u32 rx_head GUARDED_BY(&rx_lock);
	u32 rx_count GUARDED_BY(&rx_lock);
	struct netdev_rx_frame rxq[NETDEV_RXQ_LEN] GUARDED_BY(&rx_lock);
};

/* netdev_init - set up the layer's part (queue, lock). Call before filling and registering. */
void netdev_init(struct netdev *nd);
static inline struct str netdev_name(struct netdev *nd)
{
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(nd->name_text), nd->name_len));
}
static inline void netdev_set_name(struct netdev *nd, struct str name)
{
	struct result_size n = str_copy_to(BYTES_OF_ARRAY(nd->name_text), str_head(name, 16));
	nd->name_len = n.err ? 0 : (u8)n.value;
}

/* netdev_register - make nd findable by its name. 0, -EEXIST, -ENOSPC. */
int netdev_register(struct netdev *nd);
/* netdev_find - the registered device with this name, or NULL. */
struct netdev *netdev_find(struct str name);

/* netdev_send - transmit one frame. 0; -EINVAL (shorter than a header or longer than
 * NETDEV_MTU_FRAME), -ENETDOWN (link down), -EAGAIN, -EIO. Context: task. */
int netdev_send(struct netdev *nd, struct bytes frame);

/* netdev_recv - take the oldest received frame into dst: its length (a frame longer than dst
 * is cut to dst's size), or -EAGAIN when none is queued. Context: task. */
struct result_size netdev_recv(struct netdev *nd, struct bytes dst);

/* netdev_rx_deliver - for drivers: queue a received frame (copied); drops and counts it when
 * the queue is full or the length is out of range. Context: task. */
void netdev_rx_deliver(struct netdev *nd, struct bytes frame);

#endif /* DRIVERS_NETDEV_H */
