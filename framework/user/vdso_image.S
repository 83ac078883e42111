/*
 * vdso_image.S — the vDSO's ELF image (framework/vdso/, built by mk/vdso.mk into
 * build/vdso/vdso.so), embedded in the kernel image. user/vdso.c copies it into its frames at
 * boot. The path is relative to the top of the tree, where make runs.
 *
 * SAFETY: data only (no code); the bounds are the labels around the bytes.
 */
	.section .rodata.vdso_image, "a"
	.balign 4096
	.globl vdso_image_start, vdso_image_end
vdso_image_start:
	.incbin "build/vdso/vdso.so"
vdso_image_end:
