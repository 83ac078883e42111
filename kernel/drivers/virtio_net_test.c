/*
 * virtio_net_test.c — ktests of the network driver, run by the device boot with QEMU's
 * user-mode network (slirp: the gateway 10.0.2.2 answers ARP for itself; nothing leaves the
 * machine). The driver sends an ARP request for the gateway and must receive the reply; the
 * layer's transmit and receive counters must match what was sent and seen.
 */
#include <drivers/netdev.h>
#include <drivers/virtio_net.h>
#include <fw/errno.h>
#include <fw/heap.h>
#include <fw/ktest.h>
#include <fw/task.h>

static struct netdev *eth0_or_skip(struct ktest_ctx *kt)
{
	if (virtio_net_probe() < 1)
		KT_SKIP(kt, "no virtio-net device");
	struct netdev *nd = netdev_find(STR("eth0"));
	KT_ASSERT(kt, nd != NULL);
	return nd;
}

/* An ARP request (RFC 826) from 10.0.2.15 for 10.0.2.2, padded to the 60-byte minimum. */
static void arp_request(const struct netdev *nd, struct bytes f)
{
	bytes_fill(f, 0);
	for (u32 i = 0; i < 6; i++) {
		(void)bytes_put_u8(f, i, 0xff);             /* broadcast */
		(void)bytes_put_u8(f, 6 + i, nd->mac[i]);   /* source */
		(void)bytes_put_u8(f, 22 + i, nd->mac[i]);  /* sender hardware address */
	}
	(void)bytes_put_be16(f, 12, 0x0806);  /* ARP */
	(void)bytes_put_be16(f, 14, 1);       /* Ethernet */
	(void)bytes_put_be16(f, 16, 0x0800);  /* IPv4 */
	(void)bytes_put_u8(f, 18, 6);
	(void)bytes_put_u8(f, 19, 4);
	(void)bytes_put_be16(f, 20, 1);       /* request */
	(void)bytes_put_be32(f, 28, 0x0a00020f); /* 10.0.2.15 */
	(void)bytes_put_be32(f, 38, 0x0a000202); /* 10.0.2.2 */
}

KTEST(devices, net_arp_for_the_gateway_gets_a_reply)
{
	struct netdev *nd = eth0_or_skip(kt);
	KT_EXPECT(kt, nd->link_up);
	KT_EXPECT_EQ(kt, nd->mac[0], 0x52u); /* QEMU's default 52:54:00:12:34:56 */
	KT_EXPECT_EQ(kt, nd->mac[5], 0x56u);
	u8 req[60];
	arp_request(nd, BYTES_OF_ARRAY(req));
	u64 tx0 = atomic_u64_load(&nd->tx_packets), rx0 = atomic_u64_load(&nd->rx_packets);
	KT_ASSERT(kt, netdev_send(nd, BYTES_OF_ARRAY(req)) == 0);
	struct kbuf rep = KBUF_EMPTY;
	KT_ASSERT(kt, kbuf_alloc(&rep, NETDEV_MTU_FRAME) == 0);
	bool got = false;
	u32 seen = 0;
	for (u32 tries = 0; tries < 200 && !got; tries++) {
		struct result_size r = netdev_recv(nd, kbuf_bytes(&rep));
		if (r.err == -EAGAIN) {
			task_sleep_ms(10);
			continue;
		}
		KT_ASSERT(kt, r.err == 0);
		seen++;
		struct bytes f = bytes_head(kbuf_bytes(&rep), r.value);
		if (r.value >= 42 && bytes_be16(f, 12).value == 0x0806 && bytes_be16(f, 20).value == 2 &&
		    bytes_be32(f, 28).value == 0x0a000202 && bytes_be32(f, 38).value == 0x0a00020f) {
			got = true;
			for (u32 i = 0; i < 6; i++) /* addressed to us */
				KT_EXPECT_EQ(kt, bytes_u8(f, i).value, nd->mac[i]);
		}
	}
	kbuf_free(&rep);
	KT_EXPECT(kt, got);
	KT_EXPECT_EQ(kt, atomic_u64_load(&nd->tx_packets) - tx0, 1u);
	KT_EXPECT_EQ(kt, atomic_u64_load(&nd->rx_packets) - rx0, (u64)seen);
	KT_EXPECT_EQ(kt, atomic_u64_load(&nd->tx_errors), 0u);
	fw_info("net: ARP reply after %u frame(s); tx %u rx %u", seen,
		atomic_u64_load(&nd->tx_packets), atomic_u64_load(&nd->rx_packets));
}

KTEST(devices, net_bad_frames_are_refused)
{
	struct netdev *nd = eth0_or_skip(kt);
	u8 tiny[13] = { 0 };
	KT_EXPECT_EQ(kt, netdev_send(nd, BYTES_OF_ARRAY(tiny)), -EINVAL);
	u8 huge[NETDEV_MTU_FRAME + 1];
	KT_EXPECT_EQ(kt, netdev_send(nd, BYTES_OF_ARRAY(huge)), -EINVAL);
}
