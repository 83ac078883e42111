/*
 * escape.c — the stack-escape rule, with a little data flow (issue #13 hole 7).
 *
 * Every value of a function gets a label: STACK when it may point into the function's own
 * frame, PARAM(i) when it may be (or point through) the caller's pointer parameter i. Labels
 * flow, flow-insensitively, through local variables (a local that is ever assigned a labelled
 * value carries the label everywhere), member access on values, compound literals and
 * initializer lists, conditionals, and through calls whose result can carry an argument's
 * pointer (the result type holds a pointer to the argument's pointee type, or bytes: a slice
 * made of a local array is a stack value). Sinks:
 *   - a store into anything but a local variable (a global, a static, an object reached
 *     through a pointer, a parameter's target): STACK is reported; PARAM(i) records that the
 *     function keeps its parameter i;
 *   - `return`: STACK is reported (the compiler catches only `return &local`);
 *   - an argument of a framework function whose parameter is FW_KEPT (it stores the pointer):
 *     STACK is reported, PARAM(i) is recorded as kept;
 *   - an argument of a service function: recorded, and reported at the end of the run when
 *     that function (or one it passes the parameter on to, across files) keeps it.
 * Not followed (docs/safety.md): calls through function pointers, and a stack address stored
 * inside the caller's own stack object that the callee then loads through its parameter.
 */
#include "safecheck.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L_STACK 1u
#define L_PARAM(i) (2u << ((i) < 30 ? (i) : 30))
#define L_PARAMS (~1u)
#define MAXLOCALS 512

struct esc {
	CXCursor fn;
	char usr[512];
	CXCursor locals[MAXLOCALS];
	unsigned labels[MAXLOCALS];
	unsigned nlocals;
	unsigned addr_taken; /* union of the labels of locals whose address is taken */
	/* Block scopes: a local's address kept in a variable that outlives the local's block
	 * is a dangling pointer into the frame (its slot is reused for other locals). */
	CXCursor sdecl[MAXLOCALS];
	unsigned send[MAXLOCALS]; /* end offset of each local's scope */
	unsigned nsdecl;
	unsigned carry[MAXLOCALS]; /* per local slot: the earliest scope end it may point into */
	unsigned acc_end;        /* of the value being labelled: the same */
	bool changed;
	bool final;          /* last pass: report sinks */
};

/* ---- the run's interprocedural state -------------------------------------------------------- */

struct pending {
	char *callee; /* "usr#j" */
	unsigned nonlocal; /* bit i: the call's argument i is not the address of a local */
	char *where;  /* file:line:col */
	char *name;
	unsigned arg;
};
static struct strset g_kept;     /* "usr#j": the function keeps its parameter j */
static struct strset g_kept_into; /* "usr#j>i": it stores parameter j into param i's target */
#define EDGE_ARGS 8
static char **g_edge_from, **g_edge_to;
static unsigned (*g_edge_labels)[EDGE_ARGS]; /* the labels of the call's arguments */
static size_t g_nedges, g_capedges;
static struct pending *g_pending;
static size_t g_npending, g_cappending;

static void add_edge(const char *from, const char *to, const unsigned *labels)
{
	if (g_nedges == g_capedges) {
		g_capedges = g_capedges ? g_capedges * 2 : 256;
		char **f = xmalloc(g_capedges * sizeof(char *)), **t = xmalloc(g_capedges * sizeof(char *));
		unsigned (*nl)[EDGE_ARGS] = xmalloc(g_capedges * sizeof(*nl));
		if (g_nedges) {
			memcpy(f, g_edge_from, g_nedges * sizeof(char *));
			memcpy(t, g_edge_to, g_nedges * sizeof(char *));
			memcpy(nl, g_edge_labels, g_nedges * sizeof(*nl));
		}
		free(g_edge_from);
		free(g_edge_to);
		free(g_edge_labels);
		g_edge_from = f;
		g_edge_to = t;
		g_edge_labels = nl;
	}
	memcpy(g_edge_labels[g_nedges], labels, sizeof(*g_edge_labels));
	g_edge_from[g_nedges] = xstrdup(from);
	g_edge_to[g_nedges++] = xstrdup(to);
}

