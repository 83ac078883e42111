/*
 * exec.c — execve (proc/process.h): open the file, follow `#!` lines (up to 4 interpreters,
 * as Linux), plan the ELF (exec/elf.h), build the new address space beside the old one, lay
 * out the initial stack (exec/stack.h), and only then — the point of no return — switch the
 * process over: close O_CLOEXEC files, reset caught signals, drop the old memory.
 * Segments are regions of the new memory map backed by the file's page cache (vm/vm.h): their
 * pages are mapped from the cache on the first touch and copied only when written; the bss,
 * heap and the stack below the part built here are anonymous, demand-paged memory.
 */
#include <exec/elf.h>
#include <exec/shebang.h>
#include <fw/frame.h>
#include <fw/heap.h>
#include <fw/time.h>
#include <fw/vdso.h>
#include <proc/process.h>
#include <time/posix_timer.h>

#define EXEC_HEAD_MAX (64u << 10) /* the ELF headers must lie in the file's first 64 KiB */
#define EXEC_HEAD_FIRST 4096u     /* read first: where the headers almost always are */
#define EXEC_MAX_INTERP 4u

/* open_exec - the file at `path` if it is a regular file p may execute. */
static struct file_result open_exec(struct thread *p, struct str path)
{
	struct file_result f = vfs_open(&p->fs, path, VFS_O_RDONLY, 0);
	if (f.err)
		return f;
	struct vfs_stat st;
	vfs_stat_inode(f.value->inode, &st);
	int e = 0;
	if ((st.mode & VFS_S_IFMT) != VFS_S_IFREG)
		e = -EACCES;
	else
		e = vfs_permission(f.value->inode, &p->fs.cred, VFS_MAY_EXEC);
	if (!e && (vfs_mnt_flags(f.value->mnt) & VFS_MNT_NOEXEC))
		e = -EACCES; /* a noexec mount */
	if (e) {
		vfs_close(f.value);
		return file_result_err(e);
	}
	return f;
}

static int read_at(struct file *f, u64 pos, struct bytes dst)
{
	if (vfs_lseek(f, (i64)pos, 0).err)
		return -EIO;
	struct result_size n = vfs_read(f, dst);
	return n.err ? n.err : (n.value == bytes_len(dst) ? 0 : -EIO);
}

/*
 * read_head - the start of file f (of `size` bytes) into *slot, freed first: EXEC_HEAD_FIRST
 * bytes, or with `full` up to EXEC_HEAD_MAX. Reading (and zeroing) 64 KiB for every exec when
 * the headers sit in the first 4 KiB was a large part of fork+exec.
 */
static int read_head(struct file *f, u64 size, bool full, struct kbuf *slot)
{
	u64 want = full ? EXEC_HEAD_MAX : EXEC_HEAD_FIRST;
	kbuf_free(slot);
	if (kbuf_alloc(slot, size < want ? size : want))
		return -ENOMEM;
	return read_at(f, 0, kbuf_bytes(slot));
}

/* plan_elf - elf_plan_load on the head in *slot, read again in full when the headers lie
 * beyond its first part (elf_plan_load calls a table outside its head malformed). */
static int plan_elf(struct file *f, u64 size, u64 base, struct kbuf *slot, struct elf_plan *plan)
{
	int e = elf_plan_load(kbuf_bytes(slot), size, base, plan);
	if (e == -ENOEXEC && size > bytes_len(kbuf_bytes(slot)) && elf_is_elf(kbuf_bytes(slot))) {
		e = read_head(f, size, true, slot);
		if (!e)
			e = elf_plan_load(kbuf_bytes(slot), size, base, plan);
	}
	return e;
}

static unsigned seg_prot(const struct elf_segment *s)
{
	return VM_READ | ((s->prot & ELF_PF_W) ? VM_WRITE : 0) | ((s->prot & ELF_PF_X) ? VM_EXEC : 0);
}

