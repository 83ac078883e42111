/*
 * shared.c — the shared-fat rule: a fat value (FW_FAT: a slice, a string, a byte buffer, a
 * cursor, a growable array — several words whose agreement is the bound) is never left where
 * two tasks can reach it without a lock.
 *
 * A service stores a fat value with plain word stores, and reads it with plain loads; a task
 * reading one while another task writes it can combine the pointer of one value with the
 * length of another, and every bounds check after that is against the wrong length. The
 * checker cannot make service copies atomic, so it keeps fat values out of shared memory
 * unless a lock orders every access:
 *
 *   - memory two tasks can reach is a heap object (a type with a type identity: a type cache,
 *     a subtype, an array's element type, whatever __FW_TYPE_INFO_CHILD names) or a variable
 *     with static storage that is not const;
 *   - a type is *racy* when a fat value lies in it by value (through struct members and
 *     arrays) on a path with no member marked GUARDED_BY (the thread-safety analysis then makes
 *     every read and write hold that lock) and no const member (never written after its
 *     initialiser), or when such a path ends in a pointer to a racy type (a heap object holding
 *     `&other->guarded_slice` would let a later reader skip the lock);
 *   - a heap type or a shared variable of a racy type is refused (rule `shared-fat`), as is the
 *     address of a guarded fat member taken anywhere but as a call's argument (kept in a local,
 *     it would outlive the lock).
 *
 * Locals are not shared: no pointer to the stack outlives its function (stack-escape), and
 * the framework refuses stack objects where a task could hand one to another.
 */
#include "safecheck.h"

#include <stdlib.h>
#include <string.h>

/* `&guarded_fat` passed to a service function's parameter j: reported after every file if
 * that function keeps the parameter (escape.c knows). */
struct fat_pending {
	char *param, *where, *fat;
};
static struct fat_pending g_fat_pending[1024];
static size_t g_nfat_pending;

/* A member declared GUARDED_BY(lock): an attribute whose first token names guarded_by. A
 * service's own alias for the attribute is not recognised (the field is then refused, the safe
 * direction). */
static enum CXChildVisitResult guarded_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	bool *found = d;
	if (!clang_isAttribute(clang_getCursorKind(c)) ||
	    clang_getCursorKind(c) == CXCursor_AnnotateAttr)
		return CXChildVisit_Continue;
	/* The attribute's name, read where it is spelled (a macro body, for GUARDED_BY). */
	CXFile f;
	unsigned off;
	clang_getSpellingLocation(clang_getRangeStart(clang_getCursorExtent(c)), &f, NULL, NULL,
				  &off);
	size_t size = 0;
	const char *text = f ? clang_getFileContents(g_tu, f, &size) : NULL;
	static const char *const names[] = { "guarded_by", "__guarded_by__" };
	for (unsigned i = 0; text && i < 2; i++) {
		size_t n = strlen(names[i]);
		if (off + n < size && memcmp(text + off, names[i], n) == 0 &&
		    !(text[off + n] == '_' || (text[off + n] >= 'a' && text[off + n] <= 'z')))
			*found = true;
	}
	return CXChildVisit_Continue;
}

bool is_guarded_field(CXCursor field)
{
	bool found = false;
	if (clang_getCursorKind(field) == CXCursor_FieldDecl)
		clang_visitChildren(field, guarded_visit, &found);
	return found;
}

/* An annotation on a record that counts only when spelled in framework/include/fw/: FW_FAT
 * and FW_TEARFREE are written there, also inside trusted macros expanded in a service file
 * (DEFINE_ARRAY's struct is declared in the service file, its annotation spelled in fw/). */
struct fw_annot_query {
	const char *what;
	bool found;
};

static enum CXChildVisitResult fw_annot_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct fw_annot_query *q = d;
	if (clang_getCursorKind(c) != CXCursor_AnnotateAttr)
		return CXChildVisit_Continue;
	CXString s = clang_getCursorSpelling(c);
	bool match = strcmp(clang_getCString(s), q->what) == 0;
	clang_disposeString(s);
	if (match && spelling_class(c) == FC_API)
		q->found = true;
	return CXChildVisit_Continue;
}

