/*
 * safecheck — the Trellis safe-C checker.
 *
 * Parses every service file (kernel/, examples/<name>/) with its real compile flags (read from
 * a compilation database) through libclang, once per file, and reports every construct that
 * only the framework may use, as `file:line:col: [rule] explanation`. docs/safety.md lists the
 * rules and what they guarantee. The exemption for trusted macros rests on one fact: libclang's
 * spelling location of a token is the file it was really written in (never moved by `#line`),
 * so a token spelled in a macro body defined under framework/include/fw/ is framework code and
 * every other token — service files, service macros, macro arguments — is checked.
 *
 *   safecheck -p DBDIR [--root DIR] [--time] [--all | FILE...]
 *   safecheck --exports [--root DIR] [-- FLAGS...]   print the names framework/include/fw/
 *                                                     declares with external linkage
 *   safecheck --audit -p DBDIR --all                  framework files: report every raw
 *                                                     operation where it is spelled (make tcb)
 * Exit status: 0 clean, 1 violations found, 2 usage or parse failure.
 */
#include <clang-c/CXCompilationDatabase.h>
#include <clang-c/Index.h>
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- small utilities ------------------------------------------------------------------------ */

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p) {
		fprintf(stderr, "safecheck: out of memory\n");
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = xmalloc(strlen(s) + 1);
	memcpy(p, s, strlen(s) + 1);
	return p;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A set of strings (open hashing); used for names, reported violations and struct tags. */
struct strset {
	char **keys;
	char **vals;
	size_t cap, len;
};

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
static char **strset_put(struct strset *s, const char *key, bool *added)
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

static bool strset_has(struct strset *s, const char *key)
{
	return s->cap && *strset_slot(s, key);
}

/* ---- global state ---------------------------------------------------------------------------- */

static char g_root[PATH_MAX];     /* realpath of the repository (or corpus) root, with a '/' */
static const char *g_root_arg = "."; /* the root as given, to print paths the user can open */
static char g_api[PATH_MAX];      /* <root>/framework/include/fw/ */
static char g_framework[PATH_MAX]; /* <root>/framework/ */
static char g_service[PATH_MAX];  /* the service tree of the file being checked, with a '/' */
static struct strset g_fw_names;  /* every name framework/include/fw/ declares or defines */
static struct strset g_reported;  /* violations already printed (headers are seen many times) */
static struct strset g_tags;      /* struct/enum tag -> where it was first defined */
static struct strset g_scanned;   /* service files whose tokens were already scanned */
static unsigned g_violations;
static bool g_audit;              /* --audit: framework files, every raw site, spelling lines */
static CXTranslationUnit g_tu;
static CXCursor g_function;       /* the function being walked (for the recursion rule) */
static bool g_in_function;

/* ---- file classification --------------------------------------------------------------------- */

enum fclass {
	FC_NONE,     /* no file: a builtin declaration or token-pasting scratch space */
	FC_API,      /* framework/include/fw/: the trusted, public API */
	FC_FRAMEWORK, /* the rest of framework/: internal, never visible to services */
	FC_SERVICE,  /* the service tree of the file being checked */
	FC_FOREIGN,  /* another service tree, or any other file in the repository */
	FC_SYSTEM,   /* the compiler's own headers (-nostdinc leaves only these) */
};

#define FCACHE 1024
static struct {
	CXFile file;
	enum fclass cls;
	char path[PATH_MAX];
} g_fcache[FCACHE];
static unsigned g_fcache_n;

static void fcache_reset(void)
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

static enum fclass file_class(CXFile f)
{
	return f ? g_fcache[fcache_lookup(f)].cls : FC_NONE;
}

static const char *file_path(CXFile f)
{
	return f ? g_fcache[fcache_lookup(f)].path : "";
}

/* Where a token was really written (macro bodies resolve to their definition). */
static enum fclass spelling_class(CXCursor c)
{
	CXFile f;
	unsigned line, col, off;
	clang_getSpellingLocation(clang_getCursorLocation(c), &f, &line, &col, &off);
	return file_class(f);
}

/* Where a construct is reported: the expansion site, or where a macro argument was written. */
static enum fclass location_class(CXCursor c)
{
	CXFile f;
	unsigned line, col, off;
	clang_getFileLocation(clang_getCursorLocation(c), &f, &line, &col, &off);
	return file_class(f);
}

/* A token spelled in framework/include/fw/ is trusted framework code; everything else a
 * service file expands is checked. */
static bool is_checked(CXCursor c)
{
	return spelling_class(c) != FC_API;
}

/* ---- reporting -------------------------------------------------------------------------------- */

static void print_path(FILE *out, const char *real)
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

static void report_at(CXSourceLocation loc, const char *rule, const char *fmt, ...)
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

/* ---- cursor helpers --------------------------------------------------------------------------- */

#define MAXKIDS 256
struct kids {
	CXCursor c[MAXKIDS];
	unsigned n;
};

static enum CXChildVisitResult collect_kid(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct kids *k = d;
	if (k->n < MAXKIDS)
		k->c[k->n++] = c;
	return CXChildVisit_Continue;
}

static struct kids kids_of(CXCursor c)
{
	struct kids k;
	k.n = 0;
	clang_visitChildren(c, collect_kid, &k);
	return k;
}

static bool is_expr_kind(enum CXCursorKind k)
{
	return clang_isExpression(k);
}

/* Looks through parentheses and implicit conversions (UnexposedExpr with one expression child
 * that is not a designated initializer). */
static CXCursor strip(CXCursor c)
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

static bool has_annotation(CXCursor decl, const char *what);

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

static bool has_annotation(CXCursor decl, const char *what)
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

static bool is_private_field(CXCursor field)
{
	return clang_getCursorKind(field) == CXCursor_FieldDecl &&
	       has_annotation(field, "trellis_private");
}

static char *spelling(CXCursor c)
{
	CXString s = clang_getCursorSpelling(c);
	char *r = xstrdup(clang_getCString(s) ? clang_getCString(s) : "");
	clang_disposeString(s);
	return r;
}

static char *type_name(CXType t)
{
	CXString s = clang_getTypeSpelling(t);
	char *r = xstrdup(clang_getCString(s));
	clang_disposeString(s);
	return r;
}

/* ---- type predicates -------------------------------------------------------------------------- */

static bool is_integer_kind(enum CXTypeKind k)
{
	return (k >= CXType_Bool && k <= CXType_Int128) || k == CXType_Enum;
}

/* Pointer-valued in arithmetic: pointers and arrays (which decay; a parameter declared as an
 * array is reported with its array type but is a plain pointer). */
static bool is_pointerish(CXType t)
{
	enum CXTypeKind k = clang_getCanonicalType(t).kind;
	return k == CXType_Pointer || k == CXType_ConstantArray || k == CXType_IncompleteArray ||
	       k == CXType_VariableArray;
}

static bool refers_to_parameter(CXCursor e)
{
	return clang_getCursorKind(e) == CXCursor_DeclRefExpr &&
	       clang_getCursorKind(clang_getCursorReferenced(e)) == CXCursor_ParmDecl;
}

static bool is_union_type(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_Record &&
	       clang_getCursorKind(clang_getTypeDeclaration(t)) == CXCursor_UnionDecl;
}

struct field_list {
	CXCursor f[128];
	unsigned n;
};

static enum CXVisitorResult field_collect(CXCursor c, CXClientData d)
{
	struct field_list *l = d;
	if (l->n < 128)
		l->f[l->n++] = c;
	return CXVisit_Continue;
}

static struct field_list *fields_of(CXType t, struct field_list *l)
{
	l->n = 0;
	clang_Type_visitFields(clang_getCanonicalType(t), field_collect, l);
	return l;
}

/* No-copy: a struct annotated trellis_nocopy, or one that contains such a struct. */
static bool is_nocopy(CXType t, int depth)
{
	t = clang_getCanonicalType(t);
	while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
		t = clang_getCanonicalType(clang_getArrayElementType(t));
	if (t.kind != CXType_Record || depth > 8)
		return false;
	CXCursor decl = clang_getTypeDeclaration(t);
	if (has_annotation(decl, "trellis_nocopy"))
		return true;
	struct field_list l;
	fields_of(t, &l);
	for (unsigned i = 0; i < l.n; i++)
		if (is_nocopy(clang_getCursorType(l.f[i]), depth + 1))
			return true;
	return false;
}

/* Plain data: integers, enums, arrays of them and padding-free structs of them — the only
 * types arbitrary bytes may be copied into or out of. On failure *why names the reason. */
static bool is_plain(CXType t, const char **why, int depth)
{
	t = clang_getCanonicalType(t);
	if (depth > 8) {
		*why = "is nested too deeply";
		return false;
	}
	switch (t.kind) {
	case CXType_Bool:
		*why = "contains a bool (only 0 and 1 are valid bytes)";
		return false;
	case CXType_Pointer:
	case CXType_BlockPointer:
		*why = "contains a pointer";
		return false;
	case CXType_Enum:
		return true;
	case CXType_ConstantArray:
		return is_plain(clang_getArrayElementType(t), why, depth + 1);
	case CXType_Record: {
		if (is_union_type(t)) {
			*why = "contains a union";
			return false;
		}
		CXCursor decl = clang_getTypeDeclaration(t);
		if (has_annotation(decl, "trellis_nocopy")) {
			*why = "is a no-copy type";
			return false;
		}
		struct field_list l;
		fields_of(t, &l);
		long long bits = 0;
		for (unsigned i = 0; i < l.n; i++) {
			if (is_private_field(l.f[i])) {
				*why = "has a private field";
				return false;
			}
			if (clang_Cursor_isBitField(l.f[i])) {
				bits += clang_getFieldDeclBitWidth(l.f[i]);
				continue;
			}
			CXType ft = clang_getCursorType(l.f[i]);
			if (clang_getCanonicalType(ft).kind == CXType_IncompleteArray) {
				*why = "has a flexible array member";
				return false;
			}
			if (!is_plain(ft, why, depth + 1))
				return false;
			bits += clang_Type_getSizeOf(ft) * 8;
		}
		if (bits != clang_Type_getSizeOf(t) * 8) {
			*why = "has padding (it would copy uninitialised kernel bytes)";
			return false;
		}
		return true;
	}
	default:
		if (is_integer_kind(t.kind))
			return true;
		*why = "is not an integer, enum, array or struct of those";
		return false;
	}
}

/* A type contains a VLA or a union anywhere in its structure (pointees included). */
static void check_type_shape(CXType t, CXCursor where, int depth)
{
	if (depth > 8)
		return;
	CXType c = clang_getCanonicalType(t);
	switch (c.kind) {
	case CXType_VariableArray:
	case CXType_DependentSizedArray:
		report_at(clang_getCursorLocation(where), "vla",
			  "variable-length array type: stack use must be bounded; use a fixed-size "
			  "array or a framework buffer");
		return;
	case CXType_Pointer:
		check_type_shape(clang_getPointeeType(c), where, depth + 1);
		return;
	case CXType_ConstantArray:
	case CXType_IncompleteArray:
		check_type_shape(clang_getArrayElementType(c), where, depth + 1);
		return;
	case CXType_Record:
		if (is_union_type(c))
			report_at(clang_getCursorLocation(where), "union",
				  "union type: a union reinterprets memory as another type");
		return;
	default:
		return;
	}
}

/* ---- null pointer constants ------------------------------------------------------------------- */

static bool is_zero_literal(CXCursor c)
{
	c = strip(c);
	enum CXCursorKind k = clang_getCursorKind(c);
	if (k == CXCursor_IntegerLiteral) {
		CXEvalResult r = clang_Cursor_Evaluate(c);
		bool zero = r && clang_EvalResult_getKind(r) == CXEval_Int &&
			    clang_EvalResult_getAsLongLong(r) == 0;
		if (r)
			clang_EvalResult_dispose(r);
		return zero;
	}
	return false;
}

/* 0, (void *)0 (NULL), nullptr: the only integers that may become pointers. */
static bool is_null_constant(CXCursor c)
{
	c = strip(c);
	enum CXCursorKind k = clang_getCursorKind(c);
	if (k == CXCursor_CXXNullPtrLiteralExpr)
		return true;
	if (k == CXCursor_IntegerLiteral)
		return is_zero_literal(c);
	if (k == CXCursor_CStyleCastExpr) {
		CXType t = clang_getCanonicalType(clang_getCursorType(c));
		if (t.kind == CXType_Pointer &&
		    clang_getCanonicalType(clang_getPointeeType(t)).kind == CXType_Void) {
			struct kids kk = kids_of(c);
			return kk.n >= 1 && is_zero_literal(kk.c[kk.n - 1]);
		}
	}
	return false;
}

/* ---- the rules on expressions ----------------------------------------------------------------- */

static bool subtree_written_by_service(CXCursor c);

struct subtree_query {
	bool found;
};

/* A value the service wrote: type names and field names passed to a trusted macro (TypeRef,
 * MemberRef cursors) are not values, and identifiers pasted in a trusted body (scratch space,
 * `name##_suffix`) name what the macro itself generates. */
static bool service_value(CXCursor c)
{
	if (clang_isReference(clang_getCursorKind(c)))
		return false;
	enum fclass sc = spelling_class(c);
	return sc != FC_API && sc != FC_SYSTEM && sc != FC_NONE;
}

static enum CXChildVisitResult subtree_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct subtree_query *q = d;
	if (service_value(c)) {
		q->found = true;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

static bool subtree_written_by_service(CXCursor c)
{
	if (service_value(c))
		return true;
	struct subtree_query q = { false };
	clang_visitChildren(c, subtree_visit, &q);
	return q.found;
}

/*
 * A raw operation at cursor `site` with operands `ops`. Service-written: reported under `rule`.
 * Spelled in a trusted macro body: exempt, unless an operand was written by the service (a
 * trusted macro must never cast, offset or index its arguments).
 */
static void raw_op(CXCursor site, const CXCursor *ops, unsigned nops, const char *rule,
		   const char *msg)
{
	if (is_checked(site)) {
		report_at(clang_getCursorLocation(site), rule, "%s", msg);
		return;
	}
	for (unsigned i = 0; i < nops; i++) {
		if (subtree_written_by_service(ops[i])) {
			report_at(clang_getCursorLocation(ops[i]), "trusted-macro",
				  "a trusted framework macro applies a raw operation (%s) to an operand "
				  "the service wrote: %s",
				  rule, msg);
			return;
		}
	}
}

static bool same_pointee_adding_qualifiers(CXType to, CXType from)
{
	CXType pt = clang_getPointeeType(to), pf = clang_getPointeeType(from);
	if (clang_isConstQualifiedType(pf) && !clang_isConstQualifiedType(pt))
		return false;
	if (clang_isVolatileQualifiedType(pf) && !clang_isVolatileQualifiedType(pt))
		return false;
	CXType ut = clang_getCanonicalType(clang_getUnqualifiedType(clang_getCanonicalType(pt)));
	CXType uf = clang_getCanonicalType(clang_getUnqualifiedType(clang_getCanonicalType(pf)));
	if (clang_equalTypes(ut, uf))
		return true;
	if (uf.kind == CXType_FunctionProto || uf.kind == CXType_FunctionNoProto)
		return false; /* a code address is never data */
	/* T * -> void *: nothing a service can call takes void * except trusted macros' backends
	 * (which are checked below), and void * -> T * is rejected, so this cannot forge. */
	return ut.kind == CXType_Void;
}

/* A conversion (explicit cast or implicit) from `operand` to `to`. */
static void check_conversion(CXCursor site, CXType to, CXCursor operand, bool explicit_cast)
{
	CXType ct = clang_getCanonicalType(to);
	CXType from = clang_getCanonicalType(clang_getCursorType(operand));
	if (ct.kind != CXType_Pointer)
		return;
	const char *how = explicit_cast ? "cast" : "implicit conversion";
	if (is_integer_kind(from.kind)) {
		if (is_null_constant(operand))
			return;
		char msg[256];
		snprintf(msg, sizeof msg,
			 "%s from an integer to a pointer: services cannot conjure pointers", how);
		raw_op(site, &operand, 1, "int-to-pointer", msg);
		return;
	}
	if (from.kind != CXType_Pointer)
		return; /* array and function decay keep the element type */
	if (same_pointee_adding_qualifiers(ct, from))
		return;
	if (is_null_constant(operand))
		return;
	char *a = type_name(clang_getCursorType(operand)), *b = type_name(to);
	char msg[600];
	bool drops_const = clang_isConstQualifiedType(clang_getPointeeType(from)) &&
			   !clang_isConstQualifiedType(clang_getPointeeType(ct));
	snprintf(msg, sizeof msg, "%s from '%s' to '%s' %s", how, a, b,
		 drops_const ? "casts away const"
			     : "reinterprets memory as another type (use a typed API, a checked "
			       "downcast or a plain-data copy macro)");
	raw_op(site, &operand, 1, "pointer-cast", msg);
	free(a);
	free(b);
}

static CXCursor referenced_field(CXCursor lhs)
{
	lhs = strip(lhs);
	if (clang_getCursorKind(lhs) == CXCursor_MemberRefExpr) {
		CXCursor f = clang_getCursorReferenced(lhs);
		if (clang_getCursorKind(f) == CXCursor_FieldDecl)
			return f;
	}
	return clang_getNullCursor();
}

static void check_private_write(CXCursor site, CXCursor lhs, const char *what)
{
	CXCursor f = referenced_field(lhs);
	if (clang_Cursor_isNull(f) || !is_private_field(f) || !is_checked(site))
		return;
	char *n = spelling(f);
	report_at(clang_getCursorLocation(lhs), "private",
		  "%s private field '%s': only the framework may set it (counts and handles are "
		  "set by the framework's constructors)",
		  what, n);
	free(n);
}

/* Constant array subscripts: true when the index is a constant in [0, size). */
static bool constant_in_range(CXCursor base, CXCursor index)
{
	CXType bt = clang_getCanonicalType(clang_getCursorType(strip(base)));
	if (bt.kind != CXType_ConstantArray || refers_to_parameter(strip(base)))
		return false;
	CXEvalResult r = clang_Cursor_Evaluate(strip(index));
	if (!r)
		return false;
	bool ok = false;
	if (clang_EvalResult_getKind(r) == CXEval_Int) {
		long long v = clang_EvalResult_getAsLongLong(r);
		ok = v >= 0 && v < clang_getArraySize(bt);
	}
	clang_EvalResult_dispose(r);
	return ok;
}

/* The base of a subscript must be something the compiler's trapping bounds check covers: a
 * fixed-size array object or a counted_by array/pointer field. */
static bool bounds_checked_base(CXCursor base, const char **what)
{
	CXCursor b = strip(base);
	CXType t = clang_getCursorType(b);
	CXType ct = clang_getCanonicalType(t);
	char *sp = type_name(t);
	bool counted = strstr(sp, "counted_by(") != NULL;
	free(sp);
	if (counted)
		return true;
	if (refers_to_parameter(b)) {
		*what = "a parameter (array parameters are plain pointers)";
		return false;
	}
	if (ct.kind == CXType_ConstantArray)
		return true;
	if (ct.kind == CXType_IncompleteArray) {
		*what = "a flexible array member without counted_by";
		return false;
	}
	*what = "a plain pointer (not bounds-checked)";
	return false;
}

static void check_subscript(CXCursor c)
{
	struct kids k = kids_of(c);
	if (k.n != 2)
		return;
	/* Either operand may be the array (i[a] is legal C). */
	CXCursor base = k.c[0], index = k.c[1];
	if (!is_pointerish(clang_getCursorType(base)) && is_pointerish(clang_getCursorType(index))) {
		base = k.c[1];
		index = k.c[0];
	}
	const char *what = NULL;
	if (bounds_checked_base(base, &what))
		return;
	char msg[256];
	snprintf(msg, sizeof msg,
		 "subscript on %s: index fixed-size arrays, counted_by arrays or framework slices",
		 what);
	raw_op(c, k.c, 2, "subscript", msg);
}

static void check_binary(CXCursor c)
{
	struct kids k = kids_of(c);
	if (k.n != 2)
		return;
	enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
	switch (op) {
	case CXBinaryOperator_Add:
	case CXBinaryOperator_Sub:
	case CXBinaryOperator_AddAssign:
	case CXBinaryOperator_SubAssign:
		if (is_pointerish(clang_getCursorType(k.c[0])) ||
		    is_pointerish(clang_getCursorType(k.c[1])))
			raw_op(c, k.c, 2, "pointer-arith",
			       "pointer arithmetic: index an array or use a framework slice");
		break;
	default:
		break;
	}
	if (op >= CXBinaryOperator_Assign && op <= CXBinaryOperator_OrAssign)
		check_private_write(c, k.c[0], "assignment to");
}

static void check_unary(CXCursor c)
{
	struct kids k = kids_of(c);
	if (k.n != 1)
		return;
	enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(c);
	CXCursor e = k.c[0];
	switch (op) {
	case CXUnaryOperator_PostInc:
	case CXUnaryOperator_PostDec:
	case CXUnaryOperator_PreInc:
	case CXUnaryOperator_PreDec:
		if (is_pointerish(clang_getCursorType(e)))
			raw_op(c, k.c, 1, "pointer-arith",
			       "pointer increment/decrement: index an array or use a framework slice");
		check_private_write(c, e, "increment/decrement of");
		break;
	case CXUnaryOperator_AddrOf: {
		check_private_write(c, e, "taking the address of");
		CXCursor s = strip(e);
		if (clang_getCursorKind(s) != CXCursor_ArraySubscriptExpr)
			break;
		struct kids sk = kids_of(s);
		if (sk.n == 2 && !constant_in_range(sk.c[0], sk.c[1]))
			raw_op(c, sk.c, 2, "addr-of-element",
			       "&a[i] without a constant in-range index: the bounds check lets the "
			       "one-past-the-end pointer through");
		break;
	}
	default:
		break;
	}
}

static bool is_void_cast(CXCursor c)
{
	return clang_getCursorKind(c) == CXCursor_CStyleCastExpr &&
	       clang_getCanonicalType(clang_getCursorType(c)).kind == CXType_Void;
}

/* An initializer element that copies an existing object (the syntactic form of an init list
 * has no lvalue-to-rvalue conversion to catch). */
static void check_init_copy(CXCursor value)
{
	CXCursor v = strip(value);
	enum CXCursorKind k = clang_getCursorKind(v);
	if (k != CXCursor_DeclRefExpr && k != CXCursor_MemberRefExpr && k != CXCursor_UnaryOperator &&
	    k != CXCursor_ArraySubscriptExpr)
		return;
	if (is_nocopy(clang_getCursorType(v), 0) && is_checked(v))
		report_at(clang_getCursorLocation(v), "nocopy",
			  "initializer copies a no-copy object: keep a pointer instead");
}

/* Initializers: copies of no-copy objects, and positional or designated initializers that set
 * private fields. */
static void check_init_list(CXCursor c)
{
	struct kids k0 = kids_of(c);
	for (unsigned i = 0; i < k0.n; i++) {
		struct kids ek = kids_of(k0.c[i]);
		if (clang_getCursorKind(k0.c[i]) == CXCursor_UnexposedExpr && ek.n >= 2 &&
		    clang_getCursorKind(ek.c[0]) == CXCursor_MemberRef)
			check_init_copy(ek.c[ek.n - 1]);
		else
			check_init_copy(k0.c[i]);
	}
	CXType t = clang_getCanonicalType(clang_getCursorType(c));
	if (t.kind != CXType_Record || !is_checked(c))
		return;
	struct field_list fl;
	fields_of(t, &fl);
	bool any_private = false;
	for (unsigned i = 0; i < fl.n; i++)
		any_private |= is_private_field(fl.f[i]);
	if (!any_private)
		return;
	struct kids k = kids_of(c);
	unsigned next = 0;
	for (unsigned i = 0; i < k.n; i++) {
		CXCursor e = k.c[i];
		struct kids ek = kids_of(e);
		if (clang_getCursorKind(e) == CXCursor_UnexposedExpr && ek.n >= 1 &&
		    clang_getCursorKind(ek.c[0]) == CXCursor_MemberRef) {
			/* .field = value */
			CXCursor f = clang_getCursorReferenced(ek.c[0]);
			for (unsigned j = 0; j < fl.n; j++)
				if (clang_equalCursors(fl.f[j], f))
					next = j;
			if (is_private_field(f)) {
				char *n = spelling(f);
				report_at(clang_getCursorLocation(ek.c[0]), "private",
					  "designated initializer sets private field '%s'", n);
				free(n);
			}
			next++;
			continue;
		}
		if (next < fl.n && is_private_field(fl.f[next])) {
			char *n = spelling(fl.f[next]);
			report_at(clang_getCursorLocation(e), "private",
				  "positional initializer sets private field '%s'", n);
			free(n);
		}
		next++;
	}
}

static const char *const BUILTIN_ALLOW[] = {
	"__builtin_expect", "__builtin_expect_with_probability", "__builtin_constant_p",
	"__builtin_offsetof", "__builtin_types_compatible_p", "__builtin_choose_expr",
	"__builtin_add_overflow", "__builtin_sub_overflow", "__builtin_mul_overflow",
	"__builtin_clz", "__builtin_clzl", "__builtin_clzll", "__builtin_ctz", "__builtin_ctzl",
	"__builtin_ctzll", "__builtin_popcount", "__builtin_popcountl", "__builtin_popcountll",
	"__builtin_ffs", "__builtin_ffsl", "__builtin_ffsll", "__builtin_parity",
	"__builtin_parityl", "__builtin_parityll", "__builtin_bswap16", "__builtin_bswap32",
	"__builtin_bswap64", "__builtin_rotateleft8", "__builtin_rotateleft16",
	"__builtin_rotateleft32", "__builtin_rotateleft64", "__builtin_rotateright8",
	"__builtin_rotateright16", "__builtin_rotateright32", "__builtin_rotateright64",
	"__builtin_unreachable", "__builtin_trap", "__builtin_abs", "__builtin_labs",
	"__builtin_llabs", "__builtin_stdc_bit_width", NULL,
};

static bool builtin_allowed(const char *name)
{
	for (int i = 0; BUILTIN_ALLOW[i]; i++)
		if (strcmp(name, BUILTIN_ALLOW[i]) == 0)
			return true;
	return false;
}

static bool is_builtin_prefix(const char *s)
{
	return starts_with(s, "__builtin_") || starts_with(s, "__sync_") ||
	       starts_with(s, "__atomic_") || starts_with(s, "__c11_atomic_") ||
	       starts_with(s, "__scoped_atomic_") || starts_with(s, "__arithmetic_fence");
}

/* A reference to a function or global: it must be declared in framework/include/fw/ or in the
 * service's own tree; compiler builtins only from the allow-list. */
static void check_decl_ref(CXCursor c)
{
	CXCursor d = clang_getCursorReferenced(c);
	enum CXCursorKind dk = clang_getCursorKind(d);
	if (dk != CXCursor_FunctionDecl && dk != CXCursor_VarDecl)
		return;
	if (dk == CXCursor_VarDecl && !clang_Cursor_hasVarDeclGlobalStorage(d))
		return;
	if (!is_checked(c))
		return;
	char *name = spelling(d);
	CXFile f;
	unsigned line, col, off;
	clang_getFileLocation(clang_getCursorLocation(d), &f, &line, &col, &off);
	enum fclass fc = file_class(f);
	if (fc == FC_NONE) {
		if (!builtin_allowed(name))
			report_at(clang_getCursorLocation(c), "builtin",
				  "'%s' is a compiler builtin or an implicitly declared function "
				  "outside the allow-list",
				  name);
	} else if (fc == FC_SYSTEM && dk == CXCursor_FunctionDecl) {
		report_at(clang_getCursorLocation(c), "api",
			  "'%s' is declared in a compiler header (%s): intrinsics run raw machine "
			  "operations",
			  name, file_path(f));
	} else if (fc != FC_API && fc != FC_SERVICE && fc != FC_SYSTEM) {
		report_at(clang_getCursorLocation(c), "api",
			  "'%s' is declared in %s, neither in framework/include/fw/ nor in this "
			  "service's own tree",
			  name, file_path(f));
	} else if (fc == FC_API && name[0] == '_' && (name[1] == '_' || (name[1] >= 'A' && name[1] <= 'Z'))) {
		report_at(clang_getCursorLocation(c), "api",
			  "'%s' is a reserved name: a framework backend for its trusted macros, not "
			  "an API services call directly",
			  name);
	}
	free(name);
}

static void check_call(CXCursor c)
{
	CXCursor d = clang_getCursorReferenced(c);
	if (clang_getCursorKind(d) != CXCursor_FunctionDecl)
		return;
	if (g_in_function && is_checked(c) &&
	    clang_equalCursors(clang_getCanonicalCursor(d), clang_getCanonicalCursor(g_function))) {
		char *n = spelling(d);
		report_at(clang_getCursorLocation(c), "recursion",
			  "'%s' calls itself: stack depth must be bounded (use a loop or an explicit "
			  "work list)",
			  n);
		free(n);
	}
	if (!has_annotation(d, "trellis_plain_data_arg"))
		return;
	char *n = spelling(d);
	if (is_checked(c))
		report_at(clang_getCursorLocation(c), "plain-data",
			  "'%s' is a byte-copy backend: call it only through its framework copy macro",
			  n);
	int na = clang_Cursor_getNumArguments(c);
	CXType fty = clang_getCursorType(d);
	for (int i = 0; i < na; i++) {
		/* Only the untyped side: arguments bound to a `void *` parameter. */
		CXType param = clang_getCanonicalType(clang_getArgType(fty, (unsigned)i));
		if (param.kind != CXType_Pointer ||
		    clang_getCanonicalType(clang_getPointeeType(param)).kind != CXType_Void)
			continue;
		CXCursor a = strip(clang_Cursor_getArgument(c, (unsigned)i));
		CXType t = clang_getCanonicalType(clang_getCursorType(a));
		if (t.kind != CXType_Pointer)
			continue;
		CXType pt = clang_getPointeeType(t);
		const char *why = "";
		if (!is_plain(pt, &why, 0)) {
			char *tn = type_name(pt);
			report_at(clang_getCursorLocation(a), "plain-data",
				  "'%s' is copied as bytes by '%s' but %s", tn, n, why);
			free(tn);
		}
	}
	free(n);
}

/* ---- declarations ----------------------------------------------------------------------------- */

static bool in_header(CXCursor c)
{
	CXFile f;
	unsigned line, col, off;
	clang_getFileLocation(clang_getCursorLocation(c), &f, &line, &col, &off);
	return ends_with(file_path(f), ".h");
}

static bool same_file_definition(CXCursor decl)
{
	CXCursor def = clang_getCursorDefinition(decl);
	return !clang_Cursor_isNull(def) && location_class(def) == FC_SERVICE;
}

static void check_redeclaration(CXCursor c, bool file_scope)
{
	if (!file_scope || !is_checked(c))
		return;
	char *n = spelling(c);
	if (n[0] && strset_has(&g_fw_names, n)) {
		enum CXCursorKind k = clang_getCursorKind(c);
		/* Defining a function the framework declares (an entry point such as kernel_main)
		 * is type-checked against that declaration by the compiler. */
		bool definition_of_fw_decl =
			k == CXCursor_FunctionDecl && clang_isCursorDefinition(c) &&
			spelling_class(clang_getCanonicalCursor(c)) == FC_API;
		if (!definition_of_fw_decl)
			report_at(clang_getCursorLocation(c), "redeclaration",
				  "'%s' is a framework name: include its framework header instead of "
				  "redeclaring it (the link step checks names, not types)",
				  n);
	}
	free(n);
}

static void check_struct_tag(CXCursor c)
{
	if (!clang_isCursorDefinition(c) || clang_Cursor_isAnonymous(c) || !is_checked(c))
		return;
	char *n = spelling(c);
	if (!n[0] || strstr(n, "(unnamed") || strstr(n, "(anonymous")) {
		free(n);
		return;
	}
	CXFile f;
	unsigned line, col, off;
	clang_getFileLocation(clang_getCursorLocation(c), &f, &line, &col, &off);
	char key[PATH_MAX + 128], where[PATH_MAX + 32];
	snprintf(key, sizeof key, "%s|%s", g_service, n);
	snprintf(where, sizeof where, "%s:%u:%u", file_path(f), line, col);
	bool added;
	char **v = strset_put(&g_tags, key, &added);
	if (added) {
		*v = xstrdup(where);
	} else if (strcmp(*v, where) != 0) {
		const char *first = *v;
		if (starts_with(first, g_root))
			first += strlen(g_root);
		report_at(clang_getCursorLocation(c), "struct-tag",
			  "tag '%s' is already defined at %s: tags must be unique across the service "
			  "(type caches and kCFI hashes key on names)",
			  n, first);
	}
	free(n);
}

static void check_function_decl(CXCursor c, bool file_scope)
{
	if (!is_checked(c))
		return;
	char *n = spelling(c);
	if (clang_isCursorDefinition(c) && clang_Cursor_isVariadic(c))
		report_at(clang_getCursorLocation(c), "variadic",
			  "variadic function definition '%s': va_arg reads untyped memory", n);
	CXType ft = clang_getCursorType(c);
	if (is_nocopy(clang_getResultType(ft), 0))
		report_at(clang_getCursorLocation(c), "nocopy",
			  "'%s' returns a no-copy type by value", n);
	int na = clang_Cursor_getNumArguments(c);
	for (int i = 0; i < na; i++) {
		CXCursor p = clang_Cursor_getArgument(c, (unsigned)i);
		if (is_nocopy(clang_getCursorType(p), 0))
			report_at(clang_getCursorLocation(p), "nocopy",
				  "parameter of a no-copy type passed by value (pass a pointer)");
	}
	bool is_static = clang_Cursor_getStorageClass(c) == CX_SC_Static;
	if (!clang_isCursorDefinition(c) && !is_static) {
		if (!file_scope)
			report_at(clang_getCursorLocation(c), "extern",
				  "block-scope function declaration '%s': declare functions in a header",
				  n);
		else if (!in_header(c) && !same_file_definition(c))
			report_at(clang_getCursorLocation(c), "extern",
				  "hand-written prototype of '%s' outside the service's headers: include "
				  "the header that declares it",
				  n);
	}
	free(n);
	check_redeclaration(c, file_scope);
}

static void check_var_decl(CXCursor c, bool file_scope)
{
	if (!is_checked(c))
		return;
	enum CX_StorageClass sc = clang_Cursor_getStorageClass(c);
	check_type_shape(clang_getCursorType(c), c, 0);
	if (sc == CX_SC_Extern && (!file_scope || !in_header(c))) {
		char *n = spelling(c);
		report_at(clang_getCursorLocation(c), "extern",
			  "hand-written extern '%s' outside the service's headers", n);
		free(n);
	}
	check_redeclaration(c, file_scope);
}

/* ---- the walk --------------------------------------------------------------------------------- */

static enum CXChildVisitResult walk(CXCursor c, CXCursor parent, CXClientData d);

static void walk_children(CXCursor c)
{
	clang_visitChildren(c, walk, NULL);
}

static enum CXChildVisitResult walk(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)d;
	enum CXCursorKind k = clang_getCursorKind(c);
	bool file_scope = clang_getCursorKind(parent) == CXCursor_TranslationUnit;
	switch (k) {
	case CXCursor_GCCAsmStmt:
	case CXCursor_MSAsmStmt:
		if (is_checked(c))
			report_at(clang_getCursorLocation(c), "asm", "inline assembly is framework-only");
		break;
	case CXCursor_IndirectGotoStmt:
	case CXCursor_AddrLabelExpr:
		if (is_checked(c))
			report_at(clang_getCursorLocation(c), "computed-goto",
				  "computed goto (&&label, goto *p) jumps to a code address: a jump "
				  "escapes kCFI and the stack discipline");
		break;
	case CXCursor_CStyleCastExpr: {
		struct kids kk = kids_of(c);
		if (kk.n >= 1)
			check_conversion(c, clang_getCursorType(c), kk.c[kk.n - 1], true);
		break;
	}
	case CXCursor_UnexposedExpr: {
		struct kids kk = kids_of(c);
		if (kk.n == 1 && is_expr_kind(clang_getCursorKind(kk.c[0]))) {
			CXType to = clang_getCursorType(c), from = clang_getCursorType(kk.c[0]);
			if (!clang_equalTypes(clang_getCanonicalType(to), clang_getCanonicalType(from)))
				check_conversion(c, to, kk.c[0], false);
			else if (clang_getCanonicalType(to).kind == CXType_Record &&
				 !is_void_cast(parent) && is_nocopy(to, 0) && is_checked(c))
				report_at(clang_getCursorLocation(c), "nocopy",
					  "copies a no-copy object (a reference-owning handle, lock or "
					  "container link): pass or keep a pointer instead");
		}
		break;
	}
	case CXCursor_BinaryOperator:
	case CXCursor_CompoundAssignOperator:
		check_binary(c);
		break;
	case CXCursor_UnaryOperator:
		check_unary(c);
		break;
	case CXCursor_ArraySubscriptExpr:
		check_subscript(c);
		break;
	case CXCursor_InitListExpr:
		check_init_list(c);
		break;
	case CXCursor_DeclRefExpr:
		check_decl_ref(c);
		break;
	case CXCursor_CallExpr:
		check_call(c);
		break;
	case CXCursor_FunctionDecl: {
		check_function_decl(c, file_scope);
		bool was_in = g_in_function;
		CXCursor was = g_function;
		g_in_function = true;
		g_function = c;
		walk_children(c);
		g_in_function = was_in;
		g_function = was;
		return CXChildVisit_Continue;
	}
	case CXCursor_VarDecl:
		check_var_decl(c, file_scope);
		break;
	case CXCursor_ParmDecl:
	case CXCursor_FieldDecl:
		if (is_checked(c))
			check_type_shape(clang_getCursorType(c), c, 0);
		break;
	case CXCursor_TypedefDecl:
		if (is_checked(c))
			check_type_shape(clang_getTypedefDeclUnderlyingType(c), c, 0);
		check_redeclaration(c, file_scope);
		break;
	case CXCursor_UnionDecl:
		if (is_checked(c))
			report_at(clang_getCursorLocation(c), "union",
				  "union declaration: a union reinterprets memory as another type");
		check_redeclaration(c, file_scope);
		break;
	case CXCursor_StructDecl:
	case CXCursor_EnumDecl:
		check_struct_tag(c);
		check_redeclaration(c, file_scope);
		break;
	case CXCursor_EnumConstantDecl:
		check_redeclaration(c, true);
		break;
	default:
		break;
	}
	return CXChildVisit_Recurse;
}

/* ---- token-level rules (service files only) --------------------------------------------------- */

static const char *const ATTR_ALLOW[] = {
	"unused", "maybe_unused", "noreturn", "_Noreturn", "always_inline", "noinline", "cold",
	"hot", "const", "pure", "warn_unused_result", "nodiscard", "fallthrough", "deprecated",
	"aligned", "nonnull", "returns_nonnull", "designated_init", "flag_enum",
	"enum_extensibility", "warn_unused", "noescape", "nonstring", "unavailable", "error",
	"warning", "diagnose_if", "annotate", "format_arg",
	/* thread-safety analysis */
	"capability", "lockable", "shared_capability", "scoped_lockable", "guarded_by",
	"pt_guarded_by", "acquired_before", "acquired_after", "requires_capability",
	"exclusive_locks_required", "requires_shared_capability", "shared_locks_required",
	"acquire_capability", "acquire_shared_capability", "exclusive_lock_function",
	"shared_lock_function", "release_capability", "release_shared_capability",
	"release_generic_capability", "unlock_function", "try_acquire_capability",
	"try_acquire_shared_capability", "exclusive_trylock_function", "shared_trylock_function",
	"locks_excluded", "assert_capability", "assert_shared_capability", "lock_returned",
	NULL,
};

static bool attr_allowed(const char *name)
{
	char n[128];
	snprintf(n, sizeof n, "%s", name);
	size_t len = strlen(n);
	if (len > 4 && starts_with(n, "__") && ends_with(n, "__")) {
		memmove(n, n + 2, len - 4);
		n[len - 4] = 0;
	}
	for (int i = 0; ATTR_ALLOW[i]; i++)
		if (strcmp(n, ATTR_ALLOW[i]) == 0)
			return true;
	return false;
}

static void scan_tokens(CXFile file)
{
	const char *path = file_path(file);
	bool added;
	strset_put(&g_scanned, path, &added);
	if (!added)
		return;
	struct stat st;
	if (stat(path, &st) != 0)
		return;
	CXSourceLocation b = clang_getLocationForOffset(g_tu, file, 0);
	CXSourceLocation e = clang_getLocationForOffset(g_tu, file, (unsigned)st.st_size);
	CXToken *toks = NULL;
	unsigned n = 0;
	clang_tokenize(g_tu, clang_getRange(b, e), &toks, &n);
	char **sp = xmalloc((n + 1) * sizeof(char *));
	for (unsigned i = 0; i < n; i++) {
		CXString s = clang_getTokenSpelling(g_tu, toks[i]);
		sp[i] = xstrdup(clang_getCString(s));
		clang_disposeString(s);
	}
	unsigned prev_line = 0;
	for (unsigned i = 0; i < n; i++) {
		CXTokenKind kind = clang_getTokenKind(toks[i]);
		CXSourceLocation loc = clang_getTokenLocation(g_tu, toks[i]);
		unsigned line, col, off;
		clang_getSpellingLocation(loc, NULL, &line, &col, &off);
		bool line_start = line != prev_line;
		prev_line = line;
		const char *s = sp[i];
		if (kind == CXToken_Comment || kind == CXToken_Literal)
			continue;
		if (kind == CXToken_Punctuation) {
			if (strcmp(s, "#") == 0 && line_start && i + 1 < n) {
				if (strcmp(sp[i + 1], "pragma") == 0 &&
				    !(i + 2 < n && strcmp(sp[i + 2], "once") == 0))
					report_at(loc, "pragma",
						  "#pragma in a service can change attributes, sections or "
						  "code generation");
			}
			if (strcmp(s, "[") == 0 && i + 1 < n && strcmp(sp[i + 1], "[") == 0) {
				/* C23 attributes: [[name, vendor::name(args)]] */
				int depth = 0;
				bool expect_name = true;
				for (unsigned j = i + 2; j < n; j++) {
					if (strcmp(sp[j], "(") == 0)
						depth++;
					else if (strcmp(sp[j], ")") == 0)
						depth--;
					else if (depth == 0 && strcmp(sp[j], "]") == 0)
						break;
					else if (depth == 0 && strcmp(sp[j], ",") == 0)
						expect_name = true;
					else if (depth == 0 && expect_name &&
						 clang_getTokenKind(toks[j]) != CXToken_Punctuation) {
						const char *name = sp[j];
						if (j + 2 < n && strcmp(sp[j + 1], "::") == 0) {
							name = sp[j + 2];
							j += 2;
						}
						if (!attr_allowed(name))
							report_at(clang_getTokenLocation(g_tu, toks[j]),
								  "attribute",
								  "attribute '%s' changes linkage, sections or "
								  "code generation (not on the allow-list)",
								  name);
						expect_name = false;
					}
				}
			}
			continue;
		}
		if (!strcmp(s, "asm") || !strcmp(s, "__asm") || !strcmp(s, "__asm__"))
			report_at(loc, "asm", "assembly is framework-only");
		else if (!strcmp(s, "volatile") || !strcmp(s, "__volatile") ||
			 !strcmp(s, "__volatile__"))
			report_at(loc, "volatile",
				  "volatile is for device and shared-memory access, which only the "
				  "framework performs");
		else if (!strcmp(s, "register"))
			report_at(loc, "register",
				  "register variables can pin machine registers; framework-only");
		else if (!strcmp(s, "union"))
			report_at(loc, "union", "union: a union reinterprets memory as another type");
		else if (!strcmp(s, "alloca") || starts_with(s, "__builtin_alloca"))
			report_at(loc, "vla", "alloca: stack use must be bounded");
		else if (!strcmp(s, "_Pragma") || !strcmp(s, "__pragma"))
			report_at(loc, "pragma",
				  "_Pragma in a service can change attributes, sections or code "
				  "generation");
		else if (!strcmp(s, "_Thread_local") || !strcmp(s, "__thread") ||
			 !strcmp(s, "thread_local"))
			report_at(loc, "attribute", "thread-local storage is not available in the kernel");
		else if (!strcmp(s, "__declspec"))
			report_at(loc, "attribute", "__declspec changes linkage or code generation");
		else if (is_builtin_prefix(s) && !builtin_allowed(s))
			report_at(loc, "builtin", "'%s' is a compiler builtin outside the allow-list", s);
		else if ((!strcmp(s, "__attribute__") || !strcmp(s, "__attribute")) && i + 2 < n &&
			 !strcmp(sp[i + 1], "(") && !strcmp(sp[i + 2], "(")) {
			int depth = 2;
			bool expect_name = true;
			for (unsigned j = i + 3; j < n && depth > 0; j++) {
				if (!strcmp(sp[j], "(")) {
					depth++;
				} else if (!strcmp(sp[j], ")")) {
					depth--;
				} else if (depth == 2 && !strcmp(sp[j], ",")) {
					expect_name = true;
				} else if (depth == 2 && expect_name) {
					if (!attr_allowed(sp[j]))
						report_at(clang_getTokenLocation(g_tu, toks[j]), "attribute",
							  "attribute '%s' changes linkage, sections or code "
							  "generation (not on the allow-list)",
							  sp[j]);
					expect_name = false;
				}
			}
		}
	}
	for (unsigned i = 0; i < n; i++)
		free(sp[i]);
	free(sp);
	clang_disposeTokens(g_tu, toks, n);
}

/* ---- translation units ------------------------------------------------------------------------ */

/* The compiler headers a service may include: types and constants only. (<cpuid.h>,
 * <x86intrin.h> and friends define inline functions full of asm; <stdatomic.h> gives raw
 * atomics, which are the framework's.) */
static const char *const SYSTEM_HEADERS[] = {
	"stddef.h", "stdint.h", "stdbool.h", "stdalign.h", "stdnoreturn.h", "limits.h",
	"float.h", "iso646.h", "stdckdint.h", NULL,
};

static bool system_header_allowed(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (int i = 0; SYSTEM_HEADERS[i]; i++)
		if (strcmp(base, SYSTEM_HEADERS[i]) == 0)
			return true;
	return false;
}

static void inclusion_visitor(CXFile included, CXSourceLocation *stack, unsigned len,
			      CXClientData d)
{
	(void)d;
	if (len == 0)
		return;
	CXFile from;
	unsigned line, col, off;
	clang_getFileLocation(stack[0], &from, &line, &col, &off);
	if (file_class(from) != FC_SERVICE)
		return;
	scan_tokens(from);
	enum fclass c = file_class(included);
	if (c == FC_SERVICE)
		scan_tokens(included);
	if ((c != FC_API && c != FC_SERVICE && c != FC_SYSTEM) ||
	    (c == FC_SYSTEM && !system_header_allowed(file_path(included))))
		report_at(stack[0], "include",
			  "includes %s: a service may include only framework/include/fw/, its own "
			  "tree and the compiler's type headers (stddef.h, stdint.h, stdbool.h, "
			  "limits.h, ...)",
			  file_path(included));
}

static enum CXChildVisitResult top_level(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	(void)d;
	if (location_class(c) != FC_SERVICE)
		return CXChildVisit_Continue;
	enum CXCursorKind k = clang_getCursorKind(c);
	if (k == CXCursor_MacroDefinition) {
		char *n = spelling(c);
		if (strset_has(&g_fw_names, n))
			report_at(clang_getCursorLocation(c), "redeclaration",
				  "macro '%s' redefines a framework name", n);
		free(n);
		return CXChildVisit_Continue;
	}
	if (k == CXCursor_MacroExpansion || k == CXCursor_InclusionDirective)
		return CXChildVisit_Continue;
	if (k == CXCursor_UnexposedDecl) {
		/* File-scope asm("...") is exposed only as an unexposed declaration. */
		CXToken *t = NULL;
		unsigned n = 0;
		clang_tokenize(g_tu, clang_getCursorExtent(c), &t, &n);
		if (n > 0) {
			CXString s = clang_getTokenSpelling(g_tu, t[0]);
			const char *ts = clang_getCString(s);
			if (!strcmp(ts, "asm") || !strcmp(ts, "__asm__") || !strcmp(ts, "__asm"))
				report_at(clang_getCursorLocation(c), "asm",
					  "file-scope assembly is framework-only");
			clang_disposeString(s);
		}
		clang_disposeTokens(g_tu, t, n);
	}
	return walk(c, parent, NULL);
}

/* The service tree a file belongs to: kernel/, or examples/<name>/. */
static bool service_of(const char *real, char *out)
{
	char k[PATH_MAX], e[PATH_MAX];
	snprintf(k, sizeof k, "%skernel/", g_root);
	snprintf(e, sizeof e, "%sexamples/", g_root);
	if (starts_with(real, k)) {
		snprintf(out, PATH_MAX, "%s", k);
		return true;
	}
	if (starts_with(real, e)) {
		const char *rest = real + strlen(e);
		const char *slash = strchr(rest, '/');
		if (!slash)
			return false;
		snprintf(out, PATH_MAX, "%.*s/", (int)(slash - real), real);
		return true;
	}
	return false;
}

/* Flags that keep the parse going past what the compiler itself rejects, so the checker
 * reports its own rule for every construct (the build still fails on the compiler's error). */
static const char *const EXTRA_ARGS[] = {
	"-Wno-error", "-w", "-Wno-int-conversion", "-Wno-incompatible-pointer-types",
	"-Wno-incompatible-function-pointer-types", "-Wno-int-to-pointer-cast",
	"-Wno-return-stack-address", "-Wno-implicit-function-declaration", "-Wno-implicit-int",
	"-Wno-vla", "-Wno-incompatible-pointer-types-discards-qualifiers", "-ferror-limit=0",
};
#define NEXTRA (sizeof EXTRA_ARGS / sizeof EXTRA_ARGS[0])

static CXTranslationUnit parse(CXIndex idx, const char *const *argv, int argc, const char *file,
			       struct CXUnsavedFile *unsaved, unsigned nunsaved, unsigned opts)
{
	const char **args = xmalloc((size_t)(argc + (int)NEXTRA + 1) * sizeof(char *));
	int n = 0;
	for (int i = 0; i < argc; i++)
		args[n++] = argv[i];
	for (unsigned i = 0; i < NEXTRA; i++)
		args[n++] = EXTRA_ARGS[i];
	CXTranslationUnit tu = NULL;
	enum CXErrorCode err = clang_parseTranslationUnit2FullArgv(idx, file, args, n, unsaved,
								   nunsaved, opts, &tu);
	free(args);
	if (err != CXError_Success)
		return NULL;
	return tu;
}

static void report_compile_errors(CXTranslationUnit tu)
{
	unsigned nd = clang_getNumDiagnostics(tu);
	for (unsigned i = 0; i < nd; i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);
		if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
			CXString s = clang_getDiagnosticSpelling(d);
			report_at(clang_getDiagnosticLocation(d), "compile",
				  "%s (the file must compile for the checker to see all of it)",
				  clang_getCString(s));
			clang_disposeString(s);
		}
		clang_disposeDiagnostic(d);
	}
}