/* Does the parameter `key` ("usr#j") outlive a call whose non-local arguments are `nonlocal`:
 * kept, or stored into the target of an argument that is not a local's address? */
static bool escapes_at(const char *key, unsigned nonlocal)
{
	if (strset_has(&g_kept, key))
		return true;
	for (unsigned i = 0; i < 30; i++) {
		if (!(nonlocal & (1u << i)))
			continue;
		char k2[700];
		snprintf(k2, sizeof k2, "%s>%u", key, i);
		if (strset_has(&g_kept_into, k2))
			return true;
	}
	return false;
}

static void add_pending(const char *callee, CXSourceLocation loc, const char *name, unsigned arg,
			unsigned nonlocal)
{
	if (g_npending == g_cappending) {
		g_cappending = g_cappending ? g_cappending * 2 : 64;
		struct pending *p = xmalloc(g_cappending * sizeof(*p));
		if (g_npending)
			memcpy(p, g_pending, g_npending * sizeof(*p));
		free(g_pending);
		g_pending = p;
	}
	CXFile f;
	unsigned line, col, off;
	clang_getFileLocation(loc, &f, &line, &col, &off);
	char where[PATH_MAX + 32];
	snprintf(where, sizeof where, "%s:%u:%u", file_path(f), line, col);
	g_pending[g_npending].nonlocal = nonlocal;
	g_pending[g_npending].callee = xstrdup(callee);
	g_pending[g_npending].where = xstrdup(where);
	g_pending[g_npending].name = xstrdup(name);
	g_pending[g_npending++].arg = arg;
}

/* For the shared-fat rule, after escape_finish: does the service function whose USR is `usr`
 * keep its parameter j beyond the call (stored anywhere but its own locals)? */
bool escape_param_kept(const char *usr, unsigned j)
{
	char key[700];
	snprintf(key, sizeof key, "%s#%u", usr, j);
	if (strset_has(&g_kept, key))
		return true;
	for (unsigned i = 0; i < 30; i++) {
		char k2[720];
		snprintf(k2, sizeof k2, "%s>%u", key, i);
		if (strset_has(&g_kept_into, k2))
			return true;
	}
	return false;
}

static void mark_kept(const char *key)
{
	bool added;
	strset_put(&g_kept, key, &added);
}

/* After every file: close the "keeps" relation over the recorded edges and report the calls
 * that pass a stack address to a parameter that is kept. */
void escape_finish(void)
{
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t e = 0; e < g_nedges; e++) {
			if (strset_has(&g_kept, g_edge_from[e]))
				continue;
			if (strset_has(&g_kept, g_edge_to[e])) {
				mark_kept(g_edge_from[e]);
				changed = true;
				continue;
			}
			/* the callee stores the parameter into the target of its argument i: that
			 * is the caller's own frame (nothing), the target of the caller's own
			 * parameters (kept into them), or anything else (kept) */
			for (unsigned i = 0; i < EDGE_ARGS; i++) {
				char k2[700];
				snprintf(k2, sizeof k2, "%s>%u", g_edge_to[e], i);
				unsigned l = g_edge_labels[e][i];
				if (!strset_has(&g_kept_into, k2) || l == L_STACK)
					continue;
				if (l && !(l & ~L_PARAMS)) {
					for (unsigned k = 0; k < 30; k++) {
						if (!(l & L_PARAM(k)))
							continue;
						char k3[700];
						snprintf(k3, sizeof k3, "%s>%u", g_edge_from[e], k);
						bool added;
						strset_put(&g_kept_into, k3, &added);
						changed |= added;
					}
				} else {
					mark_kept(g_edge_from[e]);
					changed = true;
					break;
				}
			}
		}
	}
	for (size_t i = 0; i < g_npending; i++)
		if (escapes_at(g_pending[i].callee, g_pending[i].nonlocal))
			report_text(g_pending[i].where, "stack-escape",
				    "passes the address of a stack object to '%s' (argument %u), which "
				    "keeps that pointer where it outlives this call",
				    g_pending[i].name, g_pending[i].arg + 1);
}

