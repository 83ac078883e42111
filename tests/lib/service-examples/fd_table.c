/* safecheck-expect: accept
 *
 * fd_table.c — service example: a per-process file table. Shows, together:
 *   - checked embedding instead of `void *private`: `struct ex_pipe` embeds the generic
 *     `struct ex_file` and is reached by a checked downcast (ex_pipe_file_from); a named
 *     FIFO is a subtype of the pipe (DEFINE_SUBTYPE_OF), so pipe code accepts it too;
 *   - reference counts that cannot overflow (fw/refcount.h);
 *   - a typed growable array (fw/array.h) and an id allocator (fw/idalloc.h) for the
 *     descriptors, both guarded by the table's lock (GUARDED_BY, checked by clang);
 *   - a typed list tied to the same lock for the open-file list (fw/list.h);
 *   - results instead of ERR_PTR (fw/result.h).
 *
 * Classic unsafe alternatives (rejected): bad/private_voidp.c (`file->private_data` cast
 * back to a pipe), bad/container_of.c (free container_of), bad/err_ptr.c (ERR_PTR).
 */
#include <fw/array.h>
#include <fw/idalloc.h>
#include <fw/list.h>
#include <fw/litelock.h>
#include <fw/refcount.h>
#include <fw/result.h>
#include <fw/subtype.h>

#include "examples.h"

struct ex_file {
	struct type_tag tag;
	struct refcount ref;
	struct list_link open_link;
	uint32_t flags;
};
struct ex_pipe {
	struct ex_file file;
	uint32_t readers, writers;
	uint8_t buf[64];
};
struct ex_regular {
	struct ex_file file;
	uint64_t size;
};
DEFINE_SUBTYPE(ex_pipe_file, struct ex_pipe, file, struct ex_file, tag);
DEFINE_SUBTYPE(ex_regular_file, struct ex_regular, file, struct ex_file, tag);
struct ex_fifo {
	struct ex_pipe pipe;
	uint64_t name_ino;
};
DEFINE_SUBTYPE_OF(ex_fifo_file, struct ex_fifo, pipe, struct ex_pipe, ex_pipe_file);
DEFINE_RESULT(ex_file_result, struct ex_file *);
DEFINE_ARRAY(ex_fd_array, struct ex_file *);
DEFINE_LIST(ex_open_list, struct ex_file, open_link, litelock);

struct ex_files {
	struct litelock lock;
	struct ex_fd_array fds GUARDED_BY(&lock);
	struct idalloc ids GUARDED_BY(&lock);
	struct ex_open_list open GUARDED_BY(&lock);
};

static void ex_file_put(struct ex_file *f)
{
	if (!refcount_put(&f->ref))
		return;
	if (ex_fifo_file_is(f))
		ex_fifo_file_delete(ex_fifo_file_from(f));
	else if (ex_pipe_file_is(f))
		ex_pipe_file_delete(ex_pipe_file_from(f));
	else
		ex_regular_file_delete(ex_regular_file_from(f));
}

/* ex_fd_install - the lowest free descriptor now refers to `f` (takes a reference). */
static struct result_u32 ex_fd_install(struct ex_files *t, struct ex_file *f) REQUIRES(t->lock)
{
	struct result_u32 fd = idalloc_alloc(&t->ids);
	if (fd.err)
		return fd;
	if (fd.value >= ex_fd_array_len(&t->fds) && ex_fd_array_resize(&t->fds, fd.value + 1)) {
		idalloc_free(&t->ids, fd.value);
		return result_u32_err(-ENOMEM);
	}
	refcount_get(&f->ref);
	ex_fd_array_set(&t->fds, fd.value, f);
	if (!list_link_is_linked(&f->open_link))
		ex_open_list_push_back(&t->open, f);
	return fd;
}