/* copy_segment - the file bytes of `s` copied into fresh pages of vs (a file without a page
 * cache: every page that holds file bytes is filled now). */
static int copy_segment(const struct vmspace_ref *vs, struct file *f, const struct elf_segment *s)
{
	unsigned prot = seg_prot(s);
	u64 file_end = s->vaddr + s->filesz;
	/* A bounce page of this call's own, never shared static scratch: processes exec on
	 * several CPUs at once. */
	struct kbuf page_kbuf = KBUF_EMPTY;
	if (kbuf_alloc(&page_kbuf, VM_PAGE_SIZE))
		return -ENOMEM;
	struct bytes page_buf = kbuf_bytes(&page_kbuf);
	int e = 0;
	for (u64 page = s->vaddr & ~(u64)(VM_PAGE_SIZE - 1); page < file_end; page += VM_PAGE_SIZE) {
		u64 lo = page > s->vaddr ? page : s->vaddr;
		u64 hi = page + VM_PAGE_SIZE < file_end ? page + VM_PAGE_SIZE : file_end;
		struct frame fr = FRAME_EMPTY;
		bool shared = vmspace_frame_at(vs, uaddr(page), &fr) == 0;
		e = shared ? 0 : frame_alloc(&fr);
		struct bytes chunk = bytes_head(page_buf, hi - lo);
		if (!e)
			e = read_at(f, s->offset + (lo - s->vaddr), chunk);
		if (!e)
			e = frame_write(&fr, lo - page, chunk);
		if (!e)
			e = vmspace_replace(vs, uaddr(page), &fr, prot);
		frame_release(&fr);
		if (e)
			break;
	}
	kbuf_free(&page_kbuf);
	return e;
}

/* bss_page - the page where the file bytes of `s` end and its bss begins, made private now
 * with the bss part zeroed (the file's bytes past p_filesz must not show). */
static int bss_page(struct vm_map *m, struct vm_object *obj, const struct elf_segment *s)
{
	u64 file_end = s->vaddr + s->filesz, page = file_end & ~(u64)(VM_PAGE_SIZE - 1);
	u64 in = file_end - page;
	struct frame cached = FRAME_EMPTY, own = FRAME_EMPTY;
	int e = vm_object_page(obj, (s->offset + s->filesz) / VM_PAGE_SIZE, true, &cached);
	if (!e)
		e = frame_alloc(&own);
	if (!e)
		e = frame_copy(&own, &cached);
	if (!e)
		e = frame_fill(&own, in, VM_PAGE_SIZE - in, 0);
	if (!e)
		e = vmspace_replace(&m->vs, uaddr(page), &own, seg_prot(s));
	frame_release(&cached);
	frame_release(&own);
	return e;
}

/*
 * map_segment - the regions of one PT_LOAD in m: its file pages from the page cache (private,
 * so copied on the first write; nothing is read now), the page where the bss begins made
 * private and zeroed past the file bytes, and the rest of the bss anonymous. A file without a
 * page cache has its bytes copied instead. A later segment replaces what an earlier one mapped
 * on a page they share, as Linux's MAP_FIXED mappings of the segments do.
 */
static int map_segment(struct vm_map *m, struct file *f, const struct elf_segment *s)
{
	const u64 mask = VM_PAGE_SIZE - 1;
	u64 start = s->vaddr & ~mask, file_end = s->vaddr + s->filesz;
	u64 file_top = (file_end + mask) & ~mask, mem_top = (s->vaddr + s->memsz + mask) & ~mask;
	unsigned prot = seg_prot(s);
	struct vm_object *obj = f->inode->cache;
	int e = 0;
	if (file_top > start) {
		/* named by the file's path in /proc/PID/maps, as Linux's vm_file */
		struct vfs_path path = obj ? vfs_file_path(f) : (struct vfs_path){ 0 };
		e = vm_map_add_file(m, start, file_top, prot, 0, obj,
				    obj ? (s->offset & ~mask) / VM_PAGE_SIZE : 0, path);
		if (path.dentry || path.mnt)
			vfs_path_put(path);
	}
	if (!e && !obj)
		e = copy_segment(&m->vs, f, s);
	else if (!e && s->memsz > s->filesz && (file_end & mask))
		e = bss_page(m, obj, s);
	if (!e && mem_top > file_top)
		e = vm_map_add(m, file_top, mem_top, prot, 0, NULL, 0);
	return e;
}

