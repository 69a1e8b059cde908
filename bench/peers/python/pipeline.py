"""pipeline: closure-heavy map/filter/fold.  For k = 0..REPEAT-1, over the list
0..N-1: keep the x with x+k odd, map them through compose(adder(k), scaler(3)),
fold the results with a lambda.  Args: N REPEAT.  Prints the grand total."""
import functools
import sys


def compose(f, g):
    return lambda x: f(g(x))


def make_adder(k):
    return lambda x: x + k


def make_scaler(k):
    return lambda x: x * k


def pipeline(xs, k):
    kept = list(filter(lambda x: (x + k) % 2 == 1, xs))
    mapped = list(map(compose(make_adder(k), make_scaler(3)), kept))
    return functools.reduce(lambda acc, x: acc + x, mapped, 0)


xs = list(range(int(sys.argv[1])))
total = 0
for k in range(int(sys.argv[2])):
    total += pipeline(xs, k)
print(total)