/* Argument vectors: from the compilation database, or the flags given after `--`. */
struct argv {
	char **v;
	int n;
	char dir[PATH_MAX];
};

static struct argv argv_from_command(CXCompileCommand cmd)
{
	struct argv a;
	a.n = (int)clang_CompileCommand_getNumArgs(cmd);
	a.v = xmalloc((size_t)(a.n + 1) * sizeof(char *));
	for (int i = 0; i < a.n; i++) {
		CXString s = clang_CompileCommand_getArg(cmd, (unsigned)i);
		a.v[i] = xstrdup(clang_getCString(s));
		clang_disposeString(s);
	}
	CXString d = clang_CompileCommand_getDirectory(cmd);
	snprintf(a.dir, sizeof a.dir, "%s", clang_getCString(d));
	clang_disposeString(d);
	return a;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int check_file(CXIndex idx, struct argv *a, const char *file, bool timing)
{
	char real[PATH_MAX], cwd[PATH_MAX];
	char full[PATH_MAX * 2];
	if (file[0] == '/')
		snprintf(full, sizeof full, "%s", file);
	else
		snprintf(full, sizeof full, "%s/%s", a->dir, file);
	if (!realpath(full, real)) {
		fprintf(stderr, "safecheck: %s: no such file\n", full);
		return 2;
	}
	if (g_audit)
		snprintf(g_service, sizeof g_service, "%sframework/", g_root);
	else if (!service_of(real, g_service)) {
		fprintf(stderr, "safecheck: %s is not under kernel/ or examples/<name>/\n", real);
		return 2;
	}
	double t0 = now();
	if (!getcwd(cwd, sizeof cwd) || chdir(a->dir) != 0) {
		fprintf(stderr, "safecheck: cannot enter %s\n", a->dir);
		return 2;
	}
	fcache_reset();
	g_tu = parse(idx, (const char *const *)a->v, a->n, NULL, NULL, 0,
		     CXTranslationUnit_DetailedPreprocessingRecord |
			     CXTranslationUnit_KeepGoing);
	if (chdir(cwd) != 0)
		return 2;
	if (!g_tu) {
		fprintf(stderr, "safecheck: %s: libclang could not parse it\n", real);
		return 2;
	}
	report_compile_errors(g_tu);
	CXFile main_file = clang_getFile(g_tu, real);
	if (main_file)
		scan_tokens(main_file);
	clang_getInclusions(g_tu, inclusion_visitor, NULL);
	g_in_function = false;
	clang_visitChildren(clang_getTranslationUnitCursor(g_tu), top_level, NULL);
	clang_disposeTranslationUnit(g_tu);
	g_tu = NULL;
	if (timing) {
		fprintf(stderr, "safecheck: %.3f s ", now() - t0);
		print_path(stderr, real);
		fputc('\n', stderr);
	}
	return 0;
}

/* ---- the framework's names and exports -------------------------------------------------------- */

struct name_walk {
	bool exports_only;
	struct strset *out;
};

static enum CXChildVisitResult fw_name_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct name_walk *w = d;
	if (location_class(c) != FC_API)
		return CXChildVisit_Continue;
	enum CXCursorKind k = clang_getCursorKind(c);
	char *n = spelling(c);
	bool add = false;
	if (w->exports_only) {
		if ((k == CXCursor_FunctionDecl || k == CXCursor_VarDecl) &&
		    clang_getCursorLinkage(c) == CXLinkage_External &&
		    clang_Cursor_getStorageClass(c) != CX_SC_Static)
			add = !(k == CXCursor_FunctionDecl && clang_isCursorDefinition(c) &&
				clang_Cursor_isFunctionInlined(c));
	} else {
		add = k == CXCursor_FunctionDecl || k == CXCursor_VarDecl ||
		      k == CXCursor_TypedefDecl || k == CXCursor_StructDecl ||
		      k == CXCursor_UnionDecl || k == CXCursor_EnumDecl ||
		      k == CXCursor_EnumConstantDecl || k == CXCursor_MacroDefinition;
	}
	if (add && n[0] && !strstr(n, "(unnamed") && !strstr(n, "(anonymous")) {
		bool added;
		strset_put(w->out, n, &added);
	}
	free(n);
	return k == CXCursor_EnumDecl ? CXChildVisit_Recurse : CXChildVisit_Continue;
}

