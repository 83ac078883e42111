/*
 * fpu.c — the FPU/SSE/AVX state of user contexts: enabling it, the initial image, saving and
 * restoring with XSAVE (where the CPU has it; x87, SSE and, when it fits, AVX) or FXSAVE.
 *
 * The kernel itself never uses these registers (-mgeneral-regs-only), so the user's state stays
 * in the CPU while the kernel runs; user_enter() loads a context's image before entering user
 * mode and saves it after, and the task switch can call fpu_save/fpu_restore the same way.
 *
 * An image may have been written by anyone (a signal frame, ptrace: fw/user.h exposes it as
 * bytes), so fpu_restore sanitises it first — MXCSR masked with the CPU's MXCSR_MASK, the
 * XSAVE header's XSTATE_BV limited to the enabled components, XCOMP_BV and the reserved header
 * bytes zeroed (SDM vol. 1 §13.8.1 lists what makes XRSTOR fault) — and if the CPU still
 * refuses it (#GP, caught through the exception table), loads the initial state instead.
 */
#include "internal/user.h"
#include "internal/printk.h"
#include "arch/x86_64/x86.h"

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE (1ull << 18)

#define XFEATURE_X87 (1ull << 0)
#define XFEATURE_SSE (1ull << 1)
#define XFEATURE_AVX (1ull << 2)

/* Offsets in the FXSAVE/XSAVE legacy area (SDM vol. 1 table 10-2) and the XSAVE header. */
#define FX_FCW 0
#define FX_MXCSR 24
#define FX_MXCSR_MASK 28
#define XS_HEADER 512
#define XS_HEADER_LEN 64
#define FPU_AREA_MAX 1024u

static bool use_xsave;
static u64 xcr0;
static u32 area_size = 512;
static u32 mxcsr_mask = 0xffbf;
u64 fpu_images_refused;

static u8 init_image[FPU_AREA_MAX] __attribute__((aligned(64)));