static bool record_has_fw_annotation(CXType t, const char *what)
{
	t = clang_getCanonicalType(t);
	if (t.kind != CXType_Record)
		return false;
	CXCursor decl = clang_getTypeDeclaration(t);
	CXCursor cs[2] = { decl, clang_getCursorDefinition(decl) };
	for (int i = 0; i < 2; i++) {
		if (clang_Cursor_isNull(cs[i]))
			continue;
		struct fw_annot_query q = { what, false };
		clang_visitChildren(cs[i], fw_annot_visit, &q);
		if (q.found)
			return true;
	}
	return false;
}

/* A framework handle whose fat fields only tear-free framework calls touch (FW_TEARFREE:
 * struct kbuf's sequence lock): not looked into. */
static bool is_tearfree_record(CXType t)
{
	return record_has_fw_annotation(t, "trellis_tearfree");
}

static bool is_fat_record(CXType t)
{
	return record_has_fw_annotation(t, "trellis_fat");
}

/* The first unguarded path to a fat value in t, by value (pointers are not followed): writes
 * the path into `path` (".name", "[].buf") and the fat type's name into `fat`. */
static bool racy_by_value(CXType t, char *path, size_t cap, char *fat, size_t fcap, int depth)
{
	t = clang_getCanonicalType(t);
	if (depth > 8 || clang_isConstQualifiedType(t))
		return false;
	if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray) {
		size_t l = strlen(path);
		if (l + 3 < cap)
			strcpy(path + l, "[]");
		if (racy_by_value(clang_getArrayElementType(t), path, cap, fat, fcap, depth + 1))
			return true;
		path[l] = 0;
		return false;
	}
	if (t.kind != CXType_Record || is_tearfree_record(t))
		return false;
	if (is_fat_record(t)) {
		char *n = type_name(t);
		snprintf(fat, fcap, "%s", n);
		free(n);
		return true;
	}
	struct field_list l;
	fields_of(t, &l);
	for (unsigned i = 0; i < l.n; i++) {
		if (is_guarded_field(l.f[i]))
			continue;
		size_t pl = strlen(path);
		char *fn = spelling(l.f[i]);
		snprintf(path + pl, cap - pl, ".%s", fn);
		free(fn);
		if (racy_by_value(clang_getCursorType(l.f[i]), path, cap, fat, fcap, depth + 1))
			return true;
		path[pl] = 0;
	}
	return false;
}

/* A pointer (at any level, through arrays) to a type holding a fat value by value: kept in
 * memory other tasks reach, it lets them read that value with no lock, wherever it lies (a
 * guarded member, another task's private object). Guarded and const members are looked
 * through too: the lock guards the pointer, not what it points to. */
static bool fat_pointer_in(CXType t, char *path, size_t cap, char *fat, size_t fcap, int depth)
{
	t = clang_getCanonicalType(t);
	if (depth > 8)
		return false;
	size_t pl = strlen(path);
	if (t.kind == CXType_Pointer) {
		CXType pt = clang_getCanonicalType(clang_getPointeeType(t));
		while (pt.kind == CXType_Pointer)
			pt = clang_getCanonicalType(clang_getPointeeType(pt));
		snprintf(path + pl, cap - pl, "->");
		/* A pointer to const (an ops table, a file system type) names a static const
		 * object: a service obtains the address of a fat member of a heap object only as a
		 * call's argument (check_member_address), never to keep. */
		if (racy_by_value(pt, path, cap, fat, fcap, depth + 1))
			return true;
		path[pl] = 0;
		return false;
	}
	if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray) {
		snprintf(path + pl, cap - pl, "[]");
		if (fat_pointer_in(clang_getArrayElementType(t), path, cap, fat, fcap, depth + 1))
			return true;
		path[pl] = 0;
		return false;
	}
	if (t.kind != CXType_Record || is_fat_record(t) || is_tearfree_record(t))
		return false;
	struct field_list l;
	fields_of(t, &l);
	for (unsigned i = 0; i < l.n; i++) {
		/* a framework-private pointer is followed only by the framework (services cannot
		 * read it): a type tag's identity, a queue link */
		if (is_private_field(l.f[i]))
			continue;
		char *fn = spelling(l.f[i]);
		snprintf(path + pl, cap - pl, ".%s", fn);
		free(fn);
		if (fat_pointer_in(clang_getCursorType(l.f[i]), path, cap, fat, fcap, depth + 1))
			return true;
		path[pl] = 0;
	}
	return false;
}

/* Racy where other tasks reach it: an unguarded fat value by value, or a pointer to one. */
static bool racy_shared(CXType t, char *path, size_t cap, char *fat, size_t fcap, int depth)
{
	if (racy_by_value(t, path, cap, fat, fcap, depth))
		return true;
	/* A const object (a static const table, a type identity) never changes: its pointers
	 * can only name statics, which are judged on their own. */
	if (clang_isConstQualifiedType(clang_getCanonicalType(t)))
		return false;
	path[0] = 0;
	return fat_pointer_in(t, path, cap, fat, fcap, depth);
}

static void report_racy(CXSourceLocation loc, const char *what, const char *tn, const char *path,
			const char *fat, const char *extra)
{
	report_at(loc, "shared-fat",
		  "%s of type '%s', which other tasks can reach, holds the fat value '%s' (%s) "
		  "outside any lock: a task reading it while another writes it can pair one "
		  "value's pointer with another's length; mark the member GUARDED_BY(&lock) or "
		  "const%s",
		  what, tn, path[0] ? path : "(the whole object)", fat, extra);
}

/* `site` makes memory of type t that other tasks can reach (`what` says how). */
void check_shared_type(CXCursor site, CXType t, const char *what)
{
	char path[512] = "", fat[256] = "";
	if (!racy_shared(t, path, sizeof path, fat, sizeof fat, 0))
		return;
	char *tn = type_name(t);
	report_racy(clang_getCursorLocation(site), what, tn, path, fat, "");
	free(tn);
}

/* ---- task-private heap types ------------------------------------------------------------------
 * A heap object one task allocates for itself (a parser's state too big for the stack) is not
 * shared if no other task can find it: a racy heap type T is accepted when no pointer to T is
 * kept anywhere but in locals, parameters, results and members of other such private types —
 * not in a static, not in a member of any other struct — and T holds no framework anchor (a
 * container link, wait entry, timer, callback or type tag: a private framework pointer through
 * which the framework, an interrupt or another task reaches T). Pointers can be kept in any
 * file, so the verdict comes after every file is parsed (shared_finish). */
#define MAX_CANDS 256
#define MAX_KEEPS 4096
static struct {
	char *type, *where, *path, *fat;
	bool anchored;
} g_cands[MAX_CANDS];
static size_t g_ncands;
static char *g_keep_holder[MAX_KEEPS], *g_keep_target[MAX_KEEPS]; /* holder NULL: a static */
static size_t g_nkeeps;

static bool is_value_record(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_Record &&
	       (is_fat_record(t) || is_tearfree_record(t) ||
		has_fw_annotation(clang_getTypeDeclaration(t), "trellis_value"));
}

/* A private, pointer-bearing field of a framework record inside t (by value). */
static bool has_anchor(CXType t, int depth)
{
	t = clang_getCanonicalType(t);
	while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
		t = clang_getCanonicalType(clang_getArrayElementType(t));
	if (t.kind != CXType_Record || depth > 8 || is_value_record(t))
		return false;
	struct field_list l;
	fields_of(t, &l);
	for (unsigned i = 0; i < l.n; i++) {
		if (is_private_field(l.f[i]) && is_pointer_bearing(clang_getCursorType(l.f[i]), 0) &&
		    !is_value_record(clang_getCursorType(l.f[i])))
			return true;
		if (has_anchor(clang_getCursorType(l.f[i]), depth + 1))
			return true;
	}
	return false;
}

