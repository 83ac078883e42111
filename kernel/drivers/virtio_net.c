/*
 * virtio_net.c — the virtio network device (virtio 1.1 §5.1) as netdev "eth0".
 *
 * Queues: 0 receiveq, 1 transmitq (one pair; no multiqueue, no control queue, no offloads).
 * Features asked: MAC (address from the configuration) and STATUS (link state); with VERSION_1
 * every buffer starts with the 12-byte virtio_net_hdr (§5.1.6), zero on transmit.
 *
 * Receive: VNET_RX_BUFS coherent pages stay posted, each one device-writable buffer of header
 * + 1514 bytes. When the device returns one, the frame is copied to the netdev layer's queue
 * and the page is posted again. A used length shorter than the header or longer than the
 * largest frame is dropped and counted (the framework already refused lengths beyond the
 * buffer). Transmit: VNET_TX_BUFS coherent pages; a sender takes a free one (or gets -EAGAIN),
 * copies header + frame in, and the page is free again when the device returns it.
 *
 * Locking: lock guards tx_busy; rx buffers are touched only by the interrupt task after probe.
 */
#include <drivers/netdev.h>
#include <drivers/virtio_net.h>
#include <fw/errno.h>
#include <fw/log.h>
#include <fw/sync.h>
#include <fw/virtio.h>

#define VNET_RX_BUFS 16u
#define VNET_TX_BUFS 8u
#define VNET_HDR_LEN 12u
#define VNET_RX_LEN (VNET_HDR_LEN + NETDEV_MTU_FRAME)

#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define VIRTIO_NET_S_LINK_UP 1u

struct vnet {
	struct netdev nd;
	struct callback rx_cb;
	struct callback tx_cb;
	struct virtio_dev *v;
	struct virtq *rxq, *txq;
	struct dma_buf rx[VNET_RX_BUFS];
	struct dma_buf tx[VNET_TX_BUFS];
	u8 rx_frame[NETDEV_MTU_FRAME]; /* vnet_on_rx's copy (it runs on irqd alone), off its stack */
	struct spinlock lock;
	bool tx_busy[VNET_TX_BUFS] GUARDED_BY(&lock);
};
DEFINE_SUBTYPE(vnet_dev, struct vnet, nd, struct netdev, tag);
DEFINE_SUBTYPE(vnet_rx, struct vnet, rx_cb, struct callback, tag);
DEFINE_SUBTYPE(vnet_tx, struct vnet, tx_cb, struct callback, tag);

static int rx_post(struct vnet *n, u32 i)
{
	struct virtq_chain c = { .segs = { { ELEM_PTR(n->rx, i), 0, VNET_RX_LEN, true } }, .n = 1 };
	return virtq_add(n->rxq, &c, i);
}

static void vnet_on_rx(struct vnet *n)
{
	bool posted = false;
	for (;;) {
		u64 cookie = 0;
		u32 len = 0;
		int rc = virtq_get_used(n->rxq, &cookie, &len);
		if (rc == 0 || rc == -EIO)
			break;
		if (cookie >= VNET_RX_BUFS)
			continue; /* not ours: the framework only returns cookies we gave */
		if (rc == 1 && len > VNET_HDR_LEN && len - VNET_HDR_LEN <= NETDEV_MTU_FRAME) {
			struct bytes dst = bytes_head(BYTES_OF_ARRAY(n->rx_frame), len - VNET_HDR_LEN);
			if (dma_read(ELEM_PTR(n->rx, cookie), VNET_HDR_LEN, dst) == 0)
				netdev_rx_deliver(&n->nd, dst);
		} else {
			atomic_u64_fetch_add(&n->nd.rx_dropped, 1);
		}
		if (rx_post(n, (u32)cookie) == 0)
			posted = true;
	}
	if (posted)
		virtq_kick(n->rxq);
}
DEFINE_SUBTYPE_CALLBACK(vnet_rx, struct callback, vnet_on_rx);

static void vnet_on_tx(struct vnet *n)
{
	for (;;) {
		u64 cookie = 0;
		u32 len = 0;
		int rc = virtq_get_used(n->txq, &cookie, &len);
		if (rc == 0 || rc == -EIO)
			return;
		spin_lock(&n->lock);
		if (cookie < VNET_TX_BUFS)
			*ELEM_PTR(n->tx_busy, cookie) = false;
		spin_unlock(&n->lock);
	}
}
DEFINE_SUBTYPE_CALLBACK(vnet_tx, struct callback, vnet_on_tx);

