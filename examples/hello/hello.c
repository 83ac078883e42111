/*
 * hello.c — the smallest kernel on the Trellis framework, and the template for a new one.
 * Service code: safe C against framework/include/fw/ only (the checker and the link step
 * enforce it). It takes the static ELF embedded in the image as blob "hello", maps its PT_LOAD
 * segments into a fresh address space with the framework's byte parsing (no casts, no
 * pointers into the file), runs it in user mode, serves write/getpid/exit, and powers off.
 * It also times the program's null system calls: the floor for the real syscall path.
 */
#include <fw/blob.h>
#include <fw/boot.h>
#include <fw/frame.h>
#include <fw/log.h>
#include <fw/time.h>
#include <fw/uaccess.h>
#include <fw/user.h>

enum { ELF_EXEC = 2, ELF_X86_64 = 62, PH_SIZE = 56, PT_LOAD = 1, PF_X = 1, PF_W = 2 };
enum { SYS_WRITE = 1, SYS_GETPID = 39, SYS_EXIT = 60 };

static struct user_context uc;
static u64 null_calls, first_ns, last_ns;

/* Map one PT_LOAD segment page by page: fresh zeroed frames with the file's bytes copied in. */
static int map_segment(const struct vmspace_ref *vs, struct bytes elf, struct bytes_cursor *ph)
{
	u32 type = cursor_le32(ph), flags = cursor_le32(ph);
	u64 off = cursor_le64(ph), vaddr = cursor_le64(ph);
	cursor_skip(ph, 8); /* p_paddr */
	u64 filesz = cursor_le64(ph), memsz = cursor_le64(ph);
	cursor_skip(ph, 8); /* p_align */
	if (cursor_err(ph) || type != PT_LOAD)
		return cursor_err(ph) ? -ENOEXEC : 0;
	struct bytes_result file = bytes_sub(elf, off, filesz);
	if (file.err || memsz < filesz || !uaddr_range_ok(uaddr(vaddr), memsz))
		return -ENOEXEC;
	unsigned prot = VM_READ | ((flags & PF_W) ? VM_WRITE : 0) | ((flags & PF_X) ? VM_EXEC : 0);
	for (u64 page = vaddr / VM_PAGE_SIZE * VM_PAGE_SIZE; page < vaddr + memsz; page += VM_PAGE_SIZE) {
		u64 seg_off = page > vaddr ? page - vaddr : 0; /* first segment byte in this page */
		u64 page_off = page > vaddr ? 0 : vaddr - page;
		struct frame f = FRAME_EMPTY;
		int err = frame_alloc(&f);
		if (!err && seg_off < filesz)
			err = frame_write(&f, page_off, bytes_head(bytes_skip(file.value, seg_off).value,
								   VM_PAGE_SIZE - page_off));
		if (!err)
			err = vmspace_map(vs, uaddr(page), &f, prot);
		frame_release(&f); /* the mapping keeps its own reference */
		if (err)
			return err;
	}
	return 0;
}

/* Check the ELF header (64-bit, little-endian, x86-64 executable) and map every segment. */
static int load_elf(const struct vmspace_ref *vs, struct bytes elf, u64 *entry)
{
	struct bytes_cursor c = bytes_cursor(elf);
	u32 magic = cursor_le32(&c);
	u8 class = cursor_u8(&c), data = cursor_u8(&c);
	cursor_skip(&c, 10);
	u16 type = cursor_le16(&c), machine = cursor_le16(&c);
	cursor_skip(&c, 4);
	*entry = cursor_le64(&c);
	u64 phoff = cursor_le64(&c);
	cursor_skip(&c, 14);
	u16 phentsize = cursor_le16(&c), phnum = cursor_le16(&c);
	if (cursor_err(&c) || magic != 0x464c457f || class != 2 || data != 1 || type != ELF_EXEC ||
	    machine != ELF_X86_64 || phentsize != PH_SIZE)
		return -ENOEXEC;
	struct bytes_result phdrs = bytes_sub(elf, phoff, (u64)phnum * PH_SIZE);
	if (phdrs.err)
		return -ENOEXEC;
	struct bytes_cursor ph = bytes_cursor(phdrs.value);
	for (u16 i = 0; i < phnum; i++) {
		int err = map_segment(vs, elf, &ph);
		if (err)
			return err;
	}
	return 0;
}

/* write(fd, buf, count): the user's bytes to the console, one log line per call. */
static i64 sys_write(struct uaddr buf, u64 count)
{
	u8 text[256];
	struct vm_reader r = vm_reader_user(buf, count);
	struct result_size n = vm_read(&r, BYTES_OF_ARRAY(text));
	if (n.err)
		return n.err;
	fw_info("hello: user says: %s", str_trim(str_from_bytes(bytes_head(BYTES_OF_ARRAY(text), n.value))));
	return (i64)n.value;
}

static void serve_syscall(void)
{
	switch (user_ctx_syscall_nr(&uc)) {
	case SYS_WRITE:
		user_ctx_set_retval(&uc, sys_write(uaddr(user_ctx_syscall_arg(&uc, 1)),
						   user_ctx_syscall_arg(&uc, 2)));
		return;
	case SYS_GETPID:
		last_ns = fw_time_ns();
		first_ns = null_calls++ ? first_ns : last_ns;
		user_ctx_set_retval(&uc, 1);
		return;
	default:
		user_ctx_set_retval(&uc, -ENOSYS);
	}
}

static struct vmspace_ref vs = VMSPACE_REF_EMPTY; /* the program's address space */

void kernel_main(void)
{
	struct frame stack = FRAME_EMPTY;
	struct kbuf elf = KBUF_EMPTY;
	u64 entry = 0;
	user_context_init(&uc);
	if (vmspace_create(&vs) || fw_blob_copy(&elf, STR("hello")) ||
	    load_elf(&vs, kbuf_bytes(&elf), &entry) || frame_alloc(&stack) ||
	    vmspace_map(&vs, uaddr(VM_USER_END - VM_PAGE_SIZE), &stack, VM_READ | VM_WRITE) ||
	    user_ctx_set_ip(&uc, uaddr(entry)) || user_ctx_set_sp(&uc, uaddr(VM_USER_END))) {
		fw_err("hello: cannot load the user program");
		fw_power_off();
	}
	vmspace_activate(&vs);
	for (;;) {
		enum user_return why = user_enter(&uc);
		if (why == USER_RET_EXCEPTION) {
			fw_err("hello: user exception %u at %x", user_ctx_exception(&uc).vector,
			       user_ctx_ip(&uc));
			break;
		}
		if (why == USER_RET_SYSCALL && user_ctx_syscall_nr(&uc) == SYS_EXIT) {
			fw_info("hello: user exited with %u", user_ctx_syscall_arg(&uc, 0));
			break;
		}
		if (why == USER_RET_SYSCALL)
			serve_syscall();
	}
	if (null_calls > 1)
		fw_info("hello: null syscall round trip: %u ns (%u calls)",
			(last_ns - first_ns) / (null_calls - 1), null_calls);
	fw_power_off();
}
