/*
 * tests/lib/fuzz_parse.c — libFuzzer target for the byte- and text-parsing helpers and the
 * parsers written on them. One input drives, by its first byte, one of: the bytes cursor
 * (a little interpreter of reads, skips, takes and aligns), str splitting/trimming/number
 * parsing, fmt_write with a fuzzed format, the cpio and ELF example parsers, and path
 * normalisation, a differential run of the radix tree against the AVL tree (the same
 * operations on both must give the same answers), or fmt_write against libc snprintf on
 * integer conversions (same flags, width and value must print the same text). Any out-of-bounds access, UB, failed
 * FW_CHECK or disagreement is a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fw/bytes.h>
#include <fw/fmt.h>
#include <fw/litelock.h>
#include <fw/radix.h>
#include <fw/str.h>
#include <fw/tree.h>

#include "service-examples/examples.h"

static void fuzz_cursor(struct bytes prog, struct bytes data)
{
	struct bytes_cursor c = bytes_cursor(data);
	uint64_t sink = 0;
	for (size_t i = 0; i < bytes_len(prog); i++) {
		uint8_t op = bytes_u8(prog, i).value;
		switch (op % 10) {
		case 0: sink += cursor_u8(&c); break;
		case 1: sink += cursor_le16(&c); break;
		case 2: sink += cursor_be32(&c); break;
		case 3: sink += cursor_le64(&c); break;
		case 4: sink += cursor_be64(&c); break;
		case 5: cursor_skip(&c, op / 10); break;
		case 6: cursor_align(&c, (size_t)1 << (op / 10 % 4)); break;
		case 7: sink += bytes_len(cursor_take(&c, op / 10)); break;
		case 8: sink += bytes_le32(data, op).value + bytes_be16(data, (size_t)op * 7).value; break;
		case 9: sink += bytes_sub(data, op / 10, op % 7).err; break;
		}
	}
	if (cursor_remaining(&c) > bytes_len(data) || cursor_pos(&c) > bytes_len(data))
		abort();
	(void)sink;
}

static void fuzz_str(struct str s)
{
	struct str rest = s, tok;
	size_t total = 0, n = 0;
	while (str_split_next(&rest, '/', &tok) && n++ < 100000) {
		total += str_len(tok);
		(void)str_parse_u64(tok, 0);
		(void)str_parse_i64(str_trim(tok), 10);
		(void)str_parse_u64(tok, 16);
	}
	if (total > str_len(s))
		abort();
	(void)str_find(s, STR("ab"));
	(void)str_ends_with(s, STR("z"));
}

static void fuzz_fmt(struct str f)
{
	uint8_t out[96];
	struct bytes b = BYTES_OF_ARRAY(out);
	struct result_size r = fmt_write(b, f, FMT_ARGS(-5, 7u, STR("text"), (long long)INT64_MIN));
	if (r.value > sizeof out)
		abort();
}

/* Differential containers: element i is either in both maps under keys[i] or in neither. */
struct fz_elem {
	struct tree_link link;
	uint64_t key;
	bool in;
};
DEFINE_TREE(fz_tree, struct fz_elem, link, litelock);
DEFINE_RADIX(fz_radix, struct fz_elem, litelock);

static uint64_t fz_key(struct bytes_cursor *c)
{
	uint8_t sel = cursor_u8(c);
	switch (sel % 4) {
	case 0: return sel / 4;                                   /* small, dense */
	case 1: return (uint64_t)cursor_le16(c) << (sel % 48);    /* spread */
	case 2: return UINT64_MAX - sel / 4;                      /* the top */
	default: return cursor_le64(c);
	}
}