/* ---- labels ---------------------------------------------------------------------------------- */

static bool is_local_var(CXCursor d)
{
	enum CXCursorKind k = clang_getCursorKind(d);
	if (k == CXCursor_ParmDecl)
		return true;
	return k == CXCursor_VarDecl && !clang_Cursor_hasVarDeclGlobalStorage(d);
}

static int param_index(struct esc *st, CXCursor d)
{
	int n = clang_Cursor_getNumArguments(st->fn);
	for (int i = 0; i < n; i++)
		if (clang_equalCursors(clang_Cursor_getArgument(st->fn, (unsigned)i), d))
			return i;
	return -1;
}

static unsigned *local_slot(struct esc *st, CXCursor d)
{
	for (unsigned i = 0; i < st->nlocals; i++)
		if (clang_equalCursors(st->locals[i], d))
			return &st->labels[i];
	if (st->nlocals == MAXLOCALS)
		return NULL;
	st->locals[st->nlocals] = d;
	st->labels[st->nlocals] = 0;
	st->carry[st->nlocals] = UINT_MAX;
	return &st->labels[st->nlocals++];
}

/* The end offset of a local's scope (UINT_MAX for parameters and unknown locals). */
static unsigned scope_end(struct esc *st, CXCursor d)
{
	for (unsigned i = 0; i < st->nsdecl; i++)
		if (clang_equalCursors(st->sdecl[i], d))
			return st->send[i];
	return UINT_MAX;
}

static unsigned var_label(struct esc *st, CXCursor d)
{
	unsigned l = 0;
	unsigned *s = local_slot(st, d);
	if (s) {
		l = *s;
		unsigned c = st->carry[s - st->labels];
		if (c < st->acc_end)
			st->acc_end = c;
	}
	if (clang_getCursorKind(d) == CXCursor_ParmDecl) {
		int i = param_index(st, d);
		if (i >= 0 && is_pointer_bearing(clang_getCursorType(d), 0))
			l |= L_PARAM(i);
	}
	return l;
}

static void add_label(struct esc *st, CXCursor d, unsigned l)
{
	unsigned *s = local_slot(st, d);
	if (s && (*s | l) != *s) {
		*s |= l;
		st->changed = true;
	}
	if (s && st->acc_end < st->carry[s - st->labels]) {
		st->carry[s - st->labels] = st->acc_end;
		st->changed = true;
	}
}

/* A store of the value just labelled (st->acc_end) into the local d: d outliving the block
 * of a local whose address the value may hold is a dangling pointer once that block ends. */
static void check_scope(struct esc *st, CXCursor site, CXCursor d)
{
	if (!st->final || st->acc_end == UINT_MAX || location_class(site) != FC_SERVICE)
		return;
	if (scope_end(st, d) <= st->acc_end)
		return;
	char *n = spelling(d);
	report_at(clang_getCursorLocation(site), "stack-escape",
		  "keeps the address of a local of an inner block in '%s', which outlives that "
		  "block: the slot is reused for other locals once the block ends",
		  n);
	free(n);
}

static CXCursor peel(CXCursor c)
{
	for (int i = 0; i < 64; i++) {
		enum CXCursorKind k = clang_getCursorKind(c);
		if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr && k != CXCursor_CStyleCastExpr)
			break;
		struct kids kk = kids_of(c);
		if (kk.n == 0 || !is_expr_kind(clang_getCursorKind(kk.c[kk.n - 1])))
			break;
		if (k != CXCursor_CStyleCastExpr && kk.n != 1)
			break;
		c = kk.c[kk.n - 1];
	}
	return c;
}

/* The object an lvalue names: a variable reached by value (`x`, `x.f`, `x.a[i]`), or a null
 * cursor when the path reads a pointer, whose label is then returned in *through. */
static CXCursor lvalue_base(struct esc *st, CXCursor e, unsigned *through);

static unsigned label_of(struct esc *st, CXCursor e, int depth);

