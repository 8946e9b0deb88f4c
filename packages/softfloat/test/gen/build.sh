#!/bin/sh
# Build the reference-vector generator (x86-64 host, gcc). -frounding-math and -O0 keep every
# operation at run time in the rounding mode fesetround selected.
set -e
cd "$(dirname "$0")"
out="${1:-./gen}"
gcc -O0 -frounding-math -fsignaling-nans -ffp-contract=off -fno-builtin -o "$out" gen.c -lm
