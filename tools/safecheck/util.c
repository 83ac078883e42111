/*
 * util.c — the checker's plumbing: allocation, string sets, the run's global state, which
 * tree a file belongs to (by real path, so #line cannot move it), reporting, cursor helpers.
 */
#include "safecheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- small utilities ------------------------------------------------------------------------ */

void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p) {
		fprintf(stderr, "safecheck: out of memory\n");
		exit(2);
	}
	return p;
}

char *xstrdup(const char *s)
{
	char *p = xmalloc(strlen(s) + 1);
	memcpy(p, s, strlen(s) + 1);
	return p;
}

bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A set of strings (open hashing); used for names, reported violations and struct tags. */

static unsigned long hash_str(const char *s)
{
	unsigned long h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void strset_grow(struct strset *s);

static char **strset_slot(struct strset *s, const char *key)
{
	if (!s->cap)
		strset_grow(s);
	size_t i = hash_str(key) & (s->cap - 1);
	while (s->keys[i] && strcmp(s->keys[i], key) != 0)
		i = (i + 1) & (s->cap - 1);
	return &s->keys[i];
}

static void strset_grow(struct strset *s)
{
	struct strset old = *s;
	s->cap = old.cap ? old.cap * 2 : 256;
	s->keys = xmalloc(s->cap * sizeof(char *));
	s->vals = xmalloc(s->cap * sizeof(char *));
	s->len = 0;
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.keys[i])
			continue;
		char **slot = strset_slot(s, old.keys[i]);
		*slot = old.keys[i];
		s->vals[slot - s->keys] = old.vals[i];
		s->len++;
	}
	free(old.keys);
	free(old.vals);
}

/* Returns the value slot for key, inserting the key when absent (then *added is true). */
char **strset_put(struct strset *s, const char *key, bool *added)
{
	if ((s->len + 1) * 2 > s->cap)
		strset_grow(s);
	char **slot = strset_slot(s, key);
	*added = !*slot;
	if (!*slot) {
		*slot = xstrdup(key);
		s->len++;
	}
	return &s->vals[slot - s->keys];
}

bool strset_has(struct strset *s, const char *key)
{
	return s->cap && *strset_slot(s, key);
}

/* ---- global state ---------------------------------------------------------------------------- */

char g_root[PATH_MAX];     /* realpath of the repository (or corpus) root, with a '/' */
const char *g_root_arg = "."; /* the root as given, to print paths the user can open */
char g_api[PATH_MAX];      /* <root>/framework/include/fw/ */
char g_framework[PATH_MAX]; /* <root>/framework/ */
char g_service[PATH_MAX];  /* the service tree of the file being checked, with a '/' */
struct strset g_fw_names;  /* every name framework/include/fw/ declares or defines */
struct strset g_fw_macro_idents; /* every identifier a fw/ macro body spells */
struct strset g_reported;  /* violations already printed (headers are seen many times) */
struct strset g_tags;      /* struct/enum tag -> where it was first defined */
struct strset g_scanned;   /* service files whose tokens were already scanned */
unsigned g_violations;
bool g_audit;              /* --audit: framework files, every raw site, spelling lines */
CXTranslationUnit g_tu;
CXCursor g_function;       /* the function being walked (for the recursion rule) */
bool g_in_function;

/* ---- file classification --------------------------------------------------------------------- */


#define FCACHE 1024
static struct {
	CXFile file;
	enum fclass cls;
	char path[PATH_MAX];
} g_fcache[FCACHE];
static unsigned g_fcache_n;

void fcache_reset(void)
{
	g_fcache_n = 0;
}

/* The real path of a file; cached per translation unit. */
static unsigned fcache_lookup(CXFile f)
{
	for (unsigned i = 0; i < g_fcache_n; i++)
		if (g_fcache[i].file == f)
			return i;
	unsigned i = g_fcache_n < FCACHE ? g_fcache_n++ : FCACHE - 1;
	g_fcache[i].file = f;
	CXString name = clang_File_tryGetRealPathName(f);
	const char *n = clang_getCString(name);
	if (!n || !*n) {
		clang_disposeString(name);
		name = clang_getFileName(f);
		n = clang_getCString(name);
	}
	char real[PATH_MAX];
	if (!n || !realpath(n, real))
		snprintf(real, sizeof real, "%s", n ? n : "");
	clang_disposeString(name);
	snprintf(g_fcache[i].path, PATH_MAX, "%s", real);
	const char *p = real;
	enum fclass c;
	if (starts_with(p, g_api))
		c = FC_API;
	else if (starts_with(p, g_framework))
		c = FC_FRAMEWORK;
	else if (g_service[0] && starts_with(p, g_service))
		c = FC_SERVICE;
	else if (starts_with(p, g_root))
		c = FC_FOREIGN;
	else if (strstr(p, "/lib/clang/") && strstr(p, "/include/"))
		c = FC_SYSTEM;
	else
		c = FC_FOREIGN;
	g_fcache[i].cls = c;
	return i;
}

enum fclass file_class(CXFile f)
{
	return f ? g_fcache[fcache_lookup(f)].cls : FC_NONE;
}

const char *file_path(CXFile f)
{
	return f ? g_fcache[fcache_lookup(f)].path : "";
}

/* Where a token was really written (macro bodies resolve to their definition). */
enum fclass spelling_class(CXCursor c)
{
	CXFile f;
	unsigned line, col, off;
	clang_getSpellingLocation(clang_getCursorLocation(c), &f, &line, &col, &off);
	return file_class(f);
}