/* ex_fd_get - the file behind `fd` with a new reference, or -EBADF. */
static struct ex_file_result ex_fd_get(struct ex_files *t, uint32_t fd) REQUIRES(t->lock)
{
	struct ex_fd_array_get_result r = ex_fd_array_get(&t->fds, fd);
	if (r.err || !r.value)
		return ex_file_result_err(-EBADF);
	refcount_get(&r.value->ref);
	return ex_file_result_ok(r.value);
}

static int ex_fd_close(struct ex_files *t, uint32_t fd) REQUIRES(t->lock)
{
	struct ex_fd_array_get_result r = ex_fd_array_get(&t->fds, fd);
	if (r.err || !r.value)
		return -EBADF;
	ex_fd_array_set(&t->fds, fd, NULL);
	idalloc_free(&t->ids, fd);
	ex_file_put(r.value);
	return 0;
}

/* ex_pipe_write - a pipe operation reached from a generic file: checked downcast. */
static int ex_pipe_write(struct ex_file *f, uint8_t byte)
{
	struct ex_pipe *p = ex_pipe_file_try_from(f);
	if (!p)
		return -ESPIPE;
	return bytes_put_u8(BYTES_OF_ARRAY(p->buf), p->writers++ % sizeof p->buf, byte);
}

int fd_table_demo(void)
{
	static struct ex_files t = { .lock = LITELOCK_INIT };
	int bad = 0;
	struct ex_pipe *p = ex_pipe_file_new();
	struct ex_regular *r = ex_regular_file_new();
	if (!p || !r) {
		ex_pipe_file_delete(p);
		ex_regular_file_delete(r);
		return -ENOMEM;
	}
	refcount_init(&p->file.ref, 1);
	refcount_init(&r->file.ref, 1);

	litelock_lock(&t.lock);
	ex_fd_array_init(&t.fds, 1024);
	idalloc_init(&t.ids, 0, 1023);
	ex_open_list_init(&t.open, &t.lock);
	struct result_u32 a = ex_fd_install(&t, &p->file);
	struct result_u32 b = ex_fd_install(&t, &r->file);
	struct result_u32 c = ex_fd_install(&t, &p->file);      /* dup of the pipe */
	bad += a.err || b.err || c.err || a.value != 0 || b.value != 1 || c.value != 2;
	bad += ex_open_list_len(&t.open) != 2;

	struct ex_file_result f = ex_fd_get(&t, 2);
	bad += f.err != 0 || ex_pipe_write(f.value, 'x') != 0;
	if (!f.err)
		ex_file_put(f.value);
	f = ex_fd_get(&t, 1);
	bad += f.err != 0 || ex_pipe_write(f.value, 'x') != -ESPIPE;   /* not a pipe */
	if (!f.err)
		ex_file_put(f.value);
	bad += ex_fd_get(&t, 7).err != -EBADF;

	/* A FIFO is a pipe: pipe code takes it through the same checked downcast. */
	struct ex_fifo *fifo = ex_fifo_file_new();
	if (fifo) {
		refcount_init(&fifo->pipe.file.ref, 1);
		struct ex_file *ff = ex_fifo_file_base(fifo);
		bad += ex_pipe_write(ff, 'y') != 0 || fifo->pipe.writers != 1;
		bad += ex_fifo_file_from(ff) != fifo || ex_regular_file_is(ff);
		ex_file_put(ff);
	}

	bad += ex_fd_close(&t, 0) != 0 || ex_fd_close(&t, 0) != -EBADF;
	struct result_u32 d = ex_fd_install(&t, &r->file);      /* reuses the lowest: 0 */
	bad += d.err || d.value != 0;
	for (uint32_t fd = 0; fd < 3; fd++)
		(void)ex_fd_close(&t, fd);
	/* The creators' references are the last ones. */
	while (ex_open_list_pop_front(&t.open))
		;
	ex_fd_array_destroy(&t.fds);
	idalloc_destroy(&t.ids);
	litelock_unlock(&t.lock);
	ex_file_put(&p->file);
	ex_file_put(&r->file);
	return bad ? -EINVAL : 0;
}
