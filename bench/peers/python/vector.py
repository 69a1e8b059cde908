"""vector: fill an N-element list (Python's vector) with 0..N-1 by index, then
sum it by index.  Args: N.  Prints the sum."""
import sys


def run(n):
    v = [0] * n
    for i in range(n):
        v[i] = i
    s = 0
    for i in range(n):
        s += v[i]
    return s


print(run(int(sys.argv[1])))