/* Where a construct is reported: the expansion site, or where a macro argument was written. */
enum fclass location_class(CXCursor c)
{
	CXFile f;
	unsigned line, col, off;
	clang_getFileLocation(clang_getCursorLocation(c), &f, &line, &col, &off);
	return file_class(f);
}

/* A token spelled in framework/include/fw/ is trusted framework code; everything else a
 * service file expands is checked. */
bool is_checked(CXCursor c)
{
	return spelling_class(c) != FC_API;
}

/* ---- reporting -------------------------------------------------------------------------------- */

void print_path(FILE *out, const char *real)
{
	if (starts_with(real, g_root)) {
		if (strcmp(g_root_arg, ".") == 0)
			fputs(real + strlen(g_root), out);
		else
			fprintf(out, "%s/%s", g_root_arg, real + strlen(g_root));
	} else {
		fputs(real, out);
	}
}

void report_at(CXSourceLocation loc, const char *rule, const char *fmt, ...)
{
	CXFile f;
	unsigned line, col, off;
	if (g_audit) /* where the raw operation is written, so its SAFETY comment is found */
		clang_getSpellingLocation(loc, &f, &line, &col, &off);
	else
		clang_getFileLocation(loc, &f, &line, &col, &off);
	char key[PATH_MAX + 96];
	snprintf(key, sizeof key, "%s:%u:%u:%s", file_path(f), line, col, rule);
	bool added;
	strset_put(&g_reported, key, &added);
	if (!added)
		return;
	g_violations++;
	print_path(stdout, file_path(f));
	printf(":%u:%u: [%s] ", line, col, rule);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A report whose place was saved as text (`file:line:col`), for the checks that conclude after
 * every file has been parsed. */
void report_text(const char *where, const char *rule, const char *fmt, ...)
{
	char key[PATH_MAX + 96];
	snprintf(key, sizeof key, "%s:%s", where, rule);
	bool added;
	strset_put(&g_reported, key, &added);
	if (!added)
		return;
	g_violations++;
	print_path(stdout, where);
	printf(": [%s] ", rule);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ---- cursor helpers --------------------------------------------------------------------------- */


static enum CXChildVisitResult collect_kid(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct kids *k = d;
	if (k->n < MAXKIDS)
		k->c[k->n++] = c;
	return CXChildVisit_Continue;
}

struct kids kids_of(CXCursor c)
{
	struct kids k;
	k.n = 0;
	clang_visitChildren(c, collect_kid, &k);
	return k;
}

bool is_expr_kind(enum CXCursorKind k)
{
	return clang_isExpression(k);
}

/* Looks through parentheses and implicit conversions (UnexposedExpr with one expression child
 * that is not a designated initializer). */
CXCursor strip(CXCursor c)
{
	for (int i = 0; i < 32; i++) {
		enum CXCursorKind k = clang_getCursorKind(c);
		if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr)
			break;
		struct kids kk = kids_of(c);
		if (kk.n != 1 || !is_expr_kind(clang_getCursorKind(kk.c[0])))
			break;
		c = kk.c[0];
	}
	return c;
}

struct annot_query {
	const char *what;
	bool found;
};

static enum CXChildVisitResult annot_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct annot_query *q = d;
	if (clang_getCursorKind(c) == CXCursor_AnnotateAttr) {
		CXString s = clang_getCursorSpelling(c);
		if (strcmp(clang_getCString(s), q->what) == 0)
			q->found = true;
		clang_disposeString(s);
	}
	return CXChildVisit_Continue;
}

bool has_annotation(CXCursor decl, const char *what)
{
	struct annot_query q = { what, false };
	clang_visitChildren(decl, annot_visit, &q);
	if (!q.found) {
		CXCursor def = clang_getCursorDefinition(decl);
		if (!clang_Cursor_isNull(def) && !clang_equalCursors(def, decl))
			clang_visitChildren(def, annot_visit, &q);
	}
	if (!q.found) {
		CXCursor canon = clang_getCanonicalCursor(decl);
		if (!clang_equalCursors(canon, decl))
			clang_visitChildren(canon, annot_visit, &q);
	}
	return q.found;
}

/* An annotation that loosens a rule (FW_VALUE: copyable whole) counts only on a declaration
 * made in framework/include/fw/: a service's own `annotate("trellis_value")`, or a redeclaration
 * of a framework tag carrying one, must not make a private-holding type copyable. */
bool has_fw_annotation(CXCursor decl, const char *what)
{
	CXCursor cs[3] = { decl, clang_getCursorDefinition(decl), clang_getCanonicalCursor(decl) };
	for (int i = 0; i < 3; i++) {
		if (clang_Cursor_isNull(cs[i]) || location_class(cs[i]) != FC_API)
			continue;
		struct annot_query q = { what, false };
		clang_visitChildren(cs[i], annot_visit, &q);
		if (q.found)
			return true;
	}
	return false;
}

bool is_private_field(CXCursor field)
{
	return clang_getCursorKind(field) == CXCursor_FieldDecl &&
	       has_annotation(field, "trellis_private");
}

char *spelling(CXCursor c)
{
	CXString s = clang_getCursorSpelling(c);
	char *r = xstrdup(clang_getCString(s) ? clang_getCString(s) : "");
	clang_disposeString(s);
	return r;
}

char *type_name(CXType t)
{
	CXString s = clang_getTypeSpelling(t);
	char *r = xstrdup(clang_getCString(s));
	clang_disposeString(s);
	return r;
}

