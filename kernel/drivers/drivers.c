/*
 * drivers.c — the one place the kernel starts its drivers (called from kernel_main). Each
 * driver's probe is idempotent, so ktests that probe earlier are not disturbed.
 */
#include <block/bdev.h>
#include <drivers/drivers.h>
#include <drivers/hwrng.h>
#include <drivers/virtio_blk.h>
#include <drivers/virtio_net.h>
#include <fw/log.h>

void drivers_init(void)
{
	bdev_init();
	int nblk = virtio_blk_probe();
	int nnet = virtio_net_probe();
	bool rng = hwrng_present();
	fw_info("drivers: %u block device(s), %u network device(s), entropy source %s", nblk, nnet,
		rng ? STR("virtio-rng") : STR("none"));
}
