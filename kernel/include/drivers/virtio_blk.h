/*
 * drivers/virtio_blk.h — virtio block devices (kernel/drivers/virtio_blk.c), registered with
 * the block layer as vda, vdb, ...
 */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

/* virtio_blk_probe - find, set up and register every virtio block device (once; later calls
 * return the same count). Returns how many were registered. Context: task. */
int virtio_blk_probe(void);

#endif /* DRIVERS_VIRTIO_BLK_H */