static CXCursor lvalue_base(struct esc *st, CXCursor e, unsigned *through)
{
	*through = 0;
	for (int depth = 0; depth < 32; depth++) {
		e = peel(e);
		enum CXCursorKind k = clang_getCursorKind(e);
		struct kids kk = kids_of(e);
		if (k == CXCursor_DeclRefExpr) {
			CXCursor d = clang_getCursorReferenced(e);
			enum CXCursorKind dk = clang_getCursorKind(d);
			return dk == CXCursor_VarDecl || dk == CXCursor_ParmDecl ? d : clang_getNullCursor();
		}
		if (k == CXCursor_MemberRefExpr && kk.n >= 1) {
			if (clang_getCanonicalType(clang_getCursorType(kk.c[0])).kind == CXType_Pointer) {
				*through = label_of(st, kk.c[0], 1);
				return clang_getNullCursor();
			}
			e = kk.c[0];
		} else if (k == CXCursor_ArraySubscriptExpr && kk.n == 2) {
			CXCursor b = kk.c[0];
			if (!is_pointerish(clang_getCursorType(b)) && is_pointerish(clang_getCursorType(kk.c[1])))
				b = kk.c[1];
			CXCursor sb = peel(b);
			enum CXTypeKind bk = clang_getCanonicalType(clang_getCursorType(sb)).kind;
			if (bk != CXType_ConstantArray || refers_to_parameter(sb)) {
				*through = label_of(st, b, 1);
				return clang_getNullCursor();
			}
			e = sb;
		} else if (k == CXCursor_UnaryOperator && kk.n == 1 &&
			   clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_Deref) {
			*through = label_of(st, kk.c[0], 1);
			return clang_getNullCursor();
		} else if (k == CXCursor_CompoundLiteralExpr) {
			*through = L_STACK; /* a block-scope compound literal lives in the frame */
			return clang_getNullCursor();
		} else if (k == CXCursor_GenericSelectionExpr) {
			/* `&_Generic(0, int: x)`: any association that names a local is the base */
			unsigned th = 0;
			for (unsigned i = 1; i < kk.n; i++) {
				if (!is_expr_kind(clang_getCursorKind(kk.c[i])))
					continue;
				unsigned t1;
				CXCursor b = lvalue_base(st, kk.c[i], &t1);
				th |= t1;
				if (!clang_Cursor_isNull(b) && is_local_var(b))
					return b;
			}
			*through = th;
			return clang_getNullCursor();
		} else {
			return clang_getNullCursor();
		}
	}
	return clang_getNullCursor();
}

/* The address of an lvalue: a local's address is STACK; an address through a pointer is that
 * pointer's label (`&p->f` points where p points). */
static unsigned address_label(struct esc *st, CXCursor lv)
{
	unsigned through;
	CXCursor base = lvalue_base(st, lv, &through);
	if (clang_Cursor_isNull(base))
		return through;
	if (is_local_var(base)) {
		st->addr_taken |= var_label(st, base);
		unsigned e = scope_end(st, base);
		if (e < st->acc_end)
			st->acc_end = e;
		return L_STACK;
	}
	return 0;
}

static bool is_bytelike(CXType t)
{
	enum CXTypeKind k = clang_getCanonicalType(t).kind;
	return k == CXType_Void || k == CXType_Char_S || k == CXType_Char_U || k == CXType_UChar ||
	       k == CXType_SChar;
}

/* The types a value of type t points to: a pointer's pointee, an array's element, the
 * pointees of a struct's pointer fields (one level: a slice's bytes). */
static unsigned pointees(CXType t, CXType *out, unsigned max, int depth)
{
	CXType c = clang_getCanonicalType(t);
	unsigned n = 0;
	if (c.kind == CXType_Pointer && n < max)
		out[n++] = clang_getPointeeType(c);
	else if ((c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray) && n < max)
		out[n++] = clang_getArrayElementType(c);
	else if (c.kind == CXType_Record) {
		struct field_list fl;
		fields_of(c, &fl);
		for (unsigned i = 0; i < fl.n && n < max; i++) {
			CXType ft = clang_getCanonicalType(clang_getCursorType(fl.f[i]));
			if (ft.kind == CXType_Pointer)
				out[n++] = clang_getPointeeType(ft);
			else if (ft.kind == CXType_Record && depth < 2) /* a result holding a slice */
				n += pointees(ft, out + n, max - n, depth + 1);
		}
	}
	for (unsigned i = 0; i < n; i++)
		out[i] = clang_getUnqualifiedType(clang_getCanonicalType(out[i]));
	return n;
}

