/*
 * random.c — getrandom(2) over the kernel's generator (random/random.h). The generator is
 * seeded at boot, so no flag ever blocks or fails with EAGAIN; GRND_RANDOM reads the same
 * generator (as Linux since 5.6) and GRND_INSECURE is the same quality. Output is one request
 * key's ChaCha20 stream, written a page at a time; a pending signal ends a long request after
 * a page with the bytes already written, as Linux.
 */
#include <fw/uaccess.h>
#include <proc/wait.h>
#include <random/random.h>
#include <syscall/define.h>
#include <uapi/resource.h>

#define GETRANDOM_MAX 0x7fffffffull /* INT_MAX: longer requests are cut */

SYSCALL_DEFINE3(getrandom, ulong, buf, ulong, count, uint, flags)
{
	if (flags & ~(u32)(UAPI_GRND_NONBLOCK | UAPI_GRND_RANDOM | UAPI_GRND_INSECURE))
		return -EINVAL;
	if ((flags & (UAPI_GRND_INSECURE | UAPI_GRND_RANDOM)) ==
	    (UAPI_GRND_INSECURE | UAPI_GRND_RANDOM))
		return -EINVAL;
	if (count > GETRANDOM_MAX)
		count = GETRANDOM_MAX;
	if (!count)
		return 0;
	struct chacha20_key k;
	random_request_key(&k, !(flags & UAPI_GRND_NONBLOCK));
	struct chacha20_nonce n = { { 0, 0, 0 } };
	struct vm_writer w = vm_writer_user(uaddr(buf), count);
	struct bytes io = kbuf_bytes(&p->io_kbuf); /* a page: a multiple of the 64-byte block */
	u64 done = 0;
	while (done < count) {
		u64 want = count - done < bytes_len(io) ? count - done : bytes_len(io);
		struct bytes chunk = bytes_head(io, want);
		bytes_fill(chunk, 0);
		chacha20_xor(&k, (u32)(done / CHACHA20_BLOCK_BYTES), &n, chunk);
		struct result_size c = vm_write(&w, chunk);
		bytes_fill(chunk, 0);
		if (c.err)
			return done ? (i64)done : c.err;
		done += c.value;
		if (c.value < want)
			break;
		if (done < count && proc_wait_interrupted(p) == -ERESTARTSYS)
			break; /* a signal: the bytes so far (done > 0 here) */
	}
	return (i64)done;
}
