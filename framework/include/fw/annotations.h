/*
 * fw/annotations.h — the markers the safe-C checker (tools/safecheck) reads.
 *
 * Framework headers use these to tell the checker what services may not do with a type or a
 * field; services never need them (a service using FW_PRIVATE on its own field only restricts
 * itself). docs/safety.md describes every rule.
 *
 *   FW_PRIVATE           on a struct field: services may read it but never write it, take its
 *                        address or initialise it (positionally or by designator). Use it for
 *                        counted_by counts, slice pointers and handle internals, so only the
 *                        framework's constructors set them.
 *   FW_NOCOPY            on a struct type: objects of it (and of any struct that contains one)
 *                        are never assigned, passed or returned by value in a service — for
 *                        handles that own a reference, locks and container links.
 *   FW_VALUE             on a struct type with private fields that is a self-consistent value
 *                        (a slice, a string, a result): services may copy it whole. Any other
 *                        struct holding a private field (a type tag, a queue link, a callback)
 *                        is never copied or assigned whole by a service — a copy writes the
 *                        private fields as surely as naming them.
 *   FW_KEPT              on a pointer parameter of a framework function that stores the pointer
 *                        beyond the call (a wait entry queued, a list element linked): the
 *                        checker rejects passing it the address of a stack object (rule
 *                        stack-escape), and the function checks at run time where it can.
 *   FW_PLAIN_DATA_ARG    on a function: a byte-copy backend (it takes `void *` and a size). At
 *                        every call, each argument bound to a `void *` parameter must, before
 *                        its implicit conversion, point to plain data (integers, enums, arrays and
 *                        padding-free structs of them: no pointer, bool, union, private field,
 *                        no-copy member or padding), and the call must be spelled inside a
 *                        trusted macro of framework/include/fw/. A copy macro therefore reads:
 *
 *     void fw_copy_from_bytes_(void *dst, size_t dst_len, struct bytes src) FW_PLAIN_DATA_ARG;
 *     #define COPY_FROM_BYTES(T, dst, src) \
 *             fw_copy_from_bytes_(_Generic(&(dst), T *: &(dst)), sizeof(T), (src))
 *
 *                        (_Generic compiles only when dst is a T; the checker sees the argument
 *                        as a `T *` before its conversion to `void *` and checks T). A trusted macro
 *                        never casts, offsets or indexes its arguments: the checker reports a
 *                        cast, pointer arithmetic or subscript spelled in a framework macro body
 *                        whose operand came from the service.
 *   FW_INDEX_CHECK       on a function `size_t f(size_t i, size_t n)` that stops the kernel
 *                        unless i < n and returns i. `&a[f(i, N)]` is then accepted where
 *                        `&a[i]` is not (the compiler's bounds check lets the one-past-the-end
 *                        pointer `&a[n]` through), provided a is a fixed-size array and N is a
 *                        constant equal to its length — so an element-pointer macro reads
 *                        `#define ELEM_PTR(a, i) (&(a)[fw_index_check((i), ARRAY_LEN(a))])`.
 *   FW_FAT               on a struct type: a value of several words whose agreement is its bound
 *                        (a slice's pointer and length, an array's storage and count, a
 *                        window's address and size). A plain copy moves it word by word, so a
 *                        task reading one while another writes it can pair one value's pointer
 *                        with another's length. The checker (rule shared-fat) keeps a fat value,
 *                        or any struct holding one, out of memory two tasks reach (heap objects,
 *                        non-const statics) unless the member holding it is GUARDED_BY a lock
 *                        or const.
 *   FW_TEARFREE          on a struct type holding fat values that only framework functions read
 *                        and write, in an order that never tears them (struct kbuf: a sequence
 *                        word around its pointer and length): shared-fat does not look inside.
 */
#ifndef FW_ANNOTATIONS_H
#define FW_ANNOTATIONS_H

#define FW_PRIVATE __attribute__((annotate("trellis_private")))
#define FW_NOCOPY __attribute__((annotate("trellis_nocopy")))
#define FW_VALUE __attribute__((annotate("trellis_value")))
#define FW_KEPT __attribute__((annotate("trellis_kept")))
#define FW_PLAIN_DATA_ARG __attribute__((annotate("trellis_plain_data_arg")))
#define FW_INDEX_CHECK __attribute__((annotate("trellis_index_check")))
#define FW_FAT __attribute__((annotate("trellis_fat")))
#define FW_TEARFREE __attribute__((annotate("trellis_tearfree")))

#endif