static int vnet_xmit(struct netdev *nd, struct bytes frame)
{
	struct vnet *n = vnet_dev_from(nd);
	int slot = -1;
	spin_lock(&n->lock);
	for (u32 i = 0; i < VNET_TX_BUFS; i++) {
		if (!n->tx_busy[i]) {
			n->tx_busy[i] = true;
			slot = (int)i;
			break;
		}
	}
	spin_unlock(&n->lock);
	if (slot < 0)
		return -EAGAIN;
	struct dma_buf *b = ELEM_PTR(n->tx, (u32)slot);
	u8 hdr[VNET_HDR_LEN] = { 0 };
	int err = dma_write(b, 0, BYTES_OF_ARRAY(hdr));
	err = err ? err : dma_write(b, VNET_HDR_LEN, frame);
	struct virtq_chain c = {
		.segs = { { b, 0, (u32)(VNET_HDR_LEN + bytes_len(frame)), false } }, .n = 1
	};
	err = err ? err : virtq_add(n->txq, &c, (u64)slot);
	if (err) {
		spin_lock(&n->lock);
		*ELEM_PTR(n->tx_busy, (u32)slot) = false;
		spin_unlock(&n->lock);
		return err == -ENOSPC ? -EAGAIN : -EIO;
	}
	virtq_kick(n->txq);
	return 0;
}

static const struct netdev_ops vnet_ops = {
	.xmit = vnet_xmit,
};

static struct vnet *vnet_probe_one(void)
{
	struct virtio_dev *v = virtio_claim(VIRTIO_ID_NET, 0);
	if (!v)
		return NULL;
	struct vnet *n = vnet_dev_new();
	if (!n)
		return NULL;
	vnet_rx_init(n);
	vnet_tx_init(n);
	n->v = v;
	spin_lock_init(&n->lock);
	netdev_init(&n->nd);
	callback_set(&n->rx_cb, SUBTYPE_CALLBACK(vnet_rx, vnet_on_rx));
	callback_set(&n->tx_cb, SUBTYPE_CALLBACK(vnet_tx, vnet_on_tx));
	if (virtio_negotiate(v, VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS))
		goto err_free;
	u64 f = virtio_features(v);
	for (u32 i = 0; i < 6; i++) {
		struct result_u8 b = virtio_cfg_read8(v, i);
		if (!(f & VIRTIO_NET_F_MAC) || b.err)
			goto err_free; /* no address to use: a random one is later work */
		n->nd.mac[i] = b.value;
	}
	n->nd.link_up = true;
	if (f & VIRTIO_NET_F_STATUS) {
		struct result_u16 st = virtio_cfg_read16(v, 6);
		n->nd.link_up = !st.err && (st.value & VIRTIO_NET_S_LINK_UP);
	}
	for (u32 i = 0; i < VNET_RX_BUFS; i++)
		if (dma_alloc_coherent(virtio_pci(v), ELEM_PTR(n->rx, i)))
			goto err_free;
	for (u32 i = 0; i < VNET_TX_BUFS; i++)
		if (dma_alloc_coherent(virtio_pci(v), ELEM_PTR(n->tx, i)))
			goto err_free;
	n->rxq = virtio_queue_setup(v, 0, 64, &n->rx_cb);
	n->txq = n->rxq ? virtio_queue_setup(v, 1, 64, &n->tx_cb) : NULL;
	if (!n->txq || virtq_size(n->rxq) < VNET_RX_BUFS || virtio_ready(v))
		goto err_free;
	for (u32 i = 0; i < VNET_RX_BUFS; i++)
		if (rx_post(n, i))
			goto err_free;
	virtq_kick(n->rxq);
	n->nd.ops = &vnet_ops;
	netdev_set_name(&n->nd, STR("eth0"));
	if (netdev_register(&n->nd))
		goto err_free;
	return n;
err_free:
	/* The device stays claimed and unused (the framework has no queue teardown yet, so a
	 * device that got queues keeps them and the buffers posted in them stay held). */
	fw_warn("virtio-net: setup failed");
	for (u32 i = 0; i < VNET_RX_BUFS; i++)
		dma_free(ELEM_PTR(n->rx, i));
	for (u32 i = 0; i < VNET_TX_BUFS; i++)
		dma_free(ELEM_PTR(n->tx, i));
	vnet_dev_delete(n);
	return NULL;
}

static struct mutex probe_lock = MUTEX_INIT(probe_lock);
static bool probed GUARDED_BY(&probe_lock);
static int probed_count GUARDED_BY(&probe_lock);

int virtio_net_probe(void)
{
	mutex_lock(&probe_lock);
	if (!probed) {
		probed = true;
		probed_count = vnet_probe_one() ? 1 : 0;
	}
	int n = probed_count;
	mutex_unlock(&probe_lock);
	return n;
}