static void list_headers(const char *dir, const char *rel, char ***out, int *n, int *cap)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[PATH_MAX], r[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		snprintf(r, sizeof r, "%s%s", rel, e->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			char sub[PATH_MAX];
			snprintf(sub, sizeof sub, "%s/", r);
			list_headers(path, sub, out, n, cap);
		} else if (ends_with(e->d_name, ".h")) {
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 32;
				char **nv = xmalloc((size_t)*cap * sizeof(char *));
				if (*n)
					memcpy(nv, *out, (size_t)*n * sizeof(char *));
				free(*out);
				*out = nv;
			}
			(*out)[(*n)++] = xstrdup(r);
		}
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parses one translation unit that includes every header of framework/include/fw/ and
 * collects its names (all of them, or only those with external linkage). */
static int framework_names(CXIndex idx, struct argv *a, bool exports_only, struct strset *out)
{
	char **hs = NULL;
	int nh = 0, cap = 0;
	list_headers(g_api, "fw/", &hs, &nh, &cap);
	if (nh == 0)
		return 0;
	qsort(hs, (size_t)nh, sizeof(char *), cmp_str);
	size_t len = 64;
	for (int i = 0; i < nh; i++)
		len += strlen(hs[i]) + 16;
	char *text = xmalloc(len), *p = text;
	for (int i = 0; i < nh; i++)
		p += sprintf(p, "#include \"%s\"\n", hs[i]);
	char fake[PATH_MAX + 32];
	snprintf(fake, sizeof fake, "%s__safecheck_framework_api.c", g_root);
	struct CXUnsavedFile uf = { fake, text, (unsigned long)strlen(text) };
	/* The database entry's argv with the source file replaced by the synthetic one. */
	const char **v = xmalloc((size_t)(a->n + 4) * sizeof(char *));
	int n = 0;
	for (int i = 0; i < a->n; i++) {
		const char *s = a->v[i];
		if (i > 0 && (ends_with(s, ".c") || ends_with(s, ".h")) && s[0] != '-')
			continue;
		if (!strcmp(s, "-x") && i + 1 < a->n) {
			i++;
			continue;
		}
		if (!strcmp(s, "-o") && i + 1 < a->n) {
			i++;
			continue;
		}
		if (!strcmp(s, "-c"))
			continue;
		v[n++] = s;
	}
	v[n++] = "-fsyntax-only";
	v[n++] = fake;
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd) || chdir(a->dir) != 0)
		return 2;
	fcache_reset();
	g_service[0] = 0;
	CXTranslationUnit tu = parse(idx, v, n, NULL, &uf, 1,
				     exports_only ? 0 : CXTranslationUnit_DetailedPreprocessingRecord);
	if (chdir(cwd) != 0)
		return 2;
	free(v);
	if (!tu) {
		fprintf(stderr, "safecheck: could not parse framework/include/fw/\n");
		return 2;
	}
	struct name_walk w = { exports_only, out };
	clang_visitChildren(clang_getTranslationUnitCursor(tu), fw_name_visit, &w);
	clang_disposeTranslationUnit(tu);
	for (int i = 0; i < nh; i++)
		free(hs[i]);
	free(hs);
	free(text);
	return 0;
}