/* Can a value of type `ret` carry what an argument of type `arg` points to (the same pointee
 * type, or bytes both ways: a slice of a slice, a str over a byte array)? */
static bool result_can_carry(CXType ret, CXType arg)
{
	CXType r[64], a[64];
	unsigned nr = pointees(ret, r, 64, 0), na = pointees(arg, a, 64, 0);
	for (unsigned i = 0; i < nr; i++)
		for (unsigned j = 0; j < na; j++)
			if (clang_equalTypes(r[i], a[j]) || (is_bytelike(r[i]) && is_bytelike(a[j])))
				return true;
	return false;
}

static unsigned label_of(struct esc *st, CXCursor e0, int depth)
{
	if (depth > 24 || clang_Cursor_isNull(e0))
		return 0;
	CXType t0 = clang_getCursorType(e0);
	if (!is_pointer_bearing(t0, 0) && !is_pointerish(t0))
		return 0; /* integers carry no address */
	CXCursor e = peel(e0);
	enum CXCursorKind k = clang_getCursorKind(e);
	CXType t = clang_getCanonicalType(clang_getCursorType(e));
	struct kids kk = kids_of(e);
	switch (k) {
	case CXCursor_DeclRefExpr: {
		CXCursor d = clang_getCursorReferenced(e);
		if (!is_local_var(d))
			return 0;
		if (t.kind == CXType_ConstantArray && clang_getCursorKind(d) == CXCursor_VarDecl) {
			st->addr_taken |= var_label(st, d);
			unsigned e = scope_end(st, d);
			if (e < st->acc_end)
				st->acc_end = e;
			return L_STACK | var_label(st, d); /* a local array decays to its address */
		}
		return var_label(st, d);
	}
	case CXCursor_UnaryOperator: {
		enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(e);
		if (kk.n != 1)
			return 0;
		if (op == CXUnaryOperator_AddrOf)
			return address_label(st, kk.c[0]);
		if (op == CXUnaryOperator_Deref) {
			/* the value loaded is what the object holds, not the object's address:
			 * its block does not bound the value */
			unsigned acc = st->acc_end;
			unsigned p = label_of(st, kk.c[0], depth + 1);
			st->acc_end = acc;
			/* a value loaded from the frame is whatever the frame's objects hold */
			return (p & L_STACK) && is_pointer_bearing(t, 0) ? st->addr_taken : 0;
		}
		return 0;
	}
	case CXCursor_MemberRefExpr:
	case CXCursor_ArraySubscriptExpr: {
		if (t.kind == CXType_ConstantArray) /* an array member decays to its address */
			return address_label(st, e);
		if (!is_pointer_bearing(t, 0))
			return 0;
		if (k == CXCursor_MemberRefExpr && kk.n >= 1 &&
		    clang_getCanonicalType(clang_getCursorType(kk.c[0])).kind == CXType_Record)
			return label_of(st, kk.c[0], depth + 1); /* `v.f`: what the value holds */
		unsigned through, acc = st->acc_end;
		CXCursor base = lvalue_base(st, e, &through);
		st->acc_end = acc; /* a value read through a pointer: not bounded by its block */
		if (!clang_Cursor_isNull(base))
			return is_local_var(base) ? var_label(st, base) : 0;
		return (through & L_STACK) ? st->addr_taken : 0;
	}
	case CXCursor_CompoundLiteralExpr: {
		unsigned l = 0;
		for (unsigned i = 0; i < kk.n; i++)
			l |= label_of(st, kk.c[i], depth + 1);
		if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
			l |= L_STACK; /* decays to the address of a block-scope object */
		return l;
	}
	case CXCursor_InitListExpr: {
		unsigned l = 0;
		for (unsigned i = 0; i < kk.n; i++) {
			struct kids ek = kids_of(kk.c[i]);
			CXCursor v = kk.c[i];
			if (clang_getCursorKind(v) == CXCursor_UnexposedExpr && ek.n >= 2 &&
			    clang_getCanonicalType(clang_getCursorType(v)).kind == CXType_Void)
				v = ek.c[ek.n - 1];
			l |= label_of(st, v, depth + 1);
		}
		return l;
	}
	case CXCursor_ConditionalOperator:
		return kk.n == 3 ? label_of(st, kk.c[1], depth + 1) | label_of(st, kk.c[2], depth + 1) : 0;
	case CXCursor_BinaryOperator: {
		enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
		if (kk.n != 2)
			return 0;
		if (op == CXBinaryOperator_Comma || op == CXBinaryOperator_Assign)
			return label_of(st, kk.c[1], depth + 1);
		if (op == CXBinaryOperator_Add || op == CXBinaryOperator_Sub)
			return label_of(st, kk.c[0], depth + 1) | label_of(st, kk.c[1], depth + 1);
		return 0;
	}
	case CXCursor_CallExpr: {
		if (!is_pointer_bearing(t, 0))
			return 0;
		unsigned l = 0;
		int na = clang_Cursor_getNumArguments(e);
		for (int i = 0; i < na; i++) {
			CXCursor a = clang_Cursor_getArgument(e, (unsigned)i);
			CXCursor pa = peel(a);
			CXType at = clang_getCursorType(pa);
			if (!is_pointerish(at) && !is_pointer_bearing(at, 0))
				continue;
			unsigned acc = st->acc_end;
			unsigned al = label_of(st, a, depth + 1);
			unsigned arg_end = st->acc_end;
			st->acc_end = acc; /* the argument's block bounds the result only if it flows */
			if (result_can_carry(t, at)) {
				l |= al;
				if (arg_end < st->acc_end)
					st->acc_end = arg_end;
			}
			/* a pointer to a local object: the result may carry what that object holds
			 * (a cursor over a stack array gives stack slices) */
			CXType ct = clang_getCanonicalType(at);
			if ((al & L_STACK) && ct.kind == CXType_Pointer &&
			    result_can_carry(t, clang_getPointeeType(ct)))
				l |= st->addr_taken;
		}
		return l;
	}
	case CXCursor_GenericSelectionExpr: {
		/* whichever association is chosen (all of them: the choice is the compiler's) */
		unsigned l = 0;
		for (unsigned i = 1; i < kk.n; i++)
			if (is_expr_kind(clang_getCursorKind(kk.c[i])))
				l |= label_of(st, kk.c[i], depth + 1);
		return l;
	}
	case CXCursor_StmtExpr: {
		/* `({ ...; v; })` is the value of its last statement */
		if (kk.n != 1 || clang_getCursorKind(kk.c[0]) != CXCursor_CompoundStmt)
			return 0;
		struct kids body = kids_of(kk.c[0]);
		if (body.n == 0 || !is_expr_kind(clang_getCursorKind(body.c[body.n - 1])))
			return 0;
		return label_of(st, body.c[body.n - 1], depth + 1);
	}
	default:
		if (kk.n == 1 && is_expr_kind(clang_getCursorKind(kk.c[0])))
			return label_of(st, kk.c[0], depth + 1); /* statement wrappers */
		return 0;
	}
}

