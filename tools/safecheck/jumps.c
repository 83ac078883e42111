/*
 * jumps.c — the uninit rule: a jump into the scope of a local past its declaration.
 *
 * `-ftrivial-auto-var-init=zero` zeroes a local where its declaration is executed. A `goto`
 * to a label after the declaration, or a `switch` whose `case` lies after a declaration in
 * the switch's body, enters the local's scope without executing it: the local then holds
 * whatever an earlier frame left in that stack slot — bytes a user chose, or a freed handle.
 * For a pointer, a slice, a handle or a lock that is a forged object, so the rule reports a
 * jump that skips the declaration of a local whose type holds a pointer, a private field or
 * a no-copy member, when the local is used after the label (a `goto out` past a declaration
 * the cleanup code never looks at is fine).
 *
 * Positions are file offsets of the expansion locations in the function's file; a local's
 * scope is its innermost enclosing compound statement (or `for` statement).
 */
#include "safecheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXV 512
#define MAXJ 512

struct jvar {
	CXCursor decl;
	unsigned at, end; /* declaration offset, end of its scope */
	bool risky;
};

struct jump {
	CXCursor site;   /* the goto, or the case/default label */
	unsigned from;   /* where control comes from: the goto, or the switch statement */
	unsigned to;     /* the label's offset */
};

struct jwalk {
	struct jvar v[MAXV];
	unsigned nv;
	struct jump j[MAXJ];
	unsigned nj;
	CXCursor refs[4 * MAXV]; /* DeclRefExprs of locals */
	unsigned ref_at[4 * MAXV];
	unsigned nrefs;
	unsigned scope_end[64]; /* the enclosing scopes' end offsets */
	unsigned depth;
	unsigned sw_from[64]; /* the enclosing switch statements' offsets */
	unsigned nsw;
};

static unsigned offset_of(CXSourceLocation loc)
{
	CXFile f;
	unsigned line, col, off;
	clang_getFileLocation(loc, &f, &line, &col, &off);
	return off;
}

static bool risky_type(CXType t)
{
	return is_pointer_bearing(t, 0) || is_nocopy(t, 0) || is_copy_restricted(t, 0);
}

static enum CXChildVisitResult jvisit(CXCursor c, CXCursor parent, CXClientData d);

static void jrecurse(struct jwalk *w, CXCursor c)
{
	clang_visitChildren(c, jvisit, w);
}

static enum CXChildVisitResult jvisit(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	struct jwalk *w = d;
	enum CXCursorKind k = clang_getCursorKind(c);
	switch (k) {
	case CXCursor_CompoundStmt:
	case CXCursor_ForStmt:
		if (w->depth < 64) {
			w->scope_end[w->depth++] = offset_of(clang_getRangeEnd(clang_getCursorExtent(c)));
			jrecurse(w, c);
			w->depth--;
			return CXChildVisit_Continue;
		}
		break;
	case CXCursor_SwitchStmt:
		if (w->nsw < 64) {
			w->sw_from[w->nsw++] = offset_of(clang_getCursorLocation(c));
			jrecurse(w, c);
			w->nsw--;
			return CXChildVisit_Continue;
		}
		break;
	case CXCursor_CaseStmt:
	case CXCursor_DefaultStmt:
		if (w->nsw > 0 && w->nj < MAXJ && is_checked(c)) {
			w->j[w->nj].site = c;
			w->j[w->nj].from = w->sw_from[w->nsw - 1];
			w->j[w->nj++].to = offset_of(clang_getCursorLocation(c));
		}
		break;
	case CXCursor_GotoStmt: {
		CXCursor label = clang_getCursorReferenced(c);
		if (!clang_Cursor_isNull(label) && w->nj < MAXJ && is_checked(c)) {
			w->j[w->nj].site = c;
			w->j[w->nj].from = offset_of(clang_getCursorLocation(c));
			w->j[w->nj++].to = offset_of(clang_getCursorLocation(label));
		}
		break;
	}
	case CXCursor_VarDecl:
		if (!clang_Cursor_hasVarDeclGlobalStorage(c) && w->nv < MAXV && w->depth > 0) {
			struct jvar *v = &w->v[w->nv++];
			v->decl = c;
			v->at = offset_of(clang_getCursorLocation(c));
			v->end = w->scope_end[w->depth - 1];
			v->risky = risky_type(clang_getCursorType(c));
		}
		break;
	case CXCursor_DeclRefExpr: {
		CXCursor r = clang_getCursorReferenced(c);
		if (clang_getCursorKind(r) == CXCursor_VarDecl && w->nrefs < 4 * MAXV) {
			w->refs[w->nrefs] = r;
			w->ref_at[w->nrefs++] = offset_of(clang_getCursorLocation(c));
		}
		break;
	}
	default:
		break;
	}
	return CXChildVisit_Recurse;
}

/* Runs the rule over one function definition. */
void jumps_function(CXCursor fn)
{
	if (!clang_isCursorDefinition(fn) || location_class(fn) != FC_SERVICE)
		return;
	struct jwalk *w = xmalloc(sizeof *w);
	jrecurse(w, fn);
	for (unsigned j = 0; j < w->nj; j++) {
		struct jump *jp = &w->j[j];
		for (unsigned i = 0; i < w->nv; i++) {
			struct jvar *v = &w->v[i];
			if (!v->risky || !(v->at < jp->to && jp->to < v->end))
				continue; /* the label is not in the local's scope after it */
			if (v->at <= jp->from && jp->from < v->end)
				continue; /* the jump starts where the local is already declared */
			bool used = false;
			for (unsigned r = 0; r < w->nrefs && !used; r++)
				used = w->ref_at[r] > jp->to && w->ref_at[r] < v->end &&
				       clang_equalCursors(w->refs[r], v->decl);
			if (!used)
				continue;
			char *n = spelling(v->decl);
			CXFile f;
			unsigned line, col, off;
			clang_getFileLocation(clang_getCursorLocation(v->decl), &f, &line, &col, &off);
			report_at(clang_getCursorLocation(jp->site), "uninit",
				  "jumps past the declaration of '%s' (line %u) into its scope: it is "
				  "never initialised there and holds what an earlier frame left (a stale "
				  "pointer or handle); declare it before the jump or in its own block",
				  n, line);
			free(n);
		}
	}
	free(w);
}