/* The record a pointer type points to (through arrays of pointers), as "struct x", or NULL. */
static char *pointee_record(CXType t)
{
	t = clang_getCanonicalType(t);
	while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
		t = clang_getCanonicalType(clang_getArrayElementType(t));
	if (t.kind != CXType_Pointer)
		return NULL;
	CXType pt = clang_getCanonicalType(clang_getPointeeType(t));
	while (pt.kind == CXType_Pointer || pt.kind == CXType_ConstantArray)
		pt = clang_getCanonicalType(pt.kind == CXType_Pointer ? clang_getPointeeType(pt)
								       : clang_getArrayElementType(pt));
	if (pt.kind != CXType_Record)
		return NULL;
	return type_name(clang_getUnqualifiedType(pt));
}

static struct strset g_keep_seen;
static struct strset g_keep_overflow; /* targets kept past MAX_KEEPS: treated as shared */

static void add_keep_static_overflow(const char *target)
{
	bool added;
	strset_put(&g_keep_overflow, target, &added);
}

static void add_keep(const char *holder, char *target)
{
	char key[1024];
	snprintf(key, sizeof key, "%s>%s", holder ? holder : "(static)", target);
	bool added;
	strset_put(&g_keep_seen, key, &added);
	if (!added || g_nkeeps >= MAX_KEEPS) {
		if (added)
			fprintf(stderr, "safecheck: too many pointer keepers: the rest count as statics\n");
		if (added)
			add_keep_static_overflow(target);
		free(target);
		return;
	}
	g_keep_holder[g_nkeeps] = holder ? xstrdup(holder) : NULL;
	g_keep_target[g_nkeeps++] = target;
}

/* Every member or static that keeps a pointer to a record: the candidates' keepers. */
void note_pointer_keeper(CXCursor decl)
{
	enum CXCursorKind k = clang_getCursorKind(decl);
	if (k == CXCursor_FieldDecl) {
		char *target = pointee_record(clang_getCursorType(decl));
		if (!target)
			return;
		CXCursor parent = clang_getCursorSemanticParent(decl);
		char *holder = type_name(clang_getUnqualifiedType(
			clang_getCanonicalType(clang_getCursorType(parent))));
		add_keep(holder, target);
		free(holder);
	} else if (k == CXCursor_VarDecl && clang_Cursor_hasVarDeclGlobalStorage(decl)) {
		char *target = pointee_record(clang_getCursorType(decl));
		if (target)
			add_keep(NULL, target);
	}
}

static void heap_candidate(CXCursor site, CXType t)
{
	char path[512] = "", fat[256] = "";
	if (!racy_shared(t, path, sizeof path, fat, sizeof fat, 0))
		return;
	char *tn = type_name(clang_getUnqualifiedType(clang_getCanonicalType(t)));
	for (size_t i = 0; i < g_ncands; i++)
		if (strcmp(g_cands[i].type, tn) == 0) { /* a header's cache, seen again */
			free(tn);
			return;
		}
	if (g_ncands >= MAX_CANDS) {
		report_racy(clang_getCursorLocation(site), "a heap object (a type identity)", tn,
			    path, fat, "");
		free(tn);
		return;
	}
	CXFile f;
	unsigned line, col;
	clang_getFileLocation(clang_getCursorLocation(site), &f, &line, &col, NULL);
	char where[PATH_MAX + 32];
	snprintf(where, sizeof where, "%s:%u:%u", f ? file_path(f) : "", line, col);
	g_cands[g_ncands].type = tn;
	g_cands[g_ncands].where = xstrdup(where);
	g_cands[g_ncands].path = xstrdup(path);
	g_cands[g_ncands].fat = xstrdup(fat);
	g_cands[g_ncands].anchored = has_anchor(t, 0);
	g_ncands++;
}

static bool is_private_candidate(const char *type, const bool *ok)
{
	for (size_t i = 0; i < g_ncands; i++)
		if (ok[i] && strcmp(g_cands[i].type, type) == 0)
			return true;
	return false;
}

