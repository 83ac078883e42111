/*
 * netdev.c — the network-device layer (drivers/netdev.h): a table of named devices, frame
 * validation on send, the bounded receive queue and the counters.
 */
#include <drivers/netdev.h>
#include <fw/errno.h>
#include <fw/log.h>

#define NETDEV_MAX 4u

static struct mutex table_lock = MUTEX_INIT(table_lock);
static struct netdev *table[NETDEV_MAX] GUARDED_BY(&table_lock);

void netdev_init(struct netdev *nd)
{
	waitq_init(&nd->rx_wq);
	spin_lock_init(&nd->rx_lock);
}

static struct netdev *find_locked(struct str name) REQUIRES(&table_lock)
{
	for (u32 i = 0; i < NETDEV_MAX; i++)
		if (table[i] && str_eq(netdev_name(table[i]), name))
			return table[i];
	return NULL;
}

int netdev_register(struct netdev *nd)
{
	int err = -ENOSPC;
	mutex_lock(&table_lock);
	if (find_locked(netdev_name(nd))) {
		err = -EEXIST;
	} else {
		for (u32 i = 0; i < NETDEV_MAX; i++) {
			if (!table[i]) {
				table[i] = nd;
				err = 0;
				break;
			}
		}
	}
	mutex_unlock(&table_lock);
	if (!err)
		fw_info("net: %s: MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s", netdev_name(nd), nd->mac[0],
			nd->mac[1], nd->mac[2], nd->mac[3], nd->mac[4], nd->mac[5],
			nd->link_up ? STR("up") : STR("down"));
	return err;
}

struct netdev *netdev_find(struct str name)
{
	mutex_lock(&table_lock);
	struct netdev *nd = find_locked(name);
	mutex_unlock(&table_lock);
	return nd;
}

int netdev_send(struct netdev *nd, struct bytes frame)
{
	size_t len = bytes_len(frame);
	if (len < NETDEV_MIN_FRAME || len > NETDEV_MTU_FRAME)
		return -EINVAL;
	if (!nd->link_up)
		return -ENETDOWN;
	int err = nd->ops->xmit(nd, frame);
	if (err) {
		atomic_u64_fetch_add(&nd->tx_errors, 1);
		return err;
	}
	atomic_u64_fetch_add(&nd->tx_packets, 1);
	atomic_u64_fetch_add(&nd->tx_bytes, len);
	return 0;
}

void netdev_rx_deliver(struct netdev *nd, struct bytes frame)
{
	size_t len = bytes_len(frame);
	if (len < NETDEV_MIN_FRAME || len > NETDEV_MTU_FRAME) {
		atomic_u64_fetch_add(&nd->rx_dropped, 1);
		return;
	}
	spin_lock(&nd->rx_lock);
	bool queued = false;
	if (nd->rx_count < NETDEV_RXQ_LEN) {
		struct netdev_rx_frame *f =
			ELEM_PTR(nd->rxq, (nd->rx_head + nd->rx_count) % NETDEV_RXQ_LEN);
		f->len = (u32)len;
		(void)bytes_copy(BYTES_OF_ARRAY(f->data), frame);
		nd->rx_count++;
		queued = true;
	}
	spin_unlock(&nd->rx_lock);
	if (!queued) {
		atomic_u64_fetch_add(&nd->rx_dropped, 1);
		return;
	}
	atomic_u64_fetch_add(&nd->rx_packets, 1);
	atomic_u64_fetch_add(&nd->rx_bytes, len);
	waitq_wake_all(&nd->rx_wq);
}

struct result_size netdev_recv(struct netdev *nd, struct bytes dst)
{
	spin_lock(&nd->rx_lock);
	if (nd->rx_count == 0) {
		spin_unlock(&nd->rx_lock);
		return result_size_err(-EAGAIN);
	}
	struct netdev_rx_frame *f = ELEM_PTR(nd->rxq, nd->rx_head % NETDEV_RXQ_LEN);
	struct bytes src = bytes_head(BYTES_OF_ARRAY(f->data), f->len);
	size_t n = bytes_len(dst) < bytes_len(src) ? bytes_len(dst) : bytes_len(src);
	(void)bytes_copy(bytes_head(dst, n), bytes_head(src, n));
	nd->rx_head = (nd->rx_head + 1) % NETDEV_RXQ_LEN;
	nd->rx_count--;
	spin_unlock(&nd->rx_lock);
	return result_size_ok(n);
}