/* stack_size - the stack region's size: RLIMIT_STACK's soft limit, page-rounded, at least
 * what the built top needs plus a page, at most PROC_STACK_LIMIT_MAX (unlimited too: the
 * region must stay below the dynamic linker's place). */
static u64 stack_size(struct thread *p, struct bytes img)
{
	u64 lim = proc_rlimit_cur(p, UAPI_RLIMIT_STACK);
	u64 min = (bytes_len(img) + 2 * VM_PAGE_SIZE) & ~(u64)(VM_PAGE_SIZE - 1);
	if (lim > PROC_STACK_LIMIT_MAX)
		lim = PROC_STACK_LIMIT_MAX;
	lim &= ~(u64)(VM_PAGE_SIZE - 1);
	return lim < min ? min : lim;
}

/* map_stack - the stack region (`size` bytes below PROC_STACK_TOP), and the built top of the
 * stack (`img`, ending at PROC_STACK_TOP) in it. */
static int map_stack(struct vm_map *m, struct bytes img, u64 size)
{
	int e = vm_map_add(m, PROC_STACK_TOP - size, PROC_STACK_TOP, VM_READ | VM_WRITE,
			   VMA_STACK, NULL, 0);
	u64 low = PROC_STACK_TOP - bytes_len(img);
	for (u64 page = low; !e && page < PROC_STACK_TOP; page += VM_PAGE_SIZE) {
		struct frame fr = FRAME_EMPTY;
		struct bytes_result part = bytes_sub(img, page - low, VM_PAGE_SIZE);
		e = part.err ? part.err : frame_alloc(&fr);
		if (!e)
			e = frame_write(&fr, 0, part.value);
		if (!e)
			e = vmspace_map(&m->vs, uaddr(page), &fr, VM_READ | VM_WRITE);
		frame_release(&fr);
	}
	return e;
}

/*
 * map_vdso - the vDSO pair at PROC_VDSO_BASE (fw/vdso.h): the regions [vvar] (read-only) and
 * [vdso] (read + execute), then the framework's pages in them. Returns the address of the
 * vDSO's ELF header (AT_SYSINFO_EHDR) in *ehdr, 0 when the kernel has none (boot ran out of
 * memory): the process runs without, its libc makes system calls.
 */
static int map_vdso(struct vm_map *m, u64 *ehdr)
{
	u64 vvar = fw_vdso_vvar_size(), text = fw_vdso_text_size();
	*ehdr = 0;
	if (!text)
		return 0;
	u64 base = PROC_VDSO_BASE;
	int e = vm_map_add(m, base, base + vvar, VM_READ, VMA_VVAR, NULL, 0);
	if (!e)
		e = vm_map_add(m, base + vvar, base + vvar + text, VM_READ | VM_EXEC, VMA_VDSO, NULL, 0);
	if (!e)
		e = fw_vdso_map(&m->vs, uaddr(base));
	if (!e)
		*ehdr = base + vvar;
	return e;
}

/* strv_bytes - the bytes of v's strings with their NULs, or ~0 past the limit. */
static u64 strv_bytes(const struct exec_strv *v)
{
	u64 n = 0;
	for (size_t i = 0; i < exec_strv_len(v); i++)
		n += str_len(exec_strv_get(v, i).value) + 1;
	return n;
}