void shared_finish(void)
{
	for (size_t i = 0; i < g_nfat_pending; i++) {
		char *hash = strrchr(g_fat_pending[i].param, '#');
		*hash = 0;
		if (escape_param_kept(g_fat_pending[i].param, (unsigned)atoi(hash + 1)))
			report_text(g_fat_pending[i].where, "shared-fat",
				    "the address of a guarded member holding the fat value '%s' is "
				    "passed to a function that keeps it beyond the call: used after the "
				    "lock is dropped, it reads the value while another task writes it",
				    g_fat_pending[i].fat);
		*hash = '#';
	}
	bool ok[MAX_CANDS];
	for (size_t i = 0; i < g_ncands; i++)
		ok[i] = !g_cands[i].anchored && !strset_has(&g_keep_overflow, g_cands[i].type);
	/* A candidate kept by a static, or by a member of anything but a private candidate,
	 * is shared; repeat until nothing changes (a holder can lose its privacy too). */
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < g_ncands; i++) {
			if (!ok[i])
				continue;
			for (size_t k = 0; k < g_nkeeps; k++) {
				if (strcmp(g_keep_target[k], g_cands[i].type) != 0)
					continue;
				if (!g_keep_holder[k] || !is_private_candidate(g_keep_holder[k], ok)) {
					ok[i] = false;
					changed = true;
					break;
				}
			}
		}
	}
	for (size_t i = 0; i < g_ncands; i++) {
		if (ok[i])
			continue;
		char what[64];
		snprintf(what, sizeof what, "a heap object (a type identity)");
		/* report_text keys on the place; the message names why it is not private */
		report_text(g_cands[i].where, "shared-fat",
			    "%s of type '%s', which other tasks can reach, holds the fat value '%s' "
			    "(%s) outside any lock: a task reading it while another writes it can "
			    "pair one value's pointer with another's length; mark the member "
			    "GUARDED_BY(&lock) or const (or keep the object private to one task: "
			    "pointers to it only in locals, %s)",
			    what, g_cands[i].type, g_cands[i].path[0] ? g_cands[i].path : "(the whole object)",
			    g_cands[i].fat,
			    g_cands[i].anchored ? "and no container link, wait entry, timer, callback "
						  "or type tag in it"
						: "never in a static or another struct's member");
	}
}

/* A typedef the trusted __FW_TYPE_INFO_CHILD macro spells beside every type identity
 * (`typedef T NAME__fw_heap_t;`): T's objects live on the heap (a type cache, a subtype, an
 * array's storage). A service spelling such a typedef itself only adds a check. */
void check_heap_type_marker(CXCursor td)
{
	if (location_class(td) != FC_SERVICE)
		return;
	char *n = spelling(td);
	bool marker = ends_with(n, "__fw_heap_t");
	free(n);
	if (marker)
		heap_candidate(td, clang_getTypedefDeclUnderlyingType(td));
}

/* `&x` written directly as a call's argument (parentheses and implicit conversions aside):
 * remembered by position so check_guarded_address lets it pass. */
static struct strset g_arg_addrs;

static void cursor_key(CXCursor c, char *buf, size_t cap)
{
	CXFile f;
	unsigned line, col, off;
	clang_getFileLocation(clang_getCursorLocation(c), &f, &line, &col, &off);
	CXSourceLocation e = clang_getRangeEnd(clang_getCursorExtent(c));
	unsigned eoff;
	clang_getFileLocation(e, NULL, NULL, NULL, &eoff);
	snprintf(buf, cap, "%s:%u:%u", f ? file_path(f) : "", off, eoff);
}

/* "&x" argument positions -> the service callee's "usr#i" (to ask escape.c later whether the
 * callee keeps that parameter). */
static struct strset g_arg_callee;