static void write_cr0(u64 v)
{
	/* SAFETY: the callers only change the FPU control bits (MP, EM, TS, NE). */
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static void xsetbv0(u64 v)
{
	/* SAFETY: v holds x87|SSE and features CPUID reports; CR4.OSXSAVE is set. */
	__asm__ volatile("xsetbv" : : "c"(0), "a"((u32)v), "d"((u32)(v >> 32)));
}

/* Little-endian fields of an FPU area. Needs: off + 4 <= FPU_AREA_MAX (callers pass the fixed
 * offsets above, all below 576). */
static u32 get32(const u8 *p, u32 off)
{
	/* SAFETY: p is an FPU area of FPU_AREA_MAX bytes and off + 4 <= FPU_AREA_MAX. */
	return (u32)p[off] | ((u32)p[off + 1] << 8) | ((u32)p[off + 2] << 16) |
	       ((u32)p[off + 3] << 24);
}

static void put32(u8 *p, u32 off, u32 v)
{
	/* SAFETY: as get32. */
	for (u32 i = 0; i < 4; i++)
		p[off + i] = (u8)(v >> (8 * i));
}

void fpu_init(void)
{
	struct cpuid_regs l1 = cpuid(1, 0);
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	u64 cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	use_xsave = (l1.ecx & (1u << 26)) != 0;
	if (use_xsave)
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
	if (use_xsave) {
		struct cpuid_regs d0 = cpuid(0xd, 0);
		u64 supported = ((u64)d0.edx << 32) | d0.eax;
		xcr0 = XFEATURE_X87 | XFEATURE_SSE;
		if ((supported & XFEATURE_AVX) && (l1.ecx & (1u << 28)))
			xcr0 |= XFEATURE_AVX;
		xsetbv0(xcr0);
		area_size = cpuid(0xd, 0).ebx; /* size for the XCR0 now in force */
		if (area_size > FPU_AREA_MAX) {
			xcr0 = XFEATURE_X87 | XFEATURE_SSE;
			xsetbv0(xcr0);
			area_size = cpuid(0xd, 0).ebx;
		}
	}
	/* MXCSR_MASK from a real FXSAVE image (0 there means the architectural 0xffbf). */
	/* SAFETY: init_image is 64-byte aligned and 1024 bytes; FXSAVE writes 512. */
	__asm__ volatile("fninit\n\tfxsave64 %0" : "=m"(init_image));
	u32 m = get32(init_image, FX_MXCSR_MASK);
	mxcsr_mask = m ? m : 0xffbf;
	/* SAFETY: i < FPU_AREA_MAX, the array's length. */
	for (u32 i = 0; i < FPU_AREA_MAX; i++)
		init_image[i] = 0;
	/* SAFETY: constant offsets inside the array. */
	init_image[FX_FCW] = 0x7f;
	init_image[FX_FCW + 1] = 0x03;
	put32(init_image, FX_MXCSR, 0x1f80);
	put32(init_image, FX_MXCSR_MASK, mxcsr_mask);
	if (fpu_restore(init_image))
		printk(FW_LOG_ERR, "fpu: the initial image was refused");
	printk(FW_LOG_INFO, "fpu: %s, XCR0 %lx, %u-byte state, MXCSR mask %x",
	       use_xsave ? "XSAVE" : "FXSAVE", xcr0, area_size, mxcsr_mask);
}

void fpu_cpu_init(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	u64 cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (use_xsave)
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
	if (use_xsave)
		xsetbv0(xcr0);
	if (fpu_restore(init_image))
		printk(FW_LOG_ERR, "fpu: the initial image was refused on an AP");
}

void fpu_init_image(u8 *area)
{
	/* SAFETY: area is a context's FPU area of FPU_AREA_MAX bytes (USER_FPU_AREA). */
	for (u32 i = 0; i < FPU_AREA_MAX; i++)
		area[i] = init_image[i];
}

u32 fpu_size(void)
{
	return area_size;
}

bool fpu_uses_xsave(void)
{
	return use_xsave;
}

void fpu_save(u8 *area)
{
	if (use_xsave)
		/* SAFETY: area is 64-byte aligned and holds area_size bytes (XSAVE's size for the
		 * XCR0 in force, at most FPU_AREA_MAX). */
		__asm__ volatile("xsave64 %0" : "+m"(*(u8(*)[FPU_AREA_MAX])area)
				 : "a"((u32)xcr0), "d"((u32)(xcr0 >> 32)));
	else
		/* SAFETY: area is 16-byte aligned and holds 512 bytes. */
		__asm__ volatile("fxsave64 %0" : "=m"(*(u8(*)[512])area));
}

/* Make the image acceptable to XRSTOR/FXRSTOR as far as software can tell. */
static void sanitise(u8 *area)
{
	put32(area, FX_MXCSR, get32(area, FX_MXCSR) & mxcsr_mask);
	put32(area, FX_MXCSR_MASK, mxcsr_mask);
	if (!use_xsave)
		return;
	u64 bv = (u64)get32(area, XS_HEADER) | ((u64)get32(area, XS_HEADER + 4) << 32);
	bv &= xcr0;
	put32(area, XS_HEADER, (u32)bv);
	put32(area, XS_HEADER + 4, (u32)(bv >> 32));
	/* SAFETY: the header ends at 576 < FPU_AREA_MAX. XCOMP_BV (standard form), reserved. */
	for (u32 i = 8; i < XS_HEADER_LEN; i++)
		area[XS_HEADER + i] = 0;
}

int fpu_restore(u8 *area)
{
	sanitise(area);
	int refused = use_xsave ? fpu_xrstor_raw(area, xcr0) : fpu_fxrstor_raw(area);
	if (!refused)
		return 0;
	fpu_images_refused++;
	fpu_init_image(area);
	if (use_xsave ? fpu_xrstor_raw(area, xcr0) : fpu_fxrstor_raw(area))
		printk(FW_LOG_ERR, "fpu: the initial image was refused");
	return 1;
}