/*
 * stack_bytes - the size of the initial stack's image: the strings, the pointer arrays, the
 * auxiliary vector, AT_RANDOM's bytes and room for alignment, in whole pages. A buffer of
 * fixed 64 KiB for every exec cost more than the exec itself and refused argument lists
 * larger than it; the rest of the stack region is filled on demand, as on Linux.
 */
static u64 stack_bytes(const struct exec_strv *argv, const struct exec_strv *envp, struct str path)
{
	u64 n = strv_bytes(argv) + strv_bytes(envp) + str_len(path) + 1 +
		8 * (exec_strv_len(argv) + exec_strv_len(envp) + 3) + 16 * EXEC_AUXV_PAIRS + 1024;
	return (n + VM_PAGE_SIZE - 1) / VM_PAGE_SIZE * VM_PAGE_SIZE;
}

struct exec_image {
	struct file *file;
	struct kbuf heads[EXEC_MAX_INTERP + 1]; /* the #! lines' buffers, alive until the end */
	u32 nheads;
	struct elf_plan plan;
	struct file *interp;  /* the dynamic linker (PT_INTERP), or NULL */
	struct kbuf ihead;    /* its head */
	struct elf_plan iplan; /* its plan, at PROC_INTERP_BASE */
};
DEFINE_TYPE_CACHE(exec_image_cache, struct exec_image);

/* The argv, rewritten by #! lines (alternating between a and b). On proc_execve's stack, not in
 * the heap image: a growable array in a heap object is a fat value other tasks could reach
 * without a lock (rule shared-fat). */
struct exec_argv {
	struct exec_strv a, b;
	bool in_b; /* the current argv is b */
};

static void exec_argv_free(struct exec_argv *av)
{
	exec_strv_destroy(&av->a);
	exec_strv_destroy(&av->b);
}

static void image_free(struct exec_image *im)
{
	for (u32 i = 0; i < im->nheads && i <= EXEC_MAX_INTERP; i++)
		kbuf_free(ELEM_PTR(im->heads, i));
	if (im->file)
		vfs_close(im->file);
	kbuf_free(&im->ihead);
	if (im->interp)
		vfs_close(im->interp);
	KFREE(exec_image_cache, im);
}

/* resolve - follow #! lines to an ELF and plan it. */
static int resolve(struct thread *p, struct str path, const struct exec_strv *argv,
		   struct exec_image *im, struct exec_argv *av)
{
	exec_strv_init(&av->a, EXEC_MAX_STRINGS);
	exec_strv_init(&av->b, EXEC_MAX_STRINGS);
	for (size_t i = 0; i < exec_strv_len(argv); i++) {
		int e = exec_strv_add(&av->a, exec_strv_get(argv, i).value);
		if (e) /* ENOMEM when the list cannot grow (it said E2BIG: proc.execve_errors) */
			return e;
	}
	for (u32 depth = 0;; depth++) {
		struct file_result f = open_exec(p, path);
		if (f.err)
			return f.err;
		im->file = f.value;
		u64 size = f.value->inode->size;
		if (size == 0)
			return -ENOEXEC;
		if (im->nheads > EXEC_MAX_INTERP)
			return -ELOOP;
		struct kbuf *slot = ELEM_PTR(im->heads, im->nheads);
		im->nheads++;
		int e = read_head(f.value, size, false, slot);
		if (e)
			return e;
		struct bytes head = kbuf_bytes(slot);
		struct shebang sb;
		int s = shebang_parse(head, &sb);
		if (s < 0)
			return s;
		if (s == 0)
			return plan_elf(f.value, size, PROC_PIE_BASE, slot, &im->plan);
		if (depth >= EXEC_MAX_INTERP)
			return -ELOOP;
		struct exec_strv *cur = av->in_b ? &av->b : &av->a;
		struct exec_strv *next = av->in_b ? &av->a : &av->b;
		exec_strv_destroy(next);
		exec_strv_init(next, EXEC_MAX_STRINGS);
		e = shebang_argv(&sb, path, cur, next);
		av->in_b = !av->in_b;
		if (e)
			return e;
		path = sb.interp;
		vfs_close(im->file);
		im->file = NULL;
	}
}