void note_call_arguments(CXCursor call)
{
	CXCursor callee = clang_getCursorReferenced(call);
	bool service_callee = clang_getCursorKind(callee) == CXCursor_FunctionDecl &&
			      location_class(callee) != FC_API && location_class(callee) != FC_SYSTEM;
	char *usr = NULL;
	if (service_callee) {
		CXString u = clang_getCursorUSR(clang_getCanonicalCursor(callee));
		usr = xstrdup(clang_getCString(u));
		clang_disposeString(u);
	}
	int n = clang_Cursor_getNumArguments(call);
	for (int i = 0; i < n; i++) {
		CXCursor a = strip(clang_Cursor_getArgument(call, (unsigned)i));
		if (clang_getCursorKind(a) != CXCursor_UnaryOperator ||
		    clang_getCursorUnaryOperatorKind(a) != CXUnaryOperator_AddrOf)
			continue;
		char key[PATH_MAX + 64];
		cursor_key(a, key, sizeof key);
		bool added;
		strset_put(&g_arg_addrs, key, &added);
		if (usr) {
			char param[700];
			snprintf(param, sizeof param, "%s#%d", usr, i);
			char **v = strset_put(&g_arg_callee, key, &added);
			if (added)
				*v = xstrdup(param);
		}
	}
	free(usr);
}

/* `p->m` (not `s.m`): the member of an object reached through a pointer. */
static bool member_through_pointer(CXCursor member_ref)
{
	struct kids k = kids_of(member_ref);
	if (k.n < 1)
		return false;
	return clang_getCanonicalType(clang_getCursorType(k.c[0])).kind == CXType_Pointer;
}

/* The address of a guarded member holding a fat value, taken as anything but a call's
 * argument (to a function that does not keep it: shared_finish). The address of an unguarded
 * fat member of an object reached through a pointer, kept, makes that object's type shared
 * (no longer private to one task). Locals' members are the stack-escape rule's. */
void check_guarded_address(CXCursor addr)
{
	if (!is_checked(addr))
		return;
	struct kids k = kids_of(addr);
	if (k.n != 1)
		return;
	CXCursor e = strip(k.c[0]);
	/* a guarded member on the path; the outermost member reached through a pointer */
	bool guarded = false;
	CXCursor through = clang_getNullCursor();
	for (int i = 0; i < 16 && clang_getCursorKind(e) == CXCursor_MemberRefExpr; i++) {
		if (is_guarded_field(clang_getCursorReferenced(e)))
			guarded = true;
		else if (clang_Cursor_isNull(through) && member_through_pointer(e))
			through = e; /* the object holding the fat value itself */
		struct kids mk = kids_of(e);
		if (mk.n < 1)
			break;
		e = strip(mk.c[0]);
		if (clang_getCursorKind(e) == CXCursor_ArraySubscriptExpr) {
			struct kids ak = kids_of(e);
			if (ak.n < 1)
				break;
			e = strip(ak.c[0]);
		}
	}
	char path[512] = "", fat[256] = "";
	if (!racy_by_value(clang_getCursorType(k.c[0]), path, sizeof path, fat, sizeof fat, 0))
		return;
	if (!guarded) {
		/* `&p->fat` kept (not a call's argument): a pointer into p's object that the
		 * privacy test cannot follow, so p's type no longer counts as private to a task */
		char key[PATH_MAX + 64];
		cursor_key(addr, key, sizeof key);
		if (clang_Cursor_isNull(through) || strset_has(&g_arg_addrs, key))
			return;
		struct kids tk = kids_of(through);
		CXType bt = clang_getCanonicalType(clang_getCursorType(tk.c[0]));
		char *target = type_name(clang_getUnqualifiedType(
			clang_getCanonicalType(clang_getPointeeType(bt))));
		add_keep(NULL, target);
		return;
	}
	char key[PATH_MAX + 64];
	cursor_key(addr, key, sizeof key);
	if (strset_has(&g_arg_addrs, key)) {
		/* a call's argument: fine unless that (service) callee keeps the parameter */
		char **param = strset_put(&g_arg_callee, key, &(bool){ false });
		if (*param && g_nfat_pending < 1024) {
			CXFile f;
			unsigned line, col;
			clang_getFileLocation(clang_getCursorLocation(addr), &f, &line, &col, NULL);
			char where[PATH_MAX + 32];
			snprintf(where, sizeof where, "%s:%u:%u", f ? file_path(f) : "", line, col);
			g_fat_pending[g_nfat_pending].param = xstrdup(*param);
			g_fat_pending[g_nfat_pending].where = xstrdup(where);
			g_fat_pending[g_nfat_pending++].fat = xstrdup(fat);
		}
		return;
	}
	report_at(clang_getCursorLocation(addr), "shared-fat",
		  "the address of a guarded member holding the fat value '%s', kept past the call "
		  "that needs it: used after the lock is dropped, it reads the value while another "
		  "task writes it; pass it straight to the call",
		  fat);
}

