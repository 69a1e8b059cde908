"""lists: cons an N-element linked list, reverse it, sum it; repeated.
Args: N REPEAT.  Prints the total of the sums.

Python has no pairs, so a cons cell is a 2-tuple (car, cdr) and the empty list
is None: the same allocation (one cell per element per list) as the Scheme
programs, built, reversed and walked by the same loops."""
import sys


def build(n):
    acc = None
    i = 0
    while i != n:
        acc = (i, acc)
        i += 1
    return acc


def reverse(lst):
    acc = None
    while lst is not None:
        acc = (lst[0], acc)
        lst = lst[1]
    return acc


def total(lst):
    s = 0
    while lst is not None:
        s += lst[0]
        lst = lst[1]
    return s


n, repeat = int(sys.argv[1]), int(sys.argv[2])
grand = 0
for _ in range(repeat):
    grand += total(reverse(build(n)))
print(grand)