/* ---- sinks ----------------------------------------------------------------------------------- */

static void sink_into(struct esc *st, CXCursor site, unsigned l, unsigned target,
		      const char *what)
{
	if (!l)
		return;
	int n = clang_Cursor_getNumArguments(st->fn);
	/* a store into the target of exactly one parameter (the caller's object): whether it
	 * outlives the caller depends on what the caller passed there */
	int into = -1;
	for (int i = 0; i < n && i < 30; i++)
		if (target == L_PARAM(i))
			into = i;
	for (int i = 0; i < n && i < 30; i++)
		if (l & L_PARAM(i)) {
			char key[700];
			if (into >= 0) {
				snprintf(key, sizeof key, "%s#%d>%d", st->usr, i, into);
				bool added;
				strset_put(&g_kept_into, key, &added);
				st->changed |= added;
				continue;
			}
			snprintf(key, sizeof key, "%s#%d", st->usr, i);
			if (!strset_has(&g_kept, key)) {
				mark_kept(key);
				st->changed = true;
			}
		}
	if (st->final && (l & L_STACK) && location_class(site) == FC_SERVICE)
		report_at(clang_getCursorLocation(site), "stack-escape", "%s", what);
}

static void sink(struct esc *st, CXCursor site, unsigned l, const char *what)
{
	sink_into(st, site, l, 0, what);
}

