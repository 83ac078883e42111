/*
 * rules.c — the AST rules (conversions, pointer arithmetic, subscripts, private fields,
 * no-copy, references outside the API, recursion, plain-data copies, declarations) and the
 * walk that applies them to every cursor of a service file.
 */
#include "safecheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the rules on expressions ----------------------------------------------------------------- */

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
void raw_op(CXCursor site, const CXCursor *ops, unsigned nops, const char *rule,
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
	if (from.kind == CXType_Atomic) /* an _Atomic value reads as its value type */
		from = clang_getCanonicalType(clang_Type_getValueType(from));
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
	if (from.kind == CXType_ConstantArray || from.kind == CXType_IncompleteArray ||
	    from.kind == CXType_VariableArray || from.kind == CXType_FunctionProto ||
	    from.kind == CXType_FunctionNoProto || from.kind == CXType_NullPtr)
		return; /* array and function decay keep the element type */
	if (from.kind != CXType_Pointer) {
		/* any other scalar: `_BitInt(64)`, an `_Atomic` or vector value... */
		if (is_null_constant(operand))
			return;
		CXCursor ref = clang_getCursorReferenced(strip(operand));
		if (clang_getCursorKind(ref) == CXCursor_FunctionDecl)
			return; /* a builtin function's name decays to its address */
		char *a = type_name(clang_getCursorType(operand));
		char msg[400];
		snprintf(msg, sizeof msg,
			 "%s from '%s' to a pointer: services cannot conjure pointers", how, a);
		free(a);
		raw_op(site, &operand, 1, "int-to-pointer", msg);
		return;
	}
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

/* The private field an lvalue lives in, following the path the lvalue names without reading a
 * pointer: `x.priv`, `x.priv.f`, `x.priv[i]`, `p->priv.a[2].f` all live in a private field; a
 * null cursor when no field on the path is private. */
static CXCursor private_on_path(CXCursor lhs)
{
	CXCursor e = lhs;
	for (int depth = 0; depth < 32; depth++) {
		e = strip(e);
		enum CXCursorKind k = clang_getCursorKind(e);
		struct kids kk = kids_of(e);
		if (k == CXCursor_MemberRefExpr) {
			CXCursor f = clang_getCursorReferenced(e);
			if (clang_getCursorKind(f) == CXCursor_FieldDecl && is_private_field(f))
				return f;
			if (kk.n < 1 ||
			    clang_getCanonicalType(clang_getCursorType(kk.c[0])).kind == CXType_Pointer)
				return clang_getNullCursor(); /* p->f: the path starts at *p */
			e = kk.c[0];
		} else if (k == CXCursor_ArraySubscriptExpr && kk.n == 2) {
			CXCursor b = kk.c[0];
			if (!is_pointerish(clang_getCursorType(b)) && is_pointerish(clang_getCursorType(kk.c[1])))
				b = kk.c[1];
			CXCursor sb = strip(b);
			enum CXTypeKind bk = clang_getCanonicalType(clang_getCursorType(sb)).kind;
			if (bk != CXType_ConstantArray && bk != CXType_IncompleteArray)
				return clang_getNullCursor();
			e = sb;
		} else {
			return clang_getNullCursor();
		}
	}
	return clang_getNullCursor();
}

static void check_private_write(CXCursor site, CXCursor lhs, const char *what)
{
	CXCursor f = private_on_path(lhs);
	if (clang_Cursor_isNull(f) || !is_checked(site))
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

static bool evaluates_to(CXCursor e, long long want)
{
	CXEvalResult r = clang_Cursor_Evaluate(strip(e));
	if (!r)
		return false;
	bool ok = clang_EvalResult_getKind(r) == CXEval_Int &&
		  clang_EvalResult_getAsLongLong(r) == want;
	clang_EvalResult_dispose(r);
	return ok;
}

/* &a[fw_index_check(i, N)]: the index went through a FW_INDEX_CHECK function (it traps unless
 * i < N) and N is a constant equal to the length of the fixed-size array a. */
static bool checked_index(CXCursor base, CXCursor index)
{
	CXType bt = clang_getCanonicalType(clang_getCursorType(strip(base)));
	if (bt.kind != CXType_ConstantArray || refers_to_parameter(strip(base)))
		return false;
	CXCursor call = strip(index);
	if (clang_getCursorKind(call) != CXCursor_CallExpr ||
	    clang_Cursor_getNumArguments(call) != 2)
		return false;
	CXCursor fn = clang_getCursorReferenced(call);
	if (clang_getCursorKind(fn) != CXCursor_FunctionDecl ||
	    location_class(fn) != FC_API || !has_annotation(fn, "trellis_index_check"))
		return false;
	return evaluates_to(clang_Cursor_getArgument(call, 1), clang_getArraySize(bt));
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
	if (op == CXBinaryOperator_Assign && is_checked(c) &&
	    is_nocopy(clang_getCursorType(k.c[0]), 0))
		report_at(clang_getCursorLocation(c), "nocopy",
			  "assigns a whole no-copy object (a handle, lock or link)");
	else if (op == CXBinaryOperator_Assign && is_checked(c) &&
	    is_copy_restricted(clang_getCursorType(k.c[0]), 0)) {
		char *tn = type_name(clang_getCursorType(k.c[0]));
		report_at(clang_getCursorLocation(c), "private",
			  "assigns a whole '%s', which holds private fields: that writes them (only "
			  "framework value types such as slices may be assigned whole)",
			  tn);
		free(tn);
	}
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
		if (sk.n == 2 && !constant_in_range(sk.c[0], sk.c[1]) && !checked_index(sk.c[0], sk.c[1]))
			raw_op(c, sk.c, 2, "addr-of-element",
			       "&a[i] without a constant in-range index: the bounds check lets the "
			       "one-past-the-end pointer through (check the index with a FW_INDEX_CHECK "
			       "function against the array's length)");
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
	else if (is_copy_restricted(clang_getCursorType(v), 0) &&
		 is_checked(v))
		report_at(clang_getCursorLocation(v), "private",
			  "initializer copies an object with private fields (only framework value "
			  "types such as slices may be copied)");
}

/* A designated element of an initializer list: designators (field references, index
 * expressions) and the value last. */
static bool is_designated(CXCursor e, struct kids *ek)
{
	*ek = kids_of(e);
	return clang_getCursorKind(e) == CXCursor_UnexposedExpr && ek->n >= 2 &&
	       clang_getCanonicalType(clang_getCursorType(e)).kind == CXType_Void;
}

/* A struct or array holding a private field anywhere inside (value types included: a brace-
 * elided initializer of a slice forges it). */
static bool has_private_inside(CXType t, int depth)
{
	t = clang_getCanonicalType(t);
	while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
		t = clang_getCanonicalType(clang_getArrayElementType(t));
	if (t.kind != CXType_Record || depth > 8)
		return false;
	struct field_list l;
	fields_of(t, &l);
	for (unsigned i = 0; i < l.n; i++)
		if (is_private_field(l.f[i]) || has_private_inside(clang_getCursorType(l.f[i]), depth + 1))
			return true;
	return false;
}

/* `value` initializes a subobject of type `target`: when the target holds private fields and
 * the value is neither a braced list nor a whole object of that type, C's brace elision makes
 * it (and the values after it) set the target's fields one by one, private ones included. */
static void check_elision(CXCursor value, CXType target)
{
	CXCursor v = strip(value);
	if (clang_getCursorKind(v) == CXCursor_InitListExpr || !has_private_inside(target, 0) ||
	    is_null_constant(v))
		return; /* `{ 0 }` zeroes the whole object: zero is every field's safe value */
	CXType vt = clang_getCanonicalType(clang_getCursorType(v));
	CXType tt = clang_getCanonicalType(target);
	if (clang_equalTypes(clang_getUnqualifiedType(vt), clang_getUnqualifiedType(tt)))
		return;
	char *tn = type_name(target);
	report_at(clang_getCursorLocation(value), "private",
		  "initializer without braces for a '%s', which holds private fields: brace "
		  "elision sets them one by one",
		  tn);
	free(tn);
}

/* Initializers: copies of no-copy objects, and positional, designated (also nested: `.b.ptr`,
 * `[0].len`) or brace-elided initializers that set private fields. */
static void check_init_list(CXCursor c)
{
	struct kids k = kids_of(c);
	for (unsigned i = 0; i < k.n; i++) {
		struct kids ek;
		check_init_copy(is_designated(k.c[i], &ek) ? ek.c[ek.n - 1] : k.c[i]);
	}
	if (!is_checked(c))
		return;
	CXType t = clang_getCanonicalType(clang_getCursorType(c));
	if (!has_private_inside(t, 0))
		return;
	struct field_list fl;
	fl.n = 0;
	if (t.kind == CXType_Record)
		fields_of(t, &fl);
	unsigned next = 0;
	for (unsigned i = 0; i < k.n; i++) {
		CXCursor e = k.c[i];
		struct kids ek;
		if (is_designated(e, &ek)) {
			CXType cur = t;
			for (unsigned d = 0; d + 1 < ek.n; d++) {
				CXCursor des = ek.c[d];
				if (clang_getCursorKind(des) == CXCursor_MemberRef) {
					CXCursor f = clang_getCursorReferenced(des);
					if (d == 0 && t.kind == CXType_Record)
						for (unsigned j = 0; j < fl.n; j++)
							if (clang_equalCursors(fl.f[j], f))
								next = j;
					cur = clang_getCursorType(f);
					if (is_private_field(f)) {
						char *n = spelling(f);
						report_at(clang_getCursorLocation(des), "private",
							  "designated initializer sets private field '%s'", n);
						free(n);
					}
				} else {
					CXType ct = clang_getCanonicalType(cur);
					if (ct.kind == CXType_ConstantArray || ct.kind == CXType_IncompleteArray)
						cur = clang_getArrayElementType(ct);
				}
			}
			check_elision(ek.c[ek.n - 1], cur);
			next++;
			continue;
		}
		if (t.kind == CXType_Record) {
			if (next < fl.n && is_private_field(fl.f[next])) {
				char *n = spelling(fl.f[next]);
				report_at(clang_getCursorLocation(e), "private",
					  "positional initializer sets private field '%s'", n);
				free(n);
			} else if (next < fl.n) {
				check_elision(e, clang_getCursorType(fl.f[next]));
			}
		} else if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray) {
			check_elision(e, clang_getArrayElementType(t));
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

bool builtin_allowed(const char *name)
{
	for (int i = 0; BUILTIN_ALLOW[i]; i++)
		if (strcmp(name, BUILTIN_ALLOW[i]) == 0)
			return true;
	return false;
}

bool is_builtin_prefix(const char *s)
{
	return starts_with(s, "__builtin_") || starts_with(s, "__sync_") ||
	       starts_with(s, "__atomic_") || starts_with(s, "__c11_atomic_") ||
	       starts_with(s, "__scoped_atomic_") || starts_with(s, "__hip_atomic_") ||
	       starts_with(s, "__opencl_atomic_") || starts_with(s, "__arithmetic_fence");
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
	if (dk == CXCursor_FunctionDecl &&
	    clang_equalLocations(clang_getCursorLocation(d), clang_getCursorLocation(c))) {
		/* declared by its own call: a builtin, or an implicit declaration (`memcpy`,
		 * `setjmp`: a C-library builtin, whatever its spelling, `va_start` included) */
		if (!builtin_allowed(name))
			report_at(clang_getCursorLocation(c), "builtin",
				  "'%s' is called without a declaration: a compiler builtin or an "
				  "implicitly declared function outside the allow-list",
				  name);
	} else if (fc == FC_NONE) {
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
	} else if (fc != FC_API && spelling_class(c) == FC_NONE && ends_with(name, "_held") &&
		   spelling_class(d) == FC_SERVICE &&
		   dk == CXCursor_FunctionDecl) {
		/* `K##_held` pasted in a container's trusted body: the lock kind's check is what
		 * keeps the container's framework-managed links consistent, so the kind must be
		 * a framework lock (a service's own `_held` could answer true unlocked). */
		report_at(clang_getCursorLocation(c), "api",
			  "'%s' is not a framework lock kind's check: a container's lock kind must be "
			  "one of the framework's (litelock, spinlock, mutex, rwlock, sched_rq...)",
			  name);
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

/* Names the framework exports for the compiler (the block copies it emits, the stack
 * protector's), every name a C library or the compiler's runtime defines, and the prefixes of
 * compiler builtins and framework internals: a service declaring one binds to what the
 * framework defines for the compiler, with a type of its choosing (the link step checks
 * names, not types). */
static const char *const RESERVED_PREFIX[] = {
	"__builtin", "__sync_", "__atomic", "__c11_", "__scoped_atomic", "__hip_atomic",
	"__opencl_atomic", "__fw", "__FW",
	"__stack_chk", "__kcfi", "__cfi", "__ubsan", "__asan", "__tsan", "__msan", "__sanitizer",
	"__llvm", "__clang", "__x86", "__cxa", "__memcpy", "__memset", "__memmove", "__str",
	"__mem", NULL,
};
static const char *const LIBC_NAMES[] = {
	"memcpy", "memmove", "memset", "memcmp", "memchr", "memrchr", "mempcpy", "memccpy",
	"bcmp", "bcopy", "bzero", "explicit_bzero", "strlen", "strnlen", "strcpy", "strncpy",
	"stpcpy", "stpncpy", "strlcpy", "strlcat", "strcat", "strncat", "strcmp", "strncmp",
	"strcasecmp", "strncasecmp", "strchr", "strrchr", "strchrnul", "strstr", "strdup",
	"strndup", "strspn", "strcspn", "strpbrk", "strtok", "strtok_r", "strerror", "strsep",
	"strtol", "strtoul", "strtoll", "strtoull", "strtod", "strtof", "atoi", "atol", "atoll",
	"index", "rindex", "malloc", "calloc", "realloc", "reallocarray", "free", "aligned_alloc",
	"posix_memalign", "memalign", "valloc", "alloca", "abort", "exit", "_Exit", "_exit",
	"atexit", "printf", "fprintf", "sprintf", "snprintf", "vprintf", "vfprintf", "vsprintf",
	"vsnprintf", "dprintf", "asprintf", "scanf", "sscanf", "fscanf", "puts", "putchar",
	"fputs", "fputc", "putc", "getchar", "fgets", "gets", "fopen", "fclose", "fread",
	"fwrite", "fflush", "setjmp", "longjmp", "_setjmp", "_longjmp", "sigsetjmp", "siglongjmp",
	"savectx", "abs", "labs", "llabs", "div", "ldiv", "qsort", "bsearch", "rand", "srand",
	"isalpha", "isdigit", "isalnum", "isspace", "isupper", "islower", "isprint", "isxdigit",
	"toupper", "tolower", "wmemcpy", "wmemmove", "wmemset", "wcslen", "wcscpy", "sqrt",
	"fabs", "floor", "ceil", "pow", "exp", "log", "sin", "cos", "fmod", "signal", "raise",
	"getenv", "system", "environ", "errno", "stdin", "stdout", "stderr", NULL,
};

bool is_reserved_name(const char *n)
{
	for (int i = 0; RESERVED_PREFIX[i]; i++)
		if (starts_with(n, RESERVED_PREFIX[i]))
			return true;
	for (int i = 0; LIBC_NAMES[i]; i++)
		if (!strcmp(n, LIBC_NAMES[i]))
			return true;
	return false;
}

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
	if (!file_scope || location_class(c) != FC_SERVICE)
		return;
	char *n = spelling(c);
	if (n[0] && is_reserved_name(n) && !strset_has(&g_fw_names, n)) {
		report_at(clang_getCursorLocation(c), "redeclaration",
			  "'%s' is reserved: a name the compiler, a C library or the framework "
			  "defines (declaring it binds to the framework's definition with a type of "
			  "the service's choosing)",
			  n);
		free(n);
		return;
	}
	if (!is_checked(c)) {
		free(n);
		return;
	}
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

/* A declaration a trusted macro wrote (its first token is spelled in framework/include/fw/),
 * even when its name was pasted together from the service's argument. */
static bool from_trusted_macro(CXCursor c)
{
	CXFile f;
	unsigned line, col, off;
	clang_getSpellingLocation(clang_getRangeStart(clang_getCursorExtent(c)), &f, &line, &col, &off);
	return file_class(f) == FC_API && spelling_class(c) != FC_SERVICE;
}

static bool is_type_info(CXType t)
{
	CXType ct = clang_getCanonicalType(t);
	if (ct.kind != CXType_Record)
		return false;
	char *n = type_name(clang_getUnqualifiedType(ct));
	bool yes = !strcmp(n, "struct type_info");
	free(n);
	return yes;
}

/* Type identities (`NAME__type`, fw/typecache.h): defined only by the framework's macros, and
 * each name once in the whole service (two definitions would be one identity for two types). */
static void check_type_identity(CXCursor c)
{
	if (!is_type_info(clang_getCursorType(c)) || location_class(c) != FC_SERVICE)
		return;
	if (!from_trusted_macro(c)) {
		report_at(clang_getCursorLocation(c), "type-identity",
			  "a type identity (struct type_info) made by hand: only DEFINE_TYPE_CACHE / "
			  "DEFINE_SUBTYPE define one, so its parent and size are the real ones");
		return;
	}
	if (!clang_isCursorDefinition(c))
		return;
	char *n = spelling(c);
	CXFile f;
	unsigned line, col, off;
	clang_getFileLocation(clang_getCursorLocation(c), &f, &line, &col, &off);
	char key[PATH_MAX + 128], where[PATH_MAX + 32];
	snprintf(key, sizeof key, "type|%s|%s", g_service, n);
	snprintf(where, sizeof where, "%s:%u", file_path(f), line);
	bool added;
	char **v = strset_put(&g_tags, key, &added);
	if (added) {
		*v = xstrdup(where);
	} else if (strcmp(*v, where) != 0) {
		const char *first = *v;
		if (starts_with(first, g_root))
			first += strlen(g_root);
		report_at(clang_getCursorLocation(c), "type-identity",
			  "type identity '%s' is already defined at %s: two types under one name "
			  "would pass each other's checked downcasts",
			  n, first);
	}
	free(n);
}

/* The functions DEFINE_SUBTYPE / DECLARE_SUBTYPE generate (`NAME__tag` among them): one
 * site per name, or two types would downcast through one identity. */
static void check_subtype_site(CXCursor c)
{
	if (!clang_isCursorDefinition(c) || location_class(c) != FC_SERVICE || !from_trusted_macro(c))
		return;
	char *n = spelling(c);
	if (!ends_with(n, "__tag")) {
		free(n);
		return;
	}
	CXFile f;
	unsigned line, col, off;
	clang_getFileLocation(clang_getCursorLocation(c), &f, &line, &col, &off);
	char key[PATH_MAX + 128], where[PATH_MAX + 32];
	snprintf(key, sizeof key, "subtype|%s|%s", g_service, n);
	snprintf(where, sizeof where, "%s:%u", file_path(f), line);
	bool added;
	char **v = strset_put(&g_tags, key, &added);
	if (added)
		*v = xstrdup(where);
	else if (strcmp(*v, where) != 0)
		report_at(clang_getCursorLocation(c), "type-identity",
			  "subtype '%.*s' is already declared at %s: two types under one identity",
			  (int)(strlen(n) - 5), n, *v + (starts_with(*v, g_root) ? strlen(g_root) : 0));
	free(n);
}

static void check_var_decl(CXCursor c, bool file_scope)
{
	check_type_identity(c);
	if (!is_checked(c) || from_trusted_macro(c))
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

/* ---- what the compiler parsed, however it was spelled ------------------------------------------ */

/* The token rules read what the author typed; these read the declarations the compiler built,
 * so a construct assembled by a macro is judged too. */
static bool type_is_volatile(CXType t, int depth)
{
	if (depth > 8)
		return false;
	if (clang_isVolatileQualifiedType(t))
		return true;
	CXType c = clang_getCanonicalType(t);
	if (clang_isVolatileQualifiedType(c))
		return true;
	switch (c.kind) {
	case CXType_Pointer:
		return type_is_volatile(clang_getPointeeType(c), depth + 1);
	case CXType_ConstantArray:
	case CXType_IncompleteArray:
	case CXType_VariableArray:
		return type_is_volatile(clang_getArrayElementType(c), depth + 1);
	case CXType_FunctionProto: {
		if (type_is_volatile(clang_getResultType(c), depth + 1))
			return true;
		int na = clang_getNumArgTypes(c);
		for (int i = 0; i < na; i++)
			if (type_is_volatile(clang_getArgType(c, (unsigned)i), depth + 1))
				return true;
		return false;
	}
	default:
		return false;
	}
}

/* A type with an _Atomic part or a pointer into another address space (`__seg_gs`), at any
 * level: *why names which. */
static bool type_is_foreign_shape(CXType t, const char **why, int depth)
{
	if (depth > 8)
		return false;
	if (clang_getAddressSpace(t) != 0) {
		*why = "address-space";
		return true;
	}
	CXType c = clang_getCanonicalType(t);
	if (clang_getAddressSpace(c) != 0) {
		*why = "address-space";
		return true;
	}
	switch (c.kind) {
	case CXType_Atomic:
		*why = "atomic";
		return true;
	case CXType_Pointer:
		return type_is_foreign_shape(clang_getPointeeType(c), why, depth + 1);
	case CXType_ConstantArray:
	case CXType_IncompleteArray:
	case CXType_VariableArray:
		return type_is_foreign_shape(clang_getArrayElementType(c), why, depth + 1);
	case CXType_FunctionProto: {
		if (type_is_foreign_shape(clang_getResultType(c), why, depth + 1))
			return true;
		int na = clang_getNumArgTypes(c);
		for (int i = 0; i < na; i++)
			if (type_is_foreign_shape(clang_getArgType(c, (unsigned)i), why, depth + 1))
				return true;
		return false;
	}
	default:
		return false;
	}
}

static void check_foreign_shape(CXCursor c, CXType t)
{
	const char *why = NULL;
	if (!type_is_foreign_shape(t, &why, 0))
		return;
	if (!strcmp(why, "atomic"))
		report_at(clang_getCursorLocation(c), "builtin",
			  "an _Atomic type: atomics are the framework's (fw/atomic.h), and conversions "
			  "to and from _Atomic copy handles and move pointers out of every rule's sight");
	else
		report_at(clang_getCursorLocation(c), "attribute",
			  "a pointer into another address space (`__seg_gs`, `__seg_fs`): even a null "
			  "one reaches the per-CPU area");
}

/* Stack frames stay bounded: an automatic object aligned beyond the ABI's 16 bytes makes the
 * prologue realign the stack pointer down by up to the alignment, past the guard page. */
static enum CXChildVisitResult find_aligned(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_AlignedAttr) {
		*(bool *)d = true;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Continue;
}

static void check_stack_alignment(CXCursor c, CXType t)
{
	if (g_audit)
		return; /* the framework's own over-aligned state (XSAVE areas) is sized for it */
	bool attr = false;
	if (clang_getCursorKind(c) != CXCursor_CompoundLiteralExpr)
		clang_visitChildren(c, find_aligned, &attr);
	long long align = clang_Type_getAlignOf(t);
	if (attr || align > 16)
		report_at(clang_getCursorLocation(c), "vla",
			  "an over-aligned object on the stack (aligned/_Alignas, or a type aligned "
			  "beyond 16 bytes): the prologue realigns the stack pointer by up to the "
			  "alignment, past the guard page");
}

static void check_declared_type(CXCursor c, CXType t)
{
	check_foreign_shape(c, t);
	if (type_is_volatile(t, 0))
		report_at(clang_getCursorLocation(c), "volatile",
			  "a volatile-qualified type: volatile is for device and shared-memory access, "
			  "which only the framework performs");
	char *sp = type_name(t);
	if (clang_getCursorKind(c) == CXCursor_FieldDecl &&
	    (strstr(sp, "counted_by(") || strstr(sp, "sized_by(") || strstr(sp, "counted_by_or_null(") ||
	     strstr(sp, "sized_by_or_null(")))
		report_at(clang_getCursorLocation(c), "attribute",
			  "a service field with counted_by/sized_by: a count the service sets is not "
			  "a bound (use a framework slice or buffer)");
	free(sp);
}

static void check_storage(CXCursor c)
{
	if (clang_Cursor_getStorageClass(c) == CX_SC_Register)
		report_at(clang_getCursorLocation(c), "register",
			  "register variables can pin machine registers; framework-only");
	if (clang_getCursorKind(c) == CXCursor_VarDecl && clang_getCursorTLSKind(c) != CXTLS_None)
		report_at(clang_getCursorLocation(c), "attribute",
			  "thread-local storage is not available in the kernel");
}

/* ---- the walk --------------------------------------------------------------------------------- */

static void walk_children(CXCursor c)
{
	clang_visitChildren(c, walk, NULL);
}

enum CXChildVisitResult walk(CXCursor c, CXCursor parent, CXClientData d)
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
	case CXCursor_AsmLabelAttr:
		if (is_checked(c) && location_class(c) == FC_SERVICE)
			report_at(clang_getCursorLocation(c), "asm",
				  "an asm label binds a declaration to a symbol of its choosing");
		break;
	case CXCursor_BuiltinBitCastExpr:
		if (is_checked(c))
			report_at(clang_getCursorLocation(c), "builtin",
				  "__builtin_bit_cast reinterprets memory as another type");
		break;
	case CXCursor_CStyleCastExpr: {
		if (is_checked(c) && type_is_volatile(clang_getCursorType(c), 0))
			report_at(clang_getCursorLocation(c), "volatile",
				  "a cast to a volatile-qualified type");
		if (is_checked(c))
			check_foreign_shape(c, clang_getCursorType(c));
		struct kids kk = kids_of(c);
		if (kk.n >= 1)
			check_conversion(c, clang_getCursorType(c), kk.c[kk.n - 1], true);
		break;
	}
	case CXCursor_UnexposedExpr: {
		struct kids kk = kids_of(c);
		if (kk.n == 1 && is_expr_kind(clang_getCursorKind(kk.c[0]))) {
			CXType to = clang_getCursorType(c), from = clang_getCursorType(kk.c[0]);
			if (clang_getCanonicalType(from).kind == CXType_Atomic)
				from = clang_Type_getValueType(clang_getCanonicalType(from));
			/* a copy out of a const object drops the qualifier: same record type */
			bool same_record =
				clang_getCanonicalType(to).kind == CXType_Record &&
				clang_equalTypes(clang_getUnqualifiedType(clang_getCanonicalType(to)),
						 clang_getUnqualifiedType(clang_getCanonicalType(from)));
			if (!same_record &&
			    !clang_equalTypes(clang_getCanonicalType(to), clang_getCanonicalType(from)))
				check_conversion(c, to, kk.c[0], false);
			else if (clang_getCanonicalType(to).kind == CXType_Record &&
				 !is_void_cast(parent) && is_nocopy(to, 0) && is_checked(c))
				report_at(clang_getCursorLocation(c), "nocopy",
					  "copies a no-copy object (a reference-owning handle, lock or "
					  "container link): pass or keep a pointer instead");
			else if (clang_getCanonicalType(to).kind == CXType_Record && !is_checked(c) &&
				 location_class(c) == FC_SERVICE && !is_void_cast(parent) &&
				 (is_nocopy(to, 0) || is_copy_restricted(to, 0))) {
				/* a generic trusted macro (an array's get, a getter) instantiated
				 * with a type that must not be copied */
				char *tn = type_name(to);
				report_at(clang_getCursorLocation(c), "trusted-macro",
					  "a trusted framework macro copies a '%s' the service gave it, a "
					  "type that is no-copy or holds private fields",
					  tn);
				free(tn);
			} else if (clang_getCanonicalType(to).kind == CXType_Record &&
				 !is_void_cast(parent) && is_copy_restricted(to, 0) && is_checked(c)) {
				char *tn = type_name(to);
				report_at(clang_getCursorLocation(c), "private",
					  "copies a '%s', which holds private fields (a type tag, a queue "
					  "link): the copy would claim what only the framework may set",
					  tn);
				free(tn);
			}
			if (clang_getCanonicalType(to).kind == CXType_Pointer && is_pointerish(from) &&
			    clang_getCanonicalType(from).kind != CXType_Pointer &&
			    clang_getCursorKind(parent) != CXCursor_ArraySubscriptExpr)
				check_private_write(c, kk.c[0], "an array decaying to a pointer into");
			/* A literal decays to `char *` first; a conversion to `const char *` (or a
			 * read by subscript, whose write would fault on .rodata) follows when honest. */
			enum CXCursorKind pk = clang_getCursorKind(parent);
			bool to_const = (pk == CXCursor_UnexposedExpr || pk == CXCursor_CStyleCastExpr) &&
					clang_isConstQualifiedType(clang_getPointeeType(
						clang_getCanonicalType(clang_getCursorType(parent))));
			if (clang_getCanonicalType(to).kind == CXType_Pointer && is_checked(c) &&
			    clang_getCursorKind(strip(kk.c[0])) == CXCursor_StringLiteral && !to_const &&
			    pk != CXCursor_ArraySubscriptExpr && pk != CXCursor_ParenExpr &&
			    pk != CXCursor_ConditionalOperator && !g_audit &&
			    !clang_isConstQualifiedType(clang_getPointeeType(clang_getCanonicalType(to))))
				report_at(clang_getCursorLocation(c), "pointer-cast",
					  "a string literal as a pointer to non-const: the literal is "
					  "read-only (.rodata); use `const char *` or STR(\"...\")");
		}
		break;
	}
	case CXCursor_BinaryOperator:
	case CXCursor_CompoundAssignOperator:
		check_binary(c);
		break;
	case CXCursor_UnaryOperator:
		check_unary(c);
		if (clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_AddrOf)
			check_guarded_address(c);
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
	case CXCursor_MemberRefExpr: {
		/* A pointer kept in a private field (a lock's owner, a queue's links, a handle's
		 * target) is not the service's to read: passing it on (task_detach(lock->owner))
		 * or following it would reach objects the service holds no reference to. */
		CXCursor f = clang_getCursorReferenced(c);
		if (clang_getCursorKind(f) == CXCursor_FieldDecl && is_private_field(f) &&
		    is_pointer_bearing(clang_getCursorType(f), 0) && is_checked(c)) {
			char *n = spelling(f);
			report_at(clang_getCursorLocation(c), "private",
				  "reads private field '%s', which holds a pointer: only the framework "
				  "follows or passes on the pointers in its objects (use the accessor)",
				  n);
			free(n);
		}
		break;
	}
	case CXCursor_CallExpr:
		check_call(c);
		note_call_arguments(c);
		break;
	case CXCursor_FunctionDecl: {
		check_function_decl(c, file_scope);
		check_capability_attrs(c);
		check_subtype_site(c);
		escape_function(c);
		jumps_function(c);
		if (is_checked(c))
			check_declared_type(c, clang_getCursorType(c));
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
		if (is_checked(c))
			note_pointer_keeper(c);
		check_var_decl(c, file_scope);
		if (is_checked(c) && clang_Cursor_hasVarDeclGlobalStorage(c))
			check_shared_type(c, clang_getCursorType(c), "a variable with static storage");
		if (is_checked(c)) {
			check_declared_type(c, clang_getCursorType(c));
			check_storage(c);
			if (g_in_function && !clang_Cursor_hasVarDeclGlobalStorage(c))
				check_stack_alignment(c, clang_getCursorType(c));
		}
		break;
	case CXCursor_ParmDecl:
	case CXCursor_FieldDecl:
		if (k == CXCursor_FieldDecl)
			note_pointer_keeper(c);
		if (is_checked(c)) {
			check_type_shape(clang_getCursorType(c), c, 0);
			check_declared_type(c, clang_getCursorType(c));
			check_storage(c);
			if (k == CXCursor_ParmDecl && g_in_function)
				check_stack_alignment(c, clang_getCursorType(c));
		}
		break;
	case CXCursor_CompoundLiteralExpr:
		if (is_checked(c) && g_in_function)
			check_stack_alignment(c, clang_getCursorType(c));
		break;
	case CXCursor_TypedefDecl:
		check_heap_type_marker(c);
		if (is_checked(c)) {
			check_type_shape(clang_getTypedefDeclUnderlyingType(c), c, 0);
			check_declared_type(c, clang_getTypedefDeclUnderlyingType(c));
		}
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