/* ---- main ------------------------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: safecheck -p DBDIR [--root DIR] [--time] [--all | FILE...]\n"
		"       safecheck --exports [--root DIR] [-p DBDIR | -- FLAGS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *db_dir = NULL;
	bool all = false, timing = false, exports = false;
	char **files = xmalloc((size_t)argc * sizeof(char *));
	int nfiles = 0, flags_at = -1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-p") && i + 1 < argc)
			db_dir = argv[++i];
		else if (!strcmp(argv[i], "--root") && i + 1 < argc)
			g_root_arg = argv[++i];
		else if (!strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "--time"))
			timing = true;
		else if (!strcmp(argv[i], "--exports"))
			exports = true;
		else if (!strcmp(argv[i], "--audit"))
			g_audit = true;
		else if (!strcmp(argv[i], "--")) {
			flags_at = i + 1;
			break;
		} else if (argv[i][0] == '-')
			usage();
		else
			files[nfiles++] = argv[i];
	}
	char real[PATH_MAX];
	if (!realpath(g_root_arg, real)) {
		fprintf(stderr, "safecheck: no root %s\n", g_root_arg);
		return 2;
	}
	snprintf(g_root, sizeof g_root, "%s/", real);
	snprintf(g_api, sizeof g_api, "%sframework/include/fw/", g_root);
	snprintf(g_framework, sizeof g_framework, "%sframework/", g_root);
	if (g_audit) {
		/* Framework files are audited like service files: nothing is exempt. */
		snprintf(g_api, sizeof g_api, "%s", "\x01");
		snprintf(g_framework, sizeof g_framework, "%s", "\x01");
	}

	CXIndex idx = clang_createIndex(0, 0);
	CXCompilationDatabase db = NULL;
	CXCompileCommands all_cmds = NULL;
	unsigned ncmds = 0;
	if (db_dir) {
		CXCompilationDatabase_Error err;
		db = clang_CompilationDatabase_fromDirectory(db_dir, &err);
		if (err != CXCompilationDatabase_NoError) {
			fprintf(stderr, "safecheck: no compile_commands.json in %s\n", db_dir);
			return 2;
		}
		all_cmds = clang_CompilationDatabase_getAllCompileCommands(db);
		ncmds = clang_CompileCommands_getSize(all_cmds);
	}

	/* Flags for the framework-wide parse: the first database entry, or `-- FLAGS`. */
	struct argv base;
	memset(&base, 0, sizeof base);
	if (ncmds > 0) {
		base = argv_from_command(clang_CompileCommands_getCommand(all_cmds, 0));
	} else {
		int nf = flags_at >= 0 ? argc - flags_at : 0;
		base.v = xmalloc((size_t)(nf + 2) * sizeof(char *));
		base.v[base.n++] = "clang";
		for (int i = 0; i < nf; i++)
			base.v[base.n++] = argv[flags_at + i];
		snprintf(base.dir, sizeof base.dir, "%s", g_root);
	}

	if (exports) {
		struct strset names = { 0 };
		int rc = framework_names(idx, &base, true, &names);
		char **list = xmalloc((names.len + 1) * sizeof(char *));
		size_t n = 0;
		for (size_t i = 0; i < names.cap; i++)
			if (names.keys && names.keys[i])
				list[n++] = names.keys[i];
		qsort(list, n, sizeof(char *), cmp_str);
		for (size_t i = 0; i < n; i++)
			puts(list[i]);
		return rc;
	}
	if (!db)
		usage();

	double t0 = now();
	int rc = g_audit ? 0 : framework_names(idx, &base, false, &g_fw_names);
	if (rc)
		return rc;
	unsigned checked = 0;
	if (all) {
		for (unsigned i = 0; i < ncmds; i++) {
			CXCompileCommand cmd = clang_CompileCommands_getCommand(all_cmds, i);
			struct argv a = argv_from_command(cmd);
			CXString f = clang_CompileCommand_getFilename(cmd);
			char *file = xstrdup(clang_getCString(f));
			clang_disposeString(f);
			int r = check_file(idx, &a, file, timing);
			if (r)
				rc = r;
			checked++;
			free(file);
		}
	}
	for (int i = 0; i < nfiles; i++) {
		char abs[PATH_MAX];
		if (!realpath(files[i], abs)) {
			fprintf(stderr, "safecheck: %s: no such file\n", files[i]);
			rc = 2;
			continue;
		}
		CXCompileCommands cmds = clang_CompilationDatabase_getCompileCommands(db, abs);
		if (!cmds || clang_CompileCommands_getSize(cmds) == 0) {
			fprintf(stderr, "safecheck: %s is not in the compilation database\n", files[i]);
			rc = 2;
			continue;
		}
		struct argv a = argv_from_command(clang_CompileCommands_getCommand(cmds, 0));
		int r = check_file(idx, &a, abs, timing);
		if (r)
			rc = r;
		checked++;
		clang_CompileCommands_dispose(cmds);
	}
	if (timing && checked)
		fprintf(stderr, "safecheck: %u files in %.3f s (%.3f s per file, framework names "
				"included)\n",
			checked, now() - t0, (now() - t0) / checked);
	if (rc)
		return rc;
	return g_violations ? 1 : 0;
}