static void fuzz_maps(struct bytes prog)
{
	static struct litelock lock = LITELOCK_INIT;
	static struct fz_tree tree;
	static struct fz_radix radix;
	static struct fz_elem el[32];
	struct bytes_cursor c = bytes_cursor(prog);
	litelock_lock(&lock);
	fz_tree_init(&tree, &lock);
	fz_radix_init(&radix, &lock);
	for (int i = 0; i < 32; i++)
		el[i] = (struct fz_elem){ .in = false };
	while (cursor_remaining(&c)) {
		uint8_t op = cursor_u8(&c);
		struct fz_elem *e = &el[op % 32];
		uint64_t key = fz_key(&c), idx = 0;
		switch (op / 32 % 4) {
		case 0:
			if (!e->in) {
				int a = fz_tree_insert(&tree, e, key);
				int b = fz_radix_insert(&radix, key, e);
				if (a != b)
					abort();
				e->in = a == 0;
				e->key = key;
			}
			break;
		case 1:
			if (e->in) {
				fz_tree_remove(&tree, e);
				if (fz_radix_remove(&radix, e->key) != e)
					abort();
				e->in = false;
			}
			break;
		case 2:
			if (fz_tree_find(&tree, key) != fz_radix_lookup(&radix, key))
				abort();
			break;
		default:
			if (fz_tree_ceil(&tree, key) != fz_radix_next(&radix, key, &idx))
				abort();
			break;
		}
		if (fz_tree_count(&tree) != fz_radix_count(&radix))
			abort();
	}
	if (__fw_tree_check(&tree.core) < 0)
		abort();
	for (int i = 0; i < 32; i++)
		if (el[i].in)
			fz_tree_remove(&tree, &el[i]);
	fz_radix_destroy(&radix);
	litelock_unlock(&lock);
}

/* fmt_write vs snprintf: one integer conversion with random flags and width. */
static void fuzz_fmt_vs_libc(struct bytes in)
{
	struct bytes_cursor c = bytes_cursor(in);
	uint8_t sel = cursor_u8(&c);
	uint8_t w = cursor_u8(&c) % 24;
	uint64_t v = cursor_le64(&c);
	const char conv = "diuxXo"[sel % 6];
	const char *flag = (sel / 6) % 3 == 0 ? "" : (sel / 6) % 3 == 1 ? "-" : "0";
	char f[16], want[64];
	snprintf(f, sizeof f, "%%%s%u%s%c", flag, w, conv == 'd' || conv == 'i' ? "ll" : "ll", conv);
	int n = (conv == 'd' || conv == 'i') ? snprintf(want, sizeof want, f, (long long)v)
					     : snprintf(want, sizeof want, f, (unsigned long long)v);
	uint8_t out[64];
	struct bytes ob = BYTES_OF_ARRAY(out);
	/* The same format as a str over f (framework-side test code may build one). */
	struct str fs = str_from_bytes(__fw_bytes_raw((uint8_t *)f, strlen(f)));
	struct result_size r = (conv == 'd' || conv == 'i')
				       ? fmt_write(ob, fs, FMT_ARGS((long long)v))
				       : fmt_write(ob, fs, FMT_ARGS((unsigned long long)v));
	if (r.err || (int)r.value != n || memcmp(out, want, (size_t)n) != 0) {
		fprintf(stderr, "fmt mismatch: format %s value %llu: want '%s' got '%.*s'\n", f,
			(unsigned long long)v, want, (int)r.value, (const char *)out);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* A private, writable copy so the parsers get a slice the framework vouches for. */
	uint8_t *copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct bytes all = __fw_bytes_raw(copy, size);
	struct bytes rest = bytes_skip(all, 1).value;
	struct str text = str_from_bytes(rest);
	switch (copy[0] % 8) {
	case 0: {
		size_t split = bytes_len(rest) ? bytes_u8(rest, 0).value % (bytes_len(rest) + 1) : 0;
		fuzz_cursor(bytes_head(rest, split), bytes_skip(rest, split).value);
		break;
	}
	case 1:
		fuzz_str(text);
		break;
	case 2:
		fuzz_fmt(text);
		break;
	case 3: {
		struct cpio_summary s;
		(void)cpio_scan(rest, STR("init"), &s);
		break;
	}
	case 4: {
		struct elf_summary s;
		(void)elf_probe(rest, &s);
		break;
	}
	case 5: {
		uint8_t out[128];
		(void)path_normalise(text, BYTES_OF_ARRAY(out));
		break;
	}
	case 6:
		fuzz_maps(rest);
		break;
	case 7:
		fuzz_fmt_vs_libc(rest);
		break;
	}
	free(copy);
	return 0;
}