/*
 * load_interp - open the dynamic linker a program names (PT_INTERP) and plan it at
 * PROC_INTERP_BASE. The linker must be an ELF program itself, without a PT_INTERP of its own
 * (Linux: ELIBBAD; -ENOEXEC here). As Linux, it must be a regular file p may execute.
 */
static int load_interp(struct thread *p, struct exec_image *im)
{
	if (im->nheads == 0 || im->nheads > EXEC_MAX_INTERP + 1)
		return -ENOEXEC;
	struct bytes_result name = bytes_sub(kbuf_bytes(ELEM_PTR(im->heads, im->nheads - 1)),
					     im->plan.interp_off, im->plan.interp_len - 1); /* no NUL */
	if (name.err)
		return -ENOEXEC;
	struct file_result f = open_exec(p, str_from_bytes(name.value));
	if (f.err)
		return f.err;
	im->interp = f.value;
	u64 size = f.value->inode->size;
	if (size == 0)
		return -ENOEXEC;
	int e = read_head(f.value, size, false, &im->ihead);
	if (!e) {
		e = plan_elf(f.value, size, PROC_INTERP_BASE, &im->ihead, &im->iplan);
		if (e == -ENOEXEC)
			e = -ELIBBAD; /* Linux: the interpreter is not an ELF program for this CPU */
	}
	if (!e && im->iplan.interp_len)
		e = -ENOEXEC; /* a linker that wants a linker */
	return e;
}

struct exec_random {
	u8 b[16];
};

/* random16 - AT_RANDOM's bytes. Not cryptographic: the clock, mixed (no entropy source yet). */
static void random16(struct exec_random *r)
{
	u64 x = fw_time_ns() * 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 16; i++) {
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ull;
		r->b[i] = (u8)(x >> 56);
	}
}

/* exec_basename - what follows the last '/' of path (comm's new value, as Linux's
 * __set_task_comm(bprm->filename's basename)). */
static struct str exec_basename(struct str path)
{
	struct str rest = path, comp, last = path;
	while (str_split_next(&rest, '/', &comp))
		if (str_len(comp))
			last = comp;
	return last;
}

