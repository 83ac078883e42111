/*
 * virtio_rng.c — the virtio entropy device (virtio 1.1 §5.4) behind drivers/hwrng.h.
 *
 * One queue (requestq), no configuration, no features. A request is one device-writable
 * buffer; the device fills some prefix of it and returns the length, which the framework has
 * already checked against the buffer (a longer length is refused there). One request is in
 * flight at a time (req_lock); its completion arrives through the queue's interrupt callback,
 * which runs on the framework's interrupt task and wakes the waiting reader.
 */
#include <drivers/hwrng.h>
#include <fw/atomic.h>
#include <fw/errno.h>
#include <fw/log.h>
#include <fw/pci.h>
#include <fw/sync.h>
#include <fw/virtio.h>

struct vrng {
	/* Set once at probe, then read-only. */
	struct callback irq;
	struct virtio_dev *v;
	struct virtq *q;
	struct dma_buf buf;
	struct waitq done_wq;
	/* req_lock: one request at a time; held across the wait. */
	struct mutex req_lock;
	u64 bytes_total GUARDED_BY(&req_lock);
	u64 requests GUARDED_BY(&req_lock);
	struct atomic_u64 irq_runs; /* interrupt callbacks run */
	/* lock: the completion the interrupt callback hands to the reader. */
	struct spinlock lock;
	bool done GUARDED_BY(&lock);
	u32 got GUARDED_BY(&lock);
	int status GUARDED_BY(&lock);
};
DEFINE_SUBTYPE(vrng_irq, struct vrng, irq, struct callback, tag);

/* The queue's interrupt work: drain every returned buffer (interrupts coalesce). */
static void vrng_on_used(struct vrng *r)
{
	atomic_u64_fetch_add(&r->irq_runs, 1);
	for (;;) {
		u64 cookie = 0;
		u32 len = 0;
		int rc = virtq_get_used(r->q, &cookie, &len);
		if (rc == 0)
			return;
		spin_lock(&r->lock);
		r->got = rc == 1 ? len : 0;
		r->status = rc == 1 ? 0 : -EIO;
		r->done = true;
		spin_unlock(&r->lock);
		waitq_wake_all(&r->done_wq);
		if (rc == -EIO)
			return;
	}
}
DEFINE_SUBTYPE_CALLBACK(vrng_irq, struct callback, vrng_on_used);

static struct vrng *vrng_probe(void)
{
	struct virtio_dev *v = virtio_claim(VIRTIO_ID_RNG, 0);
	if (!v)
		return NULL;
	struct vrng *r = vrng_irq_new();
	if (!r)
		return NULL;
	r->v = v;
	mutex_init(&r->req_lock);
	spin_lock_init(&r->lock);
	waitq_init(&r->done_wq);
	callback_set(&r->irq, SUBTYPE_CALLBACK(vrng_irq, vrng_on_used));
	if (virtio_negotiate(v, 0) || dma_alloc_coherent(virtio_pci(v), &r->buf))
		goto err_free;
	r->q = virtio_queue_setup(v, 0, 16, &r->irq);
	if (!r->q || virtio_ready(v))
		goto err_free;
	fw_info("virtio-rng: ready (queue of %u)", virtq_size(r->q));
	return r;
err_free:
	/* The device stays claimed (and unusable); its buffer goes back. */
	fw_warn("virtio-rng: setup failed");
	dma_free(&r->buf);
	vrng_irq_delete(r);
	return NULL;
}

static struct mutex probe_lock = MUTEX_INIT(probe_lock);
static bool probed GUARDED_BY(&probe_lock);
static struct vrng *the_rng GUARDED_BY(&probe_lock);

static struct vrng *vrng_get(void)
{
	mutex_lock(&probe_lock);
	if (!probed) {
		probed = true;
		the_rng = vrng_probe();
	}
	struct vrng *r = the_rng;
	mutex_unlock(&probe_lock);
	return r;
}

bool hwrng_present(void)
{
	return vrng_get() != NULL;
}

static bool vrng_done(struct vrng *r)
{
	spin_lock(&r->lock);
	bool d = r->done;
	spin_unlock(&r->lock);
	return d;
}

struct result_size hwrng_read(struct bytes dst)
{
	struct vrng *r = vrng_get();
	if (!r)
		return result_size_err(-ENODEV);
	size_t want = bytes_len(dst) < DMA_BUF_SIZE ? bytes_len(dst) : DMA_BUF_SIZE;
	if (want == 0)
		return result_size_err(-EINVAL);

	mutex_lock(&r->req_lock);
	spin_lock(&r->lock);
	r->done = false;
	spin_unlock(&r->lock);
	struct virtq_chain c = { .segs = { { &r->buf, 0, (u32)want, true } }, .n = 1 };
	int err = virtq_add(r->q, &c, 1);
	if (err) {
		mutex_unlock(&r->req_lock);
		return result_size_err(err == -ENOSPC ? -EIO : err);
	}
	virtq_kick(r->q);
	WAITQ_WAIT(&r->done_wq, vrng_done(r));
	spin_lock(&r->lock);
	u32 got = r->got;
	int status = r->status;
	spin_unlock(&r->lock);
	if (!status && got)
		status = dma_read(&r->buf, 0, bytes_head(dst, got));
	if (!status) {
		r->bytes_total += got;
		r->requests++;
	}
	mutex_unlock(&r->req_lock);
	return status ? result_size_err(status) : result_size_ok(got);
}

void hwrng_stats(uint64_t *bytes, uint64_t *requests, uint64_t *interrupts)
{
	struct vrng *r = vrng_get();
	*bytes = 0;
	*requests = 0;
	*interrupts = 0;
	if (!r)
		return;
	*interrupts = atomic_u64_load(&r->irq_runs);
	mutex_lock(&r->req_lock);
	*bytes = r->bytes_total;
	*requests = r->requests;
	mutex_unlock(&r->req_lock);
}