static void store(struct esc *st, CXCursor site, CXCursor lhs, unsigned l)
{
	unsigned through, acc = st->acc_end;
	CXCursor base = lvalue_base(st, lhs, &through);
	st->acc_end = acc;
	if (!clang_Cursor_isNull(base) && is_local_var(base)) {
		add_label(st, base, l);
		check_scope(st, site, base);
		return;
	}
	if (!is_pointer_bearing(clang_getCursorType(lhs), 0))
		return;
	if (clang_Cursor_isNull(base) && (through & L_STACK) && !(through & L_PARAMS)) {
		/* a store into the function's own frame (through a pointer to a local) */
		st->addr_taken |= l;
		return;
	}
	sink_into(st, site, l, clang_Cursor_isNull(base) ? through : 0,
		  "stores the address of a stack object where it outlives the function (a global, "
		  "a static, an object reached through a pointer, a parameter's target)");
}

static char *usr_of(CXCursor c)
{
	CXString s = clang_getCursorUSR(clang_getCanonicalCursor(c));
	char *r = xstrdup(clang_getCString(s));
	clang_disposeString(s);
	return r;
}

static void call(struct esc *st, CXCursor c)
{
	CXCursor g = clang_getCursorReferenced(c);
	if (clang_getCursorKind(g) != CXCursor_FunctionDecl)
		return;
	bool api = location_class(g) == FC_API || spelling_class(g) == FC_API;
	/* generated functions of trusted macros are analysed as the service's own */
	if (spelling_class(g) == FC_API && location_class(g) == FC_SERVICE)
		api = false;
	int na = clang_Cursor_getNumArguments(c);
	char *gu = usr_of(g);
	char *gn = spelling(g);
	unsigned nonlocal = 0; /* arguments that are not (only) the address of a local */
	unsigned labels[EDGE_ARGS] = { 0 };
	for (int j = 0; j < na && j < 30; j++) {
		CXCursor a = clang_Cursor_getArgument(c, (unsigned)j);
		unsigned l = label_of(st, a, 0);
		if (j < EDGE_ARGS)
			labels[j] = l;
		if (l != L_STACK)
			nonlocal |= 1u << j;
	}
	for (int j = 0; j < na; j++) {
		CXCursor a = clang_Cursor_getArgument(c, (unsigned)j);
		if (!is_pointer_bearing(clang_getCursorType(peel(a)), 0) &&
		    !is_pointerish(clang_getCursorType(peel(a))))
			continue;
		unsigned l = label_of(st, a, 0);
		if (!l)
			continue;
		if (api) {
			CXCursor p = clang_Cursor_getArgument(g, (unsigned)j);
			if (!clang_Cursor_isNull(p) && has_annotation(p, "trellis_kept"))
				sink(st, a, l,
				     "passes the address of a stack object to a framework function that "
				     "keeps it (FW_KEPT)");
			continue;
		}
		char key[600];
		snprintf(key, sizeof key, "%s#%d", gu, j);
		for (int i = 0; i < 30; i++)
			if (l & L_PARAM(i)) {
				char from[600];
				snprintf(from, sizeof from, "%s#%d", st->usr, i);
				if (st->final)
					add_edge(from, key, labels);
			}
		if ((l & L_STACK) && st->final && location_class(a) == FC_SERVICE)
			add_pending(key, clang_getCursorLocation(a), gn, (unsigned)j, nonlocal);
	}
	free(gu);
	free(gn);
}

