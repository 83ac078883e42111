# busybox.text — text tools: grep sed awk sort uniq wc head tail tr cut xargs printf seq od
# cmp. Sourced by run.sh.
CASES="grep_basic grep_options grep_recursive sed_substitute sed_ranges_and_inplace
awk_fields awk_arrays sort_options uniq_counts wc_counts head_tail tr_ops cut_fields
xargs_batching printf_formats seq_ranges od_bytes cmp_status"

fruits() { printf 'apple 3\nBanana 1\ncherry 20\napple 3\ndate 7\n'; }
t_grep_basic() { fruits > f; grep -n apple f; grep -c a f; grep -v a f; grep nomatch f; echo "st $?"; }
t_grep_options() { fruits > f; grep -i banana f; grep -E '^(c|d)' f; grep -o '[0-9][0-9]*' f | tr '\n' ' '; echo; grep -w 3 f | head -n 1; grep -q cherry f && echo quiet; }
t_grep_recursive() { mkdir -p d/e; echo needle > d/a; echo hay > d/b; echo needle > d/e/c; grep -r needle d | sort; grep -rl needle d | sort; }
t_sed_substitute() { fruits | sed 's/a/A/g'; fruits | sed -n '2p'; fruits | sed '1d;3d'; echo 'x=1' | sed -E 's/([a-z])=([0-9])/\2=\1/'; }
t_sed_ranges_and_inplace() { seq 10 > f; sed -n '/3/,/5/p' f; sed -i 's/^1$/one/;$d' f; head -n 1 f; wc -l < f; }
t_awk_fields() { fruits | awk '{ s += $2 } END { print NR, s }'; echo 'a:b:c' | awk -F: '{ print $2, NF }'; awk 'BEGIN { printf "%5.2f|%-3s|%d\n", 3.14159, "x", 42 }'; }
t_awk_arrays() { fruits | awk '{ c[$1]++ } END { for (k in c) print k, c[k] }' | sort; echo 'Hello World' | awk '{ print toupper($1), length($2), substr($2, 2, 3) }'; }
t_sort_options() { printf '10\n9\n100\n9\n' > n; sort n | tr '\n' ' '; echo; sort -n n | tr '\n' ' '; echo; sort -rnu n | tr '\n' ' '; echo; fruits | sort -k2,2n -t' ' | head -n 2; }
t_uniq_counts() { printf 'a\na\nb\nc\nc\nc\n' | uniq -c; printf 'a\na\nb\n' | uniq -d; printf 'a\na\nb\n' | uniq -u; }
t_wc_counts() { printf 'one two\nthree\n' > f; wc -l < f; wc -w < f; wc -c < f; wc -l f; }
t_head_tail() { seq 10 > f; head -n 3 f | tr '\n' ' '; echo; tail -n 2 f | tr '\n' ' '; echo; tail -c 5 f | tr '\n' ' '; echo; head -c 4 f | tr '\n' ' '; echo; tail -n +9 f | tr '\n' ' '; echo; }
t_tr_ops() { echo hello | tr a-z A-Z; echo 'a-b-c' | tr -d -; echo 'aaabbbccc' | tr -s ab; echo abc | tr abc xyz; }
t_cut_fields() { echo 'a:b:c:d' | cut -d: -f2,3; echo 'abcdef' | cut -c1-3; echo 'abcdef' | cut -c4-; printf 'x\ty\n' | cut -f2; }
t_xargs_batching() { seq 5 | xargs -n 2 echo; echo 'a b' | xargs -I{} echo '[{}]'; printf 'f1\nf2\n' | xargs touch; ls; }
t_printf_formats() { printf '%5s|%-5s|%05d|%x|%o|%c|%%\n' ab cd 42 255 8 Z; printf '%s\n' one two; printf '%.3f %e\n' 2.5 1234.5; printf 'esc:\t\\n\101\n'; }
t_seq_ranges() { seq 3 | tr '\n' ' '; echo; seq 2 3 11 | tr '\n' ' '; echo; seq -s, 5; seq 3 -1 1 | tr '\n' ' '; echo; seq -w 8 10 | tr '\n' ' '; echo; }
t_od_bytes() { printf 'AB\n\001' | od -An -tx1; printf 'hi' | od -c | head -n 1; }
t_cmp_status() { echo a > x; echo a > y; echo b > z; cmp x y; echo "same $?"; cmp -s x z; echo "differ $?"; cmp -s x missing 2> /dev/null; echo "missing $?"; }