int proc_execve(struct thread *p, struct str path, const struct exec_strv *argv,
		const struct exec_strv *envp)
{
	struct exec_image *im = KNEW(exec_image_cache);
	if (!im)
		return -ENOMEM;
	struct vm_map *nm = NULL;
	struct kbuf stack_buf = KBUF_EMPTY;
	struct bytes stack = bytes_empty();
	struct exec_argv av = { 0 };
	int e = resolve(p, path, argv, im, &av);
	if (!e && im->plan.interp_len)
		e = load_interp(p, im);
	if (!e) {
		nm = vm_map_create();
		e = nm ? 0 : -ENOMEM;
	}
	for (u32 i = 0; !e && i < im->plan.nsegs && i < ELF_MAX_LOADS; i++) {
		struct elf_segment seg = im->plan.segs[i];
		e = map_segment(nm, im->file, &seg);
	}
	for (u32 i = 0; !e && im->interp && i < im->iplan.nsegs && i < ELF_MAX_LOADS; i++) {
		struct elf_segment seg = im->iplan.segs[i];
		e = map_segment(nm, im->interp, &seg);
	}
	struct exec_stack_out so = { 0 };
	u64 vdso_ehdr = 0;
	if (!e)
		e = map_vdso(nm, &vdso_ehdr);
	if (!e) {
		u64 size = stack_bytes(av.in_b ? &av.b : &av.a, envp, path);
		e = size > KBUF_MAX ? -E2BIG : kbuf_alloc(&stack_buf, size) ? -ENOMEM : 0;
		stack = kbuf_bytes(&stack_buf);
	}
	if (!e) {
		struct exec_random rnd;
		random16(&rnd);
		struct exec_stack_in si = {
			.stack_top = PROC_STACK_TOP, .envp = envp,
			.argv = av.in_b ? &av.b : &av.a,
			.execfn = path, .random = BYTES_OF_ARRAY(rnd.b),
			.phdr = im->plan.phdr_vaddr, .phent = im->plan.phent, .phnum = im->plan.phnum,
			.entry = im->plan.entry, .base = im->interp ? im->iplan.lowest : 0,
			.uid = p->fs.cred.uid, .euid = p->fs.cred.euid,
			.gid = p->fs.cred.gid, .egid = p->fs.cred.egid,
			.minsigstksz = 2048, .sysinfo_ehdr = vdso_ehdr,
		};
		e = exec_stack_build(stack, &si, &so);
	}
	if (!e)
		e = map_stack(nm, stack, stack_size(p, stack));
	if (e) {
		vm_map_put(nm);
		kbuf_free(&stack_buf);
		exec_argv_free(&av);
		image_free(im);
		return e;
	}

	/* The point of no return: the process now runs the new program, alone. */
	proc_exec_single(p);
	/* As on Linux, the saved ids become the effective ids (execve(2)). */
	p->fs.cred.suid = p->fs.cred.euid;
	p->fs.cred.sgid = p->fs.cred.egid;
	p->fs.cred.fsuid = p->fs.cred.euid;
	p->fs.cred.fsgid = p->fs.cred.egid;
	proc_ctl_exec(p); /* dumpable again (PR_SET_DUMPABLE) */
	/* As Linux's unshare_files: a table shared with another process (CLONE_FILES without
	 * CLONE_THREAD) is copied first; out of memory, the shared one stays. */
	(void)proc_files_unshare(p);
	proc_fd_close_on_exec(p);
	posix_timer_delete_group(p); /* POSIX timers do not survive an exec */
	proc_sighand_exec(p); /* caught signals go back to SIG_DFL; ignored ones stay ignored */
	p->altstack = (struct proc_altstack){ .flags = UAPI_SS_DISABLE };
	spin_lock(&proc_lock);
	p->proc->execed = true; /* its parent may no longer change its group (setpgid EACCES) */
	spin_unlock(&proc_lock);
	spin_lock(&nm->lock);
	nm->brk_start = nm->brk = im->plan.brk_start;
	spin_unlock(&nm->lock);
	vm_map_set_exe(nm, im->file->inode->cache); /* its writes denied (ETXTBSY) */
	nm->arg_start = so.arg_start; /* /proc/PID/cmdline and environ read these */
	nm->arg_end = so.arg_end;
	nm->env_start = so.env_start;
	nm->env_end = so.env_end;
	proc_set_exe(p, vfs_file_path(im->file));
	proc_set_comm(p, exec_basename(path));
	/* The new space replaces the old one where the old one was loaded: in p's own task (an
	 * execve). A first exec runs in another task (proc_spawn_init), which must not take
	 * the space as its own: p's task loads it when it starts. */
	if (p->mm && vmspace_is_current(&p->mm->vs))
		vmspace_activate(&nm->vs);
	proc_drop_memory(p); /* the old map (still used by others after a CLONE_VM) */
	(void)proc_swap_mm(p, nm); /* NULL: dropped above */
	if (p->leader != p)
		proc_share_memory(p->leader, p); /* a thread's exec: new threads share the new map */
	int r = 0;
	user_context_init(&p->uc);
	if (!r)
		r = user_ctx_set_ip(&p->uc, uaddr(im->interp ? im->iplan.entry : im->plan.entry));
	if (!r)
		r = user_ctx_set_sp(&p->uc, uaddr(so.sp));
	kbuf_free(&stack_buf);
	exec_argv_free(&av);
	image_free(im);
	return r ? -EFAULT : 0; /* after the point of no return the caller kills on error */
}
