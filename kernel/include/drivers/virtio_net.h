/*
 * drivers/virtio_net.h — the virtio network device (kernel/drivers/virtio_net.c), registered
 * with the netdev layer as eth0.
 */
#ifndef DRIVERS_VIRTIO_NET_H
#define DRIVERS_VIRTIO_NET_H

/* virtio_net_probe - find and register the first virtio network device (once). Returns 1 when
 * one is registered, else 0. Context: task. */
int virtio_net_probe(void);

#endif /* DRIVERS_VIRTIO_NET_H */