/* ---- thread-safety attributes a service writes -------------------------------------------------
 * GUARDED_BY is only as good as the analysis' knowledge of which locks are held. It checks the
 * body of a function annotated to acquire or release a lock, but trusts a declaration whose
 * body it does not see (a prototype in a header, defined in a file that does not include it)
 * and every assert_capability (a promise, not an action). A service may therefore write the
 * acquire/release attributes only on a static function defined in the same file (so the
 * analysis checks its body), and never assert_capability or try_acquire (whose bodies the
 * analysis does not hold to their return value). */
static const char *const CAP_VERIFIED[] = {
	"acquire_capability", "acquire_shared_capability", "release_capability",
	"release_shared_capability", "release_generic_capability", "exclusive_lock_function",
	"shared_lock_function", "unlock_function", NULL,
};
static const char *const CAP_UNVERIFIED[] = {
	"assert_capability", "assert_shared_capability", "assert_exclusive_lock",
	"assert_shared_lock", "try_acquire_capability", "try_acquire_shared_capability",
	"exclusive_trylock_function", "shared_trylock_function", NULL,
};

struct cap_query {
	const char *verified, *unverified; /* the first of each kind found */
};

static const char *attr_name_in(const char *text, size_t size, unsigned off,
				const char *const *names)
{
	for (unsigned i = 0; names[i]; i++) {
		size_t n = strlen(names[i]);
		if (off + n < size && memcmp(text + off, names[i], n) == 0 &&
		    !(text[off + n] == '_' || (text[off + n] >= 'a' && text[off + n] <= 'z')))
			return names[i];
	}
	return NULL;
}

static enum CXChildVisitResult cap_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct cap_query *q = d;
	if (!clang_isAttribute(clang_getCursorKind(c)) ||
	    clang_getCursorKind(c) == CXCursor_AnnotateAttr)
		return CXChildVisit_Continue;
	CXFile f;
	unsigned off;
	clang_getSpellingLocation(clang_getRangeStart(clang_getCursorExtent(c)), &f, NULL, NULL,
				  &off);
	size_t size = 0;
	const char *text = f ? clang_getFileContents(g_tu, f, &size) : NULL;
	if (!text)
		return CXChildVisit_Continue;
	const char *v = attr_name_in(text, size, off, CAP_VERIFIED);
	const char *u = attr_name_in(text, size, off, CAP_UNVERIFIED);
	if (v && !q->verified)
		q->verified = v;
	if (u && !q->unverified)
		q->unverified = u;
	return CXChildVisit_Continue;
}

void check_capability_attrs(CXCursor fn)
{
	if (!is_checked(fn))
		return;
	struct cap_query q = { NULL, NULL };
	clang_visitChildren(fn, cap_visit, &q);
	if (q.unverified)
		report_at(clang_getCursorLocation(fn), "attribute",
			  "'%s' on a service function: the thread-safety analysis takes it on trust "
			  "(it would let GUARDED_BY members be read with no lock held); take the lock "
			  "with the framework's functions",
			  q.unverified);
	else if (q.verified && (!clang_isCursorDefinition(fn) ||
				clang_Cursor_getStorageClass(fn) != CX_SC_Static))
		report_at(clang_getCursorLocation(fn), "attribute",
			  "'%s' on a service function that is not a static definition: the analysis "
			  "checks the body of a lock wrapper only where it sees it (a prototype defined "
			  "in a file that does not include it is taken on trust)",
			  q.verified);
}