static enum CXChildVisitResult esc_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct esc *st = d;
	enum CXCursorKind k = clang_getCursorKind(c);
	switch (k) {
	case CXCursor_BinaryOperator:
	case CXCursor_CompoundAssignOperator: {
		enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
		struct kids kk = kids_of(c);
		if (kk.n == 2 && (op == CXBinaryOperator_Assign || op == CXBinaryOperator_AddAssign ||
				  op == CXBinaryOperator_SubAssign)) {
			st->acc_end = UINT_MAX;
			store(st, c, kk.c[0], label_of(st, kk.c[1], 0));
		}
		break;
	}
	case CXCursor_VarDecl: {
		struct kids kk = kids_of(c);
		CXCursor init = clang_getNullCursor();
		for (unsigned i = 0; i < kk.n; i++)
			if (is_expr_kind(clang_getCursorKind(kk.c[i])))
				init = kk.c[i];
		if (clang_Cursor_isNull(init))
			break;
		st->acc_end = UINT_MAX;
		unsigned l = label_of(st, init, 0);
		if (!clang_Cursor_hasVarDeclGlobalStorage(c)) {
			add_label(st, c, l);
			check_scope(st, c, c);
		} else if (is_pointer_bearing(clang_getCursorType(c), 0))
			sink(st, c, l, "initializes a static object with the address of a stack object");
		break;
	}
	case CXCursor_ReturnStmt: {
		struct kids kk = kids_of(c);
		if (kk.n == 1 && st->final) {
			unsigned l = label_of(st, kk.c[0], 0);
			if ((l & L_STACK) && location_class(c) == FC_SERVICE)
				report_at(clang_getCursorLocation(c), "stack-escape",
					  "returns a pointer into the function's own frame");
		}
		break;
	}
	case CXCursor_CallExpr:
		call(st, c);
		break;
	default:
		break;
	}
	return CXChildVisit_Recurse;
}

/* ---- block scopes -------------------------------------------------------------------------- */

struct scope_walk {
	struct esc *st;
	unsigned end[64];
	unsigned depth;
};

static unsigned offset_at(CXSourceLocation loc)
{
	CXFile f;
	unsigned line, col, off;
	clang_getFileLocation(loc, &f, &line, &col, &off);
	return off;
}

/* Records each block-scope local with the end of its innermost enclosing block. */
static enum CXChildVisitResult scope_visit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct scope_walk *w = d;
	enum CXCursorKind k = clang_getCursorKind(c);
	if ((k == CXCursor_CompoundStmt || k == CXCursor_ForStmt) && w->depth < 64) {
		w->end[w->depth++] = offset_at(clang_getRangeEnd(clang_getCursorExtent(c)));
		clang_visitChildren(c, scope_visit, w);
		w->depth--;
		return CXChildVisit_Continue;
	}
	if (k == CXCursor_VarDecl && w->depth > 1 && !clang_Cursor_hasVarDeclGlobalStorage(c) &&
	    w->st->nsdecl < MAXLOCALS) {
		/* depth 1 is the function's body: its locals live as long as any other */
		w->st->sdecl[w->st->nsdecl] = c;
		w->st->send[w->st->nsdecl++] = w->end[w->depth - 1];
	}
	return CXChildVisit_Recurse;
}

/* Runs the rule over one function definition. */
void escape_function(CXCursor fn)
{
	if (!clang_isCursorDefinition(fn) || location_class(fn) != FC_SERVICE)
		return;
	struct esc *st = xmalloc(sizeof *st);
	st->fn = fn;
	char *u = usr_of(fn);
	snprintf(st->usr, sizeof st->usr, "%s", u);
	free(u);
	st->nsdecl = 0;
	struct scope_walk sw = { st, { 0 }, 0 };
	clang_visitChildren(fn, scope_visit, &sw);
	for (int pass = 0; pass < 6; pass++) {
		st->changed = false;
		clang_visitChildren(fn, esc_visit, st);
		if (!st->changed)
			break;
	}
	st->final = true;
	clang_visitChildren(fn, esc_visit, st);
	free(st);
}
