/*
 * drivers/hwrng.h — the hardware random number source (kernel/drivers/virtio_rng.c).
 *
 * The first call probes for a virtio entropy device (virtio-rng-pci). A read asks the device
 * for up to one page of random bytes and sleeps until it answers (its interrupt runs on the
 * framework's interrupt task and wakes the reader).
 */
#ifndef DRIVERS_HWRNG_H
#define DRIVERS_HWRNG_H

#include <fw/bytes.h>
#include <fw/result.h>

/*
 * hwrng_read - fill the start of dst with random bytes from the device.
 * Returns: the number of bytes written (at most 4096; may be fewer than asked, even 0 when the
 *          device had none), -ENODEV (no device), -EIO (the device misbehaved: its queue is
 *          then refused for good), -EINVAL (empty dst).
 * Context: task; sleeps.
 */
struct result_size hwrng_read(struct bytes dst);

/* hwrng_present - whether a device was found (probes on first use). Context: task. */
bool hwrng_present(void);

/* hwrng_stats - bytes delivered, requests served and interrupt callbacks run since boot. */
void hwrng_stats(uint64_t *bytes, uint64_t *requests, uint64_t *interrupts);

#endif /* DRIVERS_HWRNG_H */
