#!/bin/sh
# tests/sync/run.sh CC "SERVICE_CFLAGS" — the compile-time half of the lock rules: tsa_good.c
# must compile with the service flags; each tsa_bad_*.c must fail with the thread-safety
# diagnostic its `expect:` comment names. Prints KTAP.
cc="$1"; flags="$2"; dir=$(dirname "$0")
set -- "$dir"/tsa_good.c "$dir"/tsa_bad_*.c
echo "KTAP version 1"
echo "1..$#"
n=0
for f in "$@"; do
	n=$((n + 1))
	name=$(basename "$f" .c)
	out=$($cc $flags -fsyntax-only "$f" 2>&1); rc=$?
	case "$name" in
	tsa_good)
		if [ $rc -eq 0 ]; then echo "ok $n $name"; else echo "$out" | sed 's/^/# /'; echo "not ok $n $name"; fi ;;
	*)
		want=$(sed -n 's|^/\* expect: \(.*\) \*/$|\1|p' "$f")
		if [ $rc -ne 0 ] && printf '%s' "$out" | grep -qF "$want"; then
			echo "ok $n $name"
		else
			echo "$out" | sed 's/^/# /'; echo "# wanted: $want"; echo "not ok $n $name"
		fi ;;
	esac
done
